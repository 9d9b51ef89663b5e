"""The demo: a deterministic, believable year that makes every report say something."""

import json
import sqlite3

TABLES = ("accounts", "contacts", "opportunities", "opportunity_history", "tasks", "targets")


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [
            repr(row)
            for table in TABLES
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1")
        ]
    finally:
        conn.close()


def test_demo_fills_a_new_database_and_says_what_it_made(ok, rows, db_path):
    result = ok("demo")

    assert result.stderr == (
        f"New database: {db_path}\n"
        "Demo ready: 10 accounts, 10 contacts, 60 opportunities, 218 history rows, "
        "49 tasks, 5 targets.\n"
        "Try: colibri pipeline · colibri forecast · colibri forecast accuracy · colibri agenda\n"
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 60}]
    kinds = rows(
        "SELECT s.kind, count(*) AS n FROM opportunities o JOIN statuses s ON s.key = o.status "
        "GROUP BY s.kind ORDER BY s.kind"
    )
    assert {row["kind"] for row in kinds} == {"open", "won", "lost", "cancelled"}


def test_same_day_same_database(ok, tmp_path, db_path):
    ok("demo")
    first = dump(db_path)
    ok("demo", "--force")
    assert dump(db_path) == first
    other = tmp_path / "other.db"
    ok("--db", str(other), "demo")
    assert dump(other) == first


def test_the_demo_moves_with_today(cli, db_path, tmp_path):
    assert cli("demo").exit_code == 0
    later = tmp_path / "later.db"
    assert cli("--db", str(later), "demo", env={"COLIBRI_TODAY": "2027-03-15"}).exit_code == 0
    newest = [
        sqlite3.connect(path).execute("SELECT max(created_on) FROM opportunities").fetchone()[0]
        for path in (db_path, later)
    ]
    assert newest[0] <= "2026-11-26" < newest[1] <= "2027-03-15"


def test_history_has_slipped_dates_changed_amounts_and_closings(ok, rows):
    ok("demo")
    slipped = rows(
        "SELECT count(DISTINCT opportunity_id) AS n FROM opportunity_history h "
        "WHERE due_date <> (SELECT due_date FROM opportunity_history f "
        "WHERE f.opportunity_id = h.opportunity_id ORDER BY changed_at LIMIT 1)"
    )
    repriced = rows(
        "SELECT count(DISTINCT opportunity_id) AS n FROM opportunity_history h "
        "WHERE amount <> (SELECT amount FROM opportunity_history f "
        "WHERE f.opportunity_id = h.opportunity_id ORDER BY changed_at LIMIT 1)"
    )
    assert slipped[0]["n"] >= 10
    assert repriced[0]["n"] >= 5
    assert (
        rows(
            "SELECT count(*) AS n FROM opportunities WHERE closed_on IS NOT NULL "
            "AND closed_on > created_on"
        )[0]["n"]
        >= 30
    )


def test_every_report_has_something_to_say(ok):
    ok("demo")
    pipeline = json.loads(ok("pipeline", "-f", "json").stdout)
    forecast = json.loads(ok("forecast", "-f", "json").stdout)
    accuracy = json.loads(ok("forecast", "accuracy", "-f", "json").stdout)
    stats = json.loads(ok("stats", "-f", "json").stdout)
    agenda = json.loads(ok("agenda", "-f", "json").stdout)

    assert pipeline["totals"] and pipeline["overdue"]["opportunities"]
    assert pipeline["stale"]["opportunities"]
    assert any(row["won"] for row in forecast["periods"])
    assert any(row["target"] for row in forecast["periods"])
    assert any(row["actual"] for row in accuracy["periods"])
    assert any(row["slipped_count"] for row in accuracy["periods"])
    assert stats["win_rate"]["rate"] is not None and stats["reasons"]
    assert {item["section"] for item in agenda} == {"overdue", "today", "upcoming", "no_next_step"}


def test_never_replaces_accounts_it_did_not_make(ok, cli, rows):
    ok("account", "add", "My real customer")

    plain, forced = cli("demo"), cli("demo", "--force")

    assert plain.exit_code == forced.exit_code == 4
    assert (
        plain.stderr
        == forced.stderr
        == (
            "Error: This database has accounts the demo did not make (1 accounts): the demo never "
            "replaces them, even with --force. Choose another file with --db.\n"
        )
    )
    assert rows("SELECT name FROM accounts") == [{"name": "My real customer"}]


def test_replaces_its_own_database_with_force_only(ok, cli, rows):
    ok("demo")
    ok("opp", "create", "Rooftop terrace", "--account", "hotel beau", "--amount", "18k",
       "--due", "eoq", "--status", "quote", "--no-input")  # as the tour does  # fmt: skip

    result = cli("demo")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: This database already has data (10 accounts, 61 opportunities, 49 tasks, "
        "10 contacts, 5 targets): the demo would replace it. Use --force to replace it, or "
        "choose another file with --db.\n"
    )
    ok("demo", "--force")
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 60}]
    ok("account", "add", "My real customer")
    assert cli("demo", "--force").exit_code == 4


def test_a_target_alone_is_data_too(ok, cli, rows):
    ok("target", "set", "2027-Q2", "99k")

    result = cli("demo")

    assert result.exit_code == 4
    assert "already has data (1 targets)" in result.stderr
    assert rows("SELECT period, amount FROM targets") == [{"period": "2027-Q2", "amount": 99000}]
