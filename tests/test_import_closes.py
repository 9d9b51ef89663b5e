"""Closes that come in by import get their follow-up, as a close on the command line does:
a new deal closed within the last follow-up-delay, or an open deal an --upsert closes."""

HEADER = "name,account,amount,due_date,status,closed_on\n"
DEALS = (
    HEADER + "Recent win,ACME,1000,2026-11-30,won,2026-11-30\n"
    "Old loss,ACME,2000,2026-05-30,lost,2026-05-30\n"
    "Cancelled in time,Globex,500,2026-09-10,cancelled,2026-09-03\n"
    "Open deal,Globex,3000,2027-01-30,quote,\n"
)
TASKS = "SELECT title, due_date, opportunity_id, account_id, done_on FROM tasks ORDER BY id"


def test_an_import_says_how_to_add_the_follow_up_of_its_recent_closes(at, rows):
    """follow-up-delay is 3m: a close on 2026-09-03 or later is followed up, one on
    2026-05-30 is long past. Each task is due 3 months after today (the close is entered
    late), as `opp status` would propose."""
    result = at("2026-12-03", "import", "opps", "-", "--create-accounts", input=DEALS)

    assert result.stderr == (
        "2 deals this import closed have no follow-up task (a close on the command line asks "
        "for one; --follow-up adds them at the import). Add them with:\n"
        "  colibri task add 'Check in with ACME for a new order' --opp 1 --due 2027-03-03\n"
        "  colibri task add 'Ask Globex whether the project is back on' --opp 3 --due "
        "2027-03-03\n"
        "Imported opportunities from stdin (comma-separated CSV, UTF-8): 4 created, 0 updated, "
        "0 skipped, 0 rejected; 2 new accounts.\n"
    )
    assert rows(TASKS) == []


def test_follow_up_adds_the_task_of_each_close(at, rows):
    result = at(
        "2026-12-03", "import", "opps", "-", "--create-accounts", "--follow-up", input=DEALS
    )

    assert "2 follow-up tasks added, one for each deal this import closed (tasks 1, 2).\n" in (
        result.stderr
    )
    assert rows(TASKS) == [
        {"title": "Check in with ACME for a new order", "due_date": "2027-03-03",
         "opportunity_id": 1, "account_id": 1, "done_on": None},
        {"title": "Ask Globex whether the project is back on", "due_date": "2027-03-03",
         "opportunity_id": 3, "account_id": 2, "done_on": None},
    ]  # fmt: skip


def test_an_upsert_that_closes_an_open_deal_follows_it_up_unless_it_has_a_task(at, rows):
    at("2026-12-01", "import", "opps", "-", "--create-accounts", input=DEALS)
    at("2026-12-01", "task", "add", "Send the contract", "--opp", "1")
    closes = HEADER + "Open deal,Globex,3000,2027-01-30,won,2026-12-03\n"

    dry = at("2026-12-03", "import", "opps", "-", "--upsert", "--dry-run", input=closes)
    done = at("2026-12-03", "import", "opps", "-", "--upsert", "--follow-up", input=closes)
    again = at("2026-12-03", "import", "opps", "-", "--upsert", "--follow-up", input=closes)

    assert dry.stderr.startswith(
        "1 deal this import closes would have no follow-up task: --follow-up adds it.\n"
    )
    assert done.stderr.startswith(
        "1 follow-up task added, for the deal this import closed (task 2).\n"
    )
    assert "follow-up" not in again.stderr  # nothing closed this time: skipped as it is
    assert rows(TASKS)[1:] == [
        {"title": "Check in with Globex for a new order", "due_date": "2027-03-03",
         "opportunity_id": 4, "account_id": 2, "done_on": None},
    ]  # fmt: skip


def test_a_deal_closed_with_an_open_task_needs_no_follow_up(at, rows):
    at("2026-12-01", "import", "opps", "-", "--create-accounts", input=DEALS)
    at("2026-12-01", "task", "add", "Call Globex", "--opp", "4")
    closes = HEADER + "Open deal,Globex,3000,2027-01-30,lost,2026-12-03\n"

    result = at("2026-12-03", "import", "opps", "-", "--upsert", "--follow-up", input=closes)

    assert "follow-up" not in result.stderr
    assert [task["title"] for task in rows(TASKS)] == ["Call Globex"]


def test_a_refused_import_adds_no_follow_up(cli, rows):
    bad = DEALS + "Broken,ACME,abc,2026-11-30,won,2026-11-30\n"

    result = cli("import", "opps", "-", "--create-accounts", "--follow-up", input=bad)

    assert result.exit_code == 2
    assert "follow-up" not in result.stderr
    assert rows(TASKS) == []


def test_ten_commands_at_most_then_a_count(at):
    many = HEADER + "".join(f"Win {n},ACME,100,2026-11-30,won,2026-11-30\n" for n in range(12))

    result = at("2026-12-03", "import", "opps", "-", "--create-accounts", input=many)

    lines = result.stderr.splitlines()
    assert lines[0].startswith("12 deals this import closed have no follow-up task")
    assert lines[10] == (
        "  colibri task add 'Check in with ACME for a new order' --opp 10 --due 2027-03-03"
    )
    assert lines[11] == "  … and 2 more."
