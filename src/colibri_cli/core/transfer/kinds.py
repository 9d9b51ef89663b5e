"""Importing accounts, contacts, tasks and activities."""

import datetime as dt
import sqlite3
from collections import OrderedDict

from colibri_cli.core import accounts, activities, contacts, dates, records, tasks
from colibri_cli.core.errors import ColibriError, InvalidInput, Wording, worded
from colibri_cli.core.text import fold
from colibri_cli.core.transfer import columns as cols
from colibri_cli.core.transfer.engine import (
    AMBIGUOUS,
    Importer,
    Problem,
    duplicate,
    given_fields,
)
from colibri_cli.core.transfer.references import (
    AccountIndex,
    DealReferencingImporter,
    ReferencingImporter,
)
from colibri_cli.core.transfer.writing import apply_changes
from colibri_cli.i18n import N_, _, format_number, ngettext

WORDINGS: dict[str, Wording] = {
    tasks.SeriesWithoutDue.code: N_(
        "A task that repeats needs a due date to count from: give one with --due."
    ),
    activities.ToCome.code: N_(
        "The activity date {day} is in the future: log it once it happened, "
        "or plan it with colibri task add."
    ),
}
"""How an import words the problems of tasks and activities that core tells by code, as
the commands do (an import's report names the option of `task add`, and `task add`)."""


class ByText:
    """The ids of the records of a kind by folded text (a task's title, an activity's
    summary) within a group of them (a task's account, deal and due date), each group read
    once: a file whose rows share a group would otherwise fold every text of the group for
    each of its rows. The groups used last are kept, up to `LIMIT` ids, so memory stays flat
    whatever the size of the file."""

    LIMIT = 100_000

    def __init__(self, conn: sqlite3.Connection, sql: str) -> None:
        self.conn = conn
        self.sql = sql
        """What selects the id and the text of the records of a group, given its key."""
        self.groups: OrderedDict[tuple, dict[str, list[int]]] = OrderedDict()
        self.size = 0

    def find(self, group: tuple, text: str) -> list[int]:
        """The records of that group with that text (case and accents ignored), oldest first."""
        known = self.groups.get(group)
        if known is None:
            known = self._read(group)
        else:
            self.groups.move_to_end(group)
        return known.get(fold(text), [])

    def add(self, group: tuple, text: str, record_id: int) -> None:
        """A record just written, in its group if that group is kept."""
        known = self.groups.get(group)
        if known is not None:
            known.setdefault(fold(text), []).append(record_id)
            self.size += 1

    def clear(self) -> None:
        """Forget every group: a record has moved from one to another."""
        self.groups.clear()
        self.size = 0

    def _read(self, group: tuple) -> dict[str, list[int]]:
        known: dict[str, list[int]] = {}
        for record_id, text in self.conn.execute(self.sql, group):
            known.setdefault(fold(text), []).append(record_id)
            self.size += 1
        self.groups[group] = known
        while self.size > self.LIMIT and len(self.groups) > 1:
            _key, dropped = self.groups.popitem(last=False)
            self.size -= sum(map(len, dropped.values()))
        return known


# Accounts ---------------------------------------------------------------------------------

NAMED_APART_SHOWN = 5


class AccountImporter(Importer):
    kind = cols.ACCOUNTS

    def __init__(self, conn, source, options) -> None:
        super().__init__(conn, source, options)
        self.index = AccountIndex(conn, self.own, False, self.stamp)
        self.named_apart: list[tuple[int, str]] = []
        """(line, name) of the accounts named apart from a namesake (`_namesake`)."""

    def check_default(self, name: str, text: str) -> None:
        accounts.validated({name: text})

    def parse(self, raw, defaulted, problems, line) -> dict:
        values = {}
        for name in self.kind.export_columns:
            if name not in raw and name != "name":
                continue
            try:
                values.update(accounts.validated({name: raw.get(name)}))
            except ColibriError as problem:
                missing = "missing" if name == "name" and name not in raw else ""
                problems.append(Problem(name, str(problem), missing, name))
        return values

    def write(self, valid: list) -> None:
        for record, values, raw, defaulted in valid:
            name, external_id = values["name"], values.get("external_id")
            found = next(iter(self.match_by_id(values)), None)
            matched_on = "external_id" if found is not None else "name"
            if found is None:
                found = self.index.by_name.get(fold(name))
                if isinstance(found, int) and self._namesake(found, external_id):
                    self._name_apart(record, values, defaulted)
                    continue
            if found == AMBIGUOUS:
                self.reject(
                    record,
                    [
                        Problem(
                            "name",
                            _("Several accounts are named {name}.").format(name=repr(name)),
                        )
                    ],
                    defaulted,
                )
            elif found is None:
                self.index.insert(values)
                self.result.created += 1
            elif self.seen_before(found):
                value = external_id if matched_on == "external_id" else name
                self.reject(record, [duplicate(matched_on, "account", value)], defaulted)
            elif self.options.upsert:
                self._update(record, found, values, raw, defaulted)
            else:
                self.result.skipped += 1

    def _namesake(self, account_id: int, external_id: str | None) -> bool:
        """Whether the account of a row's name is another one: both have an external id,
        and they differ (two companies of one name, as a CRM keeps them apart)."""
        if external_id is None:
            return False
        row = self.conn.execute(
            "SELECT external_id FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
        return row["external_id"] is not None and row["external_id"] != external_id

    def _name_apart(self, record, values: dict, defaulted: set) -> None:
        """Create the account of a namesake, named after its city, else its external id
        ("Acme Corp (Lyon)"), as names are unique in colibri; refuse the row when both
        names are taken too."""
        name = values["name"]
        for detail in (values.get("city"), values["external_id"]):
            apart = f"{name} ({detail})" if detail else None
            if apart and fold(apart) not in self.index.by_name:
                values["name"] = apart
                self.named_apart.append((record.line, apart))
                self.index.insert(values)
                self.result.created += 1
                return
        problem = _(
            "Another account is named {name}, with another external id, and so are the names "
            "colibri would give this one apart: give it a name of its own."
        ).format(name=repr(name))
        self.reject(record, [Problem("name", problem)], defaulted)

    def notices(self) -> None:
        super().notices()
        if self.named_apart:
            shown = ", ".join(
                _("{name} (line {line})").format(name=repr(name), line=line)
                for line, name in self.named_apart[:NAMED_APART_SHOWN]
            )
            more = len(self.named_apart) - NAMED_APART_SHOWN
            if more > 0:
                shown += _(" and {count} more").format(count=format_number(more))
            self.result.notices.append(
                ngettext(
                    "{count} account has the name of another with a different external id: "
                    "named apart as {shown}.",
                    "{count} accounts have the name of another with a different external id: "
                    "named apart as {shown}.",
                    len(self.named_apart),
                ).format(count=format_number(len(self.named_apart)), shown=shown)
            )

    def _update(self, record, account_id: int, values: dict, raw: dict, defaulted: set) -> None:
        given = given_fields(raw, defaulted)
        changes = {name: value for name, value in values.items() if name in given}
        for name in ("name", "external_id"):
            try:
                accounts.ensure_free(self.conn, {name: changes.get(name)}, account_id)
            except ColibriError as problem:
                self.reject(record, [Problem(name, str(problem))], defaulted)
                return
        if apply_changes(self.conn, "accounts", account_id, changes):
            self.result.updated += 1
            self.index.forget(account_id)
            row = self.conn.execute(
                "SELECT name, external_id FROM accounts WHERE id = ?", (account_id,)
            ).fetchone()
            self.index.remember(account_id, row["name"], row["external_id"])
        else:
            self.result.skipped += 1


# Contacts ---------------------------------------------------------------------------------


class ContactImporter(ReferencingImporter):
    kind = cols.CONTACTS

    def check_default(self, name: str, text: str) -> None:
        if name in ("email",):
            contacts.validated({name: text})

    def parse(self, raw, defaulted, problems, line) -> dict:
        values = {}
        name = raw.get("name")
        first, last = raw.get("first_name"), raw.get("last_name")
        if name is None:
            name = " ".join(part for part in (first, last) if part) or None
        elif first is not None and last is None:
            name = f"{first} {name}"  # "Prénom" and "Nom": Nom is the family name
        try:
            values["name"] = contacts.name_of(name)
        except ColibriError as problem:
            problems.append(Problem("name", str(problem), "missing", "name"))
        for field_name in ("email", "phone", "role", "notes", "external_id"):
            if field_name in raw:
                try:
                    values.update(contacts.validated({field_name: raw[field_name]}))
                except ColibriError as problem:
                    problems.append(Problem(field_name, str(problem)))
        values["account"] = self.find_account(raw, problems, required=True)
        return values

    def write(self, valid: list) -> None:
        for record, values, raw, defaulted in valid:
            account_id = self.accounts.ensure(values.pop("account"))
            values["account_id"] = account_id
            external_id = values.get("external_id")
            found = self.match_by_id(values)
            key_field = "external_id" if external_id is not None else "name"
            if key_field == "name":
                namesakes = contacts.namesakes(self.conn, account_id, values["name"])
                found = [row["id"] for row in namesakes]
            if not found:
                contacts.insert(self.conn, values, self.stamp)
                self.result.created += 1
            elif any(self.seen_before(contact_id) for contact_id in found):
                key = external_id if key_field == "external_id" else values["name"]
                self.reject(record, [duplicate(key_field, "contact", key)], defaulted)
            elif len(found) > 1:
                message = _(
                    "Several contacts are named {name} at {account}: give this one an external id."
                ).format(name=repr(values["name"]), account=self.accounts.names[account_id])
                self.reject(record, [Problem("name", message)], defaulted)
            elif self.options.upsert:
                given = given_fields(raw, defaulted) | {"account_id"}
                given |= {"name"} if {"first_name", "last_name"} & given else set()
                changes = {name: value for name, value in values.items() if name in given}
                changed = apply_changes(self.conn, "contacts", found[0], changes)
                self.result.updated += changed
                self.result.skipped += not changed
            else:
                self.result.skipped += 1


# Tasks and activities ---------------------------------------------------------------------


class ContactReferencingImporter(DealReferencingImporter):
    """Tasks and activities: they may also refer to a contact, whose account is theirs."""

    other_account = ""
    """What is said of a row's contact who works at another account than the row's."""

    def __init__(self, conn, source, options) -> None:
        super().__init__(conn, source, options)
        self.contact_names: dict[str, list[dict]] | None = None

    def find_contact(self, raw: dict, account, problems: list[Problem]):
        """(id, account_id) of the contact a row names, at its account if it has one; None,
        with a problem said if it names one that cannot be found or works elsewhere."""
        name, external_id = raw.get("contact"), raw.get("contact_external_id")
        if name is None and external_id is None:
            return None
        if external_id is not None:
            column, value = self.own.where("contacts", external_id)
            sql = f"SELECT id, account_id FROM contacts WHERE {column} = ?"
            found = self.conn.execute(sql, (value,)).fetchall()
            if not found:
                message = _("No contact has the external id {id}.").format(id=repr(external_id))
                problems.append(Problem("contact_external_id", message))
                return None
        elif account is not None and not isinstance(account, int):
            message = _("No contact {name} at the new account: import contacts first.")
            problems.append(Problem("contact", message.format(name=repr(name))))
            return None
        else:
            found = self._contacts_named(name)
            if account is not None:  # those of the account; else one elsewhere, to say so
                found = [row for row in found if row["account_id"] == account] or found[:1]
            if len(found) > 1:
                message = (
                    _("Several contacts are named {name} at {account}.")
                    if account is not None
                    else _("Several contacts are named {name}: give the contact's external id.")
                )
                problems.append(
                    Problem(
                        "contact",
                        message.format(name=repr(name), account=self.accounts.names.get(account)),
                    )
                )
                return None
            if not found:
                problems.append(Problem("contact", _("No contact {ref!r}.").format(ref=name)))
                return None
        contact = found[0]
        if account is not None and contact["account_id"] != account:
            field_name = "contact_external_id" if external_id is not None else "contact"
            message = _(self.other_account).format(
                name=repr(external_id or name),
                elsewhere=self.accounts.names.get(contact["account_id"]),
                account=self.accounts.names[account] if isinstance(account, int) else account[0],
            )
            problems.append(Problem(field_name, message))
            return None
        return contact

    def _contacts_named(self, name: str) -> list[dict]:
        """(id, account_id) of the contacts of that name (case and accents ignored), all
        read the first time a row names one: no scan of the contacts for each row."""
        if self.contact_names is None:
            self.contact_names = {}
            for row in self.conn.execute("SELECT id, account_id, name FROM contacts ORDER BY id"):
                named = {"id": row["id"], "account_id": row["account_id"]}
                self.contact_names.setdefault(fold(row["name"]), []).append(named)
        return self.contact_names.get(fold(name), [])


class TaskImporter(ContactReferencingImporter):
    kind = cols.TASKS
    other_account = N_(
        "Contact {name} works at {elsewhere}, not at this task's account ({account})."
    )

    def __init__(self, conn, source, options) -> None:
        super().__init__(conn, source, options)
        self.titles = ByText(
            conn,
            "SELECT id, title FROM tasks WHERE account_id IS ? AND opportunity_id IS ? "
            "AND due_date IS ? ORDER BY id",
        )

    def check_default(self, name: str, text: str) -> None:
        if name in ("due_date", "done_on"):
            self._date(name, text)
        if name == "due_time":
            _due_time(text)
        if name == "every":
            _period(text)

    def _date(self, name: str, text: str) -> str | None:
        if name == "due_date" and text.lower() in ("none", "-"):
            return None
        label = N_("due date") if name == "due_date" else N_("done date")
        found = self.dates(text, label)
        if name == "done_on":
            tasks.check_done_on(dt.date.fromisoformat(found), self.today)
        return found

    def parse(self, raw, defaulted, problems, line) -> dict:
        values = {}
        try:
            values["title"] = tasks.title_of(raw.get("title"))
        except ColibriError as problem:
            problems.append(Problem("title", str(problem), "missing", "title"))
        for name in ("due_date", "done_on"):
            if name in raw:
                try:
                    values[name] = self._date(name, raw[name])
                except ColibriError as problem:
                    problems.append(Problem(name, str(problem)))
        if "due_time" in raw:
            try:
                values["due_time"] = _due_time(raw["due_time"])
            except ColibriError as problem:
                problems.append(Problem("due_time", str(problem)))
        elif "due_date" in values:  # a date alone, or none, has no time
            values["due_time"] = _time_in(raw["due_date"]) if values["due_date"] else None
        if values.get("due_time") and not values.get("due_date"):
            problems.append(Problem("due_time", _("A due time goes with a due date: give one.")))
        if "every" in raw:
            try:
                values["every"] = _period(raw["every"])
                values.update(tasks.series(values["every"], tasks.day_of(values.get("due_date"))))
            except ColibriError as problem:
                problems.append(Problem("every", worded(problem, WORDINGS)))
        for name in ("notes", "external_id"):
            if name in raw:
                values[name] = records.clean(raw[name])
        values["account"] = self.find_account(raw, problems, required=False)
        values["opportunity"] = self.find_opportunity(raw, values["account"], problems)
        opportunity = values["opportunity"]
        account = values["account"] if opportunity is None else opportunity["account_id"]
        values["contact"] = self.find_contact(raw, account, problems)
        return values

    def write(self, valid: list) -> None:
        for record, values, raw, defaulted in valid:
            opportunity = values.pop("opportunity")
            account = values.pop("account")
            contact = values.pop("contact")
            if opportunity is not None:
                values["opportunity_id"] = opportunity["id"]
                values["account_id"] = opportunity["account_id"]
            elif account is not None:
                values["account_id"] = self.accounts.ensure(account)
            if contact is not None:
                values["contact_id"] = contact["id"]
                values["account_id"] = contact["account_id"]  # the same, or theirs alone
            external_id = values.get("external_id")
            found = self.match_by_id(values)
            key_field = "external_id" if external_id is not None else "title"
            group = (values.get("account_id"), values.get("opportunity_id"), values.get("due_date"))
            if key_field == "title":
                found = self.titles.find(group, values["title"])
            if not found:
                self.titles.add(group, values["title"], tasks.insert(self.conn, values, self.stamp))
                self.result.created += 1
            elif any(self.seen_before(task_id) for task_id in found):
                key = external_id if key_field == "external_id" else values["title"]
                self.reject(record, [duplicate(key_field, "task", key)], defaulted)
            elif self.options.upsert:
                given = given_fields(raw, defaulted)
                if "due_date" in given:
                    given.add("due_time")
                if "every" in given:
                    given.add("every_from")
                if given & {"opportunity", "opportunity_external_id"}:
                    given |= {"opportunity_id", "account_id"}
                if given & {"account", "account_external_id"}:
                    given |= {"account_id"}
                if given & {"contact", "contact_external_id"}:
                    given |= {"contact_id", "account_id"}
                changes = {name: value for name, value in values.items() if name in given}
                try:
                    changes.update(self._series_moved(found[0], changes))
                except ColibriError as problem:
                    self.reject(record, [Problem("due_date", worded(problem, WORDINGS))], defaulted)
                    continue
                changed = apply_changes(self.conn, "tasks", found[0], changes)
                if changed and key_field == "external_id":
                    self.titles.clear()  # it may have left the group its title is kept in
                self.result.updated += changed
                self.result.skipped += not changed
            else:
                self.result.skipped += 1

    def _series_moved(self, task_id: int, changes: dict) -> dict:
        """A new due date for a task that repeats starts its series again from it, as
        `task edit --due` does; no due date is refused, as there."""
        if "due_date" not in changes or "every" in changes:
            return {}
        [every] = self.conn.execute("SELECT every FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return tasks.series(every, tasks.day_of(changes["due_date"])) if every else {}


# Activities -------------------------------------------------------------------------------


class ActivityImporter(ContactReferencingImporter):
    kind = cols.ACTIVITIES
    other_account = N_(
        "Contact {name} works at {elsewhere}, not at this activity's account ({account})."
    )

    def __init__(self, conn, source, options) -> None:
        super().__init__(conn, source, options)
        self.summaries = ByText(
            conn,
            "SELECT id, summary FROM activities WHERE account_id = ? AND kind = ? "
            "AND happened_on = ? AND time_of_day IS ? ORDER BY id",
        )

    def check_default(self, name: str, text: str) -> None:
        try:
            self._value(name, text)
        except ColibriError as problem:
            raise InvalidInput(worded(problem, WORDINGS)) from None

    def _value(self, name: str, text: str) -> object:
        """A field's value, refused as the `log` command refuses it."""
        if name == "kind":
            return activities.kind_of(text)
        if name == "happened_on":
            day = self.dates(text, N_("activity date"))
            activities.moment_values(dt.date.fromisoformat(day), None)  # not in the future
            return day
        if name == "time_of_day":
            return dates.parse_time_of_day(text).strftime("%H:%M")
        if name == "duration_minutes":
            return activities.parse_duration(text)
        if name == "summary":
            return activities.summary_of(text)
        return records.clean(text)

    def parse(self, raw, defaulted, problems, line) -> dict:
        values = {}
        for name in ("kind", "happened_on", "time_of_day", "duration_minutes", "summary"):
            if name not in raw and name in ("time_of_day", "duration_minutes"):
                continue
            try:
                values[name] = self._value(name, raw.get(name, ""))
            except ColibriError as problem:
                missing = "missing" if name not in raw else ""
                problems.append(Problem(name, worded(problem, WORDINGS), missing, name))
        if "time_of_day" not in raw and "happened_on" in values:
            time_of_day = _time_in(raw["happened_on"])
            if time_of_day is not None:
                values["time_of_day"] = time_of_day
        if "external_id" in raw:
            values["external_id"] = records.clean(raw["external_id"])
        account = self.find_account(raw, problems, required=False)
        opportunity = self.find_opportunity(raw, account, problems)
        if opportunity is not None:
            account = opportunity["account_id"]
        contact = self.find_contact(raw, account, problems)
        if contact is not None:
            values["contact_id"] = contact["id"]
            account = contact["account_id"]
        if opportunity is not None:
            values["opportunity_id"] = opportunity["id"]
        if not problems:
            try:
                activities.check_at_account(account)
            except ColibriError as problem:
                problems.append(Problem("account", str(problem), "missing", "account"))
        values["account"] = account
        return values

    def write(self, valid: list) -> None:
        for record, values, raw, defaulted in valid:
            values["account_id"] = self.accounts.ensure(values.pop("account"))
            external_id = values.get("external_id")
            found = self.match_by_id(values)
            key_field = "external_id" if external_id is not None else "summary"
            group = (
                values["account_id"],
                values["kind"],
                values["happened_on"],
                values.get("time_of_day"),
            )
            if key_field == "summary":
                found = self.summaries.find(group, values["summary"])
            if not found:
                activity_id = activities.insert(self.conn, values, self.stamp)
                self.summaries.add(group, values["summary"], activity_id)
                self.result.created += 1
            elif any(self.seen_before(activity_id) for activity_id in found):
                key = external_id if key_field == "external_id" else values["summary"]
                self.reject(record, [duplicate(key_field, "activity", key)], defaulted)
            elif self.options.upsert:
                given = given_fields(raw, defaulted)
                if "happened_on" in given:
                    given.add("time_of_day")
                if given & {"opportunity", "opportunity_external_id"}:
                    given |= {"opportunity_id", "account_id"}
                if given & {"contact", "contact_external_id"}:
                    given |= {"contact_id", "account_id"}
                if given & {"account", "account_external_id"}:
                    given |= {"account_id"}
                changes = {name: value for name, value in values.items() if name in given}
                changed = apply_changes(self.conn, "activities", found[0], changes)
                if changed and key_field == "external_id":
                    self.summaries.clear()  # it may have left the group its summary is kept in
                self.result.updated += changed
                self.result.skipped += not changed
            else:
                self.result.skipped += 1


def _due_time(text: str) -> str | None:
    """A task's time of day, HH:MM; none for an empty cell."""
    return dates.parse_time_of_day(text).strftime("%H:%M") if text.strip() else None


def _period(text: str) -> str | None:
    """How often a task repeats, as `task add --every` reads it; none for an empty cell."""
    return tasks.parse_period(text) if text.strip() else None


def _time_in(stamp: str) -> str | None:
    """HH:MM, from a date and time written without a time zone ("2026-11-25 10:00",
    "2026-11-25T10:00:00"); None for a date alone, or a time in another zone (its day
    counts, as for the other kinds)."""
    text = stamp.strip()
    if len(text) <= 11 or text[10] not in "Tt ":
        return None
    try:
        return dates.parse_time_of_day(text[11:]).strftime("%H:%M")
    except InvalidInput:
        return None
