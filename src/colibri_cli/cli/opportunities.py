"""`colibri opp`: create, list, show, edit, close and delete opportunities."""

import contextlib
import datetime as dt
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from colibri_cli.cli import completion
from colibri_cli.cli import contacts as contact_messages
from colibri_cli.cli.context import database, delete_confirmed, interactive, lookups
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    WrittenFormat,
    WrittenFormatOption,
    amount_cell,
    day_cell,
    due_cell,
    explain_overdue,
    moment,
    plural,
    render_record,
    render_rows,
    say,
    task_due,
    warn,
    write_record,
)
from colibri_cli.cli.params import (
    Yes,
    account_option,
    allow_duplicate_option,
    choice_option,
    choices,
    coming_day_option,
    contact_option,
    given,
    given_filter,
    opportunity_argument,
    past_day_option,
    search_option,
    status_argument,
)
from colibri_cli.cli.timeline import SHOWN, TimelineOption, render_card
from colibri_cli.core import contacts, inputs, opportunities, statuses, store, tasks
from colibri_cli.core import timeline as timelines
from colibri_cli.core.errors import Conflict, InvalidInput, NotFound, OpenNamesake, OutOfPlace
from colibri_cli.i18n import N_, Nc_, _, format_day, format_percent

if TYPE_CHECKING:
    from colibri_cli.cli import forms

app = typer.Typer(
    help="Opportunities: deals with an amount, a due date and a status.",
    no_args_is_help=True,
)

OpportunityRef = opportunity_argument()
FOLLOW_UP_DUE = N_("follow-up due date")
AccountOption = account_option()
Amount = Annotated[
    str | None, typer.Option("--amount", help="Amount in whole units: 15000, 15k, '15 000 €'.")
]
Due = coming_day_option("--due", help="Due date: 2027-03-31, 31/03/2027, +2w, eom, friday…")
Status = Annotated[
    str | None,
    typer.Option(
        "--status",
        "-s",
        help="Status key, prefix or French name (devis…).",
        autocompletion=completion.status_names,
    ),
]
Probability = Annotated[
    str | None, typer.Option(help="Probability override in %, instead of the status's.")
]
Contact = contact_option()
Source = Annotated[str | None, typer.Option(help="Where it came from (referral, web…).")]
Type = Annotated[str | None, typer.Option("--type", help="Kind of deal (new, renewal…).")]
Description = Annotated[str | None, typer.Option(help="What is being sold.")]
Sort = choices("Sort", opportunities.SORTS)
Tags = Annotated[str | None, typer.Option(help="Comma-separated tags.")]
Notes = Annotated[str | None, typer.Option(help="Free notes.")]
Currency = Annotated[
    str | None, typer.Option(help="ISO currency code; default: the currency setting.")
]
CreatedOn = past_day_option(help="When it was created, for history entered late.")
ClosedOn = past_day_option(
    help="When it closed (won, lost, cancelled), if not today: 20/11, friday…"
)
Reason = Annotated[str | None, typer.Option(help="Why it was won, lost or cancelled.")]
FollowUpTitle = Annotated[
    str | None, typer.Option("--follow-up", help="Title of the follow-up task to schedule.")
]
FollowUpDue = coming_day_option("--follow-up-due", help="Due date of the follow-up task.")
NoFollowUp = Annotated[
    bool, typer.Option("--no-follow-up", help="Close without scheduling a follow-up.")
]
Renew = Annotated[
    str | None,
    typer.Option(help="Won: create its renewal, due this period after the close (12m, 1y…)."),
]
NoRenew = Annotated[
    bool,
    typer.Option(
        "--no-renew", help="Won: no renewal, even for a type that proposes one; no question."
    ),
]
ExternalId = Annotated[str | None, typer.Option(help="Its id in another tool.")]


def probability_cell(row: dict) -> str:
    """The probability shown; none for a status colibri does not know."""
    probability = row["effective_probability"]
    return "" if probability is None else format_percent(probability)


def status_label_cell(row: dict) -> str:
    return statuses.display_label(row["status"], row["status_label"])


LIST_COLUMNS = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("account_name", N_("Account")),
    ("amount", N_("Amount"), amount_cell),
    ("due_date", N_("Due"), due_cell),
    ("status_label", N_("Status"), status_label_cell),
    ("effective_probability", N_("Prob."), probability_cell),
    ("last_touch", N_("Last touch")),
)
OPEN_ONLY = ("effective_probability", "last_touch")
"""What a listing of closed or deleted deals leaves out."""
CLOSED_LIST_COLUMNS = (
    *(column for column in LIST_COLUMNS if column[0] not in OPEN_ONLY),
    ("closed_on", N_("Closed")),
    ("close_reason", N_("Reason")),
)
"""`opp list --closed`: when and why, rather than a probability that is the outcome's."""
TRASH_LIST_COLUMNS = (
    *(column for column in LIST_COLUMNS if column[0] not in OPEN_ONLY),
    ("deleted_at", N_("Deleted"), day_cell("deleted_at")),
)


def pushes_cell(row: dict) -> str:
    """ "never", or "2 pushes, 21 days in all": how far the due date has slipped so far."""
    if not row["pushes"]:
        return _("never")
    return _("{pushes}, {days} in all").format(
        pushes=plural(row["pushes"], "pushes"), days=plural(row["days_pushed"], "days")
    )


CARD = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("account_name", N_("Account")),
    ("contact_name", N_("Contact")),
    ("amount", N_("Amount"), amount_cell),
    ("due_date", N_("Due")),
    ("status_label", N_("Status"), status_label_cell),
    ("effective_probability", N_("Probability"), probability_cell),
    ("source", N_("Source")),
    ("type", N_("Type")),
    ("description", N_("Description")),
    ("tags", N_("Tags")),
    ("notes", N_("Notes")),
    ("pushes", N_("Due date pushed"), pushes_cell),
    ("last_touch", N_("Last touch")),
    ("created_on", N_("Created on")),
    ("closed_on", N_("Closed on")),
    ("close_reason", N_("Reason")),
    ("renewal_of", N_("Renewal of")),
    ("renewed_by", N_("Renewed by")),
    ("external_id", N_("External id")),
    ("updated_at", ("opportunity", Nc_("opportunity", "Updated")), moment("updated_at")),
)


def history_status_cell(row: dict) -> str:
    """The status of a state, and whether the deal was then in the trash."""
    return (
        _("{status} (in the trash)").format(status=row["status"])
        if row["deleted"]
        else ("" if row["status"] is None else str(row["status"]))
    )


HISTORY_COLUMNS = (
    ("changed_at", N_("Changed"), moment("changed_at")),
    ("status", N_("Status"), history_status_cell),
    ("amount", N_("Amount"), amount_cell),
    ("due_date", N_("Due")),
    ("effective_probability", N_("Prob."), probability_cell),
)
TASK_COLUMNS = (
    ("id", N_("ID")),
    ("title", N_("Task")),
    ("due_date", N_("Due"), task_due),
    ("done_on", N_("Done")),
)
SECTIONS = {
    "history": (opportunities.HISTORY_COLUMNS, HISTORY_COLUMNS),
    "tasks": (tasks.COLUMNS, TASK_COLUMNS),
}


def summary(opportunity: dict) -> str:
    return _("{id}: {description}").format(id=opportunity["id"], description=brief(opportunity))


def brief(opportunity: dict) -> str:
    return _("{name} ({account}), {amount}, due {day}, {status} ({probability})").format(
        name=opportunity["name"],
        account=opportunity["account_name"],
        amount=amount_cell(opportunity),
        day=format_day(opportunity["due_date"]),
        status=opportunity["status"],
        probability=probability_cell(opportunity),
    )


SAVED = {
    "Created": N_("Created opportunity {summary}."),
    "Updated": N_("Updated opportunity {summary}."),
}


REMARKS = {
    "amount_in_another_currency": N_(
        "The amount {text!r} is written in {written} but --currency is {currency}: "
        "it is saved as {saved}."
    ),
    "amount_rounded": N_("The amount {text!r} was rounded to {value}."),
    "past_due": N_(
        "Opportunity {id} is open but was due on {day}: set a new due date or close it."
    ),
    "zero_amount": N_(
        "Opportunity {id} has an amount of 0: the pipeline and forecast will not count it."
    ),
    "closing_date_corrected": N_(
        "Closing date corrected from {before} to {after}: the history has the deal "
        "closed from {after} on, so reports as of the days between change."
    ),
    "own_probability_dropped": N_("Own probability ({own}) dropped: {status} is {probability}."),
}
"""How each notice and warning of `opportunities` (a `Remark`, by its code) is said."""


def worded(remark: opportunities.Remark) -> str:
    return _(REMARKS[remark.code]).format(**remark.params)


def _report(
    opportunity: dict,
    notices: list[opportunities.Remark],
    warnings: list[opportunities.Remark],
    output: OutputFormat,
    verb: str,
) -> None:
    for notice in notices:
        say(worded(notice))
    for warning in warnings:
        warn(worded(warning))
    say(_(SAVED[verb]).format(summary=summary(opportunity)))
    if output is not OutputFormat.table:
        render_record(opportunity, output, fields=opportunities.SHOWN_COLUMNS, labels=CARD)


@app.command("create")
def create(
    name: Annotated[str | None, typer.Argument(help="What the deal is called.")] = None,
    account: AccountOption = None,
    amount: Amount = None,
    due: Due = None,
    status: Status = None,
    probability: Probability = None,
    contact: Contact = None,
    source: Source = None,
    type_: Type = None,
    description: Description = None,
    tags: Tags = None,
    notes: Notes = None,
    currency: Currency = None,
    created_on: CreatedOn = None,
    closed_on: ClosedOn = None,
    reason: Reason = None,
    follow_up: FollowUpTitle = None,
    follow_up_due: FollowUpDue = None,
    no_follow_up: NoFollowUp = False,
    renew: Renew = None,
    no_renew: NoRenew = False,
    external_id: ExternalId = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt: fail naming what is missing.")
    ] = False,
    allow_duplicate: allow_duplicate_option(
        "Create it even if an open opportunity of the same name is at the account."
    ) = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Create an opportunity with its amount, due date and status.

    On a terminal, what is missing is asked for (Identity, Information, Progress, Misc);
    in a script, a missing amount, due date, status or account is an error (exit 2).
    Created already won, lost or cancelled, it closes on --closed-on (default today) and
    asks for the follow-up, and created won for its renewal, as `opp status` does.

    Example: colibri opp create "Website redesign" -a ACME --amount 15k --due eoq --status quote
    """
    close = CloseAnswers(reason, follow_up, follow_up_due, no_follow_up)
    close.check()
    _check_renew(renew, no_renew)
    fields = given(
        name=name,
        account=account,
        amount=amount,
        due_date=due,
        status=status,
        probability=probability,
        contact=contact,
        source=source,
        type=type_,
        description=description,
        tags=tags,
        notes=notes,
        currency=currency,
        created_on=created_on,
        closed_on=closed_on,
        close_reason=reason,
        external_id=external_id,
    )
    ask = interactive() and not no_input
    missing = [field for field in opportunities.REQUIRED if field not in fields]
    asked = bool(missing and ask)
    from colibri_cli.cli import forms  # asks what is missing: only to create

    form = forms.FormResult(fields)
    if asked:
        with lookups() as conn:
            form = forms.opportunity_form(conn, fields, full=not fields)
    task, renewal, unasked = None, None, None
    with lookups() as conn:
        plan = opportunities.plan_close_at_creation(conn, form.given, form.new_account)
        if plan:  # created already closed: the next step is still worth a task
            renewal, unasked = _renewal(conn, plan, renew, no_renew, ask=ask)
            reason, task = close.answer(conn, plan, ask=ask)
            form.given["close_reason"] = reason
        if asked:
            with store.rehearsal(conn):
                opportunity, *_said = _create(conn, form, allow_duplicate)
                _refuse_renew_without_a_win(plan, renew)
            forms.confirm_creation(
                _("New opportunity: {description}.").format(description=brief(opportunity))
            )
    with database(write=True) as conn:
        opportunity, notices, warnings, added = _create(conn, form, allow_duplicate)
        _refuse_renew_without_a_win(plan, renew)
        for line in added:
            say(line)
        renewed = renewal and opportunities.renew(conn, opportunity, renewal)
        created = task and _add_follow_up(conn, task, (renewed or opportunity)["id"])
    _report(opportunity, notices, warnings, output, "Created")
    if renewed:
        _say_renewal(renewed)
    elif unasked:
        _say_renewal_not_created(opportunity, unasked)
    if plan:
        _report_follow_up((renewed or opportunity)["id"], created, plan, close.no_follow_up)


def _refuse_renew_without_a_win(plan, renew: str | None) -> None:
    """--renew on a deal created open: checked once `create` has named any problem of its
    fields (a close they do not plan may be one of them)."""
    if renew is not None and not plan:
        raise InvalidInput(_(opportunities.RENEW_WITH_A_WIN))


def _create(
    conn, form: "forms.FormResult", allow_duplicate: bool
) -> tuple[dict, list[opportunities.Remark], list[opportunities.Remark], list[str]]:
    """The opportunity of the form, with the account and contact chosen to be created along
    with it; returns it, its notices, its warnings, and what else was added."""
    from colibri_cli.cli import forms

    fields = dict(form.given)
    added = []
    new_account = forms.add_new_account(conn, form)
    if new_account:
        added.append(forms.account_added(new_account))
    if form.new_contact:
        contact = contacts.add(conn, form.new_contact, fields["account"])
        fields["contact"] = str(contact["id"])
        added.append(
            _(contact_messages.SAVED["Added"]).format(
                name=contact["name"], id=contact["id"], account=contact["account_name"]
            )
        )
    try:
        opportunity, notices, warnings = opportunities.create(
            conn, fields, allow_duplicate=allow_duplicate
        )
    except OpenNamesake as namesake:
        raise Conflict(
            _(
                "{account} already has an open opportunity {name!r} (id {id}): see colibri opp "
                "show {id}, or give --allow-duplicate to create another."
            ).format(id=namesake.id, name=namesake.name, account=namesake.account)
        ) from None
    return opportunity, notices, warnings, added


@app.command("list")
def list_(
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help="Only this status (repeatable).",
            autocompletion=completion.status_names,
        ),
    ] = None,
    account: account_option(filtering=True) = None,
    open_: Annotated[
        bool, typer.Option("--open", help="Only open opportunities (the default).")
    ] = False,
    closed: Annotated[
        bool, typer.Option("--closed", help="Only won, lost or cancelled, with when and why.")
    ] = False,
    all_: Annotated[bool, typer.Option("--all", help="Open and closed opportunities.")] = False,
    due_before: Annotated[
        str | None,
        typer.Option(
            help="Due on or before this date (eoq: the quarter's last day).",
            autocompletion=completion.date_words,
            callback=given_filter,
        ),
    ] = None,
    due_after: Annotated[
        str | None,
        typer.Option(
            help="Due on or after this date.",
            autocompletion=completion.date_words,
            callback=given_filter,
        ),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Open and due before today.")] = False,
    stale: Annotated[
        bool,
        typer.Option(
            "--stale", help="Open and untouched for stale-days: no change, activity or task done."
        ),
    ] = False,
    tag: Annotated[
        str | None, typer.Option(help="Only those with this tag.", callback=given_filter)
    ] = None,
    search: search_option("Text in name, account, description, notes.") = None,
    sort: choice_option(
        Sort, "--sort", help=f"Sort by: {', '.join(opportunities.SORTS)}."
    ) = Sort.due,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    pushed: Annotated[
        int | None,
        typer.Option(
            "--pushed",
            metavar="N",
            min=0,
            max=1_000_000,
            help="Only those whose due date was pushed later at least N times.",
        ),
    ] = None,
    no_next_step: Annotated[
        bool, typer.Option("--no-next-step", help="Open and without an open task.")
    ] = False,
    deleted: Annotated[
        bool, typer.Option("--deleted", help="Those in the trash (see opp delete, opp restore).")
    ] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List opportunities, filtered and sorted.

    Without --status, --open, --closed or --all, only open deals are listed (in csv and
    json too), and a line on stderr says so.

    Example: colibri opp list --due-before eoq --sort amount --reverse
    """
    states = [
        option
        for option, given in (("--open", open_), ("--closed", closed), ("--all", all_))
        if given
    ]
    if len(states) > 1:
        raise typer.BadParameter(
            _("{first} and {second} exclude each other: choose one.").format(
                first=states[0], second=states[1]
            )
        )
    only_open = (("--overdue", overdue), ("--stale", stale), ("--no-next-step", no_next_step))
    for option, wanted in only_open:
        if wanted and (closed or all_):
            raise typer.BadParameter(
                _("{filter} lists open opportunities: it excludes {option}.").format(
                    filter=option, option="--closed" if closed else "--all"
                )
            )
    open_by_default = not (status or states or overdue or stale or no_next_step or deleted)
    filters = opportunities.Filters(
        deleted=deleted,
        statuses=status or [],
        account=account,
        state="open" if open_ else "closed" if closed else "unclosed" if open_by_default else None,
        due_before=due_before,
        due_after=due_after,
        overdue=overdue,
        stale=stale,
        tag=tag,
        search=search,
        pushed=pushed,
        no_next_step=no_next_step,
        sort=sort,
        descending=reverse,
    )
    filtered = any(
        value not in (None, False, [])
        for value in (
            *(status, account, open_, closed, due_before, due_after, overdue, stale, tag),
            *(search, pushed, no_next_step),
        )
    )
    with database(write=False) as conn:
        rows = opportunities.list_opportunities(
            conn, filters, with_pushes=output is not OutputFormat.table
        )
        none_at_all = not opportunities.any_live(conn)  # then no row is listed either
        if deleted:
            empty = _("The trash is empty.")
            fields, columns = opportunities.TRASH_COLUMNS, TRASH_LIST_COLUMNS
        else:
            empty = (
                _("No opportunities yet. Create one with: colibri opp create")
                if none_at_all
                else _("No opportunity matches these filters.")
                if filtered
                else _("No open opportunities.")
            )
            fields = opportunities.LISTED_COLUMNS
            columns = CLOSED_LIST_COLUMNS if closed else LIST_COLUMNS
        shown = render_rows(rows, output, fields=fields, columns=columns, empty=empty)
    explain_overdue(shown)
    if open_by_default and not none_at_all:
        say(_("Open opportunities; --all lists the closed ones too."))


@app.command("show")
def show(
    opportunity: OpportunityRef,
    timeline: TimelineOption = SHOWN,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Show an opportunity with its history, tasks and timeline.

    Example: colibri opp show 12
    """
    with database(write=False) as conn:
        record = opportunities.details(conn, opportunity)
        record["timeline"] = timelines.of(conn, "opportunity", record["id"])
    render_card(
        record,
        output,
        timeline,
        of_deal=True,
        fields=opportunities.CARD_COLUMNS,
        labels=CARD,
        sections=SECTIONS,
    )


@app.command("history")
def history(opportunity: OpportunityRef, output: FormatOption = OutputFormat.table) -> None:
    """Show every recorded state of an opportunity: status, amount, due date, probability.

    The history of a deal in the trash is shown too, its deletion included.

    Example: colibri opp history 12 --format csv
    """
    with database(write=False) as conn:
        try:
            found = opportunities.get(conn, opportunity)
        except NotFound as missing:
            try:
                found = opportunities.get(conn, opportunity, trashed=True)
            except NotFound:
                raise missing from None
        rows = opportunities.history(conn, found["id"])
    render_rows(
        rows,
        output,
        fields=opportunities.HISTORY_COLUMNS,
        columns=HISTORY_COLUMNS,
        empty=_("No history recorded."),
    )


@app.command("edit")
def edit(
    opportunity: OpportunityRef,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    account: AccountOption = None,
    amount: Amount = None,
    due: Due = None,
    probability: Probability = None,
    contact: Contact = None,
    source: Source = None,
    type_: Type = None,
    description: Description = None,
    tags: Tags = None,
    notes: Notes = None,
    currency: Currency = None,
    created_on: CreatedOn = None,
    closed_on: past_day_option(
        help="Correct the closing date of a won, lost or cancelled deal."
    ) = None,
    external_id: ExternalId = None,
    status: Annotated[str | None, typer.Option("--status", "-s", hidden=True)] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Change an opportunity's fields; "" clears an optional one.

    The status has its own command, `colibri opp status`, which knows about closing.

    Example: colibri opp edit 12 --amount 18k --due +1m
    """
    if status is not None:
        raise typer.BadParameter(
            _("the status has its own command: {command}").format(
                command=f"colibri opp status {shlex.quote(opportunity)} {shlex.quote(status)}"
            )
        )
    fields = given(
        name=name,
        account=account,
        amount=amount,
        due_date=due,
        probability=probability,
        contact=contact,
        source=source,
        type=type_,
        description=description,
        tags=tags,
        notes=notes,
        currency=currency,
        created_on=created_on,
        closed_on=closed_on,
        external_id=external_id,
    )
    if not fields:
        raise typer.BadParameter(_("give at least one field to change, e.g. --amount 18k."))
    with database(write=True) as conn:
        updated, notices, warnings = opportunities.edit(conn, opportunity, fields)
    _report(updated, notices, warnings, output, "Updated")


@app.command("status")
def status(
    opportunity: OpportunityRef,
    new_status: status_argument("New status: key, prefix or French name."),
    on: past_day_option("--on", help="Closing date, when not today: 20/11, friday…") = None,
    reason: Reason = None,
    follow_up: FollowUpTitle = None,
    follow_up_due: FollowUpDue = None,
    no_follow_up: NoFollowUp = False,
    probability: Annotated[
        str | None,
        typer.Option(help="Keep a probability of its own in the new (open) status."),
    ] = None,
    renew: Renew = None,
    no_renew: NoRenew = False,
    output: WrittenFormatOption = WrittenFormat.table,
) -> None:
    """Move an opportunity to a status, and schedule what comes next when it closes.

    Closing it (won, lost, cancelled) asks for the follow-up task, so that no customer is
    forgotten; --follow-up or --no-follow-up answer without a prompt. A close entered
    late (--on) is in the history from that day. A probability of the deal's own is
    dropped, so that it follows its new status, unless --probability gives one.
    A win with --renew creates the next deal at the account, its renewal. Winning a deal
    of type renewal (or renouvellement), or of a type with a renew-after setting, proposes
    it: on a terminal a question, in a script a notice; --no-renew answers no. A deal
    won without its renewal gets it afterwards from `won --renew`, the win unchanged.
    With --format json, stdout has the opportunity as it now is, its follow_up: the
    task written, or null, and its renewal: the deal created, or null.

    Example: colibri opp status 12 won --follow-up "Propose maintenance" --follow-up-due +3m
    """
    close = CloseAnswers(reason, follow_up, follow_up_due, no_follow_up)
    close.check()
    _check_renew(renew, no_renew)
    if renew is not None and (on, reason, probability) == (None, None, None):
        with lookups() as conn:
            won = opportunities.plan_renewal_of_win(conn, opportunity, new_status)
        if won:
            _renew_won_deal(won, renew, close, output)
            return
    task = None
    with lookups() as conn, _options_named():
        closed_on = inputs.read_date(conn, on, field=N_("closing date"), past=True) if on else None
        plan = opportunities.plan_status_change(conn, opportunity, new_status, on=closed_on)
        renewal, unasked = _renewal(conn, plan, renew, no_renew, ask=interactive())
        if plan.closing:
            reason, task = close.answer(conn, plan, ask=interactive())
        elif close.given():
            raise InvalidInput(
                _(
                    "--reason, --follow-up and --follow-up-due go with a close: "
                    "use them with won, lost or cancelled."
                )
            )
    with database(write=True) as conn, _options_named():
        change = opportunities.change_status(
            conn, opportunity, new_status, on=closed_on, reason=reason, probability=probability
        )
        renewed = renewal and opportunities.renew(conn, change.opportunity, renewal)
        created = task and _add_follow_up(conn, task, (renewed or change.opportunity)["id"])
    _report_status_change(change, created, plan, no_follow_up, renewed, unasked=unasked)
    if output is WrittenFormat.json:
        _write_status_change(change.opportunity, created, renewed)


OUT_OF_PLACE = {
    "closed_on": N_("--on gives the closing date: use it with won, lost or cancelled."),
    "probability": N_(
        "A closed deal's probability is its outcome's: --probability goes with an open status."
    ),
}
"""What `opp status` says of an option given with a status it does not go with."""


@contextlib.contextmanager
def _options_named() -> Iterator[None]:
    """A field refused with the status given to `opp status` is named by its option."""
    try:
        yield
    except OutOfPlace as problem:
        raise InvalidInput(_(OUT_OF_PLACE[problem.field])) from None


def _renew_won_deal(plan, period: str, close: "CloseAnswers", output: WrittenFormat) -> None:
    """Create the renewal a win did not (won in a script without --renew), as the win would
    have, from its closing day: the won deal itself, and its history, stay as they are."""
    with lookups() as conn:
        renewal = opportunities.plan_renewal(conn, plan, period)
        plan.prepare(renewal)
        _reason, task = close.answer(conn, plan, ask=interactive())
    with database(write=True) as conn:
        renewed = opportunities.renew(conn, plan.opportunity, renewal)
        created = task and _add_follow_up(conn, task, renewed["id"])
    _say_renewal(renewed)
    _report_follow_up(renewed["id"], created, plan, close.no_follow_up)
    if output is WrittenFormat.json:
        _write_status_change(plan.opportunity, created, renewed)


def _write_status_change(moved: dict, created, renewed) -> None:
    """The deal as it now is, for scripts, with its follow-up task and its renewal (or null)."""
    follow_up = created and {field: created[field] for field in tasks.LISTED_COLUMNS}
    write_record(
        {
            **{field: moved[field] for field in opportunities.SHOWN_COLUMNS},
            "follow_up": follow_up or None,
            "renewal": (
                {field: renewed[field] for field in opportunities.SHOWN_COLUMNS}
                if renewed
                else None
            ),
        }
    )


def _check_renew(renew: str | None, no_renew: bool) -> None:
    if no_renew and renew is not None:
        raise typer.BadParameter(_("--no-renew excludes --renew."))


def _renewal(
    conn, plan, period: str | None, no_renew: bool, *, ask: bool
) -> tuple["opportunities.RenewalPlan | None", str | None]:
    """The renewal of the move `plan`: the one `--renew` (`period`) asks for; without it,
    at a win that proposes one, the one accepted when `ask`. The follow-up proposed is then
    to prepare it. Second, the period of a renewal proposed and not asked, for the notice."""
    renewal, unasked = None, None
    if period is not None:
        renewal = opportunities.plan_renewal(conn, plan, period)
    elif not no_renew and (proposed := opportunities.proposed_renewal_period(conn, plan)):
        if ask:
            from colibri_cli.cli import forms

            renewal = forms.ask_renewal(conn, plan, proposed)
        else:
            unasked = proposed
    if renewal:
        plan.prepare(renewal)
    return renewal, unasked


@dataclass
class CloseAnswers:
    """What the command line says of a close: its reason and its follow-up task."""

    reason: str | None
    follow_up: str | None
    follow_up_due: str | None
    no_follow_up: bool

    def check(self) -> None:
        if self.no_follow_up and (self.follow_up is not None or self.follow_up_due is not None):
            raise typer.BadParameter(_("--no-follow-up excludes --follow-up and --follow-up-due."))
        if self.follow_up is not None and not self.follow_up.strip():
            raise InvalidInput(
                _("The follow-up title cannot be empty: give one, or pass --no-follow-up.")
            )

    def given(self) -> bool:
        return (self.reason, self.follow_up, self.follow_up_due) != (None, None, None)

    def answer(self, conn, plan, *, ask: bool) -> tuple[str | None, "forms.FollowUp | None"]:
        """The reason and follow-up of the close `plan` proposes: as given, else asked on a
        terminal (the proposal pre-filled), else none."""
        from colibri_cli.cli import forms

        proposed_due = (
            tasks.due_text(*inputs.read_moment(conn, self.follow_up_due, field=FOLLOW_UP_DUE))
            if self.follow_up_due
            else plan.follow_up_due.isoformat()
        )
        reason = self.reason
        if reason is None and ask and plan.status["kind"] != "won":
            reason = forms.ask_reason(plan.status["kind"])
        task = None
        if self.follow_up or self.follow_up_due:
            task = forms.FollowUp(self.follow_up or plan.follow_up_title, proposed_due)
        elif ask and not self.no_follow_up:
            task = forms.ask_follow_up(conn, plan.follow_up_title, proposed_due)
        return reason, task


def _add_follow_up(conn, task: "forms.FollowUp", opportunity_id: int) -> dict:
    due_date, due_time = inputs.read_moment(conn, task.due, field=FOLLOW_UP_DUE)
    return tasks.add(conn, task.title, due=due_date, due_time=due_time, opportunity=opportunity_id)


def _report_status_change(
    change, created, plan, no_follow_up: bool, renewed, *, unasked: str | None = None
) -> None:
    """Say what the move did; the follow-up of a win renewed is the renewal's next step.
    `unasked` is the period of a renewal the win proposes, in a script where none is asked."""
    for warning in change.warnings:
        warn(worded(warning))
    for notice in change.notices:
        say(worded(notice))
    moved = change.opportunity
    closed = (
        _(", closed on {day}").format(day=format_day(moved["closed_on"]))
        if moved["closed_on"]
        else ""
    )
    say(
        _("Opportunity {id} ({name}): {previous} -> {status}{closed}.").format(
            id=moved["id"],
            name=moved["name"],
            previous=change.previous_status,
            status=moved["status"],
            closed=closed,
        )
    )
    if renewed:
        _say_renewal(renewed)
    elif unasked:
        _say_renewal_not_created(moved, unasked)
    if change.closed:
        _report_follow_up((renewed or moved)["id"], created, plan, no_follow_up)


def _say_renewal(renewed: dict) -> None:
    say(
        _("Renewal: opportunity {id}, {name}, due {day}.").format(
            id=renewed["id"], name=renewed["name"], day=format_day(renewed["due_date"])
        )
    )


def _say_renewal_not_created(won: dict, period: str) -> None:
    """In a script, where no renewal is asked: the command that creates the one proposed."""
    command = opportunities.renewal_command(won["id"], won["status"], period)
    say(
        _(
            "Its renewal was not created. Create it with: {command} "
            "(or give --no-renew with the win to go without)."
        ).format(command=command)
    )


def _report_follow_up(opportunity_id: int, created, plan, no_follow_up: bool) -> None:
    if created:
        say(
            _("Follow-up task {id} due {day}: {title}").format(
                id=created["id"], day=task_due(created), title=created["title"]
            )
        )
    elif not no_follow_up:
        _suggest_follow_up(opportunity_id, plan.follow_up_title, plan.follow_up_due)


def _suggest_follow_up(opportunity_id: int, title: str, due: dt.date) -> None:
    command = opportunities.follow_up_command(opportunity_id, title, due)
    say(_("No follow-up task was scheduled. Add one with: {command}").format(command=command))


@app.command("delete")
def delete(
    opportunity: OpportunityRef,
    yes: Yes = False,
    purge: Annotated[
        bool,
        typer.Option(
            "--purge",
            help="Remove it and its history for ever (from the trash too): past reports change.",
        ),
    ] = False,
) -> None:
    """Move an opportunity to the trash (its tasks with it, until it is restored).

    In the trash it leaves every listing and report, but forecasts as of the days before
    still count it; `colibri opp restore` brings it back. --purge removes it for ever.

    Example: colibri opp delete 12 --yes
    """
    if purge:
        _purge(opportunity, yes)
        return

    def find(conn):
        found = opportunities.get(conn, opportunity, exact=True)
        return _("opportunity {summary}").format(summary=summary(found)), found["id"]

    what = delete_confirmed(
        find, opportunities.delete, yes=yes, question=N_("Move {what} to the trash?")
    )
    say(_("Moved {what} to the trash.").format(what=what))
    say(
        _("Past forecasts still count it. Bring it back with: colibri opp restore {ref}").format(
            ref=shlex.quote(opportunity)
        )
    )


def _purge(opportunity: str, yes: bool) -> None:
    def find(conn):
        try:
            found = opportunities.get(conn, opportunity, exact=True, trashed=True)
        except NotFound:
            found = opportunities.get(conn, opportunity, exact=True)
        rows = opportunities.purge_impact(conn, found["id"])
        what = _("opportunity {summary} and its {count} history rows").format(
            summary=summary(found), count=rows
        )
        return what, found["id"]

    warn(_("A purge cannot be undone: forecasts and accuracy of past periods will change."))
    what = delete_confirmed(find, opportunities.purge, yes=yes, question=N_("Purge {what}?"))
    say(_("Purged {what}.").format(what=what))


@app.command("restore")
def restore(
    opportunity: Annotated[
        str, typer.Argument(metavar="OPPORTUNITY", help="Id or name of a deal in the trash.")
    ],
) -> None:
    """Bring an opportunity back from the trash, as it was.

    Example: colibri opp restore 12
    """
    with database(write=True) as conn:
        restored = opportunities.restore(conn, opportunity)
    say(_("Restored opportunity {summary}.").format(summary=summary(restored)))
