"""`colibri pipeline`: the open deals by status, month, quarter or account, with the overdue
and stale ones."""

from typing import Annotated

from colibri_cli.cli import charts
from colibri_cli.cli.context import database
from colibri_cli.cli.output import (
    COLUMN_GAP,
    FormatOption,
    OutputFormat,
    amount_cell,
    figures_table,
    plain,
    print_no_next_step,
    render_report,
    rows_table,
    say,
    stdout_console,
    styled,
    thousands,
)
from colibri_cli.cli.params import choice_info, past_day_info
from colibri_cli.cli.rates import InOption, conversion, note_conversion
from colibri_cli.cli.reports import past_day, report_day, warn_unknown_statuses
from colibri_cli.core import reports, shapes, statuses
from colibri_cli.core.money import format_amount
from colibri_cli.i18n import N_, _

LISTED = 10
"""How many overdue or stale opportunities a table lists; json and csv have them all."""

PIPELINE_TITLES = {
    "status": N_("Open pipeline by status, {date}"),
    "month": N_("Open pipeline by month, {date}"),
    "quarter": N_("Open pipeline by quarter, {date}"),
    "account": N_("Open pipeline by account, {date}"),
}

PIPELINE_FIELDS = ("section", "group", "label", "currency", "count", "amount", "weighted")


def pipeline(
    by: Annotated[
        str,
        choice_info(
            reports.GROUPINGS, "--by", "-b", help="Group by status, month, quarter or account."
        ),
    ] = "status",
    as_of: Annotated[
        str | None,
        past_day_info("--as-of", help="As the pipeline stood at the end of this day."),
    ] = None,
    currency: InOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Open deals by status, month, quarter or account.

    Overdue and stale deals are counted and listed too.

    Example: colibri pipeline --by month --as-of 2026-09-30
    """
    with database(write=False) as conn:
        warn_unknown_statuses(conn)
        day = past_day(conn, as_of)
        report = reports.pipeline(
            conn,
            by,
            LISTED if output is OutputFormat.table else None,
            as_of=day,
            into=conversion(conn, currency),
        )
    render_report(
        report, output, rows=_pipeline_rows(report), fields=PIPELINE_FIELDS, draw=_draw_pipeline
    )
    note_conversion(report, output)


def _pipeline_rows(report: shapes.PipelineReport) -> list[dict]:
    rows = [{"section": "group", **group} for group in report["groups"]]
    sections = {
        "total": report["totals"],
        "overdue": report["overdue"]["totals"],
        "stale": report["stale"]["totals"],
        "no_next_step": report["no_next_step"] or [],  # not known as of a day gone
    }
    for name, totals in sections.items():
        rows += [{"section": name, "group": None, "label": None, **total} for total in totals]
    return rows


def _draw_pipeline(report: shapes.PipelineReport) -> None:

    console = stdout_console()
    if not report["groups"]:
        say(_("No open opportunities. Create one with: colibri opp create"))
        return
    # The title on a line of its own: as a table title it would wrap to the table's width.
    title = _(PIPELINE_TITLES[report["by"]]).format(date=report_day(report, "pipeline"))
    console.print(plain(title), style="italic")
    currencies = [total["currency"] for total in report["totals"]]
    for number, currency in enumerate(currencies):
        if len(currencies) > 1:  # one chart a currency: their bars are never compared
            console.print(("\n" if number else "") + currency, style="bold")
        groups = [group for group in report["groups"] if group["currency"] == currency]
        totals = [total for total in report["totals"] if total["currency"] == currency]
        console.print(_pipeline_table(console, report["by"], groups, totals))
    if report["no_next_step"] is not None:
        console.print()
        print_no_next_step(console, report["no_next_step"])
    _draw_listing(console, _("Overdue"), report["overdue"], "opp list --overdue")
    stale = report["stale"]
    title = (
        _("Stale (untouched for {days} days, or as long as their status says)")
        if stale["statuses"]
        else _("Stale (untouched for {days} days)")
    ).format(days=stale["days"])
    _draw_listing(console, title, stale, "pipeline --format json")


def _pipeline_table(
    console, by: str, groups: list[shapes.PipelineGroup], totals: list[shapes.Totals]
):
    """The groups of one currency and their total, with a bar each on a terminal wide
    enough for the figures and a bar of MINIMUM_BAR (the bars shortened to fit)."""
    from rich.measure import Measurement

    rows = [
        [
            statuses.display_label(group["group"], group["label"])
            if by == "status"
            else group["label"],
            thousands(group["count"]),
            format_amount(group["amount"], group["currency"]),
            format_amount(group["weighted"], group["currency"]),
        ]
        for group in groups
    ] + [
        [
            styled("{total}", bold=["total"], total=_("Total")),
            thousands(total["count"]),
            format_amount(total["amount"], total["currency"]),
            format_amount(total["weighted"], total["currency"]),
        ]
        for total in totals
    ]
    table = _pipeline_figures(rows)
    room = console.width - Measurement.get(console, console.options, table).maximum - COLUMN_GAP
    if not console.is_terminal or room < charts.MINIMUM_BAR:
        return table
    width = min(room, charts.BAR_WIDTH)
    bars = charts.bars(groups, "amount", "weighted", width)
    return _pipeline_figures(rows, [styled(bar) for bar in bars], width)


def _pipeline_figures(rows: list[list], bars: list | None = None, width: int | None = None):
    """The pipeline's rows, and their bars if any, `width` wide (the total row has none)."""
    from rich.text import Text

    table = figures_table("", N_("Count"), N_("Amount"), N_("Weighted"), words=1)
    if bars:
        table.add_column(Text(_("█ weighted ░ amount"), no_wrap=False), width=width)
    for index, cells in enumerate(rows):
        table.add_row(*cells, *([bars[index]] if bars and index < len(bars) else []))
    return table


LISTING_COLUMNS = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("account", N_("Account")),
    ("amount", N_("Amount"), amount_cell),
    ("due_date", N_("Due")),
    ("status", N_("Status")),
)
"""The overdue or stale deals under the pipeline."""


def _draw_listing(console, title: str, section: shapes.OpenSection, more_command: str) -> None:
    listed = section["opportunities"]
    if not listed:
        console.print(styled("\n" + _("{title}: none."), bold=["title"], title=title))
        return
    count = sum(total["count"] for total in section["totals"])
    sums = ", ".join(
        format_amount(total["amount"], total["currency"]) for total in section["totals"]
    )
    console.print(
        styled(
            "\n" + _("{title}: {count} ({amounts})"),
            bold=["title"],
            title=title,
            count=thousands(count),
            amounts=sums,
        )
    )
    console.print(rows_table(listed[:LISTED], LISTING_COLUMNS))
    if count > len(listed):
        say(
            _("… and {count} more: colibri {command}").format(
                count=thousands(count - len(listed)), command=more_command
            )
        )
