"""What the reports share (`pipeline`, `forecast`, `stats`, `statuses calibrate`): one
warning for the deals whose status colibri does not know, and the past day a report stands on."""

import datetime as dt

from colibri_cli.cli.output import thousands, warn
from colibri_cli.core import clock, inputs, shapes, statuses
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, Nc_, _, format_day, ngettext, pgettext


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


AS_IT_STOOD = {  # by report: in French, "les prévisions telles qu'elles étaient", "le
    # pipeline tel qu'il était"
    "forecast": Nc_("forecast", "as it stood on {day}"),
    "pipeline": Nc_("pipeline", "as it stood on {day}"),
}


def report_day(report: shapes.PipelineReport | shapes.ForecastReport, name: str) -> str:
    """Today's date, or the past day the report `name` stood on."""
    if not report["as_of"]:
        return format_day(report["date"])
    return pgettext(name, AS_IT_STOOD[name]).format(day=format_day(report["as_of"]))
