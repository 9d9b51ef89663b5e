"""Exchange rates, and amounts converted into one currency at the rate of their own day.

A rate says how many units of the reporting currency (the `currency` setting) one unit of
another currency is worth from a day on (`valid_from`). Rates are kept as they were set,
never changed: a later rate for the same currency and day replaces the earlier one, and
the reporting currency each was set against is kept with it, so that a change of the
setting never makes an old rate mean something else.

Reports convert only when asked (`--in`): each amount at the rate in force on its own day
(a won deal's closing day, an open deal's the report's day), summed exactly and rounded
half-up at the end like every other amount. A day before a currency's first rate takes
that first rate (and the report says so); a currency with no rate at all is refused.
"""

import bisect
import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction

from colibri_cli.core import clock, records, settings, shapes, targets
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import _

COLUMNS = ("id", "currency", "rate", "base", "valid_from", "set_at")
_RATE = re.compile(r"(?P<integer>[0-9]+)(?:[.,](?P<fraction>[0-9]{1,10}))?")
MAX_RATE = 10**9


def parse_rate(text: str) -> str:
    """A rate as typed ("0.92", "0,92", "1250") in its stored form ("0.92"), or InvalidInput."""
    written = text.strip()
    match = _RATE.fullmatch(written)
    value = Decimal(f"{match['integer']}.{match['fraction'] or 0}") if match else None
    if value is None or not 0 < value <= MAX_RATE:
        raise InvalidInput(
            _(
                "Invalid rate {text!r}: write how many units of the reporting currency one "
                "unit is worth, a number above 0 with at most 10 decimals, such as 0.92."
            ).format(text=written)
        )
    return format(value.normalize(), "f")


def set_rate(
    conn: sqlite3.Connection, currency: str, rate_text: str, valid_from: dt.date | None = None
) -> dict:
    """Record that one unit of `currency` is worth `rate_text` units of the reporting
    currency from `valid_from` (today by default) on."""
    code = targets.currency_code(currency)
    base = settings.get(conn, "currency")
    if code == base:
        raise InvalidInput(
            _(
                "{code} is the reporting currency (the currency setting): its rate is always 1. "
                "Set the rates of the other currencies against it."
            ).format(code=code)
        )
    rate: dict[str, str | int | None] = {
        "currency": code,
        "rate": parse_rate(rate_text),
        "base": base,
        "valid_from": (valid_from or clock.today()).isoformat(),
        "set_at": clock.now(),
    }
    rate["id"] = conn.execute(
        "INSERT INTO exchange_rates (currency, rate, base, valid_from, set_at) "
        "VALUES (:currency, :rate, :base, :valid_from, :set_at)",
        rate,
    ).lastrowid
    return {column: rate[column] for column in COLUMNS}


def list_rates(conn: sqlite3.Connection) -> list[dict]:
    """Every rate set, by reporting currency, currency and day, in the order they were set
    (of two for the same day, the later one is in force)."""
    return records.fetch(
        conn,
        f"SELECT {', '.join(COLUMNS)} FROM exchange_rates ORDER BY base, currency, valid_from, id",
    )


class Conversion:
    """Amounts converted into `into`: through the reporting currency, at the rates in force
    on each amount's day. It remembers the rates it used, for the report to name them."""

    def __init__(self, conn: sqlite3.Connection, into: str) -> None:
        self.into = targets.currency_code(into)
        self.base = settings.get(conn, "currency")
        self._known: dict[str, list[tuple[str, str]]] = {}  # currency: [(valid_from, rate)]
        for row in records.fetch(
            conn,
            "SELECT currency, rate, valid_from FROM exchange_rates WHERE base = ? "
            "ORDER BY currency, valid_from, id",
            (self.base,),
        ):
            days = self._known.setdefault(row["currency"], [])
            if days and days[-1][0] == row["valid_from"]:
                days.pop()  # replaced by the rate set after it for the same day
            days.append((row["valid_from"], row["rate"]))
        self._used: dict[tuple[str, str], shapes.RateUsed] = {}
        self._in_base(self.into, clock.today().isoformat(), remember=False)  # known at all?

    def factor(self, currency: str, day: str) -> Fraction:
        """What one unit of `currency` is worth in the conversion's currency on `day`."""
        if currency == self.into:
            return Fraction(1)
        return self._in_base(currency, day) / self._in_base(self.into, day)

    def convert(self, value: int | Fraction, currency: str, day: str) -> Fraction:
        return value * self.factor(currency, day)

    def _in_base(self, currency: str, day: str, *, remember: bool = True) -> Fraction:
        if currency == self.base:
            return Fraction(1)
        known = self._known.get(currency)
        if not known:
            raise InvalidInput(
                _(
                    "There is no exchange rate for {code}: say how many {base} one {code} is "
                    "worth with colibri rate set {code} RATE [--on DATE]."
                ).format(code=currency, base=self.base)
            )
        index = bisect.bisect_right([valid_from for valid_from, _rate in known], day) - 1
        valid_from, rate = known[max(index, 0)]
        if remember:
            used = self._used.setdefault(
                (currency, valid_from),
                {"currency": currency, "rate": rate, "from": valid_from, "earlier_days": False},
            )
            used["earlier_days"] = used["earlier_days"] or index < 0
        return Fraction(Decimal(rate))

    def described(self) -> shapes.Conversion:
        """The conversion as a report gives it: into what, through which reporting
        currency, and every rate it used (`earlier_days`: also for days before its own,
        the currency's first)."""
        return {
            "into": self.into,
            "base": self.base,
            "rates": [self._used[key] for key in sorted(self._used)],
        }


def merged(
    rows: Iterable[dict],
    conversion: Conversion | None,
    *,
    key: tuple[str, ...],
    converted: tuple[str, ...],
    day: Callable[[dict], str],
    summed: tuple[str, ...] = (),
) -> list[dict]:
    """Rows of figures per currency, as rows in the conversion's currency: each row's
    `converted` fields at the rate of its `day`, then the rows of one `key` added up
    (their `summed` fields too), in the order they first came; their other fields are
    those of the first. Without a conversion, the rows as they are."""
    rows = list(rows)
    if conversion is None:
        return rows
    found: dict[tuple, dict] = {}
    for row in rows:
        into = found.get(tuple(row[field] for field in key))
        if into is None:
            into = {**row, "currency": conversion.into, **dict.fromkeys(summed + converted, 0)}
            found[tuple(row[field] for field in key)] = into
        on = day(row)
        for field in summed:
            into[field] += row[field]
        for field in converted:
            into[field] += conversion.convert(row[field] or 0, row["currency"], on)
    return list(found.values())
