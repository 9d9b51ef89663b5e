"""Tasks due at a time of day: `--due "friday 10:00"` keeps the time beside the due date
(`due_time`, m011), everywhere a task's due date is read, shown, exported or imported."""

import json
import re

import pytest

from colibri_cli.core import migrations
from conftest import database_before

TIME_HINT = "use HH:MM, from 00:00 to 23:59."


@pytest.fixture
def acme(ok):
    ok("account", "add", "ACME")
    ok("opp", "create", "Hosting", "-a", "ACME", "--amount", "1k", "--due", "2026-12-31",
       "-s", "quote")  # fmt: skip


@pytest.mark.parametrize(
    ("due", "day", "time"),
    [
        ("friday 10:00", "2026-11-27", "10:00"),
        ("demain 14h", "2026-11-27", "14:00"),
        ("lundi 9h15", "2026-11-30", "09:15"),
        ("2026-12-10 09:30", "2026-12-10", "09:30"),
        ("2026-12-10T09:30:00", "2026-12-10", "09:30"),
        ("tomorrow 2pm", "2026-11-27", "14:00"),
        ("tomorrow 9:30 am", "2026-11-27", "09:30"),
        ("friday 12am", "2026-11-27", "00:00"),
        ("friday 12pm", "2026-11-27", "12:00"),
        ("14:30", "2026-11-26", "14:30"),
        ("friday", "2026-11-27", None),
    ],
)
def test_add_reads_a_time_after_the_date(ok, rows, due, day, time):
    result = ok("task", "add", "Call Ann", "--due", due)

    shown = f"{day} {time}" if time else day
    assert result.stderr.splitlines()[-1] == f"Added task 1: Call Ann, due {shown}."
    assert rows("SELECT due_date, due_time FROM tasks") == [{"due_date": day, "due_time": time}]


@pytest.mark.parametrize(
    "due",
    ["25:00", "friday 24:00", "friday 10:60", "10h75", "13pm", "0am", "friday 14h pm"],
)
def test_add_refuses_a_time_that_is_not_one(cli, rows, due):
    result = cli("task", "add", "Call Ann", "--due", due)

    assert result.exit_code == 2
    assert result.stderr == f"Error: Invalid time of day {due!r}: {TIME_HINT}\n"
    assert rows("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'tasks'") == [{"n": 0}]


@pytest.mark.parametrize("due", ["someday 10:00", "friday at 10:00", "demain à 14h"])
def test_a_bad_date_before_a_time_is_said_as_a_date_quoting_what_was_typed(cli, due):
    result = cli("task", "add", "Call Ann", "--due", due)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: Invalid due date {due!r}: use YYYY-MM-DD")


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (("opp", "create", "Site", "-a", "ACME", "--amount", "5k", "-s", "quote", "--due"),
         "Cannot create the opportunity: the due date"),
        (("opp", "status", "1", "won", "--on"), "The closing date"),
    ],
)  # fmt: skip
def test_a_time_of_day_where_only_a_day_is_read_is_refused_for_what_it_is(ok, cli, command, field):
    ok("account", "add", "ACME")
    ok("opp", "create", "Hosting", "-a", "ACME", "--amount", "1k", "--due", "eom", "-s", "quote")

    result = cli(*command, "yesterday 10:00")

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {field} is a day, without a time of day: 'yesterday 10:00' has one.\n"
    )


def test_the_database_refuses_a_time_without_a_date_or_out_of_range(ok, db_path):
    import sqlite3

    ok("task", "add", "Call Ann", "--due", "friday 10:00")
    conn = sqlite3.connect(db_path)
    for change in ("due_time = '24:00'", "due_time = '9:30'", "due_date = NULL"):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(f"UPDATE tasks SET {change} WHERE id = 1")
    conn.close()


def test_list_agenda_and_show_put_the_time_after_the_date_whole_days_first(ok):
    ok("task", "add", "Demo", "--due", "friday 14:00")
    ok("task", "add", "Call", "--due", "friday 9:00")
    ok("task", "add", "Plan the week", "--due", "friday")
    ok("task", "add", "Late", "--due", "yesterday 18:00")

    assert ok("task", "list").stdout == (
        "ID  Due                 Task           Account  Opp.  Done\n"
        " 4  2026-11-25 18:00 !  Late\n"
        " 3  2026-11-27          Plan the week\n"
        " 2  2026-11-27 09:00    Call\n"
        " 1  2026-11-27 14:00    Demo\n"
    )
    assert ok("agenda").stdout.splitlines()[:8] == [
        "Overdue (1)",
        "Due                 What  ID  Title          Account  Amount",
        "2026-11-25 18:00 !  task   4  Late",
        "",
        "Next 7 days (3)",
        "Due                 What  ID  Title          Account  Amount",
        "2026-11-27          task   3  Plan the week",
        "2026-11-27 09:00    task   2  Call",
    ]
    assert "Due      2026-11-27 14:00\n" in ok("task", "show", "1").stdout


def test_a_task_due_today_at_a_time_is_not_overdue_on_that_day(ok):
    """Overdue goes by day: a task due at 08:00 today is today's, whatever the hour."""
    ok("task", "add", "Early call", "--due", "today 08:00")

    assert ok("task", "list", "--overdue").stderr == "No tasks (overdue).\n"
    assert ok("task", "list", "--today", "--format", "json").stdout.count('"overdue": false') == 1


def test_day_first_display_and_french(ok, cli):
    ok("config", "set", "date-display", "dmy")
    ok("task", "add", "Appeler Ann", "--due", "demain 14h30")

    french = cli("task", "list", env={"COLIBRI_LANG": "fr"})
    assert french.stdout.splitlines()[1] == " 1  27/11/2026 14:30  Appeler Ann"
    assert cli("task", "add", "X", "--due", "vendredi 25h", env={"COLIBRI_LANG": "fr"}).stderr == (
        "Erreur : Heure 'vendredi 25h' invalide : écrivez HH:MM ou 14h30, de 00:00 à 23:59.\n"
    )


def test_json_and_csv_of_task_list_carry_due_time(ok):
    ok("task", "add", "Call Ann", "--due", "friday 10:00")

    [task] = json.loads(ok("task", "list", "--format", "json").stdout)
    assert (task["due_date"], task["due_time"]) == ("2026-11-27", "10:00")
    header, line = ok("task", "list", "--format", "csv").stdout.splitlines()
    assert header.startswith("id,title,due_date,due_time,")
    assert line.startswith("1,Call Ann,2026-11-27,10:00,")


def test_edit_with_a_date_alone_clears_the_time(ok, rows):
    ok("task", "add", "Call Ann", "--due", "friday 10:00")

    assert ok("task", "edit", "1", "--due", "monday 11:30").stderr == (
        "Updated task 1: Call Ann, due 2026-11-30 11:30.\n"
    )
    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-11-30", "due_time": "11:30"}
    ]
    assert ok("task", "edit", "1", "--due", "tuesday").stderr == (
        "Updated task 1: Call Ann, due 2026-12-01.\n"
    )
    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-12-01", "due_time": None}
    ]
    ok("task", "edit", "1", "--due", "friday 9:00")
    ok("task", "edit", "1", "--due", "none")
    assert rows("SELECT due_date, due_time FROM tasks") == [{"due_date": None, "due_time": None}]


def test_edit_of_something_else_keeps_the_time(ok, rows):
    ok("task", "add", "Call Ann", "--due", "friday 10:00")
    ok("task", "edit", "1", "--title", "Call Ann back")

    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-11-27", "due_time": "10:00"}
    ]


def test_snooze_to_a_time_and_to_a_day(ok, cli, rows):
    ok("task", "add", "Call Ann", "--due", "today 10:00")

    assert ok("task", "snooze", "1", "monday 9h").stderr == (
        "Put off task 1: Call Ann, due 2026-11-30 09:00.\n"
    )
    ok("task", "snooze", "1", "tuesday")
    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-12-01", "due_time": "09:00"}
    ]
    refused = cli("task", "snooze", "1", "tuesday 10:75")
    assert refused.exit_code == 2
    assert refused.stderr == f"Error: Invalid time of day 'tuesday 10:75': {TIME_HINT}\n"


@pytest.mark.parametrize(
    ("until", "shown"),
    [
        ("friday", "2026-11-27 15:00"),
        ("+2d", "2026-11-28 15:00"),
        ("friday 9:30", "2026-11-27 09:30"),
    ],
)
def test_snooze_to_a_day_keeps_the_time_of_day(ok, rows, until, shown):
    ok("task", "add", "Meet", "--due", "2026-12-01 15:00")

    assert ok("task", "snooze", "1", until).stderr == f"Put off task 1: Meet, due {shown}.\n"
    day, time = shown.split()
    assert rows("SELECT due_date, due_time FROM tasks") == [{"due_date": day, "due_time": time}]


def test_snooze_keeps_a_whole_day_task_a_whole_day_one(ok, rows):
    ok("task", "add", "Plan the week", "--due", "2026-12-01")

    assert ok("task", "snooze", "1", "friday").stderr == (
        "Put off task 1: Plan the week, due 2026-11-27.\n"
    )
    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-11-27", "due_time": None}
    ]


def test_done_next_due_takes_a_time(acme, ok, rows):
    ok("task", "add", "Send the quote", "--opp", "1", "--due", "today")

    result = ok("task", "done", "1", "--next", "Call back", "--next-due", "monday 10:00")

    assert result.stderr.splitlines()[-1] == (
        "Added task 2: Call back (ACME), due 2026-11-30 10:00."
    )
    assert rows("SELECT due_date, due_time FROM tasks WHERE id = 2") == [
        {"due_date": "2026-11-30", "due_time": "10:00"}
    ]


def test_the_follow_up_of_a_close_takes_a_time(acme, ok, rows):
    result = ok("opp", "status", "1", "lost", "--reason", "price", "--follow-up", "Ask again",
                "--follow-up-due", "monday 11:00")  # fmt: skip

    assert result.stderr.splitlines()[-1] == "Follow-up task 1 due 2026-11-30 11:00: Ask again"
    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-11-30", "due_time": "11:00"}
    ]
    assert "2026-11-30 11:00" in ok("opp", "show", "1").stdout


def test_account_card_shows_the_time(acme, ok):
    ok("task", "add", "Call Ann", "--account", "ACME", "--due", "friday 10:00")

    assert " 1  Call Ann  2026-11-27 10:00" in ok("account", "show", "ACME").stdout


def test_export_and_import_tasks_carry_the_time(ok, rows, tmp_path):
    ok("task", "add", "Call Ann", "--due", "friday 10:00")
    ok("task", "add", "Plan", "--due", "friday")
    exported = ok("export", "tasks").stdout.splitlines()
    assert exported[0].startswith("title,due_date,due_time,every,done_on,")
    assert exported[1].startswith("Call Ann,2026-11-27,10:00,,,")
    assert exported[2].startswith("Plan,2026-11-27,,,,")

    source = tmp_path / "todo.csv"
    source.write_text("title,due,due time\nA,2026-12-10,9h30\nB,2026-12-11,\n", encoding="utf-8")
    ok("import", "tasks", str(source))
    stamped = tmp_path / "stamped.csv"
    stamped.write_text("title,due\nC,2026-12-12 16:45\nD,2026-12-13T08:05:00\n", "utf-8")
    ok("import", "tasks", str(stamped))

    assert rows("SELECT title, due_date, due_time FROM tasks WHERE id > 2") == [
        {"title": "A", "due_date": "2026-12-10", "due_time": "09:30"},
        {"title": "B", "due_date": "2026-12-11", "due_time": None},
        {"title": "C", "due_date": "2026-12-12", "due_time": "16:45"},
        {"title": "D", "due_date": "2026-12-13", "due_time": "08:05"},
    ]


def test_import_refuses_a_bad_time_and_a_time_without_a_date(ok, cli, rows, tmp_path):
    source = tmp_path / "todo.csv"
    source.write_text("title,due_date,due_time\nA,2026-12-10,25:00\nB,,10:00\n", "utf-8")

    result = cli("import", "tasks", str(source))

    assert result.exit_code != 0
    assert result.stderr.splitlines()[:2] == [
        f"line 2, due_time: Invalid time of day '25:00': {TIME_HINT}",
        "line 3, due_time: A due time goes with a due date: give one.",
    ]


def test_export_all_and_import_all_keep_the_time(ok, rows, tmp_path, monkeypatch):
    ok("task", "add", "Call Ann", "--due", "friday 10:00")
    whole = tmp_path / "all.json"
    ok("export", "all", "-o", str(whole))

    monkeypatch.setenv("COLIBRI_DB", str(tmp_path / "moved.db"))
    ok("import", "all", str(whole))
    assert '"due_time": "10:00"' in ok("task", "list", "--format", "json").stdout
    ok("restore", str(whole), "--yes")
    assert ok("task", "list").stdout.splitlines()[1] == " 1  2026-11-27 10:00  Call Ann"


def test_a_database_of_m010_is_brought_up_to_date(db_path, ok, rows):
    """Its tasks keep everything and have no time of day."""
    database = database_before(db_path, migrations.m011_task_times)
    database["tasks"].insert(
        {"title": "Call", "due_date": "2026-11-27", "created_at": "x", "updated_at": "x"}
    )
    database.conn.commit()
    database.conn.close()
    before = rows("SELECT * FROM tasks")

    ok("upgrade")

    assert {"name": "m011_task_times"} in rows("SELECT name FROM _sqlite_migrations")
    assert rows("SELECT * FROM tasks") == [
        {**before[0], "due_time": None, "every": None, "every_from": None, "revision": 0}
    ]
    ok("task", "edit", "1", "--due", "friday 10:00")
    assert rows("SELECT due_time FROM tasks") == [{"due_time": "10:00"}]


def test_the_task_form_says_the_time_back_as_read(empty_db, rows, db_path):
    from test_interactive import answer, finish, spawn

    child = spawn(db_path, "task", "add")
    answer(child, "  Title: ", "Call Ann")
    answer(child, "  Due date (- for none): ", "friday 25:00")
    child.expect_exact(f"Error: Invalid time of day 'friday 25:00': {TIME_HINT}")
    answer(child, "  Due date (- for none): ", "friday 10:00")
    child.expect_exact("    → 2026-11-27 10:00\r\n")
    answer(child, "  Opportunity (optional): ", "")
    answer(child, "  Account (optional): ", "")
    child.expect_exact("New task: Call Ann, due 2026-11-27 10:00.")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == "Added task 1: Call Ann, due 2026-11-27 10:00.\n"
    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-11-27", "due_time": "10:00"}
    ]


# --- the calendar: timed events ---------------------------------------------------------------


def test_a_timed_task_is_a_timed_event_in_floating_time_and_a_day_s_task_all_day(ok, rows):
    ok("task", "add", "Call Ann", "--due", "2026-12-04 10:00")
    ok("task", "add", "Plan the week", "--due", "2026-12-04")
    ok("task", "add", "Late call", "--due", "2026-12-04 23:45")

    data = re.sub(r"DTSTAMP:\d{8}T\d{6}Z", "DTSTAMP:*", ok("task", "export").stdout_bytes.decode())

    events = data.split("BEGIN:VEVENT\r\n")[1:]
    assert [event.split("\r\n")[1:6] for event in events] == [
        ["DTSTAMP:*", "DTSTART;VALUE=DATE:20261204", "DTEND;VALUE=DATE:20261205", "SEQUENCE:0",
         "SUMMARY:Plan the week"],
        ["DTSTAMP:*", "DTSTART:20261204T100000", "DURATION:PT30M", "SEQUENCE:0",
         "SUMMARY:Call Ann"],
        ["DTSTAMP:*", "DTSTART:20261204T234500", "DURATION:PT30M", "SEQUENCE:0",
         "SUMMARY:Late call"],
    ]  # fmt: skip


def test_an_import_s_due_date_alone_or_none_clears_the_time(ok, rows, tmp_path):
    ok("task", "add", "Call Ann", "--due", "friday 10:00")
    external_id = ok("export", "tasks").stdout.splitlines()[1].split(",")[-1]
    source = tmp_path / "tasks.csv"

    source.write_text(f"title,due_date,external_id\nCall Ann,none,{external_id}\n", "utf-8")
    ok("import", "tasks", str(source), "--upsert")
    assert rows("SELECT due_date, due_time FROM tasks") == [{"due_date": None, "due_time": None}]

    ok("task", "edit", "1", "--due", "friday 10:00")
    source.write_text(f"title,due_date,external_id\nCall Ann,2026-12-01,{external_id}\n", "utf-8")
    ok("import", "tasks", str(source), "--upsert")
    assert rows("SELECT due_date, due_time FROM tasks") == [
        {"due_date": "2026-12-01", "due_time": None}
    ]
