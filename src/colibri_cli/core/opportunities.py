"""Opportunities: what may be sold to an account, with its three essentials.

Every opportunity has an amount, a due date and a status from the moment it exists.
Input arrives as the text a person or a script typed; `parse_fields` turns it into values
and reports every bad field at once. History rows are written by triggers (migration
m002), so every change by any command, or any other program, is recorded.
"""

import datetime as dt
import re
import shlex
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from colibri_cli.core import (
    accounts,
    clock,
    contacts,
    dates,
    inputs,
    money,
    records,
    settings,
    slippage,
    statuses,
    touches,
)
from colibri_cli.core import (
    history as effective,
)
from colibri_cli.core.errors import (
    ClosedBeforeCreated,
    ColibriError,
    Conflict,
    DayInFuture,
    InvalidInput,
    NotFound,
    OpenNamesake,
    OutOfPlace,
)
from colibri_cli.core.text import fold, whole_number
from colibri_cli.i18n import N_, _, format_day, format_number, format_percent

COLUMNS = (
    "id",
    "account_id",
    "contact_id",
    "name",
    "amount",
    "currency",
    "due_date",
    "status",
    "probability",
    "source",
    "type",
    "description",
    "tags",
    "notes",
    "created_on",
    "closed_on",
    "close_reason",
    "external_id",
    "created_at",
    "updated_at",
    "renewal_of",
)
HISTORY_COLUMNS = (
    "id",
    "opportunity_id",
    "changed_at",
    "status",
    "amount",
    "due_date",
    "probability",
    "currency",
    "closed_on",
    "status_probability",
    "deleted",
)
SHOWN_COLUMNS = (
    *records.with_names(COLUMNS),
    "effective_probability",
    "weighted_amount",
    "overdue",
)
"""What a record gives scripts: the stored columns with the account's, contact's and status's
names beside them, the probability that counts (its own, else its status's; a closed deal's
is its outcome's), the amount weighted by it (rounded half-up), and whether it is overdue
(open, due before today)."""
PUSH_COLUMNS = ("pushes", "days_pushed")
"""How many times the due date was pushed later while the deal was open, and by how many
days in all (see `slippage`)."""
LISTED_COLUMNS = (*SHOWN_COLUMNS, "last_touch", *PUSH_COLUMNS)
"""What `opp list` and `opp show` give scripts: a record, the day it was last touched (see
`touches`), and how far its due date slipped."""
TRASH_COLUMNS = (*LISTED_COLUMNS, "deleted_at")
CARD_COLUMNS = (*LISTED_COLUMNS, "renewed_by")
"""What `opp show` gives scripts: a listed deal and the one that renews it (its id, or
null)."""
REQUIRED = ("name", "account", "amount", "due_date", "status")
LIST_COMMAND = "colibri opp list"
TRASH_COMMAND = "colibri opp list --deleted"
LIVE = "deleted_at IS NULL"
IN_TRASH = "deleted_at IS NOT NULL"
NO_NEXT_STEP = (
    "NOT EXISTS (SELECT 1 FROM tasks AS t WHERE t.opportunity_id = o.id AND t.done_on IS NULL)"
)
"""Of a deal `o`: it has no open task, so nothing says what to do next for it."""

# A status another program wrote that colibri does not know still shows, as it is; so does
# an opportunity whose account another program deleted (foreign keys off), with no account.
_SELECTED = f"""
    o.*, a.name AS account_name, c.name AS contact_name,
    coalesce(s.label, o.status) AS status_label, coalesce(s.kind, 'unknown') AS status_kind,
    {statuses.effective_probability_sql()} AS effective_probability,
    {statuses.weighted_amount_sql()} AS weighted_amount,
    {touches.opportunity_last_touch()} AS last_touch
"""
_JOINED = """
    FROM opportunities AS o
    LEFT JOIN accounts AS a ON a.id = o.account_id
    LEFT JOIN statuses AS s ON s.key = o.status
    LEFT JOIN contacts AS c ON c.id = o.contact_id
"""
SELECT = f"SELECT {_SELECTED} {_JOINED}"
SELECT_WITH_PUSHES = f"""
    SELECT {_SELECTED}, coalesce(p.pushes, 0) AS pushes, coalesce(p.days_pushed, 0) AS days_pushed
    {_JOINED}
    LEFT JOIN ({slippage.PUSHES_BY_OPPORTUNITY}) AS p ON p.opportunity_id = o.id
"""
"""For scripts and `--pushed`: a pass over the whole history, which a table does not need."""


@dataclass(frozen=True)
class Remark:
    """A notice or a warning about a deal, for `cli/` to word: what it says (`code`), and
    the values it names, as people read them."""

    code: str
    params: Mapping[str, object]


@dataclass
class Parsed:
    """Values ready to write, and what the user should be told about them."""

    values: dict = field(default_factory=dict)
    notices: list[Remark] = field(default_factory=list)
    warnings: list[Remark] = field(default_factory=list)


FIELD_LABELS = {
    "name": N_("name"),
    "account": N_("account"),
    "contact": N_("contact"),
    "amount": N_("amount"),
    "currency": N_("currency"),
    "due_date": N_("due date"),
    "status": N_("status"),
    "probability": N_("probability"),
    "tags": N_("tags"),
    "created_on": N_("creation date"),
    "closed_on": N_("closing date"),
}
"""The fields as messages name them, in English (translate with `_`)."""


def _missing(name: str) -> str:
    return _("the {field} is missing").format(field=_(FIELD_LABELS.get(name, name)))


def parse_field(conn: sqlite3.Connection, name: str, text: str | None, parsed: Parsed) -> None:
    """Parse one field's text into `parsed.values`; raise InvalidInput naming the field."""
    label = FIELD_LABELS.get(name, name)
    cleaned = records.clean(text)
    if name in REQUIRED and cleaned is None:
        raise InvalidInput(_missing(name))
    if name == "name":
        parsed.values["name"] = cleaned
    elif name == "account":
        parsed.values["account_id"] = accounts.get(conn, cleaned)["id"]
    elif name == "contact":
        account_id = parsed.values.get("account_id")
        parsed.values["contact_id"] = (
            contacts.get(conn, cleaned, account_id=account_id)["id"] if cleaned else None
        )
    elif name == "amount":
        amount = money.parse_amount(cleaned, field=label)
        parsed.values["amount"] = amount.value
        given_currency = parsed.values.get("currency")
        if amount.currency and given_currency is None:
            parsed.values["currency"] = amount.currency
        elif amount.currency and amount.currency != given_currency:
            saved = money.format_amount(amount.value, given_currency)
            parsed.warnings.append(
                Remark(
                    "amount_in_another_currency",
                    {
                        "text": cleaned,
                        "written": amount.currency,
                        "currency": given_currency,
                        "saved": saved,
                    },
                )
            )
        if amount.rounded:
            rounded = {"text": cleaned, "value": format_number(amount.value)}
            parsed.notices.append(Remark("amount_rounded", rounded))
    elif name == "currency":
        if cleaned:
            parsed.values["currency"] = _currency(cleaned)
    elif name == "due_date":
        parsed.values[name] = _date(conn, cleaned, label)
    elif name in ("created_on", "closed_on"):
        parsed.values[name] = _past_day(conn, name, cleaned) if cleaned else None
    elif name == "status":
        parsed.values["status"] = statuses.resolve(conn, cleaned)["key"]
    elif name == "probability":
        parsed.values["probability"] = _probability(cleaned)
    elif name == "tags":
        parsed.values["tags"] = normalize_tags(cleaned)
    else:
        parsed.values[name] = cleaned


def parse_fields(
    conn: sqlite3.Connection, given: Mapping[str, str | None], *, required: tuple = ()
) -> Parsed:
    """Parse every given field, and check the `required` ones are there, reporting every
    problem at once in one InvalidInput."""
    parsed = Parsed()
    problems = [_missing(name) for name in required if records.clean(given.get(name)) is None]
    # The currency goes first so that an explicit --currency wins over a symbol in the amount.
    for name in sorted(given, key=lambda key: key != "currency"):
        if name in required and records.clean(given[name]) is None:
            continue
        try:
            parse_field(conn, name, given[name], parsed)
        except ColibriError as problem:
            problems.append(_lowercase_first(str(problem).rstrip(".")))
    if problems:
        joined = _("; ").join(problems)
        joined = joined[:1].upper() + joined[1:]
        raise InvalidInput(joined if joined.endswith(("?", ".")) else joined + ".")
    return parsed


def _lowercase_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _currency(text: str) -> str:
    try:
        return settings.SETTINGS["currency"].normalize(text)
    except ValueError as error:
        raise InvalidInput(
            _("Invalid currency {text!r}: {reason}").format(text=text, reason=error)
        ) from None


def _date(conn: sqlite3.Connection, text: str, label: str, *, past: bool = False) -> str:
    return inputs.read_date(conn, text, field=label, past=past).isoformat()


def _past_day(conn: sqlite3.Connection, name: str, text: str) -> str:
    """A creation or closing date: the most recent such day, never one to come."""
    day = _date(conn, text, FIELD_LABELS[name], past=True)
    problem = day_to_come(name, text, day, clock.today().isoformat())
    if problem:
        raise problem
    return day


def day_to_come(name: str, text: str, day: str, today: str) -> DayInFuture | None:
    """The refusal of a creation or closing date typed as `text` and read as `day`, if it
    is after `today`: it tells what happened."""
    if day <= today:
        return None
    return DayInFuture(
        _("Invalid {field} {text!r}: it is in the future ({day}).").format(
            field=_(FIELD_LABELS[name]), text=text, day=format_day(day)
        ),
        field=name,
        day=day,
        text=text,
    )


def _probability(text: str | None) -> int | None:
    if text is None:
        return None
    number = whole_number(text.strip().rstrip("%"))
    if number is None or not 0 <= number <= 100:
        raise InvalidInput(
            _("Invalid probability {text!r}: give a whole number from 0 to 100").format(text=text)
        )
    return number


def normalize_tags(text: str | None) -> str | None:
    """'Hot, q1,hot' -> 'hot,q1': lower case, no spaces around, no duplicates."""
    if not text:
        return None
    tags = []
    for tag in text.split(","):
        tag = tag.strip().lower()
        if tag and tag not in tags:
            tags.append(tag)
    return ",".join(tags) or None


def create(
    conn: sqlite3.Connection, given: Mapping[str, str | None], *, allow_duplicate: bool = False
) -> tuple[dict, list[Remark], list[Remark]]:
    """Create an opportunity from text fields; returns it with notices and warnings. An open
    one of the same name at the account is refused unless `allow_duplicate`."""
    try:
        parsed = parse_fields(conn, given, required=REQUIRED)
    except InvalidInput as problems:
        raise InvalidInput(
            _("Cannot create the opportunity: {problems}").format(
                problems=_lowercase_first(str(problems))
            )
        ) from None
    values = parsed.values
    # The currency an amount is written in is already the one given, if none was.
    values["currency"] = deal_currency(values.get("currency"), settings.get(conn, "currency"))
    values["created_on"] = creation_day(
        values.get("created_on"), values.get("closed_on"), clock.today().isoformat()
    )
    status = statuses.get(conn, values["status"])
    _follow_status(conn, values, values["status"])
    check_contact_account(conn, values)
    if not allow_duplicate:
        _refuse_open_namesake(conn, values)
    records.ensure_unique(
        conn, "opportunities", "external_id", values.get("external_id"), noun="opportunity"
    )
    if status["kind"] in statuses.CLOSED_KINDS:
        opportunity_id = _create_closed(conn, values)
    else:
        for name in ("closed_on", "close_reason"):
            if values.pop(name, None) is not None:
                raise InvalidInput(CLOSING_ONLY)
        opportunity_id = records.insert(conn, "opportunities", values)
    opportunity = get(conn, opportunity_id)
    return opportunity, parsed.notices, parsed.warnings + warnings(opportunity)


def deal_currency(given: str | None, otherwise: str, *, written: str | None = None) -> str:
    """The currency of a new deal's amount: the one given, else the one the amount is
    written in ("$1,200"), else `otherwise`: the currency setting (or an import's
    --default)."""
    return given or written or otherwise


def creation_day(created_on: str | None, closed_on: str | None, today: str) -> str:
    """The day a new deal was created (all ISO): the one given, else, for a deal entered
    closed on a past day, that day, else today."""
    return created_on or closed_on or today


def _refuse_open_namesake(conn: sqlite3.Connection, values: dict) -> None:
    """A second open deal of the same name at an account is most often the first one typed
    again: refused, naming it."""
    found = conn.execute(
        "SELECT o.id, o.name, a.name FROM opportunities AS o "
        "JOIN statuses AS s ON s.key = o.status JOIN accounts AS a ON a.id = o.account_id "
        f"WHERE o.account_id = ? AND o.{LIVE} AND s.kind = 'open' AND fold(o.name) = fold(?) "
        "ORDER BY o.id LIMIT 1",
        (values["account_id"], values["name"]),
    ).fetchone()
    if found:
        named = {"id": found[0], "name": found[1], "account": found[2]}
        raise OpenNamesake(
            _("{account} already has an open opportunity {name!r} (id {id}).").format(**named),
            **named,
        )


CLOSING_ONLY = N_(
    "A closing date and a reason go with a close: use them with won, lost or cancelled."
)


def _create_closed(conn: sqlite3.Connection, values: dict) -> int:
    """A deal entered already closed: open in the first open status from its creation day,
    closed from its closing day, as the import records one; a deal created and closed on
    the same day is closed from the start."""
    values["closed_on"] = values.get("closed_on") or clock.today().isoformat()
    check_closing_date(values["closed_on"], values["created_on"])
    if values["closed_on"] == values["created_on"]:
        return records.insert(conn, "opportunities", values)
    closing = {name: values.pop(name, None) for name in ("status", "closed_on", "close_reason")}
    opportunity_id = records.insert(
        conn, "opportunities", {**values, "status": statuses.first_open(conn)}
    )
    records.update(conn, "opportunities", opportunity_id, closing)
    effective.close_takes_effect(conn, opportunity_id, dt.date.fromisoformat(closing["closed_on"]))
    return opportunity_id


def close_before_history(
    conn: sqlite3.Connection, opportunity_id: int, closed_on: str
) -> str | None:
    """Why a close entered late cannot be dated `closed_on`, if it cannot: it is before the
    deal's last recorded step while open, which happened, so the deal was not closed yet."""
    change = effective.last_open_change(conn, opportunity_id)
    if change is None or closed_on >= change["changed_at"][:10]:
        return None
    return _(
        "Opportunity {id} was still open on {day} (its history records a change to {status} "
        "that day): it cannot have closed on {closed}. Give {day} or later."
    ).format(
        id=opportunity_id,
        day=format_day(change["changed_at"][:10]),
        status=change["status"],
        closed=format_day(closed_on),
    )


def check_close_after_history(
    conn: sqlite3.Connection, opportunity_id: int, closed_on: str
) -> None:
    problem = close_before_history(conn, opportunity_id, closed_on)
    if problem:
        raise InvalidInput(problem)


def check_closing_date(closed_on: str, created_on: str) -> None:
    """A deal closes on a day that has come, and not before it was created."""
    problem = closing_to_come(closed_on, clock.today().isoformat()) or closed_before_created(
        closed_on, created_on
    )
    if problem:
        raise problem


def closing_to_come(closed_on: str, today: str) -> DayInFuture | None:
    """The refusal of a closing day after `today` (all ISO): a close is entered once it
    happened."""
    if closed_on <= today:
        return None
    return DayInFuture(
        _("The closing date {day} is in the future: close it on the day it happens.").format(
            day=format_day(closed_on)
        ),
        field="closed_on",
        day=closed_on,
    )


def closed_before_created(closed_on: str, created_on: str) -> ClosedBeforeCreated | None:
    """The refusal of a closing day before the deal's creation day (both ISO)."""
    if closed_on >= created_on:
        return None
    return ClosedBeforeCreated(
        _("The closing date {day} is before the opportunity was created ({created}).").format(
            day=format_day(closed_on), created=format_day(created_on)
        ),
        closed_on=closed_on,
        created_on=created_on,
    )


def own_probability(probability: int | None, of_status: int, kind: str = "open") -> int | None:
    """The probability an opportunity keeps as its own: not one equal to its status's,
    which it then follows from one status to the next, like one given none; and none once
    closed, when its outcome's counts."""
    if kind != "open" or probability == of_status:
        return None
    return probability


def _follow_status(conn: sqlite3.Connection, values: dict, status: str) -> None:
    if values.get("probability") is not None:
        found = statuses.get(conn, status)
        values["probability"] = own_probability(
            values["probability"], found["probability"], found["kind"]
        )


def check_contact_account(conn: sqlite3.Connection, values: Mapping) -> None:
    """Refuse a contact who works at another account than `values["account_id"]`."""
    if values.get("contact_id") is None or "account_id" not in values:
        return
    contact = contacts.get(conn, values["contact_id"])
    if contact["account_id"] != values["account_id"]:
        raise InvalidInput(
            _("Contact {name!r} works at {account}, not at this opportunity's account.").format(
                name=contact["name"], account=contact["account_name"]
            )
        )


def is_overdue(opportunity: Mapping, today: str) -> bool:
    """Open and due before `today` (ISO), out of the trash: what the pipeline counts and
    lists as overdue."""
    return (
        opportunity["status_kind"] == "open"
        and opportunity["due_date"] < today
        and opportunity["deleted_at"] is None
    )


def _marked_overdue(rows: list[dict]) -> list[dict]:
    return list(map(records.overdue_marker(is_overdue), rows))


def warnings(opportunity: Mapping) -> list[Remark]:
    """What deserves a second look: open and already past due, or open with no amount."""
    found = []
    if opportunity["status_kind"] == "open":
        if is_overdue(opportunity, clock.today().isoformat()):
            due = {"id": opportunity["id"], "day": format_day(opportunity["due_date"])}
            found.append(Remark("past_due", due))
        if opportunity["amount"] == 0:
            found.append(Remark("zero_amount", {"id": opportunity["id"]}))
    return found


def get(
    conn: sqlite3.Connection, ref: str | int, *, exact: bool = False, trashed: bool = False
) -> dict:
    """An opportunity by id or name, with its account, contact and status; a unique
    beginning of the name is enough unless `exact`. One in the trash is found only when
    `trashed`, and then only such a one; looked for on the other side of the trash, it is
    not found with a message that says where it is."""
    try:
        found = _find(conn, ref, exact=exact, trashed=trashed)
    except NotFound as missing:
        try:
            elsewhere = _find(conn, ref, exact=exact, trashed=not trashed)
        except ColibriError:
            raise missing from None  # the first answer, with its suggestions
        message = (
            N_("Opportunity {id} is not in the trash (see colibri opp list --deleted).")
            if trashed
            else N_("Opportunity {id} is in the trash: bring it back with colibri opp restore {id}")
        )
        raise NotFound(_(message).format(id=elsewhere["id"])) from None
    return _marked_overdue(records.fetch(conn, f"{SELECT} WHERE o.id = ?", (found["id"],)))[0]


def _find(conn: sqlite3.Connection, ref: str | int, *, exact: bool, trashed: bool):
    return records.find(
        conn,
        "opportunities",
        ref,
        noun="opportunity",
        list_command=TRASH_COMMAND if trashed else LIST_COMMAND,
        exact=exact,
        condition=IN_TRASH if trashed else LIVE,
    )


def details(conn: sqlite3.Connection, ref: str | int) -> dict:
    opportunity = get(conn, ref)
    opportunity.update(slippage.of_opportunity(conn, opportunity["id"]))
    opportunity["renewed_by"] = _renewed_by(conn, opportunity["id"])
    opportunity["history"] = history(conn, opportunity["id"])
    opportunity["tasks"] = records.fetch(
        conn,
        "SELECT * FROM tasks WHERE opportunity_id = ? "
        "ORDER BY done_on IS NOT NULL, due_date, due_time, id",
        (opportunity["id"],),
    )
    return opportunity


def history(conn: sqlite3.Connection, opportunity_id: int) -> list[dict]:
    return records.fetch(
        conn,
        "SELECT h.*, coalesce(h.probability, h.status_probability, s.probability) "
        "AS effective_probability "
        "FROM opportunity_history AS h LEFT JOIN statuses AS s ON s.key = h.status "
        "WHERE h.opportunity_id = ? ORDER BY h.changed_at, h.id",
        (opportunity_id,),
    )


def edit(
    conn: sqlite3.Connection, ref: str | int, given: Mapping[str, str | None]
) -> tuple[dict, list[Remark], list[Remark]]:
    """Change fields from text; an empty text clears an optional field. Returns the
    opportunity with notices and warnings.

    The status is changed with `change_status`, which knows about closing.
    """
    opportunity = get(conn, ref)
    for name in (*REQUIRED, "currency", "created_on", "closed_on"):
        if name in given and records.clean(given[name]) is None:
            raise InvalidInput(
                _("The {field} cannot be cleared: it is required.").format(
                    field=_(FIELD_LABELS[name])
                )
            )
    check_known_status(opportunity)
    parsed = parse_fields(conn, given)
    values = parsed.values
    _check_closed_fields(opportunity, values)
    _follow_status(conn, values, opportunity["status"])
    closed_on = values.get("closed_on") or opportunity["closed_on"]
    if "closed_on" in values:
        check_closing_date(closed_on, values.get("created_on", opportunity["created_on"]))
        check_close_after_history(conn, opportunity["id"], closed_on)
    elif closed_on and "created_on" in values:
        _check_created_before_close(closed_on, values["created_on"])
    check_contact_account(
        conn,
        {
            "account_id": opportunity["account_id"],
            "contact_id": opportunity["contact_id"],
            **values,
        },
    )
    records.ensure_unique(
        conn,
        "opportunities",
        "external_id",
        values.get("external_id"),
        noun="opportunity",
        except_id=opportunity["id"],
    )
    records.update(conn, "opportunities", opportunity["id"], values)
    if values.get("closed_on", opportunity["closed_on"]) != opportunity["closed_on"]:
        effective.close_takes_effect(
            conn, opportunity["id"], dt.date.fromisoformat(values["closed_on"]), corrected=True
        )
        corrected = {
            "before": format_day(opportunity["closed_on"]),
            "after": format_day(values["closed_on"]),
        }
        parsed.notices.append(Remark("closing_date_corrected", corrected))
    if values.get("account_id", opportunity["account_id"]) != opportunity["account_id"]:
        # An opportunity's tasks belong to its account: they move with it.
        conn.execute(
            "UPDATE tasks SET account_id = ? WHERE opportunity_id = ?",
            (values["account_id"], opportunity["id"]),
        )
    updated = get(conn, opportunity["id"])
    return updated, parsed.notices, parsed.warnings + warnings(updated)


def _check_created_before_close(closed_on: str, created_on: str) -> None:
    """A new creation day of a closed deal: refused after its closing day, in its words."""
    problem = closed_before_created(closed_on, created_on)
    if problem:
        raise ClosedBeforeCreated(
            _("The creation date {day} is after the closing date {closed}.").format(
                day=format_day(created_on), closed=format_day(closed_on)
            ),
            closed_on=closed_on,
            created_on=created_on,
        )


def check_known_status(opportunity: Mapping) -> None:
    """A deal whose status another program wrote and colibri does not know cannot be
    changed (the database would refuse it) until the status is added or the deal moved."""
    if opportunity["status_kind"] == "unknown":
        raise InvalidInput(
            _(
                "Opportunity {id} has a status colibri does not know ({status!r}): add it with "
                "colibri statuses add {status} --label … --probability … --kind …, or move the "
                "deal with colibri opp status {id} STATUS."
            ).format(id=opportunity["id"], status=opportunity["status"])
        )


def _check_closed_fields(opportunity: Mapping, values: Mapping) -> None:
    """A closing date is corrected on a closed deal only; a closed deal's probability is
    its outcome's, not one of its own."""
    closed = opportunity["status_kind"] in statuses.CLOSED_KINDS
    if "closed_on" in values and not closed:
        raise InvalidInput(
            _(
                "Opportunity {id} is open: it has no closing date to correct. "
                "Close it with: colibri opp status {id} won --on DATE"
            ).format(id=opportunity["id"])
        )
    if values.get("probability") is not None and closed:
        raise InvalidInput(
            _(
                "Opportunity {id} is {status}: its probability is its outcome's ({probability})."
            ).format(
                id=opportunity["id"],
                status=opportunity["status"],
                probability=format_percent(
                    statuses.OUTCOME_PROBABILITY[opportunity["status_kind"]]
                ),
            )
        )


@dataclass
class StatusChange:
    opportunity: dict
    previous_status: str
    closed: bool
    warnings: list[Remark]
    notices: list[Remark] = field(default_factory=list)


@dataclass
class StatusPlan:
    """What moving to a status will do, known before anything is asked or written."""

    opportunity: dict
    status: dict
    closed_on: dt.date | None
    follow_up_title: str | None = None
    follow_up_due: dt.date | None = None

    @property
    def closing(self) -> bool:
        return self.closed_on is not None

    def prepare(self, renewal: "RenewalPlan") -> None:
        """Propose, as the close's follow-up, to prepare the renewal it creates."""
        self.follow_up_title, self.follow_up_due = renewal.follow_up_title, renewal.follow_up_due


def plan_status_change(
    conn: sqlite3.Connection, ref: str | int, status_text: str, *, on: dt.date | None = None
) -> StatusPlan:
    """Check the move and, for a close, propose the follow-up task.

    The proposal's title comes from the outcome and the account; it is due
    `follow-up-delay` after the close (or after today, for a close entered late).
    """
    opportunity = get(conn, ref)
    status = statuses.resolve(conn, status_text)
    if status["key"] == opportunity["status"]:
        raise Conflict(_already(opportunity, status, on))
    if status["kind"] not in statuses.CLOSED_KINDS:
        if on is not None:
            raise OutOfPlace(_(CLOSING_ONLY), field="closed_on", kind=status["kind"])
        return StatusPlan(opportunity, status, None)
    closed_on = on or clock.today()
    check_closing_date(closed_on.isoformat(), opportunity["created_on"])
    check_close_after_history(conn, opportunity["id"], closed_on.isoformat())
    title, due = follow_up_proposal(conn, opportunity["account_name"], status["kind"], closed_on)
    return StatusPlan(opportunity, status, closed_on, title, due)


def _already(opportunity: Mapping, status: Mapping, on: dt.date | None) -> str:
    """Why a move to the status the deal is in changes nothing: a state, not a usage error;
    for a close, since when, and how to correct that day."""
    if opportunity["closed_on"] is None:
        already = _("Opportunity {id} is already {status!r}: nothing to change.").format(
            id=opportunity["id"], status=status["key"]
        )
    else:
        already = _(
            "Opportunity {id} is already {status!r}, since {day}: nothing to change."
        ).format(
            id=opportunity["id"], status=status["key"], day=format_day(opportunity["closed_on"])
        )
    if status["kind"] in statuses.CLOSED_KINDS and on is not None:
        already += " " + _(
            "To correct its closing date: colibri opp edit {id} --closed-on {day}"
        ).format(id=opportunity["id"], day=on.isoformat())
    return already


def plan_close_at_creation(
    conn: sqlite3.Connection, given: Mapping[str, str | None], new_account: str | None = None
) -> StatusPlan | None:
    """For a deal entered already won, lost or cancelled, its close and the follow-up task
    proposed, known before anything is asked or written; None for an open one, or for
    fields `create` will refuse (it names every problem at once). The deal the plan moves
    is the one to be created, with no id yet: renewed by none."""
    text = records.clean(given.get("status"))
    name = records.clean(given.get("name"))
    if text is None or name is None:
        return None
    try:
        status = statuses.resolve(conn, text)
        if status["kind"] not in statuses.CLOSED_KINDS:
            return None
        account = new_account or accounts.get(conn, records.clean(given.get("account")))["name"]
        closed_text = records.clean(given.get("closed_on"))
        closed_on = dt.date.fromisoformat(
            _past_day(conn, "closed_on", closed_text) if closed_text else clock.today().isoformat()
        )
    except ColibriError:
        return None
    title, due = follow_up_proposal(conn, account, status["kind"], closed_on)
    to_create = {"id": None, "name": name, "account_name": account, "type": given.get("type")}
    return StatusPlan(to_create, status, closed_on, title, due)


def follow_up_proposal(
    conn: sqlite3.Connection, account_name: str, kind: str, closed_on: dt.date
) -> tuple[str, dt.date]:
    """The follow-up task proposed at a close: its title says what to do next with the
    account after this outcome; it is due `follow-up-delay` after the close (or after
    today, for a close entered late)."""
    return next(follow_up_proposals(conn, [(account_name, kind, closed_on)]))


def follow_up_proposals(
    conn: sqlite3.Connection, closes: Iterable[tuple[str, str, dt.date]]
) -> Iterator[tuple[str, dt.date]]:
    """The follow-up task proposed at each close (account name, kind, closing day), as
    `follow_up_proposal`: the setting read, and each title and due day worked out, once
    for all the closes of an import."""
    delay = settings.get(conn, "follow-up-delay")
    today = clock.today()
    titles: dict[str, str] = {}
    dues: dict[dt.date, dt.date] = {}
    for account_name, kind, closed_on in closes:
        if kind not in titles:
            titles[kind] = _(FOLLOW_UP_TITLES[kind])
        start = max(closed_on, today)
        if start not in dues:
            dues[start] = dates.add_delay(start, delay)
        yield titles[kind].format(account=account_name), dues[start]


def follow_up_command(opportunity_id: int, title: str, due: dt.date) -> str:
    """The command that adds the follow-up task proposed at a close, for a message."""
    return f"colibri task add {shlex.quote(title)} --opp {opportunity_id} --due {due}"


def renewal_command(opportunity_id: int, won_status: str, period: str) -> str:
    """The command that creates the renewal of a deal won without one, for a message."""
    status, period = shlex.quote(won_status), shlex.quote(period)
    return f"colibri opp status {opportunity_id} {status} --renew {period}"


def change_status(
    conn: sqlite3.Connection,
    ref: str | int,
    status_text: str,
    *,
    on: dt.date | None = None,
    reason: str | None = None,
    probability: str | None = None,
) -> StatusChange:
    """Move to a status. Closing sets closed_on (today or `on`), in effect in the history
    from that day; reopening clears it. A probability of the deal's own is dropped, so that
    it follows its new status, unless `probability` gives the one it has now."""
    plan = plan_status_change(conn, ref, status_text, on=on)
    before = plan.opportunity
    changes = {
        "status": plan.status["key"],
        "closed_on": plan.closed_on.isoformat() if plan.closing else None,
        "close_reason": records.clean(reason) if plan.closing else None,
        "probability": _probability_after(plan, probability),
    }
    notices = []
    if before["probability"] is not None and probability is None:
        dropped = {
            "own": format_percent(before["probability"]),
            "status": statuses.display_label(plan.status["key"], plan.status["label"]),
            "probability": format_percent(
                statuses.OUTCOME_PROBABILITY.get(plan.status["kind"], plan.status["probability"])
            ),
        }
        notices.append(Remark("own_probability_dropped", dropped))
    records.update(conn, "opportunities", before["id"], changes)
    if plan.closing:
        effective.close_takes_effect(conn, before["id"], plan.closed_on)
    updated = get(conn, before["id"])
    return StatusChange(updated, before["status"], plan.closing, warnings(updated), notices)


def _probability_after(plan: StatusPlan, text: str | None) -> int | None:
    """The deal's own probability in its new status: the one given, if any (an open status
    only), else none."""
    if text is None:
        return None
    if plan.closing:
        raise OutOfPlace(
            _("A closed deal's probability is its outcome's: give one with an open status."),
            field="probability",
            kind=plan.status["kind"],
        )
    return own_probability(_probability(text), plan.status["probability"])


RENEWAL_PERIOD = N_("renewal period")
RENEW_WITH_A_WIN = N_("--renew goes with a win: only a won deal is renewed.")
RENEWAL_FOLLOW_UP_TITLE = N_("Prepare the renewal {name} with {account}")
RENEWAL_TYPES = ("renewal", "renouvellement")
"""The types of deal whose win proposes the renewal even with no `renew-after` set."""
RENEW_AFTER = "12m"
"""The period of the renewal they propose."""
_ENDING_YEAR = re.compile(r"(?:^|\s+)(?P<year>(?:19|20)[0-9]{2})$")
"""A year a deal's name ends with: "Hosting 2026"."""
RENEWAL_NAME_WITH_ITS_MONTH = N_("{name} (due {month})")
RENEWAL_NAME_WITH_A_NUMBER = N_("{name} (due {month}, {number})")
"""Renewal names that tell it apart from a deal of its account named alike: "Licence Dec
2026 (due 2026-12)", and, when that is taken too, "Licence Dec 2026 (due 2026-12, 2)"."""


@dataclass(frozen=True)
class RenewalPlan:
    """The renewal a win will create, known before anything is asked or written."""

    name: str
    due: dt.date
    follow_up_title: str
    """The follow-up proposed at the close: preparing the renewal."""
    follow_up_due: dt.date
    """When: see `_renewal_follow_up_due`."""


def plan_renewal(conn: sqlite3.Connection, plan: StatusPlan, period: str) -> RenewalPlan:
    """Check that the move `plan` is a win that may be renewed, due `period` (12m, 1y…)
    after the close."""
    if plan.status["kind"] != "won":
        raise InvalidInput(_(RENEW_WITH_A_WIN))
    won = plan.opportunity
    renewed_by = _renewed_by(conn, won["id"])
    if renewed_by is not None:
        raise Conflict(
            _("Opportunity {id} is already renewed by opportunity {renewal}.").format(
                id=won["id"], renewal=renewed_by
            )
        )
    due = dates.add_delay(plan.closed_on, period, field=RENEWAL_PERIOD)
    if due <= plan.closed_on:
        raise InvalidInput(
            _("Invalid renewal period {text!r}: the renewal is due after the close.").format(
                text=period.strip()
            )
        )
    years = dates.parse_period_delay(period, field=RENEWAL_PERIOD).years
    taken = {fold(won["name"]), *_names_at(conn, won["account_name"])}
    name = renewal_name(won["name"], years, due, taken)
    title = _(RENEWAL_FOLLOW_UP_TITLE).format(name=name, account=won["account_name"])
    return RenewalPlan(name, due, title, _renewal_follow_up_due(conn, plan.closed_on, due))


def _renewal_follow_up_due(conn: sqlite3.Connection, closed_on: dt.date, due: dt.date) -> dt.date:
    """When preparing a renewal is proposed: `follow-up-delay` after the close, as the
    renewal counts from the close too (created at the win or afterwards), but by the day
    the renewal is due at the latest, which a short period brings first: a lead before it
    would fall before the close for the shortest periods. Never before today."""
    after_the_delay = dates.add_delay(closed_on, settings.get(conn, "follow-up-delay"))
    return max(min(after_the_delay, due), clock.today())


def plan_renewal_of_win(
    conn: sqlite3.Connection, ref: str | int, status_text: str
) -> StatusPlan | None:
    """The win of a deal already won, as it was closed, for `--renew` to create the renewal
    that win did not (a win in a script without `--renew`); None unless `status_text` is the
    won status the deal is in."""
    opportunity = get(conn, ref)
    status = statuses.resolve(conn, status_text)
    if status["kind"] != "won" or status["key"] != opportunity["status"]:
        return None
    if opportunity["closed_on"] is None:  # written so by another program: no closing day
        return None
    closed_on = dt.date.fromisoformat(opportunity["closed_on"])
    title, due = follow_up_proposal(conn, opportunity["account_name"], "won", closed_on)
    return StatusPlan(opportunity, status, closed_on, title, due)


def proposed_renewal_period(conn: sqlite3.Connection, plan: StatusPlan) -> str | None:
    """The period after which the win `plan` proposes its renewal: the `renew-after` set for
    the deal's type, else 12m for a type of renewal; None for a move that proposes none (not
    a win, another type, a deal renewed already)."""
    won = plan.opportunity
    if plan.status["kind"] != "won" or _renewed_by(conn, won["id"]) is not None:
        return None
    period = settings.renew_after(conn, won["type"])
    if period is None and fold(won["type"]) in RENEWAL_TYPES:
        return RENEW_AFTER
    return period


def renewal_name(name: str, period_years: int, due: dt.date, taken: set[str]) -> str:
    """The name of a renewal due `period_years` whole years after the close (0 for a shorter
    period), never one of the names `taken` (folded): the won deal's and its account's.

    A year the won deal's name ends with moves on by those years ("Support 2027" + 12m ->
    "Support 2028"); with a shorter period, or no year, the name ends with the year it is
    due ("Hosting" -> "Hosting 2027"). A name still taken gets the month it is due."""
    ending = _ENDING_YEAR.search(name)
    year = int(ending["year"]) + period_years if ending and period_years else due.year
    named = f"{_ENDING_YEAR.sub('', name)} {year}".strip()
    if fold(named) not in taken:
        return named
    month = f"{due:%Y-%m}"
    candidate, number = _(RENEWAL_NAME_WITH_ITS_MONTH).format(name=named, month=month), 1
    while fold(candidate) in taken:
        number += 1
        candidate = _(RENEWAL_NAME_WITH_A_NUMBER).format(name=named, month=month, number=number)
    return candidate


def _names_at(conn: sqlite3.Connection, account_name: str) -> set[str]:
    """The names (folded) of the deals of an account, out of the trash: those a name given
    to find a deal may mean."""
    return {
        row[0]
        for row in conn.execute(
            "SELECT fold(name) FROM opportunities"
            f" WHERE account_id = (SELECT id FROM accounts WHERE name = ?) AND {LIVE}",
            (account_name,),
        )
    }


def renew(conn: sqlite3.Connection, won: Mapping, renewal: RenewalPlan) -> dict:
    """Create the renewal of the deal `won` (closed, in the caller's transaction): at its
    account, with its amount, currency, type and contact, in the first open status since
    the closing day."""
    renewal_id = records.insert(
        conn,
        "opportunities",
        {
            "account_id": won["account_id"],
            "contact_id": won["contact_id"],
            "name": renewal.name,
            "amount": won["amount"],
            "currency": won["currency"],
            "type": won["type"],
            "due_date": renewal.due.isoformat(),
            "status": statuses.first_open(conn),
            "created_on": won["closed_on"],
            "renewal_of": won["id"],
        },
    )
    return get(conn, renewal_id)


def _renewed_by(conn: sqlite3.Connection, opportunity_id: int) -> int | None:
    """The deal, out of the trash, that renews this one."""
    found = conn.execute(
        f"SELECT id FROM opportunities WHERE renewal_of = ? AND {LIVE} ORDER BY id LIMIT 1",
        (opportunity_id,),
    ).fetchone()
    return found and found[0]


FOLLOW_UP_TITLES = {
    "won": N_("Check in with {account} for a new order"),
    "lost": N_("Ask {account} what would win the next deal"),
    "cancelled": N_("Ask {account} whether the project is back on"),
}
"""The follow-up proposed at a close; in the language spoken then, as the task is written."""


def delete(conn: sqlite3.Connection, opportunity_id: int) -> None:
    """Move the opportunity to the trash: it leaves every current listing and report, and
    its history records when, so that reports about the time before still count it. Its
    tasks are kept, out of the task lists, the agenda and the cards until it is restored."""
    check_known_status(get(conn, opportunity_id))
    conn.execute(
        "UPDATE opportunities SET deleted_at = :now, updated_at = :now WHERE id = :id",
        {"now": clock.now(), "id": opportunity_id},
    )
    _count_a_change_of_its_open_tasks(conn, opportunity_id)


def restore(conn: sqlite3.Connection, ref: str | int) -> dict:
    """Take an opportunity out of the trash, as it was; its history records when."""
    opportunity = get(conn, ref, trashed=True)
    check_known_status(opportunity)
    records.update(conn, "opportunities", opportunity["id"], {"deleted_at": None})
    _count_a_change_of_its_open_tasks(conn, opportunity["id"])
    return get(conn, opportunity["id"])


def _count_a_change_of_its_open_tasks(conn: sqlite3.Connection, opportunity_id: int) -> None:
    """A deal moved to or out of the trash takes its open tasks out of the calendar export
    (as cancelled events) or puts them back: a change of each, which their revision (the
    events' SEQUENCE) counts so that calendars take it."""
    conn.execute(
        "UPDATE tasks SET revision = revision + 1 WHERE opportunity_id = ? AND done_on IS NULL",
        (opportunity_id,),
    )


def purge(conn: sqlite3.Connection, opportunity_id: int) -> None:
    """Remove the opportunity and its history for ever: reports about the past change."""
    conn.execute("DELETE FROM opportunities WHERE id = ?", (opportunity_id,))


def purge_impact(conn: sqlite3.Connection, opportunity_id: int) -> int:
    """How many history rows a purge removes."""
    return conn.execute(
        "SELECT count(*) FROM opportunity_history WHERE opportunity_id = ?", (opportunity_id,)
    ).fetchone()[0]


SORTS = {
    "due": "o.due_date, o.id",
    "amount": "o.amount, o.id",
    "name": "o.name COLLATE NOCASE, o.id",
    "account": "a.name COLLATE NOCASE, o.due_date, o.id",
    "status": "s.position, o.due_date, o.id",
    "created": "o.created_on, o.id",
    "id": "o.id",
}


@dataclass
class Filters:
    deleted: bool = False
    statuses: list[str] = field(default_factory=list)
    account: str | None = None
    state: str | None = None  # "open", "closed", or "unclosed" (open, or a status unknown)
    due_before: str | None = None
    due_after: str | None = None
    overdue: bool = False
    stale: bool = False
    tag: str | None = None
    search: str | None = None
    pushed: int | None = None  # at least this many pushes of the due date
    no_next_step: bool = False  # open, without an open task
    sort: str = "due"
    descending: bool = False


def any_live(conn: sqlite3.Connection) -> bool:
    """Whether there is any opportunity out of the trash, open or closed."""
    return conn.execute(f"SELECT 1 FROM opportunities WHERE {LIVE} LIMIT 1").fetchone() is not None


def list_opportunities(
    conn: sqlite3.Connection, filters: Filters, *, with_pushes: bool = False
) -> records.Listing:
    """The opportunities the filters select, in their order; `with_pushes` adds each one's
    `pushes` and `days_pushed` (always there when `filters.pushed` is set)."""
    clauses, params = [f"o.{IN_TRASH if filters.deleted else LIVE}"], []
    if filters.statuses:
        keys = [statuses.resolve(conn, text)["key"] for text in filters.statuses]
        clauses.append(f"o.status IN ({', '.join('?' for _ in keys)})")
        params += keys
    if filters.account:
        clauses.append("o.account_id = ?")
        params.append(accounts.get(conn, filters.account)["id"])
    if filters.state == "open" or filters.overdue or filters.stale or filters.no_next_step:
        clauses.append("s.kind = 'open'")
    elif filters.state == "closed":
        clauses.append("s.kind <> 'open'")
    elif filters.state == "unclosed":  # a status another program wrote never hides a deal
        clauses.append("coalesce(s.kind, 'open') = 'open'")
    if filters.overdue:
        clauses.append("o.due_date < ?")
        params.append(clock.today().isoformat())
    if filters.stale:
        clauses.append(touches.untouched_since("o", touches.fresh_from("o", "?", "?")))
        params += [clock.today().isoformat(), settings.number(conn, "stale-days")]
    if filters.no_next_step:
        clauses.append(NO_NEXT_STEP)
    for bound, operator, label in (
        (filters.due_before, "<=", N_("due-before date")),
        (filters.due_after, ">=", N_("due-after date")),
    ):
        if bound:
            clauses.append(f"o.due_date {operator} ?")
            params.append(_date(conn, bound, label))
    if filters.tag:
        clauses.append("instr(',' || coalesce(o.tags, '') || ',', ',' || ? || ',') > 0")
        params.append(filters.tag.strip().lower())
    if filters.search:
        searched = " || ' ' || ".join(
            f"coalesce({column}, '')"
            for column in ("o.name", "a.name", "o.description", "o.notes", "o.source", "o.type")
        )
        clauses.append(f"instr(fold({searched}), ?) > 0")
        params.append(fold(filters.search))
    if filters.pushed is not None:
        clauses.append("coalesce(p.pushes, 0) >= ?")
        params.append(filters.pushed)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    order = SORTS[filters.sort]
    if filters.descending:
        order = ", ".join(f"{term} DESC" for term in order.split(", "))
    pushes = with_pushes or filters.pushed is not None
    return records.Listing(
        conn,
        f"{SELECT_WITH_PUSHES if pushes else SELECT} {where}",
        order,
        tuple(params),
        records.overdue_marker(is_overdue),
        page_by_id=not pushes,  # the pushes are a pass over the whole history
    )
