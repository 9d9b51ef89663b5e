"""The `date-display` setting: ISO dates by default; `dmy` shows 30/11/2026 in tables, record
views, reports and messages, while csv, json and the database keep ISO dates."""

import csv
import io
import json
import sqlite3

import pytest

NBSP = "\u00a0"  # before the % of a French percentage: 40 %
NNBSP = "\u202f"  # between thousands in French: 15 000


@pytest.fixture
def dmy(empty_db, ok):
    ok("config", "set", "date-display", "dmy")
    return empty_db


@pytest.fixture
def deal(ok):
    ok("account", "add", "ACME")
    ok(
        "opp", "create", "Website", "--account", "ACME", "--amount", "15000", "--due",
        "2026-11-30", "--status", "quote",
    )  # fmt: skip


def lines(result) -> list[str]:
    return [line.rstrip() for line in result.stdout.splitlines()]


# --- the setting -------------------------------------------------------------------------------


def test_dates_are_iso_by_default(empty_db, ok, deal):
    assert ok("config", "show", "date-display", "-f", "csv").stdout.splitlines()[1] == (
        "date-display,iso,iso,how dates are shown: iso (2026-11-30) or dmy (30/11/2026)"
    )
    assert lines(ok("opp", "list"))[1] == (
        " 1  Website  ACME     15,000 EUR  2026-11-30  Quote sent    40%"
    )


@pytest.mark.parametrize(
    ("key", "value", "saved"),
    [
        ("date-display", "dmy", "dmy"),
        ("date_display", " DMY ", "dmy"),
        ("DATE-DISPLAY", "Iso", "iso"),
    ],
)
def test_set_saves_the_normalised_value(empty_db, ok, rows, key, value, saved):
    result = ok("config", "set", key, value)

    assert result.stderr == f"date-display = {saved}\n"
    assert rows("SELECT value FROM settings WHERE key = 'date-display'") == [{"value": saved}]


@pytest.mark.parametrize("value", ["mdy", "ymd", "", "30/11/2026", "dmy iso"])
def test_a_bad_value_is_refused_and_the_old_one_kept(dmy, cli, rows, value):
    result = cli("config", "set", "date-display", value)

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Invalid value {value!r} for date-display: choose one of iso, dmy.\n"
    )
    assert rows("SELECT value FROM settings WHERE key = 'date-display'") == [{"value": "dmy"}]


def test_a_bad_value_is_refused_in_french(empty_db, cli, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    result = cli("config", "set", "date-display", "jma")

    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : Valeur 'jma' invalide pour date-display : choisissez parmi iso, dmy.\n"
    )


def test_a_value_another_program_stored_reads_as_iso(empty_db, ok, deal):
    with sqlite3.connect(empty_db) as conn:
        conn.execute("UPDATE settings SET value = 'dd/mm/yyyy' WHERE key = 'date-display'")

    assert lines(ok("opp", "list"))[1].endswith("2026-11-30  Quote sent    40%")
    assert (
        ok("config", "show", "date-display", "-f", "csv")
        .stdout.splitlines()[1]
        .startswith("date-display,dd/mm/yyyy,iso,")
    )


def test_the_setting_of_one_database_does_not_reach_the_next_command(dmy, ok, deal, tmp_path):
    other = str(tmp_path / "other.db")
    ok("--db", other, "account", "add", "Beta")
    ok(
        "--db", other, "opp", "create", "Audit", "--account", "Beta", "--amount", "1k",
        "--due", "2026-12-15", "--status", "quote",
    )  # fmt: skip

    assert "30/11/2026" in ok("opp", "list").stdout
    assert "2026-12-15" in ok("--db", other, "opp", "list").stdout


# --- what people read --------------------------------------------------------------------------


def test_opp_create_list_and_show_in_dmy(dmy, ok):
    ok("account", "add", "ACME")

    created = ok(
        "opp", "create", "Website", "--account", "ACME", "--amount", "15000", "--due",
        "2026-11-30", "--status", "quote", "--created-on", "2026-11-02",
    )  # fmt: skip

    assert created.stderr == (
        "Created opportunity 1: Website (ACME), 15,000 EUR, due 30/11/2026, quote (40%).\n"
    )
    assert lines(ok("opp", "list")) == [
        "ID  Name     Account      Amount  Due         Status      Prob.",
        " 1  Website  ACME     15,000 EUR  30/11/2026  Quote sent    40%",
    ]
    card = lines(ok("opp", "show", "1"))
    assert card[4] == "Due              30/11/2026"
    assert card[8] == "Created on       02/11/2026"
    assert card[9].startswith("Updated          26/11/2026 ")
    history = card[card.index("History (1)") + 2]
    assert history == "02/11/2026 00:00  quote   15,000 EUR  30/11/2026    40%"


def test_csv_and_json_keep_iso_dates(dmy, ok, deal):
    [listed] = csv.DictReader(io.StringIO(ok("opp", "list", "-f", "csv").stdout))
    assert listed["due_date"] == "2026-11-30"
    [listed] = json.loads(ok("opp", "list", "-f", "json").stdout)
    assert (listed["due_date"], listed["created_on"]) == ("2026-11-30", "2026-11-26")
    assert listed["updated_at"].startswith("2026-11-26T")
    shown = json.loads(ok("opp", "show", "1", "-f", "json").stdout)
    assert shown["due_date"] == "2026-11-30"
    assert shown["history"][0]["due_date"] == "2026-11-30"


def test_a_close_and_its_follow_up_in_dmy(dmy, ok, deal, rows):
    result = ok("opp", "status", "1", "won", "--follow-up", "Propose maintenance")

    assert result.stderr == (
        "Opportunity 1 (Website): quote -> won, closed on 26/11/2026.\n"
        "Follow-up task 1 due 26/02/2027: Propose maintenance\n"
    )
    assert rows("SELECT closed_on FROM opportunities") == [{"closed_on": "2026-11-26"}]
    assert rows("SELECT due_date FROM tasks") == [{"due_date": "2027-02-26"}]


def test_a_suggested_command_keeps_its_iso_date(dmy, ok, deal):
    result = ok("opp", "status", "1", "lost")

    assert result.stderr == (
        "Opportunity 1 (Website): quote -> lost, closed on 26/11/2026.\n"
        "No follow-up task was scheduled. Add one with: colibri task add "
        "'Ask ACME what would win the next deal' --opp 1 --due 2027-02-26\n"
    )


def test_an_error_shows_its_dates_in_dmy(dmy, ok, cli, deal):
    result = cli("opp", "status", "1", "won", "--on", "2026-11-01", "--no-follow-up")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: The closing date 01/11/2026 is before the opportunity was created (26/11/2026).\n"
    )


def test_tasks_and_the_agenda_in_dmy(dmy, ok, deal):
    added = ok("task", "add", "Call back", "--account", "ACME", "--due", "2026-11-27")
    done = ok("task", "done", "1", "--on", "2026-11-25")

    assert added.stderr == "Added task 1: Call back (ACME), due 27/11/2026.\n"
    assert done.stderr == "Done: task 1, Call back (25/11/2026).\n"
    assert lines(ok("task", "list", "--all"))[1] == (
        " 1  27/11/2026  Call back  ACME           25/11/2026"
    )
    assert lines(ok("agenda")) == [
        "Next 7 days (1)",
        "Due         What  ID  Title    Account      Amount",
        "30/11/2026  deal   1  Website  ACME     15,000 EUR",
        "",
        "No next step: 1 deal (15,000 EUR)",
    ]


def test_an_empty_agenda_names_today_in_dmy(dmy, ok):
    assert ok("agenda").stderr == "Nothing overdue or due in the next 7 days (26/11/2026).\n"


def test_an_activity_in_dmy(dmy, ok, cli, deal):
    logged = ok("log", "call", "Decision next week", "--account", "ACME", "--on", "yesterday 10:00")
    refused = cli("log", "note", "Later", "--account", "ACME", "--on", "tomorrow")

    assert logged.stderr == "Logged activity 1: call at ACME, 25/11/2026 10:00.\n"
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: The activity date 27/11/2026 is in the future: log it once it happened, or "
        "plan it with colibri task add.\n"
    )
    assert lines(ok("activity", "list"))[1].startswith(" 1  25/11/2026 10:00  call  ACME")
    [listed] = json.loads(ok("activity", "list", "-f", "json").stdout)
    assert (listed["happened_on"], listed["time_of_day"]) == ("2026-11-25", "10:00")


def test_the_pipeline_and_forecast_titles_in_dmy(dmy, ok, deal):
    ok("opp", "create", "Old", "--account", "ACME", "--amount", "1000", "--due", "2026-11-20",
       "--status", "quote", "--created-on", "2026-11-01")  # fmt: skip

    pipeline = lines(ok("pipeline"))
    assert pipeline[0] == "Open pipeline by status, 26/11/2026"
    assert pipeline[5:10] == [
        "No next step: 2 deals (16,000 EUR)",
        "",
        "Overdue: 1 (1,000 EUR)",
        "ID  Name  Account     Amount  Due         Status",
        " 2  Old   ACME     1,000 EUR  20/11/2026  quote",
    ]
    assert lines(ok("pipeline", "--as-of", "2026-11-25"))[0] == (
        "Open pipeline by status, as it stood on 25/11/2026"
    )
    assert lines(ok("forecast", "--periods", "1"))[0] == "Forecast by month in EUR, 26/11/2026"


def test_dmy_in_french(dmy, ok, deal, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    result = ok(
        "opp", "create", "Audit", "--account", "ACME", "--amount", "1,5M", "--due",
        "31/12/2026", "--status", "devis",
    )  # fmt: skip

    assert result.stderr == (
        f"Nouvelle opportunité 2 : Audit (ACME), 1{NNBSP}500{NNBSP}000{NBSP}€, "
        f"échéance 31/12/2026, quote (40{NBSP}%).\n"
    )


def test_calls_rates_and_report_spans_in_dmy(dmy, ok):
    call = ok("forecast", "call", "2026-12", "10k")
    rate = ok("rate", "set", "USD", "0.92", "--on", "2026-01-01")

    assert call.stderr.startswith("Your call for 2026-12: 10,000 EUR, made 26/11/2026 ")
    assert lines(ok("forecast", "calls"))[1].startswith("2026-12  10,000 EUR  26/11/2026 ")
    assert rate.stderr == "From 01/01/2026, 1 USD = 0.92 EUR.\n"
    assert lines(ok("rate", "list"))[1].startswith("USD       0.92 EUR  01/01/2026  26/11/2026 ")
    assert lines(ok("stats", "slippage", "--since", "2026-02-01"))[0] == (
        "Due dates and how they slipped since 01/02/2026"
    )
    [listed] = json.loads(ok("rate", "list", "-f", "json").stdout)
    assert listed["valid_from"] == "2026-01-01"


def test_an_import_names_a_bad_date_in_dmy_and_stores_iso(dmy, cli, rows, tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "name,account,amount,due_date,status,closed_on\n"
        "Web,ACME,1000,2026-11-20,won,2026-12-30\n"
        "Audit,ACME,2000,2026-12-20,quote,\n",
        encoding="utf-8",
    )

    refused = cli("import", "opps", str(deals), "--create-accounts")
    imported = cli("import", "opps", str(deals), "--create-accounts", "--skip-invalid")

    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        "line 2, closed_on: The closing date 30/12/2026 is in the future: close it on the day "
        "it happens.\n"
    )
    assert imported.exit_code == 0, imported.output
    assert rows("SELECT name, due_date FROM opportunities") == [
        {"name": "Audit", "due_date": "2026-12-20"}
    ]
