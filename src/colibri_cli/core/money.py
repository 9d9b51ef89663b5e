"""Amounts as people write them, read into whole units of currency.

"15 000 €", "$1,500.00", "15'000 CHF", "1,5M" and "15k" are all amounts. Decimals are
rounded half-up to a whole unit (the caller tells the user when that happened); negative,
empty, non-numeric and absurdly large amounts are refused with a message that names the field.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _, format_number, language

MAX_AMOUNT = 10**15
_ISO_4217 = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
"""
CURRENCIES = frozenset(_ISO_4217.split())
"""The ISO 4217 codes of the currencies in use: a word of three letters written with an
amount (\"5000 net\") is a currency only if it is one of them."""
NO_BREAK_SPACE = "\u00a0"
"""What separates a French amount from its currency: "15 000 €"."""
FRENCH_SYMBOLS = {"EUR": "€"}

_HINT = N_("write a whole number such as 15000, 15 000, 15k or 1.5M")
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_SCALES = {"k": 1_000, "m": 1_000_000}
# A code written in capitals may touch the number ("15000EUR"); in lower case it must be
# set apart by a space ("15000 eur"), so that "12abc" stays a mistake rather than a currency.
_LEADING_CODE = re.compile(r"(?P<code>[A-Z]{3}|[A-Za-z]{3}(?=\s))\s*(?P<rest>.+)")
_TRAILING_CODE = re.compile(r"(?P<rest>.+?)\s*(?P<code>[A-Z]{3}|(?<=\s)[A-Za-z]{3})")
_NEGATIVE = re.compile(r"[-\u2212]\s*(?P<minus>.+)|\((?P<brackets>.+)\)")
_DIGITS = re.compile(r"[0-9]+")
# Thousands groups: one separator, used throughout; spaces include the no-break spaces
# (U+00A0, U+202F, U+2009) that French spreadsheets write, apostrophes the Swiss ones
# (15'000, or with the typographic apostrophe U+2019).
_GROUPED = re.compile(
    r"[1-9][0-9]{0,2}(?P<sep>[ ,.'\u00a0\u202f\u2009\u2019])[0-9]{3}(?:(?P=sep)[0-9]{3})*"
)


@dataclass(frozen=True)
class ParsedAmount:
    value: int
    rounded: bool
    """True when a fraction was dropped, e.g. "1500.50" became 1501."""
    currency: str | None
    """The currency written with the amount ("€" gives EUR), if any."""


def parse_amount(
    text: str, *, field: str = N_("amount"), decimal: str | None = None
) -> ParsedAmount:
    """Read an amount; raise InvalidInput naming `field` when it is not a usable amount.

    `decimal` is the decimal mark ("." or ",") the caller knows the amounts it reads use:
    it settles an amount that is ambiguous alone ("120.125"), see `ambiguous_mark`."""
    written = text.strip()
    if not written:
        raise InvalidInput(_("Missing {field}: {hint}.").format(field=_(field), hint=_(_HINT)))
    unsigned, negative_outside = _without_minus(written)
    number_text, currency = _split_currency(unsigned)
    number_text, negative_inside = _without_minus(number_text)
    exact = _to_decimal(number_text, decimal)
    if exact is None:
        raise InvalidInput(
            _("Invalid {field} {text!r}: {hint}.").format(
                field=_(field), text=written, hint=_(_HINT)
            )
        )
    if negative_outside or negative_inside:
        raise InvalidInput(
            _(
                "Invalid {field} {text!r}: it cannot be negative; write 0 or more, such as 15000."
            ).format(field=_(field), text=written)
        )
    if exact > MAX_AMOUNT:
        raise InvalidInput(
            _(
                "Invalid {field} {text!r}: it is more than {maximum}; check the number of digits."
            ).format(field=_(field), text=written, maximum=format_number(MAX_AMOUNT))
        )
    value = exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return ParsedAmount(value=int(value), rounded=value != exact, currency=currency)


def mark_shown(text: str) -> str | None:
    """The decimal mark ("." or ",") an amount shows it uses by itself, if it does:
    "1500.5" and "9225.225" show ".", "1.500.000" shows "," (its "." are thousands);
    "120.125", "15000" and "12." (no amount) show none."""
    number, _currency = _split_currency(_without_minus(text.strip())[0])
    if _to_decimal(number, None) is None:
        return None
    if number[-1:].lower() in _SCALES:
        number = number[:-1].rstrip()
    mark = _decimal_mark(number)
    if mark is not None:
        return mark
    for repeated, other in ((".", ","), (",", ".")):
        if number.count(repeated) > 1 and _GROUPED.fullmatch(number):
            return other
    return None


def format_amount(value: int, currency: str | None = None) -> str:
    """15000 and "EUR" give "15,000 EUR" in English, "15 000 €" in French (a currency
    without a French symbol keeps its code: "3 000 USD")."""
    return with_currency(format_number(value), currency)


def with_currency(figure: str, currency: str | None) -> str:
    """A figure already written ("15,000", "+1,200") followed by its currency, as people
    write it in the language spoken ("15 000 €" in French)."""
    if not currency:
        return figure
    if language() == "fr":
        return f"{figure}{NO_BREAK_SPACE}{FRENCH_SYMBOLS.get(currency, currency)}"
    return f"{figure} {currency}"


def _without_minus(text: str) -> tuple[str, bool]:
    """Strip a leading minus or accounting brackets; say whether there was one."""
    match = _NEGATIVE.fullmatch(text)
    if match is None:
        return text, False
    return (match["minus"] or match["brackets"]).strip(), True


def _split_currency(text: str) -> tuple[str, str | None]:
    for symbol, code in _SYMBOLS.items():
        if text.startswith(symbol):
            return text.removeprefix(symbol).strip(), code
        if text.endswith(symbol):
            return text.removesuffix(symbol).strip(), code
    for pattern in (_LEADING_CODE, _TRAILING_CODE):
        match = pattern.fullmatch(text)
        if match and match["code"].upper() in CURRENCIES:
            return match["rest"].strip(), match["code"].upper()
    return text, None


def _to_decimal(text: str, decimal: str | None) -> Decimal | None:
    """The exact value of a number such as "1 500,00", "1.5M" or "15k"; None if it is not one."""
    scale = _SCALES.get(text[-1:].lower())
    number = text[:-1].rstrip() if scale else text
    mark = _decimal_mark(number)
    if mark is None and ambiguous_mark(number) == decimal:
        mark = decimal
    integer, fraction = number.rsplit(mark, 1) if mark else (number, "0")
    digits = _integer_digits(integer)
    if digits is None or not _DIGITS.fullmatch(fraction):
        return None
    return Decimal(f"{digits}.{fraction}") * (scale or 1)


def _decimal_mark(number: str) -> str | None:
    """Which of ',' and '.' is the decimal mark, if either.

    When both appear, the last one is. A single mark followed by exactly three digits
    separates thousands ("15,000", "1.500") where it can ("9225.225", "0.500" and
    "1 500,000" have no thousands of that form: it is their decimal mark); otherwise it is
    the decimal mark ("1500,50"). A repeated mark separates thousands ("1.500.000").
    """
    last = max(number.rfind("."), number.rfind(","))
    if last < 0:
        return None
    mark = number[last]
    if number.count(mark) > 1:
        return None
    other = "," if mark == "." else "."
    if other not in number and len(number) - last - 1 == 3 and _GROUPED.fullmatch(number):
        return None
    return mark


def ambiguous_mark(number: str) -> str | None:
    """The mark of a number that reads as thousands or as decimals alike ("120.125",
    "1,500"): one mark, after one to three digits (not a leading 0), before three."""
    if len(number) > 7 or not _GROUPED.fullmatch(number):
        return None
    return number[-4]


def _integer_digits(integer: str) -> str | None:
    if _DIGITS.fullmatch(integer):
        return integer
    if _GROUPED.fullmatch(integer):
        return re.sub(r"[^0-9]", "", integer)
    return None
