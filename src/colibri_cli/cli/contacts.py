"""`colibri contact`: the people at your accounts."""

from typing import TYPE_CHECKING, Annotated

import typer

from colibri_cli.cli.accounts import SECTIONS as ACCOUNT_SECTIONS
from colibri_cli.cli.context import database, delete_confirmed, lookups
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
    allow_duplicate_option,
    contact_argument,
    given,
    search_option,
)
from colibri_cli.cli.timeline import SHOWN, TimelineOption, render_card
from colibri_cli.core import contacts, store
from colibri_cli.core import timeline as timelines
from colibri_cli.i18n import N_, _

if TYPE_CHECKING:
    from colibri_cli.cli import forms

app = typer.Typer(help="Contacts: the people at your accounts.", no_args_is_help=True)

ContactRef = contact_argument()
Email = Annotated[str | None, typer.Option(help="Email address.")]
Phone = Annotated[str | None, typer.Option(help="Phone number.")]
Role = Annotated[str | None, typer.Option(help="Role or job title.")]
Notes = Annotated[str | None, typer.Option(help="Free notes.")]
ExternalId = Annotated[str | None, typer.Option(help="The contact's id in another tool.")]

LIST_COLUMNS = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("account_name", N_("Account")),
    ("role", N_("Role")),
    ("email", N_("Email")),
    ("phone", N_("Phone")),
)
CARD = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("account_name", N_("Account")),
    ("role", N_("Role")),
    ("email", N_("Email")),
    ("phone", N_("Phone")),
    ("notes", N_("Notes")),
    ("external_id", N_("External id")),
    ("created_at", N_("Created"), moment("created_at")),
    ("updated_at", N_("Updated"), moment("updated_at")),
)
SECTIONS = {key: ACCOUNT_SECTIONS[key] for key in ("opportunities", "tasks")}
SAVED = {
    "Added": N_("Added contact {name} (id {id}) at {account}."),
    "Updated": N_("Updated contact {name} (id {id}) at {account}."),
}


def _show_saved(contact: dict, output: OutputFormat, verb: str) -> None:
    say(
        _(SAVED[verb]).format(
            name=contact["name"], id=contact["id"], account=contact["account_name"]
        )
    )
    if output is not OutputFormat.table:
        render_record(contact, output, fields=contacts.LISTED_COLUMNS, labels=CARD)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="The contact's name; asked on a terminal.")
    ] = None,
    account: account_option("Account id or name (required; asked on a terminal).") = None,
    email: Email = None,
    phone: Phone = None,
    role: Role = None,
    notes: Notes = None,
    external_id: ExternalId = None,
    allow_duplicate: allow_duplicate_option(
        "Add it even if a contact of the same name is at the account."
    ) = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Add a contact to an account.

    On a terminal, a missing name or account is asked for (an unknown account is offered
    for creation); in a script, it is an error (exit 2).

    Example: colibri contact add "Jeanne Martin" --account ACME --role Buyer
    """
    from colibri_cli.cli import forms  # asks what is missing: only for a form

    form = forms.FormResult(given(name=name, account=account))
    details = given(email=email, phone=phone, role=role, notes=notes, external_id=external_id)
    if forms.form_wanted(ctx, name=name, account=account):
        contacts.validated(details)  # a bad option is refused before anything is asked
        with lookups() as conn:
            form = forms.contact_form(conn, form.given, allow_duplicate=allow_duplicate)
            with store.rehearsal(conn):
                contact, _account = _add(conn, form, details, allow_duplicate)
        new = _("New contact: {name} at {account}, a new account.")
        forms.confirm_creation(
            (new if form.new_account else _("New contact: {name} at {account}.")).format(
                name=contact["name"], account=contact["account_name"]
            )
        )
    with database(write=True) as conn:
        contact, new_account = _add(conn, form, details, allow_duplicate)
        if new_account:
            say(forms.account_added(new_account))
    _show_saved(contact, output, "Added")


def _add(
    conn, form: "forms.FormResult", details: dict, allow_duplicate: bool
) -> tuple[dict, dict | None]:
    """The contact of the form, and the account made for it when the form chose a new one."""
    from colibri_cli.cli import forms

    new_account = forms.add_new_account(conn, form)
    contact = contacts.add(
        conn,
        form.given["name"],
        form.given["account"],
        allow_duplicate=allow_duplicate,
        **details,
    )
    return contact, new_account


@app.command("list")
def list_(
    account: account_option("Only this account's contacts.") = None,
    search: search_option("Only contacts whose text contains this.", "-s") = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List contacts by account and name.

    Example: colibri contact list --account ACME
    """
    empty = (
        _("No contact matches.")
        if account or search
        else _("No contacts yet. Add one with: colibri contact add NAME --account ACCOUNT")
    )
    with database(write=False) as conn:
        rows = contacts.list_contacts(conn, account, search)
        render_rows(rows, output, fields=contacts.LISTED_COLUMNS, columns=LIST_COLUMNS, empty=empty)


@app.command("show")
def show(
    contact: ContactRef,
    timeline: TimelineOption = SHOWN,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Show a contact with their opportunities, open tasks and timeline.

    Example: colibri contact show "Jeanne Martin"
    """
    with database(write=False) as conn:
        record = contacts.details(conn, contact)
        record["timeline"] = timelines.of(conn, "contact", record["id"])
    render_card(
        record, output, timeline, fields=contacts.LISTED_COLUMNS, labels=CARD, sections=SECTIONS
    )


@app.command("edit")
def edit(
    contact: ContactRef,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    account: account_option("Move to this account.") = None,
    email: Email = None,
    phone: Phone = None,
    role: Role = None,
    notes: Notes = None,
    external_id: ExternalId = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Change a contact's fields; an empty value ("") clears a field.

    Example: colibri contact edit 4 --role "Head of purchasing" --phone ""
    """
    given_fields = given(
        name=name,
        email=email,
        phone=phone,
        role=role,
        notes=notes,
        external_id=external_id,
    )
    if not given_fields and account is None:
        raise typer.BadParameter(_("give at least one field to change, e.g. --role Buyer."))
    with database(write=True) as conn:
        updated = contacts.edit(conn, contact, account, **given_fields)
    _show_saved(updated, output, "Updated")


@app.command("delete")
def delete(
    contact: ContactRef,
    yes: Yes = False,
) -> None:
    """Delete a contact (their opportunities stay, without a contact).

    Example: colibri contact delete 4 --yes
    """

    def find(conn):
        found = contacts.get(conn, contact, exact=True)
        what = _("contact {name} (id {id}) at {account}").format(
            name=found["name"], id=found["id"], account=found["account_name"]
        )
        return what, found

    what = delete_confirmed(find, lambda conn, found: contacts.delete(conn, found["id"]), yes=yes)
    say(_("Deleted {what}.").format(what=what))
