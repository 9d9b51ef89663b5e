"""`colibri opp status`: history, closing and reopening, and the follow-up task at a close.

Off a terminal (as under CliRunner) nothing is ever asked: the follow-up is answered by
--follow-up / --no-follow-up, or reported as not scheduled with the command that adds it.
The prompts themselves are driven on a real terminal in test_interactive.py.
"""

import json
import shlex

import pytest

from conftest import TODAY

HISTORY = (
    "SELECT status, amount, due_date, probability, currency FROM opportunity_history "
    "WHERE opportunity_id = 1 ORDER BY id"
)
CLOSING = "SELECT status, closed_on, close_reason FROM opportunities WHERE id = 1"
TASKS = "SELECT id, title, due_date, opportunity_id, account_id, done_on, notes FROM tasks"


def state(status: str) -> dict:
    return {
        "status": status,
        "amount": 15000,
        "due_date": "2026-12-31",
        "probability": None,
        "currency": "EUR",
    }


@pytest.fixture
def deal(ok):
    """Opportunity 1, "Website redesign" at ACME Industries, quote, created on 2026-11-01."""
    ok("account", "add", "ACME Industries")
    ok(
        "opp",
        "create",
        "Website redesign",
        "--account",
        "ACME Industries",
        "--amount",
        "15000",
        "--due",
        "2026-12-31",
        "--status",
        "quote",
        "--created-on",
        "2026-11-01",
    )


def task(title: str, due: str, task_id: int = 1) -> dict:
    return {
        "id": task_id,
        "title": title,
        "due_date": due,
        "opportunity_id": 1,
        "account_id": 1,
        "done_on": None,
        "notes": None,
    }


def unchanged(rows) -> bool:
    return (
        rows(CLOSING) == [{"status": "quote", "closed_on": None, "close_reason": None}]
        and rows(HISTORY) == [state("quote")]
        and rows(TASKS) == []
    )


# --- moving between open statuses ----------------------------------------------------------


def test_moving_to_another_open_status_writes_one_history_row(deal, ok, rows):
    result = ok("opp", "status", "1", "négo")

    assert result.stdout == ""
    assert result.stderr == "Opportunity 1 (Website redesign): quote -> negotiation.\n"
    assert rows(CLOSING) == [{"status": "negotiation", "closed_on": None, "close_reason": None}]
    assert rows(HISTORY) == [state("quote"), state("negotiation")]
    [_, moved] = rows("SELECT changed_at FROM opportunity_history ORDER BY id")
    [saved] = rows("SELECT updated_at FROM opportunities")
    assert moved["changed_at"] == saved["updated_at"]
    assert moved["changed_at"].startswith(TODAY)
    assert rows(TASKS) == []


def test_the_opportunity_can_be_named_instead_of_its_id(deal, ok, rows):
    ok("opp", "status", "Website redesign", "analysis")

    assert rows(CLOSING)[0]["status"] == "analysis"


def test_moving_while_past_due_warns(deal, ok):
    ok("opp", "edit", "1", "--due", "2026-11-20")

    result = ok("opp", "status", "1", "negotiation")

    assert result.stderr == (
        "Warning: Opportunity 1 is open but was due on 2026-11-20: set a new due date or "
        "close it.\n"
        "Opportunity 1 (Website redesign): quote -> negotiation.\n"
    )


# --- closing off a terminal: the follow-up is never waited for ----------------------------------


@pytest.mark.parametrize(
    ("status", "key", "title"),
    [
        ("won", "won", "Check in with ACME Industries for a new order"),
        ("gagnée", "won", "Check in with ACME Industries for a new order"),
        ("lost", "lost", "Ask ACME Industries what would win the next deal"),
        ("perdu", "lost", "Ask ACME Industries what would win the next deal"),
        ("cancelled", "cancelled", "Ask ACME Industries whether the project is back on"),
        ("annulé", "cancelled", "Ask ACME Industries whether the project is back on"),
    ],
)
def test_closing_without_a_terminal_says_no_follow_up_was_scheduled_and_how_to_add_one(
    deal, ok, rows, status, key, title
):
    result = ok("opp", "status", "1", status)

    assert result.stdout == ""
    assert result.stderr == (
        f"Opportunity 1 (Website redesign): quote -> {key}, closed on {TODAY}.\n"
        "No follow-up task was scheduled. Add one with: "
        f"colibri task add '{title}' --opp 1 --due 2027-02-26\n"
    )
    assert rows(CLOSING) == [{"status": key, "closed_on": TODAY, "close_reason": None}]
    assert rows(HISTORY) == [state("quote"), state(key)]
    assert rows(TASKS) == []


def test_the_suggested_command_schedules_the_follow_up(ok, rows):
    ok("account", "add", "O'Brien & Co")
    ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", "eoy", "--status", "quote")
    result = ok("opp", "status", "1", "lost")
    suggested = result.stderr.splitlines()[-1].split("Add one with: ", 1)[1]
    assert suggested == (
        "colibri task add 'Ask O'\"'\"'Brien & Co what would win the next deal' "
        "--opp 1 --due 2027-02-26"
    )

    program, *arguments = shlex.split(suggested)
    added = ok(*arguments)

    assert program == "colibri"
    assert added.stderr == (
        "Added task 1: Ask O'Brien & Co what would win the next deal (O'Brien & Co), "
        "due 2027-02-26.\n"
    )
    assert rows(TASKS) == [task("Ask O'Brien & Co what would win the next deal", "2027-02-26")]


def test_closing_with_a_reason_and_a_past_date(deal, ok, rows):
    result = ok("opp", "status", "1", "lost", "--on", "2026-11-10", "--reason", " Too expensive ")

    assert result.stderr == (
        "Opportunity 1 (Website redesign): quote -> lost, closed on 2026-11-10.\n"
        "No follow-up task was scheduled. Add one with: colibri task add "
        "'Ask ACME Industries what would win the next deal' --opp 1 --due 2027-02-26\n"
    )
    assert rows(CLOSING) == [
        {"status": "lost", "closed_on": "2026-11-10", "close_reason": "Too expensive"}
    ]
    assert rows(HISTORY) == [state("quote"), state("lost")]


@pytest.mark.parametrize(
    ("on", "closed_on"),
    [("2026-11-01", "2026-11-01"), ("yesterday", "2026-11-25"), ("20/11/2026", "2026-11-20")],
)
def test_on_takes_any_date_form_from_the_creation_day_to_today(deal, ok, rows, on, closed_on):
    ok("opp", "status", "1", "won", "--on", on, "--no-follow-up")

    assert rows(CLOSING)[0]["closed_on"] == closed_on


# --- closing with the follow-up given as options -----------------------------------------------


def test_follow_up_and_its_due_date_schedule_the_task_in_the_same_command(deal, ok, rows):
    result = ok(
        "opp",
        "status",
        "1",
        "won",
        "--reason",
        "Best offer",
        "--follow-up",
        "Propose maintenance",
        "--follow-up-due",
        "+2w",
    )

    assert result.stdout == ""
    assert result.stderr == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Follow-up task 1 due 2026-12-10: Propose maintenance\n"
    )
    assert rows(CLOSING) == [{"status": "won", "closed_on": TODAY, "close_reason": "Best offer"}]
    assert rows(HISTORY) == [state("quote"), state("won")]
    assert rows(TASKS) == [task("Propose maintenance", "2026-12-10")]


def test_status_with_format_json_prints_the_opportunity_and_its_follow_up_task(deal, ok, rows):
    result = ok(
        "opp", "status", "1", "won", "--reason", "Best offer", "--follow-up", "Propose maintenance",
        "--follow-up-due", "+2w", "--format", "json",
    )  # fmt: skip

    written = json.loads(result.stdout)
    assert result.stderr == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Follow-up task 1 due 2026-12-10: Propose maintenance\n"
    )
    [stored] = rows("SELECT * FROM opportunities")
    assert stored.pop("deleted_at") is None  # not given to scripts
    follow_up = written.pop("follow_up")
    assert {key: written[key] for key in stored} == stored
    assert (written["status_label"], written["effective_probability"]) == ("Won", 100)
    assert (written["weighted_amount"], written["overdue"]) == (15000, False)
    [stored_task] = rows("SELECT * FROM tasks")
    assert follow_up == {
        **stored_task,
        "opportunity_name": "Website redesign",
        "account_name": "ACME Industries",
        "contact_name": None,
        "overdue": False,
    }


@pytest.mark.parametrize("arguments", [["negotiation"], ["lost", "--no-follow-up"], ["cancelled"]])
def test_status_with_format_json_says_when_no_follow_up_was_written(deal, ok, rows, arguments):
    result = ok("opp", "status", "1", *arguments, "-f", "json")

    written = json.loads(result.stdout)
    assert written["follow_up"] is None
    assert written["status"] == rows("SELECT status FROM opportunities")[0]["status"]
    assert rows(TASKS) == []


def test_status_writes_no_csv_and_changes_nothing(deal, cli, rows):
    result = cli("opp", "status", "1", "won", "--no-follow-up", "--format", "csv")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'csv' is not one of 'table', 'json'" in result.stderr
    assert rows(CLOSING) == [{"status": "quote", "closed_on": None, "close_reason": None}]


def test_follow_up_alone_is_due_after_the_follow_up_delay(deal, ok, rows):
    result = ok("opp", "status", "1", "won", "--follow-up", " Propose maintenance ")

    assert result.stderr.splitlines()[-1] == (
        "Follow-up task 1 due 2027-02-26: Propose maintenance"
    )
    assert rows(TASKS) == [task("Propose maintenance", "2027-02-26")]


def test_follow_up_due_alone_keeps_the_proposed_title(deal, ok, rows):
    ok("opp", "status", "1", "cancelled", "--follow-up-due", "15/01/2027")

    assert rows(TASKS) == [task("Ask ACME Industries whether the project is back on", "2027-01-15")]


def test_the_follow_up_delay_setting_decides_the_proposed_due_date(deal, ok, rows):
    ok("config", "set", "follow-up-delay", "2w")

    result = ok("opp", "status", "1", "won")
    ok("opp", "status", "1", "quote")
    ok("opp", "status", "1", "lost", "--follow-up", "Ask again")

    assert result.stderr.endswith("--opp 1 --due 2026-12-10\n")
    assert rows(TASKS) == [task("Ask again", "2026-12-10")]


def test_a_close_entered_late_proposes_a_follow_up_after_today_not_after_the_close(deal, ok, rows):
    ok("opp", "status", "1", "won", "--on", "2026-11-02", "--follow-up", "Call")

    assert rows(TASKS) == [task("Call", "2027-02-26")]


def test_no_follow_up_closes_without_a_task_or_a_reminder(deal, ok, rows):
    result = ok("opp", "status", "1", "lost", "--no-follow-up", "--reason", "Budget")

    assert result.stderr == f"Opportunity 1 (Website redesign): quote -> lost, closed on {TODAY}.\n"
    assert rows(CLOSING) == [{"status": "lost", "closed_on": TODAY, "close_reason": "Budget"}]
    assert rows(HISTORY) == [state("quote"), state("lost")]
    assert rows(TASKS) == []


def test_the_follow_up_task_shows_with_the_opportunity(deal, ok):
    ok("opp", "status", "1", "won", "--follow-up", "Call", "--follow-up-due", "2027-01-04")

    result = ok("opp", "show", "1")

    assert result.stdout.endswith(
        "Tasks (1)\nID  Task  Due         Done\n 1  Call  2027-01-04\n\n"
        "Timeline (2)\n"
        "2026-11-26  status   quote → won\n"
        "2026-11-01  created  quote, 15,000 EUR, due 2026-12-31\n"
    )


# --- reopening and moving between closed statuses ----------------------------------------------


def test_reopening_clears_the_closing_date_and_reason_and_writes_history(deal, ok, rows):
    ok("opp", "status", "1", "lost", "--reason", "Budget", "--no-follow-up")

    result = ok("opp", "status", "1", "negotiation")

    assert result.stderr == "Opportunity 1 (Website redesign): lost -> negotiation.\n"
    assert rows(CLOSING) == [{"status": "negotiation", "closed_on": None, "close_reason": None}]
    assert rows(HISTORY) == [state("quote"), state("lost"), state("negotiation")]
    assert rows(TASKS) == []


def test_moving_from_one_closed_status_to_another_closes_again(deal, ok, rows):
    ok("opp", "status", "1", "lost", "--on", "2026-11-10", "--reason", "Budget", "--no-follow-up")

    result = ok("opp", "status", "1", "won", "--no-follow-up")

    assert result.stderr == f"Opportunity 1 (Website redesign): lost -> won, closed on {TODAY}.\n"
    assert rows(CLOSING) == [{"status": "won", "closed_on": TODAY, "close_reason": None}]
    assert rows(HISTORY) == [state("quote"), state("lost"), state("won")]


def test_every_kind_of_change_writes_exactly_one_full_state_row(deal, ok, rows):
    ok("opp", "edit", "1", "--amount", "18k")
    ok("opp", "edit", "1", "--due", "2027-01-31")
    ok("opp", "edit", "1", "--probability", "60")
    ok("opp", "edit", "1", "--currency", "USD")
    ok("opp", "edit", "1", "--notes", "No history for notes")
    ok("opp", "status", "1", "won", "--no-follow-up")
    ok("opp", "status", "1", "quote")

    row = {"amount": 18000, "due_date": "2027-01-31", "probability": 60, "currency": "USD"}
    assert rows(HISTORY) == [
        state("quote"),
        {**state("quote"), "amount": 18000},
        {**state("quote"), "amount": 18000, "due_date": "2027-01-31"},
        {**state("quote"), "amount": 18000, "due_date": "2027-01-31", "probability": 60},
        {"status": "quote", **row},
        {"status": "won", **row, "probability": None},  # its own 60% dropped at the close
        {"status": "quote", **row, "probability": None},
    ]
    stamps = [r["changed_at"] for r in rows("SELECT changed_at FROM opportunity_history")]
    assert stamps[0] == "2026-11-01T00:00:00"
    assert all(stamp.startswith(TODAY) for stamp in stamps[1:])
    assert stamps == sorted(stamps)


# --- what is refused, and leaves everything as it was ------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["quote"], 4, "Opportunity 1 is already 'quote': nothing to change."),
        (["devis"], 4, "Opportunity 1 is already 'quote': nothing to change."),
        (
            ["signed"],
            2,
            "Unknown status 'signed'. Choose one of: analysis, quote, negotiation, won, lost, "
            "cancelled.",
        ),
        (["a"], 2, "The status 'a' is ambiguous: it could be analysis, cancelled."),
        (
            ["negotiation", "--on", "2026-11-20"],
            2,
            "--on gives the closing date: use it with won, lost or cancelled.",
        ),
        (
            ["won", "--probability", "50", "--no-follow-up"],
            2,
            "A closed deal's probability is its outcome's: --probability goes with an open status.",
        ),
        (
            ["negotiation", "--reason", "Because"],
            2,
            "--reason, --follow-up and --follow-up-due go with a close: "
            "use them with won, lost or cancelled.",
        ),
        (
            ["analysis", "--follow-up", "Call"],
            2,
            "--reason, --follow-up and --follow-up-due go with a close: "
            "use them with won, lost or cancelled.",
        ),
        (
            ["analysis", "--follow-up-due", "+1w"],
            2,
            "--reason, --follow-up and --follow-up-due go with a close: "
            "use them with won, lost or cancelled.",
        ),
        (
            ["won", "--on", "2026-10-31"],
            2,
            "The closing date 2026-10-31 is before the opportunity was created (2026-11-01).",
        ),
        (
            ["won", "--on", "tomorrow"],
            2,
            "The closing date 2026-11-27 is in the future: close it on the day it happens.",
        ),
        (
            ["won", "--on", "soon"],
            2,
            "Invalid closing date 'soon': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
        (
            ["won", "--follow-up-due", "later"],
            2,
            "Invalid follow-up due date 'later': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
        (
            ["won", "--no-follow-up", "--follow-up", "Call"],
            2,
            "Invalid value: --no-follow-up excludes --follow-up and --follow-up-due. "
            "See 'colibri opp status --help'.",
        ),
        (
            ["won", "--no-follow-up", "--follow-up-due", "+1w"],
            2,
            "Invalid value: --no-follow-up excludes --follow-up and --follow-up-due. "
            "See 'colibri opp status --help'.",
        ),
        (
            ["won", "--follow-up", "  "],
            2,
            "The follow-up title cannot be empty: give one, or pass --no-follow-up.",
        ),
        (
            ["won", "--no-follow-up", "--follow-up", ""],
            2,
            "Invalid value: --no-follow-up excludes --follow-up and --follow-up-due. "
            "See 'colibri opp status --help'.",
        ),
        (
            [],
            2,
            "Missing argument 'STATUS'. See 'colibri opp status --help'.",
        ),
    ],
)
def test_status_refuses_bad_input_and_changes_nothing(deal, cli, rows, arguments, code, message):
    result = cli("opp", "status", "1", *arguments)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert unchanged(rows)


@pytest.mark.parametrize(
    ("closed", "again"), [("won", "gagné"), ("lost", "lost"), ("cancelled", "annulée")]
)
def test_the_same_closed_status_again_is_a_conflict_that_says_since_when(
    deal, ok, cli, rows, closed, again
):
    ok("opp", "status", "1", closed, "--on", "2026-11-20", "--no-follow-up")
    before = rows("SELECT * FROM opportunities")

    result = cli("opp", "status", "1", again, "--follow-up", "Call", "--reason", "price")

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Opportunity 1 is already '{closed}', since 2026-11-20: nothing to change.\n"
    )
    assert rows("SELECT * FROM opportunities") == before
    assert rows(HISTORY) == [state("quote"), state(closed)]
    assert rows(TASKS) == []


@pytest.mark.parametrize("ref", ["9", "Nothing"])
def test_status_of_an_unknown_opportunity_is_not_found(deal, cli, rows, ref):
    result = cli("opp", "status", ref, "won")

    assert result.exit_code == 3
    assert result.stderr == f"Error: No opportunity {ref!r}. See `colibri opp list`.\n"
    assert unchanged(rows)
