"""`colibri statuses`: the stages an opportunity goes through."""

import datetime as dt
from typing import Annotated

import typer

from colibri_cli.cli import completion
from colibri_cli.cli.context import confirm_or_yes, database, delete_confirmed
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    figures_table,
    plural,
    render_report,
    render_rows,
    say,
    stdout_console,
)
from colibri_cli.cli.params import Yes, choice_info
from colibri_cli.cli.reports import warn_unknown_statuses
from colibri_cli.core import calibration, inputs, shapes, statuses
from colibri_cli.core.errors import Conflict
from colibri_cli.i18n import N_, _, format_day, format_decimal, format_percent, ngettext

app = typer.Typer(help="Statuses: the stages of an opportunity.", no_args_is_help=True)

NewStatusKey = Annotated[str, typer.Argument(metavar="KEY", help="Status key, e.g. quote.")]
StatusKey = Annotated[
    str,
    typer.Argument(
        metavar="KEY", help="Status key, e.g. quote.", autocompletion=completion.status_keys
    ),
]
Probability = Annotated[
    int | None, typer.Option(min=0, max=100, help="Default probability in %, 0 to 100.")
]
KIND_HELP = "open, won, lost or cancelled."
Kind = Annotated[str | None, choice_info(statuses.KINDS, "--kind", help=KIND_HELP)]
COLUMNS = (
    ("position", "#"),
    ("key", N_("Key")),
    ("label", N_("Label"), lambda row: statuses.display_label(row["key"], row["label"])),
    ("probability", N_("Prob."), lambda row: format_percent(row["probability"])),
    ("kind", N_("Kind")),
    ("stale_days", N_("Stale after"), lambda row: _stale_after(row["stale_days"])),
)


def _stale_after(days: int | None) -> str:
    """A status's own stale days; nothing where it follows the stale-days setting."""
    return "" if days is None else plural(days, "days")


def _line(status: dict) -> str:
    label = statuses.display_label(status["key"], status["label"])
    described = [label, format_percent(status["probability"]), status["kind"]]
    if status["stale_days"] is not None:
        described.append(_("stale after {days}").format(days=_stale_after(status["stale_days"])))
    return f"{status['key']} ({', '.join(described)})"


@app.command("list")
def list_(output: FormatOption = OutputFormat.table) -> None:
    """List statuses in pipeline order, with their default probability and kind.

    Example: colibri statuses list
    """
    with database(write=False) as conn:
        rows = statuses.list_statuses(conn)
    render_rows(rows, output, fields=statuses.COLUMNS, columns=COLUMNS, empty=_("No statuses."))


StaleDays = Annotated[
    str | None,
    typer.Option(
        metavar="DAYS",
        help='Days untouched after which its deals are stale; "" for the stale-days setting.',
    ),
]


@app.command("add")
def add(
    key: NewStatusKey,
    label: Annotated[str, typer.Option(help="The name shown in tables.")],
    probability: Annotated[
        int, typer.Option(min=0, max=100, help="Default probability in %, 0 to 100.")
    ],
    kind: Annotated[str, choice_info(statuses.KINDS, "--kind", help=KIND_HELP)] = "open",
    stale_days: StaleDays = None,
) -> None:
    """Add a stage, placed last.

    Example: colibri statuses add proposal --label "Proposal sent" --probability 50
    """
    with database(write=True) as conn:
        status = statuses.add(conn, key, label, probability, kind, stale_days)
    say(_("Added status {status}.").format(status=_line(status)))


@app.command("edit")
def edit(
    key: StatusKey,
    label: Annotated[str | None, typer.Option(help="New label (renames the stage).")] = None,
    probability: Probability = None,
    kind: Kind = None,
    position: Annotated[
        int | None, typer.Option(help="Place in the pipeline order, 1 first; the others make room.")
    ] = None,
    stale_days: StaleDays = None,
) -> None:
    """Rename a stage, change its probability, kind (if unused), place or stale days.

    Example: colibri statuses edit quote --label "Proposal sent" --probability 50
    """
    if all(value is None for value in (label, probability, kind, position, stale_days)):
        raise typer.BadParameter(_("give at least one change, e.g. --probability 50."))
    with database(write=True) as conn:
        status = statuses.edit(
            conn,
            key,
            label=label,
            probability=probability,
            kind=kind,
            position=position,
            stale_days=stale_days,
        )
    say(_("Updated status {status}.").format(status=_line(status)))


@app.command("delete")
def delete(
    key: StatusKey,
    yes: Yes = False,
) -> None:
    """Remove a stage that no opportunity uses, now or in its history.

    Example: colibri statuses delete proposal --yes
    """

    def find(conn):
        status = _line(statuses.ensure_removable(conn, key))
        return _("status {status}").format(status=status), key

    what = delete_confirmed(find, statuses.delete, yes=yes, question=N_("Remove {what}?"))
    say(_("Removed {what}.").format(what=what))


@app.command("calibrate")
def calibrate(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only deals closed on or after this date.",
            autocompletion=completion.date_words,
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
    apply: Annotated[
        bool, typer.Option("--apply", help="Set the suggested probabilities (asks first).")
    ] = False,
    yes: Yes = False,
) -> None:
    """Compare each open status's probability with the share of its deals that were won.

    Closed deals that followed their status's probability count, once per status they
    entered; cancelled ones are counted apart. A probability is suggested from
    10 won or lost deals on.

    Example: colibri statuses calibrate --since 2026-01-01 --apply
    """
    with database(write=False) as conn:
        warn_unknown_statuses(conn)
        day = inputs.read_date(conn, since, field=N_("--since date")) if since else None
        report = calibration.report(conn, day)
    render_report(
        report,
        output,
        rows=_calibration_rows(report),
        fields=CALIBRATION_FIELDS,
        draw=_draw_calibration,
    )
    if apply:
        _apply_suggestions(report, day, yes=yes)


CALIBRATION_FIELDS = (
    "status",
    "label",
    "probability",
    "used_probability",
    "deals",
    "won",
    "lost",
    "cancelled",
    "own_probability",
    "won_percent",
    "low_percent",
    "high_percent",
    "brier",
    "suggested",
)


def _calibration_rows(report: shapes.CalibrationReport) -> list[dict]:
    """One row per status, then one without a status for all the deals counted."""
    everything = {"status": None, "deals": report["passages"], "brier": report["brier"]}
    return [*report["statuses"], everything]


def _draw_calibration(report: shapes.CalibrationReport) -> None:
    console = stdout_console()
    title = _("Status probabilities against what became of the deals")
    if report["since"]:
        title = _("{title}, deals closed since {day}").format(
            title=title, day=format_day(report["since"])
        )
    console.print(title, style="bold")
    rows = report["statuses"]
    if not any(row["deals"] or row["cancelled"] or row["own_probability"] for row in rows):
        console.print(_("No closed deal has been through an open status yet: nothing to compare."))
        return
    table = figures_table(
        N_("Status"), N_("Now"), N_("Used"), N_("Deals"), N_("Won %"),
        N_("Interval (90%)"), N_("Brier"), N_("Suggested"), words=1,
    )  # fmt: skip
    for row in rows:
        table.add_row(
            statuses.display_label(row["status"], row["label"]),
            format_percent(row["probability"]),
            _percent(row["used_probability"]),
            str(row["deals"]),
            _percent(row["won_percent"]),
            _interval(row["low_percent"], row["high_percent"]),
            _brier(row["brier"]),
            _suggestion(row, report["minimum_deals"]),
        )
    console.print(table)
    console.print(
        _(
            "Brier score, all statuses ({count} counted): {brier} "
            "(0 is perfect; {half} if every probability were {fifty})"
        ).format(
            count=report["passages"],
            brier=_brier(report["brier"]),
            half=_brier(0.25),
            fifty=format_percent(50),
        )
    )
    console.print(_("Used: the status's probability when the deal entered it."))
    console.print(
        _(
            "Left out: cancelled deals ({cancelled}), "
            "deals with a probability of their own ({own})."
        ).format(
            cancelled=sum(row["cancelled"] for row in rows),
            own=sum(row["own_probability"] for row in rows),
        )
    )
    console.print(_("(A deal counts once in each status it went through.)"))


def _percent(value: float | None) -> str:
    """ "65%", "62.5%"; nothing for no value."""
    if value is None:
        return ""
    return format_percent(value, digits=0 if value == int(value) else 1)


def _interval(low: float | None, high: float | None) -> str:
    if low is None:
        return ""
    return f"{format_decimal(low)}-{format_percent(high, digits=1)}"


def _brier(value: float | None) -> str:
    return "" if value is None else format_decimal(value, digits=3)


def _suggestion(row: shapes.StatusCalibration, minimum: int) -> str:
    if row["suggested"] is None:
        return _("not enough deals ({count} of {minimum})").format(
            count=row["deals"], minimum=minimum
        )
    return format_percent(row["suggested"])


def _apply_suggestions(report: shapes.CalibrationReport, day: dt.date | None, *, yes: bool) -> None:
    """Ask, holding no lock while a person thinks; then, under the write lock, check that
    the suggestions are still those shown and set them."""
    wanted = calibration.changes(report)
    if not wanted:
        say(_("No suggested probability differs from the status's own: nothing to change."))
        return
    for change in wanted:
        say(_change_line(change))
    confirm_or_yes(_("Set these probabilities?"), yes=yes)
    with database(write=True) as conn:
        if calibration.changes(calibration.report(conn, day)) != wanted:
            raise Conflict(_("The deals changed meanwhile: run the command again."))
        calibration.apply(conn, wanted)
    say(
        ngettext(
            "Set {count} probability: past forecasts keep the ones they were made with.",
            "Set {count} probabilities: past forecasts keep the ones they were made with.",
            len(wanted),
        ).format(count=len(wanted))
    )


def _change_line(change: dict) -> str:
    return _("{label} ({key}): {old} → {new}").format(
        label=statuses.display_label(change["status"], change["label"]),
        key=change["status"],
        old=format_percent(change["probability"]),
        new=format_percent(change["suggested"]),
    )
