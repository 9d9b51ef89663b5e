"""Opening what is imported: a file or stdin, read as it streams, never whole.

The encoding is UTF-8, with or without a BOM (a UTF-16 BOM, as in Excel's "Unicode text",
is honoured too), or the one given with `--encoding` (cp1252, latin-1). The format is found
from the first characters: `[` is a JSON array, `{` JSON lines, anything else CSV, whose
delimiter (comma, semicolon or tab) is the one the header line uses most, outside quotes.
Excel's `sep=;` first line is understood.
"""

import codecs
import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _

HEAD_BYTES = 64 * 1024
CHUNK_CHARS = 256 * 1024
MAX_RECORD_CHARS = 16 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
DESCRIPTIONS = {
    ",": N_("comma-separated CSV, {encoding}"),
    ";": N_("semicolon-separated CSV, {encoding}"),
    "\t": N_("tab-separated CSV, {encoding}"),
    "json": N_("JSON, {encoding}"),
    "jsonl": N_("JSON lines, {encoding}"),
}
"""How a source is described, by its delimiter (csv) or its format."""
OBJECT_EXAMPLE = '{"name": ...}'
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FORMATS = ("csv", "json", "jsonl")
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

    @property
    def bytes_read(self) -> int:
        return self.counter.count

    def close(self) -> None:
        """Close the file (never stdin)."""
        self.counter.close()

    def describe(self) -> str:
        """ "semicolon-separated CSV, UTF-8 with BOM" """
        known = {"utf-8-sig": _("UTF-8 with BOM"), "utf-8": "UTF-8", "utf-16": "UTF-16"}
        encoding = known.get(self.encoding, self.encoding)
        described = DESCRIPTIONS[self.delimiter if self.format == "csv" else self.format]
        return _(described).format(encoding=encoding)


def open_source(path: str, stdin: BinaryIO, *, encoding: str | None = None) -> Source:
    """Open `path` ("-" for stdin) and find its encoding, format and columns."""
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
    head = counter.read(HEAD_BYTES)
    chosen, bom = _encoding(head, encoding)
    binary = io.BufferedReader(_Prefixed(head, counter), buffer_size=HEAD_BYTES)
    text = io.TextIOWrapper(binary, encoding=chosen, newline="")
    start = _first_characters(text, name, chosen)
    if start.startswith("["):
        return _json_source(name, chosen, bom, text, start, size, counter)
    if start.startswith("{"):
        return _jsonl_source(name, chosen, bom, text, start, size, counter)
    return _csv_source(name, chosen, bom, text, start, size, counter)


def unneutralize(text: str) -> str:
    """Undo the neutralisation of colibri's CSV: "'=1+1" is read as "=1+1".

    Exports put a "'" before any text whose first character after its own leading "'"s is
    one of FORMULA_STARTS; removing exactly one such "'" gives the text back, whatever it was.
    """
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _encoding(head: bytes, given: str | None) -> tuple[str, bool]:
    for mark, name in BOMS:
        if head.startswith(mark):
            return name, True
    if not given:
        return "utf-8", False
    try:
        return codecs.lookup(given).name, False
    except LookupError:
        raise InvalidInput(
            _(
                "Unknown encoding {encoding}: use utf-8, cp1252 (Windows spreadsheets) or latin-1."
            ).format(encoding=repr(given))
        ) from None


def _first_characters(text: io.TextIOWrapper, name: str, encoding: str) -> str:
    """What the file starts with (the whole first line), read under the encoding's errors."""
    with decoding(name, encoding, 1):
        return text.readline()


class decoding:
    """Turn a decoding error into a message that names the line and the fix."""

    def __init__(self, name: str, encoding: str, line: int) -> None:
        self.name, self.encoding, self.line = name, encoding, line

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, _traceback) -> None:
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


def _csv_source(name, encoding, bom, text, first, size, counter) -> Source:
    lines = 1
    if first.rstrip("\r\n").lower().startswith("sep=") and len(first.rstrip("\r\n")) == 5:
        delimiter = first.rstrip("\r\n")[4]
        with decoding(name, encoding, 2):
            first = text.readline()
        lines = 2
    else:
        delimiter = sniff_delimiter(first)
    reader = csv.reader(_chain(first, text), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        headers = []
    except csv.Error as error:
        raise InvalidInput(
            _("{name}: cannot read the header line: {error}.").format(name=name, error=error)
        ) from None
    headers = [header.strip() for header in headers]
    source = Source(name, "csv", encoding, bom, delimiter, headers, iter(()), size, counter)
    source.line_end = "\r\n" if first.endswith("\r\n") else "\n"
    source.records = _csv_records(reader, source, lines - 1)
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


def _chain(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


def _csv_records(reader, source: Source, offset: int) -> Iterator[Record]:
    """The rows, as they stream. A report exported as CSV (Salesforce's) ends with a blank
    line and lines of one cell each (totals, copyright, who ran it): held back from the
    first blank line on, such lines come `maybe_footer` if nothing else follows them."""
    number = 0
    line = reader.line_num + 1 + offset
    guard = decoding(source.name, source.encoding, line)
    held: list[Record] | None = None
    """From a blank line on: the rows that may be a footer."""
    try:
        with guard:
            for cells in reader:
                number += 1
                record = Record(line, number, cells)
                line = guard.line = reader.line_num + 1 + offset
                if held is None:
                    if any(cells):
                        yield record
                    else:
                        held = [record]
                elif sum(1 for cell in cells if cell.strip()) <= 1:
                    held.append(record)
                else:
                    yield from held
                    yield record
                    held = None
        for record in held or ():
            record.maybe_footer = True
            yield record
    except csv.Error as error:
        raise InvalidInput(
            _("{name}, line {line}: cannot read it as CSV ({error}); check its quotes.").format(
                name=source.name, line=line, error=error
            )
        ) from None


def _jsonl_source(name, encoding, bom, text, first, size, counter) -> Source:
    source = Source(name, "jsonl", encoding, bom, None, [], iter(()), size, counter)
    first_record = _jsonl_object(first, 1, name)
    source.headers = list(first_record)
    source.records = _jsonl_records(first_record, text, source)
    return source


def _jsonl_object(line: str, number: int, name: str) -> dict:
    try:
        value = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        raise InvalidInput(
            _("{name}, line {line}: not valid JSON ({error}, column {column}).").format(
                name=name, line=number, error=error.msg, column=error.colno
            )
        ) from None
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
    return value


def _jsonl_records(first: dict, text: io.TextIOWrapper, source: Source) -> Iterator[Record]:
    yield Record(1, 1, first)
    number = 1
    guard = decoding(source.name, source.encoding, 2)
    with guard:
        for line, content in enumerate(text, start=2):
            guard.line = line
            if content.strip():
                number += 1
                yield Record(line, number, _jsonl_object(content, line, source.name))


def _json_source(name, encoding, bom, text, first, size, counter) -> Source:
    stream = _JsonArray(name, encoding, first, text)
    source = Source(name, "json", encoding, bom, None, [], iter(()), size, counter)
    records = stream.records()
    try:
        first_record = next(records)
    except StopIteration:
        return source
    source.headers = list(first_record.cells)
    source.records = _prepend(first_record, records)
    return source


def _prepend(first: Record, rest: Iterator[Record]) -> Iterator[Record]:
    yield first
    yield from rest


class _JsonArray:
    """The objects of a JSON array, decoded one at a time from a buffer refilled as needed."""

    def __init__(self, name: str, encoding: str, first: str, text: io.TextIOWrapper) -> None:
        self.name, self.encoding = name, encoding
        self.text = text
        self.buffer = first
        self.position = 0
        self.line = 1
        self.eof = False
        self.decoder = json.JSONDecoder()

    def records(self) -> Iterator[Record]:
        self._skip_space()
        self._expect("[")
        number = 0
        self._skip_space()
        if self._peek() == "]":
            return
        while True:
            self._skip_space()
            line = self.line
            value = self._value()
            number += 1
            if not isinstance(value, dict):
                raise InvalidInput(
                    _(
                        "{name}, record {number} (line {line}): a JSON file must be an array "
                        "of objects ({example})."
                    ).format(name=self.name, number=number, line=line, example=OBJECT_EXAMPLE)
                )
            yield Record(line, number, value)
            self._skip_space()
            if self._peek() == ",":
                self._advance(1)
                continue
            self._expect("]")
            return

    def _fill(self) -> bool:
        if self.eof:
            return False
        with decoding(self.name, self.encoding, self.line):
            chunk = self.text.read(CHUNK_CHARS)
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True

    def _peek(self) -> str:
        while self.position >= len(self.buffer):
            if not self._fill():
                return ""
        return self.buffer[self.position]

    def _advance(self, count: int) -> None:
        self.line += self.buffer.count("\n", self.position, self.position + count)
        self.position += count

    def _skip_space(self) -> None:
        while self._peek() in (" ", "\t", "\r", "\n"):
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

    def _value(self):
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.position < MAX_RECORD_CHARS and self._fill():
                    continue  # the record goes on in the next chunk
                line = self.line + self.buffer.count("\n", self.position, error.pos)
                raise InvalidInput(
                    _("{name}, line {line}: not valid JSON ({error}).").format(
                        name=self.name, line=line, error=error.msg
                    )
                ) from None
            if end == len(self.buffer) and not self.eof and self._fill():
                continue  # a number may go on in the next chunk: decode again with it
            self._advance(end - self.position)
            return value


class _Counting(io.RawIOBase):
    """Reads from a binary stream, counting the bytes (for the progress bar)."""

    def __init__(self, raw: BinaryIO, *, owned: bool) -> None:
        self.raw = raw
        self.owned = owned
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self.owned:
            self.raw.close()
        super().close()


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
