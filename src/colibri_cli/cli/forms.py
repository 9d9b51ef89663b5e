"""Interactive prompts: the forms of `account add`, `contact add`, `task add` and `opp create`,
and the follow-up asked at every close.

Prompts run only on a terminal. They read the database through a connection that holds no
transaction between queries (a person may think for minutes) and write nothing: the command
writes everything afterwards, in one transaction.
"""

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import typer
from typer._click.exceptions import MissingParameter

from colibri_cli.cli import problems
from colibri_cli.cli.context import interactive
from colibri_cli.cli.output import amount_cell, ask, confirm, emphasis, say
from colibri_cli.core import (
    accounts,
    contacts,
    inputs,
    opportunities,
    records,
    settings,
    statuses,
    store,
    tasks,
)
from colibri_cli.core.errors import ColibriError, Conflict, RecordMissing
from colibri_cli.core.text import visible
from colibri_cli.i18n import N_, _, format_day, format_percent, language

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


NEEDED = N_("This answer is needed: type it, or press Ctrl-C to stop without creating anything.")


@dataclass
class FormResult:
    given: dict[str, str | None]
    new_account: str | None = None
    """An account the user chose to create along with the record."""
    new_contact: str | None = None
    """A contact the user chose to create at the account."""


def form_wanted(ctx: typer.Context, **values: str | None) -> bool:
    """Whether a form asks for the missing ones among `values`, which a script must give: on
    a terminal it does; in a script, the first missing one is the usage error Click gives
    for a required parameter (exit 2)."""
    missing = [name for name, value in values.items() if value is None]
    if not missing:
        return False
    if interactive():
        return True
    parameter = next(param for param in ctx.command.params if param.name == missing[0])
    raise MissingParameter(ctx=ctx, param=parameter)


def add_new_account(conn: sqlite3.Connection, result: FormResult) -> dict | None:
    """The account the form chose to create, made (in the command's transaction); None when
    it chose an existing one."""
    return accounts.add(conn, result.new_account) if result.new_account else None


def account_added(account: dict) -> str:
    """What is said of an account the form chose to create, once it is made."""
    return _("Added account {name} (id {id}).").format(name=account["name"], id=account["id"])


def confirm_creation(summary: str) -> None:
    """The form's last question, after a one-line summary of what would be created; "n"
    ends the command having written nothing."""
    emphasis("\n" + visible(summary), bold=True)
    if not confirm(_("Create?"), default=True):
        say(_("Cancelled: nothing was changed."))
        raise typer.Exit(1)


def _needed(check: Callable[[str], str]) -> Callable[[str], str]:
    """A validator for a question that must be answered: an empty answer is explained."""

    def check_given(text: str) -> str:
        if not text.strip():
            raise typer.BadParameter(_(NEEDED))
        return check(text)

    return check_given


def _resolved(answer: str, value: str) -> None:
    """Say what a forgiving answer was read as ("eom" -> 2026-11-30), when not as typed."""
    if value.casefold() != answer.strip().casefold():
        say(f"    → {value}")


def _ask_text(label: str, check: Callable[[str], str]) -> str:
    """A text that must be given (a name, a title), stripped."""
    return _prompt(f"  {label}", _needed(check), default="", show_default=False).strip()


def _ask_task_due(conn: sqlite3.Connection) -> str:
    """A task's due date in any form, said back as read; "-" is no date (""). Nothing is
    proposed: when to do it is the salesperson's to say."""

    def read(text: str) -> tuple[dt.date | None, dt.time | None]:
        return inputs.read_optional_moment(conn, text, field=N_("due date"))

    answer = _prompt(
        "  " + _("Due date (- for none)"), _needed(checked(read)), default="", show_default=False
    )
    day, time_of_day = read(answer)
    due = tasks.due_text(day, time_of_day) if day else ""
    _resolved(answer, format_day(due) if day else _("none"))
    return due


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


def ask_new_account_name(conn: sqlite3.Connection) -> str:
    """The name of a new account; one another account has is re-asked, saying which."""

    def free(text: str) -> None:
        with store.rehearsal(conn):
            accounts.add(conn, text)

    return _ask_text(_(PROMPTS["name"]), checked(free))


def contact_form(conn: sqlite3.Connection, given: dict, *, allow_duplicate: bool) -> FormResult:
    """The name and account of a new contact, as far as they were not given; a name asked
    for that a contact at the chosen account has is explained and asked again."""
    result = FormResult(dict(given))
    asked = "name" not in given
    if asked:
        result.given["name"] = _ask_contact_name()
    if "account" not in given:
        _ask_account(conn, result)
    while asked and not (allow_duplicate or result.new_account):
        try:
            with store.rehearsal(conn):
                contacts.add(conn, result.given["name"], result.given["account"])
            return result
        except Conflict as namesake:
            say(_("Error: {message}").format(message=problems.said(namesake)))
            result.given["name"] = _ask_contact_name()
    return result


def _ask_contact_name() -> str:
    return _ask_text(_(PROMPTS["name"]), checked(lambda text: contacts.validated({"name": text})))


def task_form(conn: sqlite3.Connection, given: dict) -> FormResult:
    """A new task's title and due date, then what it is for (optional), as far as not given:
    the opportunity, else the account (a contact given says it)."""
    result = FormResult(dict(given))
    if "title" not in given:
        result.given["title"] = _ask_text(_("Title"), checked(_task_title))
    if "due" not in given:
        result.given["due"] = _ask_task_due(conn)
    if not {"opp", "account", "contact"} & given.keys():
        _ask_opportunity(conn, result)
        if "opp" not in result.given:
            _ask_account(conn, result, optional=True)
    return result


def _ask_opportunity(conn: sqlite3.Connection, result: FormResult) -> None:
    """An optional opportunity, by id or the beginning of its name, said back as found."""
    while True:
        text = ask("  " + _("Opportunity (optional)"), default="", show_default=False).strip()
        if not text:
            return
        try:
            found = opportunities.get(conn, text)
        except ColibriError as problem:
            say(f"  {problem}")
            continue
        described = _("{id}: {name} ({account})").format(
            id=found["id"], name=found["name"], account=found["account_name"]
        )
        _resolved(text, described)
        result.given["opp"] = str(found["id"])
        return


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
            elif name == "contact":
                _ask_contact(conn, result)
            else:
                result.given[name] = _ask(conn, name, _default(conn, name))
    return result


def _ask(conn: sqlite3.Connection, name: str, default: str | None) -> str:
    if name == "status":
        say("  " + ", ".join(map(_status_choice, statuses.list_statuses(conn))))
    required = name in opportunities.REQUIRED
    label = _(PROMPTS[name])
    if name == "amount":
        label = _("Amount ({currency}, or write another currency)").format(
            currency=settings.get(conn, "currency")
        )
    check = _field_check(conn, name)
    answer = _prompt(
        f"  {label}",
        _needed(check) if required else check,
        default=default or "",
        show_default=bool(default),
    )
    if answer.strip():
        _resolved(answer, _read_as(conn, name, answer))
    return answer


def _read_as(conn: sqlite3.Connection, name: str, text: str) -> str:
    """A field's answer as the opportunity will hold it."""
    parsed = opportunities.Parsed()
    opportunities.parse_field(conn, name, text, parsed)
    if name == "amount":
        currency = parsed.values.get("currency") or settings.get(conn, "currency")
        return amount_cell({"amount": parsed.values["amount"], "currency": currency})
    if name == "due_date":
        return format_day(parsed.values["due_date"])
    return str(parsed.values.get(name) or text.strip())


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


def _default(conn: sqlite3.Connection, name: str) -> str | None:
    """The status starts at the first open one; nothing else is made up for the user."""
    if name == "status":
        open_statuses = [s for s in statuses.list_statuses(conn) if s["kind"] == "open"]
        return statuses.typed_name(open_statuses[0]["key"]) if open_statuses else None
    return None


def _account_id(conn: sqlite3.Connection, result: FormResult) -> int | None:
    """The id of the account chosen, None for a new one (it has no contacts yet)."""
    if result.new_account:
        return None
    try:
        return accounts.get(conn, result.given["account"])["id"]
    except ColibriError:
        return None  # a bad --account is reported with the other problems at the end


def _account_name(conn: sqlite3.Connection, result: FormResult, account_id: int | None) -> str:
    """The name of the account the form chose, known or to be created with the record."""
    if account_id is None:
        return visible(result.new_account or "")
    return visible(accounts.get(conn, account_id)["name"])


def _ask_contact(conn: sqlite3.Connection, result: FormResult) -> None:
    """An optional contact at the account chosen above, by name, offered for creation there
    when unknown; one who works elsewhere is re-asked at once."""
    account_id = _account_id(conn, result)
    while True:
        name = ask("  " + _(PROMPTS["contact"]), default="", show_default=False).strip()
        if not name:
            return
        try:
            contact = contacts.get(conn, name, account_id=account_id)
            opportunities.check_contact_account(
                conn, {"account_id": account_id, "contact_id": contact["id"]}
            )
        except RecordMissing as missing:
            say("  " + _said_before_an_offer(missing))
            question = _("Create contact {name!r} at {account}?").format(
                name=name, account=_account_name(conn, result, account_id)
            )
            if confirm("  " + question, default=False):
                result.new_contact = name
                return
            continue
        except ColibriError as unclear:
            say(_("Error: {message}").format(message=unclear))
            continue
        _resolved(name, contact["name"])
        result.given["contact"] = str(contact["id"])
        return


def _ask_account(conn: sqlite3.Connection, result: FormResult, *, optional: bool = False) -> None:
    """The account by name, with did-you-mean and an offer to create a missing one; said
    back when found from part of its name."""
    label = _("Account (optional)") if optional else _(PROMPTS["account"])
    while True:
        name = ask(f"  {label}", default="", show_default=False).strip()
        if not name:
            if optional:
                return
            say(_("Error: {message}").format(message=_(NEEDED)))
            continue
        try:
            found = accounts.get(conn, name)
            _resolved(name, found["name"])
            result.given["account"] = str(found["id"])
            return
        except RecordMissing as missing:
            say("  " + _said_before_an_offer(missing))
        except ColibriError as unclear:  # several accounts start with what was typed
            say(f"  {unclear}")
            continue
        if _take_the_suggestion(conn, name, result):
            return
        if confirm("  " + _("Create account {name!r}?").format(name=name), default=False):
            result.new_account = name
            result.given["account"] = name
            return


def _said_before_an_offer(missing: RecordMissing) -> str:
    """That the record is missing and what it might have been, without the command that
    lists them: the form offers to create it instead."""
    return missing.said + records.suggested(missing.suggestions, None)


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


def ask_follow_up(
    conn: sqlite3.Connection, title: str, due: str, *, question: str | None = None
) -> FollowUp | None:
    """Offer the follow-up task (`question` asks whether to schedule it); accepting the
    defaults schedules it as proposed."""
    emphasis("\n" + _("Next step"), bold=True)
    if not confirm("  " + (question or _("Schedule a follow-up task now?")), default=True):
        return None
    chosen_title = _prompt("  " + _("Task"), checked(_task_title), default=title)
    chosen_due = _prompt(
        "  " + _("Due"),
        checked(lambda text: inputs.read_moment(conn, text, field=N_("due date"))),
        default=due,
    )
    return FollowUp(chosen_title.strip(), chosen_due)


def ask_renewal(
    conn: sqlite3.Connection, plan, proposed: str
) -> "opportunities.RenewalPlan | None":
    """On a win that proposes a renewal, offer to create it, after the period `proposed`;
    the period is re-asked until the renewal can be made."""
    emphasis("\n" + _("Renewal"), bold=True)
    if not confirm("  " + _("Create its renewal now?"), default=True):
        return None
    period = _prompt(
        "  " + _("Renew after"),
        checked(lambda text: opportunities.plan_renewal(conn, plan, text)),
        default=proposed,
    )
    return opportunities.plan_renewal(conn, plan, period)


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
