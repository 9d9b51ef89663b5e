"""`colibri config`: the settings kept in the database."""

from typing import Annotated

import typer

from colibri_cli.cli.context import database
from colibri_cli.cli.output import FormatOption, OutputFormat, render_rows, say, warn
from colibri_cli.core import settings, targets
from colibri_cli.i18n import N_, _

app = typer.Typer(
    help="Settings: currency, date order, thresholds, language.", no_args_is_help=True
)

FIELDS = ("key", "value", "default", "description")
COLUMNS = (
    ("key", N_("Setting")),
    ("value", N_("Value")),
    ("default", N_("Default")),
    ("description", N_("Meaning"), lambda row: _(row["description"])),
)


@app.command("show")
def show(
    key: Annotated[str | None, typer.Argument(help="Show only this setting.")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Show the settings with their values and defaults.

    Example: colibri config show --format json
    """
    with database(write=False) as conn:
        rows = settings.all_settings(conn)
    if key is not None:
        wanted = settings.find_setting(key).key
        rows = [row for row in rows if row["key"] == wanted]
    render_rows(rows, output, fields=FIELDS, columns=COLUMNS, empty=_("No settings."))


# ignore_unknown_options: a value such as -1 reaches the check instead of "No such option".
@app.command("set", context_settings={"ignore_unknown_options": True})
def set_(
    key: Annotated[str, typer.Argument(help="The setting, e.g. currency or stale-days.")],
    value: Annotated[str, typer.Argument(help="Its new value.")],
) -> None:
    """Change a setting (checked before it is saved).

    renew-after.TYPE (e.g. renew-after.support 12m) makes the win of a deal of that type
    propose its renewal after that period; an empty value removes it.

    Example: colibri config set currency USD
    """
    _save(lambda conn: settings.set_value(conn, key, value))


@app.command("unset")
def unset(
    key: Annotated[
        str, typer.Argument(help="The setting, e.g. stale-days or renew-after.support.")
    ],
) -> None:
    """Bring a setting back to its default; a renew-after.TYPE is removed.

    Example: colibri config unset renew-after.support
    """
    _save(lambda conn: settings.unset(conn, key))


def _save(change) -> None:
    """Make the change, say what it saved, and warn of quarter targets it moved."""
    with database(write=True) as conn:
        fiscal_start = settings.number(conn, "fiscal-year-start")
        saved = change(conn)
        moved = targets.quarters_moved(
            conn, fiscal_start, settings.number(conn, "fiscal-year-start")
        )
    if saved["value"] is None:
        say(_("{key} removed.").format(key=saved["key"]))
    else:
        say(f"{saved['key']} = {saved['value']}")
    if moved:
        warn(
            _(
                "Quarter targets keep their names, so they now cover other months: {moved}. "
                "Set them again (colibri target set PERIOD AMOUNT) if they were meant for "
                "the old months."
            ).format(moved="; ".join(moved))
        )
