"""References to accounts: by name or external id, and accounts created on the way."""

import sqlite3

from colibri_cli.core import accounts, records
from colibri_cli.core.identity import OwnIds
from colibri_cli.core.text import fold
from colibri_cli.core.transfer.engine import AMBIGUOUS, Importer, Problem
from colibri_cli.i18n import _

# References to accounts -------------------------------------------------------------------


SUGGESTED = 200
"""How many distinct missing names get a "did you mean" (each is a search of them all)."""


class AccountIndex:
    """Accounts by folded name (case and accents ignored) and by external id, loaded once
    and kept up to date."""

    def __init__(self, conn: sqlite3.Connection, own: OwnIds, create: bool, stamp: str) -> None:
        self.conn = conn
        self.own = own
        self.create = create
        self.stamp = stamp
        self.by_name: dict[str, int] = {}
        self.by_external_id: dict[str, int] = {}
        self.names: dict[int, str] = {}
        for row in conn.execute("SELECT id, name, external_id FROM accounts"):
            key = fold(row["name"])
            self.by_name[key] = AMBIGUOUS if key in self.by_name else row["id"]
            if row["external_id"] is not None:
                self.by_external_id[row["external_id"]] = row["id"]
            self.names[row["id"]] = row["name"]
        self.suggestions: dict[str, str] = {}
        self.known: dict[str, int] = {}
        """Account ids by the text a file gives, to fold each text once."""
        self.created = 0

    def find(
        self, name: str | None, external_id: str | None, problems: list[Problem], columns: tuple
    ) -> int | tuple[str, str | None] | None:
        """The account's id; or (name, external id) of one to create once the row is known
        valid; or None, with a problem said."""
        name_field, id_field = columns
        own = self.own.record_id("accounts", external_id)
        if own in self.names:
            return own
        if external_id is None and name in self.known:
            return self.known[name]
        if external_id is not None:
            found = self.by_external_id.get(external_id)
            if found is not None:
                return found
        if name is not None:
            found = self.by_name.get(fold(name))
            if found == AMBIGUOUS:
                problems.append(
                    Problem(
                        name_field,
                        _(
                            "Several accounts are named {name}: give the account's external id."
                        ).format(name=repr(name)),
                    )
                )
                return None
            if found is not None:
                if external_id is None:
                    self.known[name] = found
                return found
        if name is None and external_id is None:
            problems.append(Problem(name_field, _("The account is missing."), "missing", "account"))
            return None
        if self.create:
            if name is None:
                problems.append(
                    Problem(
                        id_field,
                        _(
                            "No account has the external id {id}, and without its name "
                            "--create-accounts cannot create it."
                        ).format(id=repr(external_id)),
                        "account_id",
                        external_id,
                    )
                )
                return None
            return (name, external_id)
        if name is None:
            problems.append(
                Problem(
                    id_field,
                    _("No account has the external id {id}.").format(id=repr(external_id)),
                    "account_id",
                    external_id,
                )
            )
            return None
        problems.append(
            Problem(
                name_field,
                _("No account {name}.").format(name=repr(name)) + self._suggest(name),
                "account",
                name,
            )
        )
        return None

    def _suggest(self, name: str) -> str:
        """ " Did you mean 'X'?", for the first SUGGESTED names (each costs a search)."""
        if name not in self.suggestions:
            if len(self.suggestions) >= SUGGESTED:
                return _(" See `{command}`.").format(command=accounts.LIST_COMMAND)
            self.suggestions[name] = records.did_you_mean(
                self.conn, "accounts", name, accounts.LIST_COMMAND
            )
        return self.suggestions[name]

    def ensure(self, found: int | tuple[str, str | None]) -> int:
        """The id of the account `find` gave, creating it now if it is a new one."""
        if isinstance(found, int):
            return found
        name, external_id = found
        existing = self.by_external_id.get(external_id) if external_id is not None else None
        if existing is None:
            existing = self.by_name.get(fold(name))
        if existing is not None:  # created for an earlier row of this batch
            return existing
        values = accounts.validated({"name": name, "external_id": external_id})
        account_id = self.insert(values)
        self.created += 1
        return account_id

    def insert(self, values: dict) -> int:
        row = {**values, "created_at": self.stamp, "updated_at": self.stamp}
        account_id = self.conn.execute(
            f"INSERT INTO accounts ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        ).lastrowid
        self.remember(account_id, values["name"], values.get("external_id"))
        return account_id

    def remember(self, account_id: int, name: str, external_id: str | None) -> None:
        self.by_name[fold(name)] = account_id
        if external_id is not None:
            self.by_external_id[external_id] = account_id
        self.names[account_id] = name

    def forget(self, account_id: int) -> None:
        self.known.clear()
        name = self.names.pop(account_id, None)
        if name is not None and self.by_name.get(fold(name)) == account_id:
            del self.by_name[fold(name)]
        for key, known in list(self.by_external_id.items()):
            if known == account_id:
                del self.by_external_id[key]


class ReferencingImporter(Importer):
    """Contacts, opportunities and tasks: they refer to an account."""

    def __init__(self, conn, source, options) -> None:
        super().__init__(conn, source, options)
        self.accounts = AccountIndex(conn, self.own, options.create_accounts, self.stamp)

    def find_account(self, raw: dict, problems: list[Problem], *, required: bool):
        name, external_id = raw.get("account"), raw.get("account_external_id")
        if not required and name is None and external_id is None:
            return None
        return self.accounts.find(name, external_id, problems, ("account", "account_external_id"))

    def notices(self) -> None:
        super().notices()
        self.result.accounts_created = self.accounts.created


class DealReferencingImporter(ReferencingImporter):
    """Tasks and activities: they may refer to an opportunity, whose account is theirs."""

    def __init__(self, conn, source, options) -> None:
        super().__init__(conn, source, options)
        self.names = OpportunityNames(conn)

    def find_opportunity(self, raw: dict, account, problems: list[Problem]):
        """The opportunity (id, account_id) a row names by external id or by name (at its
        account, if it gives one), out of the trash; None, with a problem said if the row
        names one that cannot be found or belongs to another account."""
        external_id, name = raw.get("opportunity_external_id"), raw.get("opportunity")
        if external_id is None and name is None:
            return None
        row = None
        if external_id is not None:
            column, value = self.own.where("opportunities", external_id)
            sql = (
                f"SELECT id, account_id FROM opportunities WHERE {column} = ? "
                "AND deleted_at IS NULL"
            )
            row = self.conn.execute(sql, (value,)).fetchone()
            if row is None:
                problems.append(
                    Problem(
                        "opportunity_external_id",
                        _("No opportunity has the external id {id}.").format(id=repr(external_id)),
                    )
                )
                return None
        if row is None:
            account_id = account if isinstance(account, int) else None
            if account is not None and account_id is None:
                problems.append(
                    Problem(
                        "opportunity",
                        _("No opportunity {name} at a new account.").format(name=repr(name)),
                    )
                )
                return None
            found = self.names.find(name, account_id)
            where = self.accounts.names[account_id] if account_id else None
            if not found:
                message = (
                    _("No opportunity {name} at {account}.")
                    if where
                    else _("No opportunity {name}.")
                )
                problems.append(
                    Problem("opportunity", message.format(name=repr(name), account=where))
                )
                return None
            if len(found) > 1:
                ids = ", ".join(str(row["id"]) for row in found)
                problems.append(
                    Problem(
                        "opportunity",
                        (
                            _(
                                "Several opportunities are named {name} at {account} (ids {ids}): "
                                "give the opportunity's external id."
                            )
                            if where
                            else _(
                                "Several opportunities are named {name} (ids {ids}): "
                                "give the opportunity's external id."
                            )
                        ).format(name=repr(name), account=where, ids=ids),
                    )
                )
                return None
            row = found[0]
        if account is not None and account != row["account_id"]:
            problems.append(
                Problem(
                    "account",
                    _(
                        "Opportunity {id} belongs to another account: give the opportunity "
                        "alone, its account goes with it."
                    ).format(id=row["id"]),
                )
            )
            return None
        return row


class OpportunityNames:
    """Opportunities by folded name (and account), indexed in a temporary table built the
    first time a row needs it: a row without external id then finds its opportunity at
    once, however many the database holds. Temporary tables live in a file, not in memory.
    """

    TABLE = "temp.import_opportunity_names"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ready = False

    def _build(self) -> None:
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_opportunity_names "
            "(id INTEGER PRIMARY KEY, name TEXT NOT NULL, account_id INTEGER NOT NULL)"
        )
        self.conn.execute(f"DELETE FROM {self.TABLE}")
        self.conn.execute(
            f"INSERT INTO {self.TABLE} SELECT id, fold(name), account_id FROM opportunities "
            "WHERE deleted_at IS NULL"
        )
        self.conn.execute(
            "CREATE INDEX IF NOT EXISTS temp.import_opportunity_names_by_name "
            "ON import_opportunity_names (name, account_id)"
        )
        self.ready = True

    def find(self, name: str, account_id: int | None = None) -> list[sqlite3.Row]:
        """(id, account_id) of the opportunities named `name` (at `account_id`), by id."""
        if not self.ready:
            self._build()
        if account_id is None:
            sql = f"SELECT id, account_id FROM {self.TABLE} WHERE name = ? ORDER BY id"
            return self.conn.execute(sql, (fold(name),)).fetchall()
        sql = (
            f"SELECT id, account_id FROM {self.TABLE} WHERE name = ? AND account_id = ? ORDER BY id"
        )
        return self.conn.execute(sql, (fold(name), account_id)).fetchall()

    def add(self, rows: list[tuple[int, str, int]]) -> None:
        """Opportunities just written, as (id, name, account_id); replaces what was known."""
        if self.ready and rows:
            self.conn.executemany(
                f"INSERT OR REPLACE INTO {self.TABLE} (id, name, account_id) VALUES (?, ?, ?)",
                [(number, fold(name), account_id) for number, name, account_id in rows],
            )
