"""The rejects file: the rows --skip-invalid left out, as they were, with the reason.

It has the format, delimiter (with Excel's `sep=` line for one that is not found
alone), line ends and encoding of the file imported, the original columns and
one more, `reject_reason`, first; fixed, it imports with the same command (the reason
column is then ignored). It is written next to its destination and moved there only when
the import stands, so a refused or dry run leaves no rejects file behind (core/files.py:
never the database, never through a planted file).
"""

import contextlib
import csv
import json
from pathlib import Path

from colibri_cli.core import files
from colibri_cli.core.errors import ColibriError, InvalidInput
from colibri_cli.core.transfer.columns import REJECT_REASON
from colibri_cli.core.transfer.sources import DELIMITERS, Record, Source
from colibri_cli.i18n import _


class RejectsFile:
    def __init__(self, source: Source, path: Path) -> None:
        self.source = source
        self.path = Path(path)
        if self.path.is_dir():
            raise InvalidInput(
                _("Cannot write the rejects file {path}: it is a directory.").format(path=path)
            )
        try:
            handle, self.temporary = files.temporary_beside(self.path)
        except OSError as error:
            raise InvalidInput(
                _("Cannot write the rejects file {path}: {reason}.").format(
                    path=path, reason=error.strerror
                )
            ) from None
        self.file = open(  # noqa: PTH123, SIM115 - a new file's fd, closed by finish()
            handle, "w", encoding=source.encoding, errors="replace", newline=""
        )
        self.count = 0
        self.reason_at: int | None = None
        if source.format == "csv":
            if source.delimiter not in DELIMITERS:  # Excel's sep=| line, or none reads it back
                self.file.write(f"sep={source.delimiter}{source.line_end}")
            self.writer = csv.writer(
                self.file, delimiter=source.delimiter, lineterminator=source.line_end
            )
            headers = list(source.headers)
            if REJECT_REASON in headers:
                self.reason_at = headers.index(REJECT_REASON)
            else:
                headers.insert(0, REJECT_REASON)
            self.writer.writerow(headers)

    def write(self, record: Record, reason: str) -> None:
        with self._failing():
            self._write(record, reason)

    def _write(self, record: Record, reason: str) -> None:
        self.count += 1
        if self.source.format == "csv":
            cells = list(record.cells)
            if self.reason_at is None:
                cells.insert(0, reason)
            else:
                cells += [""] * (self.reason_at + 1 - len(cells))
                cells[self.reason_at] = reason
            self.writer.writerow(cells)
            return
        row = {REJECT_REASON: reason}
        row.update((key, value) for key, value in record.cells.items() if key != REJECT_REASON)
        text = json.dumps(row, ensure_ascii=False)
        if self.source.format == "jsonl":
            self.file.write(text + "\n")
        else:
            self.file.write(("[\n  " if self.count == 1 else ",\n  ") + text)

    def finish(self, *, keep: bool) -> Path | None:
        """Move the file into place if the import stands and rows were rejected."""
        with self._failing():
            if self.source.format == "json":
                self.file.write("[]\n" if self.count == 0 else "\n]\n")
            self.file.close()
            if not keep:
                self.temporary.unlink(missing_ok=True)
                return None
            self.temporary.replace(self.path)
        return self.path

    @contextlib.contextmanager
    def _failing(self):
        """A write that fails (a full disk) removes the file and names it."""
        try:
            yield
        except OSError as error:
            self.discard()
            raise ColibriError(
                _("Cannot write the rejects file {path}: {reason}.").format(
                    path=self.path, reason=error.strerror
                )
            ) from error

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        self.temporary.unlink(missing_ok=True)
