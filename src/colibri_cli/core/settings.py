"""Settings stored in the database itself, so that a colibri file is self-contained."""

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from colibri_cli import i18n
from colibri_cli.core.errors import InvalidInput
from colibri_cli.core.money import CURRENCIES
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


def find_setting(key: str) -> Setting:
    normalized = key.strip().lower().replace("_", "-")
    try:
        return SETTINGS[normalized]
    except KeyError:
        raise InvalidInput(
            _("Unknown setting {key!r}. Known settings: {known}.").format(
                key=key, known=", ".join(SETTINGS)
            )
        ) from None


def all_settings(conn: sqlite3.Connection) -> list[dict]:
    stored = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    return [
        {
            "key": key,
            "value": stored.get(key, DEFAULTS[key]),
            "default": DEFAULTS[key],
            "description": setting.description,
        }
        for key, setting in SETTINGS.items()
    ]


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
    setting = find_setting(key)
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
