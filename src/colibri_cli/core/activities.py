"""Activities: the calls, emails, meetings and notes of what happened with an account."""

import datetime as dt
import re
import sqlite3
from collections.abc import Mapping

from colibri_cli.core import accounts, clock, contacts, opportunities, records
from colibri_cli.core.errors import InvalidInput, NotFound, Told
from colibri_cli.core.text import fold, whole_number
from colibri_cli.i18n import N_, _

KINDS = ("call", "email", "meeting", "note")
KIND_WORDS = {
    **{kind: kind for kind in KINDS},
    "appel": "call",
    "phone": "call",
    "mail": "email",
    "e-mail": "email",
    "courriel": "email",
    "reunion": "meeting",
    "rdv": "meeting",
    "rendez-vous": "meeting",
}
"""What a kind may be typed as, English or French (folded: no case, no accents)."""
COLUMNS = (
    "id",
    "kind",
    "happened_on",
    "time_of_day",
    "duration_minutes",
    "summary",
    "account_id",
    "opportunity_id",
    "contact_id",
    "external_id",
    "created_at",
    "updated_at",
)
SELECT = """
    SELECT v.*, a.name AS account_name, o.name AS opportunity_name, c.name AS contact_name
    FROM activities AS v
    LEFT JOIN accounts AS a ON a.id = v.account_id
    LEFT JOIN opportunities AS o ON o.id = v.opportunity_id
    LEFT JOIN contacts AS c ON c.id = v.contact_id
"""
NEWEST_FIRST = "v.happened_on DESC, v.time_of_day DESC, v.id DESC"
SUMMARY = N_("activity text")
DURATION = re.compile(
    r"(?:(?P<hours>[0-9]{1,3}) ?h)? ?(?:(?P<minutes>[0-9]{1,5}) ?(?:m|min|mn|minutes?)?)?"
)
CLOCK_DURATION = re.compile(r"(?P<hours>[0-9]{1,3}):(?P<minutes>[0-5][0-9])(?::[0-5][0-9])?")
"""A duration as calendars and CRMs export it: 1:30, 01:30:00 (the seconds dropped)."""


def kind_of(text: str) -> str:
    """call, email, meeting or note, from what a person typed (appel, réunion, mail…)."""
    if not text.strip():
        raise InvalidInput(_("Missing activity kind: give call, email, meeting or note."))
    found = KIND_WORDS.get(fold(text))
    if found is None:
        raise InvalidInput(
            _("Unknown activity kind {kind!r}: give call, email, meeting or note.").format(
                kind=text.strip()
            )
        )
    return found


def parse_duration(text: str) -> int:
    """Minutes, from "45", "45m", "45 min", "1h30", "1h", "2 h 15" or "1:30"."""
    words = " ".join(text.lower().split())
    match = DURATION.fullmatch(words) or CLOCK_DURATION.fullmatch(words)
    if match is None or not (match["hours"] or match["minutes"]):
        raise InvalidInput(
            _(
                "Invalid duration {text!r}: give minutes (45 or 45m) or hours and minutes "
                "(1h30), never below 0."
            ).format(text=text.strip())
        )
    return int(match["hours"] or 0) * 60 + int(match["minutes"] or 0)


def moment_values(day: dt.date, time_of_day: dt.time | None) -> dict:
    """The columns of when an activity happened; refused if that is still to come."""
    if day > clock.today():
        raise ToCome(N_("The activity date {day} is in the future."), day=day)
    return {
        "happened_on": day.isoformat(),
        "time_of_day": time_of_day.strftime("%H:%M") if time_of_day else None,
    }


def log(
    conn: sqlite3.Connection,
    kind: str,
    summary: str,
    *,
    day: dt.date,
    time_of_day: dt.time | None = None,
    duration: int | None = None,
    account: str | int | None = None,
    opportunity: str | int | None = None,
    contact: str | int | None = None,
) -> dict:
    """Log an activity at an account: given an opportunity or a contact, theirs."""
    values = {"kind": kind_of(kind), "summary": summary_of(summary)}
    values.update(moment_values(day, time_of_day))
    values["duration_minutes"] = duration
    values.update(links(conn, account, opportunity, contact))
    return get(conn, insert(conn, values))


def insert(conn: sqlite3.Connection, values: Mapping[str, object], stamp: str | None = None) -> int:
    """Write a new activity, as `log` and an import make one; its id."""
    return records.insert(conn, "activities", values, stamp=stamp)


def summary_of(text: str | None) -> str:
    """What an activity was about: some text."""
    return records.require_text(SUMMARY, text)


def links(
    conn: sqlite3.Connection,
    account: str | int | None,
    opportunity: str | int | None,
    contact: str | int | None,
    *,
    record: str = "activity",
) -> dict:
    """The account, opportunity and contact ids an activity (or a task: `record`) is linked
    to: an opportunity's or a contact's account is implied, and the three must agree. ""
    (an edit's) unlinks an opportunity or a contact. An activity is at an account; a task
    may be linked to nothing."""
    found: dict = {}
    if account is not None:
        found["account_id"] = accounts.get(conn, account)["id"]
    if opportunity == "":
        found["opportunity_id"] = None
    elif opportunity is not None:
        deal = opportunities.get(conn, opportunity)
        _same_account(found, deal["account_id"], _OTHER_DEAL_ACCOUNT, id=deal["id"])
        found.update(opportunity_id=deal["id"], account_id=deal["account_id"])
    if contact == "":
        found["contact_id"] = None
    elif contact is not None:
        person = contacts.get(conn, contact, account_id=found.get("account_id"))
        _same_account(
            found,
            person["account_id"],
            _OTHER_CONTACT_ACCOUNT[record],
            id=person["id"],
            name=person["name"],
        )
        found.update(contact_id=person["id"], account_id=person["account_id"])
    if record == "activity":
        check_at_account(found.get("account_id"))
    return found


def check_at_account(account: object) -> None:
    """An activity is at an account (a task may be at none)."""
    if account is None:
        raise WithoutAccount(
            N_("An activity is at an account: give its account, opportunity or contact.")
        )


_OTHER_DEAL_ACCOUNT = N_(
    "Opportunity {id} belongs to another account: "
    "give the opportunity alone, its account goes with it."
)
_OTHER_CONTACT_ACCOUNT = {
    "activity": N_(
        "Contact {name} (id {id}) is at another account than the activity's: "
        "give a contact of that account, or the contact alone."
    ),
    "task": N_(
        "Contact {name} (id {id}) is at another account than the task's: "
        "give a contact of that account, or the contact alone."
    ),
}


def _same_account(found: dict, account_id: int, message: str, **names: object) -> None:
    if found.get("account_id") not in (None, account_id):
        raise InvalidInput(_(message).format(**names))


def get(conn: sqlite3.Connection, activity_id: str | int) -> dict:
    text = str(activity_id).strip()
    number = whole_number(text)
    found = records.fetch(conn, f"{SELECT} WHERE v.id = ?", (number,)) if number is not None else []
    if not found:
        raise Missing(N_("No activity {ref!r}."), ref=text)
    return found[0]


def list_activities(
    conn: sqlite3.Connection,
    *,
    account: str | int | None = None,
    opportunity: str | int | None = None,
    contact: str | int | None = None,
    kind: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    search: str | None = None,
) -> records.Listing:
    """Activities newest first, those of an account, opportunity, contact or kind, on or
    after `since`, on or before `until`, whose text contains `search` (case and accents
    ignored)."""
    conditions, params = [], []
    for column, ref, find in (
        ("account_id", account, accounts.get),
        ("opportunity_id", opportunity, opportunities.get),
        ("contact_id", contact, contacts.get),
    ):
        if ref is not None:
            conditions.append(f"v.{column} = ?")
            params.append(find(conn, ref)["id"])
    if kind is not None:
        conditions.append("v.kind = ?")
        params.append(kind_of(kind))
    if since is not None:
        conditions.append("v.happened_on >= ?")
        params.append(since.isoformat())
    if until is not None:
        conditions.append("v.happened_on <= ?")
        params.append(until.isoformat())
    if search is not None:
        conditions.append("instr(fold(v.summary), ?) > 0")
        params.append(fold(search))
    where = " AND ".join(conditions) or "1"
    return records.Listing(conn, f"{SELECT} WHERE {where}", NEWEST_FIRST, tuple(params))


def edit(conn: sqlite3.Connection, activity_id: str | int, changes: Mapping[str, object]) -> dict:
    """Change kind, summary, moment (day and time_of_day), duration (None clears it) or
    links (account, opportunity, contact: an opportunity or contact kept must agree with a
    new account; "" unlinks an opportunity or a contact)."""
    activity = get(conn, activity_id)
    values = dict(changes)
    if "kind" in values:
        values["kind"] = kind_of(values["kind"])
    if "summary" in values:
        values["summary"] = summary_of(values["summary"])
    if "day" in values:
        values.update(moment_values(values.pop("day"), values.pop("time_of_day")))
    given = {
        name: values.pop(name) for name in ("account", "opportunity", "contact") if name in values
    }
    if given:
        kept = {
            "opportunity": activity["opportunity_id"],
            "contact": activity["contact_id"],
        }
        refs = {**kept, **given}
        if "account" not in given and not (refs["opportunity"] or refs["contact"]):
            refs["account"] = activity["account_id"]
        values.update(
            links(
                conn,
                refs.get("account"),
                refs["opportunity"] if refs["opportunity"] is not None else "",
                refs["contact"] if refs["contact"] is not None else "",
            )
        )
    records.update(conn, "activities", activity["id"], values)
    return get(conn, activity["id"])


class ToCome(Told, InvalidInput):
    """An activity is logged once it happened: its `day` is still to come."""

    code = "activity-to-come"


class WithoutAccount(Told, InvalidInput):
    """An activity is given no account, nor an opportunity or a contact that has one."""

    code = "activity-without-account"


class Missing(Told, NotFound):
    """No activity has the id given (`ref`)."""

    code = "activity-missing"


def delete(conn: sqlite3.Connection, activity_id: int) -> None:
    conn.execute("DELETE FROM activities WHERE id = ?", (activity_id,))
