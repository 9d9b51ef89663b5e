"""Settings stored in the database itself, so that a colibri file is self-contained."""

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from colibri_cli import i18n
from colibri_cli.core import clock, dates
from colibri_cli.core.errors import InvalidInput, NotFound
from colibri_cli.core.money import CURRENCIES
from colibri_cli.core.text import fold
from colibri_cli.i18n import N_, _

DEFAULTS = {
    "currency": "EUR",
    "date-order": "dmy",
    "date-display": "iso",
    "commit-threshold": "70",
    "stale-days": "30",
    "follow-up-delay": "3m",
    "language": "auto",
    "fiscal-year-start": "1",
}


def _currency(value: str) -> str:
    code = value.strip().upper()
    if code not in CURRENCIES:
        raise ValueError(_("a currency is a three-letter ISO 4217 code such as EUR, USD or GBP"))
    return code


def _choice(*choices: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        chosen = value.strip().lower()
        if chosen not in choices:
            raise ValueError(_("choose one of {choices}").format(choices=", ".join(choices)))
        return chosen

    return check


def _whole_number(low: int, high: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = value.strip()
        if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
            raise ValueError(
                _("give a whole number from {low} to {high}").format(low=low, high=high)
            )
        return str(int(text))

    return check


def _delay(value: str) -> str:
    text = value.strip().lower().lstrip("+")
    if not re.fullmatch(r"[1-9]\d*[dwmqy]", text):
        raise ValueError(_("give a delay such as 10d, 2w, 3m, 1q or 1y"))
    return text


def _renewal_period(value: str) -> str:
    """A period read as `opp status --renew` reads it, and after which a renewal is due."""
    text = value.strip().lower().lstrip("+").strip()
    today = clock.today()
    try:
        later = dates.add_delay(today, text)
    except InvalidInput:
        raise ValueError(_("give a period such as 6m, 12m or 2y")) from None
    if later <= today:
        raise ValueError(_("a renewal is due after the close: give a period such as 12m"))
    return text


@dataclass(frozen=True)
class Setting:
    key: str
    normalize: Callable[[str], str]
    description: str
    """In English, marked for translation: tables show it translated, csv and json as is."""


SETTINGS = {
    setting.key: setting
    for setting in (
        Setting("currency", _currency, N_("currency of new opportunities and targets")),
        Setting("date-order", _choice("dmy", "mdy"), N_("how 03/04/2027 is read: dmy or mdy")),
        Setting(
            "date-display",
            _choice("iso", "dmy"),
            N_("how dates are shown: iso (2026-11-30) or dmy (30/11/2026)"),
        ),
        Setting(
            "commit-threshold",
            _whole_number(0, 100),
            N_("probability (%) from which an open opportunity counts as commit"),
        ),
        Setting(
            "stale-days",
            _whole_number(1, 3650),
            N_("days untouched after which an open deal is stale"),
        ),
        Setting(
            "follow-up-delay",
            _delay,
            N_("when the follow-up task proposed at a close is due (e.g. 3m)"),
        ),
        Setting(
            "language",
            _choice("auto", "en", "fr"),
            N_("language of messages: auto (from the environment), en or fr"),
        ),
        Setting(
            "fiscal-year-start",
            _whole_number(1, 12),
            N_("month (1-12) in which the fiscal year, and so its quarters, begin"),
        ),
    )
}


RENEW_AFTER = "renew-after"
"""The settings `renew-after.TYPE`, one per deal type: the period after which the win of a
deal of that type proposes its renewal. Deal types are free text, so these keys are not
fixed: one is stored when it is set, and removed when it is unset."""
RENEW_AFTER_DESCRIPTION = N_("renewal proposed, after this period, when a deal of this type is won")


def find_setting(key: str) -> Setting:
    head, dot, deal_type = key.partition(".")
    normalized = head.strip().lower().replace("_", "-")
    if dot and normalized == RENEW_AFTER:
        return _renew_after_setting(key, deal_type)
    if not dot and normalized in SETTINGS:
        return SETTINGS[normalized]
    raise InvalidInput(
        _("Unknown setting {key!r}. Known settings: {known}.").format(
            key=key, known=", ".join([*SETTINGS, f"{RENEW_AFTER}.TYPE"])
        )
    )


def _renew_after_setting(key: str, deal_type: str) -> Setting:
    """The setting of a deal type, named by its type folded (matched ignoring case and
    accents, as deal types are)."""
    if not fold(deal_type):
        raise InvalidInput(
            _("The setting {key!r} names no deal type: write it {example}.").format(
                key=key, example=f"{RENEW_AFTER}.support"
            )
        )
    return Setting(_renew_after_key(deal_type), _renewal_period, RENEW_AFTER_DESCRIPTION)


def _renew_after_key(deal_type: str) -> str:
    return f"{RENEW_AFTER}.{fold(deal_type)}"


def _per_type(key: str) -> bool:
    return key.startswith(RENEW_AFTER + ".")


def all_settings(conn: sqlite3.Connection) -> list[dict]:
    """The fixed settings, then the `renew-after` of each deal type that has one."""
    stored = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    fixed = [
        {
            "key": key,
            "value": stored.get(key, DEFAULTS[key]),
            "default": DEFAULTS[key],
            "description": setting.description,
        }
        for key, setting in SETTINGS.items()
    ]
    per_type = [
        {"key": key, "value": value, "default": None, "description": RENEW_AFTER_DESCRIPTION}
        for key, value in sorted(stored.items())
        if isinstance(key, str) and _per_type(key)
    ]
    return fixed + per_type


def renew_after(conn: sqlite3.Connection, deal_type: str | None) -> str | None:
    """The `renew-after` set for this deal type, if any (and one `config set` would take)."""
    if deal_type is None or not fold(deal_type):
        return None
    row = conn.execute(
        "SELECT value FROM settings WHERE key = ?", (_renew_after_key(deal_type),)
    ).fetchone()
    try:
        return _renewal_period(row[0]) if row and isinstance(row[0], str) else None
    except ValueError:
        return None


def get(conn: sqlite3.Connection, key: str) -> str:
    """The setting's value; its default if none is stored, or if the one stored (by another
    program) is not one `config set` would take."""
    setting = find_setting(key)
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (setting.key,)).fetchone()
    return _valid(setting, row[0]) if row else DEFAULTS[setting.key]


def _valid(setting: Setting, value: object) -> str:
    try:
        return setting.normalize(value) if isinstance(value, str) else DEFAULTS[setting.key]
    except ValueError:
        return DEFAULTS[setting.key]


def number(conn: sqlite3.Connection, key: str) -> int:
    """A setting that is a whole number (stale-days, commit-threshold, fiscal-year-start)."""
    return int(get(conn, key))


def set_value(conn: sqlite3.Connection, key: str, value: str) -> dict:
    """Check and save a setting; an empty value unsets a `renew-after`."""
    setting = find_setting(key)
    if _per_type(setting.key) and not value.strip():
        return unset(conn, setting.key)
    try:
        normalized = setting.normalize(value)
    except ValueError as error:
        raise InvalidInput(
            _("Invalid value {value!r} for {key}: {reason}.").format(
                value=value, key=setting.key, reason=error
            )
        ) from None
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (setting.key, normalized),
    )
    if setting.key == "language":
        i18n.use_setting(normalized)  # the rest of this command speaks the new language
    if setting.key == "date-display":
        i18n.use_date_display(normalized)
    return {"key": setting.key, "value": normalized}


def unset(conn: sqlite3.Connection, key: str) -> dict:
    """Bring a setting back to its default; a `renew-after` has none: it is removed."""
    setting = find_setting(key)
    if _per_type(setting.key):
        deleted = conn.execute("DELETE FROM settings WHERE key = ?", (setting.key,)).rowcount
        if not deleted:
            raise NotFound(_("{key} is not set: nothing to remove.").format(key=setting.key))
        return {"key": setting.key, "value": None}
    return set_value(conn, setting.key, DEFAULTS[setting.key])
