"""`colibri demo`: a sample database to explore."""

from typing import Annotated

import typer

from colibri_cli.cli.context import database
from colibri_cli.cli.output import plural, say
from colibri_cli.i18n import _


def demo(
    force: Annotated[
        bool, typer.Option("--force", help="Replace the records of a database that has data.")
    ] = False,
) -> None:
    """Fill the database with a sample year of work, ending today.

    Example: colibri --db demo.db demo && colibri --db demo.db pipeline
    """
    from colibri_cli.core import demo as demo_core  # a year of data: only when asked for

    with database(write=True) as conn:
        counts = demo_core.fill(conn, force=force)
    nouns = {"opportunity_history": "history rows"}
    made = ", ".join(plural(count, nouns.get(table, table)) for table, count in counts.items())
    say(_("Demo ready: {made}.").format(made=made))
    say(_("Try: colibri pipeline · colibri forecast · colibri forecast accuracy · colibri agenda"))
