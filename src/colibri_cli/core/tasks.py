"""Tasks: what to do next, for an account or an opportunity, with an optional due date."""

import datetime as dt
import sqlite3
from collections.abc import Mapping

from colibri_cli.core import accounts, clock, opportunities, records
from colibri_cli.core.errors import InvalidInput, NotFound
from colibri_cli.core.text import whole_number
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
)
LISTED_COLUMNS = (*records.with_names(COLUMNS), "overdue")
"""What a listing or a record gives scripts: the columns, the names of the opportunity and
account beside their ids, and whether the task is overdue (not done, due before today)."""
SELECT = """
    SELECT t.*, a.name AS account_name, o.name AS opportunity_name
    FROM tasks AS t
    LEFT JOIN accounts AS a ON a.id = t.account_id
    LEFT JOIN opportunities AS o ON o.id = t.opportunity_id
"""
TITLE = N_("task title")


def add(
    conn: sqlite3.Connection,
    title: str,
    *,
    due: dt.date | None = None,
    opportunity: str | int | None = None,
    account: str | int | None = None,
    notes: str | None = None,
) -> dict:
    """Add a task; given an opportunity, its account is the task's account too."""
    values = {"title": records.require_text(TITLE, title), "notes": records.clean(notes)}
    values["due_date"] = due.isoformat() if due else None
    values.update(_links(conn, opportunity, account))
    return get(conn, records.insert(conn, "tasks", values))


def _links(conn: sqlite3.Connection, opportunity: str | int | None, account: str | int | None):
    links = {}
    if opportunity is not None:
        found = opportunities.get(conn, opportunity)
        links = {"opportunity_id": found["id"], "account_id": found["account_id"]}
    if account is not None:
        account_id = accounts.get(conn, account)["id"]
        if links and links["account_id"] != account_id:
            raise InvalidInput(
                _(
                    "Opportunity {id} belongs to another account: "
                    "give the opportunity alone, its account goes with it."
                ).format(id=links["opportunity_id"])
            )
        links["account_id"] = account_id
    return links


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


def list_tasks(conn: sqlite3.Connection, view: str = "open") -> list[dict]:
    """Tasks by due date (undated last): open, all, done, overdue, due today or within 7 days."""
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
    order = "t.done_on DESC, t.id" if view == "done" else "t.due_date IS NULL, t.due_date, t.id"
    return _marked_overdue(records.fetch(conn, f"{SELECT} WHERE {where} ORDER BY {order}", params))


def is_overdue(task: Mapping, today: str) -> bool:
    """Not done and due before `today` (ISO), as `task list --overdue` and the agenda say."""
    return task["done_on"] is None and task["due_date"] is not None and task["due_date"] < today


def _marked_overdue(rows: list[dict]) -> list[dict]:
    today = clock.today().isoformat()
    for row in rows:
        row["overdue"] = is_overdue(row, today)
    return rows


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


def edit(conn: sqlite3.Connection, task_id: str | int, changes: Mapping[str, object]) -> dict:
    """Change title, due date (None clears it), notes, links, or reopen (done_on None)."""
    task = get(conn, task_id)
    values = dict(changes)
    if "title" in values:
        values["title"] = records.require_text(TITLE, values["title"])
    if "notes" in values:
        values["notes"] = records.clean(values["notes"])
    if isinstance(values.get("due_date"), dt.date):
        values["due_date"] = values["due_date"].isoformat()
    opportunity = values.pop("opportunity", None)
    account = values.pop("account", None)
    if opportunity is None and account is not None and task["opportunity_id"] is not None:
        opportunity = task["opportunity_id"]  # a new account must still be the opportunity's
    if opportunity is not None or account is not None:
        values.update(_links(conn, opportunity, account))
    records.update(conn, "tasks", task["id"], values)
    return get(conn, task["id"])


def delete(conn: sqlite3.Connection, task_id: str | int) -> dict:
    task = get(conn, task_id)
    conn.execute("DELETE FROM tasks WHERE id = ?", (task["id"],))
    return task
