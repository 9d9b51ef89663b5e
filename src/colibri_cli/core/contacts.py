"""Contacts: the people at an account."""

import sqlite3
from collections.abc import Mapping
from functools import partial

from colibri_cli.core import accounts, records
from colibri_cli.core.errors import Conflict, NotFound, Told
from colibri_cli.core.text import fold
from colibri_cli.i18n import N_

COLUMNS = (
    "id",
    "account_id",
    "name",
    "email",
    "phone",
    "role",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
)
LISTED_COLUMNS = records.with_names(COLUMNS)
"""What a listing or a record gives scripts: the columns, the account's name beside its id."""
EDITABLE = ("name", "email", "phone", "role", "notes", "external_id")
LIST_COMMAND = "colibri contact list"
NAME = N_("contact name")
SELECT = (  # a contact whose account another program deleted still shows, with no account
    "SELECT c.*, a.name AS account_name "
    "FROM contacts AS c LEFT JOIN accounts AS a ON a.id = c.account_id"
)


def validated(fields: dict[str, str | None]) -> dict[str, str | None]:
    """Clean the given fields and check the name and the ones that have a form."""
    values = accounts.validated({key: value for key, value in fields.items() if key != "name"})
    if "name" in fields:
        values["name"] = name_of(fields["name"])
    return values


def name_of(text: str | None) -> str:
    """A contact's name: some text."""
    return records.require_text(NAME, text)


def insert(conn: sqlite3.Connection, values: Mapping[str, object], stamp: str | None = None) -> int:
    """Write a new contact, as `add` and an import make one; its id."""
    return records.insert(conn, "contacts", values, stamp=stamp)


def namesakes(conn: sqlite3.Connection, account_id: int, name: str) -> list[sqlite3.Row]:
    """The contacts of an account with that name, case and accents ignored: the same person,
    as far as colibri can tell (id and name, first made first; an import asks for each row)."""
    return conn.execute(
        "SELECT id, name FROM contacts WHERE account_id = ? AND fold(name) = ? ORDER BY id",
        (account_id, fold(name)),
    ).fetchall()


def add(
    conn: sqlite3.Connection,
    name: str,
    account: str | int,
    *,
    allow_duplicate: bool = False,
    **fields: str | None,
) -> dict:
    """A contact at an account; one of the same name there is refused unless
    `allow_duplicate`."""
    values = validated({"name": name, **fields})
    values["account_id"] = accounts.get(conn, account)["id"]
    if not allow_duplicate:
        _refuse_namesake(conn, values)
    records.ensure_unique(
        conn, "contacts", "external_id", values.get("external_id"), noun="contact"
    )
    return get(conn, insert(conn, values))


def _refuse_namesake(conn: sqlite3.Connection, values: dict) -> None:
    """The same person added twice at an account is refused, naming the one there."""
    found = namesakes(conn, values["account_id"], values["name"])
    if found:
        namesake = found[0]
        raise Namesake(
            N_("{account} already has a contact {name!r} (id {id})."),
            id=namesake["id"],
            name=namesake["name"],
            account=accounts.get(conn, values["account_id"])["name"],
        )


class Namesake(Told, Conflict):
    """The account (`account`) has a contact of that name already (`id`, `name`)."""

    code = "contact-namesake"


def get(
    conn: sqlite3.Connection,
    ref: str | int,
    *,
    exact: bool = False,
    account_id: int | None = None,
) -> dict:
    """By id or name; a unique beginning of the name is enough unless `exact`. Given an
    account, the name is looked for among its contacts first."""
    find = partial(
        records.find, conn, "contacts", ref, noun="contact", list_command=LIST_COMMAND, exact=exact
    )
    try:
        contact = find(within=("account_id", account_id)) if account_id is not None else find()
    except NotFound:
        contact = find()
    return records.fetch(conn, f"{SELECT} WHERE c.id = ?", (contact["id"],))[0]


def details(conn: sqlite3.Connection, ref: str | int) -> dict:
    """The contact with their opportunities (out of the trash) and open tasks."""
    contact = get(conn, ref)
    for key, query in (
        ("opportunities", accounts.LIVE_OPPORTUNITIES_OF),
        ("tasks", accounts.OPEN_TASKS_OF),
    ):
        contact[key] = records.fetch(conn, query.format(column="contact_id"), (contact["id"],))
    return contact


def list_contacts(
    conn: sqlite3.Connection, account: str | int | None = None, search: str | None = None
) -> records.Listing:
    account_id = accounts.get(conn, account)["id"] if account is not None else None
    searched = " || ' ' || ".join(f"coalesce(c.{column}, '')" for column in EDITABLE)
    return records.Listing(
        conn,
        f"{SELECT} WHERE (? IS NULL OR c.account_id = ?) "
        f"AND (? IS NULL OR instr(fold({searched}), ?) > 0)",
        "a.name COLLATE NOCASE, c.name COLLATE NOCASE, c.id",
        (account_id, account_id, search, fold(search or "")),
    )


def edit(
    conn: sqlite3.Connection,
    ref: str | int,
    account: str | int | None = None,
    **changes: str | None,
) -> dict:
    contact = get(conn, ref)
    values = validated(changes)
    if account is not None:
        values["account_id"] = accounts.get(conn, account)["id"]
        _ensure_no_deal_left_behind(conn, contact, values["account_id"])
    records.ensure_unique(
        conn,
        "contacts",
        "external_id",
        values.get("external_id"),
        noun="contact",
        except_id=contact["id"],
    )
    records.update(conn, "contacts", contact["id"], values)
    return get(conn, contact["id"])


def _ensure_no_deal_left_behind(conn: sqlite3.Connection, contact: dict, account_id: int) -> None:
    """A contact who moves cannot stay the contact of their former account's deals, nor
    of its tasks."""
    if account_id == contact["account_id"]:
        return
    for table, (problem, message) in LEFT_BEHIND.items():
        ids = [
            str(row[0])
            for row in conn.execute(
                f"SELECT id FROM {table} WHERE contact_id = ? ORDER BY id", (contact["id"],)
            )
        ]
        if ids:
            raise problem(
                message, name=contact["name"], ids=", ".join(ids), account=contact["account_name"]
            )


class DealsLeftBehind(Told, Conflict):
    """A contact who moves is the contact of deals (`ids`) at their account (`account`)."""

    code = "contact-deals-left-behind"


class TasksLeftBehind(Told, Conflict):
    """A contact who moves is the contact of tasks (`ids`) at their account (`account`)."""

    code = "contact-tasks-left-behind"


LEFT_BEHIND = {
    "opportunities": (
        DealsLeftBehind,
        N_("{name} is the contact of opportunities {ids} at {account}: give them another one."),
    ),
    "tasks": (
        TasksLeftBehind,
        N_("{name} is the contact of tasks {ids} at {account}: give them another one."),
    ),
}


def delete(conn: sqlite3.Connection, ref: str | int) -> dict:
    contact = get(conn, ref, exact=True)
    conn.execute("DELETE FROM contacts WHERE id = ?", (contact["id"],))
    return contact
