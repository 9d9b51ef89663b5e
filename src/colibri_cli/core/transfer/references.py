"""References to accounts: by name or external id, and accounts created on the way."""

import sqlite3

from colibri_cli.core import accounts, records
from colibri_cli.core.text import fold
from colibri_cli.core.transfer.engine import (
    AMBIGUOUS,
    Importer,
    Problem,
)

# References to accounts -------------------------------------------------------------------


class AccountIndex:
    """Accounts by folded name (case and accents ignored) and by external id, loaded once
    and kept up to date."""

    def __init__(self, conn: sqlite3.Connection, create: bool, stamp: str) -> None:
        self.conn = conn
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
                        f"Several accounts are named {name!r}: give the account's external id.",
                    )
                )
                return None
            if found is not None:
                if external_id is None:
                    self.known[name] = found
                return found
        if name is None and external_id is None:
            problems.append(Problem(name_field, "The account is missing.", "missing", "account"))
            return None
        if self.create:
            if name is None:
                problems.append(
                    Problem(
                        id_field,
                        f"No account has the external id {external_id!r}, and without its name "
                        "--create-accounts cannot create it.",
                    )
                )
                return None
            return (name, external_id)
        if name is None:
            problems.append(
                Problem(id_field, f"No account has the external id {external_id!r}.", "account")
            )
            return None
        problems.append(
            Problem(name_field, f"No account {name!r}.{self._suggest(name)}", "account", name)
        )
        return None

    def _suggest(self, name: str) -> str:
        if name not in self.suggestions:
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
        self.accounts = AccountIndex(conn, options.create_accounts, self.stamp)

    def find_account(self, raw: dict, problems: list[Problem], *, required: bool):
        name, external_id = raw.get("account"), raw.get("account_external_id")
        if not required and name is None and external_id is None:
            return None
        return self.accounts.find(name, external_id, problems, ("account", "account_external_id"))

    def notices(self) -> None:
        super().notices()
        self.result.accounts_created = self.accounts.created
