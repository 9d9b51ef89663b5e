"""colibri in English or French: which language speaks, and the catalog that translates.

The language is, in order: `COLIBRI_LANG` (en or fr); else the `language` setting of the
database in use, unless it is `auto` (the command follows it once it has opened the
database: `use_setting`); else the locale of the environment (LANGUAGE, then LC_ALL,
LC_MESSAGES, LANG: `fr_FR.UTF-8` means French); else English. English is the source text:
it needs no catalog.

A command speaks through one `Speech`, made from the environment as it starts and in use
while it runs (`speaking`): the environment is read once a command, not at every message.
Outside a command (a library call, a test of a formatter), the environment as it is now
decides each time.

Messages are translated with the standard library's gettext from the catalog
`locale/fr/LC_MESSAGES/colibri.mo`, compiled from `colibri.po` next to it (see
docs/french.md, "Translating", for the extraction and compilation commands). This module imports
nothing heavy: it is used by `--help` and by every message of core and cli.

    from colibri_cli.i18n import _
    raise NotFound(_("No task {ref!r}.").format(ref=text))

Strings needed before a language is known (tables of headings, labels) are marked with
`N_` (`Np_` for a singular/plural pair, `Nc_` for a word whose sense needs a context) so that
extraction finds them, and translated with `_` (`ngettext`, `pgettext`) where they are shown.

Numbers, percentages and dates reach people through `format_number`, `format_decimal`,
`format_percent` and `format_day` (which also follows the database's `date-display`
setting); csv and json never do.
"""

import dataclasses
import functools
import gettext
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "fr")
DOMAIN = "colibri"
NARROW_NO_BREAK_SPACE = "\u202f"
"""What separates thousands in French: "15 000"."""
NO_BREAK_SPACE = "\u00a0"
"""What comes before the sign in a French percentage: "63,2 %"."""
LOCALE_DIR = Path(__file__).parent / "locale"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")

_catalogs: dict[str, gettext.NullTranslations] = {}


def _language_of(value: str | None) -> str | None:
    """ "fr", "FR", "fr_FR.UTF-8" -> "fr"; "en_GB" -> "en"; anything else -> None."""
    code = (value or "").strip().lower()[:2]
    return code if code in LANGUAGES else None


def environment_language() -> str:
    """The language of the locale: GNU LANGUAGE first, then LC_ALL, LC_MESSAGES, LANG."""
    locale_name = next(
        (os.environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(name)),
        "",
    )
    if locale_name.split(".")[0] in ("", "C", "POSIX"):
        return "en"  # GNU gettext ignores LANGUAGE in the C locale, so does colibri
    preferences = [*os.environ.get("LANGUAGE", "").split(":"), locale_name]
    return next(filter(None, map(_language_of, preferences)), "en")


@dataclasses.dataclass(frozen=True)
class Speech:
    """How a command speaks: `forced` by COLIBRI_LANG, else the database's `setting` (None
    for auto or before a database is read), else the `environment`'s language; with the
    days first (30/11/2026) where the database's `date-display` says so."""

    forced: str | None
    environment: str
    setting: str | None = None
    day_first: bool = False

    @classmethod
    def from_environment(cls) -> "Speech":
        return cls(_language_of(os.environ.get("COLIBRI_LANG")), environment_language())

    @functools.cached_property
    def language(self) -> str:
        return self.forced or self.setting or self.environment

    @functools.cached_property
    def catalog(self) -> gettext.NullTranslations:
        return translations(self.language)


_in_use: ContextVar[Speech | None] = ContextVar("speech", default=None)


@contextmanager
def speaking(speech: Speech) -> Iterator[None]:
    """Within the block (a command), `speech` is in use; the one before it is back after."""
    token = _in_use.set(speech)
    try:
        yield
    finally:
        _in_use.reset(token)


def _speech() -> Speech:
    return _in_use.get() or Speech.from_environment()


def _follow(**changes: Any) -> None:
    """The speech in use, changed for the rest of the command (outside one: nothing)."""
    speech = _in_use.get()
    if speech is not None:
        _in_use.set(dataclasses.replace(speech, **changes))


def use_setting(value: str | None) -> None:
    """Follow a database's `language` setting: en, fr, or auto (None) for the environment."""
    _follow(setting=_language_of(value))


def language() -> str:
    """The language colibri speaks now: "en" or "fr"."""
    return _speech().language


def forced() -> bool:
    """Whether COLIBRI_LANG decides, so that no database needs to be read to know."""
    return _speech().forced is not None


def translations(lang: str | None = None) -> gettext.NullTranslations:
    """The catalog of `lang` (default: the current language), loaded once per process."""
    lang = lang or language()
    found = _catalogs.get(lang)
    if found is None:
        found = gettext.NullTranslations()
        if lang != "en":
            path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
            try:
                with path.open("rb") as catalog:
                    found = gettext.GNUTranslations(catalog)
            except OSError:
                pass  # no catalog installed: speak English rather than fail
        _catalogs[lang] = found
    return found


def _(message: str) -> str:
    """`message` in the current language."""
    speech = _speech()
    if speech.language == "en":
        return message
    return speech.catalog.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the current language."""
    return _speech().catalog.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, as meant in `context` (a status "Won" is
    "Gagnée", an amount won is "Gagné")."""
    speech = _speech()
    if speech.language == "en":
        return message
    return speech.catalog.pgettext(context, message)


def Nc_(context: str, message: str) -> str:
    """Mark `message`, meant in `context`, for extraction; translate with `pgettext`."""
    return message


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it yet (translate with `_`)."""
    return message


def Np_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction; translate with `ngettext(*pair, n)`."""
    return singular, plural


def format_number(value: int, *, sign: bool = False) -> str:
    """12345 is "12,345" in English and "12 345" in French (a narrow no-break space);
    with `sign`, "+12,345" and "-300". What is not a number (a value another program
    stored) is shown as it is."""
    if not isinstance(value, int | float):
        return "" if value is None else str(value)
    formatted = f"{value:+,}" if sign else f"{value:,}"
    if language() == "fr":
        return formatted.replace(",", NARROW_NO_BREAK_SPACE)
    return formatted


def format_decimal(value: float, *, digits: int = 1, sign: bool = False) -> str:
    """30.4 is "30.4" in English and "30,4" in French; with `sign`, "+30.4"."""
    formatted = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    return formatted.replace(".", ",") if language() == "fr" else formatted


def format_percent(value: float, *, digits: int | None = None, sign: bool = False) -> str:
    """A percentage as people read it: 40 is "40%" in English and "40 %" in French (a
    no-break space before the sign); with `digits`, 63.2 is "63.2%" and "63,2 %"; with
    `sign`, "+4.5%". A value another program stored that is not a number is shown as is."""
    if digits is None or not isinstance(value, int | float):
        number = format_number(value, sign=sign)
    else:
        number = format_decimal(value, digits=digits, sign=sign)
    return f"{number}{NO_BREAK_SPACE}%" if language() == "fr" else f"{number}%"


def use_date_display(value: str | None) -> None:
    """Follow a database's `date-display` setting: `dmy`, or `iso` (the default, also for
    no value and for one `config set` would refuse)."""
    _follow(day_first=isinstance(value, str) and value.strip().lower() == "dmy")


def format_day(value: object) -> str:
    """A date, or a moment that starts with one ("2026-11-30 14:05"), as people read it:
    ISO by default, "30/11/2026" (14:05) where `date-display` is `dmy`. csv and json keep
    ISO. What is not an ISO date (a value another program stored) is shown as is."""
    text = "" if value is None else str(value)
    if not _speech().day_first or not _ISO_DAY.match(text):
        return text
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}{text[10:]}"


PLURALS = {
    "accounts": Np_("{count} account", "{count} accounts"),
    "contacts": Np_("{count} contact", "{count} contacts"),
    "opportunities": Np_("{count} opportunity", "{count} opportunities"),
    "tasks": Np_("{count} task", "{count} tasks"),
    "activities": Np_("{count} activity", "{count} activities"),
    "open tasks": Np_("{count} open task", "{count} open tasks"),
    "cancelled events": Np_("{count} cancelled event", "{count} cancelled events"),
    "targets": Np_("{count} target", "{count} targets"),
    "history rows": Np_("{count} history row", "{count} history rows"),
    "opportunity_history": Np_("{count} history row", "{count} history rows"),
    "days": Np_("{count} day", "{count} days"),
    "deals": Np_("{count} deal", "{count} deals"),
    "won deals": Np_("{count} won deal", "{count} won deals"),
    "won or lost deals": Np_("{count} won or lost deal", "{count} won or lost deals"),
    "pushes": Np_("{count} push", "{count} pushes"),
    "forecast calls": Np_("{count} forecast call", "{count} forecast calls"),
    "exchange rates": Np_("{count} exchange rate", "{count} exchange rates"),
    "periods": Np_("{count} period", "{count} periods"),
}
"""Counted nouns, by their English plural (or table name)."""


def plural(count: int, noun: str) -> str:
    """ "1 contact", "2 contacts", in the current language: `noun` is the English plural, one
    of PLURALS (another noun is left in English, with its "s" dropped for one)."""
    forms = PLURALS.get(noun)
    if forms is None:
        return f"{format_number(count)} {noun.removesuffix('s') if count == 1 else noun}"
    return ngettext(*forms, count).format(count=format_number(count))
