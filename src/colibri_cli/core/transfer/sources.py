"""Opening what is imported: a file or stdin, read as it streams, never whole.

The encoding is UTF-8, with or without a BOM (a UTF-16 BOM, as in Excel's "Unicode text",
is honoured too, and so is UTF-32's), or the one given with `--encoding` (cp1252, latin-1).
The format is found from the first characters: `[` is a JSON array, `{` JSON lines
when the first line is an object of its own, else a JSON object wrapping the records
(`{"records": [...]}`, `{"result": {"records": [...]}}`), anything else CSV, whose
delimiter (comma, semicolon or tab) is the one the header line uses most, outside quotes.
Excel's `sep=;` first line is understood, whatever the character it gives.

Every source is read with a bound: no line and no record longer than MAX_RECORD_CHARS
characters, so that memory stays flat whatever the input (a stream without a newline,
one cell of 50 MB). A JSON array is decoded a record at a time from a buffer refilled in
chunks, never loaded whole.
"""

import codecs
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _, format_number

HEAD_BYTES = 64 * 1024
CHUNK_CHARS = 256 * 1024
MAX_RECORD_CHARS = 1_000_000
"""The longest line or record read (a CSV record may span lines), far above any real
row: the one bound on what an import holds at once."""
SPOOL_BYTES = 8 * 1024 * 1024
"""What a copy of stdin kept for a rewind holds in memory before it goes to disk."""
MAX_INT_DIGITS = 100
"""Longer JSON integers are read as their digits (text): no field takes such a number,
and Python refuses to convert more than 4,300 digits."""
SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a UTF-16 pair alone (JSON's "\\ud800"): no character, and SQLite cannot store it."""
DELIMITERS = (",", ";", "\t")
DESCRIPTIONS = {
    ",": N_("comma-separated CSV, {encoding}"),
    ";": N_("semicolon-separated CSV, {encoding}"),
    "\t": N_("tab-separated CSV, {encoding}"),
    "json": N_("JSON, {encoding}"),
    "jsonl": N_("JSON lines, {encoding}"),
}
"""How a source is described, by its delimiter (csv) or its format..."""
OTHER_DELIMITER = N_("CSV separated by {delimiter}, {encoding}")
"""...and a CSV of another delimiter (Excel's `sep=|`)."""
OBJECT_EXAMPLE = '{"name": ...}'
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's, which begins it
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
NEEDS_BOM = ("utf-16", "utf-32")
"""Encodings whose byte order only a BOM tells (Python's decoders refuse a file without)."""
JSON_SPACE = (" ", "\t", "\r", "\n")
RECORD_KEYS = ("records", "results", "data", "items", "rows", "value")
"""The keys under which APIs and tools wrap a list of records (sfdx, Salesforce's and
HubSpot's APIs, OData's "value"): their list is the records even when it is empty. Under
another key, a list is the records if it holds objects."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet runs as a formula; colibri's CSV puts a "'" before such text."""


@dataclass(slots=True)
class Record:
    """One row of the file: `cells` is a list (CSV, aligned with the header) or a dict (JSON)."""

    line: int
    """The line on which the record starts."""
    number: int
    """Its position among the records, from 1."""
    cells: list[str] | dict
    last_line: int = 0
    """CSV: the line on which the record ends (a quoted cell may hold newlines)."""
    maybe_footer: bool = False
    """One of the lines of one cell after a blank line that end a CSV file: a report's
    footer (totals, copyright) if it is no valid row."""


@dataclass
class Source:
    name: str
    format: str
    encoding: str
    bom: bool
    delimiter: str | None
    headers: list[str]
    """CSV: the header row. JSON: the keys of the first record (others may follow)."""
    records: Iterator[Record]
    size: int | None
    """Bytes in the file, when known (not for a pipe)."""
    counter: "_Counting" = field(repr=False)
    line_end: str = "\n"
    """CSV: how the header line ends (a rejects file ends its lines alike)."""
    given_encoding: str | None = None
    """The encoding `--encoding` gave, to read the file again alike."""
    given_columns: list[str] | None = None
    """The header `--columns` gave a CSV file without one (its first line is a row)."""
    records_key: str | None = None
    """JSON: the key of the object wrapping the records, where one does ("records")."""

    @property
    def bytes_read(self) -> int:
        return self.counter.count

    def rewind(self) -> None:
        """Read the records again from the first: after a scan of some of them, which
        decides how a column is read (its decimal mark). A file is read again; stdin from
        a copy of what the scan read (on disk past SPOOL_BYTES), then on."""
        self.counter.rewind()
        again = _read_source(
            self.name, self.counter, self.given_encoding, self.size, self.given_columns
        )
        self.records = again.records

    def no_rewind(self) -> None:
        """The records are read once: no copy of stdin is kept for a rewind."""
        self.counter.forget()

    def close(self) -> None:
        """Close the file (never stdin)."""
        self.counter.close()

    def describe(self) -> str:
        """ "semicolon-separated CSV, UTF-8 with BOM" """
        known = {
            "utf-8-sig": _("UTF-8 with BOM"),
            "utf-8": "UTF-8",
            "utf-16": "UTF-16",
            "utf-32": "UTF-32",
        }
        encoding = known.get(self.encoding, self.encoding)
        if self.format == "csv" and self.delimiter not in DESCRIPTIONS:
            return _(OTHER_DELIMITER).format(delimiter=repr(self.delimiter), encoding=encoding)
        described = DESCRIPTIONS[self.delimiter if self.format == "csv" else self.format]
        return _(described).format(encoding=encoding)


def open_source(
    path: str,
    stdin: BinaryIO,
    *,
    encoding: str | None = None,
    columns: list[str] | None = None,
) -> Source:
    """Open `path` ("-" for stdin) and find its encoding, format and columns (`columns`,
    for a CSV file that has no header line)."""
    if path == "-":
        raw, name, size = stdin, "stdin", None
    else:
        try:
            raw = Path(path).open("rb")  # noqa: SIM115 - Source.close() closes it
            size = os.fstat(raw.fileno()).st_size
        except OSError as error:
            raise InvalidInput(
                _("Cannot read {path}: {error}.").format(path=path, error=error.strerror)
            ) from None
        name = path
    counter = _Counting(raw, owned=path != "-")
    try:
        return _read_source(name, counter, encoding, size, columns)
    except BaseException:
        counter.close()
        raise


def _read_source(
    name: str, counter: "_Counting", encoding: str | None, size, columns: list[str] | None
) -> Source:
    """The source `counter` reads from its first byte on."""
    head = counter.read(HEAD_BYTES)
    chosen, bom = _encoding(head, encoding, name)
    binary = _Newlines(_Prefixed(head, counter), buffer_size=HEAD_BYTES)
    text = io.TextIOWrapper(binary, encoding=chosen, newline="")
    lines = _Lines(text, name, chosen)
    start = lines.first()
    if start.startswith("{") and _object_of_its_own(start):
        source = _jsonl_source(name, chosen, bom, lines, size, counter)
    elif start.startswith(("[", "{")):
        source = _json_source(name, chosen, bom, binary, text, start, size, counter)
    else:
        source = _csv_source(name, chosen, bom, lines, size, counter, columns)
    if columns is not None and source.format != "csv":
        raise InvalidInput(
            _(
                "--columns names the columns of a CSV file without a header line: the keys "
                "of {name}'s records name its own."
            ).format(name=name)
        )
    source.given_encoding = encoding
    source.given_columns = columns
    return source


def unneutralize(text: str) -> str:
    """Undo the neutralisation of colibri's CSV: "'=1+1" is read as "=1+1".

    Exports put a "'" before any text whose first character after its own leading "'"s is
    one of FORMULA_STARTS; removing exactly one such "'" gives the text back, whatever it was.
    """
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _encoding(head: bytes, given: str | None, source: str) -> tuple[str, bool]:
    """The encoding to read with, and whether the file has a BOM (which then decides)."""
    chosen = _given_encoding(given) if given else "utf-8"
    for mark, name in BOMS:
        if head.startswith(mark):
            return name, True
    if chosen in NEEDS_BOM and head:
        raise InvalidInput(
            _(
                "{name} has no BOM, which tells the byte order of {encoding}: "
                "give --encoding {encoding}-le or {encoding}-be."
            ).format(name=source, encoding=chosen)
        )
    return chosen, False


def _given_encoding(given: str) -> str:
    """The codec `--encoding` names, if it is one that decodes bytes to text."""
    try:
        codec = codecs.lookup(given)
    except LookupError:
        raise InvalidInput(
            _(
                "Unknown encoding {encoding}: use utf-8, cp1252 (Windows spreadsheets) or latin-1."
            ).format(encoding=repr(given))
        ) from None
    if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, zlib, hex...
        raise InvalidInput(
            _(
                "{encoding} is not a text encoding: use utf-8, cp1252 (Windows spreadsheets) "
                "or latin-1."
            ).format(encoding=repr(given))
        )
    return codec.name


class decoding:
    """Turn a decoding error into a message that names the line and the fix."""

    def __init__(self, name: str, encoding: str, line: int) -> None:
        self.name, self.encoding, self.line = name, encoding, line

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, _traceback) -> None:
        if isinstance(error, UnicodeError) and not isinstance(error, UnicodeDecodeError):
            raise InvalidInput(  # a decoder's own refusal (idna, utf-16), with no byte
                _("{name} cannot be read as {encoding} (near line {line}).").format(
                    name=self.name, encoding=self.encoding.upper(), line=self.line
                )
                + _(" Give its encoding with --encoding.")
            ) from None
        if isinstance(error, UnicodeDecodeError):
            byte = error.object[error.start : error.start + 1].hex()
            hint = (
                _(
                    " It was probably saved by a spreadsheet in the Windows encoding: "
                    "import it with --encoding cp1252."
                )
                if self.encoding.startswith("utf-8")
                else _(" Give its encoding with --encoding.")
            )
            raise InvalidInput(
                _("{name} is not valid {encoding} (byte 0x{byte} near line {line}).").format(
                    name=self.name,
                    encoding=self.encoding.removesuffix("-sig").upper(),
                    byte=byte,
                    line=self.line,
                )
                + hint
            ) from None


def _csv_source(name, encoding, bom, lines: "_Lines", size, counter, columns) -> Source:
    first = lines.first()
    hint = first.rstrip("\r\n")
    if hint.lower().startswith("sep=") and len(hint) == 5:
        delimiter = hint[4]
        if delimiter == '"':
            raise InvalidInput(
                _('{name}, line 1: sep=" would make the quote the delimiter.').format(name=name)
            )
        next(lines)  # Excel's hint, no row
        lines.next_record()
        first = lines.first()
    else:
        delimiter = sniff_delimiter(first)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    if columns is not None:
        headers = columns
    else:
        try:
            headers = next(reader)
        except StopIteration:
            headers = []
        except csv.Error as error:
            raise InvalidInput(
                _("{name}: cannot read the header line: {error}.").format(name=name, error=error)
            ) from None
        lines.next_record()
    headers = [header.strip() for header in headers]
    source = Source(name, "csv", encoding, bom, delimiter, headers, iter(()), size, counter)
    source.line_end = "\r\n" if first.endswith("\r\n") else "\n"
    source.records = _csv_records(reader, lines, source)
    return source


def sniff_delimiter(line: str) -> str:
    """The delimiter the header line uses most, outside quotes; comma when it uses none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


FOOTER_LINES = 100
"""The most lines of one cell held back as a report's footer: more are rows."""


def _csv_records(reader, lines: "_Lines", source: Source) -> Iterator[Record]:
    """The rows, as they stream. A report exported as CSV (Salesforce's) ends with a blank
    line and lines of one cell each (totals, copyright, who ran it): held back from the
    first blank line on, such lines come `maybe_footer` if nothing else follows them.
    Blank lines themselves are no rows: they are not kept."""
    number = 0
    line = lines.record_line
    held: list[Record] | None = None
    """From a blank line on: the lines of one cell that may be a footer."""
    try:
        for cells in reader:
            number += 1
            record = Record(line, number, cells, lines.count)
            lines.next_record()
            line = lines.record_line
            if not any(cells):
                held = held or []
            elif held is None:
                yield record
            elif sum(1 for cell in cells if cell.strip()) <= 1 and len(held) < FOOTER_LINES:
                held.append(record)
            else:
                yield from held
                yield record
                held = None
        for record in held or ():
            record.maybe_footer = True
            yield record
    except csv.Error as error:
        raise InvalidInput(_quotes_refused(source.name, line, lines.count, error)) from None


def _quotes_refused(name: str, line: int, last: int, error: csv.Error) -> str:
    """Why a row cannot be read as CSV, in words: Python's csv says it in its own."""
    if "expected after" in str(error) and last > line:
        return _(
            "{name}, line {line}: a quote opens a cell there that a quote closes only on line "
            "{last}, where the cell goes on: check the quotes of line {line}."
        ).format(name=name, line=line, last=last)
    if "expected after" in str(error):
        return _(
            "{name}, line {line}: a quoted cell goes on after its closing quote (as in "
            '"10"0): inside quotes, write a quote twice (""), or quote the whole cell.'
        ).format(name=name, line=last)
    if "unexpected end of data" in str(error):
        return _(
            "{name}, line {line}: a quote opens a cell that no quote closes, down to the end "
            "of the file: check the quotes of that line."
        ).format(name=name, line=line)
    return _("{name}, line {line}: cannot read it as CSV ({error}); check its quotes.").format(
        name=name, line=line, error=error
    )


def _object_of_its_own(line: str) -> bool:
    """Whether a first line that opens an object is a whole record of JSON lines, rather
    than the start of an object wrapping the records (pretty-printed, or on one line)."""
    try:
        value = DECODER.decode(line.rstrip("\r\n"))
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(value, dict) and not any(
        _holds_records(key, member)
        or (isinstance(member, dict) and any(map(_holds_records, member, member.values())))
        for key, member in value.items()
    )


def _holds_records(key: str, value) -> bool:
    return isinstance(value, list) and (
        key in RECORD_KEYS or (bool(value) and isinstance(value[0], dict))
    )


def _keys(record: dict) -> list[str]:
    """The keys a JSON file's columns are matched on: its first record's, but for those of
    an object, read as the keys it holds when the import meets them ("Account.Name")."""
    return [key for key, value in record.items() if not isinstance(value, dict)]


def _jsonl_source(name, encoding, bom, lines: "_Lines", size, counter) -> Source:
    source = Source(name, "jsonl", encoding, bom, None, [], iter(()), size, counter)
    first_record = _jsonl_object(next(lines), 1, name)
    lines.next_record()
    source.headers = _keys(first_record)
    source.records = _jsonl_records(first_record, lines, source)
    return source


def _jsonl_object(line: str, number: int, name: str) -> dict:
    try:
        value = DECODER.decode(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        raise InvalidInput(
            _("{name}, line {line}: not valid JSON ({error}, column {column}).").format(
                name=name, line=number, error=error.msg, column=error.colno
            )
        ) from None
    except RecursionError:
        raise InvalidInput(_too_deep(name, _("line {line}").format(line=number))) from None
    if not isinstance(value, dict):
        raise InvalidInput(
            _(
                "{name}, line {line}: each line of JSON lines must be an object "
                "({example}), not {type}."
            ).format(
                name=name,
                line=number,
                example=OBJECT_EXAMPLE,
                type=type(value).__name__.replace("dict", "object"),
            )
        )
    surrogate = _lone_surrogate(value)
    if surrogate:
        where = _("line {line}").format(line=number)
        raise InvalidInput(_surrogate_refused(name, where, surrogate))
    return value


def _jsonl_records(first: dict, lines: "_Lines", source: Source) -> Iterator[Record]:
    yield Record(1, 1, first)
    number = 1
    for content in lines:
        line = lines.record_line
        lines.next_record()
        if content.strip():
            number += 1
            yield Record(line, number, _jsonl_object(content, line, source.name))


def _json_source(name, encoding, bom, binary, text, first, size, counter) -> Source:
    stream = _JsonDocument(name, encoding, first, binary, text)
    source = Source(name, "json", encoding, bom, None, [], iter(()), size, counter)
    records = stream.records()
    try:
        first_record = next(records)
    except StopIteration:
        source.records_key = stream.records_key
        return source
    source.records_key = stream.records_key
    source.headers = _keys(first_record.cells)
    source.records = _prepend(first_record, records)
    return source


def _prepend(first: Record, rest: Iterator[Record]) -> Iterator[Record]:
    yield first
    yield from rest


class _JsonDocument:
    """The records of a JSON document, an array of objects or an object wrapping one,
    decoded one at a time from a buffer refilled as needed."""

    def __init__(self, name, encoding, first: str, binary: "_Newlines", text) -> None:
        self.name, self.encoding = name, encoding
        self.binary, self.text = binary, text
        self.buffer = first
        self.position = 0
        self.line = 1
        self.eof = False
        self.where = (0, 1)
        """The record being read: its number and its line (number 0: no record yet)."""
        self.records_key: str | None = None
        """Where the records were found in a wrapping object: "result.records"."""

    def records(self) -> Iterator[Record]:
        self._skip_space()
        if self._peek() == "{":
            self._advance(1)
            yield from self._members(())
            if self.records_key is None:
                raise InvalidInput(
                    _(
                        "{name}: this JSON object holds no list of records: give an array of "
                        "objects ({example}), one object a line, or an object with the list "
                        "under a key ({wrapped})."
                    ).format(
                        name=self.name,
                        example=f"[{OBJECT_EXAMPLE}, ...]",
                        wrapped='{"records": [...]}',
                    )
                )
            self._expect_end(
                N_(
                    "{name}, line {line}: more data after the end of the JSON object "
                    "({found}): a JSON file holds one object."
                )
            )
        else:
            yield from self._array()
            self._expect_end(
                N_(
                    "{name}, line {line}: more data after the end of the JSON array "
                    "({found}): a JSON file holds one array."
                )
            )

    def _members(self, path: tuple[str, ...]) -> Iterator[Record]:
        """The records in the members of an object, its "{" read: the list of records at
        one of its keys, or at a key of one of its objects (sfdx's result.records)."""
        self._skip_space()
        if self._peek() == "}":
            self._advance(1)
            return
        while True:
            self._skip_space()
            self.where = (0, self.line)
            if self._peek() != '"':
                self._expect('"')  # a key, in quotes
            key = self._value()
            self._skip_space()
            self._expect(":")
            self._skip_space()
            here = (*path, key)
            if self._peek() == "[" and self._is_records(key):
                if self.records_key is not None:
                    raise InvalidInput(
                        _(
                            "{name}, line {line}: two lists of records in one JSON object, "
                            "under {first} and {second}: give them one file each."
                        ).format(
                            name=self.name,
                            line=self.line,
                            first=repr(self.records_key),
                            second=repr(".".join(here)),
                        )
                    )
                self.records_key = ".".join(here)
                yield from self._array()
            elif self._peek() == "{" and not path:
                self._advance(1)
                yield from self._members(here)
            else:
                self._value()  # no records: skipped
            if not self._more("}"):
                return

    def _is_records(self, key: str) -> bool:
        """Whether the array that starts here, at `key`, is a list of records."""
        if key in RECORD_KEYS:
            return True
        ahead = 1
        while self._ahead(ahead) in JSON_SPACE:
            ahead += 1
        return self._ahead(ahead) == "{"

    def _array(self) -> Iterator[Record]:
        self._expect("[")
        number = 0
        self._skip_space()
        if self._peek() == "]":
            self._advance(1)
            return
        while True:
            self._skip_space()
            line = self.line
            number += 1
            self.where = (number, line)
            value = self._value()
            if not isinstance(value, dict):
                raise InvalidInput(
                    _(
                        "{name}, record {number} (line {line}): a JSON file must be an array "
                        "of objects ({example})."
                    ).format(name=self.name, number=number, line=line, example=OBJECT_EXAMPLE)
                )
            surrogate = _lone_surrogate(value)
            if surrogate:
                raise InvalidInput(_surrogate_refused(self.name, self._where(), surrogate))
            yield Record(line, number, value)
            if not self._more("]"):
                return

    def _more(self, closing: str) -> bool:
        """After a member or an item: whether another follows (its comma read), or else
        the closing bracket, read."""
        self._skip_space()
        if self._peek() == ",":
            self._advance(1)
            return True
        self._expect(closing)
        return False

    def _expect_end(self, refusal: str) -> None:
        """Nothing but spaces after the array or object: what follows would be lost."""
        self._skip_space()
        if self._peek():
            found = self.buffer[self.position : self.position + 20]
            raise InvalidInput(_(refusal).format(name=self.name, line=self.line, found=repr(found)))

    def _fill(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.text.read(CHUNK_CHARS)
        except UnicodeError as error:
            line = self.line  # where the chunk begins: in UTF-16, a byte 10 is no newline
            if isinstance(error, UnicodeDecodeError) and self.encoding not in NEEDS_BOM:
                line = self.binary.line_of(error)
            with decoding(self.name, self.encoding, line):
                raise error from None
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True

    def _peek(self) -> str:
        return self._ahead(0)

    def _ahead(self, offset: int) -> str:
        """The character `offset` after the one being read ("" at the end)."""
        while self.position + offset >= len(self.buffer):
            if not self._fill():
                return ""
        return self.buffer[self.position + offset]

    def _advance(self, count: int) -> None:
        self.line += self.buffer.count("\n", self.position, self.position + count)
        self.position += count

    def _skip_space(self) -> None:
        while self._peek() in JSON_SPACE:
            self._advance(1)

    def _expect(self, char: str) -> None:
        found = self._peek()
        if found != char:
            shown = repr(found) if found else _("the end of the file")
            raise InvalidInput(
                _(
                    "{name}, line {line}: not valid JSON (expected {expected}, found {found})."
                ).format(name=self.name, line=self.line, expected=repr(char), found=shown)
            )
        self._advance(1)

    def _where(self) -> str:
        number, line = self.where
        if not number:
            return _("line {line}").format(line=line)
        return _("record {number} (line {line})").format(number=number, line=line)

    def _value(self):
        """The next value, read from at most MAX_RECORD_CHARS characters: the buffer is
        refilled (and the value decoded again) until it is complete, or over the bound."""
        while True:
            try:
                value, end = DECODER.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.position <= MAX_RECORD_CHARS and self._fill():
                    continue  # the record goes on in the next chunk
                if not self.eof:
                    raise InvalidInput(_too_long(self.name, self._where())) from None
                line = self.line + self.buffer.count("\n", self.position, error.pos)
                raise InvalidInput(
                    _("{name}, line {line}: not valid JSON ({error}).").format(
                        name=self.name, line=line, error=error.msg
                    )
                ) from None
            except RecursionError:
                raise InvalidInput(_too_deep(self.name, self._where())) from None
            if end == len(self.buffer) and not self.eof and self._fill():
                continue  # a number may go on in the next chunk: decode again with it
            if end - self.position > MAX_RECORD_CHARS:
                raise InvalidInput(_too_long(self.name, self._where()))
            self._advance(end - self.position)
            return value


def _whole_number(digits: str) -> int | str:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


DECODER = json.JSONDecoder(parse_int=_whole_number)


def _lone_surrogate(value) -> str | None:
    """The first lone surrogate ("\\ud800") in the text of a JSON value, if any: refused
    at once, as it is no character and would fail only as it is written."""
    if isinstance(value, str):
        found = not value.isascii() and SURROGATE.search(value)
        return found[0] if found else None
    if isinstance(value, dict):
        return next(filter(None, map(_lone_surrogate, (*value, *value.values()))), None)
    if isinstance(value, list):
        return next(filter(None, map(_lone_surrogate, value)), None)
    return None


def _surrogate_refused(name: str, where: str, found: str) -> str:
    return _(
        "{name}, {where}: {code} is half of a UTF-16 pair, alone: no character. "
        "Fix the file where it was made."
    ).format(name=name, where=where, code=f"\\u{ord(found):04x}")


def _too_long(name: str, where: str) -> str:
    return _(
        "{name}, {where}: longer than {limit} characters, the most one record may have: "
        "is it the file you meant?"
    ).format(name=name, where=where, limit=format_number(MAX_RECORD_CHARS))


def _too_deep(name: str, where: str) -> str:
    return _("{name}, {where}: not valid here, its JSON values are nested too deep.").format(
        name=name, where=where
    )


class _Lines:
    """The lines of a text source, as csv.reader and JSON lines read them, each refused if
    longer than MAX_RECORD_CHARS, and so is a record of several lines: `next_record()`
    says where one ends. A lone surrogate (only exotic encodings decode one) is refused."""

    def __init__(self, text: io.TextIOWrapper, name: str, encoding: str) -> None:
        self.text = text
        self.name = name
        self.encoding = encoding
        self.pending: str | None = None
        self.count = 0
        """Lines read so far."""
        self.record_line = 1
        """The line on which the record being read starts."""
        self.record_chars = 0

    def first(self) -> str:
        """The next line, which __next__ then gives again (at most the bound, and one
        character: a JSON array may well go on)."""
        if self.pending is None:
            self.pending = self._read()
        return self.pending

    def _read(self) -> str:
        try:
            return self.text.readline(MAX_RECORD_CHARS + 1)
        except UnicodeError as error:
            # The text is decoded a chunk ahead of the lines read: the error is on the
            # line after them plus the newlines of its chunk before it.
            line = self.count + 1
            if isinstance(error, UnicodeDecodeError):
                line += error.object[: error.start].count(b"\n")
            with decoding(self.name, self.encoding, line):
                raise error from None

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line, self.pending = (self._read() if self.pending is None else self.pending), None
        if not line:
            raise StopIteration
        self.count += 1
        self.record_chars += len(line)
        if self.record_chars > MAX_RECORD_CHARS:
            raise InvalidInput(_too_long(self.name, self._where()))
        if not line.isascii() and SURROGATE.search(line):
            found = SURROGATE.search(line)[0]
            raise InvalidInput(_surrogate_refused(self.name, self._where(), found))
        return line

    def _where(self) -> str:
        return _("line {line}").format(line=self.record_line)

    def next_record(self) -> None:
        self.record_line = self.count + 1
        self.record_chars = 0


class _Counting(io.RawIOBase):
    """Reads from a binary stream, counting the bytes (for the progress bar); it can go
    back to its start once: a file by seeking, a pipe from a copy of what it gave."""

    def __init__(self, raw: BinaryIO, *, owned: bool) -> None:
        self.raw = raw
        self.owned = owned
        self.count = 0
        self.start = raw.tell() if raw.seekable() else None
        self.copy = (
            None if self.start is not None else tempfile.SpooledTemporaryFile(SPOOL_BYTES)  # noqa: SIM115
        )
        """What a stream that cannot seek gave, until a rewind or `forget()`."""
        self.replay = None
        """After a rewind: the copy, read before the rest of the stream."""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.replay.read(size) if self.replay is not None else b""
        if not data:
            data = self.raw.read(size)
            if self.copy is not None:
                self.copy.write(data)
        self.count += len(data)
        return data

    def rewind(self) -> None:
        self.count = 0
        if self.start is not None:
            self.raw.seek(self.start)
        else:
            self.copy.seek(0)
            self.replay, self.copy = self.copy, None

    def forget(self) -> None:
        if self.copy is not None:
            self.copy.close()
            self.copy = None

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        for spooled in (self.copy, self.replay):
            if spooled is not None:
                spooled.close()
        if self.owned:
            self.raw.close()
        super().close()


class _Newlines(io.BufferedReader):
    """The bytes the text decoder reads, their newlines counted: the line of a byte that
    does not decode, told exactly whatever the decoder had decoded ahead."""

    newlines = 0

    def read1(self, size: int = -1) -> bytes:
        data = super().read1(size)
        self.newlines += data.count(b"\n")
        return data

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.newlines += data.count(b"\n")
        return data

    def line_of(self, error: UnicodeDecodeError) -> int:
        """The line of the byte refused: the failing bytes are the last read (with the
        few of a character begun before them)."""
        return 1 + self.newlines - error.object[error.start :].count(b"\n")


class _Prefixed(io.RawIOBase):
    """The bytes already read to sniff the file, then the rest of it."""

    def __init__(self, head: bytes, rest: _Counting) -> None:
        self.head = memoryview(head)
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            count = min(len(buffer), len(self.head))
            buffer[:count] = self.head[:count]
            self.head = self.head[count:]
            return count
        return self.rest.readinto(buffer)
