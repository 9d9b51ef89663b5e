"""Tasks: what to do next, for an account, an opportunity or a contact, with an optional due
date."""

import datetime as dt
import sqlite3
from collections.abc import Mapping

from colibri_cli.core import accounts, activities, clock, contacts, opportunities, records
from colibri_cli.core.errors import InvalidInput, NotFound
from colibri_cli.core.text import fold, whole_number
from colibri_cli.i18n import N_, _, format_day

COLUMNS = (
    "id",
    "title",
    "due_date",
    "opportunity_id",
    "account_id",
    "done_on",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
    "contact_id",
)
LISTED_COLUMNS = (*records.with_names(COLUMNS), "overdue")
"""What a listing or a record gives scripts: the columns, the names of the opportunity and
account beside their ids, and whether the task is overdue (not done, due before today)."""
SELECT = """
    SELECT t.*, a.name AS account_name, o.name AS opportunity_name, c.name AS contact_name
    FROM tasks AS t
    LEFT JOIN accounts AS a ON a.id = t.account_id
    LEFT JOIN opportunities AS o ON o.id = t.opportunity_id
    LEFT JOIN contacts AS c ON c.id = t.contact_id
"""
TITLE = N_("task title")
NEXT_STEP_DELAY = dt.timedelta(weeks=1)
"""When the next task proposed for a deal whose last open task is done is due, from today."""


def add(
    conn: sqlite3.Connection,
    title: str,
    *,
    due: dt.date | None = None,
    opportunity: str | int | None = None,
    account: str | int | None = None,
    contact: str | int | None = None,
    notes: str | None = None,
) -> dict:
    """Add a task; given an opportunity or a contact, its account is the task's account too."""
    values = {"title": records.require_text(TITLE, title), "notes": records.clean(notes)}
    values["due_date"] = due.isoformat() if due else None
    values.update(activities.links(conn, account, opportunity, contact, record="task"))
    return get(conn, records.insert(conn, "tasks", values))


def get(conn: sqlite3.Connection, task_id: str | int) -> dict:
    text = str(task_id).strip()
    number = whole_number(text)
    found = (
        _marked_overdue(records.fetch(conn, f"{SELECT} WHERE t.id = ?", (number,)))
        if number is not None
        else []
    )
    if not found:
        raise NotFound(_("No task {ref!r}. See `colibri task list --all`.").format(ref=text))
    return found[0]


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
    order = "t.done_on DESC, t.id" if view == "done" else "t.due_date IS NULL, t.due_date, t.id"
    return records.Listing(
        conn, f"{SELECT} WHERE {where}", order, params, records.overdue_marker(is_overdue)
    )


def is_overdue(task: Mapping, today: str) -> bool:
    """Not done and due before `today` (ISO), as `task list --overdue` and the agenda say."""
    return task["done_on"] is None and task["due_date"] is not None and task["due_date"] < today


def _marked_overdue(rows: list[dict]) -> list[dict]:
    return list(map(records.overdue_marker(is_overdue), rows))


def mark_done(conn: sqlite3.Connection, task_id: str | int, on: dt.date | None = None) -> dict:
    task = get(conn, task_id)
    if task["done_on"]:
        raise InvalidInput(
            _("Task {id} was already done on {day}.").format(
                id=task["id"], day=format_day(task["done_on"])
            )
        )
    if on is not None and on > clock.today():
        raise InvalidInput(
            _("The done date {day} is in the future: mark it done when it is.").format(
                day=format_day(on)
            )
        )
    records.update(conn, "tasks", task["id"], {"done_on": (on or clock.today()).isoformat()})
    return get(conn, task["id"])


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
    """Change title, due date (None clears it), notes, links (opportunity, account, contact:
    "" unlinks an opportunity or a contact), or reopen (done_on None)."""
    task = get(conn, task_id)
    values = dict(changes)
    if "title" in values:
        values["title"] = records.require_text(TITLE, values["title"])
    if "notes" in values:
        values["notes"] = records.clean(values["notes"])
    if isinstance(values.get("due_date"), dt.date):
        values["due_date"] = values["due_date"].isoformat()
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
    return get(conn, task["id"])


def snooze(conn: sqlite3.Connection, task_id: str | int, until: dt.date) -> dict:
    """Put an open task off until `until`, today or later: a snooze that goes back in time,
    or one of a task done, would say what did not happen."""
    task = get(conn, task_id)
    if task["done_on"]:
        raise InvalidInput(
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
    records.update(conn, "tasks", task["id"], {"due_date": until.isoformat()})
    return get(conn, task["id"])


def delete(conn: sqlite3.Connection, task_id: str | int) -> dict:
    task = get(conn, task_id)
    conn.execute("DELETE FROM tasks WHERE id = ?", (task["id"],))
    return task
