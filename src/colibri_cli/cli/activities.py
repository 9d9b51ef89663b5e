"""`colibri log` and `colibri activity`: the calls, emails, meetings and notes of the day."""

from typing import Annotated

import typer

from colibri_cli.cli import completion
from colibri_cli.cli.context import database, delete_confirmed
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    moment,
    render_record,
    render_rows,
    say,
)
from colibri_cli.cli.params import (
    Yes,
    account_option,
    contact_option,
    given_filter,
    opportunity_option,
    past_day_option,
    search_option,
)
from colibri_cli.core import activities, clock, inputs
from colibri_cli.i18n import N_, Nc_, _, format_day, pgettext

app = typer.Typer(
    help="Activities: what happened with an account, newest first.", no_args_is_help=True
)

ActivityId = Annotated[str, typer.Argument(metavar="ACTIVITY", help="Activity id.")]
Kind = Annotated[
    str,
    typer.Argument(
        metavar="KIND",
        help="call, email, meeting or note (appel, réunion…).",
        autocompletion=completion.words(activities.KINDS),
    ),
]
Opp = opportunity_option("Opportunity id or name it is about.")
Account = account_option()
Contact = contact_option("Contact id or name it was with.")
On = past_day_option(
    "--on", help='When: today by default; a date, maybe with a time ("yesterday 10:00").'
)
Duration = Annotated[
    str | None, typer.Option("--duration", help="How long: minutes (45), or 1h30, 45m.")
]

KIND_NAMES = {
    "call": Nc_("activity", "call"),
    "email": Nc_("activity", "email"),
    "meeting": Nc_("activity", "meeting"),
    "note": Nc_("activity", "note"),
}


def _kind(row: dict) -> str:
    return pgettext("activity", KIND_NAMES.get(row["kind"], row["kind"]))


def _when(row: dict) -> str:
    return " ".join(part for part in (format_day(row["happened_on"]), row["time_of_day"]) if part)


def _duration(row: dict) -> str:
    minutes = row["duration_minutes"]
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


LIST_COLUMNS = (
    ("id", N_("ID")),
    ("happened_on", N_("When"), _when),
    ("kind", N_("Kind"), _kind),
    ("account_name", N_("Account")),
    ("opportunity_id", N_("Opp.")),
    ("contact_name", N_("Contact")),
    ("duration_minutes", N_("Duration"), _duration),
    ("summary", N_("What happened")),
)
CARD = (
    ("id", N_("ID")),
    ("kind", N_("Kind"), _kind),
    ("happened_on", N_("When"), _when),
    ("duration_minutes", N_("Duration"), _duration),
    ("summary", N_("What happened")),
    ("account_name", N_("Account")),
    ("opportunity_name", N_("Opportunity")),
    ("contact_name", N_("Contact")),
    ("created_at", N_("Created"), moment("created_at")),
    ("updated_at", N_("Updated"), moment("updated_at")),
)
SAVED = {
    "Logged": N_("Logged activity {id}: {kind} at {account}, {when}."),
    "Updated": N_("Updated activity {id}: {kind} at {account}, {when}."),
}


def _saved(activity: dict, verb: str, output: OutputFormat) -> None:
    say(
        _(SAVED[verb]).format(
            id=activity["id"],
            kind=_kind(activity),
            account=activity["account_name"],
            when=_when(activity),
        )
    )
    if output is not OutputFormat.table:
        render_record(activity, output, fields=activities.COLUMNS, labels=CARD)


def log(
    kind: Kind,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What happened.")],
    account: Account = None,
    opp: Opp = None,
    contact: Contact = None,
    on: On = None,
    duration: Duration = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Log a call, email, meeting or note at an account, an opportunity or a contact.

    Example: colibri log call "Paul: decision next week" --opp 12 --duration 20
    """
    minutes = activities.parse_duration(duration) if duration is not None else None
    with database(write=True) as conn:
        day, time_of_day = _moment(conn, on)
        activity = activities.log(
            conn,
            kind,
            text,
            day=day,
            time_of_day=time_of_day,
            duration=minutes,
            account=account,
            opportunity=opp,
            contact=contact,
        )
    _saved(activity, "Logged", output)


def _moment(conn, on: str | None):
    if on is None:
        return clock.today(), None
    return inputs.read_moment(conn, on, field=N_("activity date"), past=True)


@app.command("list")
def list_(
    account: account_option("Only this account's activities.") = None,
    opp: opportunity_option("Only those about this opportunity.") = None,
    contact: contact_option("Only those with this contact.") = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only calls, emails, meetings or notes.",
            autocompletion=completion.words(activities.KINDS),
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only on or after this date.",
            autocompletion=completion.date_words,
            callback=given_filter,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Only on or before this date.",
            autocompletion=completion.date_words,
            callback=given_filter,
        ),
    ] = None,
    search: search_option("Only those whose text contains this.", "-s") = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List activities, newest first.

    Example: colibri activity list --account ACME --since -1m
    """
    filtered = any(
        value is not None for value in (account, opp, contact, kind, since, until, search)
    )
    empty = (
        _("No activity matches.")
        if filtered
        else _('No activities yet. Log one with: colibri log call "TEXT" --account ACCOUNT')
    )
    with database(write=False) as conn:
        first = (
            inputs.read_date(conn, since, field=N_("--since date"), past=True) if since else None
        )
        last = inputs.read_date(conn, until, field=N_("--until date"), past=True) if until else None
        rows = activities.list_activities(
            conn,
            account=account,
            opportunity=opp,
            contact=contact,
            kind=kind,
            since=first,
            until=last,
            search=search,
        )
        render_rows(rows, output, fields=activities.COLUMNS, columns=LIST_COLUMNS, empty=empty)


@app.command("edit")
def edit(
    activity: ActivityId,
    text: Annotated[str | None, typer.Option("--text", help="New text.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="call, email, meeting or note.",
            autocompletion=completion.words(activities.KINDS),
        ),
    ] = None,
    on: past_day_option("--on", help='New date, maybe with a time ("monday 9h30").') = None,
    duration: Annotated[
        str | None, typer.Option("--duration", help='New duration; "" or none removes it.')
    ] = None,
    account: account_option("Move it to this account.") = None,
    opp: opportunity_option('Opportunity it is about; "" unlinks it.') = None,
    contact: contact_option('Contact it was with; "" unlinks them.') = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Change an activity: text, kind, date and time, duration, links.

    Example: colibri activity edit 3 --on "yesterday 16:00" --duration 1h
    """
    changes: dict[str, object] = {}
    for name, value in (
        ("summary", text),
        ("kind", kind),
        ("account", account),
        ("opportunity", opp),
        ("contact", contact),
    ):
        if value is not None:
            changes[name] = value.strip() if name in ("opportunity", "contact") else value
    if duration is not None:
        cleared = duration.strip().lower() in ("", "none", "-")
        changes["duration_minutes"] = None if cleared else activities.parse_duration(duration)
    if not changes and on is None:
        raise typer.BadParameter(_('give at least one change, e.g. --text "…" or --on DATE.'))
    with database(write=True) as conn:
        if on is not None:
            changes["day"], changes["time_of_day"] = _moment(conn, on)
        updated = activities.edit(conn, activity, changes)
    _saved(updated, "Updated", output)


@app.command("delete")
def delete(activity: ActivityId, yes: Yes = False) -> None:
    """Delete an activity.

    Example: colibri activity delete 3 --yes
    """

    def find(conn):
        found = activities.get(conn, activity)
        what = _("activity {id}: {kind} at {account}, {when}").format(
            id=found["id"], kind=_kind(found), account=found["account_name"], when=_when(found)
        )
        return what, found["id"]

    what = delete_confirmed(find, activities.delete, yes=yes)
    say(_("Deleted {what}.").format(what=what))
