"""The timeline that ends `account show`, `opp show` and `contact show`."""

from typing import Annotated

import typer

from colibri_cli.cli.output import (
    OutputFormat,
    plain,
    print_section_title,
    render_record,
    say,
    stdout_console,
    thousands,
)
from colibri_cli.core.money import format_amount
from colibri_cli.i18n import Nc_, _, format_day, format_percent, pgettext

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
    "task": Nc_("timeline", "task done"),
    "created": Nc_("timeline", "created"),
    "status": Nc_("timeline", "status"),
    "amount": Nc_("timeline", "amount"),
    "due_date": Nc_("timeline", "due date"),
    "probability": Nc_("timeline", "probability"),
}
"""The kinds of entries besides activities, as the timeline's second column says them."""


def kind_name(kind: str) -> str:
    from colibri_cli.cli.activities import KIND_NAMES as ACTIVITY_KINDS  # only for a timeline

    if kind in ACTIVITY_KINDS:
        return pgettext("activity", ACTIVITY_KINDS[kind])
    return pgettext("timeline", KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def print_timeline(entries: list[dict], shown: int, *, of_deal: bool = False) -> None:
    """The `shown` newest entries under a "Timeline" title, one line each, and how many
    more there are; nothing when `shown` is 0. The changes of a deal are said with its
    name, unless the timeline is the deal's own (`of_deal`)."""
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
        text = entry["text"]
        if text is None:
            text = _change(entry)
            if not of_deal:
                text = _("{deal}: {change}").format(deal=entry["opportunity"], change=text)
        lines.add_row(plain(when), plain(kind_name(entry["kind"])), plain(text))
    stdout_console().print(lines)
    if len(entries) > shown:
        say(
            _("… and {count} more: --timeline {total} shows them all.").format(
                count=thousands(len(entries) - shown), total=len(entries)
            )
        )


def _change(entry: dict) -> str:
    """A change of a deal in words: "quote → negotiation", "12,000 → 15,000 EUR"."""
    was, now = entry["was"], entry["now"]
    if entry["kind"] == "created":
        return _("{status}, {amount}, due {day}").format(
            status=now["status"],
            amount=format_amount(now["amount"], now["currency"]),
            day=format_day(now["due_date"]),
        )
    if entry["kind"] == "amount":
        same_currency = was["currency"] == now["currency"]
        was_text = format_amount(was["amount"], None if same_currency else was["currency"])
        return _arrow(was_text, format_amount(now["amount"], now["currency"]))
    if entry["kind"] == "probability":
        return _arrow(format_percent(was), format_percent(now))
    if entry["kind"] == "due_date":
        return _arrow(format_day(was), format_day(now))
    return _arrow(was, now)


def _arrow(was: object, now: object) -> str:
    return _("{was} → {now}").format(was=was, now=now)


def render_card(
    record: dict, output: OutputFormat, shown: int, *, of_deal: bool = False, **card
) -> None:
    """A show command's record, ending with its timeline (json: a `timeline` list, whole)."""
    render_record(record, output, whole=("timeline",), **card)
    if output is OutputFormat.table:
        print_timeline(record["timeline"], shown, of_deal=of_deal)
