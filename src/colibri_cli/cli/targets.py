"""`colibri target`: what you aim to win in a month or a quarter."""

from typing import Annotated

import typer

from colibri_cli.cli.context import database
from colibri_cli.cli.output import FormatOption, OutputFormat, render_rows, say
from colibri_cli.core import targets
from colibri_cli.core.money import format_amount
from colibri_cli.i18n import N_, _

app = typer.Typer(
    help="Targets: what you aim to win in a month or a quarter.", no_args_is_help=True
)


# "-5" is an amount to refuse with its reason, not an unknown option.
@app.command("set", context_settings={"ignore_unknown_options": True})
def target_set(
    period: Annotated[str, typer.Argument(help="A month (2027-01) or a quarter (2027-Q1).")],
    amount: Annotated[str, typer.Argument(help="The amount to win: 60000, 60k, '60 000 €'.")],
    currency: Annotated[str | None, typer.Option(help="Default: the currency setting.")] = None,
) -> None:
    """Set the target of a month or a quarter (replacing any previous one).

    Example: colibri target set 2027-Q1 60k
    """
    with database(write=True) as conn:
        saved, notices = targets.set_target(conn, period, amount, currency)
    for notice in notices:
        say(notice)
    say(
        _("Target for {period}: {amount}.").format(
            period=saved["period"], amount=format_amount(saved["amount"], saved["currency"])
        )
    )


@app.command("list")
def target_list(output: FormatOption = OutputFormat.table) -> None:
    """List the targets by period.

    Example: colibri target list --format csv
    """
    with database(write=False) as conn:
        rows = targets.list_targets(conn)
    render_rows(
        rows,
        output,
        fields=targets.COLUMNS,
        columns=(
            ("period", N_("Period")),
            ("amount", N_("Target"), lambda row: format_amount(row["amount"], row["currency"])),
        ),
        empty=_("No targets yet. Set one with: colibri target set 2027-Q1 60k"),
    )


@app.command("delete")
def target_delete(
    period: Annotated[str, typer.Argument(help="The month or quarter.")],
    currency: Annotated[str | None, typer.Option(help="Default: the currency setting.")] = None,
) -> None:
    """Remove the target of a period.

    Example: colibri target delete 2027-Q1
    """
    with database(write=True) as conn:
        removed = targets.delete_target(conn, period, currency)
    say(
        _("Removed the target for {period} in {currency}.").format(
            period=removed["period"], currency=removed["currency"]
        )
    )
