"""Interactive prompts: the opportunity form and the follow-up asked at every close.

Prompts run only on a terminal. They read the database through a read-only session and
write nothing: the command writes everything afterwards, in one transaction.
"""

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import typer

from colibri_cli.cli.output import say
from colibri_cli.core import (
    accounts,
    clock,
    dates,
    inputs,
    opportunities,
    records,
    settings,
    statuses,
)
from colibri_cli.core.errors import ColibriError, NotFound

# The four parts of the opportunity form, as in the source's "Création d'une opportunité".
GROUPS = (
    ("Identity", ("name", "account", "contact")),
    ("Information", ("source", "type", "description")),
    ("Progress", ("amount", "due_date", "status")),
    ("Misc", ("tags", "notes")),
)
PROMPTS = {
    "name": "Name",
    "account": "Account",
    "contact": "Contact (optional)",
    "source": "Source (optional)",
    "type": "Type (optional)",
    "description": "Description (optional)",
    "amount": "Amount",
    "due_date": "Due date",
    "status": "Status",
    "tags": "Tags, comma-separated (optional)",
    "notes": "Notes (optional)",
}


@dataclass
class FormResult:
    given: dict[str, str | None]
    new_account: str | None = None
    """An account the user chose to create along with the opportunity."""


def checked(parse: Callable[[str], object]) -> Callable[[str], str]:
    """A prompt validator: the answer is re-asked, with the reason, until `parse` accepts it."""

    def check(text: str) -> str:
        try:
            parse(text)
        except ColibriError as problem:
            raise typer.BadParameter(str(problem)) from None
        return text

    return check


def _field_check(conn: sqlite3.Connection, name: str) -> Callable[[str], str]:
    return checked(lambda text: opportunities.parse_field(conn, name, text, opportunities.Parsed()))


def opportunity_form(conn: sqlite3.Connection, given: dict, *, full: bool) -> FormResult:
    """Ask for what is missing: the required fields, or every field when `full`."""
    result = FormResult(dict(given))
    for title, names in GROUPS:
        wanted = [
            name for name in names if name not in given and (full or name in opportunities.REQUIRED)
        ]
        if not wanted:
            continue
        typer.secho(f"\n{title}", bold=True, err=True)
        for name in wanted:
            if name == "account":
                _ask_account(conn, result)
            else:
                check = _contact_check(conn, result) if name == "contact" else None
                result.given[name] = _ask(conn, name, _default(conn, name, result.given), check)
    return result


def _ask(
    conn: sqlite3.Connection,
    name: str,
    default: str | None,
    check: Callable[[str], str] | None = None,
) -> str:
    if name == "status":
        say(
            "  "
            + ", ".join(
                f"{status['key']} ({status['probability']}%)"
                for status in statuses.list_statuses(conn)
            )
        )
    required = name in opportunities.REQUIRED
    label = PROMPTS[name]
    if name == "amount":
        label = f"Amount ({settings.get(conn, 'currency')}, or write another currency)"
    return typer.prompt(
        f"  {label}",
        default=default if default is not None else ("" if not required else None),
        show_default=bool(default),
        value_proc=check or _field_check(conn, name),
        err=True,
    )


def _default(conn: sqlite3.Connection, name: str, given: dict) -> str | None:
    if name == "status":
        open_statuses = [s for s in statuses.list_statuses(conn) if s["kind"] == "open"]
        return open_statuses[0]["key"] if open_statuses else None
    if name == "due_date":
        return dates.add_delay(clock.today(), "1m").isoformat()
    return None


def _contact_check(conn: sqlite3.Connection, result: FormResult) -> Callable[[str], str]:
    """A contact at the account chosen above; one who works elsewhere is re-asked at once."""

    def parse(text: str) -> None:
        parsed = opportunities.Parsed()
        opportunities.parse_field(conn, "contact", text, parsed)
        if result.new_account:
            account_id = None  # a new account has no contacts yet
        else:
            try:
                account_id = accounts.get(conn, result.given["account"])["id"]
            except ColibriError:
                return  # a bad --account is reported with the other problems at the end
        opportunities.check_contact_account(conn, {"account_id": account_id, **parsed.values})

    return checked(parse)


def _ask_account(conn: sqlite3.Connection, result: FormResult) -> None:
    """The account by name, with did-you-mean and an offer to create a missing one."""
    while True:
        name = typer.prompt("  Account", err=True).strip()
        if not name:
            continue
        try:
            result.given["account"] = str(accounts.get(conn, name)["id"])
            return
        except NotFound as missing:
            say(f"  {missing}")
        except ColibriError as unclear:  # several accounts start with what was typed
            say(f"  {unclear}")
            continue
        if typer.confirm(f"  Create account {name!r}?", default=False, err=True):
            result.new_account = name
            result.given["account"] = name
            return


@dataclass
class FollowUp:
    title: str
    due: str


def ask_follow_up(conn: sqlite3.Connection, title: str, due: str) -> FollowUp | None:
    """Offer the follow-up task; accepting the defaults schedules it as proposed."""
    typer.secho("\nNext step", bold=True, err=True)
    if not typer.confirm("  Schedule a follow-up task now?", default=True, err=True):
        return None
    chosen_title = typer.prompt("  Task", default=title, value_proc=checked(_task_title), err=True)
    chosen_due = typer.prompt(
        "  Due",
        default=due,
        value_proc=checked(lambda text: inputs.read_date(conn, text, field="due date")),
        err=True,
    )
    return FollowUp(chosen_title.strip(), chosen_due)


def _task_title(text: str) -> str:
    return records.require_text("task title", text)


def ask_reason(kind: str) -> str | None:
    answer = typer.prompt(f"  Why {kind}? (optional)", default="", show_default=False, err=True)
    return answer.strip() or None
