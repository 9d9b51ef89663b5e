"""What shell completion offers: names, ids and status keys that start with what is typed."""

import sqlite3

from colibri_cli.core.statuses import display_label, typed_name
from colibri_cli.core.text import fold
from colibri_cli.i18n import format_percent

LIMIT = 50


def names(conn: sqlite3.Connection, table: str, typed: str) -> list[str]:
    """Account or contact names beginning with `typed`, ignoring case and accents."""
    rows = conn.execute(
        f"SELECT name FROM {table} WHERE substr(fold(name), 1, ?) = ? "
        "ORDER BY name COLLATE NOCASE LIMIT ?",
        (len(fold(typed)), fold(typed), LIMIT),
    )
    return [row[0] for row in rows]


def opportunities(conn: sqlite3.Connection, typed: str) -> list[tuple[str, str]]:
    """Ids of open opportunities beginning with `typed`, with their name as help."""
    rows = conn.execute(
        "SELECT o.id, o.name, a.name FROM opportunities AS o "
        "JOIN statuses AS s ON s.key = o.status JOIN accounts AS a ON a.id = o.account_id "
        "WHERE s.kind = 'open' AND o.deleted_at IS NULL AND CAST(o.id AS TEXT) LIKE ? || '%' "
        "ORDER BY o.id LIMIT ?",
        (typed, LIMIT),
    )
    return [(str(row[0]), f"{row[1]} ({row[2]})") for row in rows]


def statuses(conn: sqlite3.Connection, typed: str, *, names: bool = False) -> list[tuple[str, str]]:
    """The status keys beginning with `typed`, each with its label and probability; with
    `names`, where a status is also typed by another name (gagnée in French), that too."""
    rows = conn.execute("SELECT key, label, probability FROM statuses ORDER BY position, key")
    found = []
    for key, label, probability in rows:
        described = f"{display_label(key, label)}, {format_percent(probability)}"
        for name in dict.fromkeys((key, typed_name(key)) if names else (key,)):
            if name.casefold().startswith(typed.casefold()):
                found.append((name, described))
    return found


DATE_WORDS = {
    "en": (
        "today",
        "tomorrow",
        "yesterday",
        "eow",
        "eom",
        "eoq",
        "eoy",
        "next week",
        "next month",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ),
    "fr": (
        "aujourd'hui",
        "demain",
        "hier",
        "fin de semaine",
        "fin du mois",
        "fin du trimestre",
        "fin de l'année",
        "semaine prochaine",
        "mois prochain",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
    ),
}
"""Date keywords that core.dates reads, offered by completion in each language."""
PAST_WORDS = frozenset(("yesterday", "hier"))
"""The keywords that name a day before today: not offered for a day to come."""
COMING_WORDS = frozenset(
    (
        *("tomorrow", "eow", "eom", "eoq", "eoy", "next week", "next month"),
        *("demain", "fin de semaine", "fin du mois", "fin du trimestre", "fin de l'année"),
        *("semaine prochaine", "mois prochain"),
    )
)
"""The keywords that name a day after today (the end of a period: at best today): not
offered for a day that can only be past."""


def date_words(language: str, typed: str, *, past: bool = True, coming: bool = True) -> list[str]:
    """Date keywords beginning with `typed`: English ones, and French ones in French;
    without `past`, none that names a day before today; without `coming`, none after it
    (a weekday stays: it is then the last one)."""
    offered = DATE_WORDS["en"] + (DATE_WORDS["fr"] if language == "fr" else ())
    left_out = (frozenset() if past else PAST_WORDS) | (frozenset() if coming else COMING_WORDS)
    return [word for word in offered if word.startswith(typed) and word not in left_out]
