"""`colibri pipeline`, `forecast`, `forecast accuracy`, `stats` and `target`: where you stand."""

from typing import Annotated

import typer

from colibri_cli.cli import charts
from colibri_cli.cli.context import database
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    plural,
    render_report,
    render_rows,
    say,
    signed,
    stdout_console,
    thousands,
)
from colibri_cli.core import clock, inputs, periods, reports, settings, stats, targets
from colibri_cli.core.errors import InvalidInput
from colibri_cli.core.money import format_amount

PeriodKind = Annotated[
    str, typer.Option("--period", "-p", help="month or quarter.", show_default=True)
]
LISTED = 10
"""How many overdue or stale opportunities a table lists; json and csv have them all."""


def _check_kind(kind: str) -> str:
    if kind not in periods.KINDS:
        raise typer.BadParameter(f"--period is month or quarter, not {kind!r}.")
    return kind


# --- pipeline ----------------------------------------------------------------------------

PIPELINE_FIELDS = ("section", "group", "label", "currency", "count", "amount", "weighted")


def pipeline(
    by: Annotated[
        str, typer.Option("--by", "-b", help="Group by status, month, quarter or account.")
    ] = "status",
    output: FormatOption = OutputFormat.table,
) -> None:
    """Open deals by status, month, quarter or account.

    Overdue and stale deals are counted and listed too.

    Example: colibri pipeline --by month
    """
    if by not in reports.GROUPINGS:
        raise typer.BadParameter(f"--by is one of {', '.join(reports.GROUPINGS)}, not {by!r}.")
    with database(write=False) as conn:
        report = reports.pipeline(conn, by, LISTED if output is OutputFormat.table else None)
    render_report(
        report, output, rows=_pipeline_rows(report), fields=PIPELINE_FIELDS, draw=_draw_pipeline
    )


def _pipeline_rows(report: dict) -> list[dict]:
    rows = [{"section": "group", **group} for group in report["groups"]]
    for section in ("totals", "overdue", "stale"):
        totals = report[section] if section == "totals" else report[section]["totals"]
        name = "total" if section == "totals" else section
        rows += [{"section": name, "group": None, "label": None, **total} for total in totals]
    return rows


def _draw_pipeline(report: dict) -> None:
    from rich.table import Table

    console = stdout_console()
    if not report["groups"]:
        say("No open opportunities. Create one with: colibri opp create")
        return
    table = Table(
        box=None,
        header_style="bold",
        pad_edge=False,
        title_justify="left",
        title=f"Open pipeline by {report['by']}, {report['date']}",
    )
    for heading in ("", "Count", "Amount", "Weighted"):
        table.add_column(heading, justify="right" if heading else "left")
    bars = charts.bars(report["groups"], "amount", "weighted") if console.is_terminal else None
    if bars:
        table.add_column("█ weighted ░ amount", no_wrap=True)
    for index, group in enumerate(report["groups"]):
        cells = [
            group["label"],
            thousands(group["count"]),
            format_amount(group["amount"], group["currency"]),
            format_amount(group["weighted"], group["currency"]),
        ]
        table.add_row(*cells, *([bars[index]] if bars else []))
    for total in report["totals"]:
        table.add_row(
            "[bold]Total[/bold]",
            thousands(total["count"]),
            format_amount(total["amount"], total["currency"]),
            format_amount(total["weighted"], total["currency"]),
        )
    console.print(table)
    _draw_listing(console, "Overdue", report["overdue"], "opp list --overdue")
    stale = report["stale"]
    _draw_listing(
        console, f"Stale (no change for {stale['days']} days)", stale, "pipeline --format json"
    )


def _draw_listing(console, title: str, section: dict, more_command: str) -> None:
    from rich.table import Table

    listed = section["opportunities"]
    if not listed:
        console.print(f"\n[bold]{title}[/bold]: none.")
        return
    count = sum(total["count"] for total in section["totals"])
    sums = ", ".join(
        format_amount(total["amount"], total["currency"]) for total in section["totals"]
    )
    console.print(f"\n[bold]{title}[/bold]: {count} ({sums})")
    table = Table(box=None, header_style="bold", pad_edge=False)
    for heading in ("ID", "Name", "Account", "Amount", "Due", "Status"):
        table.add_column(
            heading,
            justify="right" if heading in ("ID", "Amount") else "left",
            overflow="ellipsis",
            no_wrap=heading in ("Due", "Amount"),
        )
    for row in listed[:LISTED]:
        table.add_row(
            str(row["id"]),
            row["name"],
            row["account"],
            format_amount(row["amount"], row["currency"]),
            row["due_date"],
            row["status"],
        )
    console.print(table)
    if count > len(listed):
        say(f"… and {count - len(listed)} more: colibri {more_command}")


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
)
FORECAST_COLUMNS = ("won", "weighted", "expected", "commit", "best_case", "target", "gap")


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
        str | None, typer.Option("--as-of", help="As the forecast stood at the end of this day.")
    ] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """What will close and when, against your targets.

    Per period and currency: won, weighted, expected, commit, best case, target and gap.

    Example: colibri forecast --period quarter --periods 4
    """
    if ctx.invoked_subcommand:
        return
    _check_kind(kind)
    with database(write=False) as conn:
        fiscal_start = int(settings.get(conn, "fiscal-year-start"))
        first = periods.parse(start, fiscal_start, field="--from") if start else None
        if first is not None and first.kind != kind:
            raise typer.BadParameter(f"--from {start} is not a {kind}: use --period {first.kind}.")
        day = inputs.read_date(conn, as_of, field="--as-of date") if as_of else None
        if day and day > clock.today():
            raise InvalidInput(
                f"The --as-of date {day} is in the future: give today or a day before."
            )
        report = reports.forecast(
            conn, kind=kind, count=count or (6 if kind == "month" else 4), first=first, as_of=day
        )
    render_report(
        report,
        output,
        rows=report["periods"] + report["overdue"],
        fields=FORECAST_FIELDS,
        draw=_draw_forecast,
    )


def _draw_forecast(report: dict) -> None:
    from rich.table import Table

    console = stdout_console()
    when = f"as it stood on {report['as_of']}" if report["as_of"] else report["date"]
    for currency in sorted({row["currency"] for row in report["periods"]}):
        rows = [row for row in report["periods"] if row["currency"] == currency]
        overdue = [row for row in report["overdue"] if row["currency"] == currency]
        table = Table(
            box=None,
            header_style="bold",
            pad_edge=False,
            title_justify="left",
            title=f"Forecast by {report['period']} in {currency}, {when}",
        )
        table.add_column("Period")
        for heading in ("Won", "Weighted", "Expected", "Commit", "Best case", "Target", "Gap"):
            table.add_column(heading, justify="right")
        for row in rows + overdue:
            table.add_row(
                row["period"] if row["period"] != "overdue" else "[yellow]Overdue[/yellow]",
                *(
                    thousands(row[key]) if key != "gap" else signed(row[key])
                    for key in FORECAST_COLUMNS
                ),
            )
        console.print(table)
        if console.is_terminal:
            console.print(charts.expected_against_target(rows))
        console.print()
    say(
        f"Expected = won + weighted; commit counts open deals at {report['commit_threshold']}% "
        "or more; overdue deals (due before today, still open) are not in any period."
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
    output: FormatOption = OutputFormat.table,
) -> None:
    """How reliable past forecasts were: forecast at each period's start against what was won.

    Example: colibri forecast accuracy --period quarter --last 4 --details
    """
    _check_kind(kind)
    with database(write=False) as conn:
        report = reports.accuracy(conn, kind=kind, last=last, details=details)
    fields = (
        "period",
        "currency",
        "forecast",
        "actual",
        "error",
        "error_pct",
        "slipped_count",
        "slipped_amount",
    )
    render_report(
        report,
        output,
        rows=report["periods"],
        fields=fields,
        draw=lambda data: _draw_accuracy(data, details),
    )


def _draw_accuracy(report: dict, details: bool) -> None:
    from rich.table import Table

    console = stdout_console()
    for summary in report["summary"]:
        currency = summary["currency"]
        rows = [row for row in report["periods"] if row["currency"] == currency]
        table = Table(
            box=None,
            header_style="bold",
            pad_edge=False,
            title_justify="left",
            title=f"Forecast accuracy by {report['period']} in {currency}",
        )
        table.add_column("Period")
        for heading in ("Forecast", "Actual", "Error", "Error %", "Slipped", "Slipped amt"):
            table.add_column(heading, justify="right")
        for row in rows:
            pct = "" if row["error_pct"] is None else f"{row['error_pct']:+.1f}%"
            table.add_row(
                row["period"],
                thousands(row["forecast"]),
                thousands(row["actual"]),
                signed(row["error"]),
                pct,
                thousands(row["slipped_count"]),
                thousands(row["slipped_amount"]),
            )
        console.print(table)
        if summary["mape"] is None:
            console.print("Nothing was won in these periods: no percentage error to average.")
        else:
            console.print(
                f"MAPE {summary['mape']:.1f}% · bias {summary['bias']:+.1f}%, "
                f"{signed(summary['bias_amount'])} {currency} a period (+ means over-forecast)"
            )
        if details:
            for row in rows:
                for item in row.get("slipped", []):
                    console.print(
                        f"  {row['period']}  #{item['id']} {item['name']}: "
                        f"{format_amount(item['amount'], currency)} due {item['due_date']}, "
                        f"now {item['status_now']}"
                    )
        console.print()


# --- stats -------------------------------------------------------------------------------


def stats_command(
    since: Annotated[
        str | None, typer.Option("--since", help="Only deals closed on or after this date.")
    ] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Win rate, deal size, sales cycle and loss reasons.

    Example: colibri stats --since 2026-01-01
    """
    with database(write=False) as conn:
        day = inputs.read_date(conn, since, field="--since date") if since else None
        report = stats.stats(conn, day)
    render_report(
        report,
        output,
        rows=_stats_rows(report),
        fields=("metric", "key", "currency", "value"),
        draw=_draw_stats,
    )


def _stats_rows(report: dict) -> list[dict]:
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


def _draw_stats(report: dict) -> None:
    from rich.table import Table

    console = stdout_console()
    rate = report["win_rate"]
    since = f" since {report['since']}" if report["since"] else ""
    console.print(
        f"[bold]Closed deals{since}[/bold]: {rate['won']} won, {rate['lost']} lost, "
        f"{rate['cancelled']} cancelled"
    )
    console.print(
        "Win rate (won / (won + lost)): "
        + ("n/a" if rate["rate"] is None else f"{rate['rate']:.1f}%")
    )
    for won in report["won"]:
        currency = won["currency"]
        console.print(
            f"Won in {currency}: {format_amount(won['amount'], currency)} in "
            f"{plural(won['count'], 'deals')}; average {format_amount(won['average'], currency)}, "
            f"median {format_amount(won['median'], currency)}"
        )
    cycle = report["sales_cycle"]
    if cycle["median_days"] is not None:
        console.print(
            f"Median sales cycle: {cycle['median_days']} days "
            f"(creation to close, {plural(cycle['count'], 'won deals')})"
        )
    if report["time_in_status"]:
        console.print("\nAverage time in each status")
        table = Table(box=None, header_style="bold", pad_edge=False)
        for heading in ("Status", "Stays", "Ongoing", "Average days"):
            table.add_column(heading, justify="left" if heading == "Status" else "right")
        for row in report["time_in_status"]:
            table.add_row(
                row["label"], str(row["stays"]), str(row["ongoing"]), f"{row['average_days']:.1f}"
            )
        console.print(table)
    if report["reasons"]:
        console.print("\nWhy deals were lost or cancelled")
        table = Table(box=None, header_style="bold", pad_edge=False)
        for heading in ("Outcome", "Reason", "Deals"):
            table.add_column(heading, justify="right" if heading == "Deals" else "left")
        for row in report["reasons"]:
            table.add_row(row["kind"], row["reason"], str(row["count"]))
        console.print(table)


# --- targets -----------------------------------------------------------------------------

target_app = typer.Typer(
    help="Targets: what you aim to win in a month or a quarter.", no_args_is_help=True
)


@target_app.command("set")
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
    say(f"Target for {saved['period']}: {format_amount(saved['amount'], saved['currency'])}.")


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
            ("period", "Period"),
            ("amount", "Target", lambda row: format_amount(row["amount"], row["currency"])),
        ),
        empty="No targets yet. Set one with: colibri target set 2027-Q1 60k",
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
    say(f"Removed the target for {removed['period']} in {removed['currency']}.")
