"""The calendar file imported again updates the calendar: each event's SEQUENCE is its
task's revision, which only grows, and the tasks done or deleted in the last 90 days are
cancelled events under their same UID."""

import re
import sqlite3

import pytest

STAMP = re.compile(r"DTSTAMP:\d{8}T\d{6}Z")


@pytest.fixture
def export(cli):
    """The calendar's events on a day (colibri's clock)."""

    def on(day: str) -> list[dict]:
        result = cli("task", "export", env={"COLIBRI_TODAY": day})
        assert result.exit_code == 0, result.output
        text = result.stdout_bytes.decode()
        assert len(STAMP.findall(text)) == text.count("BEGIN:VEVENT")
        found = []
        for block in text.split("BEGIN:VEVENT\r\n")[1:]:
            lines = block.split("\r\nEND:VEVENT")[0].replace("\r\n ", "").split("\r\n")
            event = dict(line.split(":", 1) for line in lines)
            del event["DTSTAMP"]
            found.append(event)
        return found

    return on


def uid(rows, task_id: int) -> str:
    [saved] = rows("SELECT created_at FROM tasks WHERE id = ?", (task_id,))
    return f"task-{task_id}-{re.sub(r'[^0-9]', '', saved['created_at'])}@colibri"


def test_each_change_of_a_task_raises_its_sequence(at, export, rows):
    at("2026-11-26", "task", "add", "Call Ann", "--due", "2026-12-04")
    task_uid = uid(rows, 1)
    assert export("2026-11-26") == [
        {"UID": task_uid, "DTSTART;VALUE=DATE": "20261204", "DTEND;VALUE=DATE": "20261205",
         "SEQUENCE": "0", "SUMMARY": "Call Ann"}
    ]  # fmt: skip

    at("2026-11-26", "task", "edit", "1", "--title", "Call Ann back")
    at("2026-11-27", "task", "snooze", "1", "2026-12-07 10:00")

    assert export("2026-11-27") == [
        {"UID": task_uid, "DTSTART": "20261207T100000", "DURATION": "PT30M", "SEQUENCE": "2",
         "SUMMARY": "Call Ann back"}
    ]  # fmt: skip
    assert rows("SELECT revision FROM tasks") == [{"revision": 2}]


def test_a_change_made_by_another_way_counts_too(at, rows, tmp_path):
    """An import's update, a deal moved, a contact deleted: the database counts them."""
    at("2026-11-26", "account", "add", "ACME")
    at("2026-11-26", "account", "add", "Beta")
    at("2026-11-26", "contact", "add", "Ann", "--account", "ACME")
    at("2026-11-26", "opp", "create", "Hosting", "-a", "ACME", "--amount", "1k", "--due",
       "2026-12-31", "-s", "quote")  # fmt: skip
    at("2026-11-26", "task", "add", "Call Ann", "--opp", "1", "--contact", "Ann", "--due",
       "2026-12-04")  # fmt: skip

    at("2026-11-26", "contact", "delete", "Ann", "--yes")
    at("2026-11-26", "opp", "edit", "1", "--account", "Beta")
    source = tmp_path / "tasks.csv"
    source.write_text("title,account,opportunity,due_date,notes\n"
                      "Call Ann,Beta,Hosting,2026-12-04,Ask\n", "utf-8")  # fmt: skip
    at("2026-11-26", "import", "tasks", str(source), "--upsert")

    assert rows("SELECT contact_id, account_id, notes, revision FROM tasks") == [
        {"contact_id": None, "account_id": 2, "notes": "Ask", "revision": 3}
    ]


def test_a_task_done_is_a_cancelled_event_under_its_uid(at, export, rows):
    at("2026-11-26", "task", "add", "Call Ann", "--due", "2026-12-04 10:00")
    at("2026-11-26", "task", "add", "Undated")
    task_uid = uid(rows, 1)

    at("2026-12-01", "task", "done", "1")
    at("2026-12-01", "task", "done", "2")

    assert export("2026-12-01") == [
        {"UID": task_uid, "DTSTART": "20261204T100000", "DURATION": "PT30M", "SEQUENCE": "1",
         "STATUS": "CANCELLED", "SUMMARY": "Call Ann"}
    ]  # fmt: skip
    at("2026-12-02", "task", "edit", "1", "--reopen")
    assert export("2026-12-02") == [
        {"UID": task_uid, "DTSTART": "20261204T100000", "DURATION": "PT30M", "SEQUENCE": "2",
         "SUMMARY": "Call Ann"}
    ]  # fmt: skip


def test_the_tasks_of_a_deal_in_the_trash_are_cancelled_until_it_is_restored(at, export, rows):
    at("2026-11-26", "account", "add", "ACME")
    at("2026-11-26", "opp", "create", "Hosting", "-a", "ACME", "--amount", "1k", "--due",
       "2026-12-31", "-s", "quote")  # fmt: skip
    at("2026-11-26", "task", "add", "Call Ann", "--opp", "1", "--due", "2026-12-04")
    at("2026-11-26", "task", "add", "Sent the quote", "--opp", "1", "--due", "2026-11-20")
    at("2026-11-26", "task", "done", "2", "--no-next")
    task_uid, done_uid = uid(rows, 1), uid(rows, 2)
    call = {"UID": task_uid, "DTSTART;VALUE=DATE": "20261204", "DTEND;VALUE=DATE": "20261205"}
    done = {"UID": done_uid, "DTSTART;VALUE=DATE": "20261120", "DTEND;VALUE=DATE": "20261121",
            "SEQUENCE": "1", "STATUS": "CANCELLED", "SUMMARY": "Sent the quote"}  # fmt: skip

    at("2026-11-27", "opp", "delete", "1", "--yes")
    assert export("2026-11-27") == [
        done,
        {**call, "SEQUENCE": "1", "STATUS": "CANCELLED", "SUMMARY": "Call Ann"},
    ]
    at("2026-11-28", "opp", "restore", "1")
    assert export("2026-11-28") == [
        {**call, "SEQUENCE": "2", "SUMMARY": "Call Ann", "DESCRIPTION": "ACME · Hosting"},
        done,
    ]
    assert rows("SELECT id, revision FROM tasks") == [
        {"id": 1, "revision": 2},
        {"id": 2, "revision": 1},
    ]


def test_a_task_deleted_is_a_cancelled_event_its_sequence_past_the_last(at, export, rows):
    at("2026-11-26", "task", "add", "Call Ann", "--due", "2026-12-04")
    at("2026-11-26", "task", "edit", "1", "--title", "Call Ann back")
    task_uid = uid(rows, 1)

    at("2026-11-27", "task", "delete", "1", "--yes")

    assert export("2026-11-27") == [
        {"UID": task_uid, "DTSTART;VALUE=DATE": "20261204", "DTEND;VALUE=DATE": "20261205",
         "SEQUENCE": "2", "STATUS": "CANCELLED", "SUMMARY": "Call Ann back"}
    ]  # fmt: skip
    assert rows("SELECT task_id, title, deleted_on, revision FROM deleted_tasks") == [
        {"task_id": 1, "title": "Call Ann back", "deleted_on": "2026-11-27", "revision": 2}
    ]


def test_the_tasks_of_an_account_deleted_are_cancelled_events(at, export, rows):
    at("2026-11-26", "account", "add", "ACME")
    at("2026-11-26", "task", "add", "Call Ann", "--account", "ACME", "--due", "2026-12-04")
    at("2026-11-26", "task", "add", "Mail Bob", "--account", "ACME")

    at("2026-11-27", "account", "delete", "ACME", "--yes")

    assert [(event["SUMMARY"], event["STATUS"]) for event in export("2026-11-27")] == [
        ("Call Ann", "CANCELLED")
    ]
    assert [row["task_id"] for row in rows("SELECT task_id FROM deleted_tasks")] == [1, 2]


def test_done_and_deleted_tasks_stay_cancelled_for_90_days(at, export):
    at("2026-09-01", "task", "add", "Done", "--due", "2026-09-10")
    at("2026-09-01", "task", "add", "Deleted", "--due", "2026-09-11")
    at("2026-09-01", "task", "done", "1")
    at("2026-09-01", "task", "delete", "2", "--yes")

    assert [event["SUMMARY"] for event in export("2026-11-30")] == ["Done", "Deleted"]
    assert export("2026-12-01") == []  # 91 days after


def test_a_task_whose_due_date_is_cleared_is_a_cancelled_event_until_it_has_one(at, export,
                                                                                rows):  # fmt: skip
    at("2026-11-26", "task", "add", "Call Ann", "--due", "2026-12-04 10:00")
    task_uid = uid(rows, 1)
    timed = {"UID": task_uid, "DTSTART": "20261204T100000", "DURATION": "PT30M"}

    at("2026-11-27", "task", "edit", "1", "--due", "none")
    cancelled = {**timed, "SEQUENCE": "1", "STATUS": "CANCELLED", "SUMMARY": "Call Ann"}
    assert export("2026-11-27") == [cancelled]
    assert export("2027-02-25") == [cancelled]
    assert export("2027-02-26") == []

    at("2026-11-28", "task", "edit", "1", "--due", "2026-12-10")
    dated = {"UID": task_uid, "DTSTART;VALUE=DATE": "20261210", "DTEND;VALUE=DATE": "20261211"}
    assert export("2026-11-28") == [{**dated, "SEQUENCE": "2", "SUMMARY": "Call Ann"}]

    at("2026-11-29", "task", "edit", "1", "--due", "")
    again = {**dated, "SEQUENCE": "3", "STATUS": "CANCELLED", "SUMMARY": "Call Ann"}
    assert export("2026-11-29") == [again]
    at("2026-11-30", "task", "delete", "1", "--yes")  # its event is cancelled already
    assert export("2026-11-30") == [again]


def test_a_task_cleared_then_snoozed_is_an_event_again_not_also_a_cancelled_one(at, export,
                                                                                rows):  # fmt: skip
    at("2026-11-26", "task", "add", "Call Ann", "--due", "2026-12-04")
    at("2026-11-27", "task", "edit", "1", "--due", "none")

    at("2026-11-28", "task", "snooze", "1", "2026-12-07")

    assert export("2026-11-28") == [
        {"UID": uid(rows, 1), "DTSTART;VALUE=DATE": "20261207", "DTEND;VALUE=DATE": "20261208",
         "SEQUENCE": "2", "SUMMARY": "Call Ann"}
    ]  # fmt: skip


def test_a_recurring_task_done_cancels_its_event_and_the_next_one_is_new(at, export, rows):
    at("2026-11-26", "task", "add", "Report", "--due", "2026-11-27", "--every", "1w")
    at("2026-11-27", "task", "done", "1")

    assert [(event["UID"], event.get("STATUS"), event["SEQUENCE"]) for event in
            export("2026-11-27")] == [
        (uid(rows, 2), None, "0"), (uid(rows, 1), "CANCELLED", "1")
    ]  # fmt: skip


def test_the_move_keeps_what_cancels_events(ok, rows, tmp_path, monkeypatch):
    ok("task", "add", "Call Ann", "--due", "2026-12-04")
    ok("task", "edit", "1", "--title", "Call Ann back")
    ok("task", "add", "Mail Bob", "--due", "2026-12-05")
    ok("task", "delete", "2", "--yes")
    whole = tmp_path / "all.json"
    ok("export", "all", "-o", str(whole))
    before = rows("SELECT * FROM deleted_tasks"), rows("SELECT id, revision FROM tasks")

    moved = tmp_path / "moved.db"
    monkeypatch.setenv("COLIBRI_DB", str(moved))
    ok("import", "all", str(whole))

    conn = sqlite3.connect(moved)
    conn.row_factory = sqlite3.Row
    after = tuple(
        [dict(row) for row in conn.execute(sql)]
        for sql in ("SELECT * FROM deleted_tasks", "SELECT id, revision FROM tasks")
    )
    conn.close()
    assert after == before
    assert before[0][0]["title"] == "Mail Bob"


def test_a_task_another_program_left_odd_is_deleted_all_the_same(ok, rows, db_path):
    ok("task", "add", "Call Ann", "--due", "2026-12-04")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE tasks SET due_date = 'garbage', revision = 'x' WHERE id = 1")
    conn.close()

    assert ok("task", "delete", "1", "--yes").stderr == "Deleted task 1: Call Ann.\n"
    assert rows("SELECT task_id, due_date, revision FROM deleted_tasks") == [
        {"task_id": 1, "due_date": None, "revision": 1}
    ]
    assert "BEGIN:VEVENT" not in ok("task", "export").stdout
