"""Tasks: what to do next, for an account, an opportunity or a contact, with an optional due
date."""

import datetime as dt
import sqlite3
from collections.abc import Mapping

from colibri_cli.core import accounts, activities, clock, contacts, dates, opportunities, records
from colibri_cli.core.errors import Conflict, InvalidInput, NotFound, Told
from colibri_cli.core.text import fold, whole_number
from colibri_cli.i18n import N_, _, format_day

COLUMNS = (
    "id",
    "title",
    "due_date",
    "due_time",
    "every",
    "every_from",
    "opportunity_id",
    "account_id",
    "done_on",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
    "contact_id",
    "revision",
)
LISTED_COLUMNS = (*records.with_names(COLUMNS), "overdue")
"""What a listing or a record gives scripts: the columns, the names of the opportunity and
account beside their ids, and whether the task is overdue (not done, due before today).
`revision` counts the changes of the task since it was made (its calendar event's SEQUENCE)."""
SELECT = """
    SELECT t.*, a.name AS account_name, o.name AS opportunity_name, c.name AS contact_name
    FROM tasks AS t
    LEFT JOIN accounts AS a ON a.id = t.account_id
    LEFT JOIN opportunities AS o ON o.id = t.opportunity_id
    LEFT JOIN contacts AS c ON c.id = t.contact_id
"""
OUT_OF_TRASH = "o.deleted_at IS NULL"
"""A task listed: of no deal, or of a deal out of the trash (the tasks of a deal in the trash
are kept, and listed again once it is restored)."""

SOONEST_DUE_FIRST = "t.due_date IS NULL, t.due_date, t.due_time"
"""Tasks in the order they are due: on a day, those of the whole day (no time: NULL, first)
then by time."""
TITLE = N_("task title")
PERIOD = N_("repeat period")
NEXT_STEP_DELAY = dt.timedelta(weeks=1)
"""When the next task proposed for a deal whose last open task is done is due, from today."""


def due_values(day: dt.date | None, time_of_day: dt.time | None = None) -> dict:
    """The columns of a due date and its time of day (a due date alone has no time)."""
    return {
        "due_date": day.isoformat() if day else None,
        "due_time": time_of_day.strftime("%H:%M") if day and time_of_day else None,
    }


def due_moment(task: Mapping) -> str:
    """When a task is due, as stored: "2026-12-04 10:00", "2026-12-04", or "" for never."""
    return " ".join(part for part in (task["due_date"], task.get("due_time")) if part)


def due_text(day: dt.date, time_of_day: dt.time | None) -> str:
    """A due date and its time of day as `due_moment` writes them, which `inputs` reads."""
    return due_moment(due_values(day, time_of_day))


def add(
    conn: sqlite3.Connection,
    title: str,
    *,
    due: dt.date | None = None,
    due_time: dt.time | None = None,
    opportunity: str | int | None = None,
    account: str | int | None = None,
    contact: str | int | None = None,
    notes: str | None = None,
    every: str | None = None,
) -> dict:
    """Add a task; given an opportunity or a contact, its account is the task's account too.
    A task due on a day may repeat `every` period (as `dates.parse_period` writes it), its
    series counted from that day."""
    values = {"title": title_of(title), "notes": records.clean(notes)}
    values.update(due_values(due, due_time))
    values.update(series(every, due))
    values.update(activities.links(conn, account, opportunity, contact, record="task"))
    return get(conn, insert(conn, values))


def insert(conn: sqlite3.Connection, values: Mapping[str, object], stamp: str | None = None) -> int:
    """Write a new task, as `add`, a series and an import make one; its id."""
    return records.insert(conn, "tasks", values, stamp=stamp)


def title_of(text: str | None) -> str:
    """A task's title: some text."""
    return records.require_text(TITLE, text)


def parse_period(text: str) -> str:
    """How often a task repeats, as `dates.parse_period` writes it ("2w")."""
    return dates.parse_period(text, field=PERIOD)


def check_done_on(day: dt.date, today: dt.date) -> None:
    """A task is done on a day gone by, or today: never on a day still to come."""
    if day > today:
        raise InvalidInput(
            _("The done date {day} is in the future: mark it done when it is.").format(
                day=format_day(day)
            )
        )


def get(conn: sqlite3.Connection, task_id: str | int) -> dict:
    text = str(task_id).strip()
    number = whole_number(text)
    found = (
        _marked_overdue(records.fetch(conn, f"{SELECT} WHERE t.id = ?", (number,)))
        if number is not None
        else []
    )
    if not found:
        raise Missing(N_("No task {ref!r}."), ref=text)
    return found[0]


class Missing(Told, NotFound):
    """No task has the id given (`ref`)."""

    code = "task-missing"


def list_tasks(
    conn: sqlite3.Connection,
    view: str = "open",
    *,
    contact: str | int | None = None,
    account: str | int | None = None,
    opportunity: str | int | None = None,
    search: str | None = None,
) -> records.Listing:
    """Tasks by due date (undated last): open, all, done, overdue, due today or within 7 days;
    only those of a contact, an account (its deals' included), an opportunity, or whose
    title or notes contain `search` (case and accents ignored), where given."""
    today = clock.today()
    conditions = {
        "open": ("t.done_on IS NULL", ()),
        "all": ("1", ()),
        "done": ("t.done_on IS NOT NULL", ()),
        "overdue": ("t.done_on IS NULL AND t.due_date < ?", (today.isoformat(),)),
        "today": ("t.done_on IS NULL AND t.due_date = ?", (today.isoformat(),)),
        "week": (
            "t.done_on IS NULL AND t.due_date BETWEEN ? AND ?",
            (today.isoformat(), (today + dt.timedelta(days=7)).isoformat()),
        ),
    }
    where, params = conditions[view]
    where = f"{where} AND {OUT_OF_TRASH}"
    for column, ref, find in (
        ("contact_id", contact, contacts.get),
        ("account_id", account, accounts.get),
        ("opportunity_id", opportunity, opportunities.get),
    ):
        if ref is not None:
            where = f"{where} AND t.{column} = ?"
            params = (*params, find(conn, ref)["id"])
    if search:
        where = f"{where} AND instr(fold(t.title || ' ' || coalesce(t.notes, '')), ?) > 0"
        params = (*params, fold(search))
    order = "t.done_on DESC, t.id" if view == "done" else f"{SOONEST_DUE_FIRST}, t.id"
    return records.Listing(
        conn, f"{SELECT} WHERE {where}", order, params, records.overdue_marker(is_overdue)
    )


def is_overdue(task: Mapping, today: str) -> bool:
    """Not done and due before `today` (ISO), as `task list --overdue` and the agenda say."""
    return task["done_on"] is None and task["due_date"] is not None and task["due_date"] < today


def _marked_overdue(rows: list[dict]) -> list[dict]:
    return list(map(records.overdue_marker(is_overdue), rows))


def series(every: str | None, due: dt.date | None) -> dict:
    """The columns of a series repeating `every` period from `due` (none for no period)."""
    if every is None:
        return {"every": None, "every_from": None}
    if due is None:
        raise SeriesWithoutDue(N_("A task that repeats needs a due date to count from."))
    return {"every": every, "every_from": due.isoformat()}


class SeriesWithoutDue(Told, InvalidInput):
    """A task that repeats has no due date to count its series from."""

    code = "task-series-without-due"


def next_due(task: Mapping, done_on: dt.date) -> dt.date | None:
    """When the next task of `task`'s series is due: its due date plus one period, counted
    in whole periods from the series' start (31 Jan, 28 Feb, 31 Mar), and advanced by whole
    periods until it is after `done_on`, so that a task done late leaves no overdue copies.
    None when that would pass the last year a date may have."""
    start, period = dt.date.fromisoformat(task["every_from"]), task["every"]
    after = max(dt.date.fromisoformat(task["due_date"]), done_on)
    times = max(1, _whole_periods(start, after, period))
    try:
        while (due := dates.periods_after(start, period, times)) <= after:
            times += 1
    except (ValueError, OverflowError):
        return None
    return due if due.year <= dates.LAST_YEAR else None


def _whole_periods(start: dt.date, end: dt.date, period: str) -> int:
    """About how many periods go from `start` to `end`, never more: where to start counting."""
    count, unit = int(period[:-1]), period[-1]
    if unit in "dw":
        return (end - start).days // (count * (7 if unit == "w" else 1))
    months = (end.year - start.year) * 12 + end.month - start.month - 1
    return months // (count * {"m": 1, "q": 3, "y": 12}[unit])


def mark_done(
    conn: sqlite3.Connection, task_id: str | int, on: dt.date | None = None
) -> tuple[dict, dict | None]:
    """The task done on `on` (today by default), and the next task of its series, if it
    repeats: the same title, notes, links, time of day and period, due `next_due`. The
    series goes on with the next task; the one done is a task of its own."""
    task = get(conn, task_id)
    if task["done_on"]:
        raise Conflict(
            _("Task {id} was already done on {day}.").format(
                id=task["id"], day=format_day(task["done_on"])
            )
        )
    if on is not None:
        check_done_on(on, clock.today())
    done_on = on or clock.today()
    records.update(
        conn, "tasks", task["id"], {"done_on": done_on.isoformat(), **series(None, None)}
    )
    following = task["every"] and next_due(task, done_on)
    if not following:
        return get(conn, task["id"]), None
    next_id = insert(
        conn,
        {
            **{name: task[name] for name in REPEATED},
            "due_date": following.isoformat(),
            "every_from": task["every_from"],
        },
    )
    return get(conn, task["id"]), get(conn, next_id)


REPEATED = (
    "title", "notes", "due_time", "every", "opportunity_id", "account_id", "contact_id",
)  # fmt: skip
"""What the next task of a series has of the one done."""


def open_deal_of(conn: sqlite3.Connection, task: Mapping) -> dict | None:
    """The open deal (out of the trash) `task` is for, if any, with `without_next_step`:
    whether it has no open task (as when its last one is done)."""
    if task["opportunity_id"] is None:
        return None
    found = records.fetch(
        conn,
        f"""
        SELECT o.id, o.name, {opportunities.NO_NEXT_STEP} AS without_next_step
        FROM opportunities AS o JOIN statuses AS s ON s.key = o.status
        WHERE o.id = ? AND s.kind = 'open' AND o.{opportunities.LIVE}
        """,
        (task["opportunity_id"],),
    )
    return found[0] if found else None


def next_step_proposal(deal: Mapping) -> tuple[str, dt.date]:
    """The next task proposed for a deal left without one: its title, and its due date."""
    return _("Next step for {deal}").format(deal=deal["name"]), clock.today() + NEXT_STEP_DELAY


def edit(conn: sqlite3.Connection, task_id: str | int, changes: Mapping[str, object]) -> dict:
    """Change title, due date (None clears it) and time of day (`due_time`; a due date given
    without one clears the time), the period it repeats `every` (None: it no longer does),
    notes, links (opportunity, account, contact: "" unlinks an opportunity or a contact),
    or reopen (done_on None). A new due date or period starts the series again from the
    due date."""
    task = get(conn, task_id)
    values = dict(changes)
    if "title" in values:
        values["title"] = title_of(values["title"])
    if "notes" in values:
        values["notes"] = records.clean(values["notes"])
    due = values.pop("due_date", day_of(task["due_date"]))
    if "due_date" in changes:
        values.update(due_values(due, values.pop("due_time", None)))
    if "due_date" in changes or "every" in values:
        values.update(series(values.pop("every", task["every"]), due))
    given = {
        name: values.pop(name) for name in ("opportunity", "account", "contact") if name in values
    }
    if given:  # the links kept must agree with the new ones
        refs = {"opportunity": task["opportunity_id"], "contact": task["contact_id"], **given}
        if "account" not in given and "opportunity" not in given:
            refs["account"] = task["account_id"]  # only an opportunity moves a task
        values.update(
            activities.links(
                conn, refs.get("account"), refs["opportunity"], refs["contact"], record="task"
            )
        )
    records.update(conn, "tasks", task["id"], values)
    if task["due_date"] and "due_date" in values and values["due_date"] is None:
        _keep_cleared_due(conn, task)
    return get(conn, task["id"])


def _keep_cleared_due(conn: sqlite3.Connection, task: Mapping) -> None:
    """Keep, as of a task deleted, what the cancelled event of a task that no longer has a
    due date needs: its old due date and time, and the revision of the change that cleared
    them, so that calendars that had its event drop it (see `gone_lately`)."""
    conn.execute(
        """
        INSERT OR REPLACE INTO deleted_tasks
            (task_id, title, due_date, due_time, created_at, revision, deleted_on)
        SELECT id, title, ?, ?, created_at, revision, ? FROM tasks WHERE id = ?
        """,
        (task["due_date"], task["due_time"], clock.today().isoformat(), task["id"]),
    )


def snooze(
    conn: sqlite3.Connection,
    task_id: str | int,
    until: dt.date,
    until_time: dt.time | None = None,
) -> dict:
    """Put an open task off until `until`, today or later, at `until_time` if given, else at
    the task's time of day: a snooze moves the task, it does not make it a whole day's. A
    snooze that goes back in time, or one of a task done, would say what did not happen."""
    task = get(conn, task_id)
    if task["done_on"]:
        raise Conflict(
            _("Task {id} was done on {day}: there is nothing to put off.").format(
                id=task["id"], day=format_day(task["done_on"])
            )
        )
    if until < clock.today():
        raise InvalidInput(
            _("{day} is past: a task is put off until today or later.").format(
                day=format_day(until)
            )
        )
    time_of_day = until_time or (task["due_time"] and dt.time.fromisoformat(task["due_time"]))
    records.update(conn, "tasks", task["id"], due_values(until, time_of_day))
    return get(conn, task["id"])


def day_of(text: str | None) -> dt.date | None:
    """The date an ISO date names; None for none."""
    return dt.date.fromisoformat(text) if text else None


CANCELLED_WINDOW = dt.timedelta(days=90)
"""How long a task done or deleted stays in the calendar export as a cancelled event: a
calendar application that imports the file at least once a quarter drops it, and the file
does not grow with every task ever done."""


def gone_lately(conn: sqlite3.Connection) -> list[dict]:
    """The dated tasks done or deleted within `CANCELLED_WINDOW` of today, those whose due
    date was cleared within it (until they have one again: a task is never both an event
    and a cancelled one), and the open ones of a deal in the trash, by due date: what
    calendars that had them must drop."""
    since = (clock.today() - CANCELLED_WINDOW).isoformat()
    return records.fetch(
        conn,
        """
        SELECT id, title, due_date, due_time, created_at, revision FROM tasks
        WHERE done_on >= ? AND due_date IS NOT NULL
        UNION ALL
        SELECT t.id, t.title, t.due_date, t.due_time, t.created_at, t.revision FROM tasks AS t
        JOIN opportunities AS o ON o.id = t.opportunity_id
        WHERE o.deleted_at IS NOT NULL AND t.done_on IS NULL AND t.due_date IS NOT NULL
        UNION ALL
        SELECT task_id, title, due_date, due_time, created_at, revision FROM deleted_tasks AS d
        WHERE deleted_on >= ? AND due_date IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM tasks AS t
            WHERE t.id = d.task_id AND t.created_at = d.created_at AND t.due_date IS NOT NULL
        )
        ORDER BY due_date, due_time, id
        """,
        (since, since),
    )


def delete(conn: sqlite3.Connection, task_id: str | int) -> dict:
    task = get(conn, task_id)
    delete_where(conn, "id = ?", (task["id"],))
    return task


def delete_where(conn: sqlite3.Connection, where: str, params: tuple) -> None:
    """Delete the tasks `where` says, keeping of each what the calendar export needs to
    cancel its event (`deleted_tasks`, on colibri's day): a deleted task, like one done,
    leaves the calendars it went to. What another program made of a task that is no
    date or time is not kept: such a task is deleted all the same. A task without a due
    date keeps what was kept when its due date was cleared (its event is cancelled already)."""
    conn.execute(
        f"""
        INSERT OR REPLACE INTO deleted_tasks
            (task_id, title, due_date, due_time, created_at, revision, deleted_on)
        SELECT id, coalesce(title, ''),
            CASE WHEN date(due_date, '+0 days') IS due_date THEN due_date END,
            CASE WHEN due_time GLOB '[0-2][0-9]:[0-5][0-9]' AND due_time < '24:00'
                THEN due_time END,
            coalesce(created_at, ''), coalesce(revision, 0) + 1, ?
        FROM tasks WHERE ({where}) AND NOT (due_date IS NULL AND id IN (
            SELECT task_id FROM deleted_tasks WHERE due_date IS NOT NULL
        ))
        """,
        (clock.today().isoformat(), *params),
    )
    conn.execute(f"DELETE FROM tasks WHERE {where}", params)
