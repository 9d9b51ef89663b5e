"""The timeline that ends `account show`, `opp show` and `contact show`."""

from typing import Annotated

import typer

from colibri_cli.cli.activities import KIND_NAMES as ACTIVITY_KINDS
from colibri_cli.cli.output import (
    OutputFormat,
    plain,
    print_section_title,
    render_record,
    say,
    stdout_console,
    thousands,
)
from colibri_cli.i18n import N_, _, format_day, pgettext

TimelineOption = Annotated[
    int,
    typer.Option(
        "--timeline",
        min=0,
        metavar="N",
        help="How many timeline entries the card shows, newest first (0 hides it; json has all).",
    ),
]
SHOWN = 10
KIND_NAMES = {
    "task": N_("task done"),
    "created": N_("created"),
    "status": N_("status"),
    "amount": N_("amount"),
    "due_date": N_("due date"),
    "probability": N_("probability"),
}


def kind_name(kind: str) -> str:
    if kind in ACTIVITY_KINDS:
        return pgettext("activity", ACTIVITY_KINDS[kind])
    return _(KIND_NAMES.get(kind, kind))


def print_timeline(entries: list[dict], shown: int) -> None:
    """The `shown` newest entries under a "Timeline" title, one line each, and how many
    more there are; nothing when `shown` is 0."""
    if not shown:
        return
    from rich.table import Table

    print_section_title("timeline", len(entries))
    if not entries:
        return
    lines = Table.grid(padding=(0, 2))
    lines.add_column(no_wrap=True)
    lines.add_column(no_wrap=True)
    lines.add_column(overflow="fold")
    for entry in entries[:shown]:
        when = " ".join(part for part in (format_day(entry["date"]), entry["time"]) if part)
        lines.add_row(plain(when), plain(kind_name(entry["kind"])), plain(entry["text"]))
    stdout_console().print(lines)
    if len(entries) > shown:
        say(
            _("… and {count} more: --timeline {total} shows them all.").format(
                count=thousands(len(entries) - shown), total=len(entries)
            )
        )


def render_card(record: dict, output: OutputFormat, shown: int, **card) -> None:
    """A show command's record, ending with its timeline (json: a `timeline` list, whole)."""
    render_record(record, output, whole=("timeline",), **card)
    if output is OutputFormat.table:
        print_timeline(record["timeline"], shown)
