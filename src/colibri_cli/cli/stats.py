"""`colibri stats`: what closed business says (win rate, deal size, cycle, reasons);
`stats slippage`: how often and how far due dates slip; `stats funnel`: how far the deals
that entered each status went."""

from typing import Annotated

import typer

from colibri_cli.cli import completion
from colibri_cli.cli.context import database
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    decimal_text,
    figures_table,
    plural,
    render_report,
    stdout_console,
    styled,
    thousands,
)
from colibri_cli.cli.params import choice_info, past_day_info
from colibri_cli.cli.rates import InOption, conversion, note_conversion
from colibri_cli.cli.reports import past_day, warn_unknown_statuses
from colibri_cli.core import funnel, inputs, shapes, slippage, stats, statuses
from colibri_cli.core.money import format_amount
from colibri_cli.i18n import N_, Nc_, _, format_day, format_decimal, format_percent

app = typer.Typer()
OUTCOMES = {"lost": N_("lost"), "cancelled": N_("cancelled")}


@app.callback(invoke_without_command=True)
def closed_business(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only deals closed on or after this date.",
            autocompletion=completion.date_words,
        ),
    ] = None,
    until: Annotated[
        str | None,
        past_day_info(
            "--until", help="Only deals closed on or before this date, as they stood then."
        ),
    ] = None,
    currency: InOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Win rate, deal size, sales cycle and loss reasons; `stats slippage` for due dates.

    Example: colibri stats --since 2026-01-01 --until 2026-06-30
    """
    if ctx.invoked_subcommand is not None:
        return
    with database(write=False) as conn:
        warn_unknown_statuses(conn)
        first = inputs.read_date(conn, since, field=N_("--since date")) if since else None
        last = past_day(conn, until, "--until")
        report = stats.stats(conn, first, last, conversion(conn, currency))
    render_report(
        report,
        output,
        rows=_stats_rows(report),
        fields=("metric", "key", "currency", "value"),
        draw=_draw_stats,
    )
    note_conversion(report, output)


def _stats_rows(report: shapes.StatsReport) -> list[dict]:
    rate = report["win_rate"]
    rows = [{"metric": "win_rate", "key": "rate", "currency": None, "value": rate["rate"]}]
    rows += [
        {"metric": "closed", "key": kind, "currency": None, "value": rate[kind]}
        for kind in ("won", "lost", "cancelled")
    ]
    for won in report["won"]:
        rows += [
            {"metric": "won_amount", "key": key, "currency": won["currency"], "value": won[key]}
            for key in ("count", "amount", "average", "median")
        ]
    rows.append(
        {
            "metric": "sales_cycle",
            "key": "median_days",
            "currency": None,
            "value": report["sales_cycle"]["median_days"],
        }
    )
    for velocity in report["velocity"]:
        rows += [
            {
                "metric": "velocity",
                "key": key,
                "currency": velocity["currency"],
                "value": velocity[key],
            }
            for key in ("open_deals", "per_day")
        ]
    rows += [
        {
            "metric": "time_in_status",
            "key": row["status"],
            "currency": None,
            "value": row["average_days"],
        }
        for row in report["time_in_status"]
    ]
    rows += [
        {
            "metric": f"{row['kind']}_reason",
            "key": row["reason"],
            "currency": None,
            "value": row["count"],
        }
        for row in report["reasons"]
    ]
    return rows


def _draw_stats(report: shapes.StatsReport) -> None:

    console = stdout_console()
    rate = report["win_rate"]
    title = _("Closed deals{span}").format(span=_span(report))
    console.print(
        styled(
            _("{title}: {won} won, {lost} lost, {cancelled} cancelled"),
            bold=["title"],
            title=title,
            won=thousands(rate["won"]),
            lost=thousands(rate["lost"]),
            cancelled=thousands(rate["cancelled"]),
        )
    )
    console.print(
        _("Win rate (won / (won + lost)): {rate}").format(
            rate=_("n/a") if rate["rate"] is None else format_percent(rate["rate"], digits=1)
        )
    )
    for won in report["won"]:
        currency = won["currency"]
        console.print(
            _("Won in {currency}: {amount} in {deals}; average {average}, median {median}").format(
                currency=currency,
                amount=format_amount(won["amount"], currency),
                deals=plural(won["count"], "deals"),
                average=format_amount(won["average"], currency),
                median=format_amount(won["median"], currency),
            )
        )
    cycle = report["sales_cycle"]
    if cycle["median_days"] is not None:
        console.print(
            _("Median sales cycle: {days} days (creation to close, {deals})").format(
                days=decimal_text(cycle["median_days"]), deals=plural(cycle["count"], "won deals")
            )
        )
    if report["velocity"]:
        console.print(_("Pipeline velocity (open deals × win rate × average won ÷ median cycle):"))
        for velocity in report["velocity"]:
            console.print("  " + _velocity_text(velocity, report))
    if report["time_in_status"]:
        console.print("\n" + _("Average time in each status"))
        table = figures_table(N_("Status"), N_("Stays"), N_("Ongoing"), N_("Average days"), words=1)
        for row in report["time_in_status"]:
            table.add_row(
                statuses.display_label(row["status"], row["label"]),
                str(row["stays"]),
                str(row["ongoing"]),
                format_decimal(row["average_days"]),
            )
        console.print(table)
    if report["reasons"]:
        console.print("\n" + _("Why deals were lost or cancelled"))
        table = figures_table(N_("Outcome"), N_("Reason"), N_("Deals"), words=2)
        for row in report["reasons"]:
            table.add_row(
                _(OUTCOMES.get(row["kind"], row["kind"])), row["reason"], str(row["count"])
            )
        console.print(table)


VELOCITY_MISSING = {
    "no_won_deal": N_("{currency}: n/a, no deal won in {currency}"),
    "no_sales_cycle": N_("{currency}: n/a, no sales cycle measured"),
    "zero_cycle": N_("{currency}: n/a, the median sales cycle is 0 days"),
}


def _velocity_text(velocity: shapes.Velocity, report: shapes.StatsReport) -> str:
    """ "EUR: 9 × 55.6% × 2,675 EUR ÷ 45 days = 297 EUR a day", or why there is none."""
    currency = velocity["currency"]
    if velocity["missing"]:
        return _(VELOCITY_MISSING[velocity["missing"]]).format(currency=currency)
    [won] = [row for row in report["won"] if row["currency"] == currency]
    return _("{currency}: {deals} × {rate} × {average} ÷ {days} = {amount} a day").format(
        currency=currency,
        deals=thousands(velocity["open_deals"]),
        rate=format_percent(report["win_rate"]["rate"], digits=1),
        average=format_amount(won["average"], currency),
        days=_days(report["sales_cycle"]["median_days"]),
        amount=format_amount(velocity["per_day"], currency),
    )


@app.command("slippage")
def slippage_command(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only deals won, and pushes made, on or after this date.",
            autocompletion=completion.date_words,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Only deals won, and pushes made, on or before this date.",
            autocompletion=completion.date_words,
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """How often and how far due dates slip.

    Won deals against the due date first given, and the pushes of due dates later, by the
    status the deal was in.

    Example: colibri stats slippage --since 2026-01-01
    """
    with database(write=False) as conn:
        warn_unknown_statuses(conn)
        first = inputs.read_date(conn, since, field=N_("--since date")) if since else None
        last = inputs.read_date(conn, until, field=N_("--until date")) if until else None
        report = slippage.report(conn, first, last)
    render_report(
        report,
        output,
        rows=_slippage_rows(report),
        fields=("metric", "status", "value"),
        draw=_draw_slippage,
    )


def _slippage_rows(report: shapes.SlippageReport) -> list[dict]:
    won, pushes = report["won"], report["pushes"]
    rows = [{"metric": f"won_{key}", "status": None, "value": won[key]} for key in won]
    rows += [
        {"metric": f"pushes_{key}", "status": None, "value": pushes[key]}
        for key in ("count", "deals", "median_days", "p90_days")
    ]
    for row in pushes["by_status"]:
        rows += [
            {"metric": f"pushes_{key}", "status": row["status"], "value": row[metric]}
            for key, metric in (
                ("count", "pushes"),
                ("deals", "deals"),
                ("median_days", "median_days"),
                ("p90_days", "p90_days"),
            )
        ]
    return rows


def _draw_slippage(report: shapes.SlippageReport) -> None:

    console = stdout_console()
    won, pushes = report["won"], report["pushes"]
    span = _span(report)
    console.print(_("Due dates and how they slipped{span}").format(span=span), style="bold")
    if won["count"]:
        console.print(
            _(
                "Won deals closed after the due date first given: {late} of {won} ({percent})"
            ).format(
                late=won["late"],
                won=won["count"],
                percent=format_percent(won["late_percent"], digits=1),
            )
        )
    else:
        console.print(
            _("No deal was won in this span: nothing to compare with its first due date.")
            if report["since"] or report["until"]
            else _("No deal won yet: nothing to compare with its first due date.")
        )
    if won["late"]:
        console.print(
            _("How late they closed: median {median}, 90th percentile {p90}").format(
                median=_days(won["median_days_late"]), p90=_days(won["p90_days_late"])
            )
        )
    if not pushes["count"]:
        console.print(_("No due date was pushed later."))
        return
    console.print(
        _("Due dates pushed later: {pushes} of {deals}").format(
            pushes=plural(pushes["count"], "pushes"), deals=plural(pushes["deals"], "deals")
        )
    )
    console.print(
        _("Days a push added: median {median}, 90th percentile {p90}").format(
            median=_days(pushes["median_days"]), p90=_days(pushes["p90_days"])
        )
    )
    console.print("\n" + _("Pushes by the status the deal was in"))
    table = figures_table(
        N_("Status"), N_("Pushes"), N_("Deals"), N_("Median days"), N_("90th pct days"), words=1
    )
    for row in pushes["by_status"]:
        table.add_row(
            statuses.display_label(row["status"], row["label"]),
            str(row["pushes"]),
            str(row["deals"]),
            decimal_text(row["median_days"]),
            str(row["p90_days"]),
        )
    console.print(table)


@app.command("funnel")
def funnel_command(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only deals that entered the pipeline on or after this date.",
            autocompletion=completion.date_words,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Only deals that entered the pipeline on or before this date.",
            autocompletion=completion.date_words,
        ),
    ] = None,
    by: Annotated[
        str | None,
        choice_info(
            funnel.GROUPINGS,
            "--by",
            "-b",
            help="Split the funnel by source, type, account or currency.",
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """How far the deals that entered each status went.

    Of the deals that entered each open status: how many reached a later one, how many were
    won, lost or cancelled, how many are still open; the share won, and the median days
    spent in the status. A deal that skipped a status counts as passing through it.

    Example: colibri stats funnel --since 2026-01-01 --by source
    """
    with database(write=False) as conn:
        warn_unknown_statuses(conn)
        first = inputs.read_date(conn, since, field=N_("--since date")) if since else None
        last = inputs.read_date(conn, until, field=N_("--until date")) if until else None
        report = funnel.report(conn, first, last, by)
    render_report(
        report,
        output,
        rows=_funnel_rows(report),
        fields=("group", "status", "currency", "metric", "value"),
        draw=_draw_funnel,
    )


FUNNEL_FIGURES = (
    "entered",
    "advanced",
    "won",
    "lost",
    "cancelled",
    "open",
    "advanced_percent",
    "won_percent",
    "win_rate",
    "median_days",
)


def _funnel_rows(report: shapes.FunnelReport) -> list[dict]:
    """One row a figure: the counts, shares and median of each step, then its amounts per
    currency."""
    rows = []
    for step in report["funnel"]:
        where = {"group": step["group"], "status": step["status"]}
        rows += [
            {**where, "currency": None, "metric": figure, "value": step[figure]}
            for figure in FUNNEL_FIGURES
        ]
        rows += [
            {**where, "currency": amounts["currency"], "metric": key, "value": amounts[key]}
            for amounts in step["amounts"]
            for key in ("entered_amount", "won_amount")
        ]
    return rows


GROUP_HEADINGS = {
    "source": N_("Source"),
    "type": N_("Type"),
    "account": N_("Account"),
    "currency": N_("Currency"),
}
FUNNEL_COUNTS = (
    Nc_("deals", "Entered"),
    Nc_("deals", "Advanced"),
    Nc_("deals", "Won"),
    Nc_("deals", "Lost"),
    Nc_("deals", "Cancelled"),
    Nc_("deals", "Open"),
)


def _draw_funnel(report: shapes.FunnelReport) -> None:
    """Three tables, narrow enough for 100 columns in French: how far the deals went, the
    shares and time in each status, the amounts per currency."""
    console = stdout_console()
    span = _span(report)
    if not report["funnel"]:
        console.print(_("No deal entered the pipeline{span}.").format(span=span))
        return
    console.print(
        _("Funnel of the deals that entered the pipeline{span}").format(span=span), style="bold"
    )
    grouped = [GROUP_HEADINGS[report["by"]]] if report["by"] else []
    words = len(grouped) + 1
    table = figures_table(
        *grouped, N_("Status"), *(("deals", name) for name in FUNNEL_COUNTS), words=words
    )
    for step in report["funnel"]:
        table.add_row(*_where(report, step), *(str(step[count]) for count in funnel.COUNTS))
    console.print(table)
    console.print("\n" + _("Shares and time in each status"))
    table = figures_table(
        *grouped,
        N_("Status"),
        N_("Advanced %"),
        N_("Won %"),
        N_("Win rate"),
        N_("Median days"),
        words=words,
    )
    for step in report["funnel"]:
        table.add_row(
            *_where(report, step),
            *(_percent_cell(step[key]) for key in ("advanced_percent", "won_percent", "win_rate")),
            _("n/a") if step["median_days"] is None else decimal_text(step["median_days"]),
        )
    console.print(table)
    console.print("\n" + _("Amounts per currency"))
    table = figures_table(
        *grouped, N_("Status"), N_("Entered amount"), N_("Won amount"), words=words
    )
    for step in report["funnel"]:
        for amounts in step["amounts"]:
            table.add_row(
                *_where(report, step),
                format_amount(amounts["entered_amount"], amounts["currency"]),
                format_amount(amounts["won_amount"], amounts["currency"]),
            )
    console.print(table)


def _where(report: shapes.FunnelReport, step: shapes.FunnelStep) -> list[str]:
    """The group (when the funnel is split) and the status of a step, as shown."""
    status = statuses.display_label(step["status"], step["label"])
    if not report["by"]:
        return [status]
    return [_("(none)") if step["group"] is None else step["group"], status]


def _percent_cell(value: float | None) -> str:
    return _("n/a") if value is None else format_percent(value, digits=1)


def _span(report: shapes.StatsReport | shapes.SlippageReport | shapes.FunnelReport) -> str:
    if report["since"] and report["until"]:
        return _(", {since} to {until}").format(
            since=format_day(report["since"]), until=format_day(report["until"])
        )
    if report["since"]:
        return _(" since {day}").format(day=format_day(report["since"]))
    if report["until"]:
        return _(" until {day}").format(day=format_day(report["until"]))
    return ""


def _days(value: int | float) -> str:
    """ "12 days", "12.5 days" ("12,5 jours" in French)."""
    if isinstance(value, int):
        return plural(value, "days")
    return _("{days} days").format(days=decimal_text(value))
