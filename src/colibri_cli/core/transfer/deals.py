"""Importing opportunities: the fast path for big files, and history for closed deals.

History of imported opportunities: a closed one (won, lost, cancelled) is recorded as if
it had been inserted in the first open status, stamped at the start of its creation day,
then moved to its closed status stamped at the start of its closing day. So the reports see
it open from created_on and closed from closed_on. The rows are written by the statements
of the history triggers, run over each batch at once (see `TriggerInsert`).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from colibri_cli.core import dates, history, money, opportunities, settings, tasks
from colibri_cli.core.errors import ColibriError, InvalidInput, UnknownStatus
from colibri_cli.core.statuses import first_open as statuses_first_open
from colibri_cli.core.text import fold
from colibri_cli.core.transfer import columns as cols
from colibri_cli.core.transfer.engine import Lines, Problem, duplicate, given_fields
from colibri_cli.core.transfer.references import SUGGESTED, OpportunityNames, ReferencingImporter
from colibri_cli.core.transfer.sources import Record
from colibri_cli.core.transfer.values import (
    AmountReader,
    FieldReader,
    Memo,
    ProbabilityReader,
    StatusReader,
    read_status_map,
)
from colibri_cli.core.transfer.writing import (
    BulkIndexes,
    TriggerInsert,
    apply_changes,
    chunks,
    insert_many,
    insert_sql,
)
from colibri_cli.i18n import N_, Np_, _, format_day, format_number, format_percent, ngettext

BULK_ROWS = 20_000
"""Once an import has created this many opportunities, and at least as many as the table
had, it builds the table's indexes at its end instead of row after row."""


# Opportunities ----------------------------------------------------------------------------

AS_INSERTED = """
    SELECT id, account_id, contact_id, name, amount, currency, due_date,
        iif(closed_on IS NULL, status, :first_open) AS status,
        iif(closed_on IS NULL, probability, NULL) AS probability,
        source, type, description, tags, notes, created_on,
        NULL AS closed_on, NULL AS close_reason, external_id, created_at,
        iif(closed_on IS NULL, updated_at, created_on || 'T00:00:00') AS updated_at, deleted_at
    FROM opportunities WHERE id BETWEEN :first AND :last
"""
"""A batch of new opportunities as they are first inserted: a closed one still in the
first open status, stamped at the start of its creation day."""
CLOSED = "SELECT * FROM opportunities WHERE id BETWEEN :first AND :last AND closed_on IS NOT NULL"
"""The closed ones of a batch, as they are once moved to their closed status (the update
trigger's WHEN holds for them all: their status changed)."""
OPEN_OUTCOMES = frozenset(("open", "ouvert", "ouverte", "en cours"))
"""What an outcome column says of a deal still open."""
LABELS = {
    **opportunities.FIELD_LABELS,
    "closed_on": N_("closing date"),
    "close_reason": N_("close reason"),
    "external_id": N_("external id"),
}


@dataclass(frozen=True)
class NewContact:
    """A contact --create-contacts adds once the row naming it is written."""

    name: str


@dataclass
class Opportunity:
    """A valid row, ready to insert or to compare with the record it matches."""

    record: Record
    raw: dict
    defaulted: set
    values: dict
    account: object
    closed: bool
    line: int
    key: tuple = ()


class OpportunityImporter(ReferencingImporter):
    kind = cols.OPPORTUNITIES

    def __init__(self, conn, source, options) -> None:
        super().__init__(conn, source, options)
        self.amounts = AmountReader()
        self.statuses = StatusReader(conn, read_status_map(conn, options.status_map))
        self.probabilities = ProbabilityReader()
        self.currencies = FieldReader(conn, "currency")
        statuses = conn.execute("SELECT key, kind, probability FROM statuses").fetchall()
        self.kinds = {row["key"]: row["kind"] for row in statuses}
        self.status_probability = {row["key"]: row["probability"] for row in statuses}
        self.first_open = statuses_first_open(conn)
        self.currency = settings.get(conn, "currency")
        self.next_id = self.start_max + 1
        self.contacts: dict[int, dict[str, list[int]]] = {}
        self.elsewhere: dict[str, tuple | None] = {}
        self.rounded = Lines()
        self.past_due = Lines()
        self.zero = Lines()
        self.own_probability = Lines()
        self.dropped_probability = Lines()
        self.setting_currency = Lines()
        """Rows whose amount has no currency (none given, no symbol), taken in the setting's."""
        self.currencies_given: set[str] = set()
        self.stages_read: dict[str, str] = {}
        """The stages of rows written that were read as the nearest status (OPEN_STAGES)."""
        self.stage_probabilities: dict[str, set[int]] = {}
        """The probabilities the file gives those stages, for the notice."""
        self.closed_on_due = Lines()
        self.without_closing_date = 0
        """Closed rows read without a closing date: those a --default closed_on fills."""
        self.rounded_probability = Lines()
        delay = dates.parse_period_delay(settings.get(conn, "follow-up-delay"))
        self.recent_close = (self.today - delay).isoformat()
        """A new closed row closed on this day or later is a close to follow up, as one
        entered by `opp create` is: its follow-up would be due `follow-up-delay` after it."""
        self.closes: list[tuple[int, str]] = []
        """The deals this import closes (a recent close written, or an open deal an update
        closes), with their status: each gets a follow-up task, or the advice to add one."""
        self.unfollowed: list[tuple[int, str, dt.date]] = []
        """Those without an open task, with the follow-up proposed (`look_back`)."""
        self.follow_ups: list[dict] = []
        """The follow-up tasks --follow-up added."""
        self.currency_like = self._currency_like()
        self.not_currency: set[str] = set()
        """JSON keys ignored that hold something else than currency codes."""
        self.readers = self._readers()
        self.scan({"amount": self.amounts, "probability": self.probabilities})
        self.bulk = BulkIndexes(conn, "opportunities", needed=())
        self.names = OpportunityNames(conn)
        self.bulk_after = max(BULK_ROWS, self.start_max)
        self.inserted = TriggerInsert(conn, "opportunity_history_on_insert")
        self.closed = TriggerInsert(conn, "opportunity_history_on_update")

    def _currency_like(self) -> dict[int, tuple[str, set[str]]]:
        """The ignored columns of a CSV without a currency column, by position, each with
        the currency codes its cells hold: one whose every cell is a code is the currency.
        JSON records show their keys as they come: `_watch_json_currencies` adds them."""
        if self.source.format != "csv" or "currency" in self.header_of:
            return {}
        index = {header: number for number, header in enumerate(self.source.headers)}
        return {index[header]: (header, set()) for header in self.ignored}

    def extract(self, record: Record) -> tuple[dict[str, str], set[str], list[Problem]]:
        if isinstance(record.cells, dict):
            extracted = super().extract(record)
            if "currency" not in self.header_of:
                self._watch_json_currencies(record.cells)
            return extracted
        if self.currency_like:
            self._watch_currencies(record.cells)
        return super().extract(record)

    def _watch_currencies(self, cells: list[str]) -> None:
        for index, (_header, codes) in list(self.currency_like.items()):
            cell = cells[index].strip() if index < len(cells) else ""
            if cell in money.CURRENCIES:
                codes.add(cell)
            elif cell:
                del self.currency_like[index]

    def _watch_json_currencies(self, cells: dict) -> None:
        """The ignored keys of JSON records whose every value so far is a currency code."""
        for key, value in cells.items():
            if self.key_fields.get(key, "") is not None or key in self.not_currency:
                continue
            if isinstance(value, str) and value.strip() in money.CURRENCIES:
                self.currency_like.setdefault(key, (key, set()))[1].add(value.strip())
            elif value not in (None, ""):
                self.currency_like.pop(key, None)
                self.not_currency.add(key)

    def misread(self) -> str | None:
        return super().misread() or self._ignored_currency()

    def _ignored_currency(self) -> str | None:
        """Why the amounts taken in the currency setting are not, if an ignored column
        holds currency codes (Salesforce's CurrencyIsoCode under another name)."""
        if "currency" in self.defaults or not self.setting_currency:
            return None
        for header, codes in self.currency_like.values():
            if codes and codes != {self.currency}:
                return _(
                    "the column {column} holds currency codes ({codes}) but is ignored, so "
                    "every amount would be taken in {currency}, the currency setting. Import "
                    "it with --map {map}=currency (or --map {map}= if it is not the currency "
                    "of the amounts)."
                ).format(
                    column=repr(header),
                    codes=", ".join(sorted(codes)),
                    currency=self.currency,
                    map=cols.shell(header),
                )
        return None

    def check_default(self, name: str, text: str) -> None:
        if name in ("account", "account_external_id", "contact"):
            return
        problems: list[Problem] = []
        self._read({name: text}, {}, problems)
        if problems:
            raise InvalidInput(problems[0].message)

    def _readers(self) -> dict:
        """How each field's text is read into its value (None: read elsewhere; absent:
        plain text, already stripped). The amount is read as an `Amount`, which `_read`
        spreads into the value and its flags."""
        dates = self.dates
        return {
            "amount": self.amounts,
            "due_date": dates.of(LABELS["due_date"]),
            "created_on": dates.of(LABELS["created_on"]),
            "closed_on": dates.of(LABELS["closed_on"]),
            "won_closed_on": dates.of(LABELS["closed_on"]),
            "lost_closed_on": dates.of(LABELS["closed_on"]),
            "status": self.statuses,
            "probability": self.probabilities,
            "currency": self.currencies,
            "tags": Memo(opportunities.normalize_tags),
            "account": None,
            "account_external_id": None,
            "contact": None,
            "outcome": None,
        }

    def _read(self, raw: dict, values: dict, problems: list[Problem]) -> None:
        """Read every field's text into `values`; each refusal becomes a problem."""
        readers = self.readers
        for name, text in raw.items():
            if name not in readers:
                values[name] = text
                continue
            read = readers[name]
            if read is not None:
                try:
                    values[name] = read(text)
                except ColibriError as problem:
                    unknown = isinstance(problem, UnknownStatus)
                    problems.append(Problem(name, str(problem), "status" if unknown else "", text))
        amount = values.get("amount")
        if amount is not None:
            values["amount"], rounded, currency = amount
            if currency:
                values["symbol_currency"] = currency
            if rounded:
                values["rounded"] = True
        probability = values.get("probability")
        if probability is not None:
            values["probability"], rounded = probability
            if rounded:
                values["rounded_probability"] = True

    def parse(self, raw, defaulted, problems, line) -> Opportunity | None:
        values: dict = {}
        closing = self._closing_outcome(raw["outcome"], problems) if "outcome" in raw else None
        for name in ("name", "amount", "due_date", "status"):
            if name not in raw and not (name == "status" and closing):
                message = _("The {field} is missing.").format(
                    field=_(opportunities.FIELD_LABELS[name])
                )
                problems.append(Problem(name, message, "missing", name))
        if closing:  # a won or lost deal: the stage it was in no longer matters
            self._read(
                {name: text for name, text in raw.items() if name != "status"}, values, problems
            )
            values["status"] = closing
        else:
            self._read(raw, values, problems)
        account = self.find_account(raw, problems, required=True)
        if account is not None and ("contact" in raw or "contact_external_id" in raw):
            values["contact_id"] = self._contact(raw, account, problems)
        if "status" in values:
            self._take_outcome_fields(values, raw)
        if "status" in values and "due_date" in values:  # what the dates are checked against
            self._complete(values, raw, defaulted, problems)
        if problems:
            return None
        closed = self.kinds[values["status"]] != "open"
        return Opportunity(None, raw, defaulted, values, account, closed, line)

    def _take_outcome_fields(self, values: dict, raw: dict) -> None:
        """A row's closing date and reason from the columns of its outcome (won, or lost
        for any other close), where the file keeps them apart and the row has no other."""
        if raw.keys().isdisjoint(cols.OUTCOME_FIELDS):
            return
        won = self.kinds[values["status"]] == "won"
        for own, field in cols.OUTCOME_FIELDS.items():
            value, text = values.pop(own, None), raw.pop(own, None)
            if own.startswith("won_") != won or text is None:
                continue
            if self.kinds[values["status"]] != "open" and field not in raw:
                values[field], raw[field] = value, text

    def _closing_outcome(self, text: str, problems: list[Problem]) -> str | None:
        """The closed status an outcome column gives (Pipedrive's won or lost), or None
        for an open deal, whose status is then its stage."""
        if fold(text) in OPEN_OUTCOMES:
            return None
        try:
            status = self.statuses(text)
        except ColibriError as problem:
            unknown = isinstance(problem, UnknownStatus)
            problems.append(Problem("outcome", str(problem), "status" if unknown else "", text))
            return None
        return status if self.kinds[status] != "open" else None

    def _complete(self, values: dict, raw: dict, defaulted: set, problems: list[Problem]) -> None:
        """The rules of a new opportunity: currency, creation and closing dates."""
        symbol = values.get("symbol_currency")
        values["setting_currency"] = "currency" not in values and symbol is None
        values["currency"] = opportunities.deal_currency(
            None if "currency" in defaulted else values.get("currency"),
            values.get("currency") or self.currency,  # a --default comes after the row's own
            written=symbol,
        )
        today = self.today_iso
        created_on = values.get("created_on")
        if created_on is not None:
            to_come = opportunities.day_to_come("created_on", raw["created_on"], created_on, today)
            if to_come:
                message = _("Invalid creation date {text}: it is in the future ({day}).")
                problems.append(
                    Problem(
                        "created_on",
                        message.format(text=repr(to_come.text), day=format_day(to_come.day)),
                    )
                )
        kind = self.kinds[values["status"]]
        if values.get("probability") is not None:
            of_status = self.status_probability[values["status"]]
            values["probability"] = opportunities.own_probability(
                values["probability"], of_status, kind
            )
        if kind == "open":
            for name in ("closed_on", "close_reason"):
                if name in defaulted:  # a --default for the closed rows: not for this one
                    values.pop(name, None)
                    self.default_uses[name] -= 1
                elif values.get(name) is not None:
                    problems.append(
                        Problem(
                            name,
                            _(FOR_CLOSED[name]).format(
                                text=repr(raw[name]), status=repr(values["status"])
                            ),
                        )
                    )
            values["created_on"] = opportunities.creation_day(created_on, None, today)
            return
        closed_on = values.get("closed_on")
        blamed = "closed_on"
        if closed_on is None:
            closed_on = values["closed_on"] = values["due_date"]
            blamed = "due_date"
            values["closed_on_due"] = True
            self.without_closing_date += 1
        to_come = opportunities.closing_to_come(closed_on, today)
        if to_come and blamed == "closed_on":
            problems.append(Problem(blamed, str(to_come)))
        elif to_come:
            future = _(
                "The closing date {day} (its due date, as the row has none) is in the "
                "future: give the row the day it closed."
            ).format(day=format_day(to_come.day))
            problems.append(Problem(blamed, future, "closed_future"))
        early = created_on and opportunities.closed_before_created(closed_on, created_on)
        if early:
            problems.append(Problem(blamed, str(early)))
        values["created_on"] = opportunities.creation_day(created_on, closed_on, today)

    def _contact(self, raw: dict, account, problems: list[Problem]) -> int | NewContact | None:
        name, external_id = raw.get("contact"), raw.get("contact_external_id")
        if external_id is not None:
            return self._contact_by_id(external_id, account, problems)
        if not isinstance(account, int):
            if self.options.create_contacts:
                return NewContact(name)
            problems.append(
                Problem(
                    "contact",
                    _(
                        "No contact {name} at the new account: import contacts first, or "
                        "give --create-contacts."
                    ).format(name=repr(name)),
                    "contact",
                    fold(name),
                )
            )
            return None
        found = self._contacts_at(account).get(fold(name), [])
        where = self.accounts.names[account]
        if len(found) == 1:
            return found[0]
        if not found and self.options.create_contacts:
            return NewContact(name)
        if found:
            problems.append(
                Problem(
                    "contact",
                    _("Several contacts are named {name} at {account}.").format(
                        name=repr(name), account=where
                    ),
                )
            )
        elif elsewhere := self._elsewhere(name):
            problems.append(
                Problem(
                    "contact",
                    _(
                        "Contact {name} works at {elsewhere}, not at this opportunity's "
                        "account ({account})."
                    ).format(name=repr(name), elsewhere=elsewhere[0], account=where),
                )
            )
        else:
            problems.append(
                Problem(
                    "contact",
                    _(
                        "No contact {name} at {account}: add it, import contacts first, or "
                        "give --create-contacts."
                    ).format(name=repr(name), account=where),
                    "contact",
                    fold(name),
                )
            )
        return None

    def _contacts_at(self, account_id: int) -> dict[str, list[int]]:
        """The ids of the contacts of an account by folded name, read once."""
        known = self.contacts.get(account_id)
        if known is None:
            known = self.contacts[account_id] = {}
            for row in self.conn.execute(
                "SELECT id, name FROM contacts WHERE account_id = ? ORDER BY id", (account_id,)
            ):
                known.setdefault(fold(row["name"]), []).append(row["id"])
        return known

    def _note_stage(self, raw: dict) -> None:
        """Keep, for the notice, the stage of a row written if it was read as the nearest
        colibri status."""
        stage = raw.get("status")
        if stage in self.statuses.guessed:
            self.stages_read[stage] = self.statuses.guessed[stage]
            if "probability" in raw:
                probability = self.probabilities(raw["probability"]).value
                self.stage_probabilities.setdefault(stage, set()).add(probability)

    def _add_new_contact(self, values: dict) -> None:
        """Add the contact --create-contacts gives the row, now that it is written (once,
        however many rows name it)."""
        contact = values.get("contact_id")
        if isinstance(contact, NewContact):
            values["contact_id"] = self._ensure_contact(contact, values["account_id"])

    def _ensure_contact(self, contact: NewContact, account_id: int) -> int:
        known = self._contacts_at(account_id)
        found = known.get(fold(contact.name))
        if found:
            return found[0]
        row = {"account_id": account_id, "name": contact.name}
        row |= {"created_at": self.stamp, "updated_at": self.stamp}
        contact_id = self.conn.execute(*insert_sql("contacts", row)).lastrowid
        known[fold(contact.name)] = [contact_id]
        self.result.contacts_created += 1
        return contact_id

    def _contact_by_id(self, external_id: str, account, problems: list[Problem]) -> int | None:
        column, value = self.own.where("contacts", external_id)
        found = self.conn.execute(
            "SELECT c.id, c.account_id, a.name AS account FROM contacts AS c "
            f"JOIN accounts AS a ON a.id = c.account_id WHERE c.{column} = ?",
            (value,),
        ).fetchone()
        if found is None:
            message = _("No contact has the external id {id}.").format(id=repr(external_id))
        elif found["account_id"] != account:
            message = _(
                "Contact {id} works at {elsewhere}, not at this opportunity's account."
            ).format(id=repr(external_id), elsewhere=found["account"])
        else:
            return found["id"]
        problems.append(Problem("contact_external_id", message))
        return None

    def _elsewhere(self, name: str) -> tuple | None:
        """The account of a contact of that name, for the first SUGGESTED names asked."""
        key = fold(name)
        if key not in self.elsewhere and len(self.elsewhere) < SUGGESTED:
            self.elsewhere[key] = self.conn.execute(
                "SELECT a.name FROM contacts AS c JOIN accounts AS a ON a.id = c.account_id "
                "WHERE fold(c.name) = ? LIMIT 1",
                (key,),
            ).fetchone()
        return self.elsewhere.get(key)

    def write(self, valid: list) -> None:
        if not valid:
            return
        fresh: list[Opportunity] = []
        keys: dict[tuple, int] = {}
        live = self._own_ids_still_there([opportunity for _record, opportunity, *_ in valid])
        for record, opportunity, _raw, defaulted in valid:
            opportunity.record = record
            key = opportunity.key = self._key(opportunity, live)
            if key in keys:
                problem = duplicate(_key_field(key), "opportunity", _key_value(opportunity))
                self.reject(record, [problem], defaulted)
                continue
            keys[key] = record.line
            fresh.append(opportunity)
        existing = self._existing(fresh)
        trashed = self._in_trash(existing.values())
        if not self.bulk.active and self.result.created >= self.bulk_after:
            self.bulk.drop()
        inserts = []
        for opportunity in fresh:
            found = existing.get(opportunity.key)
            if found is None:
                self._new(opportunity, inserts)
                continue
            if len(found) > 1:
                ids = ", ".join(str(number) for number in found)
                message = _(
                    "Several opportunities have this account and name (ids {ids}): "
                    "give this one an external id."
                ).format(ids=ids)
                self.reject(opportunity.record, [Problem("name", message)], opportunity.defaulted)
            elif found[0] in trashed:
                message = _(
                    "Opportunity {id} is in the trash: restore it (colibri opp restore {id}) "
                    "or purge it (colibri opp delete {id} --purge) before importing it again."
                ).format(id=found[0])
                problem = Problem(_key_field(opportunity.key), message)
                self.reject(opportunity.record, [problem], opportunity.defaulted)
            elif self.seen_before(found[0]):
                key = opportunity.key
                problem = duplicate(_key_field(key), "opportunity", _key_value(opportunity))
                self.reject(opportunity.record, [problem], opportunity.defaulted)
            elif self.options.upsert:
                self._update(opportunity, found[0])
            else:
                self.result.skipped += 1
        self._insert(inserts)

    def finish(self) -> None:
        self.bulk.rebuild()
        self.inserted.restore()
        if self.options.follow_up:
            self.follow_ups = [
                tasks.add(self.conn, title, due=due, opportunity=record_id)
                for record_id, title, due in self.unfollowed
            ]

    def look_back(self) -> None:
        self.unfollowed = self._unfollowed_closes()

    def _unfollowed_closes(self) -> list[tuple[int, str, dt.date]]:
        """The deals this import closed that have no open task, each with the follow-up
        task a close on the command line proposes (its title and due date)."""
        followed = set()
        for chunk in chunks([record_id for record_id, _status in self.closes], 500):
            marks = ", ".join("?" * len(chunk))
            followed.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT opportunity_id FROM tasks WHERE done_on IS NULL "
                    f"AND opportunity_id IN ({marks})",
                    chunk,
                )
            )
        unfollowed = [
            (record_id, status) for record_id, status in self.closes if record_id not in followed
        ]
        deals = self._accounts_and_days([record_id for record_id, _status in unfollowed])
        closes = (
            (account_name, self.kinds[status], closed_on)
            for (_record_id, status), (account_name, closed_on) in zip(
                unfollowed, deals, strict=True
            )
        )
        proposals = opportunities.follow_up_proposals(self.conn, closes)
        return [
            (record_id, title, due)
            for (record_id, _status), (title, due) in zip(unfollowed, proposals, strict=True)
        ]

    def _accounts_and_days(self, record_ids: list[int]) -> Iterator[tuple[str, dt.date]]:
        """The account name and closing day of each deal of `record_ids`, in their order,
        read a chunk at a time."""
        for chunk in chunks(record_ids, 500):
            marks = ", ".join("?" * len(chunk))
            found = {
                row[0]: (row[1], dt.date.fromisoformat(row[2]))
                for row in self.conn.execute(
                    "SELECT o.id, a.name, o.closed_on FROM opportunities AS o "
                    f"JOIN accounts AS a ON a.id = o.account_id WHERE o.id IN ({marks})",
                    chunk,
                )
            }
            yield from (found[record_id] for record_id in chunk)

    def _own_ids_still_there(self, batch: list[Opportunity]) -> set[int]:
        """The ids that rows give as this database's own ids of opportunities it still has."""
        own = (self.own.record_id("opportunities", o.values.get("external_id")) for o in batch)
        return self.own.exists("opportunities", [number for number in own if number is not None])

    def _key(self, opportunity: Opportunity, live: set[int]) -> tuple:
        """What a row matches on: ("o", id) for this database's own id of an opportunity it
        still has (the id then leaves the values: it is never stored), ("e", external id),
        or ("n", account, folded name), the account being its id or, for one to create,
        ("new", its folded name)."""
        values, account = opportunity.values, opportunity.account
        external_id = values.get("external_id")
        if external_id is None:
            where = account if isinstance(account, int) else ("new", fold(account[0]))
            return ("n", where, fold(values["name"]))
        own = self.own.record_id("opportunities", external_id)
        if own in live:
            del values["external_id"]
            return ("o", own)
        return ("e", external_id)

    def _in_trash(self, matches) -> set[int]:
        """The ids among `matches` (lists of ids) of opportunities in the trash."""
        ids = sorted({number for found in matches for number in found})
        trashed: set[int] = set()
        for chunk in chunks(ids, 500):
            marks = ", ".join("?" * len(chunk))
            trashed.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT id FROM opportunities WHERE id IN ({marks}) "
                    "AND deleted_at IS NOT NULL",
                    chunk,
                )
            )
        return trashed

    def _existing(self, fresh: list[Opportunity]) -> dict[tuple, list[int]]:
        """The opportunities the rows match, by their key."""
        found: dict[tuple, list[int]] = {}
        external_ids = [o.key[1] for o in fresh if o.key[0] == "e"]
        for chunk in chunks(external_ids, 500):
            marks = ", ".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT id, external_id FROM opportunities WHERE external_id IN ({marks})", chunk
            ):
                found[("e", row["external_id"])] = [row["id"]]
        for opportunity in fresh:
            key = opportunity.key
            if key[0] == "o":
                found[key] = [key[1]]
            elif key[0] == "n" and isinstance(key[1], int):  # a new account has none yet
                ids = [row["id"] for row in self.names.find(key[2], key[1])]
                if ids:
                    found[key] = ids
        return found

    def _new(self, opportunity: Opportunity, inserts: list) -> None:
        values, line = opportunity.values, opportunity.line
        values["account_id"] = self.accounts.ensure(opportunity.account)
        self._add_new_contact(values)
        record_id = self.next_id
        self.next_id += 1
        self.result.created += 1
        if values.get("rounded"):
            self.rounded.add(line)
        if values.get("rounded_probability"):
            self.rounded_probability.add(line)
        if values.get("setting_currency"):
            self.setting_currency.add(line)
        else:
            self.currencies_given.add(values["currency"])
        self._note_stage(opportunity.raw)
        if opportunity.closed:
            if values.get("closed_on_due"):
                self.closed_on_due.add(line)
            closed_on = values["closed_on"]
            if closed_on >= self.recent_close:
                self.closes.append((record_id, values["status"]))
            inserts.append(
                self._row(
                    record_id,
                    values,
                    values["status"],
                    values.get("probability"),
                    closed_on,
                    values.get("close_reason"),
                    closed_on + "T00:00:00",
                )
            )
            return
        if values["due_date"] < self.today_iso:
            self.past_due.add(line)
        if values["amount"] == 0:
            self.zero.add(line)
        if values.get("probability") is not None:
            self.own_probability.add(line)
        inserts.append(
            self._row(record_id, values, values["status"], values.get("probability"), None, None)
        )

    def _row(self, record_id, values, status, probability, closed_on, reason, updated_at=None):
        get = values.get
        return (
            record_id,
            values["account_id"],
            get("contact_id"),
            values["name"],
            values["amount"],
            values["currency"],
            values["due_date"],
            status,
            probability,
            get("source"),
            get("type"),
            get("description"),
            get("tags"),
            get("notes"),
            values["created_on"],
            closed_on,
            reason,
            get("external_id"),
            self.stamp,
            updated_at or self.stamp,
            None,  # renewal_of: an imported deal renews none
        )

    def _insert(self, inserts: list[tuple]) -> None:
        """Insert opportunities in their final state, then write their history: the row of
        their insertion, and for a closed one the row of its closing."""
        if not inserts:
            return
        self.inserted.suspend()
        insert_many(self.conn, "opportunities", opportunities.COLUMNS, inserts)
        batch = {"first": inserts[0][0], "last": inserts[-1][0], "first_open": self.first_open}
        self.inserted.run_over(AS_INSERTED, batch)
        self.closed.run_over(CLOSED, batch)
        self.names.add([(row[0], row[3], row[1]) for row in inserts])

    def _update(self, opportunity: Opportunity, record_id: int) -> None:
        existing = dict(
            self.conn.execute("SELECT * FROM opportunities WHERE id = ?", (record_id,)).fetchone()
        )
        given = given_fields(opportunity.raw, opportunity.defaulted)
        if opportunity.key[0] == "o":
            given.discard("external_id")  # this database's own id: never stored
        values = opportunity.values
        new = dict(existing)
        for name in given:
            if name == "outcome":
                new["status"] = values["status"]
            elif name in existing and name not in ("closed_on",):
                new[name] = values.get(name)
        if "currency" not in given and values.get("symbol_currency"):
            new["currency"] = values["symbol_currency"]
        problems = self._reclose(existing, new, values, given)
        if problems:
            self.reject(opportunity.record, problems, opportunity.defaulted)
            return
        values["account_id"] = self.accounts.ensure(opportunity.account)
        if given & {"account", "account_external_id"}:
            new["account_id"] = values["account_id"]
        if given & {"contact", "contact_external_id"}:
            self._add_new_contact(values)
            new["contact_id"] = values.get("contact_id")
        self._follow_new_status(existing, new, given, opportunity.line)
        changes = {name: new[name] for name in new if name != "id" and new[name] != existing[name]}
        if changes and apply_changes(self.conn, "opportunities", record_id, changes):
            self._take_effect(existing, new, record_id)
            if self.kinds[existing["status"]] == "open" != self.kinds[new["status"]]:
                self.closes.append((record_id, new["status"]))
            self.result.updated += 1
            self._note_stage(opportunity.raw)
            self.names.add([(record_id, new["name"], new["account_id"])])
            if values.get("rounded") and "amount" in changes:
                self.rounded.add(opportunity.line)
            if values.get("rounded_probability") and "probability" in changes:
                self.rounded_probability.add(opportunity.line)
        else:
            self.result.skipped += 1

    def _follow_new_status(self, existing: dict, new: dict, given: set, line: int) -> None:
        """A deal whose status changes follows its new status, as with `opp status`: its own
        probability is dropped, unless the row gives one (an open status only)."""
        if new["status"] == existing["status"] or existing["probability"] is None:
            return
        if "probability" not in given or self.kinds[new["status"]] != "open":
            new["probability"] = None
            self.dropped_probability.add(line)

    def _take_effect(self, existing: dict, new: dict, record_id: int) -> None:
        """A close, or a new closing date, is in the history from its day, as with
        `opp status --on` and `opp edit --closed-on`."""
        closed_on = new["closed_on"]
        if closed_on is None or closed_on == existing["closed_on"]:
            return
        history.close_takes_effect(
            self.conn,
            record_id,
            dt.date.fromisoformat(closed_on),
            corrected=existing["closed_on"] is not None,
        )

    def _reclose(self, existing: dict, new: dict, values: dict, given: set) -> list[Problem]:
        """Closing, reopening or re-dating an opportunity by an update, as `opp status` does."""
        was_closed = self.kinds[existing["status"]] != "open"
        closed = self.kinds[new["status"]] != "open"
        if not closed:
            if was_closed:
                new["closed_on"] = new["close_reason"] = None
            return []
        if "closed_on" in given or not was_closed:
            new["closed_on"] = values["closed_on"]  # checked by `_complete`
        closed_on = new["closed_on"]
        early = opportunities.closed_before_created(closed_on, new["created_on"])
        if early:
            return [Problem("closed_on" if "closed_on" in given else "created_on", str(early))]
        if closed_on != existing["closed_on"]:
            problem = opportunities.close_before_history(self.conn, existing["id"], closed_on)
            if problem:
                return [Problem("closed_on", problem)]
        return []

    def notices(self) -> None:
        super().notices()
        future = self.topics.get("closed_future")
        if future:
            self.result.hints.append(
                ngettext(
                    "{count} closed row has no closing date, and its due date, taken instead, "
                    "is in the future. --default closed_on=DATE gives that date to the closed "
                    "rows without a closing date ({closed} in the file), and to no other row.",
                    "{count} closed rows have no closing date, and their due date, taken "
                    "instead, is in the future. --default closed_on=DATE gives that date to the "
                    "closed rows without a closing date ({closed} in the file), and to no other "
                    "row.",
                    future[""],
                ).format(
                    count=format_number(future[""]),
                    closed=format_number(self.without_closing_date),
                )
            )
        result = self.result
        if self.rounded:
            result.notices.append(_counted(self.rounded, ROUNDED))
        if self.probabilities.fractions:
            result.notices.append(
                _(
                    "The probabilities of {column} are fractions of 1, as all its values are 1 "
                    "or less: {example} was read as {percent}."
                ).format(
                    column=repr(self.header_of.get("probability", "probability")),
                    example=self.probabilities.fraction,
                    percent=format_percent(self.probabilities(self.probabilities.fraction).value),
                )
            )
        if self.rounded_probability:
            result.notices.append(_counted(self.rounded_probability, ROUNDED_PROBABILITY))
        if self.closed_on_due:
            result.notices.append(_counted(self.closed_on_due, CLOSED_ON_DUE))
        if self.past_due:
            result.warnings.append(_counted(self.past_due, PAST_DUE))
        if self.zero:
            result.warnings.append(_counted(self.zero, ZERO))
        if self.dropped_probability:
            result.notices.append(_counted(self.dropped_probability, DROPPED_PROBABILITY))
        if self.own_probability:
            result.notices.append(_counted(self.own_probability, OWN_PROBABILITY))
        if self.setting_currency and self.currencies_given - {self.currency}:
            # Rows in dollars beside rows without a currency: those may be dollars too.
            notice = _counted(self.setting_currency, SETTING_CURRENCY, currency=self.currency)
            result.notices.append(notice)
        follow_up = self._follow_up_notice()
        if follow_up:
            result.notices.append(follow_up)
        if self.stages_read:
            shown = ", ".join(
                f"{text!r}{self._stage_probability(text)} -> {key}"
                for text, key in self.stages_read.items()
            )
            result.notices.append(
                _(
                    "Stages read as the nearest colibri status: {stages}. Give another with "
                    "--status-map STAGE=STATUS."
                ).format(stages=shown)
            )

    def _follow_up_notice(self) -> str | None:
        """What became of the follow-up of the deals this import closed: added with
        --follow-up, or how to add them (a close on the command line asks for one)."""
        count = len(self.unfollowed)
        if not count or self.result.refused:
            return None
        number = format_number(count)
        if self.options.dry_run:
            forms = FOLLOW_UPS_TO_ADD if self.options.follow_up else NO_FOLLOW_UP_YET
            return ngettext(*forms, count).format(count=number)
        if self.follow_ups:
            ids = ", ".join(str(task["id"]) for task in self.follow_ups[: Lines.SHOWN])
            if count > Lines.SHOWN:
                ids = _("{ids} and {more} more").format(
                    ids=ids, more=format_number(count - Lines.SHOWN)
                )
            return ngettext(*FOLLOW_UPS_ADDED, count).format(count=number, ids=ids)
        commands = [
            "  " + opportunities.follow_up_command(record_id, title, due)
            for record_id, title, due in self.unfollowed[:FOLLOW_UP_COMMANDS]
        ]
        if count > FOLLOW_UP_COMMANDS:
            commands.append(
                "  "
                + _("… and {more} more.").format(more=format_number(count - FOLLOW_UP_COMMANDS))
            )
        return "\n".join([ngettext(*NO_FOLLOW_UP, count).format(count=number), *commands])

    def _stage_probability(self, stage: str) -> str:
        """' (50%)', or ' (20-60%)' (' (50 %)', ' (20-60 %)' in French), as the file gives a
        stage's probability, if it does."""
        given = self.stage_probabilities.get(stage)
        if not given:
            return ""
        low, high = min(given), max(given)
        return f" ({format_percent(low)})" if low == high else f" ({low}-{format_percent(high)})"


FOLLOW_UP_COMMANDS = 10
"""The most `task add` commands the notice of closes without a follow-up shows."""
NO_FOLLOW_UP = Np_(
    "{count} deal this import closed has no follow-up task (a close on the command line asks "
    "for one; --follow-up adds it at the import). Add it with:",
    "{count} deals this import closed have no follow-up task (a close on the command line "
    "asks for one; --follow-up adds them at the import). Add them with:",
)
NO_FOLLOW_UP_YET = Np_(
    "{count} deal this import closes would have no follow-up task: --follow-up adds it.",
    "{count} deals this import closes would have no follow-up task: --follow-up adds one for each.",
)
FOLLOW_UPS_TO_ADD = Np_(
    "{count} follow-up task would be added, for the deal this import closes.",
    "{count} follow-up tasks would be added, one for each deal this import closes.",
)
FOLLOW_UPS_ADDED = Np_(
    "{count} follow-up task added, for the deal this import closed (task {ids}).",
    "{count} follow-up tasks added, one for each deal this import closed (tasks {ids}).",
)
ROUNDED = Np_(
    "{count} amount was rounded to a whole unit ({lines}).",
    "{count} amounts were rounded to a whole unit ({lines}).",
)
ROUNDED_PROBABILITY = Np_(
    "{count} probability was rounded to a whole percent ({lines}).",
    "{count} probabilities were rounded to a whole percent ({lines}).",
)
CLOSED_ON_DUE = Np_(
    "{count} closed opportunity has no closing date: the due date was taken as the closing "
    "date ({lines}).",
    "{count} closed opportunities have no closing date: the due date was taken as the closing "
    "date ({lines}).",
)
PAST_DUE = Np_(
    "{count} open opportunity is past due ({lines}): give it a new due date, or close it.",
    "{count} open opportunities are past due ({lines}): give them a new due date, or close them.",
)
ZERO = Np_(
    "{count} open opportunity has an amount of 0 ({lines}): the pipeline and forecast will "
    "not count it.",
    "{count} open opportunities have an amount of 0 ({lines}): the pipeline and forecast will "
    "not count them.",
)
SETTING_CURRENCY = Np_(
    "{count} amount has no currency, unlike others of the file: it was taken in {currency}, "
    "the currency setting ({lines}); give --default currency=CODE if it is in another.",
    "{count} amounts have no currency, unlike others of the file: they were taken in "
    "{currency}, the currency setting ({lines}); give --default currency=CODE if they are in "
    "another.",
)
DROPPED_PROBABILITY = Np_(
    "{count} opportunity changed status and now follows its new status's probability, "
    "its own dropped ({lines}).",
    "{count} opportunities changed status and now follow their new status's probability, "
    "their own dropped ({lines}).",
)
OWN_PROBABILITY = Np_(
    "{count} open opportunity has a probability of its own, not its status's ({lines}): it "
    "keeps it until its status changes (opp edit ID --probability '' gives it back to the "
    "status).",
    "{count} open opportunities have a probability of their own, not their status's "
    "({lines}): they keep it until their status changes (opp edit ID --probability '' gives "
    "it back to the status).",
)
FOR_CLOSED = {
    "closed_on": N_(
        "The closing date {text} is for a closed opportunity, but its status {status} is open."
    ),
    "close_reason": N_(
        "The close reason {text} is for a closed opportunity, but its status {status} is open."
    ),
}


def _counted(lines, forms: tuple[str, str], **more: str) -> str:
    """A notice about some rows: how many, and which lines."""
    count = format_number(lines.count)
    return ngettext(*forms, lines.count).format(count=count, lines=lines, **more)


def _key_field(key: tuple) -> str:
    return "name" if key[0] == "n" else "external_id"


def _key_value(opportunity: Opportunity) -> str:
    """What a row gives of the key it matches on, to name it in a duplicate's refusal."""
    field = _key_field(opportunity.key)
    return opportunity.raw[field] if field == "external_id" else opportunity.values["name"]
