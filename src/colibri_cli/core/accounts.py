"""Accounts: the companies and people an opportunity is sold to."""

import re
import sqlite3
from collections.abc import Mapping

from colibri_cli.core import records, statuses, touches
from colibri_cli.core.errors import Conflict, InvalidInput, Told
from colibri_cli.core.text import fold
from colibri_cli.i18n import N_, Np_, _

COLUMNS = (
    "id",
    "name",
    "industry",
    "email",
    "phone",
    "website",
    "city",
    "country",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
)
LISTED_COLUMNS = (*COLUMNS, "last_touch")
"""What `account list` and `account show` give scripts: an account and the day it was last
touched."""
EDITABLE = (
    "name",
    "industry",
    "email",
    "phone",
    "website",
    "city",
    "country",
    "notes",
    "external_id",
)
LIST_COMMAND = "colibri account list"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def validated(fields: dict[str, str | None]) -> dict[str, str | None]:
    """Clean the given fields (empty text clears one) and check the ones that have a form."""
    values = {key: records.clean(value) for key, value in fields.items()}
    if "name" in fields:
        values["name"] = records.require_text(N_("account name"), fields["name"])
    email = values.get("email")
    if email and not EMAIL.fullmatch(email):
        raise InvalidInput(
            _("The email {email!r} is not an email address (name@example.com).").format(email=email)
        )
    return values


def add(conn: sqlite3.Connection, name: str, **fields: str | None) -> dict:
    values = validated({"name": name, **fields})
    ensure_free(conn, values)
    return get(conn, insert(conn, values))


def insert(conn: sqlite3.Connection, values: Mapping[str, object], stamp: str | None = None) -> int:
    """Write a new account; its id."""
    return records.insert(conn, "accounts", values, stamp=stamp)


def get(conn: sqlite3.Connection, ref: str | int, *, exact: bool = False) -> dict:
    """By id or name; a unique beginning of the name is enough unless `exact`."""
    found = records.find(
        conn, "accounts", ref, noun="account", list_command=LIST_COMMAND, exact=exact
    )
    return dict(found)


def near_misses(conn: sqlite3.Connection, text: str) -> list[str]:
    """The names of the accounts `text` was probably meant to be."""
    return records.close_names(conn, "accounts", text)


def list_accounts(conn: sqlite3.Connection, search: str | None = None) -> records.Listing:
    """All accounts by name, each with the day it was last touched; `search` matches any of
    their text fields, ignoring case."""
    searched = " || ' ' || ".join(f"coalesce(a.{column}, '')" for column in EDITABLE)
    return records.Listing(
        conn,
        f"SELECT a.*, {touches.account_last_touch()} AS last_touch FROM accounts AS a "
        f"WHERE ? IS NULL OR instr(fold({searched}), ?) > 0",
        "a.name COLLATE NOCASE, a.id",
        (search, fold(search or "")),
    )


def details(conn: sqlite3.Connection, ref: str | int) -> dict:
    """The account with the day it was last touched, its contacts, opportunities and open
    tasks."""
    account = get(conn, ref)
    account_id = account["id"]
    account["last_touch"] = conn.execute(
        f"SELECT {touches.account_last_touch()} FROM accounts AS a WHERE a.id = ?", (account_id,)
    ).fetchone()[0]
    account["contacts"] = records.fetch(
        conn, "SELECT * FROM contacts WHERE account_id = ? ORDER BY name, id", (account_id,)
    )
    account["opportunities"] = records.fetch(
        conn, LIVE_OPPORTUNITIES_OF.format(column="account_id"), (account_id,)
    )
    account["tasks"] = records.fetch(conn, OPEN_TASKS_OF.format(column="account_id"), (account_id,))
    account.update(totals(conn, account_id))
    return account


LIVE_OPPORTUNITIES_OF = (
    "SELECT * FROM opportunities WHERE {column} = ? AND deleted_at IS NULL ORDER BY due_date, id"
)
OPEN_TASKS_OF = (
    "SELECT * FROM tasks AS t WHERE {column} = ? AND done_on IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM opportunities AS o WHERE o.id = t.opportunity_id AND o.deleted_at IS NOT NULL) "
    "ORDER BY due_date IS NULL, due_date, due_time, id"
)
"""The opportunities and open tasks a card lists, of an account or a contact (`column`); a
task of a deal in the trash is not listed until the deal is restored."""


WON_FIELDS = ("currency", "count", "amount")
PIPELINE_FIELDS = ("currency", "count", "amount", "weighted")


def totals(conn: sqlite3.Connection, account_id: int) -> dict[str, list[dict]]:
    """What the account has brought, per currency: `won` to date, and its open `pipeline`
    with the weighted amount (each deal at its own probability, else its status's)."""
    rows = records.fetch(
        conn,
        f"""
        SELECT s.kind, o.currency, count(*) AS count, sum(o.amount) AS amount,
            sum(o.amount * {statuses.effective_probability_sql()}) AS weighted_x100
        FROM opportunities AS o JOIN statuses AS s ON s.key = o.status
        WHERE o.account_id = ? AND o.deleted_at IS NULL AND s.kind IN ('won', 'open')
        GROUP BY s.kind, o.currency ORDER BY o.currency
        """,
        (account_id,),
    )
    return {
        "won": [
            {field: row[field] for field in WON_FIELDS} for row in rows if row["kind"] == "won"
        ],
        "pipeline": [
            {
                **{field: row[field] for field in WON_FIELDS},
                "weighted": statuses.weighted(row["weighted_x100"]),
            }
            for row in rows
            if row["kind"] == "open"
        ],
    }


def edit(conn: sqlite3.Connection, ref: str | int, **changes: str | None) -> dict:
    account = get(conn, ref)
    values = validated(changes)
    ensure_free(conn, values, account["id"])
    records.update(conn, "accounts", account["id"], values)
    return get(conn, account["id"])


def dependents(conn: sqlite3.Connection, account_id: int) -> dict[str, int]:
    """How many records go with the account when it is deleted."""
    return {
        table: conn.execute(
            f"SELECT count(*) FROM {table} WHERE account_id = ?", (account_id,)
        ).fetchone()[0]
        for table in ("opportunities", "contacts", "tasks", "activities")
    }


def plan_deletion(conn: sqlite3.Connection, ref: str | int, *, force: bool) -> tuple[dict, dict]:
    """The account and what goes with it; refused while it has opportunities (in the trash
    too: past reports count them), unless `force` purges them."""
    account = get(conn, ref, exact=True)
    counts = dependents(conn, account["id"])
    if counts["opportunities"] and not force:
        raise HasDeals(
            Np_(
                "Account {name!r} has {count} opportunity (in the trash too): move it to "
                "another account first.",
                "Account {name!r} has {count} opportunities (in the trash too): move them to "
                "another account first.",
            ),
            name=account["name"],
            count=counts["opportunities"],
        )
    return account, counts


class HasDeals(Told, Conflict):
    """An account to delete has opportunities (`count`), in the trash too."""

    code = "account-has-deals"


def delete(conn: sqlite3.Connection, account_id: int) -> None:
    """Delete the account, purge its opportunities (with their history) and, by cascade,
    delete its contacts, tasks and activities."""
    from colibri_cli.core import tasks  # it imports this module

    tasks.delete_where(conn, "account_id = ?", (account_id,))
    conn.execute("DELETE FROM opportunities WHERE account_id = ?", (account_id,))
    conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))


def ensure_free(conn: sqlite3.Connection, values: dict, account_id: int | None = None) -> None:
    """Refuse a name or an external id that another account has (`account_id`: this one)."""
    for column in ("name", "external_id"):
        records.ensure_unique(
            conn, "accounts", column, values.get(column), noun="account", except_id=account_id
        )
