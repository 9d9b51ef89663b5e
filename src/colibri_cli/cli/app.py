"""The `colibri` command: global options, the sub-apps, and how failures reach the user."""

import os
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from colibri_cli import __version__
from colibri_cli.cli import (
    accounts,
    config,
    contacts,
    context,
    demo,
    opportunities,
    reports,
    statuses,
    tasks,
    transfer,
)
from colibri_cli.cli.output import error
from colibri_cli.core.errors import ColibriError


class ColibriGroup(TyperGroup):
    """Turns every failure into one line on stderr and a documented exit code.

    Overriding `main` covers both the installed script and `typer.testing.CliRunner`.
    """

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        # Typer vendors its own Click; the help shown for a bare group is a usage error there.
        from typer._click.exceptions import NoArgsIsHelpError

        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
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
            hint = f" See '{usage.command_path} --help'." if usage else ""
            message = failure.format_message().rstrip(".")  # Click ends some with ".", not all
            error(f"{message}.{hint}")
            sys.exit(failure.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            sys.stderr.write("\n")
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


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
app.add_typer(statuses.app, name="statuses")
app.command("pipeline")(reports.pipeline)
app.add_typer(reports.forecast_app, name="forecast")
app.command("stats")(reports.stats_command)
app.add_typer(reports.target_app, name="target")
app.add_typer(config.app, name="config")
app.command("demo")(demo.demo)
app.add_typer(transfer.import_app, name="import")
app.add_typer(transfer.export_app, name="export")


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
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """colibri: a command-line CRM for solo salespeople, over one local SQLite file.

    Accounts, opportunities with an amount, a due date and a status, and the pipeline and
    forecast they make. Exit codes: 0 ok, 1 error, 2 invalid input, 3 not found,
    4 conflict, 5 database problem.
    """
    context.db_option = db


def main() -> None:
    app()
