"""`colibri rate`: exchange rates into the reporting currency; `--in`: reports in one currency."""

from collections.abc import Mapping
from typing import Annotated

import typer

from colibri_cli.cli import completion
from colibri_cli.cli.context import database
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    decimal_text,
    moment,
    plain,
    render_rows,
    say,
    stdout_console,
)
from colibri_cli.core import inputs, rates
from colibri_cli.i18n import N_, _, format_day

app = typer.Typer(
    help="Exchange rates: what one unit of a currency is worth in the reporting currency.",
    no_args_is_help=True,
)
InOption = Annotated[
    str | None,
    typer.Option(
        "--in",
        metavar="CURRENCY",
        help="Every amount converted into this currency, at the rates of `colibri rate set`.",
    ),
]


# "-1" is a rate to refuse with its reason, not an unknown option.
@app.command("set", context_settings={"ignore_unknown_options": True})
def rate_set(
    currency: Annotated[str, typer.Argument(help="The currency: USD, GBP…")],
    rate: Annotated[
        str, typer.Argument(help="What one unit is worth in the reporting currency: 0.92.")
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="In force from this day (default: today).",
            autocompletion=completion.date_words,
        ),
    ] = None,
) -> None:
    """Record an exchange rate, in force from a day until the next one.

    The rate is how many units of the reporting currency (the currency setting) one unit
    of CURRENCY is worth. A rate set again for the same day replaces the earlier one.

    Example: colibri rate set USD 0.92 --on 2026-01-01
    """
    with database(write=True) as conn:
        day = inputs.read_date(conn, on, field=N_("--on date")) if on else None
        saved = rates.set_rate(conn, currency, rate, day)
    say(
        _("From {day}, 1 {currency} = {rate} {base}.").format(
            day=format_day(saved["valid_from"]),
            currency=saved["currency"],
            rate=decimal_text(saved["rate"]),
            base=saved["base"],
        )
    )


@app.command("list")
def rate_list(output: FormatOption = OutputFormat.table) -> None:
    """List the exchange rates by currency and day, as they were set.

    Example: colibri rate list --format csv
    """
    with database(write=False) as conn:
        rows = rates.list_rates(conn)
    render_rows(
        rows,
        output,
        fields=rates.COLUMNS,
        columns=(
            ("currency", N_("Currency")),
            ("rate", N_("Rate"), lambda row: f"{decimal_text(row['rate'])} {row['base']}"),
            ("valid_from", N_("From")),
            ("set_at", N_("Set at"), moment("set_at")),
        ),
        empty=_("No exchange rates yet. Set one with: colibri rate set USD 0.92"),
    )


def conversion(conn, currency: str | None) -> rates.Conversion | None:
    """The conversion an `--in` option asks for, if it does."""
    return rates.Conversion(conn, currency) if currency else None


def note_conversion(report: Mapping, output: OutputFormat) -> None:
    """Under a converted report, the line naming the rates it used: on stdout under a
    table, on stderr beside csv (json has them in `conversion`)."""
    if "conversion" not in report or output is OutputFormat.json:
        return
    line = conversion_line(report["conversion"])
    if output is OutputFormat.table:
        stdout_console().print(plain(line))
    else:
        say(line)


def conversion_line(described: dict) -> str:
    """ "Converted into EUR at the rates of each amount's day: USD 0.92 from 2026-01-01."""
    into, base = described["into"], described["base"]
    if not described["rates"]:
        return _("Converted into {into}: every amount was in {into} already.").format(into=into)
    # In French, " ; " between the rates.
    used = _("; ").join(_rate_text(rate, base) for rate in described["rates"])
    if into == base:
        return _(
            "Converted into {into} at the rates in force on each amount's day: {rates}."
        ).format(into=into, rates=used)
    return _(
        "Converted into {into} through {base} at the rates in force on each amount's day: {rates}."
    ).format(into=into, base=base, rates=used)


def _rate_text(rate: dict, base: str) -> str:
    values = {
        "currency": rate["currency"],
        "rate": decimal_text(rate["rate"]),
        "base": base,
        "day": format_day(rate["from"]),
    }
    if rate["earlier_days"]:
        return _(
            "1 {currency} = {rate} {base} from {day} (its first rate, used before it too)"
        ).format(**values)
    return _("1 {currency} = {rate} {base} from {day}").format(**values)
