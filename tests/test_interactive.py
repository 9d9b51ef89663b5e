"""The prompts on a real terminal (pexpect), and proof that without one nothing waits.

Each child runs `python -m colibri_cli` on the test's database with today fixed; every
expectation has a timeout, so a prompt that should not be there fails the test instead of
hanging it.
"""

import os
import subprocess
import sys

import pexpect
import pytest

from conftest import TODAY

TIMEOUT = 10


def environment(db_path) -> dict:
    return {**os.environ, "COLIBRI_DB": str(db_path), "COLIBRI_TODAY": TODAY, "COLUMNS": "100"}


def spawn(db_path, *arguments: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "colibri_cli", *arguments],
        env=environment(db_path),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 120),
    )


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    """Wait for the prompt, type the answer, and read back the terminal's echo of it."""
    child.expect_exact(prompt)
    child.sendline(text)
    child.expect_exact(text + "\r\n")


def finish(child: pexpect.spawn) -> str:
    """What the command wrote after the last answer, with the terminal's line endings undone."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before.replace("\r\n", "\n")


def run(db_path, *arguments: str) -> subprocess.CompletedProcess:
    """The command with stdin not a terminal; a prompt would fail it on the timeout."""
    return subprocess.run(
        [sys.executable, "-m", "colibri_cli", *arguments],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(db_path),
        timeout=TIMEOUT,
        check=False,
    )


# --- opp create: the four groups of the form ----------------------------------------------------


def test_the_full_form_asks_every_group_reasks_bad_answers_and_creates_the_account(
    ok, rows, db_path
):
    ok("account", "add", "Beta Corp")
    ok("contact", "add", "Paul Roy", "--account", "Beta Corp")
    child = spawn(db_path, "opp", "create")

    child.expect_exact("Identity")
    answer(child, "  Name: ", "Website redesign")
    answer(child, "  Account: ", "Acme Industries")
    child.expect_exact("  No account 'Acme Industries'. See `colibri account list`.")
    answer(child, "  Create account 'Acme Industries'? [y/N]: ", "y")
    answer(child, "  Contact (optional): ", "Paul Roy")
    child.expect_exact(
        "Error: Contact 'Paul Roy' works at Beta Corp, not at this opportunity's account."
    )
    answer(child, "  Contact (optional): ", "")
    child.expect_exact("Information")
    answer(child, "  Source (optional): ", "Referral")
    answer(child, "  Type (optional): ", "")
    answer(child, "  Description (optional): ", "A new web site")
    child.expect_exact("Progress")
    answer(child, "  Amount (EUR, or write another currency): ", "lots")
    child.expect_exact(
        "Error: Invalid amount 'lots': write a whole number such as 15000, 15 000, 15k or 1.5M."
    )
    answer(child, "  Amount (EUR, or write another currency): ", "15k")
    answer(child, "  Due date [2026-12-26]: ", "")
    child.expect_exact(
        "  analysis (10%), quote (40%), negotiation (70%), won (100%), lost (0%), cancelled (0%)"
    )
    answer(child, "  Status [analysis]: ", "devis")
    child.expect_exact("Misc")
    answer(child, "  Tags, comma-separated (optional): ", "Hot, web")
    answer(child, "  Notes (optional): ", "")

    assert finish(child) == (
        "Added account Acme Industries (id 2).\n"
        "Created opportunity 1: Website redesign (Acme Industries), 15,000 EUR, "
        "due 2026-12-26, quote (40%).\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT id, name FROM accounts ORDER BY id") == [
        {"id": 1, "name": "Beta Corp"},
        {"id": 2, "name": "Acme Industries"},
    ]
    assert rows(
        "SELECT account_id, contact_id, name, amount, currency, due_date, status, probability, "
        "source, type, description, tags, notes, created_on, closed_on FROM opportunities"
    ) == [
        {
            "account_id": 2,
            "contact_id": None,
            "name": "Website redesign",
            "amount": 15000,
            "currency": "EUR",
            "due_date": "2026-12-26",
            "status": "quote",
            "probability": None,
            "source": "Referral",
            "type": None,
            "description": "A new web site",
            "tags": "hot,web",
            "notes": None,
            "created_on": TODAY,
            "closed_on": None,
        }
    ]
    assert rows("SELECT status, amount, due_date, currency FROM opportunity_history") == [
        {"status": "quote", "amount": 15000, "due_date": "2026-12-26", "currency": "EUR"}
    ]


def test_only_what_is_missing_is_asked_and_the_account_is_found_after_a_near_miss(
    ok, rows, db_path
):
    ok("account", "add", "ACME Industries")
    ok("account", "add", "ACME Logistics")
    child = spawn(db_path, "opp", "create", "Maintenance", "--amount", "4 000 $", "--due", "eoq")

    child.expect_exact("Identity")
    answer(child, "  Account: ", "acme")
    child.expect_exact(  # wrapped at a word to the 100 columns of COLUMNS, indent kept
        "  'acme' could be several accounts: ACME Industries (id 1), ACME Logistics (id 2). "
        "Give more of the\r\n  name, or the id."
    )
    answer(child, "  Account: ", "ACME Indstries")
    child.expect_exact(
        "  No account 'ACME Indstries'. Did you mean 'ACME Industries' or 'ACME Logistics'?"
    )
    answer(child, "  Create account 'ACME Indstries'? [y/N]: ", "")
    answer(child, "  Account: ", "acme industries")
    child.expect_exact("Progress")
    answer(child, "  Status [analysis]: ", "perdue")
    answer(child, "  Why lost? (optional): ", "")  # created closed: asked as at a close
    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "n")

    assert finish(child) == (
        "Created opportunity 1: Maintenance (ACME Industries), 4,000 USD, due 2026-12-31, "
        "lost (0%).\n"
        "No follow-up task was scheduled. Add one with:\ncolibri task add "
        "'Ask ACME Industries what would win the next deal' --opp 1 --due 2027-02-26\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 2}]
    assert rows("SELECT account_id, amount, currency, status, closed_on FROM opportunities") == [
        {"account_id": 1, "amount": 4000, "currency": "USD", "status": "lost", "closed_on": TODAY}
    ]


def test_the_form_takes_a_contact_of_the_chosen_account_and_a_due_date_in_any_form(
    ok, rows, db_path
):
    ok("account", "add", "ACME Industries")
    ok("contact", "add", "Jeanne Martin", "--account", "1")
    child = spawn(db_path, "opp", "create")

    answer(child, "  Name: ", "Audit")
    answer(child, "  Account: ", "acme")
    answer(child, "  Contact (optional): ", "jeanne martin")
    for prompt in ("  Source (optional): ", "  Type (optional): ", "  Description (optional): "):
        answer(child, prompt, "")
    answer(child, "  Amount (EUR, or write another currency): ", "1 500,50 £")
    answer(child, "  Due date [2026-12-26]: ", "fin du mois")
    answer(child, "  Status [analysis]: ", "")
    answer(child, "  Tags, comma-separated (optional): ", "")
    answer(child, "  Notes (optional): ", "Met at the fair")

    assert finish(child) == (
        "The amount '1 500,50 £' was rounded to 1,501.\n"
        "Created opportunity 1: Audit (ACME Industries), 1,501 GBP, due 2026-11-30, "
        "analysis (10%).\n"
    )
    assert rows(
        "SELECT account_id, contact_id, amount, currency, due_date, status, notes "
        "FROM opportunities"
    ) == [
        {
            "account_id": 1,
            "contact_id": 1,
            "amount": 1501,
            "currency": "GBP",
            "due_date": "2026-11-30",
            "status": "analysis",
            "notes": "Met at the fair",
        }
    ]


def test_with_every_value_given_nothing_is_asked_on_a_terminal(ok, rows, db_path):
    ok("account", "add", "ACME")
    child = spawn(db_path, "opp", "create", "Deal", "-a", "ACME", "--amount", "1k", "--due",
                  "eoy", "--status", "quote")  # fmt: skip

    assert finish(child) == (
        "Created opportunity 1: Deal (ACME), 1,000 EUR, due 2026-12-31, quote (40%).\n"
    )
    assert child.exitstatus == 0


def test_no_input_on_a_terminal_fails_naming_what_is_missing(db_path):
    child = spawn(db_path, "opp", "create", "Deal", "--amount", "1k", "--no-input")

    assert finish(child) == (
        "\x1b[31mError: Cannot create the opportunity: the account is missing; "
        "the due date is missing; the status is\nmissing.\x1b[0m\n"
    )
    assert child.exitstatus == 2
    assert not db_path.exists()  # a failed first write leaves no database


# --- opp status: the reason and the follow-up task ----------------------------------------------


@pytest.fixture
def deal(ok):
    ok("account", "add", "ACME Industries")
    ok("opp", "create", "Website redesign", "-a", "1", "--amount", "15k", "--due", "2026-12-31",
       "--status", "quote")  # fmt: skip


def test_losing_asks_the_reason_then_the_follow_up_and_the_defaults_schedule_it(
    deal, rows, db_path
):
    child = spawn(db_path, "opp", "status", "1", "lost")

    answer(child, "  Why lost? (optional): ", "Too expensive")
    child.expect_exact("Next step")
    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "")
    answer(child, "  Task [Ask ACME Industries what would win the next deal]: ", "")
    answer(child, "  Due [2027-02-26]: ", "")

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> lost, closed on {TODAY}.\n"
        "Follow-up task 1 due 2027-02-26: Ask ACME Industries what would win the next deal\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT status, closed_on, close_reason FROM opportunities") == [
        {"status": "lost", "closed_on": TODAY, "close_reason": "Too expensive"}
    ]
    assert rows("SELECT status FROM opportunity_history ORDER BY id") == [
        {"status": "quote"},
        {"status": "lost"},
    ]
    assert rows("SELECT title, due_date, opportunity_id, account_id, done_on FROM tasks") == [
        {
            "title": "Ask ACME Industries what would win the next deal",
            "due_date": "2027-02-26",
            "opportunity_id": 1,
            "account_id": 1,
            "done_on": None,
        }
    ]


def test_winning_asks_no_reason_and_the_follow_up_can_be_rewritten(deal, rows, db_path):
    child = spawn(db_path, "opp", "status", "1", "won")

    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "y")
    answer(child, "  Task [Check in with ACME Industries for a new order]: ", "Propose upkeep")
    answer(child, "  Due [2027-02-26]: ", "in a while")
    child.expect_exact("Error: Invalid due date 'in a while': use YYYY-MM-DD")
    answer(child, "  Due [2027-02-26]: ", "+2w")

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Follow-up task 1 due 2026-12-10: Propose upkeep\n"
    )
    assert rows("SELECT close_reason FROM opportunities") == [{"close_reason": None}]
    assert rows("SELECT title, due_date FROM tasks") == [
        {"title": "Propose upkeep", "due_date": "2026-12-10"}
    ]


def test_declining_the_follow_up_says_how_to_add_one_later(deal, rows, db_path):
    child = spawn(db_path, "opp", "status", "1", "cancelled", "--reason", "Project dropped")

    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "n")

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> cancelled, closed on {TODAY}.\n"
        # The command on a line of its own, whole, to be copied.
        "No follow-up task was scheduled. Add one with:\ncolibri task add "
        "'Ask ACME Industries whether the project is back on' --opp 1 --due 2027-02-26\n"
    )
    assert rows("SELECT close_reason FROM opportunities") == [{"close_reason": "Project dropped"}]
    assert rows("SELECT * FROM tasks") == []


def test_delete_confirms_on_a_terminal(deal, rows, db_path):
    child = spawn(db_path, "opp", "delete", "1")
    question = (
        "Move opportunity 1: Website redesign (ACME Industries), 15,000 EUR, due 2026-12-31, "
        "quote (40%) to the trash? [y/N]: "
    )
    answer(child, question, "")
    assert finish(child) == "Cancelled: nothing was changed.\n"
    assert child.exitstatus == 1
    assert rows("SELECT id, deleted_at FROM opportunities") == [{"id": 1, "deleted_at": None}]

    child = spawn(db_path, "opp", "delete", "1")
    answer(child, question, "y")
    assert finish(child).startswith("Moved opportunity 1: Website redesign")
    assert child.exitstatus == 0
    assert rows("SELECT id FROM opportunities WHERE deleted_at IS NULL") == []


def test_a_purge_confirms_on_a_terminal_after_saying_the_past_changes(deal, rows, db_path):
    child = spawn(db_path, "opp", "delete", "1", "--purge")
    child.expect_exact(
        "Warning: A purge cannot be undone: forecasts and accuracy of past periods will change."
    )
    answer(
        child,
        "Purge opportunity 1: Website redesign (ACME Industries), 15,000 EUR, due 2026-12-31, "
        "quote (40%) and its 1 history rows? [y/N]: ",
        "y",
    )
    assert finish(child).startswith("Purged opportunity 1: Website redesign")
    assert child.exitstatus == 0
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 0}]
    assert rows("SELECT count(*) AS n FROM opportunity_history") == [{"n": 0}]


# --- without a terminal, nothing waits ----------------------------------------------------------


def test_closing_without_a_terminal_does_not_wait_for_the_follow_up(deal, rows, db_path):
    result = run(db_path, "opp", "status", "1", "won")

    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "No follow-up task was scheduled. Add one with: colibri task add "
        "'Check in with ACME Industries for a new order' --opp 1 --due 2027-02-26\n"
    )
    assert rows("SELECT status, closed_on FROM opportunities") == [
        {"status": "won", "closed_on": TODAY}
    ]
    assert rows("SELECT * FROM tasks") == []


def test_stdin_alone_not_a_terminal_is_enough_not_to_ask(deal, rows, db_path):
    """stdout and stderr on a terminal, stdin from /dev/null: still no prompt."""
    command = f"{sys.executable} -m colibri_cli opp status 1 lost < /dev/null"
    child = pexpect.spawn(
        "/bin/sh", ["-c", command], env=environment(db_path), encoding="utf-8", timeout=TIMEOUT
    )

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> lost, closed on {TODAY}.\n"
        "No follow-up task was scheduled. Add one with:\ncolibri task add "
        "'Ask ACME Industries what would win the next deal' --opp 1 --due 2027-02-26\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT close_reason FROM opportunities") == [{"close_reason": None}]


def test_create_without_a_terminal_does_not_wait_for_the_form(ok, rows, db_path):
    ok("account", "add", "ACME")

    result = run(db_path, "opp", "create", "Deal", "--account", "ACME")

    assert result.returncode == 2
    assert result.stderr == (
        "Error: Cannot create the opportunity: the amount is missing; the due date is missing; "
        "the status is missing.\n"
    )
    assert rows("SELECT * FROM opportunities") == []


def test_enter_takes_the_one_account_a_typo_was_meant_to_be(db_path, rows):
    assert run(db_path, "account", "add", "Garage Dupont").returncode == 0
    child = spawn(
        db_path, "opp", "create", "Tyres", "--amount", "900", "--due", "eom", "--status", "quote"
    )

    answer(child, "  Account: ", "garaje")
    child.expect_exact("  No account 'garaje'. Did you mean 'Garage Dupont'?")
    answer(child, "  Use 'Garage Dupont'? [Y/n]: ", "")

    assert finish(child) == (
        "Created opportunity 1: Tyres (Garage Dupont), 900 EUR, due 2026-11-30, quote (40%).\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT account_id FROM opportunities") == [{"account_id": 1}]
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 1}]
