"""A narrow terminal never cuts a figure: every report and listing of the demo, at 60, 80
and 100 columns, in English and in French, shows each amount, count and date whole."""

import json
import shutil

import pytest
from typer.testing import CliRunner

import scenario
from colibri_cli.cli.app import app
from conftest import TODAY
from scenario import table

REPORTS = (
    ("pipeline",),
    ("pipeline", "--by", "account"),
    ("pipeline", "--by", "month"),
    ("forecast", "--periods", "3"),
    ("forecast", "accuracy"),
    ("stats",),
)
LISTINGS = (
    ("opp", "list"),
    ("task", "list"),
    ("agenda",),
    ("account", "list"),
    ("contact", "list"),
    ("activity", "list"),
    ("statuses", "list"),
)
TEXT_FIELDS = ("name", "title", "account_name", "role", "email", "summary", "city")
"""The text a listing shows of a row, each word of which must appear whole."""
NOTE = "Called Jeanne about the renewal of the hosting contract, she wants a discount"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo's database, made once: a year of deals, tasks, targets, an activity, and a
    phone number."""
    path = tmp_path_factory.mktemp("demo") / "colibri.db"
    runner = CliRunner()
    env = {"COLIBRI_TODAY": TODAY, "COLIBRI_DB": str(path)}
    for args in (
        ("demo",),
        ("log", "call", NOTE, "--account", "ACME Industries"),
        ("contact", "edit", "Jeanne Martin", "--phone", "+33 1 23 45 67 89"),
    ):
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture(params=("en", "fr"))
def demo(request, demo_file, db_path, ok):
    shutil.copy(demo_file, db_path)
    ok("config", "set", "language", request.param)
    return request.param


def on_terminal(db_path, *args: str, width: int, columns: str | None = None) -> list[str]:
    """What colibri shows on a pseudo-terminal that Rich measures itself, `width` columns
    wide: lines not right-stripped, to see that none ends with spaces."""
    return scenario.on_terminal(
        db_path, *args, width=width, columns=columns, term="xterm", stripped=False
    )


def number(value: int, language: str, sign: bool = False) -> str:
    """12345 as the tables write it: "12,345", or "12 345" (narrow no-break space)."""
    text = f"{value:+,}" if sign and value else f"{value:,}"
    return text.replace(",", "\u202f") if language == "fr" else text


def amount(value: int, currency: str, language: str) -> str:
    if language == "fr":
        return f"{number(value, language)}\u00a0{'€' if currency == 'EUR' else currency}"
    return f"{number(value, language)} {currency}"


def decimal(value: float, language: str, sign: bool = False) -> str:
    text = f"{value:+.1f}" if sign else f"{value:.1f}"
    return text.replace(".", ",") if language == "fr" else text


def percent(text: str, language: str) -> str:
    """63.2% in English, 63,2 % (a no-break space before the sign) in French."""
    return f"{text}\u00a0%" if language == "fr" else f"{text}%"


def data(cli, *args: str):
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def report_figures(cli, args: tuple, language: str) -> list[str]:
    """The figures the table of a report must show, worked out from its json."""
    found = data(cli, *args)
    if args[0] == "pipeline":
        rows = found["groups"] + found["totals"]
        listed = found["overdue"]["opportunities"] + found["stale"]["opportunities"]
        return [
            *(
                amount(row[key], row["currency"], language)
                for row in rows
                for key in ("amount", "weighted")
            ),
            *(amount(row["amount"], row["currency"], language) for row in listed),
            *(row["due_date"] for row in listed),
        ]
    if args == ("forecast", "--periods", "3"):
        keys = ("won", "weighted", "expected", "commit", "best_case", "target")
        rows = found["periods"] + found["overdue"]
        return [
            *(number(row[key], language) for row in rows for key in keys if row[key] is not None),
            *(number(row["gap"], language, sign=True) for row in rows if row["gap"] is not None),
        ]
    if args == ("forecast", "accuracy"):
        rows = found["periods"]
        keys = ("forecast", "actual", "slipped_amount")
        return [
            *(number(row[key], language) for row in rows for key in keys),
            *(number(row["error"], language, sign=True) for row in rows),
            *(
                percent(decimal(row["error_pct"], language, sign=True), language)
                for row in rows
                if row["error_pct"] is not None
            ),
        ]
    keys = ("amount", "average", "median")
    return [
        *(amount(row[key], row["currency"], language) for row in found["won"] for key in keys),
        *(decimal(row["average_days"], language) for row in found["time_in_status"]),
    ]


def listing_figures(cli, args: tuple, language: str) -> tuple[list[str], list[str]]:
    """The figures (amounts, dates) and the words of text a listing must show whole."""
    counted = "no_next_step"  # the agenda's deals without a next step: counted, not listed
    rows = [row for row in data(cli, *args) if row.get("section") != counted]
    assert rows
    figures = [
        amount(row["amount"], row["currency"], language) for row in rows if row.get("amount")
    ]
    figures += [
        row[key]
        for row in rows
        for key in ("due_date", "happened_on", "done_on", "phone")
        if row.get(key)
    ]
    figures += [
        percent(str(row["probability"]), language)
        for row in rows
        if row.get("probability") is not None
    ]
    figures += [str(row["id"]) for row in rows if "id" in row]
    words = [
        word for row in rows for key in TEXT_FIELDS if row.get(key) for word in row[key].split()
    ]
    return figures, words


def assert_whole(lines: list[str], figures: list[str]) -> None:
    """Each figure on one line, and nothing cut short anywhere."""
    assert figures
    assert not [line for line in lines if "…" in line]
    missing = [figure for figure in figures if not any(figure in line for line in lines)]
    assert missing == []


@pytest.mark.parametrize("width", (60, 80, 100))
@pytest.mark.parametrize("args", REPORTS, ids=" ".join)
def test_a_report_shows_every_figure_whole(demo, cli, args, width):
    lines = table(cli, *args, width=width)

    assert_whole(lines, report_figures(cli, args, demo))


@pytest.mark.parametrize("width", (60, 80, 100))
@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_a_listing_shows_every_figure_and_word_whole(demo, cli, args, width):
    lines = table(cli, *args, width=width)

    figures, words = listing_figures(cli, args, demo)
    assert_whole(lines, figures)
    shown = {word for line in lines for word in line.split()}
    assert sorted(set(words) - shown) == []


@pytest.mark.parametrize("demo", ["en"], indirect=True)
def test_at_60_columns_the_forecast_goes_on_in_a_second_table_that_repeats_the_period(demo, cli):
    lines = table(cli, "forecast", "--periods", "3", width=60)

    assert lines[:15] == [
        "Forecast by month in EUR, 2026-11-26",
        "                                                Best",
        "Period      Won  Weighted  Expected  Commit     case  Target",
        "2026-11  36,000    13,360    49,360  40,800   65,800  15,000",
        "2026-12       0    23,210    23,210  26,300   38,300  15,000",
        "2027-01       0    16,850    16,850  17,500   38,000",
        "Overdue       0    30,200    30,200       0   75,500",
        "",
        "Period       Gap",
        "2026-11  -34,360",
        "2026-12   -8,210",
        "2027-01",
        "Overdue",
        "Coverage 2026-11: target reached, nothing left to win.",
        "Coverage 2026-12: 15,000 left to win; open pipeline 2.6×,",
    ]


def test_a_narrow_forecast_with_no_target_leaves_out_the_empty_columns(empty_db, ok, cli):
    """No target: nothing under Target and Gap, which go before any column is moved."""
    ok("config", "set", "language", "fr")
    ok("account", "add", "ACME")
    ok("opp", "create", "Site", "-a", "ACME", "--amount", "5000", "--due", "2026-11-30",
       "-s", "devis")  # fmt: skip

    thousands = "\u202f"
    assert table(cli, "forecast", "--periods", "2", width=60)[:4] == [
        "Prévisions par mois en EUR, 2026-11-26",
        "Période  Gagné  Pondéré  Attendu  Engagé  Meilleur cas",
        f"2026-11      0    2{thousands}000    2{thousands}000       0         5{thousands}000",
        "2026-12      0        0        0       0             0",
    ]
    assert "Objectif  Écart" in table(cli, "forecast", "--periods", "2", width=100)[1]


@pytest.mark.parametrize("demo", ["en"], indirect=True)
def test_at_80_columns_an_activity_wraps_its_text_at_word_boundaries(demo, cli):
    lines = table(cli, "activity", "list", width=80)

    assert lines == [
        "ID  When        Kind  Account          What happened",
        " 1  2026-11-26  call  ACME Industries  Called Jeanne about the renewal of the",
        "                                       hosting contract, she wants a discount",
    ]  # Opp., Contact and Duration, empty, are left out before the text wraps


@pytest.mark.parametrize("demo", ["en"], indirect=True)
def test_on_a_60_column_terminal_the_chart_shortens_and_the_notes_wrap(demo, db_path):
    pipeline = on_terminal(db_path, "pipeline", width=60)
    forecast = on_terminal(db_path, "forecast", "--periods", "3", width=60)

    # 46 columns of figures, 2 between: a bar of 12 cells for 148,000, the largest amount.
    assert pipeline[:7] == [
        "Open pipeline by status, 2026-11-26",
        "                                                █ weighted ░",
        "                Count       Amount    Weighted  amount",
        "Needs analysis      1   12,000 EUR   1,200 EUR  ░",
        "Quote sent         10  148,000 EUR  59,200 EUR  █████░░░░░░░",
        "Negotiation         6   48,600 EUR  34,020 EUR  ███░",
        "Total              17  208,600 EUR  94,420 EUR",
    ]
    assert forecast[-6:] == [
        "Expected = won + weighted; commit counts open deals at 70%",
        "or more; overdue deals (due before today, still open) are",
        "not in any period.",
        "Gap = target - expected: + is what you are short of the",
        "target, - how far ahead.",
        "",
    ]
    assert max(len(line) for line in pipeline + forecast) <= 60
    assert [line for line in pipeline + forecast if line.endswith(" ")] == []


@pytest.mark.parametrize("demo", ["en"], indirect=True)
def test_a_terminal_too_narrow_for_a_bar_shows_the_figures_alone(demo, db_path):
    lines = on_terminal(db_path, "pipeline", width=56)

    assert lines[1:3] == [
        "                Count       Amount    Weighted",
        "Needs analysis      1   12,000 EUR   1,200 EUR",
    ]
    assert "█" not in "".join(lines) and "░" not in "".join(lines)


@pytest.mark.parametrize("demo", ["fr"], indirect=True)
def test_a_message_never_breaks_inside_an_amount(demo, db_path):
    lines = on_terminal(db_path, "stats", width=60)

    # "12 733 USD" would end a line of 60 at "12 733": it goes whole to the next.
    assert lines[2:6] == [
        "Gagné en EUR : 196\u202f100\u00a0€ en 21 affaires ; moyenne 9\u202f338\u00a0€,",
        "médiane 6\u202f800\u00a0€",
        "Gagné en USD : 38\u202f200\u00a0USD en 3 affaires ; moyenne",
        "12\u202f733\u00a0USD, médiane 15\u202f000\u00a0USD",
    ]


@pytest.mark.parametrize("columns", ["", "0", "abc", "-5"])
@pytest.mark.parametrize("demo", ["en"], indirect=True)
def test_without_a_usable_columns_messages_wrap_to_the_terminal(demo, db_path, columns):
    lines = on_terminal(db_path, "forecast", "--periods", "1", width=60, columns=columns)

    assert lines[-6:] == [
        "Expected = won + weighted; commit counts open deals at 70%",
        "or more; overdue deals (due before today, still open) are",
        "not in any period.",
        "Gap = target - expected: + is what you are short of the",
        "target, - how far ahead.",
        "",
    ]


@pytest.mark.parametrize("demo", ["en"], indirect=True)
def test_a_terminal_narrower_than_the_target_chart_shows_none(demo, db_path):
    narrow = on_terminal(db_path, "forecast", "--periods", "1", width=35)
    wide_enough = on_terminal(db_path, "forecast", "--periods", "1", width=36)

    assert "         █ won  ▒ weighted  ┃ target" in wide_enough
    assert not [line for line in narrow if "┃" in line or "█" in line]
    assert max(len(line) for line in narrow + wide_enough) <= 36


def test_an_amount_inside_a_text_cell_is_never_split(empty_db, ok, cli):
    """A timeline's line says amounts in words: wrapped at 60 columns, each stays whole."""
    ok("config", "set", "language", "fr")
    ok("account", "add", "Boulangerie Martin")
    ok("opp", "create", "Formation des équipes", "-a", "Boulangerie",
       "--amount", "4800", "--due", "2026-11-30", "-s", "analyse")  # fmt: skip

    lines = table(cli, "account", "show", "Boulangerie Martin", width=60)

    assert any("4\u202f800\u00a0€" in line for line in lines), lines
    assert "2026-11-26  création  Formation des équipes : analysis," in lines
