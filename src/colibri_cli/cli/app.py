"""The `colibri` command: global options, the commands (loaded when they run), and how
failures reach the user."""

import contextlib
import dataclasses
import importlib
import os
import signal
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, ClassVar, NamedTuple, NoReturn

import typer
from typer._click import Command
from typer._click.utils import make_default_short_help
from typer.core import TyperGroup

from colibri_cli import __version__, i18n
from colibri_cli.cli import context, metavars
from colibri_cli.cli.output import error
from colibri_cli.core import store
from colibri_cli.core.errors import ColibriError, InvalidInput
from colibri_cli.i18n import N_, _


class LazyCommand(NamedTuple):
    """Where a command of the root lives, and the one line `colibri --help` shows for it.

    The line is the first sentence of the command's own help, written here again so that
    listing the commands imports none of them. It is not kept in step by hand:
    tests/test_help.py checks, in English and in French, that it is what the loaded command
    would show. (Reading it from each module's source instead would mean parsing them all
    at every start.) Its French is a message of its own in the catalog, found by extraction.
    """

    module: str
    attribute: str
    summary: str

    def build(self, name: str) -> Command:
        """The command, imported from its module and assembled as Typer does under a root."""
        target = getattr(importlib.import_module(f"colibri_cli.cli.{self.module}"), self.attribute)
        holder = typer.Typer(rich_markup_mode=None)  # plain help, as the root's
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=name)
        else:
            holder.command(name)(target)
        return typer.main.get_group(holder).commands[name]


COMMANDS = {
    "agenda": LazyCommand(
        "tasks", "agenda", N_("What is overdue, due today and due soon: tasks and deals.")
    ),
    "task": LazyCommand(
        "tasks", "app", N_("Tasks: the next thing to do for an account or a deal.")
    ),
    "log": LazyCommand(
        "activities",
        "log",
        N_("Log a call, email, meeting or note at an account, an opportunity or a contact."),
    ),
    "activity": LazyCommand(
        "activities", "app", N_("Activities: what happened with an account, newest first.")
    ),
    "opp": LazyCommand(
        "opportunities", "app", N_("Opportunities: deals with an amount, a due date and a status.")
    ),
    "account": LazyCommand("accounts", "app", N_("Accounts: the companies you sell to.")),
    "contact": LazyCommand("contacts", "app", N_("Contacts: the people at your accounts.")),
    "pipeline": LazyCommand(
        "pipeline", "pipeline", N_("Open deals by status, month, quarter or account.")
    ),
    "forecast": LazyCommand(
        "forecast", "app", N_("What will close and when, against your targets.")
    ),
    "target": LazyCommand(
        "targets", "app", N_("Targets: what you aim to win in a month or a quarter.")
    ),
    "stats": LazyCommand(
        "stats",
        "app",
        N_("Win rate, deal size, sales cycle and loss reasons; `stats slippage` for due dates."),
    ),
    "import": LazyCommand(
        "imports",
        "import_app",
        N_(
            "Import accounts, contacts, opportunities, tasks or activities from CSV, JSON or "
            "JSON lines, or a whole database."
        ),
    ),
    "export": LazyCommand(
        "exports",
        "export_app",
        N_(
            "Export accounts, contacts, opportunities, tasks, activities or the history as CSV "
            "or JSON, or the whole database."
        ),
    ),
    "statuses": LazyCommand("statuses", "app", N_("Statuses: the stages of an opportunity.")),
    "rate": LazyCommand(
        "rates",
        "app",
        N_("Exchange rates: what one unit of a currency is worth in the reporting currency."),
    ),
    "config": LazyCommand(
        "config", "app", N_("Settings: currency, date order, thresholds, language.")
    ),
    "backup": LazyCommand(
        "backup",
        "backup",
        N_("Copy the database to a file, consistently, even while scripts are writing."),
    ),
    "restore": LazyCommand(
        "backup",
        "restore",
        N_("Put a backup back as the database, keeping a copy of the one it replaces beside it."),
    ),
    "upgrade": LazyCommand(
        "backup", "upgrade", N_("Bring the database up to date with this version of colibri.")
    ),
    "demo": LazyCommand(
        "demo", "demo", N_("Fill the database with a sample year of work, ending today.")
    ),
}
"""Every command of the root, by name, in the order of `colibri --help`."""

DAY_ORDER = tuple(COMMANDS)
"""The commands in the order of a salesperson's day, as `colibri --help` lists them: what is due,
what was done, the deals and who they are with, then the reports, then the setting up."""

INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C, as shells give it (128 + SIGINT)."""


class CommandsOnDemand(Mapping):
    """The root's commands by name: each is imported and built the first time it is asked
    for, so that a run imports the module of its own command alone.

    Going through all of them (as the help tests and the catalog extraction do) builds
    them all. `prepare` gives each one built what the root gives it: named values, and
    the help in colibri's language. A command is built once a process and language, as a
    Click command is: a process that runs many (the test suite, in one process) does not
    build it again for each.
    """

    _built: ClassVar[dict[tuple[str, str], Command]] = {}

    def __init__(self, prepare) -> None:
        self._prepare = prepare

    def __getitem__(self, name: str) -> Command:
        key = (name, i18n.language())
        if key not in self._built:
            command = COMMANDS[name].build(name)  # KeyError for a name that is no command
            self._prepare(command)
            self._built[key] = command
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class ColibriGroup(TyperGroup):
    """Turns every failure into one line on stderr and a documented exit code, and loads a
    command only when it runs (or shows its help, or completes).

    Overriding `main` covers both the installed script and `typer.testing.CliRunner`.
    """

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        metavars.name_the_values(self)  # the root's own options; each command's when built
        self.commands = CommandsOnDemand(self._prepare)
        self._translated = False

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        arguments = args[0] if args else kwargs.pop("args", None)
        argv = sys.argv[1:] if arguments is None else list(arguments)
        with context.Run().active() as run:
            self._run(run, argv, *args[1:], **kwargs)

    def _run(self, run: context.Run, argv: list[str], *args, **kwargs) -> NoReturn:
        """The command of `argv` in its `run`, its failures turned into exit codes."""
        # Typer vendors its own Click; the help shown for a bare group is a usage error there.
        from typer._click.exceptions import NoArgsIsHelpError

        garbled = _not_utf8(argv)
        read = [] if garbled else argv
        default_path = self._choose_language(read)
        run = dataclasses.replace(run, db_option=_db_argument(read), default_path=default_path)
        try:
            _interrupts_raise()
            if garbled:
                raise InvalidInput(garbled)
            code = super().main(_db_first(argv), *args, standalone_mode=False, obj=run, **kwargs)
        except ColibriError as failure:
            if os.environ.get("COLIBRI_DEBUG"):
                raise
            from colibri_cli.cli import problems  # worded once a command failed: no start-up cost

            error(problems.said(failure))
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
        return list(DAY_ORDER)

    def format_commands(self, ctx, formatter) -> None:
        """The commands and their one-line help, as Click shows them, none of them imported."""
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [
            (name, make_default_short_help(_(command.summary), limit))
            for name, command in COMMANDS.items()
        ]
        with formatter.section("Commands"):  # the formatter translates its headings
            formatter.write_dl(rows)

    def shell_complete(self, ctx, incomplete: str) -> list:
        """Command names complete with their one-line help, none of them imported."""
        from typer._click.shell_completion import CompletionItem

        names = [
            CompletionItem(name, help=make_default_short_help(_(command.summary)))
            for name, command in COMMANDS.items()
            if name.startswith(incomplete)
        ]
        return names + Command.shell_complete(self, ctx, incomplete)

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None):
        """On Tab (Click's variable is set), completions are quoted as each shell needs them.
        Every run comes here: the others return at once, the completion module unimported."""
        variable = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(variable):
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

    def _choose_language(self, argv: list[str]) -> Path | None:
        """Settle the language before anything is shown, and translate the help if needed;
        the default database where it was found for that (None if it was not needed).

        Before a command opens its database, the `language` setting is read from the file
        with plain sqlite3 (never created, migrated or locked), so that usage errors and
        `--help` follow it too; COLIBRI_LANG, when set, spares even that read. `--help`
        reads it only from a database named by --db or COLIBRI_DB: finding the default
        location imports platformdirs, which costs more than the help itself.
        """
        default_path = None
        explicit = _db_argument(argv)
        named = explicit is not None or bool(os.environ.get("COLIBRI_DB"))
        if (named or not _asks_for_help(argv)) and not i18n.forced():
            try:
                path = store.database_path(explicit)
            except ColibriError:
                path = None  # a bad --db: the command reports it, in the locale's language
            if path is not None:
                default_path = None if explicit else path  # the command uses it too
                i18n.use_setting(store.peek_language(path))
        self._translated = i18n.language() != "en"
        if self._translated:
            from colibri_cli.cli import helptext

            helptext.translate_command(self)  # its commands are translated as they are built
        return default_path

    def _prepare(self, command: Command) -> None:
        """What the root gives a command it builds: values named, help in its language."""
        metavars.name_the_values(command)
        if self._translated:
            from colibri_cli.cli import helptext

            helptext.translate(command)


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
    # `db` is in the run already: ColibriGroup.main reads --db wherever it stands.
