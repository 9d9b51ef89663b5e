"""Statuses: the stages of an opportunity, each with a default probability and a kind."""

import re
import sqlite3

from colibri_cli.core import clock, records, settings
from colibri_cli.core.errors import Conflict, InvalidInput, NotFound, UnknownStatus
from colibri_cli.core.text import fold
from colibri_cli.i18n import N_, Nc_, _, format_number, language, pgettext

KINDS = ("open", "won", "lost", "cancelled")
CLOSED_KINDS = ("won", "lost", "cancelled")
OUTCOME_PROBABILITY = {"won": 100, "lost": 0, "cancelled": 0}
"""A closed deal's probability is its outcome's, whatever its status's configured one."""


def effective_probability_sql(opportunity: str = "o", status: str = "s") -> str:
    """SQL of a deal's probability: its own while open, else its status's; a closed one's
    is its outcome's; one whose status colibri does not know keeps its own, if any."""
    return (
        f"CASE WHEN {status}.kind IS NULL THEN {opportunity}.probability "
        f"WHEN {status}.kind = 'open' THEN coalesce({opportunity}.probability, "
        f"{status}.probability) WHEN {status}.kind = 'won' THEN 100 ELSE 0 END"
    )


def weighted(amount_times_probability: int) -> int:
    """Σ amount * probability / 100, rounded half-up to a whole unit, as `weighted_amount_sql`
    rounds one deal's."""
    return (amount_times_probability + 50) // 100


def weighted_amount_sql(opportunity: str = "o", status: str = "s") -> str:
    """SQL of a deal's amount × its probability / 100, rounded half-up to a whole unit, as
    the reports round their sums."""
    probability = effective_probability_sql(opportunity, status)
    return f"({opportunity}.amount * {probability} + 50) / 100"


COLUMNS = ("key", "label", "probability", "kind", "position", "stale_days")

DEFAULT_LABELS = {
    "analysis": Nc_("status", "Needs analysis"),
    "quote": Nc_("status", "Quote sent"),
    "negotiation": Nc_("status", "Negotiation"),
    "won": Nc_("status", "Won"),
    "lost": Nc_("status", "Lost"),
    "cancelled": Nc_("status", "Cancelled"),
}
"""The labels the database starts with (migration m001); shown translated until relabelled."""
LABEL = N_("status label")


def display_label(key: str, label: str) -> str:
    """The label to show: a default one in the current language, a user's own as written."""
    if DEFAULT_LABELS.get(key) == label:
        return pgettext("status", label)
    return "" if label is None else str(label)  # None: a status colibri does not know


FRENCH_ALIASES = {
    "analyse": "analysis",
    "analyse des besoins": "analysis",
    "devis": "quote",
    "devis envoye": "quote",
    "negociation": "negotiation",
    "gagnee": "won",
    "gagne": "won",
    "perdue": "lost",
    "perdu": "lost",
    "annulee": "cancelled",
    "annule": "cancelled",
}

SHOWN_FRENCH_NAMES = {
    "analysis": "analyse",
    "quote": "devis",
    "negotiation": "négociation",
    "won": "gagnée",
    "lost": "perdue",
    "cancelled": "annulée",
}
"""The French name a French prompt offers for each default status: the shortest alias,
written with its accents (FRENCH_ALIASES holds them folded)."""


def typed_name(key: str) -> str:
    """The name a prompt offers for a status: its French name in French, else its key."""
    return SHOWN_FRENCH_NAMES.get(key, key) if language() == "fr" else key


def list_statuses(conn: sqlite3.Connection) -> list[dict]:
    return records.fetch(conn, "SELECT * FROM statuses ORDER BY position, key")


def resolve(conn: sqlite3.Connection, text: str, *, field: str = N_("status")) -> dict:
    """A status from its key, label, a unique prefix of either, or a French alias."""
    statuses = list_statuses(conn)
    wanted = fold(text or "")
    if not wanted:
        raise InvalidInput(
            _("The {field} cannot be empty. {choices}").format(
                field=_(field), choices=_choices(statuses)
            )
        )
    by_key = {status["key"]: status for status in statuses}
    exact = [
        s
        for s in statuses
        if wanted in (fold(s["key"]), fold(s["label"]), fold(display_label(s["key"], s["label"])))
    ]
    if not exact and FRENCH_ALIASES.get(wanted) in by_key:
        exact = [by_key[FRENCH_ALIASES[wanted]]]
    if exact:
        return exact[0]
    prefixed = [
        status
        for status in statuses
        if fold(status["key"]).startswith(wanted) or fold(status["label"]).startswith(wanted)
    ]
    aliased = {
        alias_target
        for alias, alias_target in FRENCH_ALIASES.items()
        if alias.startswith(wanted) and alias_target in by_key
    }
    candidates = {status["key"] for status in prefixed} | aliased
    if len(candidates) == 1:
        return by_key[candidates.pop()]
    if candidates:
        raise InvalidInput(
            _("The {field} {text!r} is ambiguous: it could be {keys}.").format(
                field=_(field), text=text, keys=", ".join(sorted(candidates))
            )
        )
    raise UnknownStatus(
        _("Unknown {field} {text!r}. {choices}").format(
            field=_(field), text=text, choices=_choices(statuses)
        ),
        text=text,
    )


def _choices(statuses: list[dict]) -> str:
    return _("Choose one of: {keys}.").format(keys=", ".join(status["key"] for status in statuses))


def unknown_in_use(conn: sqlite3.Connection) -> list[dict]:
    """Statuses another program wrote that colibri does not know, with how many deals (out
    of the trash) have each: reports leave those deals out."""
    return records.fetch(
        conn,
        "SELECT o.status, count(*) AS count FROM opportunities AS o"
        " WHERE o.deleted_at IS NULL AND o.status NOT IN (SELECT key FROM statuses)"
        " GROUP BY o.status ORDER BY o.status",
    )


def first_open(conn: sqlite3.Connection) -> str:
    """The key of the first open status: where a deal starts."""
    return conn.execute(
        "SELECT key FROM statuses WHERE kind = 'open' ORDER BY position, key LIMIT 1"
    ).fetchone()[0]


def get(conn: sqlite3.Connection, key: str) -> dict:
    row = conn.execute("SELECT * FROM statuses WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise NotFound(_("No status {key!r}. See `colibri statuses list`.").format(key=key))
    return dict(row)


def add(
    conn: sqlite3.Connection,
    key: str,
    label: str,
    probability: int,
    kind: str = "open",
    stale_days: str | None = None,
) -> dict:
    """Add a stage, placed last; with its own stale days, checked as `edit` checks them."""
    key = _valid_key(key)
    if conn.execute("SELECT 1 FROM statuses WHERE key = ?", (key,)).fetchone():
        raise Conflict(
            _("Status {key!r} already exists: edit it with `colibri statuses edit`.").format(
                key=key
            )
        )
    position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM statuses").fetchone()[0]
    conn.execute(
        "INSERT INTO statuses (key, label, probability, kind, position, stale_days) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            key,
            records.require_text(LABEL, label),
            _valid_probability(probability),
            _valid_kind(kind),
            position,
            _valid_stale_days(stale_days) if stale_days is not None else None,
        ),
    )
    return get(conn, key)


def edit(
    conn: sqlite3.Connection,
    key: str,
    *,
    label: str | None = None,
    probability: int | None = None,
    kind: str | None = None,
    position: int | None = None,
    stale_days: str | None = None,
) -> dict:
    """Relabel, reweight or move a stage, or give it its own stale days (empty text: the
    stale-days setting's again); its kind can change only while nothing uses it.

    Keys never change: scripts and history refer to them.
    """
    status = get(conn, key)
    changes: dict[str, object] = {}
    if label is not None:
        changes["label"] = records.require_text(LABEL, label)
    if probability is not None:
        probability = _valid_probability(probability)
        changes["probability"] = probability
    if stale_days is not None:
        changes["stale_days"] = _valid_stale_days(stale_days)
    if kind is not None and _valid_kind(kind) != status["kind"]:
        if usage(conn, key):
            raise Conflict(
                _(
                    "Status {key!r} is in use: its kind cannot change from {old} to {new}. "
                    "Add a new status instead."
                ).format(key=key, old=status["kind"], new=kind)
            )
        if status["kind"] == "open" and _count_of_kind(conn, "open") == 1:
            raise Conflict(
                _(
                    "Status {key!r} is the last open status: an opportunity needs one to start in."
                ).format(key=key)
            )
        changes["kind"] = kind
    if position is not None:
        _move(conn, key, position)
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(f"UPDATE statuses SET {assignments} WHERE key = ?", (*changes.values(), key))
    if probability is not None and probability != status["probability"]:
        _record_new_probability(conn, key, probability)
    return get(conn, key)


def _move(conn: sqlite3.Connection, key: str, position: int) -> None:
    """Put the status at `position` in the pipeline order (1 is first) and number them
    all again from 1, so that no two share a place."""
    order = [row[0] for row in conn.execute("SELECT key FROM statuses ORDER BY position, key")]
    if not 1 <= position <= len(order):
        raise InvalidInput(
            _("Position {position} is out of range: use a number from 1 to {last}.").format(
                position=format_number(position), last=len(order)
            )
        )
    order.remove(key)
    order.insert(position - 1, key)
    conn.executemany(
        "UPDATE statuses SET position = ? WHERE key = ? AND position IS NOT ?",
        [(number, each, number) for number, each in enumerate(order, 1)],
    )


def _record_new_probability(conn: sqlite3.Connection, key: str, probability: int) -> None:
    """A status's probability is part of the state of the opportunities that have no
    probability of their own: each gets a history row, so that forecasts made before
    the change keep the probability they were made with."""
    conn.execute(
        "INSERT INTO opportunity_history (opportunity_id, changed_at, status, amount, due_date,"
        " probability, currency, closed_on, status_probability)"
        " SELECT id, ?, status, amount, due_date, probability, currency, closed_on, ?"
        " FROM opportunities WHERE status = ? AND probability IS NULL AND deleted_at IS NULL"
        " AND (SELECT kind FROM statuses WHERE key = opportunities.status) = 'open'",
        (clock.now(), probability, key),
    )


def usage(conn: sqlite3.Connection, key: str) -> int:
    """How many opportunities, now or in their history, have this status."""
    return conn.execute(
        "SELECT (SELECT count(*) FROM opportunities WHERE status = :key)"
        " + (SELECT count(*) FROM opportunity_history WHERE status = :key)",
        {"key": key},
    ).fetchone()[0]


def ensure_removable(conn: sqlite3.Connection, key: str) -> dict:
    """The status, if nothing uses it and it is not the last open one."""
    status = get(conn, key)
    if usage(conn, key):
        raise Conflict(
            _(
                "Status {key!r} is in use by opportunities or their history and cannot be "
                "removed. Relabel it with `colibri statuses edit` instead."
            ).format(key=key)
        )
    if status["kind"] == "open" and _count_of_kind(conn, "open") == 1:
        raise Conflict(_("This is the last open status: an opportunity needs one to start in."))
    return status


def delete(conn: sqlite3.Connection, key: str) -> dict:
    status = ensure_removable(conn, key)
    conn.execute("DELETE FROM statuses WHERE key = ?", (key,))
    return status


def _count_of_kind(conn: sqlite3.Connection, kind: str) -> int:
    return conn.execute("SELECT count(*) FROM statuses WHERE kind = ?", (kind,)).fetchone()[0]


def _valid_key(key: str) -> str:
    cleaned = fold(key)
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", cleaned):
        raise InvalidInput(
            _(
                "Invalid status key {key!r}: use lower-case letters, digits, - or _, "
                "starting with a letter (e.g. proposal)."
            ).format(key=key)
        )
    return cleaned


def _valid_probability(probability: int) -> int:
    if not 0 <= probability <= 100:
        raise InvalidInput(
            _("Invalid probability {value}: give a whole number from 0 to 100.").format(
                value=probability
            )
        )
    return probability


def _valid_stale_days(text: str) -> int | None:
    """A status's own stale days, as the stale-days setting takes them; None for empty text
    (the status follows the setting)."""
    if not text.strip():
        return None
    try:
        return int(settings.find_setting("stale-days").normalize(text))
    except ValueError as error:
        raise InvalidInput(
            _(
                'Invalid stale days {value!r}: {reason}, or "" to follow the stale-days setting.'
            ).format(value=text, reason=error)
        ) from None


def _valid_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(
            _("Invalid kind {kind!r}: choose one of {kinds}.").format(
                kind=kind, kinds=", ".join(KINDS)
            )
        )
    return kind
