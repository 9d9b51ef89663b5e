"""`colibri export`: each kind of record as CSV, JSON or JSON lines, or the whole database.

The rows come from core/transfer/exporting and are streamed to the destination as they are
read, so an export of a million deals keeps flat memory.
"""

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from colibri_cli.cli.context import database
from colibri_cli.cli.imports import counted
from colibri_cli.cli.output import (
    destination,
    is_stdout,
    json_text,
    plural,
    say,
    write_csv,
    write_json,
)
from colibri_cli.i18n import _

export_app = typer.Typer(
    help="Export accounts, contacts, opportunities, tasks, activities or the history as CSV "
    "or JSON, or the whole database.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


ExportFormatOption = Annotated[
    ExportFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="csv (spreadsheets), json (an array) or jsonl (one object a line).",
    ),
]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
]


class Export(NamedTuple):
    """One kind of record `colibri export KIND` writes."""

    records: str
    """What the message after an export to a file counts ("Exported 3 accounts to …")."""
    help: str


EXPORTS = {
    "accounts": Export(
        "accounts",
        """Export accounts, in the columns `colibri import accounts` reads back.

Example: colibri export accounts -o accounts.csv""",
    ),
    "contacts": Export(
        "contacts",
        """Export contacts, with their account's name.

Example: colibri export contacts --format json | jq '.[].email'""",
    ),
    "opps": Export(
        "opportunities",
        """Export opportunities, with their account's and contact's names.

Example: colibri export opps -o deals.csv""",
    ),
    "tasks": Export(
        "tasks",
        """Export tasks, with their account and opportunity.

Example: colibri export tasks --format jsonl > tasks.jsonl""",
    ),
    "activities": Export(
        "activities",
        """Export activities, with their account, opportunity and contact.

Example: colibri export activities -o activities.csv""",
    ),
    "history": Export(
        "history rows",
        """Export every recorded state of every opportunity (not imported back).

Example: colibri export history -o history.csv""",
    ),
}
"""The export commands, in the order of `colibri export --help`."""


def _export_command(kind: str) -> None:
    def export(output_format: ExportFormatOption = ExportFormat.csv, output: Output = None) -> None:
        _export(kind, output_format, output)

    export_app.command(kind, help=EXPORTS[kind].help)(export)


for _kind in EXPORTS:
    _export_command(_kind)


@export_app.command("all")
def export_all(output: Output = None) -> None:
    """Export the whole database as one JSON file, to move it or to read it anywhere.

    Every row of every table, ids included: accounts, contacts, statuses, opportunities
    (those in the trash too), their whole history, tasks, activities, targets, settings,
    the last ids given and the database's identity. `colibri import all` loads it into an
    empty database.

    Example: colibri export all -o colibri-all.json
    """
    from colibri_cli.core.transfer import whole

    with database(write=False) as conn, destination(output) as out:
        counts = whole.write(conn, out)
    if not is_stdout(output):
        say(
            _("Exported the whole database to {path}: {counts}.").format(
                path=output, counts=counted(counts)
            )
        )


def _export(kind: str, output_format: ExportFormat, output: Path | None) -> None:
    from colibri_cli.core.transfer import exporting

    # The destination first: refused, it leaves no query open on the database.
    with database(write=False) as conn, destination(output) as out:
        names, rows = exporting.export_rows(conn, kind)
        written = _Counted(rows)
        if output_format is ExportFormat.csv:
            write_csv(written, names, out)
        elif output_format is ExportFormat.json:
            write_json(written, names, out)
        else:
            for row in written:
                out.write(json_text({name: row[name] for name in names}))
                out.write("\n")
    if not is_stdout(output):
        say(
            _("Exported {records} to {path}.").format(
                records=plural(written.count, EXPORTS[kind].records), path=output
            )
        )


class _Counted:
    """The rows, counted as they are written."""

    def __init__(self, rows: Iterator[dict]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[dict]:
        for row in self.rows:
            self.count += 1
            yield row
