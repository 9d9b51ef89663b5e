"""One renderer for every listing and record, and the two consoles.

Data goes to stdout; messages, warnings and errors to stderr. `--format table` is for
people and shows at most TABLE_LIMIT rows; csv and json are complete, streamed, undecorated,
and their keys are the database column names. Rich is imported only to draw a table.

Nothing stored reaches a terminal raw: every console, message and prompt shows control
characters through `visible`, and Rich reads markup and emoji codes only from colibri's own
text (`styled`), never from data. JSON escapes them too (the same data, decoded); CSV keeps
its bytes for files and pipes, and is shown through `visible` on a terminal.
"""

import contextlib
import csv
import functools
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from colibri_cli import i18n
from colibri_cli.core.errors import ColibriError, InvalidInput
from colibri_cli.core.records import Listing
from colibri_cli.core.text import json_text, visible
from colibri_cli.i18n import N_, _, format_day, language

TABLE_LIMIT = 100
UNBROKEN = {
    "id",
    "amount",
    "due_date",
    "happened_on",
    "done_on",
    "last_touch",
    "deleted_at",
    "kind",
    "status",
    "currency",
    "period",
    "phone",
}
"""Short columns a narrow terminal must not break; the others wrap."""
SPARE = {"last_touch", "stale_days"}
"""Columns a table leaves out when no row has a value in them, or where the terminal is too
narrow to show them in one table (the json and csv keep them)."""
DAYS = {
    "due_date",
    "created_on",
    "closed_on",
    "done_on",
    "happened_on",
    "last_touch",
    "valid_from",
}
"""Columns of dates: a table shows them through `format_day` (30/11/2026 where the
`date-display` setting is dmy); csv and json keep them ISO."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RISKY_STARTS = frozenset([*FORMULA_STARTS, "'"])
"""The first characters of a CSV cell `_csv_cell` may have to neutralise."""
AMOUNT_SPACE = re.compile(r"(?<=\d) (?=[A-Z]{3}\b)")
"""The space of "12,000 EUR", where a line is never broken."""
GLUED = str.maketrans({"\u00a0": "\ue001", "\u202f": "\ue002"})
UNGLUED = str.maketrans({"\ue000": " ", "\ue001": "\u00a0", "\ue002": "\u202f"})
"""Stand-ins for the spaces inside a figure ("12 000 €", "12,000 EUR") while a line is
wrapped: Rich and textwrap break lines at spaces, not at these private characters."""


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table for people; csv or json for scripts (complete, on stdout).",
    ),
]


class WrittenFormat(StrEnum):
    table = "table"
    json = "json"


WrittenFormatOption = Annotated[
    WrittenFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table for people (a message on stderr); json for scripts: what was written, "
        "on stdout.",
    ),
]
"""For a command whose record nests another (a close and its follow-up task): no csv."""

Columns = Sequence[tuple]
"""What a table shows, in order: (key, heading) or (key, heading, render) where
`render(row) -> str` formats the cell. Columns of numbers are right-aligned. Headings are
written in English, marked with N_, and translated when the table is drawn."""

SECTION_TITLES = {
    "contacts": N_("Contacts"),
    "opportunities": N_("Opportunities"),
    "tasks": N_("Tasks"),
    "history": N_("History"),
    "timeline": N_("Timeline"),
}
"""Titles of the related lists under a record (`render_record` sections)."""


def plural(count: int, noun: str) -> str:
    """ "1 contact", "2 contacts", in the current language (see `i18n.PLURALS`)."""
    return i18n.plural(count, noun)


def amount_cell(row: Mapping) -> str:
    """ "15,000 EUR"; blank where a row has no amount (a task in the agenda)."""
    from colibri_cli.core.money import format_amount

    return "" if row["amount"] is None else format_amount(row["amount"], row["currency"])


def moment(key: str):
    """A cell showing the timestamp in `key` to the minute: "2026-11-26 14:05" (or
    "26/11/2026 14:05", as `format_day` shows a date)."""
    return lambda row: format_day(_text(row[key])[:16].replace("T", " "))


def day_cell(key: str):
    """A cell showing the date, or the day of the timestamp, in `key` (see `format_day`)."""
    return lambda row: format_day(_text(row[key])[:10])


def thousands(value: int | None) -> str:
    """12345 -> "12,345" ("12 345" in French); nothing for no value."""
    return "" if value is None else i18n.format_number(value)


def signed(value: int | None) -> str:
    """A difference: "+1,200", "-300", "0"; nothing for no value."""
    if value is None:
        return ""
    return i18n.format_number(value, sign=True) if value else "0"


def say(message: str) -> None:
    """A message for the person at the terminal, on stderr."""
    typer.echo(wrapped(visible(message)), err=True)


def wrapped(text: str) -> str:
    """`text` wrapped at word boundaries to the width of the terminal stderr is on (COLUMNS
    if set), where the terminal would break words; each line keeps its indent. Piped or
    redirected, a message stays on one line, for grep."""
    width = _stderr_width() if sys.stderr.isatty() else 0
    if width < 1:  # not a terminal, or one that does not say
        return text
    lines = glued(text).split("\n")
    return "\n".join(_wrapped_line(line, width) for line in lines).translate(UNGLUED)


def _stderr_width() -> int:
    """COLUMNS where it is a number above 0, as Rich reads it, else the terminal's width."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns):
        return int(columns)
    return os.get_terminal_size(sys.stderr.fileno()).columns


def glued(text: str) -> str:
    """`text` with the spaces inside its figures (amounts, French thousands) as stand-ins
    that no wrapping breaks at (`UNGLUED` gives them back)."""
    return AMOUNT_SPACE.sub("\ue000", text).translate(GLUED)


def _wrapped_line(line: str, width: int) -> str:
    """One line wrapped to `width`; a colibri command it ends with is never broken, to be
    copied whole: it goes on a line of its own when it does not fit on the last."""
    import textwrap

    if len(line) <= width:
        return line
    indent = line[: len(line) - len(line.lstrip(" "))]
    start = line.find("colibri ", len(indent))
    prose, command = (line, "") if start <= len(indent) else (line[:start], line[start:])
    lines = textwrap.wrap(
        prose,
        width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    if command and len(lines[-1]) + 1 + len(command) <= width:
        lines[-1] += " " + command
    elif command:
        lines.append(indent + command)
    return "\n".join(lines)


def warn(message: str) -> None:
    message = _("Warning: {message}").format(message=message)
    emphasis(visible(message), fg="yellow")


def error(message: str) -> None:
    emphasis(visible(_("Error: {message}").format(message=message)), fg="red")


def emphasis(text: str, *, err: bool = True, **style) -> None:
    """A line in colour or bold on a terminal (click drops the codes elsewhere), plain where
    NO_COLOR is set to anything (no-color.org). On stderr it wraps like `say`."""
    text = wrapped(text) if err else text
    if os.environ.get("NO_COLOR"):
        typer.echo(text, err=err)
    else:
        typer.secho(text, err=err, **style)


def ask(text: str, *, default: str | None = None, show_default: bool = True, **options) -> str:
    """`typer.prompt` on stderr; the question, and a default taken from data, shown through
    `visible` (Enter still gives the default as stored)."""
    if default is not None and show_default:
        text = f"{text} [{visible(default)}]"
    return typer.prompt(
        visible(text),
        default=default,
        show_default=False,
        err=True,
        prompt_suffix=_(": "),
        **options,
    )


YES = frozenset({"y", "yes", "o", "oui"})
NO = frozenset({"n", "no", "non"})
"""Answers to a yes/no question, in English and in French, whatever the language shown."""


def confirm(question: str, *, default: bool) -> bool:
    """A yes/no question on stderr, shown through `visible`: [Y/n] in English, [O/n] in
    French; Enter takes the default, and another answer is explained and asked again."""
    choices = _("[Y/n]") if default else _("[y/N]")
    while True:
        answer = typer.prompt(
            f"{visible(question)} {choices}",
            default="",
            show_default=False,
            err=True,
            prompt_suffix=_(": "),
        )
        word = answer.strip().lower()
        if not word:
            return default
        if word in YES or word in NO:
            return word in YES
        error(_("Answer y (yes) or n (no)."))


def render_rows(
    rows: Iterable[Mapping],
    output: OutputFormat,
    *,
    fields: Sequence[str],
    columns: Columns,
    empty: str,
) -> Sequence[Mapping]:
    """Write a listing: `fields` are the csv/json keys, `columns` what the table shows.
    Returns the rows the table shows (none for csv and json, streamed: a `Listing` is read
    row by row from the database, and only its first rows and its count for a table)."""
    if output is OutputFormat.csv:
        write_csv(rows, fields)
    elif output is OutputFormat.json:
        write_json(rows, fields)
    else:
        return _print_table(rows, columns, empty)
    return ()


def render_record(
    record: Mapping,
    output: OutputFormat,
    *,
    fields: Sequence[str],
    labels: Columns,
    sections: Mapping[str, tuple[Sequence[str], Columns]] = {},
    whole: Sequence[str] = (),
) -> None:
    """Write one record; `sections` are its related lists (key -> (fields, columns)), and
    `whole` the keys of the record json carries as they are (a timeline, drawn apart)."""
    if output is OutputFormat.json:
        data = {field: record[field] for field in fields}
        for key, (section_fields, _columns) in sections.items():
            data[key] = [{f: item[f] for f in section_fields} for item in record[key]]
        data.update({key: record[key] for key in whole})
        write_record(data)
    elif output is OutputFormat.csv:
        write_csv([record], fields)
    else:
        _print_record(record, labels, sections)


def write_record(data: Mapping) -> None:
    """One record as an indented JSON object on stdout."""
    sys.stdout.write(json_text(data, indent=2) + "\n")


def decimal_text(value: float | str) -> str:
    """66.5 (or "0.92") as Python writes it, "66,5" ("0,92") in French."""
    return str(value).replace(".", ",") if language() == "fr" else str(value)


def render_report(
    report: Mapping,
    output: OutputFormat,
    *,
    rows: Iterable[Mapping],
    fields: Sequence[str],
    draw: Callable[[Mapping], None],
) -> None:
    """A report: the whole document as json, its `rows` flattened as csv, `draw` for people."""
    if output is OutputFormat.json:
        sys.stdout.write(json_text(report, indent=2) + "\n")
    elif output is OutputFormat.csv:
        write_csv(rows, fields)
    else:
        draw(report)


def write_csv(rows: Iterable[Mapping], fields: Sequence[str], out: TextIO | None = None) -> None:
    """Stream `rows` as CSV, header first, to `out` (stdout by default): the exact text for
    a file or a pipe, shown through `visible` on a terminal."""
    out = out or sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    if out.isatty():
        for row in rows:
            cells = (_csv_cell(row.get(field)) for field in fields)
            writer.writerow([visible(cell) if isinstance(cell, str) else cell for cell in cells])
        return
    for row in rows:  # a million rows: only a yes or no, and text that could be a formula, call
        writer.writerow(
            [
                _csv_cell(cell)
                if cell.__class__ is bool or (isinstance(cell, str) and cell[:1] in RISKY_STARTS)
                else cell
                for cell in map(row.get, fields)
            ]
        )


def _csv_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (CSV injection); a yes or no
    as JSON writes it (true, false).

    The "'" goes before any text whose first character after its own leading "'"s starts
    a formula, so that an import removes exactly one and gets the text back ("'=x" too).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_json(rows: Iterable[Mapping], fields: Sequence[str], out: TextIO | None = None) -> None:
    """Stream `rows` as a JSON array of objects to `out` (stdout by default)."""
    out = out or sys.stdout
    separator = "[\n  "
    for row in rows:
        out.write(separator + json_text({f: row[f] for f in fields}))
        separator = ",\n  "
    out.write("[]\n" if separator.startswith("[") else "\n]\n")


def styled(markup: str, *, bold: Sequence[str] = (), **values: object):
    """colibri's own Rich markup as a Text, the consoles reading none from a str (where data
    may be): `styled("[yellow]{word}[/yellow]", word=...)`. The `values` go in as plain text
    (brackets in a name are not markup), those named in `bold` in bold."""
    from rich.markup import escape
    from rich.text import Text

    shown = {key: escape(visible(_text(value))) for key, value in values.items()}
    for key in bold:
        shown[key] = f"[bold]{shown[key]}[/bold]"
    return Text.from_markup(markup.format(**shown) if values else markup, emoji=False)


def plain(value: object):
    """A table cell or line from data, as a Text shown through `visible` (Rich's Text would
    silently drop some control characters instead), whose figures are never broken over two
    lines (`glued`; colibri's console writes their spaces back)."""
    from rich.text import Text

    return Text(glued(visible(_text(value))))


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _cell(row: Mapping, column: tuple) -> str:
    key, _heading, *render = column
    if render:
        return render[0](row)
    return format_day(row[key]) if key in DAYS else _text(row[key])


def _print_table(rows: Iterable[Mapping], columns: Columns, empty: str) -> list[Mapping]:
    shown, left_out = _first_rows(rows)
    if not shown:
        say(empty)
        return shown
    console = stdout_console()
    columns = [
        column
        for column in columns
        if column[0] not in SPARE or any(row[column[0]] is not None for row in shown)
    ]
    table = rows_table(shown, columns)
    if any(key in SPARE for key, *_rest in columns) and not _fits(console, table):
        table = rows_table(shown, [column for column in columns if column[0] not in SPARE])
    console.print(table)
    _say_left_out(left_out)
    return shown


def _first_rows(rows: Iterable[Mapping]) -> tuple[list[Mapping], int]:
    """The rows a table shows (TABLE_LIMIT at most), and how many it leaves out; of a
    `Listing`, read from the database alone."""
    if isinstance(rows, Listing):
        shown, count = rows.page(TABLE_LIMIT)
        return shown, count - len(shown)
    shown, left_out = [], 0
    for row in rows:
        if len(shown) < TABLE_LIMIT:
            shown.append(row)
        else:
            left_out += 1
    return shown, left_out


def _say_left_out(left_out: int) -> None:
    if left_out:
        say(
            _(
                "… and {count} more not shown. Use --format csv or --format json to get them all."
            ).format(count=thousands(left_out))
        )


def plain_table(title: str | None = None):
    """The one table colibri draws: borderless, headings in bold, its title (if any) on the
    left. Columns are added by `rows_table`, `figures_table`, or the report drawing it."""
    from rich.table import Table

    return Table(box=None, header_style="bold", pad_edge=False, title=title, title_justify="left")


def rows_table(
    rows: Sequence[Mapping],
    columns: Columns,
    *,
    like: Sequence[Mapping] | None = None,
    widths: Sequence[int] | None = None,
):
    """A borderless table of `rows`: a column of numbers (in `like`, by default the rows
    themselves) is aligned right; `widths`, when given, fix the columns' widths."""
    table = plain_table()
    for index, (key, heading, *_render) in enumerate(columns):
        first = next((row[key] for row in like or rows if row[key] is not None), "")
        numeric = isinstance(first, int | float) and not isinstance(first, bool)
        table.add_column(
            _(heading),
            justify="right" if numeric else "left",
            overflow="fold",
            no_wrap=numeric or key in UNBROKEN,
            width=widths[index] if widths else None,
        )
    for row in rows:
        table.add_row(*(plain(_cell(row, column)) for column in columns))
    return table


def print_sections(sections: Sequence[tuple[str, Sequence[Mapping]]], columns: Columns) -> None:
    """Tables under their headings (title, rows), drawn as the parts of one table: the same
    columns, of the same widths, in each part, so that they line up."""
    console = stdout_console()
    every_row = [row for _title, rows in sections for row in _first_rows(rows)[0]]
    whole = rows_table(every_row, columns)
    # Rich tells a table's column widths (with their padding) only through these two.
    widths = [
        width - whole._get_padding_width(index)
        for index, width in enumerate(whole._calculate_column_widths(console, console.options))
    ]
    for title, rows in sections:
        shown, left_out = _first_rows(rows)
        emphasis(f"{title} ({thousands(len(rows))})", err=False, bold=True)
        console.print(rows_table(shown, columns, like=every_row, widths=widths))
        _say_left_out(left_out)
        typer.echo()


OVERDUE_MARK = "!"
"""After the due date of what is overdue: plain text, which NO_COLOR and a pipe keep."""


def task_due(row: Mapping) -> str:
    """The due date, with its time of day where a task has one: "2026-12-04 10:00" (as
    `format_day` shows it)."""
    return format_day(" ".join(_text(row[key]) for key in ("due_date", "due_time") if row.get(key)))


def due_cell(row: Mapping) -> str:
    """ "2026-11-20 !" for a row that is overdue, the due date (and time) alone otherwise."""
    due = task_due(row)
    return f"{due} {OVERDUE_MARK}" if row["overdue"] else due


def explain_overdue(rows: Sequence[Mapping]) -> None:
    """Under a table where a shown row is marked overdue, once: what the mark means."""
    if any(row["overdue"] for row in rows[:TABLE_LIMIT]):
        say(
            _("{mark} after a due date: overdue, due before today and still open.").format(
                mark=OVERDUE_MARK
            )
        )


def heading_text(heading: str | tuple[str, str]) -> str:
    """A heading or a label in the language spoken; (context, text) where one English word
    needs two translations ("Updated" of a deal is "Modifiée le", of an account "Modifié le")."""
    return i18n.pgettext(*heading) if isinstance(heading, tuple) else _(heading)


def print_no_next_step(console, totals: Sequence[Mapping]) -> None:
    """Under the pipeline and the agenda, a line a currency: the open deals without an
    open task, for which nothing says what to do next."""
    from colibri_cli.core.money import format_amount

    title = _("No next step")
    if not totals:
        console.print(styled(_("{title}: none."), bold=["title"], title=title))
    for total in totals:
        console.print(
            styled(
                _("{title}: {deals} ({amount})"),
                bold=["title"],
                title=title,
                deals=plural(total["count"], "deals"),
                amount=format_amount(total["amount"], total["currency"]),
            )
        )


def _print_record(record: Mapping, labels: Columns, sections: Mapping) -> None:
    from rich.table import Table

    console = stdout_console()
    card = Table.grid(padding=(0, 2))
    card.add_column(style="bold")
    card.add_column(overflow="fold")
    for column in labels:
        if record[column[0]] not in (None, "", []):
            card.add_row(heading_text(column[1]), plain(_cell(record, column)))
    console.print(card)
    for key, (_fields, columns) in sections.items():
        items = record[key]
        print_section_title(key, len(items))
        if items:
            _print_table(items, columns, empty="")


def print_section_title(key: str, count: int) -> None:
    """The title of a list under a record, with how many it holds: "Contacts (2)"."""
    title = _(SECTION_TITLES.get(key, key.replace("_", " ").capitalize()))
    stdout_console().print(
        styled("\n{title} ({count})", bold=["title"], title=title, count=thousands(count))
    )


def figures_table(
    *headings: str | tuple[str, str], words: int, title: str | None = None, wrap: bool = True
):
    """A borderless table: its first `words` columns hold text, aligned left, that wraps
    (unless not `wrap`: a period, say); the rest figures, aligned right, never broken. A
    heading is an English text, or (context, text) where one English word needs two
    translations; an empty one stays empty."""
    table = plain_table(title)
    for number, heading in enumerate(headings):
        text = heading_text(heading) if heading else ""
        table.add_column(
            text,
            justify="left" if number < words else "right",
            no_wrap=number >= words or not wrap,
        )
    return table


COLUMN_GAP = 2
"""The spaces between two columns of colibri's borderless tables."""


def fitted(console, table, width: int):
    """`table` drawn within `width` columns without cutting a figure or a word.

    Its title goes on a line of its own, so that it wraps to the terminal, not to the table.
    A column with `no_wrap` holds figures or dates: it keeps its whole width. Text columns
    wrap at word boundaries, the widest first, never narrower than their longest word. When
    the figures and those words still do not fit, the columns go into several tables one
    under the other, each starting with the first column (what a row is)."""
    from rich.console import Group
    from rich.text import Text

    least, most = _column_widths(console, table)
    widths = _shrunk(least, most, width)
    if widths != most and _empty_columns(table):  # before a word wraps, a heading over nothing goes
        table = _without_empty_columns(table)
        least, most = _column_widths(console, table)
        widths = _shrunk(least, most, width)
    if table.title is None and widths == most:
        return table
    parts = (
        [(list(range(len(most))), widths)]
        if widths is not None
        else [(part, _shrunk(least, most, width, part)) for part in _parts(least, width)]
    )
    if len(parts) == 1 and parts[0][1] is None:  # narrower than one figure: Rich decides
        return table
    drawn = [] if table.title is None else [Text(str(table.title), style="table.title")]
    for number, (part, part_widths) in enumerate(parts):
        drawn += [Text("")] if number else []
        drawn.append(_part_of(table, part, part_widths))
    return Group(*drawn)


def _fits(console, table) -> bool:
    """Whether `table` fits the console's width in one table (its empty columns left out)."""
    if _empty_columns(table):
        table = _without_empty_columns(table)
    least, most = _column_widths(console, table)
    return _shrunk(least, most, console.width) is not None


def _empty_columns(table) -> list[int]:
    """The columns with a heading and no value in any row (the gap where no target is set)."""
    return [
        index
        for index, column in enumerate(table.columns)
        if index and not any(str(cell).strip() for cell in column.cells)
    ]


def _without_empty_columns(table):
    empty = _empty_columns(table)
    kept = _part_of(table, [i for i in range(len(table.columns)) if i not in empty], None)
    kept.title = table.title
    return kept


def _column_widths(console, table) -> tuple[list[int], list[int]]:
    """The least and the most each column takes: a figure column its widest figure (or its
    heading's longest word), a text column its longest word; a column of a set width that."""
    from rich.measure import Measurement

    options = console.options.update_width(10_000)
    least, most = [], []
    for column in table.columns:
        if column.width is not None:  # a chart's bars, say
            least.append(column.width)
            most.append(column.width)
            continue
        header = Measurement.get(console, options, column.header)
        cells = [Measurement.get(console, options, cell) for cell in column.cells]
        words = [
            header.minimum,
            *(cell.maximum if column.no_wrap else cell.minimum for cell in cells),
        ]
        least.append(max(words))
        most.append(max([header.maximum, *(cell.maximum for cell in cells)]))
    return least, most


def _shrunk(least: list[int], most: list[int], width: int, part: Sequence[int] | None = None):
    """The widths of the columns in `part` (all by default) once the widest shrink, one
    character at a time, to fit `width`; None where they cannot."""
    part = range(len(most)) if part is None else part
    widths = {index: most[index] for index in part}
    excess = sum(widths.values()) + COLUMN_GAP * (len(widths) - 1) - width
    while excess > 0:
        wider = [index for index in part if widths[index] > least[index]]
        if not wider:
            return None
        widths[max(wider, key=widths.__getitem__)] -= 1
        excess -= 1
    return [widths[index] for index in part]


def _parts(least: list[int], width: int) -> list[list[int]]:
    """The columns split into tables that fit `width`, each starting with the first."""
    parts, part = [], [0]
    for index in range(1, len(least)):
        if (
            len(part) > 1
            and sum(least[i] for i in part) + least[index] + COLUMN_GAP * len(part) > width
        ):
            parts.append(part)
            part = [0]
        part.append(index)
    return [*parts, part]


def _part_of(table, part: Sequence[int], widths: Sequence[int] | None):
    """The columns `part` of `table`, at `widths`; headings wrap at their words."""
    from rich.text import Text

    drawn = plain_table()
    for position, index in enumerate(part):
        column = table.columns[index]
        header = column.header
        drawn.add_column(
            Text(header, no_wrap=False) if isinstance(header, str) else header,
            justify=column.justify,
            no_wrap=column.no_wrap,
            overflow=column.overflow,
            width=None if widths is None else widths[position],
        )
    cells = [list(table.columns[index].cells) for index in part]
    for row in zip(*cells, strict=True):
        drawn.add_row(*row)
    return drawn


def _to_fit(renderable) -> bool:
    """Whether `renderable` is one of colibri's tables with headings, not yet fitted (not a
    record's card, nor Rich's own grids, such as a progress bar's)."""
    from rich.table import Table

    return (
        isinstance(renderable, Table)
        and renderable.show_header
        and not renderable.expand
        and any(column.width is None for column in renderable.columns)
    )


def stdout_console():
    """A Rich console for data; Rich is imported only when something is drawn."""
    return _safe_console()(highlight=False, markup=False, emoji=False)


def stderr_console():
    """The same, on stderr (a progress bar, the messages printed above it)."""
    return _safe_console()(stderr=True, highlight=False, markup=False, emoji=False)


@functools.cache
def _safe_console():
    """A Rich Console that shows every str it renders through `visible`, and, as a net for
    any Text built elsewhere, every segment of text it writes (its own control sequences,
    colours and cursor moves, are not text segments). It ends no line with spaces: a table
    pads its last column to its width, which a terminal does not need and a diff or
    `cat -A` shows."""
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        def render_str(self, text: str, **options):
            return super().render_str(glued(visible(text)), **options)

        def render(self, renderable, options=None):
            if _to_fit(renderable):
                renderable = fitted(self, renderable, (options or self.options).max_width)
            blanks: list = []  # the spaces since the last text, dropped at a line's end
            for segment in super().render(renderable, options):
                if not segment.control:
                    segment = Segment(segment.text.translate(UNGLUED), segment.style)
                if not (segment.control or segment.text.isprintable()):
                    segment = Segment(visible(segment.text), segment.style, segment.control)
                if segment.control or (segment.style and segment.style.bgcolor):
                    yield from blanks
                    blanks.clear()
                    yield segment
                    continue
                for index, piece in enumerate(segment.text.split("\n")):
                    if index:
                        blanks.clear()
                        yield Segment.line()
                    shown = piece.rstrip(" ")
                    if shown:
                        yield from blanks
                        blanks.clear()
                        yield Segment(shown, segment.style)
                    if len(piece) > len(shown):
                        blanks.append(Segment(piece[len(shown) :], segment.style))
            yield from blanks

        def on_broken_pipe(self) -> None:
            """A reader that stops reading ends the command as it does for plain output
            (ColibriGroup.invoke: the rest dropped, exit 0), not with Rich's exit 1."""
            raise BrokenPipeError

    return SafeConsole


@contextlib.contextmanager
def destination(output: Path | None) -> Iterator[TextIO]:
    """stdout, or a file written beside FILE and moved into place once complete: in
    UTF-8 and with the line ends written, whatever the locale says. Never the database
    nor through a file planted beside it (core/files.py)."""
    if is_stdout(output):
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # stdout stays open for what follows
        return
    from colibri_cli.cli import context
    from colibri_cli.core import files

    files.refuse_database(output, context.path())
    if output.is_dir():
        raise InvalidInput(_("Cannot write {path}: it is a directory.").format(path=output))
    try:
        handle, temporary = files.temporary_beside(output)
    except OSError as error:
        raise InvalidInput(
            _("Cannot write {path}: {reason}.").format(path=output, reason=error.strerror)
        ) from None
    try:
        with open(handle, "w", encoding="utf-8", newline="") as out:  # noqa: PTH123 - an fd
            yield out
        temporary.replace(output)  # readable by its owner only, like the database
    except OSError as error:  # a full disk, say: the file named, not "the output"
        raise ColibriError(
            _("Cannot write {path}: {reason}.").format(path=output, reason=error.strerror)
        ) from error
    finally:
        temporary.unlink(missing_ok=True)


def is_stdout(output: Path | None) -> bool:
    """Whether an -o option means standard output (none given, or "-")."""
    return output is None or str(output) == "-"
