"""Tasks as an iCalendar file (RFC 5545) that calendar applications open.

Each dated task becomes a VEVENT: events are what every calendar shows, where VTODO
entries are ignored by several popular ones. A task due at a time of day is an event of
`EVENT_LENGTH` at that time, in floating local time (no time zone: 10:00 is 10:00 wherever
the calendar is, as the salesperson typed it); a task due on a day is an all-day event.

Each event carries its task's revision as SEQUENCE, which only grows, so that a calendar
application takes the file imported again as an update. Tasks done or deleted lately come
as cancelled events (STATUS:CANCELLED) under their same UID: importing the file again drops
them from the calendar.
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from colibri_cli import __version__

LINE_LIMIT = 75  # octets, before folding (RFC 5545 §3.1)
EVENT_LENGTH = "PT30M"
"""How long a timed task's event lasts (an RFC 5545 duration): a call's or a meeting's slot."""


def to_ics(
    tasks: Iterable[Mapping], *, stamp: dt.datetime, cancelled: Iterable[Mapping] = ()
) -> str:
    """The calendar text, CRLF-terminated lines: an event for each of `tasks`, a cancelled
    one for each of `cancelled` (tasks done or deleted); those without a due date are left
    out."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//colibri//colibri {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:colibri tasks",
    ]
    for task in tasks:
        if task["due_date"]:
            lines += _event(task, stamp)
    for task in cancelled:
        if task["due_date"]:
            lines += _event(task, stamp, status="CANCELLED")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(task: Mapping, stamp: dt.datetime, status: str | None = None) -> list[str]:
    description = " · ".join(
        part
        for part in (
            task.get("account_name"),
            task.get("opportunity_name"),
            task.get("notes"),
        )
        if part
    )
    event = [
        "BEGIN:VEVENT",
        f"UID:{_uid(task)}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        *_when(task),
        f"SEQUENCE:{task['revision']}",
        *([f"STATUS:{status}"] if status else []),
        f"SUMMARY:{_escape(task['title'])}",
    ]
    if description:
        event.append(f"DESCRIPTION:{_escape(description)}")
    event.append("END:VEVENT")
    return event


def _when(task: Mapping) -> list[str]:
    """The event's start and its end or length: a floating time, or the whole day."""
    day = dt.date.fromisoformat(task["due_date"])
    if task.get("due_time"):
        start = dt.datetime.combine(day, dt.time.fromisoformat(task["due_time"]))
        return [f"DTSTART:{start.strftime('%Y%m%dT%H%M%S')}", f"DURATION:{EVENT_LENGTH}"]
    return [
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
    ]


def _uid(task: Mapping) -> str:
    """Stable for a task, and distinct across databases: re-importing updates events."""
    created = "".join(char for char in task["created_at"] if char.isdigit())
    return f"task-{task['id']}-{created}@colibri"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Split lines longer than 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current = ""
    for char in line:
        limit = LINE_LIMIT if not parts else LINE_LIMIT - 1
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)
