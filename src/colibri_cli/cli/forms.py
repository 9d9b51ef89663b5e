"""Interactive prompts: the opportunity form and the follow-up asked at every close.

Prompts run only on a terminal. They read the database through a connection that holds no
transaction between queries (a person may think for minutes) and write nothing: the command
writes everything afterwards, in one transaction.
"""

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import typer

from colibri_cli.cli.output import ask, confirm, emphasis, say
from colibri_cli.core import (
    accounts,
    clock,
    dates,
    inputs,
    opportunities,
    records,
    settings,
    statuses,
    tasks,
)
from colibri_cli.core.errors import ColibriError, NotFound
from colibri_cli.i18n import N_, _, format_percent, language

# The four parts of the opportunity form, as in the source's "Création d'une opportunité".
GROUPS = (
    (N_("Identity"), ("name", "account", "contact")),
    (N_("Information"), ("source", "type", "description")),
    (N_("Progress"), ("amount", "due_date", "status")),
    (N_("Misc"), ("tags", "notes")),
)
PROMPTS = {
    "name": N_("Name"),
    "account": N_("Account"),
    "contact": N_("Contact (optional)"),
    "source": N_("Source (optional)"),
    "type": N_("Type (optional)"),
    "description": N_("Description (optional)"),
    "amount": N_("Amount"),
    "due_date": N_("Due date"),
    "status": N_("Status"),
    "tags": N_("Tags, comma-separated (optional)"),
    "notes": N_("Notes (optional)"),
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
        emphasis(f"\n{_(title)}", bold=True)
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
        say("  " + ", ".join(map(_status_choice, statuses.list_statuses(conn))))
    required = name in opportunities.REQUIRED
    label = _(PROMPTS[name])
    if name == "amount":
        label = _("Amount ({currency}, or write another currency)").format(
            currency=settings.get(conn, "currency")
        )
    return _prompt(
        f"  {label}",
        check or _field_check(conn, name),
        default=default if default is not None else ("" if not required else None),
        show_default=bool(default),
    )


def _status_choice(status: dict) -> str:
    """ "quote (40%)"; in French, where the key is not the word one thinks of, the label and
    the name to type: "Devis envoyé (devis, 40 %)"."""
    probability = format_percent(status["probability"])
    if language() != "fr":
        return f"{status['key']} ({probability})"
    label = statuses.display_label(status["key"], status["label"])
    return f"{label} ({statuses.typed_name(status['key'])}, {probability})"


def _prompt(text: str, check: Callable[[str], str], **options) -> str:
    """Ask until `check` accepts the answer, saying why it did not (in the language spoken:
    Click's own loop for `value_proc` would say "Error:" in English)."""
    while True:
        answer = ask(text, **options)
        try:
            return check(answer)
        except typer.BadParameter as problem:
            say(_("Error: {message}").format(message=problem.message))


def _default(conn: sqlite3.Connection, name: str, given: dict) -> str | None:
    if name == "status":
        open_statuses = [s for s in statuses.list_statuses(conn) if s["kind"] == "open"]
        return statuses.typed_name(open_statuses[0]["key"]) if open_statuses else None
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
        name = ask("  " + _(PROMPTS["account"])).strip()
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
        if _take_the_suggestion(conn, name, result):
            return
        if confirm("  " + _("Create account {name!r}?").format(name=name), default=False):
            result.new_account = name
            result.given["account"] = name
            return


def _take_the_suggestion(conn: sqlite3.Connection, name: str, result: FormResult) -> bool:
    """When one account is the near miss, Enter takes it: no need to type it again."""
    names = accounts.near_misses(conn, name)
    if len(names) != 1:
        return False
    if not confirm("  " + _("Use {name!r}?").format(name=names[0]), default=True):
        return False
    result.given["account"] = str(accounts.get(conn, names[0], exact=True)["id"])
    return True


@dataclass
class FollowUp:
    title: str
    due: str


def ask_follow_up(conn: sqlite3.Connection, title: str, due: str) -> FollowUp | None:
    """Offer the follow-up task; accepting the defaults schedules it as proposed."""
    emphasis("\n" + _("Next step"), bold=True)
    if not confirm("  " + _("Schedule a follow-up task now?"), default=True):
        return None
    chosen_title = _prompt("  " + _("Task"), checked(_task_title), default=title)
    chosen_due = _prompt(
        "  " + _("Due"),
        checked(lambda text: inputs.read_date(conn, text, field=N_("due date"))),
        default=due,
    )
    return FollowUp(chosen_title.strip(), chosen_due)


def _task_title(text: str) -> str:
    return records.require_text(tasks.TITLE, text)


REASON_QUESTIONS = {
    "won": N_("Why won? (optional)"),
    "lost": N_("Why lost? (optional)"),
    "cancelled": N_("Why cancelled? (optional)"),
}


def ask_reason(kind: str) -> str | None:
    question = _(REASON_QUESTIONS.get(kind, "Why {kind}? (optional)")).format(kind=kind)
    answer = ask("  " + question, default="", show_default=False)
    return answer.strip() or None
