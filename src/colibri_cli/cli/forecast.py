"""`colibri forecast`: what will close and when, against your targets; `forecast accuracy`:
how reliable past forecasts were; `forecast call` and `forecast calls`: your own forecast."""

from typing import Annotated

import typer

from colibri_cli.cli import charts
from colibri_cli.cli.context import database
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    amount_cell,
    figures_table,
    moment,
    plural,
    render_report,
    render_rows,
    say,
    signed,
    stdout_console,
    styled,
    thousands,
)
from colibri_cli.cli.params import choice_info, past_day_info
from colibri_cli.cli.rates import InOption, conversion, note_conversion
from colibri_cli.cli.reports import past_day, report_day, warn_unknown_statuses
from colibri_cli.core import calibrated as calibrated_forecast
from colibri_cli.core import calibration, calls, periods, reports, settings, shapes, statuses
from colibri_cli.core.money import format_amount, with_currency
from colibri_cli.i18n import N_, _, format_day, format_decimal, format_percent

PeriodKind = Annotated[str, choice_info(periods.KINDS, "--period", "-p", help="month or quarter.")]
FORECAST_TITLES = {
    "month": N_("Forecast by month in {currency}, {when}"),
    "quarter": N_("Forecast by quarter in {currency}, {when}"),
}
FORECAST_HEADINGS = (
    N_("Won"),
    N_("Weighted"),
    N_("Expected"),
    N_("Commit"),
    N_("Best case"),
    N_("Target"),
    N_("Gap"),
)
FROM_OTHER_KIND = {
    "quarter": N_("--from {start} is not a month: use --period quarter."),
    "month": N_("--from {start} is not a quarter: use --period month."),
}
"""By the kind of period --from gives, when --period asks for the other kind."""
ACCURACY_TITLES = {
    "month": N_("Forecast accuracy by month in {currency}"),
    "quarter": N_("Forecast accuracy by quarter in {currency}"),
}
CALL_HEADINGS = (N_("Call"), N_("Call err %"))
CALIBRATED_HEADINGS = (N_("Calibrated"), N_("Calib. err %"))
ACCURACY_HEADINGS = (
    N_("Forecast"),
    N_("Actual"),
    N_("Error"),
    N_("Error %"),
    N_("Slipped"),
    N_("Slipped amt"),
)


app = typer.Typer()
FORECAST_FIELDS = (
    "period",
    "currency",
    "count",
    "won",
    "weighted",
    "expected",
    "commit",
    "best_case",
    "target",
    "gap",
    "call",
    "left_to_win",
    "coverage",
    "coverage_weighted",
)
FORECAST_COLUMNS = ("won", "weighted", "expected", "commit", "best_case", "target", "gap")
EXTRA_HEADINGS = {"call": N_("Call"), "calibrated": N_("Calibrated")}
CalibratedOption = Annotated[
    bool,
    typer.Option(
        "--calibrated",
        help="Add a forecast corrected by the past: your statuses' share won and delays.",
    ),
]


@app.callback(invoke_without_command=True)
def forecast(
    ctx: typer.Context,
    kind: PeriodKind = "month",
    count: Annotated[
        int | None,
        typer.Option(
            "--periods",
            "-n",
            min=1,
            max=60,
            help="How many periods (default: 6 months or 4 quarters).",
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First period: 2027-01 or 2027-Q1.")
    ] = None,
    as_of: Annotated[
        str | None,
        past_day_info("--as-of", help="As the forecast stood at the end of this day."),
    ] = None,
    calibrated: CalibratedOption = False,
    currency: InOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """What will close and when, against your targets.

    Per period and currency: won, weighted, expected, commit, best case, target and gap.

    Example: colibri forecast --period quarter --periods 4
    """
    if ctx.invoked_subcommand:
        given = (kind, count, start, as_of, calibrated, currency, output)
        if given != ("month", None, None, None, False, None, OutputFormat.table):
            hint = _("give the options after `{command}`: colibri forecast {command} --period …")
            raise typer.BadParameter(hint.format(command=ctx.invoked_subcommand))
        return
    with database(write=False) as conn:
        warn_unknown_statuses(conn)
        fiscal_start = settings.number(conn, "fiscal-year-start")
        first = periods.parse(start, fiscal_start, field=N_("--from")) if start else None
        if first is not None and first.kind != kind:
            raise typer.BadParameter(_(FROM_OTHER_KIND[first.kind]).format(start=start))
        day = past_day(conn, as_of)
        compute = calibrated_forecast.forecast if calibrated else reports.forecast
        report = compute(
            conn,
            kind=kind,
            count=count or (6 if kind == "month" else 4),
            first=first,
            as_of=day,
            into=conversion(conn, currency),
        )
    render_report(
        report,
        output,
        rows=report["periods"] + report["overdue"],
        fields=(*FORECAST_FIELDS, *(("calibrated",) if calibrated else ())),
        draw=_draw_forecast,
    )
    note_conversion(report, output)


def _draw_forecast(report: shapes.ForecastReport) -> None:
    console = stdout_console()
    when = report_day(report, "forecast")
    for number, currency in enumerate(sorted({row["currency"] for row in report["periods"]})):
        if number:
            console.print()  # between two currencies' tables, not after the last
        rows = [row for row in report["periods"] if row["currency"] == currency]
        overdue = [row for row in report["overdue"] if row["currency"] == currency]
        called = any(row["call"] is not None for row in rows)
        extra = (
            *(("call",) if called else ()),
            *(("calibrated",) if "corrections" in report else ()),
        )
        table = figures_table(
            N_("Period"),
            *FORECAST_HEADINGS,
            *(EXTRA_HEADINGS[key] for key in extra),
            words=1,
            title=_(FORECAST_TITLES[report["period"]]).format(currency=currency, when=when),
            wrap=False,
        )
        for row in rows + overdue:
            table.add_row(
                row["period"]
                if row["period"] != "overdue"
                else styled("[yellow]{overdue}[/yellow]", overdue=_("Overdue")),
                *(
                    thousands(row[key]) if key != "gap" else signed(row[key])
                    for key in (*FORECAST_COLUMNS, *extra)
                ),
            )
        console.print(table)
        for row in rows:
            if row["target"] is not None:
                console.print(_coverage_line(row))
        if console.is_terminal and console.width >= charts.target_chart_width():
            console.print(styled(charts.expected_against_target(rows)))
    say("")  # the notes apart from the tables, on stderr: stdout ends with the last row
    say(
        _(
            "Expected = won + weighted; commit counts open deals at {threshold} or more; "
            "overdue deals (due before today, still open) are not in any period."
        ).format(threshold=format_percent(report["commit_threshold"]))
    )
    if any(row["gap"] is not None for row in report["periods"]):
        say(_("Gap = target - expected: + is what you are short of the target, - how far ahead."))
    if "corrections" in report:
        say(_corrections_note(report["corrections"]))


def _corrections_note(found: list[shapes.Correction]) -> str:
    """What the calibrated column changed, status by status, and where too few deals said."""
    lines = [
        _(
            "Calibrated = won + each open deal weighted by its status's share won and due "
            "later by its median delay, where {minimum} closed deals or more say:"
        ).format(minimum=calibration.MINIMUM_DEALS)
    ]
    for row in found:
        probability = (
            _("{was} → {now} ({deals})").format(
                was=format_percent(row["probability"]),
                now=format_percent(row["calibrated_probability"]),
                deals=plural(row["deals"], "won or lost deals"),
            )
            if row["calibrated_probability"] is not None
            else _("{was} kept (only {deals})").format(
                was=format_percent(row["probability"]),
                deals=plural(row["deals"], "won or lost deals"),
            )
        )
        won = plural(row["won_deals"], "won deals")
        delay = (
            _("dates kept (only {won})").format(won=won)
            if row["shift_days"] is None
            else _("closing on time ({won})").format(won=won)
            if not row["shift_days"]
            else _("due {days} later ({won})").format(
                days=plural(row["shift_days"], "days"), won=won
            )
        )
        label = statuses.display_label(row["status"], row["label"])
        lines.append(
            "  "
            + _("{status}: {probability}, {delay}").format(
                status=label, probability=probability, delay=delay
            )
        )
    return "\n".join(lines)


def _coverage_line(row: shapes.ForecastRow) -> str:
    """How many times the open deals due in a period cover what is left of its target."""
    if not row["left_to_win"]:
        return _("Coverage {period}: target reached, nothing left to win.").format(
            period=row["period"]
        )
    return _(
        "Coverage {period}: {left} left to win; open pipeline {coverage}×, weighted {weighted}×"
    ).format(
        period=row["period"],
        left=thousands(row["left_to_win"]),
        coverage=format_decimal(row["coverage"]),
        weighted=format_decimal(row["coverage_weighted"]),
    )


@app.command("accuracy")
def accuracy(
    kind: PeriodKind = "month",
    last: Annotated[
        int, typer.Option("--last", "-n", min=1, max=60, help="How many completed periods.")
    ] = 6,
    details: Annotated[
        bool, typer.Option("--details", help="List the deals that slipped.")
    ] = False,
    calibrated: CalibratedOption = False,
    currency: InOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """How reliable past forecasts were: forecast at each period's start against what was won.

    Example: colibri forecast accuracy --period quarter --last 4 --details
    """
    with database(write=False) as conn:
        warn_unknown_statuses(conn)
        compute = calibrated_forecast.accuracy if calibrated else reports.accuracy
        report = compute(
            conn, kind=kind, last=last, details=details, into=conversion(conn, currency)
        )
    if report["left_out"]:
        say(_history_note(report))
    fields = (
        "period",
        "currency",
        "forecast",
        "actual",
        "error",
        "error_pct",
        "slipped_count",
        "slipped_amount",
        "call",
        "call_error",
        "call_error_pct",
        *(("calibrated", "calibrated_error", "calibrated_error_pct") if calibrated else ()),
    )
    render_report(
        report,
        output,
        rows=report["periods"],
        fields=fields,
        draw=lambda data: _draw_accuracy(data, details),
    )
    note_conversion(report, output)


@app.command("call")
def call(
    period: Annotated[str, typer.Argument(help="A month (2027-01) or a quarter (2027-Q1).")],
    amount: Annotated[
        str, typer.Argument(help="What you expect to win in it: 60000, 60k, '60 000 €'.")
    ],
    currency: Annotated[str | None, typer.Option(help="Default: the currency setting.")] = None,
) -> None:
    """Say what you expect to win in a month or a quarter: your own forecast.

    A later call for the same period replaces it from then on; forecast shows the call
    standing, and forecast accuracy measures the one standing when each period began.

    Example: colibri forecast call 2027-Q1 55k
    """
    with database(write=True) as conn:
        made, notices = calls.make(conn, period, amount, currency)
    for notice in notices:
        say(notice)
    say(
        _("Your call for {period}: {amount}, made {moment}.").format(
            period=made["period"],
            amount=format_amount(made["amount"], made["currency"]),
            moment=moment("made_at")(made),
        )
    )


@app.command("calls")
def calls_list(output: FormatOption = OutputFormat.table) -> None:
    """List every forecast call made, by period: the last of a period is the one standing.

    Example: colibri forecast calls --format csv
    """
    with database(write=False) as conn:
        made = calls.list_calls(conn)
    render_rows(
        made,
        output,
        fields=calls.COLUMNS,
        columns=(
            ("period", N_("Period")),
            ("amount", N_("Call"), amount_cell),
            ("made_at", N_("Made"), moment("made_at")),
        ),
        empty=_("No call made yet. Make one with: colibri forecast call 2027-Q1 55k"),
    )


def _history_note(report: shapes.AccuracyReport) -> str:
    """Why periods asked for are missing: no forecast was made before they began."""
    if report["history_starts"] is None:
        return _("No forecast to measure yet: the history is empty.")
    if not report["periods"]:
        return _(
            "No forecast to measure yet: the history begins on {day}, and forecasts are "
            "measured from the first period that starts after it."
        ).format(day=format_day(report["history_starts"]))
    return _("Forecasts exist from {period} on: the history begins on {day}.").format(
        period=report["periods"][0]["period"], day=format_day(report["history_starts"])
    )


def _draw_accuracy(report: shapes.AccuracyReport, details: bool) -> None:
    console = stdout_console()
    for number, summary in enumerate(report["summary"]):
        if number:
            console.print()  # between two currencies' tables, not after the last
        currency = summary["currency"]
        rows = [row for row in report["periods"] if row["currency"] == currency]
        called = any(row["call"] is not None for row in rows)
        corrected = "calibrated_mape" in summary
        table = figures_table(
            N_("Period"),
            *ACCURACY_HEADINGS,
            *(CALL_HEADINGS if called else ()),
            *(CALIBRATED_HEADINGS if corrected else ()),
            words=1,
            title=_(ACCURACY_TITLES[report["period"]]).format(currency=currency),
            wrap=False,
        )
        for row in rows:
            table.add_row(
                row["period"],
                thousands(row["forecast"]),
                thousands(row["actual"]),
                signed(row["error"]),
                _signed_percent(row["error_pct"]),
                thousands(row["slipped_count"]),
                thousands(row["slipped_amount"]),
                *(
                    (thousands(row["call"]), _signed_percent(row["call_error_pct"]))
                    if called
                    else ()
                ),
                *(
                    (thousands(row["calibrated"]), _signed_percent(row["calibrated_error_pct"]))
                    if corrected
                    else ()
                ),
            )
        console.print(table)
        if summary["mape"] is None:
            console.print(_("Nothing was won in these periods: no percentage error to average."))
        else:
            console.print(
                _("MAPE {mape} · bias {bias}, {amount} a period (+ means over-forecast)").format(
                    mape=format_percent(summary["mape"], digits=1),
                    bias=_signed_percent(summary["bias"]),
                    amount=with_currency(signed(summary["bias_amount"]), currency),
                )
            )
            if summary["unmeasured"]:
                console.print(
                    _("Left out of these means, nothing won: {periods}.").format(
                        periods=", ".join(summary["unmeasured"])
                    )
                )
            if summary["call_mape"] is not None:
                console.print(_calls_against_forecast(summary))
            if corrected:
                console.print(_calibrated_against_forecast(summary))
        if details:
            for row in rows:
                for item in row.get("slipped", []):
                    console.print(
                        "  "
                        + _("{period}  #{id} {name}: {amount} due {day}, now {status}").format(
                            period=row["period"],
                            id=item["id"],
                            name=item["name"],
                            amount=format_amount(item["amount"], currency),
                            day=format_day(item["due_date"]),
                            status=item["status_now"],
                        )
                    )


def _signed_percent(value: float | None) -> str:
    return "" if value is None else format_percent(value, digits=1, sign=True)


CALL_VERDICTS = (
    N_("As close as the computed forecast over those periods (MAPE {mape})."),
    N_("Closer than the computed forecast over those periods (MAPE {mape})."),
    N_("Further off than the computed forecast over those periods (MAPE {mape})."),
)
CALIBRATED_VERDICTS = (
    N_("as close as the computed forecast"),
    N_("closer than the computed forecast"),
    N_("further off than the computed forecast"),
)


def _against(mine: float, computed: float, verdicts: tuple[str, str, str]) -> str:
    """The verdict on a MAPE against the computed forecast's: as close, closer, further off."""
    same, closer, further = verdicts
    return same if mine == computed else closer if mine < computed else further


def _calls_against_forecast(summary: shapes.AccuracySummary) -> str:
    """Your calls' MAPE and bias, and which anticipated better over the periods they were
    measured in: your calls or the computed forecast."""
    mine, computed = summary["call_mape"], summary["call_forecast_mape"]
    verdict = _against(mine, computed, CALL_VERDICTS)
    calls_line = _("Your calls over {periods}: MAPE {mape} · bias {bias}").format(
        mape=format_percent(mine, digits=1),
        bias=_signed_percent(summary["call_bias"]),
        periods=plural(summary["call_measured_periods"], "periods"),
    )
    return calls_line + "\n" + _(verdict).format(mape=format_percent(computed, digits=1))


def _calibrated_against_forecast(summary: shapes.AccuracySummary) -> str:
    """The calibrated forecast's MAPE and bias, backtested, and whether it would have been
    closer than the computed forecast over the same periods."""
    mine, computed = summary["calibrated_mape"], summary["mape"]
    verdict = _against(mine, computed, CALIBRATED_VERDICTS)
    return _("Calibrated, backtested: MAPE {mape} · bias {bias}, {verdict}.").format(
        mape=format_percent(mine, digits=1),
        bias=_signed_percent(summary["calibrated_bias"]),
        verdict=_(verdict),
    )
