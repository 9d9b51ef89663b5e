"""`colibri import`: CSV, JSON and JSON lines in, from spreadsheets, other CRMs and scripts.

The work is in core/transfer; here are the options, the report on stderr (each rejected
row as it is met, then notices and a summary) and the progress bar. Heavy modules (the
importer, Rich's progress) are imported when a command runs, not for `--help`.
"""

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from colibri_cli.cli.context import database
from colibri_cli.cli.output import (
    plural,
    say,
    stderr_console,
    warn,
)
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _, format_number, ngettext

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

LARGE_BYTES = 5 * 1024 * 1024
"""A file at least this big gets a progress bar (on a terminal)..."""
LARGE_ROWS = 50_000
"""...and so does a stream from stdin once this many rows have gone by."""

import_app = typer.Typer(
    help="Import accounts, contacts, opportunities, tasks or activities from CSV, JSON or "
    "JSON lines, or a whole database.",
    no_args_is_help=True,
)


File = Annotated[
    str, typer.Argument(metavar="FILE|-", help="A CSV, JSON or JSON lines file; - reads stdin.")
]
Map = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="COLUMN=FIELD",
        help="Read COLUMN as FIELD (an export's column name); COLUMN= ignores it. Repeatable.",
    ),
]
Default = Annotated[
    list[str] | None,
    typer.Option(
        "--default",
        metavar="FIELD=VALUE",
        help="A value for rows that leave FIELD empty, e.g. amount=0, due_date=+1m. Repeatable.",
    ),
]
StatusMap = Annotated[
    list[str] | None,
    typer.Option(
        "--status-map",
        metavar="SOURCE=STATUS",
        help="Read another tool's stage SOURCE as the colibri STATUS. Repeatable.",
    ),
]
DateFormat = Annotated[
    str | None,
    typer.Option(
        "--date-format",
        metavar="PATTERN",
        help="strftime pattern for the file's dates, e.g. %m/%d/%Y (tried first).",
    ),
]
Encoding = Annotated[
    str | None,
    typer.Option(
        metavar="NAME",
        help="The file's encoding when it has no BOM and is not UTF-8: cp1252, latin-1…",
    ),
]
Columns = Annotated[
    str | None,
    typer.Option(
        "--columns",
        metavar="NAMES",
        help="The column names of a CSV file without a header line, comma-separated in "
        "the file's order (an empty name leaves a column out).",
    ),
]
CreateAccounts = Annotated[
    bool, typer.Option("--create-accounts", help="Create the accounts the file names.")
]
CreateContacts = Annotated[
    bool,
    typer.Option(
        "--create-contacts", help="Create the contacts the file names, at their deal's account."
    ),
]
Upsert = Annotated[bool, typer.Option("--upsert", help="Update the records already there.")]
SkipInvalid = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Import the valid rows even if others are invalid."),
]
Rejects = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE", help="With --skip-invalid: write the invalid rows there, with why."
    ),
]
FollowUp = Annotated[
    bool,
    typer.Option(
        "--follow-up",
        help="Add the follow-up task of each deal the import closes, as opp status would.",
    ),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check everything and report; write nothing.")
]


@import_app.command("accounts")
def import_accounts(
    file: File,
    map_: Map = None,
    columns: Columns = None,
    default: Default = None,
    encoding: Encoding = None,
    upsert: Upsert = False,
    skip_invalid: SkipInvalid = False,
    rejects: Rejects = None,
    dry_run: DryRun = False,
) -> None:
    """Import accounts; they match existing ones on external id, else on name.

    Fields: name, industry, email, phone, website, city, country, notes, external_id.

    Example: colibri import accounts clients.csv --map "Code client=external_id"
    """
    _import("accounts", file, encoding, locals())


@import_app.command("contacts")
def import_contacts(
    file: File,
    map_: Map = None,
    columns: Columns = None,
    default: Default = None,
    encoding: Encoding = None,
    create_accounts: CreateAccounts = False,
    upsert: Upsert = False,
    skip_invalid: SkipInvalid = False,
    rejects: Rejects = None,
    dry_run: DryRun = False,
) -> None:
    """Import contacts, each at an account given by name or external id.

    Fields: name (or first_name and last_name), account, account_external_id, email, phone,
    role, notes, external_id.

    Example: colibri import contacts people.csv --create-accounts
    """
    _import("contacts", file, encoding, locals())


@import_app.command("opps")
def import_opps(
    file: File,
    map_: Map = None,
    columns: Columns = None,
    status_map: StatusMap = None,
    default: Default = None,
    date_format: DateFormat = None,
    encoding: Encoding = None,
    create_accounts: CreateAccounts = False,
    create_contacts: CreateContacts = False,
    upsert: Upsert = False,
    skip_invalid: SkipInvalid = False,
    rejects: Rejects = None,
    follow_up: FollowUp = False,
    dry_run: DryRun = False,
) -> None:
    """Import opportunities: each needs a name, an account, an amount, a due date, a status.

    Closed ones (won, lost, cancelled) come with their history: open from created_on,
    closed from closed_on (else from their due date). A deal the import closes (closed
    within the last follow-up-delay, or by --upsert) gets its follow-up task with
    --follow-up; without, the import says how to add them.

    Fields: name, account, account_external_id, contact, contact_external_id, amount,
    currency, due_date, status, outcome, probability, created_on, closed_on, close_reason,
    won_closed_on, lost_closed_on, won_close_reason, lost_close_reason, source, type,
    description, tags, notes, external_id.

    Example: colibri import opps deals.csv --create-accounts --date-format %m/%d/%Y
    --status-map "Closed Won=won" --default amount=0
    """
    _import("opps", file, encoding, locals())


@import_app.command("tasks")
def import_tasks(
    file: File,
    map_: Map = None,
    columns: Columns = None,
    default: Default = None,
    date_format: DateFormat = None,
    encoding: Encoding = None,
    create_accounts: CreateAccounts = False,
    upsert: Upsert = False,
    skip_invalid: SkipInvalid = False,
    rejects: Rejects = None,
    dry_run: DryRun = False,
) -> None:
    """Import tasks, optionally for an account and an opportunity.

    Fields: title, due_date (maybe with a time: 2026-12-10 09:30), due_time, every,
    done_on, account, account_external_id, opportunity, opportunity_external_id, contact,
    contact_external_id, notes, external_id.

    Example: colibri import tasks todo.csv --date-format "%d.%m.%Y"
    """
    _import("tasks", file, encoding, locals())


@import_app.command("activities")
def import_activities(
    file: File,
    map_: Map = None,
    columns: Columns = None,
    default: Default = None,
    date_format: DateFormat = None,
    encoding: Encoding = None,
    create_accounts: CreateAccounts = False,
    upsert: Upsert = False,
    skip_invalid: SkipInvalid = False,
    rejects: Rejects = None,
    dry_run: DryRun = False,
) -> None:
    """Import calls, emails, meetings and notes, each at an account, deal or contact.

    An opportunity's or a contact's account is implied; each row is checked as
    `colibri log` checks it, and the file is imported whole or not at all.

    Fields: kind, happened_on, time_of_day, duration_minutes, summary, account,
    account_external_id, opportunity, opportunity_external_id, contact, contact_external_id,
    external_id.

    Example: colibri import activities calls.csv --default kind=call
    """
    _import("activities", file, encoding, locals())


@import_app.command("all")
def import_all(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE|-", help="A file of colibri export all; - reads stdin."),
    ],
) -> None:
    """Load a whole database from a file of `colibri export all` into an empty one.

    Every record keeps its id, and the history, the trash, the statuses, the targets and
    the settings come as they were: the reports say what they said. All or nothing.

    Example: colibri --db moved.db import all colibri-all.json
    """
    from colibri_cli.core.transfer import whole

    reader = whole.Reader(file, sys.stdin.buffer)  # its head is checked before the lock
    with reader, database(write=True) as conn:
        counts = whole.load(conn, reader)
    say(
        _("Imported the whole database from {source}: {counts}.").format(
            source=reader.source, counts=counted(counts)
        )
    )


def counted(counts: dict[str, int]) -> str:
    """ "10 accounts, 0 contacts, 60 opportunities, …" for the data tables of a database."""
    from colibri_cli.core.transfer import whole

    return ", ".join(
        plural(count, whole.noun(whole.BY_NAME[name])) for name, count in counts.items()
    )


def _import(kind: str, file: str, encoding: str | None, given: dict) -> None:
    """Run an import; `given` is the command's parameters (its `locals()`), which differ a
    little from one kind to the next (no --status-map for accounts, for instance)."""
    from colibri_cli.core.transfer import importing, sources

    options = importing.Options(
        mapping=importing.cols.parse_pairs(given.get("map_") or (), "--map", "COLUMN=FIELD"),
        status_map=importing.cols.parse_pairs(
            given.get("status_map") or (), "--status-map", "SOURCE=STATUS"
        ),
        defaults=list(given.get("default") or ()),
        date_format=given.get("date_format"),
        create_accounts=given.get("create_accounts", False),
        create_contacts=given.get("create_contacts", False),
        upsert=given["upsert"],
        skip_invalid=given["skip_invalid"],
        dry_run=given["dry_run"],
        rejects=given["rejects"],
        follow_up=given.get("follow_up", False),
    )
    columns = given.get("columns")
    source = sources.open_source(
        file,
        sys.stdin.buffer,
        encoding=encoding,
        columns=None if columns is None else columns.split(","),
    )
    report = _Report(source)
    with (
        contextlib.suppress(_Refused),
        contextlib.closing(source),
        database(write=True, create=not options.dry_run) as conn,
    ):
        importer = importing.prepare(conn, kind, source, options)
        shown = importer.mapping_shown
        if shown:
            pairs = ", ".join(f"{column!r} -> {name}" for column, name in shown)
            say(_("Columns: {pairs}").format(pairs=pairs))
        with report:
            result = importer.run(report.rejected, report.progress)
        described = source.describe()  # before the commit: nothing may fail after it
        if result.refused:
            raise _Refused  # rolled back: a refused import into a new path makes no file
    _summary(result, described)


class _Refused(Exception):
    """An import refused as a whole, which keeps nothing; `_summary` says why."""


class _Report:
    """The rejected rows as they come, and a progress bar on a terminal for a big input."""

    def __init__(self, source) -> None:
        self.source = source
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.shown = sys.stderr.isatty()

    def __enter__(self) -> "_Report":
        return self

    def __exit__(self, *_exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def rejected(self, rejection) -> None:
        where = _("line {line}").format(line=rejection.line)
        if self.source.format == "json":
            where = _("record {number} (line {line})").format(
                number=rejection.number, line=rejection.line
            )
        for column, problem in rejection.problems:
            self.say(
                _("{where}, {column}: {problem}").format(
                    where=where, column=column, problem=problem.message
                )
                if column
                else _("{where}: {problem}").format(where=where, problem=problem.message)
            )

    def say(self, message: str) -> None:
        if self.bar is not None:
            self.bar.console.print(message)
        else:
            say(message)

    def progress(self, rows: int, bytes_read: int) -> None:
        if not self.shown:
            return
        size = self.source.size
        if self.bar is None:
            if (size or 0) < LARGE_BYTES and rows < LARGE_ROWS:
                return
            self.bar, self.task = self._started(size)
        completed = min(bytes_read, size) if size else rows
        assert self.task is not None  # set with the bar
        self.bar.update(self.task, completed=completed, rows=rows)

    def _started(self, size: int | None) -> "tuple[Progress, TaskID]":
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(
            TextColumn(_("Importing")),
            BarColumn(),
            TextColumn("{task.fields[rows]:,} " + _("rows")),
            TimeElapsedColumn(),
            console=stderr_console(),
            transient=True,
        )
        task = bar.add_task("import", total=size, rows=0)
        bar.start()
        return bar, task


KIND_NAMES = {
    "accounts": N_("accounts"),
    "contacts": N_("contacts"),
    "opportunities": N_("opportunities"),
    "tasks": N_("tasks"),
    "activities": N_("activities"),
}
"""What an import brings in, as its summary names it."""


def _summary(result, described: str) -> None:
    kind_name = _(KIND_NAMES.get(result.kind.plural, result.kind.plural))
    for notice in result.notices:
        say(notice)
    for warning in result.warnings:
        warn(warning)
    for hint in result.hints:
        say(_("Hint: {hint}").format(hint=hint))
    counts = _("{created} created, {updated} updated, {skipped} skipped, {rejected} rejected")
    counts = counts.format(
        created=format_number(result.created),
        updated=format_number(result.updated),
        skipped=format_number(result.skipped),
        rejected=format_number(result.rejected),
    )
    if result.accounts_created:
        counts += ngettext(
            "; {count} new account", "; {count} new accounts", result.accounts_created
        ).format(count=format_number(result.accounts_created))
    if result.contacts_created:
        counts += ngettext(
            "; {count} new contact", "; {count} new contacts", result.contacts_created
        ).format(count=format_number(result.contacts_created))
    if result.dry_run:
        say(
            _(
                "Dry run, nothing written. Importing {kind} from {source} would give: {counts}."
            ).format(kind=kind_name, source=result.source, counts=counts)
        )
    elif result.kept:
        say(
            _("Imported {kind} from {source} ({described}): {counts}.").format(
                kind=kind_name, source=result.source, described=described, counts=counts
            )
        )
    if result.rejects_path is not None and not result.rejected:
        say(
            _("No row was rejected: {path} holds just the header.").format(path=result.rejects_path)
        )
    elif result.rejects_path is not None:
        say(
            ngettext(
                "The {count} rejected row is in {path}, with the reason in reject_reason; "
                "fix it and import that file again.",
                "The {count} rejected rows are in {path}, with the reason in reject_reason; "
                "fix them and import that file again.",
                result.rejected,
            ).format(count=format_number(result.rejected), path=result.rejects_path)
        )
    if result.refused:
        valid = result.rows - result.rejected
        start = _("The import would be refused") if result.dry_run else _("Nothing was imported")
        if result.misread:
            raise InvalidInput(f"{start}: {result.misread}")
        also = (
            ngettext(
                ", or import the {count} valid row with --skip-invalid "
                "(and --rejects FILE to keep the others)",
                ", or import the {count} valid rows with --skip-invalid "
                "(and --rejects FILE to keep the others)",
                valid,
            ).format(count=format_number(valid))
            if valid
            else ""
        )
        rows = ngettext("{count} row", "{count} rows", result.rows).format(
            count=format_number(result.rows)
        )
        raise InvalidInput(
            ngettext(
                "{start}: {count} of {rows} is invalid (listed above). Fix it{also}.",
                "{start}: {count} of {rows} are invalid (listed above). Fix them{also}.",
                result.rejected,
            ).format(start=start, count=format_number(result.rejected), rows=rows, also=also)
        )
