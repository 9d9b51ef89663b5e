"""The stays in a status the history triggers keep (m013): whatever writes the history,
colibri or another program, they are those its rows make, and time in status follows."""

import json
import sqlite3

import pytest

from colibri_cli.core import migrations

TODAY = "2026-03-01"


@pytest.fixture
def at(cli):
    """Run colibri on a given day; insist that it succeeded."""

    def run(day: str, *args: str):
        result = cli(*args, env={"COLIBRI_TODAY": day})
        assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture
def deals(at):
    """Alpha entered analysis on 2026-01-05 and quote on 2026-01-15; Beta, made on
    2026-01-10, is still in analysis."""
    at("2026-01-05", "account", "add", "ACME")
    for day, name in (("2026-01-05", "Alpha"), ("2026-01-10", "Beta")):
        at(day, "opp", "create", name, "-a", "ACME", "--amount", "1000", "--due", "2026-06-30",
           "-s", "analysis")  # fmt: skip
    at("2026-01-15", "opp", "status", "1", "quote", "--no-follow-up")


def time_in_status(at) -> list[dict]:
    report = json.loads(at(TODAY, "stats", "--format", "json").stdout)
    return [
        {key: row[key] for key in ("status", "stays", "ongoing", "average_days")}
        for row in report["time_in_status"]
    ]


def made_from_the_history(db_path) -> bool:
    """Whether the stays kept are those the history makes from scratch."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        kept = conn.execute("SELECT * FROM opportunity_stays ORDER BY 1, 2").fetchall()
        conn.execute("BEGIN")
        conn.execute("DELETE FROM opportunity_stays")
        conn.execute(migrations.stays_made("TRUE"))
        made = conn.execute("SELECT * FROM opportunity_stays ORDER BY 1, 2").fetchall()
        conn.execute("ROLLBACK")
        return kept == made and len(kept) > 0
    finally:
        conn.close()


def another_program(db_path, *statements: str) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def test_colibris_writes_keep_the_stays(deals, at, db_path):
    assert time_in_status(at) == [
        {"status": "analysis", "stays": 2, "ongoing": 1, "average_days": 30.0},
        {"status": "quote", "stays": 1, "ongoing": 1, "average_days": 45.0},
    ]  # Alpha 10 days and Beta 50 in analysis; Alpha 45 days in quote
    at("2026-02-10", "opp", "status", "1", "won", "--on", "2026-02-01", "--no-follow-up")
    assert time_in_status(at)[1] == {
        "status": "quote", "stays": 1, "ongoing": 0, "average_days": 17.0
    }  # fmt: skip
    assert made_from_the_history(db_path)


def test_another_programs_writes_of_the_history_keep_the_stays(deals, at, db_path):
    another_program(
        db_path,
        "INSERT INTO opportunity_history (opportunity_id, changed_at, status, amount, due_date,"
        " currency) VALUES (2, '2026-01-20T09:00:00', 'negotiation', 1000, '2026-06-30', 'EUR')",
    )
    assert time_in_status(at)[0] == {
        "status": "analysis", "stays": 2, "ongoing": 0, "average_days": 10.0
    }  # fmt: skip
    another_program(
        db_path, "UPDATE opportunity_history SET changed_at = '2026-02-09T09:00:00'"
        " WHERE status = 'negotiation'"
    )  # fmt: skip
    assert time_in_status(at)[0]["average_days"] == 20.0  # Alpha 10 days, Beta 30
    assert made_from_the_history(db_path)
    another_program(db_path, "DELETE FROM opportunity_history WHERE status = 'negotiation'")
    assert time_in_status(at)[0] == {
        "status": "analysis", "stays": 2, "ongoing": 1, "average_days": 30.0
    }  # fmt: skip
    assert made_from_the_history(db_path)


def test_a_deal_deleted_with_its_history_leaves_no_stay(deals, at, db_path, rows):
    another_program(db_path, "DELETE FROM opportunities WHERE id = 1")
    assert rows("SELECT opportunity_id, status FROM opportunity_stays") == [
        {"opportunity_id": 2, "status": "analysis"}
    ]
    assert time_in_status(at) == [
        {"status": "analysis", "stays": 1, "ongoing": 1, "average_days": 50.0}
    ]
