"""Reading one cell, by the rules of the single-record commands, fast enough for a big file.

Each reader tries a fast path for the common case (a plain ISO date, a plain whole
amount), then the shared parser (`dates.parse_date`, `money.parse_amount`,
`statuses.resolve`, `opportunities.parse_field`), whose result, or refusal, is remembered
for the next cell with the same text: a file repeats its dates, statuses, probabilities.
`--date-format` (a strftime pattern) is tried before the shared date parser.
"""

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from colibri_cli.core import dates, money, opportunities, statuses
from colibri_cli.core.errors import ColibriError, InvalidInput
from colibri_cli.core.text import fold
from colibri_cli.i18n import N_, _

FIRST_YEAR, LAST_YEAR = str(dates.FIRST_YEAR), str(dates.LAST_YEAR)
"""The years of a date, as the first four characters of an ISO date compare."""
MEMORY = 20_000
"""How many distinct texts a reader remembers before it starts afresh (memory stays flat)."""

_NUMERIC_DATE = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
_ISO_SHAPE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}([-/.])[0-9]{1,2}\2(?:[0-9]{4}|[0-9]{2}))"
    r"(?:[T ]|, )[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?: ?[AaPp]\.?[Mm]\.?)?"
    r"(?: ?(?:Z|UTC|[+-][0-9]{2}:?[0-9]{2}))?"
)
"""A date and time as tools export them ("2026-03-04 14:22:10", ISO 8601, "3/8/2018 7:41
PM"): the day counts, read as a date of its own form would be."""

# Stage names of other CRMs that mean a closed deal, read as colibri's won and lost
# when no --status-map says otherwise.
CLOSED_STAGES = {
    "closed won": "won",
    "closedwon": "won",
    "closed lost": "lost",
    "closedlost": "lost",
    "lose": "lost",  # Bitrix24's LOSE and APOLOGY ("analyse the failure")
    "apology": "lost",
}
# The open stages of other CRMs' default pipelines (Salesforce and vTiger, HubSpot,
# Pipedrive, Odoo, Bitrix24, French habits), read as colibri's default open statuses, where
# the database still has them, when no --status-map says otherwise; the import says which
# it read so. Each goes to the status nearest by its meaning (nothing proposed yet: analysis;
# an offer made: quote; terms and signature: negotiation), then by its default probability,
# and never before a stage its pipeline puts earlier: Salesforce's Value Proposition (50%),
# Id. Decision Makers (60%) and Perception Analysis (70%) come before its Proposal/Price
# Quote (75%), so they are quote (40%) like it, and Negotiation/Review (90%) negotiation.
OPEN_STAGES = {
    **dict.fromkeys(
        (
            "prospecting", "qualification", "needs analysis", "lead in",
            "lead", "contact made", "demo scheduled", "needs defined", "qualified",
            "appointment scheduled", "appointmentscheduled", "qualified to buy",
            "qualifiedtobuy", "discovery", "decouverte", "prospection", "qualifiee", "new",
        ),
        "analysis",
    ),
    **dict.fromkeys(
        (
            "value proposition", "id. decision makers", "id decision makers",
            "perception analysis", "proposal/price quote", "proposal or price quote",
            "proposal", "proposal made", "proposal sent", "presentation scheduled",
            "presentationscheduled", "proposition", "proposition commerciale", "offre",
            "offre envoyee", "devis envoye", "preparation",
        ),
        "quote",
    ),
    **dict.fromkeys(
        (
            "negotiation/review", "negotiation or review", "negotiations started",
            "decision maker bought-in", "decisionmakerboughtin", "contract sent",
            "contractsent", "en negociation", "prepayment invoice", "executing",
            "final invoice",
        ),
        "negotiation",
    ),
}  # fmt: skip


class Memo:
    """Results of `read(text)` by text, refusals included; forgets all past MEMORY texts."""

    def __init__(self, read: Callable[[str], object]) -> None:
        self.read = read
        self.known: dict[str, object] = {}

    def __call__(self, text: str):
        found = self.known.get(text)
        if found is None:
            try:
                found = self.read(text)
            except ColibriError as problem:
                refused = problem if isinstance(problem, InvalidInput) else None
                found = _Refusal(refused or InvalidInput(str(problem)))
            if len(self.known) >= MEMORY:
                self.known.clear()
            self.known[text] = found
        if type(found) is _Refusal:
            raise found.problem.with_traceback(None)
        return found


@dataclass(frozen=True)
class _Refusal:
    """A refusal remembered: an invalid input, of its own kind (an `UnknownStatus`…)."""

    problem: InvalidInput


@dataclass(frozen=True)
class Example:
    """A date of a file, with where it is and what it was read as."""

    line: int
    text: str
    read: str = ""


class DateReader:
    """ISO dates at once; else `--date-format`; else a date and time (the day counts); else
    the `date-order` rules of design §4.

    It watches the order of the file's numeric dates: a date that only the other order can
    read (13/4/2027 under mdy) proves the file uses it, and then the dates read in the
    setting's order that would read otherwise in the other (2/4/2027) are wrong."""

    def __init__(self, *, today: dt.date, order: str, date_format: str | None) -> None:
        self.today, self.order, self.date_format = today, order, date_format
        self.memos: dict[str, Memo] = {}
        self.iso_dates: set[str] = set()
        """ISO dates already read (up to MEMORY): a file's dates repeat, each is checked once."""
        self.line = 0
        """The line being read, set by the import for the examples of `misread` (0 before
        the rows: a --default is the user's own date, not the file's)."""
        self.swappable: Example | None = None
        self.other_order: Example | None = None

    def __call__(self, text: str, label: str) -> str:
        if text in self.iso_dates:
            return text
        if (
            self.date_format is None
            and len(text) == 10
            and text[4] == "-"
            and text[7] == "-"
            and FIRST_YEAR <= text[:4] <= LAST_YEAR
        ):
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                pass
            else:
                if len(self.iso_dates) < MEMORY:
                    self.iso_dates.add(text)
                return text
        memo = self.memos.get(label)
        if memo is None:
            memo = self.memos[label] = Memo(lambda text: self._slow(text, label))
        return memo(text)

    def of(self, label: str) -> Callable[[str], str]:
        """The reader of the dates of one field, `label`: an ISO date already read is
        given back at once."""
        iso_dates = self.iso_dates

        def read(text: str) -> str:
            return text if text in iso_dates else self(text, label)

        return read

    def _slow(self, text: str, label: str) -> str:
        stamp = _TIMESTAMP.fullmatch(text)
        if stamp is None:
            return self._day(text, label)
        if self.date_format:  # one that reads the time too
            try:
                read = dt.datetime.strptime(text, self.date_format).date()
            except ValueError:
                pass
            else:
                return _within_years(read, text, label).isoformat()
        return self._day(stamp[1], label)

    def _day(self, text: str, label: str) -> str:
        if self.date_format:
            try:
                read = dt.datetime.strptime(text, self.date_format).date()
            except ValueError:
                if _NUMERIC_DATE.fullmatch(text.strip()):
                    # The file's numeric dates are as --date-format says, or they are
                    # wrong: never read in the other order, as a mixed file would be.
                    raise InvalidInput(self._off_format(text, label)) from None
            else:
                return _within_years(read, text, label).isoformat()
        try:
            read = dates.parse_date(
                text, today=self.today, order=self.order, field=label
            ).isoformat()
        except InvalidInput as problem:
            raise InvalidInput(str(problem).rstrip(".") + self._hint(text) + ".") from None
        if not self.date_format and self.line:
            self._watch(text, read)
        return read

    def _off_format(self, text: str, label: str) -> str:
        """Why a numeric date does not follow --date-format: a day its month lacks
        (31/11/2026), or another form."""
        fields = self.date_format
        match = _NUMERIC_DATE.fullmatch(text.strip())
        first, sep, second, year = match.groups()
        day_first = fields.find("%d") < fields.find("%m")
        day = int(first if day_first else second)
        first, second = ("1", second) if day_first else (first, "1")
        try:  # the same date on the 1st: if that one follows the format, the day is wrong
            month = dt.datetime.strptime(f"{first}{sep}{second}{sep}{year}", fields).date()
        except ValueError:
            month = None
        lacking = month and dates.lacking_day(month.year, month.month, day)
        if lacking:
            return _("Invalid {field} {text!r}: {hint}.").format(
                field=_(label), text=text, hint=lacking
            )
        return _("Invalid {field} {text!r}: it does not match --date-format {format}.").format(
            field=_(label), text=text, format=fields
        )

    def _watch(self, text: str, read: str) -> None:
        """Keep the first date of the file that the other order would read as another day
        (2/4/2027)."""
        if self.swappable is not None:
            return
        match = _NUMERIC_DATE.fullmatch(text.strip())
        if match:
            first, second = int(match[1]), int(match[3])
            if first != second and first <= 12 and second <= 12:
                self.swappable = Example(self.line, text, read)

    def misread(self) -> str | None:
        """Why the dates read are not to be trusted, if the file proved to write its dates
        in the other order after some were read in the setting's."""
        if self.other_order is None or self.swappable is None:
            return None
        proof, example = self.other_order, self.swappable
        pattern = self._pattern(_NUMERIC_DATE.fullmatch(proof.text.strip()))
        message = (
            _(
                "line {line} has {text}, a date that puts the month first, but other dates "
                "were read with the day first, as the date-order setting says (line "
                "{example_line}: {example} as {read}). Import it with --date-format {format}."
            )
            if self.order == "dmy"
            else _(
                "line {line} has {text}, a date that puts the day first, but other dates "
                "were read with the month first, as the date-order setting says (line "
                "{example_line}: {example} as {read}). Import it with --date-format {format}."
            )
        )
        return message.format(
            line=proof.line,
            text=repr(proof.text),
            example_line=example.line,
            example=repr(example.text),
            read=example.read,
            format=pattern,
        )

    def _hint(self, text: str) -> str:
        if _ISO_SHAPE.fullmatch(text.strip()):
            return ""  # an ISO date wrong in itself: another form would not help
        if self.date_format:
            return _(", or match --date-format {format}").format(format=self.date_format)
        match = _NUMERIC_DATE.fullmatch(text.strip())
        if match is None:
            return ""
        other = "mdy" if self.order == "dmy" else "dmy"
        try:
            dates.parse_date(text, today=self.today, order=other)
        except InvalidInput:
            return ""
        if self.other_order is None and self.line:
            self.other_order = Example(self.line, text)
        pattern = self._pattern(match)
        if other == "mdy":
            hint = _(". If the file writes the month first, import it with --date-format {format}")
        else:
            hint = _(". If the file writes the day first, import it with --date-format {format}")
        return hint.format(format=pattern)

    def _pattern(self, match: re.Match) -> str:
        """The --date-format of a numeric date written in the other order than the setting's."""
        first, second = ("%m", "%d") if self.order == "dmy" else ("%d", "%m")
        year = "%Y" if len(match[4]) == 4 else "%y"
        return f"{first}{match[2]}{second}{match[2]}{year}"


def _within_years(date: dt.date, text: str, label: str) -> dt.date:
    """The date, if its year is one a date may have (the database holds no other)."""
    if not dates.FIRST_YEAR <= date.year <= dates.LAST_YEAR:
        raise InvalidInput(
            _("Invalid {field} {text!r}: {hint}.").format(
                field=_(label), text=text, hint=dates.years_hint()
            )
        )
    return date


SAMPLE_DATE = dt.datetime(2027, 3, 14, 0, 0)
"""A day whose day, month and year all differ, to check a --date-format on."""


def check_date_format(pattern: str) -> None:
    """Refuse a --date-format that cannot read a date back: written with it, the sample
    date must read as itself ("%Y%Y" fails, and so does "%d/%m", which has no year)."""
    try:
        read = dt.datetime.strptime(SAMPLE_DATE.strftime(pattern), pattern).date()
    except (ValueError, re.error):
        read = None
    if read != SAMPLE_DATE.date():
        raise InvalidInput(
            _(
                "Invalid --date-format {pattern}: it cannot read a date back. Give the day, "
                "the month and the year, e.g. %d/%m/%Y or %m/%d/%Y."
            ).format(pattern=repr(pattern))
        )


class Amount(NamedTuple):
    value: int
    rounded: bool
    currency: str | None


class AmountReader:
    """Whole numbers in digits at once; anything else through `money.parse_amount`, with
    the decimal mark the column shows (`saw`) for an amount that shows none ("120.125")."""

    def __init__(self) -> None:
        self.memo = Memo(self._slow)
        self.decimal: str | None = None

    def saw(self, text: str, number: bool) -> bool:
        """Whether the column's decimal mark is known once it has `text`: the first amount
        that shows one (a JSON number shows the point) gives it."""
        if text.isdigit():
            return False
        self.decimal = "." if number else money.mark_shown(_spaced(text))
        return self.decimal is not None

    def __call__(self, text: str) -> Amount:
        if text.isdigit() and text.isascii() and len(text) < 16:
            value = int(text)
            if value <= money.MAX_AMOUNT:
                return Amount(value, False, None)
        return self.memo(text)

    def _slow(self, text: str) -> Amount:
        parsed = money.parse_amount(_spaced(text), decimal=self.decimal)
        return Amount(parsed.value, parsed.rounded, parsed.currency)


def _spaced(text: str) -> str:
    """Spreadsheets write "1 500,00 €" with no-break spaces: the same amount, and a
    message that shows them as the spaces they look like, not as \xa0."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


class Probability(NamedTuple):
    value: int
    rounded: bool


_PERCENT = re.compile(r"([0-9]{1,3}(?:[.,][0-9]+)?)\s*(%?)")
PERCENT_HINT = N_(
    "Invalid probability {text!r}: give a percentage from 0 to 100 (70, 70.0, 70 %), or "
    "fractions of 1 in the whole column (0.7)."
)


class ProbabilityReader:
    """Probabilities as tools write them: 70, 70.0, 33.33 (rounded to a whole percent),
    35 %; and fractions of 1 (0.35 as 35%) in a column whose values are all 1 or less,
    one at least between 0 and 1, none with a % (`saw` sees the column first)."""

    def __init__(self) -> None:
        self.memo = Memo(self._slow)
        self.percents = False
        """A value of the column is over 1 or written with a %: no fractions."""
        self.fraction: str | None = None
        """The first value of the column strictly between 0 and 1."""

    def saw(self, text: str, number: bool) -> bool:
        """Whether the column is known to hold percentages once it has `text`."""
        match = _PERCENT.fullmatch(text.strip())
        if match is None:
            return False
        value = Decimal(match[1].replace(",", "."))
        if value > 1 or match[2]:
            self.percents = True
        elif value and value < 1 and self.fraction is None:
            self.fraction = text.strip()
        return self.percents

    @property
    def fractions(self) -> bool:
        return self.fraction is not None and not self.percents

    def __call__(self, text: str) -> Probability:
        return self.memo(text)

    def _slow(self, text: str) -> Probability:
        match = _PERCENT.fullmatch(text.strip())
        value = Decimal(match[1].replace(",", ".")) if match else None
        if value is not None and self.fractions and not match[2]:
            value *= 100
        if value is None or value > 100:
            raise InvalidInput(_(PERCENT_HINT).format(text=text))
        whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Probability(int(whole), whole != value)


class FieldReader(Memo):
    """A field read by `opportunities.parse_field` (the currency), remembered: a file
    repeats them."""

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        super().__init__(self._slow)
        self.name = name
        self.conn = conn

    def _slow(self, text: str):
        parsed = opportunities.Parsed()
        opportunities.parse_field(self.conn, self.name, text, parsed)
        return parsed.values.get(self.name)


class StatusReader(Memo):
    """A status key from a file's stage name: `--status-map`, then the status rules."""

    def __init__(self, conn: sqlite3.Connection, status_map: dict[str, str]) -> None:
        super().__init__(self._slow)
        self.conn = conn
        self.status_map = status_map
        self.guessed: dict[str, str] = {}
        """The file's stage names read as statuses by OPEN_STAGES, for a notice."""

    def _slow(self, text: str) -> str:
        folded = fold(text)
        if folded in self.status_map:
            return self.status_map[folded]
        try:
            return statuses.resolve(self.conn, text)["key"]
        except InvalidInput:
            closed = CLOSED_STAGES.get(" ".join(folded.replace("-", " ").split()))
            if closed and self._exists(closed):
                return closed
            guessed = OPEN_STAGES.get(" ".join(folded.replace("_", " ").split()))
            if guessed and self._exists(guessed):
                self.guessed[text] = guessed
                return guessed
            raise

    def _exists(self, key: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM statuses WHERE key = ?", (key,)).fetchone() is not None
        )


def read_status_map(conn: sqlite3.Connection, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """--status-map SOURCE=STATUS pairs, the statuses resolved (or refused) at once."""
    resolved = {}
    for source, target in pairs:
        try:
            resolved[fold(source)] = statuses.resolve(conn, target)["key"]
        except InvalidInput as problem:
            raise InvalidInput(
                _("Invalid --status-map {source}={target}: {problem}").format(
                    source=source, target=target, problem=problem
                )
            ) from None
    return resolved
