"""Recurring tasks: `task add --every 1w`; done, a task schedules the next of its series,
counted in whole periods from the series' start (`every_from`) and after the day it was
done."""

import json
import sqlite3

import pytest

PERIOD_HINT = "write a number and a unit, such as 10d, 2w, 3m, 1q or 1y."


def open_tasks(rows) -> list[dict]:
    return rows(
        "SELECT id, title, due_date, due_time, every, every_from FROM tasks "
        "WHERE done_on IS NULL ORDER BY id"
    )


@pytest.fixture
def deal(ok):
    ok("account", "add", "ACME")
    ok("contact", "add", "Ann", "--account", "ACME")
    ok("opp", "create", "Hosting", "-a", "ACME", "--amount", "1k", "--due", "2027-06-30",
       "-s", "quote")  # fmt: skip


@pytest.mark.parametrize(
    ("every", "stored"),
    [
        ("1w", "1w"), ("2w", "2w"), ("1m", "1m"), ("1q", "1q"), ("1y", "1y"), ("10d", "10d"),
        ("1s", "1w"), ("2 semaines", "2w"), ("1 mois", "1m"), ("1 an", "1y"), ("1 trimestre", "1q"),
        ("1t", "1q"), ("3 months", "3m"),
    ],
)  # fmt: skip
def test_add_every_keeps_the_period_one_way(ok, rows, every, stored):
    said = {"1w": "every week", "2w": "every 2 weeks", "1m": "every month", "1q": "every quarter",
            "1y": "every year", "10d": "every 10 days", "3m": "every 3 months"}[stored]  # fmt: skip
    result = ok("task", "add", "Report", "--due", "friday", "--every", every)

    assert result.stderr.splitlines()[-1] == f"Added task 1: Report, due 2026-11-27, {said}."
    assert open_tasks(rows) == [
        {"id": 1, "title": "Report", "due_date": "2026-11-27", "due_time": None,
         "every": stored, "every_from": "2026-11-27"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--due", "friday", "--every", "0w"],
         "Invalid repeat period '0w': a period goes from 1 to 999, such as 1w."),
        (["--due", "friday", "--every", "1000d"],
         "Invalid repeat period '1000d': a period goes from 1 to 999, such as 1w."),
        (["--due", "friday", "--every", "3x"], f"Invalid repeat period '3x': {PERIOD_HINT}"),
        (["--due", "friday", "--every", "weekly"],
         f"Invalid repeat period 'weekly': {PERIOD_HINT}"),
        (["--every", "1w"],
         "A task that repeats needs a due date to count from: give one with --due."),
    ],
)  # fmt: skip
def test_add_refuses_a_period_that_is_not_one_or_without_a_due_date(
    cli, db_path, arguments, message
):
    result = cli("task", "add", "Report", *arguments)

    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert not db_path.exists()


def test_a_monthly_series_keeps_to_the_month_s_end(at, rows):
    """31 Jan -> 28 Feb -> 31 Mar -> 30 Apr: each due date counted from 31 January."""
    at("2027-01-31", "task", "add", "Close the month", "--due", "today", "--every", "1m")

    said = [
        at(day, "task", "done", str(task_id)).stderr.splitlines()[-1]
        for task_id, day in ((1, "2027-01-31"), (2, "2027-02-28"), (3, "2027-03-31"))
    ]

    assert said == [
        "Next: task 2, Close the month, due 2027-02-28, every month.",
        "Next: task 3, Close the month, due 2027-03-31, every month.",
        "Next: task 4, Close the month, due 2027-04-30, every month.",
    ]
    assert rows("SELECT id, due_date, done_on, every, every_from FROM tasks ORDER BY id") == [
        {"id": 1, "due_date": "2027-01-31", "done_on": "2027-01-31", "every": None,
         "every_from": None},
        {"id": 2, "due_date": "2027-02-28", "done_on": "2027-02-28", "every": None,
         "every_from": None},
        {"id": 3, "due_date": "2027-03-31", "done_on": "2027-03-31", "every": None,
         "every_from": None},
        {"id": 4, "due_date": "2027-04-30", "done_on": None, "every": "1m",
         "every_from": "2027-01-31"},
    ]  # fmt: skip


def test_a_yearly_series_from_29_february_comes_back_to_it_in_leap_years(at, rows):
    at("2028-02-29", "task", "add", "Renew the domain", "--due", "today", "--every", "1y")
    for task_id, day in ((1, "2028-02-29"), (2, "2029-02-28"), (3, "2030-02-28"),
                         (4, "2031-02-28")):  # fmt: skip
        at(day, "task", "done", str(task_id))

    assert [row["due_date"] for row in rows("SELECT due_date FROM tasks ORDER BY id")] == [
        "2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"
    ]  # fmt: skip


def test_a_weekly_task_done_three_weeks_late_leaves_one_next_task_after_that_day(at, rows):
    """Due Thursday 5 November, done Thursday 26: the 12th, 19th and 26th are past or that
    day; the next is 3 December."""
    at("2026-11-01", "task", "add", "Weekly report", "--due", "2026-11-05", "--every", "1w")

    result = at("2026-11-26", "task", "done", "1")

    assert result.stderr == (
        "Done: task 1, Weekly report (2026-11-26).\n"
        "Next: task 2, Weekly report, due 2026-12-03, every week.\n"
    )
    assert open_tasks(rows) == [
        {"id": 2, "title": "Weekly report", "due_date": "2026-12-03", "due_time": None,
         "every": "1w", "every_from": "2026-11-05"}
    ]  # fmt: skip


def test_a_task_done_early_schedules_the_next_from_its_due_date(at, rows):
    at("2026-11-20", "task", "add", "Biweekly call", "--due", "2026-11-30", "--every", "2w")

    at("2026-11-23", "task", "done", "1")

    assert open_tasks(rows)[0]["due_date"] == "2026-12-14"


def test_a_quarterly_task_done_on_a_past_day_with_on(at, rows):
    at("2026-11-20", "task", "add", "Quarterly review", "--due", "2026-09-30", "--every", "1q")

    at("2026-11-26", "task", "done", "1", "--on", "2026-10-02")

    assert open_tasks(rows)[0]["due_date"] == "2026-12-30"  # the 30th, as the series' start


def test_the_next_task_keeps_title_notes_links_time_and_period(deal, ok, rows):
    ok("task", "add", "Call Ann", "--opp", "Hosting", "--contact", "Ann", "--notes", "Ask",
       "--due", "friday 10:00", "--every", "1w")  # fmt: skip

    result = ok("task", "done", "1")

    assert result.stderr == (
        "Done: task 1, Call Ann (2026-11-26).\n"
        "Next: task 2, Call Ann (ACME), due 2026-12-04 10:00, every week.\n"
    )  # no next step asked: the deal has one, the next call
    assert rows("SELECT title, notes, opportunity_id, account_id, contact_id, due_date, "
                "due_time, every FROM tasks WHERE id = 2") == [
        {"title": "Call Ann", "notes": "Ask", "opportunity_id": 1, "account_id": 1,
         "contact_id": 1, "due_date": "2026-12-04", "due_time": "10:00", "every": "1w"}
    ]  # fmt: skip


def test_done_with_format_json_gives_the_task_done_and_the_next(ok):
    ok("task", "add", "Report", "--due", "today", "--every", "1w")

    written = json.loads(ok("task", "done", "1", "--format", "json").stdout)

    assert [(task["id"], task["due_date"], task["every"], task["done_on"]) for task in written] == [
        (1, "2026-11-26", None, "2026-11-26"),
        (2, "2026-12-03", "1w", None),
    ]


def test_list_marks_a_recurring_task_and_scripts_get_every(ok):
    ok("task", "add", "Report", "--due", "friday", "--every", "1w")
    ok("task", "add", "Once", "--due", "friday")

    assert ok("task", "list").stdout == (
        "ID  Due              Task    Account  Opp.  Done\n"
        " 1  2026-11-27 ↻ 1w  Report\n"
        " 2  2026-11-27       Once\n"
    )
    listed = json.loads(ok("task", "list", "--format", "json").stdout)
    assert [(task["every"], task["every_from"]) for task in listed] == [
        ("1w", "2026-11-27"), (None, None)
    ]  # fmt: skip
    assert "Repeats  every week\n" in ok("task", "show", "1").stdout


def test_edit_every_starts_a_series_from_the_due_date_and_no_every_ends_it(ok, cli, rows):
    ok("task", "add", "Report", "--due", "friday")

    assert ok("task", "edit", "1", "--every", "1m").stderr == (
        "Updated task 1: Report, due 2026-11-27, every month.\n"
    )
    assert open_tasks(rows)[0]["every_from"] == "2026-11-27"
    ok("task", "edit", "1", "--due", "2026-12-31")
    assert (open_tasks(rows)[0]["every"], open_tasks(rows)[0]["every_from"]) == (
        "1m", "2026-12-31"
    )  # fmt: skip
    assert (
        ok("task", "edit", "1", "--no-every").stderr == "Updated task 1: Report, due 2026-12-31.\n"
    )
    ok("task", "done", "1")
    assert open_tasks(rows) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--due", "none"],
         "A task that repeats needs a due date to count from: give one with --due."),
        (["--every", "1w", "--no-every"],
         "Invalid value: --no-every excludes --every. See 'colibri task edit --help'."),
        (["--every", "0m"], "Invalid repeat period '0m': a period goes from 1 to 999, such as 1w."),
    ],
)  # fmt: skip
def test_edit_refuses(ok, cli, rows, arguments, message):
    ok("task", "add", "Report", "--due", "friday", "--every", "1w")

    result = cli("task", "edit", "1", *arguments)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert open_tasks(rows)[0]["every"] == "1w"


def test_a_snoozed_occurrence_keeps_the_series_day(at, rows):
    at("2026-11-02", "task", "add", "Weekly report", "--due", "2026-11-05", "--every", "1w")
    at("2026-11-05", "task", "snooze", "1", "2026-11-09")

    at("2026-11-09", "task", "done", "1")

    assert open_tasks(rows)[0]["due_date"] == "2026-11-12"  # a Thursday, as the series


def test_deleting_a_recurring_task_ends_the_series(ok, rows):
    ok("task", "add", "Report", "--due", "friday", "--every", "1w")

    ok("task", "delete", "1", "--yes")

    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


def test_a_reopened_task_done_again_schedules_no_second_copy(ok, rows):
    ok("task", "add", "Report", "--due", "today", "--every", "1w")
    ok("task", "done", "1")
    ok("task", "edit", "1", "--reopen")

    assert ok("task", "done", "1").stderr == "Done: task 1, Report (2026-11-26).\n"
    assert [task["id"] for task in open_tasks(rows)] == [2]


def test_french(ok, cli):
    ok("task", "add", "Rapport", "--due", "aujourd'hui", "--every", "1s")

    result = cli("task", "done", "1", env={"COLIBRI_LANG": "fr"})

    assert result.stderr.splitlines()[-1] == (
        "Suivante : tâche 2, Rapport, échéance 2026-12-03, toutes les semaines."
    )


def test_french_says_the_period_in_french_and_scripts_keep_it_stored(ok, cli):
    for title, every in (("Rapport", "1s"), ("Bilan", "1t"), ("Relance", "10j"), ("Compta", "1m"),
                         ("Voeux", "2a")):  # fmt: skip
        ok("task", "add", title, "--due", "friday", "--every", every)
    french = {"COLIBRI_LANG": "fr"}

    listed = cli("task", "list", env=french).stdout.splitlines()[1:]
    assert [line.split()[2:4] for line in listed] == [
        ["↻", "1s"], ["↻", "1t"], ["↻", "10j"], ["↻", "1m"], ["↻", "2a"]
    ]  # fmt: skip
    assert "Répétée     tous les mois\n" in cli("task", "show", "4", env=french).stdout
    assert cli("task", "edit", "5", "--every", "2w", env=french).stderr == (
        "Tâche 5 modifiée : Voeux, échéance 2026-11-27, toutes les 2 semaines.\n"
    )
    scripts = json.loads(cli("task", "list", "-f", "json", env=french).stdout)
    assert [task["every"] for task in scripts] == ["1w", "1q", "10d", "1m", "2w"]


def test_export_and_import_carry_every(ok, rows, tmp_path):
    ok("task", "add", "Report", "--due", "friday", "--every", "2w")
    assert ok("export", "tasks").stdout.splitlines()[1].startswith("Report,2026-11-27,,2w,,")

    source = tmp_path / "todo.csv"
    source.write_text("title,due,repeat\nA,2026-12-10,1 mois\nB,2026-12-11,\n", "utf-8")
    ok("import", "tasks", str(source))

    assert rows("SELECT title, every, every_from FROM tasks WHERE id > 1") == [
        {"title": "A", "every": "1m", "every_from": "2026-12-10"},
        {"title": "B", "every": None, "every_from": None},
    ]


def test_import_refuses_a_bad_period_and_one_without_a_due_date(cli, tmp_path):
    source = tmp_path / "todo.csv"
    source.write_text("title,due_date,every\nA,2026-12-10,3x\nB,,1w\n", "utf-8")

    result = cli("import", "tasks", str(source))

    assert result.exit_code != 0
    assert result.stderr.splitlines()[:2] == [
        f"line 2, every: Invalid repeat period '3x': {PERIOD_HINT}",
        "line 3, every: A task that repeats needs a due date to count from: give one with --due.",
    ]


def test_the_database_refuses_a_period_it_does_not_know(ok, db_path):
    ok("task", "add", "Report", "--due", "friday", "--every", "1w")
    conn = sqlite3.connect(db_path)
    for change in ("every = '1x'", "every = '0w'", "every = 'w'", "every = '1.5m'",
                   "every_from = NULL", "due_date = NULL"):  # fmt: skip
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(f"UPDATE tasks SET {change} WHERE id = 1")
    conn.close()


def test_an_import_s_new_due_date_starts_the_series_again_and_none_is_refused(
    ok, cli, rows, tmp_path
):
    """A row that gives a due date but no period, for a task that repeats: as `task edit
    --due`, the series starts again from it; no due date is refused."""
    ok("task", "add", "Report", "--due", "friday", "--every", "1w")
    external_id = ok("export", "tasks").stdout.splitlines()[1].split(",")[-1]
    source = tmp_path / "tasks.csv"

    source.write_text(f"title,due_date,external_id\nReport,none,{external_id}\n", "utf-8")
    refused = cli("import", "tasks", str(source), "--upsert")
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[0] == (
        "line 2, due_date: A task that repeats needs a due date to count from: give one with --due."
    )
    source.write_text(f"title,due_date,external_id\nReport,2026-12-02,{external_id}\n", "utf-8")
    ok("import", "tasks", str(source), "--upsert")

    assert open_tasks(rows) == [
        {"id": 1, "title": "Report", "due_date": "2026-12-02", "due_time": None, "every": "1w",
         "every_from": "2026-12-02"}
    ]  # fmt: skip
