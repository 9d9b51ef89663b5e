"""`colibri task add|list|show|done|edit|delete|export` and `colibri agenda`, database reread."""

import datetime as dt
import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from colibri_cli.cli.app import app
from conftest import TODAY

TASKS = "SELECT id, title, due_date, opportunity_id, account_id, done_on, notes FROM tasks"
TASK_COLUMNS = [
    "id",
    "title",
    "due_date",
    "opportunity_id",
    "account_id",
    "done_on",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
    "contact_id",
]
LISTED_TASK_COLUMNS = [
    "id",
    "title",
    "due_date",
    "due_time",
    "every",
    "every_from",
    "opportunity_id",
    "opportunity_name",
    "account_id",
    "account_name",
    "done_on",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
    "contact_id",
    "contact_name",
    "revision",
    "overdue",
]
"""What task listings and records give scripts: the names beside the ids, and whether the
task is overdue."""
DATE_HINT = "use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, +3d, +2w, +1m or eom"


def task(task_id, title, due=None, opportunity_id=None, account_id=None, done_on=None, notes=None):
    return {
        "id": task_id,
        "title": title,
        "due_date": due,
        "opportunity_id": opportunity_id,
        "account_id": account_id,
        "done_on": done_on,
        "notes": notes,
    }


ACCOUNTS = (
    ("account", "add", "ACME Industries"),
    ("account", "add", "Beta Corp"),
    ("opp", "create", "Website redesign", "-a", "1", "--amount", "5k", "--due", "2026-11-30",
     "-s", "quote"),
    ("opp", "create", "Old deal", "-a", "2", "--amount", "5k", "--due", "2026-11-20",
     "-s", "negotiation"),
    ("opp", "create", "Far deal", "-a", "2", "--amount", "5k", "--due", "2026-12-10",
     "-s", "negotiation"),
    ("opp", "create", "Won deal", "-a", "2", "--amount", "5k", "--due", "2026-11-27",
     "-s", "won"),
    ("opp", "edit", "1", "--amount", "15k"),
)  # fmt: skip


def build(tmp_path_factory, commands) -> str:
    """A database made once per module by running `commands`; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "colibri.db"
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLIBRI_DB", str(path))
        patch.setenv("COLIBRI_TODAY", TODAY)
        for command in commands:
            result = runner.invoke(app, list(command))
            assert result.exit_code == 0, result.output
    assert not path.with_name("colibri.db-wal").exists()  # all of it is in the one file
    return str(path)


@pytest.fixture(scope="module")
def accounts_file(tmp_path_factory):
    return build(tmp_path_factory, ACCOUNTS)


@pytest.fixture
def accounts(accounts_file, db_path):
    """ACME Industries (1) with "Website redesign" (opp 1, due 2026-11-30);
    Beta Corp (2) with "Old deal" (opp 2, overdue), "Far deal" (3) and "Won deal" (4)."""
    shutil.copyfile(accounts_file, db_path)


# --- add -------------------------------------------------------------------------------------


def test_add_for_an_opportunity_takes_its_account(accounts, ok, rows):
    result = ok("task", "add", "Send the quote", "--opp", "1", "--due", "friday")

    assert result.stdout == ""
    assert result.stderr == "Added task 1: Send the quote (ACME Industries), due 2026-11-27.\n"
    assert rows(TASKS) == [task(1, "Send the quote", "2026-11-27", 1, 1)]
    [saved] = rows("SELECT created_at, updated_at FROM tasks")
    assert saved["created_at"].startswith(TODAY)
    assert saved["updated_at"] == saved["created_at"]


@pytest.mark.parametrize(
    ("options", "message", "saved"),
    [
        ((), "Added task 1: Call back.", task(1, "Call back")),
        (
            ("--account", "Beta Corp", "--due", "+2w", "--notes", " Ask for Marie "),
            "Added task 1: Call back (Beta Corp), due 2026-12-10.",
            task(1, "Call back", "2026-12-10", None, 2, notes="Ask for Marie"),
        ),
        (
            ("--opp", "Old deal", "--account", "beta"),
            "Added task 1: Call back (Beta Corp).",
            task(1, "Call back", None, 2, 2),
        ),
        (("--due", "none"), "Added task 1: Call back.", task(1, "Call back")),
        (
            ("--due", "31/12/2026"),
            "Added task 1: Call back, due 2026-12-31.",
            task(1, "Call back", "2026-12-31"),
        ),
    ],
)
def test_add_links_and_dates(accounts, ok, rows, options, message, saved):
    result = ok("task", "add", "  Call back ", *options)

    assert result.stderr == message + "\n"
    assert rows(TASKS) == [saved]


def test_add_with_format_json_prints_the_task(accounts, ok, rows):
    result = ok("task", "add", "Call", "--opp", "3", "--format", "json")

    [saved] = rows("SELECT * FROM tasks")
    assert json.loads(result.stdout) == {
        **saved,
        "opportunity_name": "Far deal",
        "account_name": "Beta Corp",
        "contact_name": None,
        "overdue": False,
    }
    assert list(json.loads(result.stdout)) == LISTED_TASK_COLUMNS


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["", "--due", "today"], 2, "The task title cannot be empty."),
        (["  "], 2, "The task title cannot be empty."),
        (["Call", "--due", "someday"], 2, f"Invalid due date 'someday': {DATE_HINT}."),
        (["Call", "--opp", "99"], 3, "No opportunity '99'. See `colibri opp list`."),
        (["Call", "--account", "Zeta"], 3, "No account 'Zeta'. See `colibri account list`."),
        (
            ["Call", "--account", "Beta Crop"],
            3,
            "No account 'Beta Crop'. Did you mean 'Beta Corp'?",
        ),
        (
            ["Call", "--opp", "1", "--account", "Beta Corp"],
            2,
            "Opportunity 1 belongs to another account: give the opportunity alone, "
            "its account goes with it.",
        ),
        ([], 2, "Missing argument 'TITLE'. See 'colibri task add --help'."),
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(accounts, cli, rows, arguments, code, message):
    result = cli("task", "add", *arguments)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows(TASKS) == []


# --- list ------------------------------------------------------------------------------------


AGENDA_TASKS = (
    *ACCOUNTS,
    ("task", "add", "Call Beta", "--account", "Beta Corp", "--due", "2026-11-24"),
    ("task", "add", "Today thing", "--due", "today"),
    ("task", "add", "Send the quote", "--opp", "1", "--due", "tomorrow"),
    ("task", "add", "Week end", "--due", "2026-12-03"),
    ("task", "add", "Day eight", "--due", "2026-12-04"),
    ("task", "add", "Someday"),
    ("task", "add", "Done one", "--due", "2026-11-25"),
    ("task", "done", "7"),
)


@pytest.fixture(scope="module")
def agenda_tasks_file(tmp_path_factory):
    return build(tmp_path_factory, AGENDA_TASKS)


@pytest.fixture
def agenda_tasks(agenda_tasks_file, db_path):
    """Tasks 1-7: overdue, today, tomorrow, in 7 days, in 8 days, undated, done."""
    shutil.copyfile(agenda_tasks_file, db_path)


TASK_HEADER = "ID  Due           Task            Account          Opp.  Done"
TASK_LINES = {
    1: " 1  2026-11-24 !  Call Beta       Beta Corp",
    2: " 2  2026-11-26    Today thing",
    3: " 3  2026-11-27    Send the quote  ACME Industries     1",
    4: " 4  2026-12-03    Week end",
    5: " 5  2026-12-04    Day eight",
    6: " 6                Someday",
}
"""Open tasks; "!" marks the one overdue (not done, due before today)."""
OVERDUE_NOTE = "! after a due date: overdue, due before today and still open.\n"


def test_list_shows_open_tasks_by_due_date_undated_last(agenda_tasks, ok):
    result = ok("task", "list")

    assert result.stderr == OVERDUE_NOTE
    assert result.stdout == "\n".join([TASK_HEADER, *TASK_LINES.values(), ""])


def test_list_marks_no_task_overdue_once_it_is_done(agenda_tasks, ok):
    ok("task", "done", "1")

    result = ok("task", "list", "--all")

    assert result.stderr == ""
    assert result.stdout.splitlines()[:3] == [
        "ID  Due         Task            Account          Opp.  Done",
        f" 1  2026-11-24  Call Beta       Beta Corp              {TODAY}",
        f" 7  2026-11-25  Done one                               {TODAY}",
    ]


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ([], [1, 2, 3, 4, 5, 6]),
        (["--all"], [1, 7, 2, 3, 4, 5, 6]),
        (["--done"], [7]),
        (["--overdue"], [1]),
        (["--today"], [2]),
        (["--week"], [2, 3, 4]),
    ],
)
def test_list_views(agenda_tasks, ok, option, expected):
    result = ok("task", "list", *option, "--format", "json")

    assert [row["id"] for row in json.loads(result.stdout)] == expected


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--account", "Beta"], [1]),
        (["--account", "ACME Industries"], [3]),  # through its deal
        (["--opp", "1"], [3]),
        (["--opp", "Website"], [3]),
        (["--search", "QUOTE"], [3]),
        (["--search", "day"], [2, 5, 6]),  # Today thing, Day eight, Someday
        (["--search", "day", "--week"], [2]),
        (["--search", "done", "--done"], [7]),
        (["--account", "ACME", "--search", "beta"], []),
    ],
)
def test_list_filters_by_account_opportunity_and_text(agenda_tasks, ok, option, expected):
    result = ok("task", "list", *option, "--format", "json")

    assert [row["id"] for row in json.loads(result.stdout)] == expected


def test_list_says_when_no_task_matches_its_filters(agenda_tasks, ok, cli):
    assert ok("task", "list", "--search", "zzz").stderr == "No tasks (open) match these filters.\n"
    assert ok("task", "list", "--account", "Beta", "--done").stderr == (
        "No tasks (done) match these filters.\n"
    )
    unknown = cli("task", "list", "--opp", "99")
    assert (unknown.exit_code, unknown.stdout) == (3, "")
    assert unknown.stderr.startswith("Error: No opportunity '99'.")


@pytest.mark.parametrize("text", ["", "   "])
def test_list_refuses_an_empty_search_that_would_list_everything(agenda_tasks, cli, text):
    result = cli("task", "list", "--search", text, "--done")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Invalid value for '--search': give some text to look for, or leave --search "
        "out. See 'colibri task list --help'.\n"
    )


def test_the_tasks_of_a_deal_in_the_trash_leave_the_lists_until_it_is_restored(
    agenda_tasks, ok, rows
):
    ok("task", "add", "Visit ACME", "--account", "ACME Industries")  # task 8, of no deal
    ok("opp", "delete", "1", "--yes")  # task 3, Send the quote, is deal 1's

    listed = {
        view: [row["id"] for row in json.loads(ok("task", "list", view, "-f", "json").stdout)]
        for view in ("--all", "--week")
    }
    agenda = json.loads(ok("agenda", "-f", "json").stdout)
    card = ok("account", "show", "ACME Industries").stdout
    calendar = ok("task", "export").stdout

    assert listed == {"--all": [1, 7, 2, 4, 5, 6, 8], "--week": [2, 4]}
    assert "Visit ACME" in card
    assert [item["id"] for item in agenda if item["kind"] == "task"] == [1, 2, 4]
    assert "Send the quote" not in card
    [event] = [event for event in calendar.split("BEGIN:VEVENT") if "Send the quote" in event]
    assert "STATUS:CANCELLED" in event  # so that calendars drop it (tests/test_calendar_updates)
    assert rows("SELECT id, opportunity_id FROM tasks WHERE id = 3") == [
        {"id": 3, "opportunity_id": 1}
    ]  # kept

    ok("opp", "restore", "1")

    assert [row["id"] for row in json.loads(ok("task", "list", "-f", "json").stdout)] == [
        1, 2, 3, 4, 5, 6, 8
    ]  # fmt: skip
    assert "Send the quote" in ok("agenda").stdout
    assert "Send the quote" in ok("account", "show", "ACME Industries").stdout


def test_list_done_shows_when_each_was_done(agenda_tasks, ok):
    result = ok("task", "list", "--done")

    assert result.stdout == "\n".join(
        [
            "ID  Due         Task      Account  Opp.  Done",
            f" 7  2026-11-25  Done one                 {TODAY}",
            "",
        ]
    )


def test_list_csv_has_every_column(agenda_tasks, ok, rows):
    result = ok("task", "list", "--overdue", "--format", "csv")

    [saved] = rows("SELECT created_at FROM tasks WHERE id = 1")
    stamp = saved["created_at"]
    assert result.stdout == (
        ",".join(LISTED_TASK_COLUMNS)
        + "\n"
        + f"1,Call Beta,2026-11-24,,,,,,2,Beta Corp,,,,{stamp},{stamp},,,0,true\n"
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ([], "No open tasks. Add one with: colibri task add TITLE --due DATE"),
        (["--done"], "No tasks (done)."),
        (["--overdue"], "No tasks (overdue)."),
        (["--week"], "No tasks (week)."),
    ],
)
def test_an_empty_list_says_so_on_stderr(empty_db, ok, option, message):
    result = ok("task", "list", *option)

    assert result.stdout == ""
    assert result.stderr == message + "\n"


@pytest.mark.parametrize(
    ("options", "named"),
    [(["--all", "--done"], "--all, --done"), (["--today", "--week", "--overdue"], None)],
)
def test_list_refuses_several_views(ok, cli, options, named):
    result = cli("task", "list", *options)

    named = named or "--overdue, --today, --week"
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Invalid value: choose one of {named}, not several. "
        "See 'colibri task list --help'.\n"
    )


# --- show, done, edit, delete ----------------------------------------------------------------


def test_show_is_a_card(agenda_tasks, ok, rows):
    result = ok("task", "show", "3")

    [saved] = rows("SELECT created_at FROM tasks WHERE id = 3")
    stamp = saved["created_at"][:16].replace("T", " ")
    assert result.stdout == "\n".join(
        [
            "ID           3",
            "Task         Send the quote",
            "Due          2026-11-27",
            "Account      ACME Industries",
            "Opportunity  Website redesign",
            f"Created      {stamp}",
            f"Updated      {stamp}",
            "",
        ]
    )


def test_done_marks_the_task_done_today(agenda_tasks, ok, rows):
    result = ok("task", "done", "2")

    assert result.stdout == ""
    assert result.stderr == f"Done: task 2, Today thing ({TODAY}).\n"  # for no deal
    assert rows(f"{TASKS} WHERE id = 2") == [task(2, "Today thing", TODAY, done_on=TODAY)]


NO_NEXT_STEP_LEFT = (
    "Opportunity 1 (Website redesign) has no open task left: no next step. Add one with: "
    "colibri task add 'Next step for Website redesign' --opp 1 --due 2026-12-03\n"
)
"""What a script is told when task 3, the only open task of deal 1, is done."""


def test_done_of_the_last_open_task_of_a_deal_says_how_to_add_the_next(agenda_tasks, ok, rows):
    result = ok("task", "done", "3")

    assert result.stdout == ""
    assert result.stderr == f"Done: task 3, Send the quote ({TODAY}).\n" + NO_NEXT_STEP_LEFT
    assert rows(f"{TASKS} WHERE opportunity_id = 1") == [
        task(3, "Send the quote", "2026-11-27", 1, 1, done_on=TODAY)
    ]


def test_done_with_next_adds_the_next_task_of_the_deal(agenda_tasks, ok, rows):
    result = ok("task", "done", "3", "--next", " Call about the quote ", "--next-due", "friday")

    assert result.stderr == (
        f"Done: task 3, Send the quote ({TODAY}).\n"
        "Added task 8: Call about the quote (ACME Industries), due 2026-11-27.\n"
    )
    assert rows(f"{TASKS} WHERE opportunity_id = 1") == [
        task(3, "Send the quote", "2026-11-27", 1, 1, done_on=TODAY),
        task(8, "Call about the quote", "2026-11-27", 1, 1),
    ]


def test_done_with_next_due_alone_takes_the_proposed_title(agenda_tasks, ok, rows):
    ok("task", "done", "3", "--next-due", "+2w")

    assert rows(f"{TASKS} WHERE id = 8") == [
        task(8, "Next step for Website redesign", "2026-12-10", 1, 1)
    ]


def test_done_with_next_adds_it_even_when_the_deal_has_another_open_task(agenda_tasks, ok, rows):
    ok("task", "add", "Prepare the demo", "--opp", "1")  # task 8

    result = ok("task", "done", "3", "--next", "Send the contract")

    assert result.stderr.endswith(
        "Added task 9: Send the contract (ACME Industries), due 2026-12-03.\n"
    )
    assert [
        row["title"] for row in rows(f"{TASKS} WHERE done_on IS NULL AND opportunity_id = 1")
    ] == [
        "Prepare the demo",
        "Send the contract",
    ]


def test_done_with_no_next_leaves_the_deal_without_a_next_step_quietly(agenda_tasks, ok, rows):
    result = ok("task", "done", "3", "--no-next")

    assert result.stderr == f"Done: task 3, Send the quote ({TODAY}).\n"
    assert rows(f"{TASKS} WHERE done_on IS NULL AND opportunity_id = 1") == []
    listed = json.loads(ok("opp", "list", "--no-next-step", "--format", "json").stdout)
    assert [deal["id"] for deal in listed] == [2, 1, 3]


@pytest.mark.parametrize(
    "setup",
    [
        [("task", "add", "Prepare the demo", "--opp", "1")],  # another open task: a next step
        [("opp", "status", "1", "won", "--no-follow-up")],  # closed: it needs none
        [("opp", "delete", "1", "--yes")],  # in the trash
    ],
    ids=["another open task", "closed deal", "deal in the trash"],
)
def test_done_says_nothing_of_a_next_step_a_deal_does_not_need(agenda_tasks, ok, rows, setup):
    for command in setup:
        ok(*command)
    before = len(rows(TASKS))

    result = ok("task", "done", "3")

    assert result.stderr == f"Done: task 3, Send the quote ({TODAY}).\n"
    assert len(rows(TASKS)) == before


def test_done_with_format_json_has_the_task_done_and_the_next(agenda_tasks, ok, rows):
    result = ok("task", "done", "3", "--next", "Call back", "--format", "json")

    done_task, next_task = json.loads(result.stdout)
    assert (done_task["id"], done_task["done_on"]) == (3, TODAY)
    assert {key: next_task[key] for key in ("id", "title", "due_date", "opportunity_id")} == {
        "id": 8,
        "title": "Call back",
        "due_date": "2026-12-03",
        "opportunity_id": 1,
    }
    assert list(next_task) == LISTED_TASK_COLUMNS
    [saved] = rows("SELECT * FROM tasks WHERE id = 8")
    assert {key: next_task[key] for key in saved} == saved


@pytest.mark.parametrize("output", ["json", "csv"])
def test_done_with_format_prints_the_tasks_it_wrote(agenda_tasks, ok, rows, output):
    result = ok("task", "done", "1", "--format", output)

    assert result.stderr == f"Done: task 1, Call Beta ({TODAY}).\n"
    [saved] = rows("SELECT * FROM tasks WHERE id = 1")
    assert saved["done_on"] == TODAY
    written = {
        **saved,
        "opportunity_name": None,
        "account_name": "Beta Corp",
        "contact_name": None,
        "overdue": False,
    }
    if output == "json":
        assert json.loads(result.stdout) == [written]  # done, so no longer overdue
        assert list(json.loads(result.stdout)[0]) == LISTED_TASK_COLUMNS
    else:
        assert result.stdout == (
            ",".join(LISTED_TASK_COLUMNS) + "\n"
            f"1,Call Beta,2026-11-24,,,,,,2,Beta Corp,{TODAY},,,{saved['created_at']},"
            f"{saved['updated_at']},,,1,false\n"
        )


def test_list_json_says_which_tasks_are_overdue(agenda_tasks, ok):
    listed = json.loads(ok("task", "list", "--all", "--format", "json").stdout)

    assert {row["id"]: row["overdue"] for row in listed} == {
        1: True,  # due 2026-11-24, not done
        2: False,  # due today
        3: False,
        4: False,
        5: False,
        6: False,  # no due date
        7: False,  # done
    }
    assert [row["account_name"] for row in listed if row["id"] in (1, 3)] == [
        "Beta Corp",
        "ACME Industries",
    ]


def test_done_on_a_past_date(agenda_tasks, ok, rows):
    ok("task", "done", "1", "--on", "yesterday")

    assert rows("SELECT done_on FROM tasks WHERE id = 1") == [{"done_on": "2026-11-25"}]


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["7"], 4, f"Task 7 was already done on {TODAY}."),
        (["7", "--format", "json"], 4, f"Task 7 was already done on {TODAY}."),
        (["99"], 3, "No task '99'. See `colibri task list --all`."),
        (["abc"], 3, "No task 'abc'. See `colibri task list --all`."),
        (["-1"], 2, "No such option: -1. See 'colibri task done --help'."),
        (["1", "--on", "someday"], 2, f"Invalid done date 'someday': {DATE_HINT}."),
        (
            ["1", "--on", "tomorrow"],
            2,
            "The done date 2026-11-27 is in the future: mark it done when it is.",
        ),
        (
            ["3", "--no-next", "--next", "Call"],
            2,
            "Invalid value: --no-next excludes --next and --next-due. "
            "See 'colibri task done --help'.",
        ),
        (
            ["3", "--no-next", "--next-due", "friday"],
            2,
            "Invalid value: --no-next excludes --next and --next-due. "
            "See 'colibri task done --help'.",
        ),
        (
            ["3", "--next", "  "],
            2,
            "The next task's title cannot be empty: give one, or pass --no-next.",
        ),
        (["3", "--next-due", "someday"], 2, f"Invalid next task due date 'someday': {DATE_HINT}."),
        (
            ["1", "--next", "Call"],
            2,
            "--next, --next-due and --no-next go with a task of an open deal; task 1 is not.",
        ),
        (
            ["1", "--no-next"],
            2,
            "--next, --next-due and --no-next go with a task of an open deal; task 1 is not.",
        ),
        (["7", "--next", "Call"], 4, f"Task 7 was already done on {TODAY}."),
    ],
)
def test_done_refuses_bad_input(agenda_tasks, cli, rows, arguments, code, message):
    before = rows(TASKS)

    result = cli("task", "done", *arguments)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows(TASKS) == before


@pytest.mark.parametrize(
    ("options", "message", "saved"),
    [
        (
            ["--title", "Send the new quote"],
            "Updated task 3: Send the new quote (ACME Industries), due 2026-11-27.",
            task(3, "Send the new quote", "2026-11-27", 1, 1),
        ),
        (
            ["--due", "none"],
            "Updated task 3: Send the quote (ACME Industries).",
            task(3, "Send the quote", None, 1, 1),
        ),
        (
            ["--due", ""],
            "Updated task 3: Send the quote (ACME Industries).",
            task(3, "Send the quote", None, 1, 1),
        ),
        (
            ["--due", "+1w", "--notes", "Ask Marie"],
            "Updated task 3: Send the quote (ACME Industries), due 2026-12-03.",
            task(3, "Send the quote", "2026-12-03", 1, 1, notes="Ask Marie"),
        ),
        (
            ["--opp", "Old deal"],
            "Updated task 3: Send the quote (Beta Corp), due 2026-11-27.",
            task(3, "Send the quote", "2026-11-27", 2, 2),
        ),
        (
            ["--account", "ACME Industries"],
            "Updated task 3: Send the quote (ACME Industries), due 2026-11-27.",
            task(3, "Send the quote", "2026-11-27", 1, 1),
        ),
    ],
)
def test_edit_changes_a_task(agenda_tasks, ok, rows, options, message, saved):
    result = ok("task", "edit", "3", *options)

    assert result.stderr == message + "\n"
    assert rows(f"{TASKS} WHERE id = 3") == [saved]


def test_edit_reopens_a_done_task(agenda_tasks, ok, rows):
    result = ok("task", "edit", "7", "--reopen")

    assert result.stderr == "Updated task 7: Done one, due 2026-11-25.\n"
    assert rows(f"{TASKS} WHERE id = 7") == [task(7, "Done one", "2026-11-25")]


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (
            ["3"],
            2,
            "Invalid value: give at least one change, e.g. --due +1w. "
            "See 'colibri task edit --help'.",
        ),
        (["99", "--title", "x"], 3, "No task '99'. See `colibri task list --all`."),
        (["3", "--title", " "], 2, "The task title cannot be empty."),
        (["3", "--due", "never"], 2, f"Invalid due date 'never': {DATE_HINT}."),
        (["3", "--opp", "42"], 3, "No opportunity '42'. See `colibri opp list`."),
        (
            ["3", "--account", "Beta Corp"],
            2,
            "Opportunity 1 belongs to another account: give the opportunity alone, "
            "its account goes with it.",
        ),
    ],
)
def test_edit_refuses_bad_input_and_changes_nothing(
    agenda_tasks, cli, rows, arguments, code, message
):
    before = rows("SELECT * FROM tasks")

    result = cli("task", "edit", *arguments)

    assert result.exit_code == code
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM tasks") == before


def test_delete_with_yes(agenda_tasks, ok, rows):
    result = ok("task", "delete", "3", "--yes")

    assert result.stdout == ""
    assert result.stderr == "Deleted task 3: Send the quote.\n"
    assert [row["id"] for row in rows("SELECT id FROM tasks ORDER BY id")] == [1, 2, 4, 5, 6, 7]


def test_delete_without_yes_off_a_terminal_deletes_nothing(agenda_tasks, cli, rows):
    result = cli("task", "delete", "3")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Delete task 3: Send the quote? Not on a terminal: pass --yes to confirm.\n"
    )
    assert len(rows("SELECT id FROM tasks")) == 7


def test_delete_of_an_unknown_task_is_not_found(agenda_tasks, cli, rows):
    result = cli("task", "delete", "70", "--yes")

    assert result.exit_code == 3
    assert result.stderr == "Error: No task '70'. See `colibri task list --all`.\n"
    assert len(rows("SELECT id FROM tasks")) == 7


# --- agenda ----------------------------------------------------------------------------------


def test_agenda_shows_overdue_today_and_the_next_7_days_tasks_and_deals(agenda_tasks, ok):
    result = ok("agenda")

    assert result.stderr == OVERDUE_NOTE
    assert result.stdout == "\n".join(  # the parts of one table: the same columns in each
        [
            "Overdue (2)",
            "Due           What  ID  Title             Account              Amount",
            "2026-11-20 !  deal   2  Old deal          Beta Corp         5,000 EUR",
            "2026-11-24 !  task   1  Call Beta         Beta Corp",
            "",
            "Today (1)",
            "Due           What  ID  Title             Account              Amount",
            "2026-11-26    task   2  Today thing",
            "",
            "Next 7 days (3)",
            "Due           What  ID  Title             Account              Amount",
            "2026-11-27    task   3  Send the quote    ACME Industries",
            "2026-11-30    deal   1  Website redesign  ACME Industries  15,000 EUR",
            "2026-12-03    task   4  Week end",
            "",
            "No next step: 2 deals (10,000 EUR)",  # #2 and #3: no task; #1 has task 3
            "",
        ]
    )


@pytest.mark.parametrize("width", ["60", "80", "100"])
def test_agenda_sections_line_up_on_any_terminal_width(agenda_tasks, cli, width):
    result = cli("agenda", env={"COLUMNS": width})

    lines = result.stdout.splitlines()
    sections = [
        index for index, line in enumerate(lines[:-1]) if line.endswith(")")
    ]  # not the last line: the deals without a next step, counted
    headers = [lines[index + 1] for index in sections]
    assert len(headers) == 3
    assert len(set(headers)) == 1  # one set of columns, of the same widths, in every section
    assert headers[0].split() == ["Due", "What", "ID", "Title", "Account", "Amount"]
    assert max(len(line) for line in lines) <= int(width)


def test_agenda_days_widens_the_window(agenda_tasks, ok):
    result = ok("agenda", "--days", "14", "--format", "json")

    assert [(item["section"], item["kind"], item["id"]) for item in json.loads(result.stdout)] == [
        ("overdue", "opportunity", 2),
        ("overdue", "task", 1),
        ("today", "task", 2),
        ("upcoming", "task", 3),
        ("upcoming", "opportunity", 1),
        ("upcoming", "task", 4),
        ("upcoming", "task", 5),
        ("upcoming", "opportunity", 3),
        ("no_next_step", "opportunity", 2),
        ("no_next_step", "opportunity", 3),
    ]


def test_agenda_json_is_exact(agenda_tasks, ok):
    result = ok("agenda", "--days", "1", "--format", "json")

    assert result.stdout == (
        "[\n"
        '  {"section": "overdue", "kind": "opportunity", "id": 2, "due_date": "2026-11-20", '
        '"due_time": null, '
        '"title": "Old deal", "account_id": 2, "account_name": "Beta Corp", "opportunity_id": 2, '
        '"opportunity_name": "Old deal", "amount": 5000, "currency": "EUR", '
        '"status": "negotiation", "effective_probability": 70, "weighted_amount": 3500, '
        '"overdue": true},\n'
        '  {"section": "overdue", "kind": "task", "id": 1, "due_date": "2026-11-24", '
        '"due_time": null, '
        '"title": "Call Beta", "account_id": 2, "account_name": "Beta Corp", '
        '"opportunity_id": null, "opportunity_name": null, "amount": null, "currency": null, '
        '"status": null, "effective_probability": null, "weighted_amount": null, '
        '"overdue": true},\n'
        '  {"section": "today", "kind": "task", "id": 2, "due_date": "2026-11-26", '
        '"due_time": null, '
        '"title": "Today thing", "account_id": null, "account_name": null, '
        '"opportunity_id": null, "opportunity_name": null, "amount": null, "currency": null, '
        '"status": null, "effective_probability": null, "weighted_amount": null, '
        '"overdue": false},\n'
        '  {"section": "upcoming", "kind": "task", "id": 3, "due_date": "2026-11-27", '
        '"due_time": null, '
        '"title": "Send the quote", "account_id": 1, "account_name": "ACME Industries", '
        '"opportunity_id": 1, "opportunity_name": "Website redesign", "amount": null, '
        '"currency": null, "status": null, "effective_probability": null, '
        '"weighted_amount": null, "overdue": false},\n'
        '  {"section": "no_next_step", "kind": "opportunity", "id": 2, "due_date": "2026-11-20", '
        '"due_time": null, '
        '"title": "Old deal", "account_id": 2, "account_name": "Beta Corp", "opportunity_id": 2, '
        '"opportunity_name": "Old deal", "amount": 5000, "currency": "EUR", '
        '"status": "negotiation", "effective_probability": 70, "weighted_amount": 3500, '
        '"overdue": true},\n'
        '  {"section": "no_next_step", "kind": "opportunity", "id": 3, "due_date": "2026-12-10", '
        '"due_time": null, '
        '"title": "Far deal", "account_id": 2, "account_name": "Beta Corp", "opportunity_id": 3, '
        '"opportunity_name": "Far deal", "amount": 5000, "currency": "EUR", '
        '"status": "negotiation", "effective_probability": 70, "weighted_amount": 3500, '
        '"overdue": false}\n'
        "]\n"
    )


def test_agenda_leaves_out_done_tasks_and_closed_deals(agenda_tasks, ok):
    ok("task", "done", "1")
    ok("opp", "status", "2", "lost", "--no-follow-up")

    result = ok("agenda", "--days", "1")

    assert result.stderr == ""  # nothing overdue, nothing to explain
    assert result.stdout == "\n".join(
        [
            "Today (1)",
            "Due         What  ID  Title           Account          Amount",
            "2026-11-26  task   2  Today thing",
            "",
            "Next 1 day (1)",
            "Due         What  ID  Title           Account          Amount",
            "2026-11-27  task   3  Send the quote  ACME Industries",
            "",
            "No next step: 1 deal (5,000 EUR)",  # #3; #2 is lost
            "",
        ]
    )


FAR_DEALS = (
    ("account", "add", "ACME Industries"),
    ("opp", "create", "Far", "-a", "1", "--amount", "2k", "--due", "2027-03-01", "-s", "quote"),
    ("opp", "create", "Later", "-a", "1", "--amount", "3k", "--due", "2027-04-01", "-s", "quote"),
    ("opp", "create", "Trashed", "-a", "1", "--amount", "4k", "--due", "2027-05-01",
     "-s", "quote"),
    ("opp", "delete", "3", "--yes"),  # in the trash: never counted
)  # fmt: skip
"""Three deals due after the agenda's days, one of them in the trash."""


@pytest.fixture
def far_deals(empty_db, ok):
    for command in FAR_DEALS:
        ok(*command)


def test_agenda_counts_the_deals_without_a_next_step_when_nothing_is_due(far_deals, ok, rows):
    ok("task", "add", "Call ACME", "--opp", "2", "--due", "2027-01-15")  # not due this week

    result = ok("agenda")

    assert result.stderr == f"Nothing overdue or due in the next 7 days ({TODAY}).\n"
    assert result.stdout == "No next step: 1 deal (2,000 EUR)\n"  # #1; #2 has task 1
    [deal] = json.loads(ok("agenda", "-f", "json").stdout)
    assert (deal["section"], deal["id"], deal["amount"], deal["overdue"]) == (
        "no_next_step",
        1,
        2000,
        False,
    )
    assert rows("SELECT opportunity_id, done_on FROM tasks") == [
        {"opportunity_id": 2, "done_on": None}
    ]


def test_agenda_with_a_next_step_for_every_open_deal_says_nothing_of_it(far_deals, ok):
    for deal in ("1", "2"):
        ok("task", "add", "Next", "--opp", deal, "--due", "2027-01-15")

    result = ok("agenda")

    assert (result.stdout, result.stderr) == (
        "",
        f"Nothing overdue or due in the next 7 days ({TODAY}).\n",
    )


def test_an_empty_agenda_says_so(empty_db, ok):
    result = ok("agenda")

    assert result.stdout == ""
    assert result.stderr == f"Nothing overdue or due in the next 7 days ({TODAY}).\n"


@pytest.mark.parametrize("days", ["0", "367", "x"])
def test_agenda_refuses_a_bad_number_of_days(cli, days):
    result = cli("agenda", "--days", days)

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--days': ")


# --- export to iCalendar ---------------------------------------------------------------------

LONG_TITLE = "Prepare the renewal, quote; terms \\ conditions for the whole ACME Industries group"
DTSTAMP = re.compile(r"DTSTAMP:\d{8}T\d{6}Z")


def uid(rows, task_id: int) -> str:
    [saved] = rows("SELECT created_at FROM tasks WHERE id = ?", (task_id,))
    return f"task-{task_id}-{re.sub(r'[^0-9]', '', saved['created_at'])}@colibri"


@pytest.fixture
def calendar_tasks(accounts, ok):
    """Task 1 with a long title to fold and escape, task 2 undated, task 3 done, task 4 with
    a multi-line note and non-ASCII text, task 5 undated."""
    ok("task", "add", LONG_TITLE, "--opp", "1", "--due", "2026-12-03")
    ok("task", "add", "No date")
    ok("task", "add", "Finished", "--due", "2026-11-25")
    ok("task", "done", "3")
    ok("task", "add", "Réunion, café", "--account", "2", "--due", "2026-12-31", "--notes", "a\nb")
    ok("task", "add", "No date either")


def expected_calendar(rows) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//colibri//colibri 0.1.0//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:colibri tasks",
        "BEGIN:VEVENT",
        f"UID:{uid(rows, 1)}",
        "DTSTAMP:*",
        "DTSTART;VALUE=DATE:20261203",
        "DTEND;VALUE=DATE:20261204",
        "SEQUENCE:0",
        # 75 octets, then the rest on a line that starts with a space.
        "SUMMARY:Prepare the renewal\\, quote\\; terms \\\\ conditions for the whole ACM",
        " E Industries group",
        "DESCRIPTION:ACME Industries · Website redesign",
        "END:VEVENT",
        "BEGIN:VEVENT",
        f"UID:{uid(rows, 4)}",
        "DTSTAMP:*",
        "DTSTART;VALUE=DATE:20261231",
        "DTEND;VALUE=DATE:20270101",
        "SEQUENCE:0",
        "SUMMARY:Réunion\\, café",
        "DESCRIPTION:Beta Corp · a\\nb",
        "END:VEVENT",
        "BEGIN:VEVENT",  # task 3, done today: cancelled
        f"UID:{uid(rows, 3)}",
        "DTSTAMP:*",
        "DTSTART;VALUE=DATE:20261125",
        "DTEND;VALUE=DATE:20261126",
        "SEQUENCE:1",
        "STATUS:CANCELLED",
        "SUMMARY:Finished",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(line + "\r\n" for line in lines)


def masked(text: str) -> str:
    return DTSTAMP.sub("DTSTAMP:*", text)


def test_export_writes_one_all_day_event_per_dated_open_task(calendar_tasks, ok, rows):
    result = ok("task", "export", "--format", "ics")

    assert masked(result.stdout_bytes.decode()) == expected_calendar(rows)
    assert result.stderr == "Left out 2 open tasks without a due date.\n"


def test_export_lines_end_in_crlf_and_fold_at_75_octets(calendar_tasks, ok):
    data = ok("task", "export").stdout_bytes

    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) == 75
    assert [line for line in lines if line.startswith(b" ")] == [b" E Industries group"]
    assert data.count(b"BEGIN:VEVENT") == data.count(b"END:VEVENT") == 3
    assert len(DTSTAMP.findall(data.decode())) == 3


def test_the_calendar_is_stamped_on_colibris_day(accounts, ok):
    """DTSTAMP says when the file was made, by colibri's clock: COLIBRI_TODAY's day."""
    ok("task", "add", "Call Beta", "--account", "Beta", "--due", "2026-12-01")
    data = ok("task", "export").stdout

    [stamp] = re.findall(r"DTSTAMP:(\d{8}T\d{6}Z)", data)
    made = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert made.astimezone().date().isoformat() == TODAY


def test_folding_never_splits_a_character(accounts, ok):
    ok("task", "add", "é" * 60, "--due", "2026-12-01")

    lines = ok("task", "export").stdout_bytes.split(b"\r\n")

    summary = next(line for line in lines if line.startswith(b"SUMMARY:"))
    index = lines.index(summary)
    folded = [summary, *(line for line in lines[index + 1 :] if line.startswith(b" "))]
    assert [len(line) for line in folded] == [74, 55]
    assert b"".join(line.removeprefix(b" ") for line in folded).decode() == "SUMMARY:" + "é" * 60


def test_export_to_a_file(calendar_tasks, ok, rows, tmp_path):
    target = tmp_path / "tasks.ics"

    result = ok("task", "export", "-o", str(target))

    assert result.stdout == ""
    assert result.stderr == (
        f"Wrote 2 tasks and 1 cancelled event to {target}.\n"
        "Left out 2 open tasks without a due date.\n"
    )
    assert masked(target.read_bytes().decode()) == expected_calendar(rows)
    assert target.stat().st_mode & 0o777 == 0o600  # customer data: private, like the database


def test_export_to_a_file_counts_the_cancelled_events_in_french(calendar_tasks, ok, tmp_path,
                                                                 monkeypatch):  # fmt: skip
    target = tmp_path / "tasks.ics"
    ok("task", "delete", "1", "--yes")
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    result = ok("task", "export", "-o", str(target))

    assert result.stderr == (
        f"Écrit dans {target} : 1 tâche et 2 événements annulés.\n"
        "Hors export : 2 tâches ouvertes sans échéance.\n"
    )
    assert target.read_text(encoding="utf-8").count("STATUS:CANCELLED") == 2


def test_a_calendar_on_stdout_is_utf8_whatever_the_locale(calendar_tasks, ok, tmp_path):
    import subprocess
    import sys

    target = tmp_path / "tasks.ics"
    ok("task", "export", "-o", str(target))
    env = {"COLIBRI_DB": str(tmp_path / "colibri.db"), "COLIBRI_TODAY": "2026-11-26",
           "PYTHONIOENCODING": "ascii", "PATH": "/usr/bin:/bin"}  # fmt: skip

    done = subprocess.run(
        [sys.executable, "-m", "colibri_cli", "task", "export", "-o", "-"],
        env=env, capture_output=True, check=True,
    )  # fmt: skip

    def stable(data: bytes) -> list[bytes]:
        return [line for line in data.split(b"\r\n") if not line.startswith(b"DTSTAMP")]

    assert stable(done.stdout) == stable(target.read_bytes())
    assert done.stderr == b"Left out 2 open tasks without a due date.\n"


def test_export_of_no_task_is_an_empty_calendar(empty_db, ok, tmp_path):
    target = tmp_path / "empty.ics"

    result = ok("task", "export", "--output", str(target))

    assert result.stderr == f"Wrote 0 tasks to {target}.\n"
    assert target.read_bytes() == (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//colibri//colibri 0.1.0//EN\r\n"
        b"CALSCALE:GREGORIAN\r\nX-WR-CALNAME:colibri tasks\r\nEND:VCALENDAR\r\n"
    )


def test_export_refuses_a_place_it_cannot_write(empty_db, ok, cli, tmp_path):
    target = tmp_path / "missing" / "tasks.ics"

    result = cli("task", "export", "-o", str(target))

    assert result.exit_code == 2
    assert result.stderr == f"Error: Cannot write {target}: No such file or directory.\n"
    assert not target.exists()


def test_export_knows_only_ics(cli):
    result = cli("task", "export", "--format", "csv")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Invalid value for '--format' / '-f': 'csv' is not one of 'ics'. "
        "See 'colibri task export --help'.\n"
    )


def test_agenda_section_counts_have_thousands_separators(ok, cli):
    ok("account", "add", "ACME")
    tasks = "title,due_date,account\n" + "".join(
        f"Call {number},2026-11-20,ACME\n" for number in range(1, 1002)
    )
    ok("import", "tasks", "-", input=tasks)
    assert cli("agenda").stdout.splitlines()[0] == "Overdue (1,001)"
    french = cli("agenda", env={"COLIBRI_LANG": "fr"}).stdout.splitlines()[0]
    assert french == "En retard (1\u202f001)"  # a narrow no-break space, as every French figure


# --- snooze ------------------------------------------------------------------------------------


def test_snooze_puts_an_open_task_off(agenda_tasks, ok, rows):
    result = ok("task", "snooze", "1", "+1w")

    assert result.stderr == "Put off task 1: Call Beta (Beta Corp), due 2026-12-03.\n"
    assert rows("SELECT due_date, done_on FROM tasks WHERE id = 1") == [
        {"due_date": "2026-12-03", "done_on": None}
    ]
    ok("task", "snooze", "6", "today")  # an undated task gets its day
    assert rows("SELECT due_date FROM tasks WHERE id = 6") == [{"due_date": TODAY}]
    written = json.loads(ok("task", "snooze", "2", "monday", "-f", "json").stdout)
    assert (written["id"], written["due_date"], written["overdue"]) == (2, "2026-11-30", False)


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["1", "2026-11-25"], 2, "2026-11-25 is past: a task is put off until today or later."),
        (["1", "yesterday"], 2, "2026-11-25 is past: a task is put off until today or later."),
        (["7", "+1w"], 4, "Task 7 was done on 2026-11-26: there is nothing to put off."),
        (["1", "someday"], 2, "Invalid snooze date 'someday': "),
        (["99", "+1w"], 3, "No task '99'."),
        (["1"], 2, "Missing argument 'DATE'."),
    ],
)
def test_snooze_refuses_what_would_not_be_a_snooze(agenda_tasks, cli, rows, arguments, code,
                                                   message):  # fmt: skip
    before = rows("SELECT * FROM tasks")

    result = cli("task", "snooze", *arguments)

    assert (result.exit_code, result.stdout) == (code, "")
    assert result.stderr.startswith("Error: " + message)
    assert rows("SELECT * FROM tasks") == before


def test_snooze_in_french(agenda_tasks, ok, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    assert ok("task", "snooze", "1", "+1s").stderr == (
        "Tâche 1 reportée : Call Beta (Beta Corp), échéance 2026-12-03.\n"
    )
