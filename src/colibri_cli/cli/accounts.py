"""`colibri account`: add, list, show, edit and delete accounts."""

from typing import Annotated

import typer

from colibri_cli.cli.context import database, delete_confirmed
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    amount_cell,
    moment,
    plural,
    render_record,
    render_rows,
    say,
)
from colibri_cli.cli.params import Yes, account_argument
from colibri_cli.core import accounts, contacts

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
    ("id", "ID"),
    ("name", "Name"),
    ("industry", "Industry"),
    ("city", "City"),
    ("country", "Country"),
    ("email", "Email"),
)
CARD = (
    ("id", "ID"),
    ("name", "Name"),
    ("industry", "Industry"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("website", "Website"),
    ("city", "City"),
    ("country", "Country"),
    ("notes", "Notes"),
    ("external_id", "External id"),
    ("created_at", "Created", moment("created_at")),
    ("updated_at", "Updated", moment("updated_at")),
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
TASK_FIELDS = ("id", "title", "due_date", "opportunity_id", "done_on")
SECTIONS = {
    "contacts": (
        contacts.COLUMNS,
        (("id", "ID"), ("name", "Name"), ("role", "Role"), ("email", "Email"), ("phone", "Phone")),
    ),
    "opportunities": (
        OPPORTUNITY_FIELDS,
        (
            ("id", "ID"),
            ("name", "Name"),
            ("amount", "Amount", amount_cell),
            ("due_date", "Due"),
            ("status", "Status"),
        ),
    ),
    "tasks": (TASK_FIELDS, (("id", "ID"), ("title", "Task"), ("due_date", "Due"))),
}


def _show_saved(account: dict, output: OutputFormat, verb: str) -> None:
    say(f"{verb} account {account['name']} (id {account['id']}).")
    if output is not OutputFormat.table:
        render_record(account, output, fields=accounts.COLUMNS, labels=CARD)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Account name, unique ignoring case.")],
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
    with database(write=True) as conn:
        account = accounts.add(
            conn,
            name,
            industry=industry,
            email=email,
            phone=phone,
            website=website,
            city=city,
            country=country,
            notes=notes,
            external_id=external_id,
        )
    _show_saved(account, output, "Added")


@app.command("list")
def list_(
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Only accounts whose text contains this.")
    ] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List accounts by name.

    Example: colibri account list --search lyon --format csv
    """
    with database(write=False) as conn:
        rows = accounts.list_accounts(conn, search)
    empty = (
        f"No account matches {search!r}."
        if search
        else "No accounts yet. Add one with: colibri account add NAME"
    )
    render_rows(rows, output, fields=accounts.COLUMNS, columns=LIST_COLUMNS, empty=empty)


@app.command("show")
def show(account: AccountRef, output: FormatOption = OutputFormat.table) -> None:
    """Show an account with its contacts, opportunities and open tasks.

    Example: colibri account show ACME
    """
    with database(write=False) as conn:
        record = accounts.details(conn, account)
    render_record(record, output, fields=accounts.COLUMNS, labels=CARD, sections=SECTIONS)


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
    given = {
        key: value
        for key, value in {
            "name": name,
            "industry": industry,
            "email": email,
            "phone": phone,
            "website": website,
            "city": city,
            "country": country,
            "notes": notes,
            "external_id": external_id,
        }.items()
        if value is not None
    }
    if not given:
        raise typer.BadParameter("give at least one field to change, e.g. --city Paris.")
    with database(write=True) as conn:
        updated = accounts.edit(conn, account, **given)
    _show_saved(updated, output, "Updated")


@app.command("delete")
def delete(
    account: AccountRef,
    force: Annotated[
        bool, typer.Option("--force", help="Also delete the account's opportunities.")
    ] = False,
    yes: Yes = False,
) -> None:
    """Delete an account with its contacts and tasks (and, with --force, its opportunities).

    Example: colibri account delete "Old Customer" --yes
    """

    def find(conn):
        found, counts = accounts.plan_deletion(conn, account, force=force)
        return f"account {found['name']!r} (id {found['id']}){_with(counts)}", found["id"]

    what = delete_confirmed(find, accounts.delete, yes=yes)
    say(f"Deleted {what}.")


def _with(counts: dict[str, int]) -> str:
    parts = [plural(number, table) for table, number in counts.items() if number]
    return f" with {', '.join(parts)}" if parts else ""
