"""`colibri pipeline`, `forecast`, `forecast accuracy`, `stats` and `target`: where you stand."""

import datetime as dt
from typing import Annotated

import typer

from colibri_cli.cli import charts, completion
from colibri_cli.cli.context import database
from colibri_cli.cli.output import (
    COLUMN_GAP,
    FormatOption,
    OutputFormat,
    amount_cell,
    moment,
    plain,
    plural,
    print_no_next_step,
    render_report,
    render_rows,
    say,
    signed,
    stdout_console,
    styled,
    thousands,
    warn,
)
from colibri_cli.cli.rates import InOption, conversion, note_conversion
from colibri_cli.core import calibrated as calibrated_forecast
from colibri_cli.core import (
    calibration,
    calls,
    clock,
    inputs,
    periods,
    reports,
    settings,
    statuses,
    targets,
)
from colibri_cli.core.errors import InvalidInput
from colibri_cli.core.money import format_amount, with_currency
from colibri_cli.i18n import (
    N_,
    Nc_,
    _,
    format_day,
    format_decimal,
    format_percent,
    ngettext,
    pgettext,
)

PeriodKind = Annotated[
    str,
    typer.Option(
        "--period",
        "-p",
        help="month or quarter.",
        show_default=True,
        autocompletion=completion.words(periods.KINDS),
    ),
]
LISTED = 10
"""How many overdue or stale opportunities a table lists; json and csv have them all."""

PIPELINE_TITLES = {
    "status": N_("Open pipeline by status, {date}"),
    "month": N_("Open pipeline by month, {date}"),
    "quarter": N_("Open pipeline by quarter, {date}"),
    "account": N_("Open pipeline by account, {date}"),
}
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


def _check_kind(kind: str) -> str:
    if kind not in periods.KINDS:
        raise typer.BadParameter(_("--period is month or quarter, not {kind!r}.").format(kind=kind))
    return kind


def warn_unknown_statuses(conn) -> None:
    """One warning for the deals a report leaves out: their status, written by another
    program, is not one colibri knows."""
    unknown = statuses.unknown_in_use(conn)
    if not unknown:
        return
    count = sum(row["count"] for row in unknown)
    warn(
        ngettext(
            "{count} opportunity has a status colibri does not know ({statuses}): it is left "
            "out of this report. Add the status with: colibri statuses add {key} --label … "
            "--probability … --kind open|won|lost|cancelled",
            "{count} opportunities have a status colibri does not know ({statuses}): they are "
            "left out of this report. Add the status with: colibri statuses add {key} --label … "
            "--probability … --kind open|won|lost|cancelled",
            count,
        ).format(
            count=thousands(count),
            statuses=", ".join(f"{row['status']!r}" for row in unknown),
            key=unknown[0]["status"],
        )
    )


def past_day(conn, text: str | None, option: str = "--as-of") -> dt.date | None:
    """The day an `--as-of` or `--until` option names, refused if it is still to come."""
    if text is None:
        return None
    field = N_("--as-of date") if option == "--as-of" else N_("--until date")
    day = inputs.read_date(conn, text, field=field, past=True)
    if day > clock.today():
        raise InvalidInput(
            _("The {option} date {day} is in the future: give today or a day before.").format(
                option=option, day=format_day(day)
            )
        )
    return day


# --- pipeline ----------------------------------------------------------------------------

PIPELINE_FIELDS = ("section", "group", "label", "currency", "count", "amount", "weighted")


def pipeline(
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            help="Group by status, month, quarter or account.",
            autocompletion=completion.words(reports.GROUPINGS),
        ),
    ] = "status",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="As the pipeline stood at the end of this day.",
            autocompletion=completion.past_date_words,
        ),
    ] = None,
    currency: InOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Open deals by status, month, quarter or account.

    Overdue and stale deals are counted and listed too.

    Example: colibri pipeline --by month --as-of 2026-09-30
    """
    if by not in reports.GROUPINGS:
        raise typer.BadParameter(
            _("--by is one of {choices}, not {by!r}.").format(
                choices=", ".join(reports.GROUPINGS), by=by
            )
        )
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


def _pipeline_rows(report: dict) -> list[dict]:
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


def _draw_pipeline(report: dict) -> None:

    console = stdout_console()
    if not report["groups"]:
        say(_("No open opportunities. Create one with: colibri opp create"))
        return
    # The title on a line of its own: as a table title it would wrap to the table's width.
    title = _(PIPELINE_TITLES[report["by"]]).format(date=_when(report, "pipeline"))
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


def _pipeline_table(console, by: str, groups: list[dict], totals: list[dict]):
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
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for heading in ("", N_("Count"), N_("Amount"), N_("Weighted")):
        table.add_column(
            _(heading) if heading else "",
            justify="right" if heading else "left",
            no_wrap=bool(heading),
        )
    if bars:
        table.add_column(Text(_("█ weighted ░ amount"), no_wrap=False), width=width)
    for index, cells in enumerate(rows):
        table.add_row(*cells, *([bars[index]] if bars and index < len(bars) else []))
    return table


AS_IT_STOOD = {  # by report: in French, "les prévisions telles qu'elles étaient", "le
    # pipeline tel qu'il était"
    "forecast": Nc_("forecast", "as it stood on {day}"),
    "pipeline": Nc_("pipeline", "as it stood on {day}"),
}


def _when(report: dict, name: str) -> str:
    """Today's date, or the past day the report `name` stood on."""
    if not report["as_of"]:
        return format_day(report["date"])
    return pgettext(name, AS_IT_STOOD[name]).format(day=format_day(report["as_of"]))


def _draw_listing(console, title: str, section: dict, more_command: str) -> None:
    from rich.table import Table

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
    table = Table(box=None, header_style="bold", pad_edge=False)
    for heading in (N_("ID"), N_("Name"), N_("Account"), N_("Amount"), N_("Due"), N_("Status")):
        table.add_column(
            _(heading),
            justify="right" if heading in ("ID", "Amount") else "left",
            no_wrap=heading not in ("Name", "Account"),
        )
    for row in listed[:LISTED]:
        table.add_row(
            str(row["id"]),
            row["name"],
            row["account"],
            format_amount(row["amount"], row["currency"]),
            format_day(row["due_date"]),
            row["status"],
        )
    console.print(table)
    if count > len(listed):
        say(
            _("… and {count} more: colibri {command}").format(
                count=thousands(count - len(listed)), command=more_command
            )
        )


# --- forecast ----------------------------------------------------------------------------

forecast_app = typer.Typer()
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


@forecast_app.callback(invoke_without_command=True)
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
        typer.Option(
            "--as-of",
            help="As the forecast stood at the end of this day.",
            autocompletion=completion.past_date_words,
        ),
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
    _check_kind(kind)
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


def _draw_forecast(report: dict) -> None:
    from rich.table import Table

    console = stdout_console()
    when = _when(report, "forecast")
    for number, currency in enumerate(sorted({row["currency"] for row in report["periods"]})):
        if number:
            console.print()  # between two currencies' tables, not after the last
        rows = [row for row in report["periods"] if row["currency"] == currency]
        overdue = [row for row in report["overdue"] if row["currency"] == currency]
        table = Table(
            box=None,
            header_style="bold",
            pad_edge=False,
            title_justify="left",
            title=_(FORECAST_TITLES[report["period"]]).format(currency=currency, when=when),
        )
        called = any(row["call"] is not None for row in rows)
        extra = (
            *(("call",) if called else ()),
            *(("calibrated",) if "corrections" in report else ()),
        )
        table.add_column(_("Period"), no_wrap=True)
        for heading in (*FORECAST_HEADINGS, *(EXTRA_HEADINGS[key] for key in extra)):
            table.add_column(_(heading), justify="right", no_wrap=True)
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


def _corrections_note(found: list[dict]) -> str:
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


def _coverage_line(row: dict) -> str:
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


@forecast_app.command("accuracy")
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
    _check_kind(kind)
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


@forecast_app.command("call")
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


@forecast_app.command("calls")
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


def _history_note(report: dict) -> str:
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


def _draw_accuracy(report: dict, details: bool) -> None:
    from rich.table import Table

    console = stdout_console()
    for number, summary in enumerate(report["summary"]):
        if number:
            console.print()  # between two currencies' tables, not after the last
        currency = summary["currency"]
        rows = [row for row in report["periods"] if row["currency"] == currency]
        table = Table(
            box=None,
            header_style="bold",
            pad_edge=False,
            title_justify="left",
            title=_(ACCURACY_TITLES[report["period"]]).format(currency=currency),
        )
        called = any(row["call"] is not None for row in rows)
        corrected = "calibrated_mape" in summary
        table.add_column(_("Period"), no_wrap=True)
        for heading in (
            *ACCURACY_HEADINGS,
            *(CALL_HEADINGS if called else ()),
            *(CALIBRATED_HEADINGS if corrected else ()),
        ):
            table.add_column(_(heading), justify="right", no_wrap=True)
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


def _calls_against_forecast(summary: dict) -> str:
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


def _calibrated_against_forecast(summary: dict) -> str:
    """The calibrated forecast's MAPE and bias, backtested, and whether it would have been
    closer than the computed forecast over the same periods."""
    mine, computed = summary["calibrated_mape"], summary["mape"]
    verdict = _against(mine, computed, CALIBRATED_VERDICTS)
    return _("Calibrated, backtested: MAPE {mape} · bias {bias}, {verdict}.").format(
        mape=format_percent(mine, digits=1),
        bias=_signed_percent(summary["calibrated_bias"]),
        verdict=_(verdict),
    )


# --- targets -----------------------------------------------------------------------------

target_app = typer.Typer(
    help="Targets: what you aim to win in a month or a quarter.", no_args_is_help=True
)


# "-5" is an amount to refuse with its reason, not an unknown option.
@target_app.command("set", context_settings={"ignore_unknown_options": True})
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


@target_app.command("list")
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


@target_app.command("delete")
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
