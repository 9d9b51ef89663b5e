"""The `colibri` command: global options, the sub-apps, and how failures reach the user."""

import contextlib
import os
import signal
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from colibri_cli import __version__, i18n
from colibri_cli.cli import (
    accounts,
    activities,
    backup,
    config,
    contacts,
    context,
    demo,
    metavars,
    opportunities,
    rates,
    reports,
    stats,
    statuses,
    tasks,
    transfer,
)
from colibri_cli.cli.output import error
from colibri_cli.core import store
from colibri_cli.core.errors import ColibriError, InvalidInput
from colibri_cli.i18n import _

DAY_ORDER = (
    "agenda",
    "task",
    "log",
    "activity",
    "opp",
    "account",
    "contact",
    "pipeline",
    "forecast",
    "target",
    "stats",
    "import",
    "export",
    "statuses",
    "rate",
    "config",
    "backup",
    "restore",
    "upgrade",
    "demo",
)
"""The commands in the order of a salesperson's day, as `colibri --help` lists them: what is due,
what was done, the deals and who they are with, then the reports, then the setting up."""

INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C, as shells give it (128 + SIGINT)."""


class ColibriGroup(TyperGroup):
    """Turns every failure into one line on stderr and a documented exit code.

    Overriding `main` covers both the installed script and `typer.testing.CliRunner`.
    """

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        # Typer vendors its own Click; the help shown for a bare group is a usage error there.
        from typer._click.exceptions import NoArgsIsHelpError

        arguments = args[0] if args else kwargs.pop("args", None)
        argv = sys.argv[1:] if arguments is None else list(arguments)
        garbled = _not_utf8(argv)
        self._choose_language([] if garbled else argv)
        metavars.name_the_values(self)
        try:
            _interrupts_raise()
            if garbled:
                raise InvalidInput(garbled)
            code = super().main(_db_first(argv), *args[1:], standalone_mode=False, **kwargs)
        except ColibriError as failure:
            if os.environ.get("COLIBRI_DEBUG"):
                raise
            error(str(failure))
            sys.exit(failure.exit_code)
        except NoArgsIsHelpError as failure:
            failure.show()
            sys.exit(failure.exit_code)
        except typer.TyperException as failure:
            usage = getattr(failure, "ctx", None)
            hint = (
                " " + _("See '{command} --help'.").format(command=usage.command_path)
                if usage
                else ""
            )
            message = failure.format_message().rstrip(".")  # Click ends some with ".", not all
            if i18n.language() != "en":
                from colibri_cli.cli import helptext

                message = helptext.usage_error(message).rstrip(".")  # so do the translations
            end = "" if message.endswith("?") else "."  # not "Did you mean 'list'?."
            error(f"{message}{end}{hint}")
            sys.exit(failure.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            sys.stderr.write("\n")
            sys.exit(INTERRUPTED)
        except OSError as failure:  # stdout full or gone: say so, no traceback
            if os.environ.get("COLIBRI_DEBUG"):
                raise
            error(_("Cannot write the output: {reason}.").format(reason=failure.strerror))
            sys.exit(1)
        if code == INTERRUPTED:  # Typer turns a KeyboardInterrupt in a command into this
            sys.stderr.write("\n")
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx) -> list[str]:
        known = {name: place for place, name in enumerate(DAY_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda name: known.get(name, len(known)))

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None):
        from colibri_cli.cli import completion

        completion.quote_for_shells()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def invoke(self, ctx):
        """A reader that stops reading (`colibri opp list -f csv | head`) is no error: the
        rest of the output is dropped and the command ends with 0, as `seq` and `cat` do
        (Typer would exit 1), so that `set -o pipefail` scripts go on."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere
            raise typer.Exit(0) from None

    def _choose_language(self, argv: list[str]) -> None:
        """Settle the language before anything is shown, and translate the help if needed.

        Before a command opens its database, the `language` setting is read from the file
        with plain sqlite3 (never created, migrated or locked), so that usage errors and
        `--help` follow it too; COLIBRI_LANG, when set, spares even that read. `--help`
        reads it only from a database named by --db or COLIBRI_DB: finding the default
        location imports platformdirs, which costs more than the help itself.
        """
        i18n.use_setting(None)
        i18n.use_date_display(None)  # ISO until the command opens its database
        context.default_path = None
        explicit = _db_argument(argv)
        named = explicit is not None or bool(os.environ.get("COLIBRI_DB"))
        if (named or not _asks_for_help(argv)) and not i18n.forced():
            try:
                path = store.database_path(explicit)
            except ColibriError:
                path = None  # a bad --db: the command reports it, in the locale's language
            if path is not None:
                context.default_path = None if explicit else path  # the command uses it too
                i18n.use_setting(store.peek_language(path))
        if i18n.language() != "en":
            from colibri_cli.cli import helptext

            helptext.translate(self)


def _interrupts_raise() -> None:
    """From here on Ctrl-C raises KeyboardInterrupt, which `main` turns into exit 130 after
    the command's transaction is rolled back (at start-up, `__main__` exits at once)."""
    with contextlib.suppress(ValueError):  # outside the main thread signals stay as they are
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _not_utf8(argv: list[str]) -> str | None:
    """What is wrong when an argument or a COLIBRI_ variable holds bytes that are not UTF-8.

    Python hands such bytes over as lone surrogates, which no database column, file or
    terminal can take: they are refused before any command sees them.
    """
    named = [(_("Argument {number}").format(number=n), a) for n, a in enumerate(argv, 1)]
    named += [(name, value) for name, value in os.environ.items() if name.startswith("COLIBRI_")]
    for name, text in named:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return _(
                "{name} is not valid UTF-8: {text}. Write it again in UTF-8, or set your "
                "terminal or script to UTF-8."
            ).format(name=name, text=_shown_bytes(text))
    return None


def _shown_bytes(text: str) -> str:
    """`text` with the bytes that are not UTF-8 written as \\xff escapes."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that came from no byte
        return text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def _asks_for_help(argv: list[str]) -> bool:
    return not argv or any(argument in ("-h", "--help") for argument in argv)


def _db_first(argv: list[str]) -> list[str]:
    """The command line with the global `--db PATH` moved before the command, so that it can
    be given anywhere: `colibri forecast accuracy --db week.db` as well as before."""
    given, rest = _split_db(argv)
    if len(set(given)) > 1:
        raise InvalidInput(
            _("--db is given twice, as {first} and {second}: give one database.").format(
                first=given[0], second=next(path for path in given if path != given[0])
            )
        )
    return ["--db", given[0], *rest] if given else rest


def _db_argument(argv: list[str]) -> str | None:
    """The value of the global `--db PATH` in a command line, if given."""
    given, _rest = _split_db(argv)
    return given[0] if given else None


def _split_db(argv: list[str]) -> tuple[list[str], list[str]]:
    """The paths given with `--db PATH` or `--db=PATH` before any `--`, and the rest of the
    command line, in order."""
    given, rest, index = [], [], 0
    while index < len(argv):
        argument = argv[index]
        if argument == "--":
            rest += argv[index:]
            break
        if argument == "--db" and index + 1 < len(argv):
            given.append(argv[index + 1])
            index += 2
            continue
        if argument.startswith("--db="):
            given.append(argument.removeprefix("--db="))
        else:
            rest.append(argument)
        index += 1
    return given, rest


app = typer.Typer(
    cls=ColibriGroup,
    name="colibri",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(accounts.app, name="account")
app.add_typer(contacts.app, name="contact")
app.add_typer(opportunities.app, name="opp")
app.add_typer(tasks.app, name="task")
app.command("agenda")(tasks.agenda)
app.command("log")(activities.log)
app.add_typer(activities.app, name="activity")
app.add_typer(statuses.app, name="statuses")
app.command("pipeline")(reports.pipeline)
app.add_typer(reports.forecast_app, name="forecast")
app.add_typer(stats.app, name="stats")
app.add_typer(reports.target_app, name="target")
app.add_typer(rates.app, name="rate")
app.add_typer(config.app, name="config")
app.command("demo")(demo.demo)
app.add_typer(transfer.import_app, name="import")
app.add_typer(transfer.export_app, name="export")
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("upgrade")(backup.upgrade)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"colibri {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Database file. Default: $COLIBRI_DB, else colibri.db in your data directory.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_print_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """colibri: a command-line CRM for solo salespeople, over one local SQLite file.

    Accounts, opportunities with an amount, a due date and a status, and the pipeline and
    forecast they make. Exit codes: 0 ok, 1 error, 2 invalid input, 3 not found,
    4 conflict, 5 database problem.
    """
    context.db_option = db
