"""`colibri account`: add, list, show, edit and delete accounts."""

from typing import Annotated

import typer

from colibri_cli.cli.context import database, delete_confirmed, lookups
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    amount_cell,
    moment,
    plural,
    render_record,
    render_rows,
    say,
    task_due,
    warn,
)
from colibri_cli.cli.params import Yes, account_argument, given, search_option
from colibri_cli.cli.timeline import SHOWN, TimelineOption, render_card
from colibri_cli.core import accounts, contacts
from colibri_cli.core import timeline as timelines
from colibri_cli.core.money import format_amount
from colibri_cli.i18n import N_, _

app = typer.Typer(help="Accounts: the companies you sell to.", no_args_is_help=True)

AccountRef = account_argument()
Industry = Annotated[str | None, typer.Option(help="Industry or sector.")]
Email = Annotated[str | None, typer.Option(help="Main email address.")]
Phone = Annotated[str | None, typer.Option(help="Main phone number.")]
Website = Annotated[str | None, typer.Option(help="Website address.")]
City = Annotated[str | None, typer.Option(help="City.")]
Country = Annotated[str | None, typer.Option(help="Country.")]
Notes = Annotated[str | None, typer.Option(help="Free notes.")]
ExternalId = Annotated[
    str | None, typer.Option(help="The account's id in another tool (matched by imports).")
]

LIST_COLUMNS = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("industry", N_("Industry")),
    ("city", N_("City")),
    ("country", N_("Country")),
    ("phone", N_("Phone")),
    ("email", N_("Email")),
    ("last_touch", N_("Last touch")),
)
CARD = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("industry", N_("Industry")),
    ("email", N_("Email")),
    ("phone", N_("Phone")),
    ("website", N_("Website")),
    ("city", N_("City")),
    ("country", N_("Country")),
    ("won", N_("Won to date"), lambda row: won_cell(row["won"])),
    ("pipeline", N_("Open pipeline"), lambda row: pipeline_cell(row["pipeline"])),
    ("last_touch", N_("Last touch")),
    ("notes", N_("Notes")),
    ("external_id", N_("External id")),
    ("created_at", N_("Created"), moment("created_at")),
    ("updated_at", N_("Updated"), moment("updated_at")),
)


def won_cell(totals: list[dict]) -> str:
    """ "36,000 EUR in 2 deals; 1,200 USD in 1 deal": currencies are never added."""
    return _("; ").join(
        _("{amount} in {deals}").format(
            amount=amount_cell(row), deals=plural(row["count"], "deals")
        )
        for row in totals
    )


def pipeline_cell(totals: list[dict]) -> str:
    """ "40,000 EUR in 3 deals, weighted 16,000 EUR", per currency."""
    return _("; ").join(
        _("{amount} in {deals}, weighted {weighted}").format(
            amount=amount_cell(row),
            deals=plural(row["count"], "deals"),
            weighted=format_amount(row["weighted"], row["currency"]),
        )
        for row in totals
    )


OPPORTUNITY_FIELDS = (
    "id",
    "name",
    "amount",
    "currency",
    "due_date",
    "status",
    "probability",
    "closed_on",
)
TASK_FIELDS = ("id", "title", "due_date", "due_time", "opportunity_id", "done_on")
SECTIONS = {
    "contacts": (
        contacts.COLUMNS,
        (
            ("id", N_("ID")),
            ("name", N_("Name")),
            ("role", N_("Role")),
            ("email", N_("Email")),
            ("phone", N_("Phone")),
        ),
    ),
    "opportunities": (
        OPPORTUNITY_FIELDS,
        (
            ("id", N_("ID")),
            ("name", N_("Name")),
            ("amount", N_("Amount"), amount_cell),
            ("due_date", N_("Due")),
            ("status", N_("Status")),
        ),
    ),
    "tasks": (
        TASK_FIELDS,
        (("id", N_("ID")), ("title", N_("Task")), ("due_date", N_("Due"), task_due)),
    ),
}
TOTALS = {"won": (accounts.WON_FIELDS, ()), "pipeline": (accounts.PIPELINE_FIELDS, ())}
"""Shown on the card of `account show`, given to scripts as lists per currency."""


SAVED = {
    "Added": N_("Added account {name} (id {id})."),
    "Updated": N_("Updated account {name} (id {id})."),
}


def _show_saved(account: dict, output: OutputFormat, verb: str) -> None:
    say(_(SAVED[verb]).format(name=account["name"], id=account["id"]))
    if output is not OutputFormat.table:
        render_record(account, output, fields=accounts.COLUMNS, labels=CARD)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(help="Account name, unique ignoring case; asked on a terminal."),
    ] = None,
    industry: Industry = None,
    email: Email = None,
    phone: Phone = None,
    website: Website = None,
    city: City = None,
    country: Country = None,
    notes: Notes = None,
    external_id: ExternalId = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Add an account.

    Example: colibri account add "ACME Industries" --city Lyon --industry Manufacturing
    """
    details = given(
        industry=industry,
        email=email,
        phone=phone,
        website=website,
        city=city,
        country=country,
        notes=notes,
        external_id=external_id,
    )
    from colibri_cli.cli import forms  # its lookups of deals and tasks: only to add

    if forms.form_wanted(ctx, name=name):
        accounts.validated(details)  # a bad option is refused before anything is asked
        with lookups() as conn:
            name = forms.ask_new_account_name(conn)
        forms.confirm_creation(_("New account: {name}.").format(name=name))
    with database(write=True) as conn:
        account = accounts.add(conn, name, **details)
    _show_saved(account, output, "Added")


@app.command("list")
def list_(
    search: search_option("Only accounts whose text contains this.", "-s") = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List accounts by name.

    Example: colibri account list --search lyon --format csv
    """
    empty = (
        _("No account matches {search!r}.").format(search=search)
        if search
        else _("No accounts yet. Add one with: colibri account add NAME")
    )
    with database(write=False) as conn:
        rows = accounts.list_accounts(conn, search)
        render_rows(rows, output, fields=accounts.LISTED_COLUMNS, columns=LIST_COLUMNS, empty=empty)


@app.command("show")
def show(
    account: AccountRef,
    timeline: TimelineOption = SHOWN,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Show an account with its contacts, opportunities, open tasks and timeline.

    The card says what it has won to date and its open pipeline, per currency.

    Example: colibri account show ACME --timeline 20
    """
    with database(write=False) as conn:
        record = accounts.details(conn, account)
        record["timeline"] = timelines.of(conn, "account", record["id"])
    sections = SECTIONS if output is OutputFormat.table else {**SECTIONS, **TOTALS}
    render_card(
        record, output, timeline, fields=accounts.LISTED_COLUMNS, labels=CARD, sections=sections
    )


@app.command("edit")
def edit(
    account: AccountRef,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    industry: Industry = None,
    email: Email = None,
    phone: Phone = None,
    website: Website = None,
    city: City = None,
    country: Country = None,
    notes: Notes = None,
    external_id: ExternalId = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Change an account's fields; an empty value ("") clears a field.

    Example: colibri account edit ACME --city Paris --phone ""
    """
    given_fields = given(
        name=name,
        industry=industry,
        email=email,
        phone=phone,
        website=website,
        city=city,
        country=country,
        notes=notes,
        external_id=external_id,
    )
    if not given_fields:
        raise typer.BadParameter(_("give at least one field to change, e.g. --city Paris."))
    with database(write=True) as conn:
        updated = accounts.edit(conn, account, **given_fields)
    _show_saved(updated, output, "Updated")


@app.command("delete")
def delete(
    account: AccountRef,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Also purge the account's opportunities: past reports change."
        ),
    ] = False,
    yes: Yes = False,
) -> None:
    """Delete an account with its contacts, tasks and activities (--force: its deals too).

    Example: colibri account delete "Old Customer" --yes
    """
    if force:
        warn(
            _(
                "--force purges the account's opportunities and their history: forecasts and "
                "accuracy of past periods will change."
            )
        )

    def find(conn):
        found, counts = accounts.plan_deletion(conn, account, force=force)
        what = _("account {name!r} (id {id})").format(name=found["name"], id=found["id"])
        return what + _with(counts), found["id"]

    what = delete_confirmed(find, accounts.delete, yes=yes)
    say(_("Deleted {what}.").format(what=what))


def _with(counts: dict[str, int]) -> str:
    parts = [plural(number, table) for table, number in counts.items() if number]
    return _(" with {records}").format(records=", ".join(parts)) if parts else ""
