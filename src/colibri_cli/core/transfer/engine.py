"""The import engine: options, problems, the result, and what every kind of record shares.

Rows are read as they stream, validated with the rules of the single-record commands,
matched to what is already there, and written in batches, all inside one savepoint of the
command's transaction. At the end the savepoint is released (the import stands) or rolled
back: for a dry run, and when a row was invalid without --skip-invalid. So a dry run does
exactly what the real run does, and tells exactly what it would do.
"""

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from colibri_cli.core import clock, settings
from colibri_cli.core.errors import ColibriError, InvalidInput
from colibri_cli.core.identity import OwnIds
from colibri_cli.core.text import fold
from colibri_cli.core.transfer import columns as cols
from colibri_cli.core.transfer.rejects import RejectsFile
from colibri_cli.core.transfer.sources import Record, Source, unneutralize
from colibri_cli.core.transfer.values import DateReader, check_date_format
from colibri_cli.i18n import N_, _, format_number, ngettext

BATCH_ROWS = 2_000
CACHE_KIB = 16_384
"""The page cache of an import: big enough that a big transaction seldom spills pages to
the WAL before its commit, small enough that memory stays flat."""
SAVEPOINT = "colibri_import"
MAX_KEYS = 10_000
"""The most distinct keys the records of a JSON file may have: each is remembered (with
its field), so more would let memory grow with the file."""
IGNORED_SHOWN = 20
"""How many ignored columns the notice names."""
TOPIC_VALUES = 1_000
"""How many distinct unknown statuses or accounts a hint keeps count of."""
STAGES_SHOWN = 100
"""The most unknown stages a hint lists and maps (a file's stages are a few dozen)."""
AMBIGUOUS = -1
NUL_REFUSED = N_("It holds a NUL character, which colibri does not store: remove it.")
"""SQLite compares text only up to a NUL: "A\\0b" would be taken for "A\\0c"."""
DEFAULT_EXAMPLES = {"amount": "0", "due_date": "+1m", "status": "analysis", "account": "Unassigned"}
"""A value to show in the hint about empty required values, by field."""
IGNORED = {
    "account": N_(
        "Ignored columns (no account field matches them): {columns}. "
        "Import one with --map COLUMN=FIELD."
    ),
    "contact": N_(
        "Ignored columns (no contact field matches them): {columns}. "
        "Import one with --map COLUMN=FIELD."
    ),
    "opportunity": N_(
        "Ignored columns (no opportunity field matches them): {columns}. "
        "Import one with --map COLUMN=FIELD."
    ),
    "task": N_(
        "Ignored columns (no task field matches them): {columns}. "
        "Import one with --map COLUMN=FIELD."
    ),
    "activity": N_(
        "Ignored columns (no activity field matches them): {columns}. "
        "Import one with --map COLUMN=FIELD."
    ),
}
"""The notice of the columns no field of a kind matches, by the kind's singular."""


@dataclass
class Options:
    mapping: list[tuple[str, str]] = field(default_factory=list)
    status_map: list[tuple[str, str]] = field(default_factory=list)
    defaults: list[tuple[str, str]] = field(default_factory=list)
    date_format: str | None = None
    create_accounts: bool = False
    create_contacts: bool = False
    upsert: bool = False
    skip_invalid: bool = False
    dry_run: bool = False
    rejects: Path | None = None
    follow_up: bool = False
    """Opportunities: add the follow-up task of each deal the import closes."""

    def __post_init__(self) -> None:
        if self.date_format is not None:
            check_date_format(self.date_format)  # before any file or database is opened


@dataclass(frozen=True)
class Problem:
    field: str | None
    """The field the problem is about (None: the whole row)."""
    message: str
    topic: str = ""
    """What kind of problem, to give one hint for many rows: status, account, missing."""
    value: str | None = None


@dataclass
class Rejection:
    line: int
    number: int
    problems: list[tuple[str | None, Problem]]
    """Each problem with the column it is about, as the file names it."""


class Lines:
    """How many rows, and the first few line numbers, for a notice."""

    SHOWN = 5

    def __init__(self) -> None:
        self.count = 0
        self.first: list[int] = []

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.first) < self.SHOWN:
            self.first.append(line)

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        shown = [str(line) for line in self.first]
        more = self.count - len(shown)
        if more:
            return _("lines {lines} and {more} more").format(
                lines=", ".join(shown), more=format_number(more)
            )
        if len(shown) == 1:
            return _("line {line}").format(line=shown[0])
        return _("lines {lines} and {last}").format(lines=", ".join(shown[:-1]), last=shown[-1])


@dataclass
class Result:
    kind: cols.Kind
    source: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    accounts_created: int = 0
    contacts_created: int = 0
    kept: bool = False
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    rejects_path: Path | None = None
    refused: bool = False
    """Invalid rows without --skip-invalid, or a misread file: nothing was (or, in a dry
    run, would be) written."""
    misread: str | None = None
    """Why the whole file was read wrong (its dates in the other order), if it was."""


class Importer:
    """What every kind shares: columns, defaults, references to accounts, the main loop."""

    kind: cols.Kind

    def __init__(self, conn: sqlite3.Connection, source: Source, options: Options) -> None:
        self.conn = conn
        self.source = source
        self.options = options
        self.today = clock.today()
        self.today_iso = self.today.isoformat()
        self.stamp = clock.now()
        self.dates = DateReader(
            today=self.today,
            order=settings.get(conn, "date-order"),
            date_format=options.date_format,
        )
        self.result = Result(self.kind, source.name, options.dry_run)
        self.header_of: dict[str, str] = {}
        self.fillers: list[tuple[str, str]] = []
        """(field that fills, field it fills) where a row leaves the second empty."""
        self.positions: list[tuple[int, str]] = []
        self.key_fields: dict[str, str | None] = {}
        self.ignored: list[str] = []
        self._read_columns()
        self.defaults: dict[str, str] = {}
        self.default_uses: Counter[str] = Counter()
        self.start_max = conn.execute(
            f"SELECT max((SELECT coalesce(max(id), 0) FROM {self.kind.table}), "
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))",
            (self.kind.table,),
        ).fetchone()[0]
        """The highest id the table ever gave: records above it are this import's (and,
        as ids are never reused, opportunities are given the next ones)."""
        self.matched = bytearray(self.start_max // 8 + 1)
        self.topics: dict[str, Counter[str]] = {}
        self.rejects: RejectsFile | None = None
        self.own = OwnIds(conn)
        self.footer: list[Record] = []
        """The lines left out as a report's footer: one cell each, after the last row."""
        self.rejected: list[tuple[Rejection, Record]] = []
        """The rows of the batch being read that were refused, said once it is written."""

    # Columns and defaults ---------------------------------------------------------------

    def _read_columns(self) -> None:
        source, kind = self.source, self.kind
        complete = source.format == "csv"
        if complete and source.given_columns is None:
            self._refuse_headerless()
        found = cols.match(kind, source.headers, self.options.mapping, complete=complete)
        self.ignored = found.ignored
        self.header_of = {name: header for header, name in found.fields.items()}
        self.fillers = [
            (name, name.removesuffix(cols.IF_EMPTY))
            for name in self.header_of
            if name.endswith(cols.IF_EMPTY)
        ]
        if complete:
            index = {header: number for number, header in enumerate(source.headers)}
            self.positions = [(index[header], name) for header, name in found.fields.items()]
            self.width = len(source.headers)
        else:
            self.mapping = {cols.normalize(key): name for key, name in self.options.mapping}
            self.key_fields = {key: found.fields.get(key) for key in source.headers}
            self.spread: dict[str, bool] = {}

    def _refuse_headerless(self) -> None:
        """A CSV file whose first line is a row, not a header: its columns would be
        named by the first row's values, and the row lost."""
        data = cols.data_like(self.source.headers)
        if len(data) < cols.HEADERLESS_CELLS:
            return
        raise InvalidInput(
            _(
                "{source}: its first line looks like a row, not a header ({cells}). Add a "
                "header line naming its columns, or name them with --columns, one name per "
                "column in the file's order (its first line has {count}), e.g. --columns "
                "{example}."
            ).format(
                source=self.source.name,
                cells=", ".join(repr(cell) for cell in data[:3]),
                count=format_number(len(self.source.headers)),
                example=cols.example_columns(self.kind),
            )
        )

    @property
    def mapping_shown(self) -> list[tuple[str, str]]:
        """Columns read under another name than their field's, as (column, field)."""
        return [
            (header, name)
            for name, header in self.header_of.items()
            if cols.normalize(header) != cols.normalize(name)
        ]

    def read_defaults(self) -> dict[str, str]:
        defaults = {}
        for name, text in cols.parse_pairs(self.options.defaults, "--default", "FIELD=VALUE"):
            name = cols.check_field(self.kind, name, "--default")
            if not text:
                raise InvalidInput(
                    _("Invalid --default {name}=: give a value after the =.").format(name=name)
                )
            try:
                self.check_default(name, text)
            except ColibriError as problem:
                raise InvalidInput(
                    _("Invalid --default {name}={text}: {problem}").format(
                        name=name, text=text, problem=problem
                    )
                ) from None
            defaults[name] = text
        return defaults

    def check_default(self, name: str, text: str) -> None:
        """Refuse a default the field would refuse in every row."""

    def check_required_columns(self) -> None:
        if self.source.format != "csv":
            return
        present = set(self.header_of) | set(self.defaults)
        missing = cols.missing_required(self.kind, present)
        if missing:
            what = "; ".join(
                (
                    _("no column for the {field}: map one with --map COLUMN={name}")
                    if name in ("name", "title")
                    else _(
                        "no column for the {field}: map one with --map COLUMN={name} "
                        "or give --default {name}=VALUE"
                    )
                ).format(field=_(name.replace("_", " ")), name=name)
                for name in missing
            )
            columns = ", ".join(repr(header) for header in self.source.headers) or _("none")
            raise InvalidInput(
                _("Cannot import {kind} from {source}: {what}. Its columns: {columns}.").format(
                    kind=_(self.kind.plural), source=self.source.name, what=what, columns=columns
                )
            )

    # Reading rows -----------------------------------------------------------------------

    def extract(self, record: Record) -> tuple[dict[str, str], set[str], list[Problem]]:
        """The row's text by field, the fields filled by --default, and problems of form."""
        problems: list[Problem] = []
        if isinstance(record.cells, list):
            raw = self._extract_csv(record, problems)
        elif record.cells:
            raw = self._extract_json(record.cells, record.number, problems)
        else:
            raw = {}
            problems.append(Problem(None, _("This record has no fields.")))
        if "\0" in "".join(raw.values()):
            for name, text in raw.items():
                if "\0" in text:
                    problems.append(Problem(name, _(NUL_REFUSED)))
        for filler, name in self.fillers:
            text = raw.pop(filler, None)
            if text is not None and name not in raw:
                raw[name] = text
        defaulted = set()
        for name, text in self.defaults.items():
            if name not in raw:
                raw[name] = text
                defaulted.add(name)
                self.default_uses[name] += 1
        return raw, defaulted, problems

    def _extract_csv(self, record: Record, problems: list[Problem]) -> dict[str, str]:
        raw = {}
        cells = record.cells
        count = len(cells)
        if record.last_line > record.line and self._rows_within(cells):
            problems.append(
                Problem(
                    None,
                    _(
                        "A quote opens a cell on this line that a quote closes only on line "
                        "{last}, taking in the rows between: check the quotes of this line."
                    ).format(last=format_number(record.last_line)),
                )
            )
            return raw
        if count < self.width:  # cells missing: which are, only the delimiters could tell
            problems.append(Problem(None, _cells_refused(count, self.width)))
            return raw
        for index, name in self.positions:
            text = cells[index].strip()
            if text:
                if text[0] == "'":
                    text = unneutralize(text).strip()
                raw[name] = text
        if count > self.width and any(cell.strip() for cell in cells[self.width :]):
            problems.append(Problem(None, _cells_refused(count, self.width)))
        return raw

    def _rows_within(self, cells: list[str]) -> bool:
        """Whether a cell of several lines holds a line with a whole row's delimiters: the
        rows after a quote left open, not the lines of a note."""
        delimiter, width = self.source.delimiter, self.width
        return width > 2 and any(
            line.count(delimiter) >= width - 1
            for cell in cells
            if "\n" in cell
            for line in cell.split("\n")[1:]
        )

    def _extract_json(self, cells: dict, number: int, problems: list[Problem]) -> dict[str, str]:
        raw = {}
        for key, value in self._json_items(cells):
            name = self._key_field(key, number)
            if name is None or value is None:
                continue
            text = _json_text(value, name)
            if text is None:
                problems.append(
                    Problem(
                        name,
                        _("The value of {key} is a JSON {type}: give text or a number.").format(
                            key=repr(key), type=type(value).__name__
                        ),
                    )
                )
            elif text.strip():
                raw[name] = text.strip()
        return raw

    def _json_items(self, cells: dict) -> Iterator[tuple[str, object]]:
        """The keys and values of a JSON record, its objects spread into keys of their own
        ("Account.Name") unless the object is itself the value of a field."""
        for key, value in cells.items():
            if isinstance(value, dict) and self._spread(key, value):
                yield from self._json_items(_inner(key, value))
            else:
                yield key, value

    def _spread(self, key: str, value: dict) -> bool:
        """Whether the object at a key is read as keys of its own: it holds a field
        (Salesforce's Account.Name), or its key names none. {"amount": {"value": 2}} is
        an amount given as an object, and refused as such. Decided once for each key."""
        if key not in self.spread:
            if cols.normalize(key) in self.mapping:  # --map owner= leaves it out
                self.spread[key] = False
            else:
                inner = _inner(key, value)
                self.spread[key] = self.kind.field_for(key) is None or any(
                    self.mapping.get(cols.normalize(name)) or self.kind.field_for(name)
                    for name in inner
                )
        return self.spread[key]

    def _key_field(self, key: str, number: int) -> str | None:
        """The field of a JSON key (None: ignored), found once for the whole file."""
        if key not in self.key_fields:
            if len(self.key_fields) >= MAX_KEYS:
                raise InvalidInput(
                    _(
                        "{source}, record {number}: more than {count} different keys in "
                        "the records, which colibri does not keep track of: is it a list "
                        "of records?"
                    ).format(source=self.source.name, number=number, count=format_number(MAX_KEYS))
                )
            self.key_fields[key] = self._json_field(key)
        return self.key_fields[key]

    def _json_field(self, key: str) -> str | None:
        if cols.normalize(key) in self.mapping:
            target = self.mapping[cols.normalize(key)]
            name = cols.check_field(self.kind, target, "--map") if target else None
        elif key == cols.REJECT_REASON:
            return None
        else:
            name = self.kind.field_for(key)
        own = self.kind.outcome_field(key)
        if name in self.header_of and own is not None and own not in self.header_of:
            name = own  # beside another key of its field: the one of its outcome
        if name in self.header_of and self.kind.yields(key):
            name = None  # HubSpot's hs_object_id beside its id: the same, given way to
        if name is None:
            self.ignored.append(key)
        elif name in self.header_of and self.header_of[name] != key:
            raise InvalidInput(
                _(
                    "The keys {first} and {second} are both read as {name}: "
                    "keep one, e.g. with --map {key}= to ignore {second}."
                ).format(first=repr(self.header_of[name]), second=repr(key), name=name, key=key)
            )
        else:
            self.header_of[name] = key
        return name

    # A first look at some columns -------------------------------------------------------

    def scan(self, readers: dict) -> None:
        """Show each reader of `readers` (by field) the values of its column before any row
        is read, until its `saw(text, number)` says it has seen enough (the first amount
        with a decimal mark; a probability over 1): a column is read to its end only while
        it may still be fractions. The records are then read again from the first. A
        problem of the file itself ends the scan: the import meets it again in its place."""
        source = self.source
        pending = {
            name: reader
            for name, reader in readers.items()
            if name in self.header_of or source.format != "csv"
        }
        if not pending:
            source.no_rewind()
            return
        positions = [(index, name) for index, name in self.positions if name in pending]
        try:
            for record in source.records:
                for name, text, number in self._scanned(record, pending, positions):
                    if pending[name].saw(text, number):
                        del pending[name]
                if not pending:
                    break
        except InvalidInput:
            pass
        source.rewind()

    def _scanned(
        self, record: Record, wanted: dict, positions: list[tuple[int, str]]
    ) -> Iterator[tuple[str, str, bool]]:
        """The texts of a record's `wanted` fields, and whether each was a JSON number (a
        CSV's are at `positions`, those of the fields wanted at first)."""
        if isinstance(record.cells, list):
            cells = record.cells
            for index, name in positions:
                if name in wanted and index < len(cells) and cells[index].strip():
                    yield name, unneutralize(cells[index].strip()).strip(), False
            return
        for key, value in self._json_items(record.cells):
            name = self._key_field(key, record.number)
            if name in wanted and value is not None:
                text = _json_text(value, name)
                if text and text.strip():
                    yield name, text.strip(), isinstance(value, float)

    # The main loop ----------------------------------------------------------------------

    def run(
        self,
        on_rejected: Callable[[Rejection], None],
        on_progress: Callable[[int, int], None] = lambda rows, bytes_read: None,
    ) -> Result:
        self.on_rejected = on_rejected
        options = self.options
        if options.rejects and options.skip_invalid and not options.dry_run:
            self.rejects = RejectsFile(self.source, options.rejects)
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.conn.execute(f"SAVEPOINT {SAVEPOINT}")
        try:
            for batch in _batches(self.source.records, BATCH_ROWS):
                valid = []
                for record in batch:
                    if _is_empty(record.cells):
                        continue
                    self.result.rows += 1
                    self.dates.line = record.line
                    raw, defaulted, problems = self.extract(record)
                    values = None
                    if not problems:
                        values = self.parse(raw, defaulted, problems, record.line)
                    if record.maybe_footer and (problems or _reads_as_footer(record.cells)):
                        self._leave_out(record, defaulted)
                    elif problems:
                        self.reject(record, problems, defaulted)
                    else:
                        valid.append((record, values, raw, defaulted))
                self.write(valid)
                self._report_rejected()
                on_progress(self.result.rows, self.source.bytes_read)
        except sqlite3.IntegrityError as error:
            if self.rejects:
                self.rejects.discard()
            raise ColibriError(
                _(
                    "The database refused a row of {source} ({error}) that the import "
                    "had found valid; nothing was imported. This is a bug in colibri: please "
                    "report it, with the row if you can."
                ).format(source=self.source.name, error=error)
            ) from error
        except BaseException:
            if self.rejects:
                self.rejects.discard()
            raise  # the command's transaction is rolled back
        self.look_back()
        result = self.result
        result.misread = self.misread()
        result.refused = bool((result.rejected and not options.skip_invalid) or result.misread)
        result.kept = not options.dry_run and not result.refused
        if result.kept:
            self.finish()
            self.conn.execute(f"RELEASE {SAVEPOINT}")
        else:
            self.conn.execute(f"ROLLBACK TO {SAVEPOINT}")
            self.conn.execute(f"RELEASE {SAVEPOINT}")
        if self.rejects:
            result.rejects_path = self.rejects.finish(keep=result.kept)
        self.notices()
        return result

    def misread(self) -> str | None:
        """Why the whole file was read wrong, if it was: its dates in the other order."""
        return self.dates.misread()

    def reject(self, record: Record, problems: list[Problem], defaulted: set[str]) -> None:
        self.result.rejected += 1
        shown = [
            (self.column(problem.field, defaulted), _sentence(problem)) for problem in problems
        ]
        for problem in problems:
            if problem.topic:
                counts = self.topics.setdefault(problem.topic, Counter())
                if problem.value in counts or len(counts) < TOPIC_VALUES:
                    counts[problem.value or ""] += 1
        self.rejected.append((Rejection(record.line, record.number, shown), record))

    def _report_rejected(self) -> None:
        """Say a batch's rejected rows in the order of the file: some are refused as they
        are read, others (duplicates, updates) only as the batch is written."""
        self.rejected.sort(key=lambda pair: pair[0].number)
        for rejection, record in self.rejected:
            self.on_rejected(rejection)
            if self.rejects:
                self.rejects.write(record, reason(rejection))
        self.rejected.clear()

    def column(self, name: str | None, defaulted: set[str] = frozenset()) -> str | None:
        if name is None:
            return None
        if name in defaulted:
            return f"--default {name}"
        return self.header_of.get(name, name)

    # What each kind says ----------------------------------------------------------------

    def parse(
        self, raw: dict[str, str], defaulted: set[str], problems: list[Problem], line: int
    ) -> dict:
        raise NotImplementedError

    def write(self, valid: list) -> None:
        raise NotImplementedError

    def look_back(self) -> None:
        """Take note of what the rows written did, before they stand or are rolled back
        (a dry run, a refusal): nothing by default."""

    def finish(self) -> None:
        """Work left for the end of an import that stands (none by default)."""

    def notices(self) -> None:
        result = self.result
        if self.source.records_key:
            result.notices.append(
                _("Read the records under {key} of the JSON object.").format(
                    key=repr(self.source.records_key)
                )
            )
        footer = self.footer
        if footer:
            lines = Lines()
            for record in footer:
                lines.add(record.line)
            shown = ", ".join(repr(_first_cell(record.cells)) for record in footer[:3])
            more = _(" and {count} more").format(count=len(footer) - 3) if len(footer) > 3 else ""
            result.notices.append(
                _(
                    "Left out {lines}, after the last row: a report's footer ({shown}{more})."
                ).format(lines=lines, shown=shown, more=more)
            )
        if self.ignored:
            shown = ", ".join(repr(header) for header in self.ignored[:IGNORED_SHOWN])
            more = len(self.ignored) - IGNORED_SHOWN
            if more > 0:
                shown += _(" and {count} more").format(count=format_number(more))
            result.notices.insert(
                0,
                _(IGNORED[self.kind.singular]).format(columns=shown),
            )
        for name, count in (+self.default_uses).items():  # those that filled a row
            result.notices.append(
                ngettext(
                    "--default {name}={value} filled {count} row.",
                    "--default {name}={value} filled {count} rows.",
                    count,
                ).format(name=name, value=self.defaults[name], count=format_number(count))
            )
        self._hints()

    def _hints(self) -> None:
        result = self.result
        statuses_unknown = self.topics.get("status")
        if statuses_unknown:
            stages = statuses_unknown.most_common(STAGES_SHOWN)
            shown = ", ".join(f"{text!r} ({format_number(count)})" for text, count in stages)
            shown = as_in_file(shown)
            more = len(statuses_unknown) - len(stages)
            if more:
                shown += _(" and {count} more").format(count=_distinct(more))
            result.hints.append(
                _(
                    "Unknown statuses: {shown}. Map each to a colibri status (see `colibri "
                    "statuses list`), putting it in place of STATUS: {options}"
                ).format(
                    shown=shown,
                    options=" ".join(
                        f"--status-map {cols.shell(text + '=STATUS')}" for text, _count in stages
                    ),
                )
            )
        missing_accounts = self.topics.get("account")
        if missing_accounts:
            many = len(missing_accounts)
            result.hints.append(
                ngettext(
                    "{count} account not found; --create-accounts creates the missing ones.",
                    "{count} accounts not found; --create-accounts creates the missing ones.",
                    many,
                ).format(count=_distinct(many))
            )
        self._hint_account_ids()
        missing_contacts = self.topics.get("contact")
        if missing_contacts:
            many = len(missing_contacts)
            result.hints.append(
                ngettext(
                    "{count} contact not found; --create-contacts creates the missing ones "
                    "at their opportunity's account.",
                    "{count} contacts not found; --create-contacts creates the missing ones "
                    "at their opportunity's account.",
                    many,
                ).format(count=_distinct(many))
            )
        missing = Counter(
            {
                name: count
                for name, count in self.topics.get("missing", Counter()).items()
                if name not in ("name", "title")
            }
        )
        if missing:
            shown = ", ".join(
                f"{name} ({format_number(count)})" for name, count in missing.most_common()
            )
            examples = " ".join(
                f"--default {name}={DEFAULT_EXAMPLES[name]}"
                for name in missing
                if name in DEFAULT_EXAMPLES
            )
            result.hints.append(
                _(
                    "Empty required values: {shown}. Fill them in, or give a value for them all "
                    "with --default FIELD=VALUE{examples}."
                ).format(
                    shown=shown,
                    examples=_(" (e.g. {options})").format(options=examples) if examples else "",
                )
            )

    def _hint_account_ids(self) -> None:
        """Accounts named by an external id alone: no name to create them with."""
        missing_ids = self.topics.get("account_id")
        if not missing_ids:
            return
        many = len(missing_ids)
        shown = ", ".join(repr(external_id) for external_id, _count in missing_ids.most_common(3))
        self.result.hints.append(
            ngettext(
                "{count} account external id not found ({shown}): --create-accounts cannot "
                "create an account from its id alone. Import the accounts file first "
                "(colibri import accounts), or map the column of the account's name "
                "(--map COLUMN=account).",
                "{count} account external ids not found ({shown}): --create-accounts cannot "
                "create an account from its id alone. Import the accounts file first "
                "(colibri import accounts), or map the column of the account's name "
                "(--map COLUMN=account).",
                many,
            ).format(count=_distinct(many), shown=shown + (", …" if many > 3 else ""))
        )

    def _leave_out(self, record: Record, defaulted: set[str]) -> None:
        """Set aside a line of a report's footer: no row, no rejection, no default used."""
        self.footer.append(record)
        self.result.rows -= 1
        self.default_uses.subtract(defaulted)

    # Shared writing helpers -------------------------------------------------------------

    def match_by_id(self, values: dict) -> list[int]:
        """The records of this kind a row names by its external id: the record of this
        database's own id (the id then leaves the values: it is never stored), or those
        that have it as their external id."""
        external_id = values.get("external_id")
        if external_id is None:
            return []
        table = self.kind.table
        column, value = self.own.where(table, external_id)
        if column == "id":
            del values["external_id"]
        sql = f"SELECT id FROM {table} WHERE {column} = ?"
        return [row[0] for row in self.conn.execute(sql, (value,))]

    def seen_before(self, record_id: int) -> bool:
        """Whether a record was created or matched by an earlier row of this file."""
        if record_id > self.start_max:
            return True
        byte, bit = record_id >> 3, 1 << (record_id & 7)
        if self.matched[byte] & bit:
            return True
        self.matched[byte] |= bit
        return False


def reason(rejection: Rejection) -> str:
    """What a rejects file says about a row: every problem, with its column."""
    return "; ".join(
        f"{column}: {problem.message}" if column else problem.message
        for column, problem in rejection.problems
    )


# Helpers ----------------------------------------------------------------------------------


FIELD_HOLDERS = ("properties", "fields")
"""Keys whose object holds a JSON record's own fields (HubSpot's "properties", Airtable's
"fields"): read as if they were the record's. Another object's keys are read under its
name: Salesforce's {"Account": {"Name": ...}} as "Account.Name"."""
METADATA = "attributes"
"""Salesforce's object of a record's type and URL, in every record and object of its
JSON: left out, but for the referenceId of a tree file (sfdx data export tree), which
the other files write with an "@" before it ("AccountId": "@AccountRef1")."""


def _inner(key: str, value: dict) -> dict:
    """The keys of an object in a JSON record, as the record's own (see FIELD_HOLDERS)."""
    last = key.rpartition(".")[2]
    if last == METADATA:
        reference = value.get("referenceId")
        return {f"{key}.referenceId": f"@{reference}"} if isinstance(reference, str) else {}
    if last in FIELD_HOLDERS:
        return value
    return {f"{key}.{inner}": member for inner, member in value.items()}


def _cells_refused(count: int, width: int) -> str:
    return ngettext(
        "This row has {count} cell but the header has {width}: check the delimiter and the quotes.",
        "This row has {count} cells but the header has {width}: check the delimiter and the "
        "quotes.",
        count,
    ).format(count=format_number(count), width=format_number(width))


def _distinct(distinct: int) -> str:
    """How many distinct values a hint is about: counted up to TOPIC_VALUES, no further."""
    if distinct < TOPIC_VALUES:
        return format_number(distinct)
    return _("More than {count}").format(count=format_number(distinct - 1))


def _sentence(problem: Problem) -> Problem:
    """The problem, its message ending like a sentence (some parsers leave that to callers)
    and showing the file's values as the file has them (`as_in_file`)."""
    message = as_in_file(problem.message)
    if not message.endswith((".", "?", "!")):
        message += "."
    if message == problem.message:
        return problem
    return Problem(problem.field, message, problem.topic, problem.value)


def as_in_file(message: str) -> str:
    """A message whose quoted values show their backslashes as the file has them: '\\N'
    (a MySQL dump's NULL), where repr() doubles each. No message has a backslash of its
    own, so every pair of them is one of a value's."""
    return message.replace("\\\\", "\\") if "\\" in message else message


def duplicate(key_field: str, noun: str, value: str) -> Problem:
    what = {
        "external_id": _("the same external id {value}"),
        "name": _("the same account and name ({value})")
        if noun != "account"
        else _("the same name {value}"),
        "title": _("the same title ({value}), account, opportunity and due date"),
        "summary": _("the same text ({value}), account, kind, date and time"),
    }[key_field].format(value=repr(value))
    return Problem(
        key_field,
        _("An earlier row of this file has {what}: remove the duplicate, or {fix}.").format(
            what=what, fix=_(OWN_ID[noun])
        ),
    )


OWN_ID = {
    "account": N_("give each account its own external id"),
    "contact": N_("give each contact its own external id"),
    "opportunity": N_("give each opportunity its own external id"),
    "task": N_("give each task its own external id"),
    "activity": N_("give each activity its own external id"),
}


def given_fields(raw: dict, defaulted: set) -> set[str]:
    """The fields a row really gives (an update leaves the others as they are)."""
    return {name for name in raw if name not in defaulted}


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


def _is_empty(cells) -> bool:
    """A blank CSV line (a JSON record is never empty: `{}` is an invalid row)."""
    return isinstance(cells, list) and (not any(cells) or not "".join(cells).strip())


FOOTER_TEXT = re.compile(
    r"(grand )?totals?\b|sous[- ]totaux?\b|total general\b|copyright\b|\(c\)|©"
    r"|confidential|confidentiel|generated by|genere par|salesforce\.com"
)
"""How the lines of a report's footer begin (folded: no case, no accents)."""


def _reads_as_footer(cells: list[str]) -> bool:
    """Whether a one-cell line reads as a report's totals, copyright or signature."""
    return FOOTER_TEXT.match(fold(_first_cell(cells))) is not None


def _first_cell(cells: list[str]) -> str:
    return next((cell.strip() for cell in cells if cell.strip()), "")


def _json_text(value: object, name: str) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list) and name == "tags" and all(isinstance(v, str) for v in value):
        return ",".join(value)
    return None
