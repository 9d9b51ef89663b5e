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

from conftest import TERMINAL_TIMEOUT as TIMEOUT
from conftest import TODAY

NEEDED = "Error: This answer is needed: type it, or press Ctrl-C to stop without creating anything."


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
    answer(child, "  Name: ", "")
    child.expect_exact(NEEDED)
    answer(child, "  Name: ", "Website redesign")
    answer(child, "  Account: ", "")
    child.expect_exact(NEEDED)
    answer(child, "  Account: ", "Acme Industries")
    child.expect_exact("  No account 'Acme Industries'.\r\n")  # no command: it offers
    answer(child, "  Create account 'Acme Industries'? [y/N]: ", "y")
    answer(child, "  Contact (optional): ", "Paul Roy")
    child.expect_exact(
        "Error: Contact 'Paul Roy' works at Beta Corp, not at this opportunity's account."
    )
    answer(child, "  Contact (optional): ", "Marie Curie")
    child.expect_exact("  No contact 'Marie Curie'.\r\n")
    answer(child, "  Create contact 'Marie Curie' at Acme Industries? [y/N]: ", "y")
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
    child.expect_exact("    → 15,000 EUR\r\n")
    answer(child, "  Due date: ", "")  # no made-up default: the salesperson says when
    child.expect_exact(NEEDED)
    answer(child, "  Due date: ", "+1m")
    child.expect_exact("    → 2026-12-26\r\n")
    child.expect_exact(
        "  analysis (10%), quote (40%), negotiation (70%), won (100%), lost (0%), cancelled (0%)"
    )
    answer(child, "  Status [analysis]: ", "devis")
    child.expect_exact("    → quote\r\n")
    child.expect_exact("Misc")
    answer(child, "  Tags, comma-separated (optional): ", "Hot, web")
    child.expect_exact("    → hot,web\r\n")
    answer(child, "  Notes (optional): ", "")
    child.expect_exact(
        "New opportunity: Website redesign (Acme Industries), 15,000 EUR, due 2026-12-26, "
        "quote (40%)."
    )
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == (
        "Added account Acme Industries (id 2).\n"
        "Added contact Marie Curie (id 2) at Acme Industries.\n"
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
            "contact_id": 2,
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
    child.expect_exact("    → lost\r\n")
    answer(child, "  Why lost? (optional): ", "")  # created closed: asked as at a close
    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "n")
    child.expect_exact(
        "New opportunity: Maintenance (ACME Industries), 4,000 USD, due 2026-12-31, lost (0%)."
    )
    answer(child, "Create? [Y/n]: ", "y")

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
    child.expect_exact("    → 1,501 GBP\r\n")
    answer(child, "  Due date: ", "fin du mois")
    child.expect_exact("    → 2026-11-30\r\n")
    answer(child, "  Status [analysis]: ", "")
    answer(child, "  Tags, comma-separated (optional): ", "")
    answer(child, "  Notes (optional): ", "Met at the fair")
    answer(child, "Create? [Y/n]: ", "oui")

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


def test_no_at_create_makes_neither_the_opportunity_nor_its_new_account_and_contact(
    ok, rows, db_path
):
    ok("account", "add", "Beta Corp")
    child = spawn(db_path, "opp", "create", "Audit", "--amount", "2k", "--due", "eom")

    answer(child, "  Account: ", "Gamma")
    answer(child, "  Create account 'Gamma'? [y/N]: ", "y")
    answer(child, "  Status [analysis]: ", "")
    child.expect_exact("New opportunity: Audit (Gamma), 2,000 EUR, due 2026-11-30, analysis (10%).")
    answer(child, "Create? [Y/n]: ", "x")
    child.expect_exact("Error: Answer y (yes) or n (no).")
    answer(child, "Create? [Y/n]: ", "n")

    assert finish(child) == "Cancelled: nothing was changed.\n"
    assert child.exitstatus == 1
    assert rows("SELECT name FROM accounts") == [{"name": "Beta Corp"}]
    assert rows("SELECT * FROM opportunities") == []
    assert rows("SELECT * FROM opportunity_history") == []


def test_no_at_create_of_a_first_record_leaves_no_database(db_path):
    child = spawn(db_path, "account", "add")

    answer(child, "  Name: ", "Garage Dupont")
    answer(child, "Create? [Y/n]: ", "non")

    assert finish(child) == "Cancelled: nothing was changed.\n"
    assert child.exitstatus == 1
    assert not db_path.exists()


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


def test_a_win_renewed_proposes_preparing_the_renewal_as_its_next_step(deal, rows, db_path):
    child = spawn(db_path, "opp", "status", "1", "won", "--renew", "12m")

    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "")
    answer(child, "  Task [Prepare the renewal Website redesign 2027 with ACME Industries]: ", "")
    answer(child, "  Due [2027-02-26]: ", "")

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Renewal: opportunity 2, Website redesign 2027, due 2027-11-26.\n"
        "Follow-up task 1 due 2027-02-26: Prepare the renewal Website redesign 2027 with ACME "
        "Industries\n"
    )
    assert rows("SELECT id, status, renewal_of FROM opportunities") == [
        {"id": 1, "status": "won", "renewal_of": None},
        {"id": 2, "status": "analysis", "renewal_of": 1},
    ]
    assert rows("SELECT title, opportunity_id FROM tasks") == [
        {"title": "Prepare the renewal Website redesign 2027 with ACME Industries",
         "opportunity_id": 2}
    ]  # fmt: skip  # the renewal's next step


def test_a_short_renewal_proposes_its_follow_up_by_the_day_it_is_due(ok, deal, rows, db_path):
    """Not the follow-up-delay (3m) after the close: the renewal is due before."""
    ok("opp", "edit", "1", "--type", "renewal")
    child = spawn(db_path, "opp", "status", "1", "won")

    answer(child, "  Create its renewal now? [Y/n]: ", "")
    answer(child, "  Renew after [12m]: ", "1m")
    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "")
    answer(child, "  Task [Prepare the renewal Website redesign 2026 with ACME Industries]: ", "")
    answer(child, "  Due [2026-12-26]: ", "")

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Renewal: opportunity 2, Website redesign 2026, due 2026-12-26.\n"
        "Follow-up task 1 due 2026-12-26: Prepare the renewal Website redesign 2026 with ACME "
        "Industries\n"
    )
    assert rows("SELECT title, due_date, opportunity_id FROM tasks") == [
        {"title": "Prepare the renewal Website redesign 2026 with ACME Industries",
         "due_date": "2026-12-26", "opportunity_id": 2}
    ]  # fmt: skip


def test_winning_a_renewal_offers_the_next_one_and_reasks_a_bad_period(ok, deal, rows, db_path):
    ok("opp", "edit", "1", "--type", "Renouvellement")
    child = spawn(db_path, "opp", "status", "1", "won")

    child.expect_exact("Renewal")
    answer(child, "  Create its renewal now? [Y/n]: ", "")
    answer(child, "  Renew after [12m]: ", "0m")
    child.expect_exact("Error: Invalid renewal period '0m': the renewal is due after the close.")
    answer(child, "  Renew after [12m]: ", "1y")
    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "n")

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Renewal: opportunity 2, Website redesign 2027, due 2027-11-26.\n"
        "No follow-up task was scheduled. Add one with:\ncolibri task add "
        "'Prepare the renewal Website redesign 2027 with ACME Industries' --opp 2 --due "
        "2027-02-26\n"
    )
    assert rows("SELECT id, type, due_date, renewal_of FROM opportunities") == [
        {"id": 1, "type": "Renouvellement", "due_date": "2026-12-31", "renewal_of": None},
        {"id": 2, "type": "Renouvellement", "due_date": "2027-11-26", "renewal_of": 1},
    ]


def test_a_renewal_declined_is_not_made(ok, deal, rows, db_path):
    ok("opp", "edit", "1", "--type", "renewal")
    child = spawn(db_path, "opp", "status", "1", "won", "--no-follow-up")

    answer(child, "  Create its renewal now? [Y/n]: ", "n")

    assert finish(child) == f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
    assert rows("SELECT id, status FROM opportunities") == [{"id": 1, "status": "won"}]


def test_winning_a_type_with_renew_after_offers_its_renewal_after_that_period(
    ok, deal, rows, db_path
):
    ok("opp", "edit", "1", "--type", "Support")
    ok("config", "set", "renew-after.support", "6m")
    child = spawn(db_path, "opp", "status", "1", "won", "--no-follow-up")

    child.expect_exact("Renewal")
    answer(child, "  Create its renewal now? [Y/n]: ", "")
    answer(child, "  Renew after [6m]: ", "")

    assert finish(child) == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Renewal: opportunity 2, Website redesign 2027, due 2027-05-26.\n"
    )
    assert rows("SELECT id, type, due_date, renewal_of FROM opportunities") == [
        {"id": 1, "type": "Support", "due_date": "2026-12-31", "renewal_of": None},
        {"id": 2, "type": "Support", "due_date": "2027-05-26", "renewal_of": 1},
    ]


@pytest.mark.parametrize("deal_type", ["renewal", "support"])
def test_no_renew_asks_no_renewal_question(ok, deal, rows, db_path, deal_type):
    ok("opp", "edit", "1", "--type", deal_type)
    ok("config", "set", "renew-after.support", "6m")
    child = spawn(db_path, "opp", "status", "1", "won", "--no-renew")

    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "n")

    assert "Renewal" not in finish(child)
    assert rows("SELECT id, status FROM opportunities") == [{"id": 1, "status": "won"}]


def test_a_deal_created_won_of_type_renewal_is_offered_its_renewal(ok, rows, db_path):
    ok("account", "add", "ACME Industries")
    child = spawn(db_path, "opp", "create", "Hosting 2026", "-a", "1", "--amount", "1200",
                  "--due", "2026-12-31", "--status", "won", "--type", "renewal")  # fmt: skip

    child.expect_exact("Renewal")
    answer(child, "  Create its renewal now? [Y/n]: ", "")
    answer(child, "  Renew after [12m]: ", "6m")
    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "")
    answer(child, "  Task [Prepare the renewal Hosting 2027 with ACME Industries]: ", "")
    answer(child, "  Due [2027-02-26]: ", "")

    assert finish(child) == (
        "Created opportunity 1: Hosting 2026 (ACME Industries), 1,200 EUR, due 2026-12-31, "
        "won (100%).\n"
        "Renewal: opportunity 2, Hosting 2027, due 2027-05-26.\n"
        "Follow-up task 1 due 2027-02-26: Prepare the renewal Hosting 2027 with ACME Industries\n"
    )
    assert rows("SELECT id, status, due_date, renewal_of FROM opportunities") == [
        {"id": 1, "status": "won", "due_date": "2026-12-31", "renewal_of": None},
        {"id": 2, "status": "analysis", "due_date": "2027-05-26", "renewal_of": 1},
    ]
    assert rows("SELECT title, opportunity_id FROM tasks") == [
        {"title": "Prepare the renewal Hosting 2027 with ACME Industries", "opportunity_id": 2}
    ]


def test_a_deal_won_renewed_afterwards_asks_the_renewals_follow_up(ok, deal, rows, db_path):
    ok("opp", "status", "1", "won", "--no-follow-up")
    child = spawn(db_path, "opp", "status", "1", "won", "--renew", "1y")

    answer(child, "  Schedule a follow-up task now? [Y/n]: ", "n")

    assert finish(child) == (
        "Renewal: opportunity 2, Website redesign 2027, due 2027-11-26.\n"
        "No follow-up task was scheduled. Add one with:\ncolibri task add "
        "'Prepare the renewal Website redesign 2027 with ACME Industries' --opp 2 --due "
        "2027-02-26\n"
    )
    assert rows("SELECT id, status, renewal_of FROM opportunities") == [
        {"id": 1, "status": "won", "renewal_of": None},
        {"id": 2, "status": "analysis", "renewal_of": 1},
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


# --- task done: the next task of a deal left without one ---------------------------------------

TASKS = "SELECT id, title, due_date, opportunity_id, done_on FROM tasks ORDER BY id"


@pytest.fixture
def deal_task(deal, ok):
    ok("task", "add", "Send the quote", "--opp", "1", "--due", "2026-11-27")


def test_done_of_the_last_task_of_a_deal_asks_for_the_next_and_enters_schedule_it(
    deal_task, rows, db_path
):
    child = spawn(db_path, "task", "done", "1")

    child.expect_exact("Next step")
    answer(child, "  Schedule its next task now? [Y/n]: ", "")
    answer(child, "  Task [Next step for Website redesign]: ", "")
    answer(child, "  Due [2026-12-03]: ", "")

    assert finish(child) == (
        f"Done: task 1, Send the quote ({TODAY}).\n"
        "Added task 2: Next step for Website redesign (ACME Industries), due 2026-12-03.\n"
    )
    assert child.exitstatus == 0
    assert rows(TASKS) == [
        {"id": 1, "title": "Send the quote", "due_date": "2026-11-27", "opportunity_id": 1,
         "done_on": TODAY},
        {"id": 2, "title": "Next step for Website redesign", "due_date": "2026-12-03",
         "opportunity_id": 1, "done_on": None},
    ]  # fmt: skip


def test_the_next_task_can_be_rewritten_and_a_bad_due_date_is_asked_again(deal_task, rows, db_path):
    child = spawn(db_path, "task", "done", "1")

    answer(child, "  Schedule its next task now? [Y/n]: ", "y")
    answer(child, "  Task [Next step for Website redesign]: ", "Send the contract")
    answer(child, "  Due [2026-12-03]: ", "soonish")
    child.expect_exact("Error: Invalid due date 'soonish': use YYYY-MM-DD")
    answer(child, "  Due [2026-12-03]: ", "friday")

    assert finish(child).endswith(
        "Added task 2: Send the contract (ACME Industries), due 2026-11-27.\n"
    )
    assert [row["title"] for row in rows(TASKS)] == ["Send the quote", "Send the contract"]


def test_declining_the_next_task_says_how_to_add_one_later(deal_task, rows, db_path):
    child = spawn(db_path, "task", "done", "1")

    answer(child, "  Schedule its next task now? [Y/n]: ", "n")

    assert finish(child) == (
        f"Done: task 1, Send the quote ({TODAY}).\n"
        # The command on a line of its own, whole, to be copied.
        "Opportunity 1 (Website redesign) has no open task left: no next step. Add one with:\n"
        "colibri task add 'Next step for Website redesign' --opp 1 --due 2026-12-03\n"
    )
    assert rows(f"{TASKS}")[0]["done_on"] == TODAY
    assert len(rows(TASKS)) == 1


def test_ctrl_c_at_the_next_task_leaves_the_task_open(deal_task, rows, db_path):
    """The task is marked done only once the next one is answered for: Ctrl-C writes
    nothing."""
    child = spawn(db_path, "task", "done", "1")

    answer(child, "  Schedule its next task now? [Y/n]: ", "")
    child.expect_exact("  Task [Next step for Website redesign]: ")
    child.sendintr()

    assert finish(child) == "^C\n"
    assert child.exitstatus == 130
    assert [(row["id"], row["done_on"]) for row in rows(TASKS)] == [(1, None)]


def test_done_with_another_open_task_of_the_deal_asks_nothing(deal_task, ok, rows, db_path):
    ok("task", "add", "Prepare the demo", "--opp", "1")
    child = spawn(db_path, "task", "done", "1")

    assert finish(child) == f"Done: task 1, Send the quote ({TODAY}).\n"
    assert len(rows(TASKS)) == 2


def test_done_without_a_terminal_does_not_wait_for_the_next_task(deal_task, rows, db_path):
    result = run(db_path, "task", "done", "1")

    assert result.returncode == 0
    assert result.stderr == (
        f"Done: task 1, Send the quote ({TODAY}).\n"
        "Opportunity 1 (Website redesign) has no open task left: no next step. Add one with: "
        "colibri task add 'Next step for Website redesign' --opp 1 --due 2026-12-03\n"
    )
    assert len(rows(TASKS)) == 1


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


def test_winning_a_renewal_without_a_terminal_makes_no_renewal_but_says_how(
    ok, deal, rows, db_path
):
    ok("opp", "edit", "1", "--type", "renewal")

    result = run(db_path, "opp", "status", "1", "won", "--no-follow-up")

    assert result.returncode == 0
    assert result.stderr == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {TODAY}.\n"
        "Its renewal was not created. Create it with: colibri opp status 1 won --renew 12m "
        "(or give --no-renew with the win to go without).\n"
    )
    assert rows("SELECT id, status FROM opportunities") == [{"id": 1, "status": "won"}]


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
    child.expect_exact(
        "New opportunity: Tyres (Garage Dupont), 900 EUR, due 2026-11-30, quote (40%)."
    )
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == (
        "Created opportunity 1: Tyres (Garage Dupont), 900 EUR, due 2026-11-30, quote (40%).\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT account_id FROM opportunities") == [{"account_id": 1}]
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 1}]


# --- account add, contact add, task add: the forms of a missing name or title -------------------


def test_account_add_explains_an_empty_name_reasks_a_taken_one_and_creates_on_enter(
    ok, rows, db_path
):
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, "account", "add", "--city", "Lyon")

    answer(child, "  Name: ", "")
    child.expect_exact(NEEDED)
    answer(child, "  Name: ", "librairie des halles")
    child.expect_exact(
        "Error: Account 'Librairie des Halles' (id 1) already exists: choose another name, "
        "or edit that\r\naccount."  # wrapped at the terminal's 100 columns
    )
    answer(child, "  Name: ", "Garage Dupont")
    child.expect_exact("New account: Garage Dupont.")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == "Added account Garage Dupont (id 2).\n"
    assert child.exitstatus == 0
    assert rows("SELECT id, name, city FROM accounts ORDER BY id") == [
        {"id": 1, "name": "Librairie des Halles", "city": None},
        {"id": 2, "name": "Garage Dupont", "city": "Lyon"},
    ]


@pytest.mark.parametrize("command", [("account", "add"), ("contact", "add")])
def test_a_bad_option_is_refused_before_the_form_asks_anything(command, ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, *command, "--email", "nope")

    assert finish(child) == (
        "\x1b[31mError: The email 'nope' is not an email address (name@example.com).\x1b[0m\n"
    )
    assert child.exitstatus == 2
    assert rows("SELECT name FROM accounts") == [{"name": "Librairie des Halles"}]
    assert rows("SELECT * FROM contacts") == []


def test_account_add_answered_no_at_create_writes_nothing(ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, "account", "add")

    answer(child, "  Name: ", "Garage Dupont")
    answer(child, "Create? [Y/n]: ", "n")

    assert finish(child) == "Cancelled: nothing was changed.\n"
    assert child.exitstatus == 1
    assert rows("SELECT name FROM accounts") == [{"name": "Librairie des Halles"}]


def test_contact_add_says_which_account_part_of_a_name_found(ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, "contact", "add", "--role", "Buyer")

    answer(child, "  Name: ", "Jeanne Martin")
    answer(child, "  Account: ", "librairi")
    child.expect_exact("    → Librairie des Halles\r\n")
    child.expect_exact("New contact: Jeanne Martin at Librairie des Halles.")
    answer(child, "Create? [Y/n]: ", "y")

    assert finish(child) == "Added contact Jeanne Martin (id 1) at Librairie des Halles.\n"
    assert child.exitstatus == 0
    assert rows("SELECT name, account_id, role FROM contacts") == [
        {"name": "Jeanne Martin", "account_id": 1, "role": "Buyer"}
    ]


def test_contact_add_reasks_a_name_a_contact_at_the_account_has(ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    ok("contact", "add", "Jeanne Martin", "--account", "1")
    child = spawn(db_path, "contact", "add")

    answer(child, "  Name: ", "jeanne martin")
    answer(child, "  Account: ", "1")
    child.expect_exact("    → Librairie des Halles\r\n")
    child.expect_exact(
        "Error: Librairie des Halles already has a contact 'Jeanne Martin' (id 1): see\r\n"
        "colibri contact show 1, or give --allow-duplicate to add another."
    )
    answer(child, "  Name: ", "Paul Roy")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == "Added contact Paul Roy (id 2) at Librairie des Halles.\n"
    assert rows("SELECT name, account_id FROM contacts ORDER BY id") == [
        {"name": "Jeanne Martin", "account_id": 1},
        {"name": "Paul Roy", "account_id": 1},
    ]


def test_contact_add_with_allow_duplicate_takes_the_namesake(ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    ok("contact", "add", "Jean Dupont", "--account", "1")
    child = spawn(db_path, "contact", "add", "--account", "1", "--allow-duplicate")

    answer(child, "  Name: ", "Jean Dupont")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == "Added contact Jean Dupont (id 2) at Librairie des Halles.\n"
    assert rows("SELECT count(*) AS n FROM contacts") == [{"n": 2}]


def test_contact_add_offers_an_unknown_account_and_creates_both(ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, "contact", "add", "Paul Roy")

    answer(child, "  Account: ", "")
    child.expect_exact(NEEDED)
    answer(child, "  Account: ", "Nouvelle SARL")
    child.expect_exact("  No account 'Nouvelle SARL'.\r\n")
    answer(child, "  Create account 'Nouvelle SARL'? [y/N]: ", "y")
    child.expect_exact("New contact: Paul Roy at Nouvelle SARL, a new account.")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == (
        "Added account Nouvelle SARL (id 2).\nAdded contact Paul Roy (id 1) at Nouvelle SARL.\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT id, name FROM accounts ORDER BY id") == [
        {"id": 1, "name": "Librairie des Halles"},
        {"id": 2, "name": "Nouvelle SARL"},
    ]
    assert rows("SELECT name, account_id FROM contacts") == [{"name": "Paul Roy", "account_id": 2}]


def test_contact_add_answered_no_at_create_makes_neither_contact_nor_new_account(ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, "contact", "add")

    answer(child, "  Name: ", "")
    child.expect_exact(NEEDED)
    answer(child, "  Name: ", "Paul Roy")
    answer(child, "  Account: ", "Nouvelle SARL")
    answer(child, "  Create account 'Nouvelle SARL'? [y/N]: ", "y")
    answer(child, "Create? [Y/n]: ", "n")

    assert finish(child) == "Cancelled: nothing was changed.\n"
    assert child.exitstatus == 1
    assert rows("SELECT name FROM accounts") == [{"name": "Librairie des Halles"}]
    assert rows("SELECT * FROM contacts") == []


def test_ctrl_c_in_a_form_stops_it_having_written_nothing(ok, rows, db_path):
    """As the explanation of an empty answer says."""
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, "contact", "add", "Paul Roy")

    answer(child, "  Account: ", "Nouvelle SARL")
    answer(child, "  Create account 'Nouvelle SARL'? [y/N]: ", "y")
    child.expect_exact("Create? [Y/n]: ")
    child.sendintr()

    assert finish(child) == "^C\n"
    assert child.exitstatus == 130
    assert rows("SELECT name FROM accounts") == [{"name": "Librairie des Halles"}]
    assert rows("SELECT * FROM contacts") == []


def test_task_add_asks_the_due_date_with_no_default_and_says_what_answers_were_read_as(
    ok, rows, db_path
):
    ok("account", "add", "Librairie des Halles")
    child = spawn(db_path, "task", "add")

    answer(child, "  Title: ", "")
    child.expect_exact(NEEDED)
    answer(child, "  Title: ", "Call back")
    answer(child, "  Due date (- for none): ", "")
    child.expect_exact(NEEDED)
    answer(child, "  Due date (- for none): ", "eom")
    child.expect_exact("    → 2026-11-30\r\n")
    answer(child, "  Opportunity (optional): ", "")
    answer(child, "  Account (optional): ", "librairi")
    child.expect_exact("    → Librairie des Halles\r\n")
    child.expect_exact("New task: Call back (Librairie des Halles), due 2026-11-30.")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == "Added task 1: Call back (Librairie des Halles), due 2026-11-30.\n"
    assert child.exitstatus == 0
    assert rows("SELECT title, due_date, account_id, opportunity_id FROM tasks") == [
        {"title": "Call back", "due_date": "2026-11-30", "account_id": 1, "opportunity_id": None}
    ]


def test_the_forms_say_a_date_back_as_date_display_shows_it(ok, rows, db_path):
    ok("account", "add", "ACME")
    ok("config", "set", "date-display", "dmy")
    child = spawn(db_path, "task", "add")

    answer(child, "  Title: ", "Call back")
    answer(child, "  Due date (- for none): ", "eom")
    child.expect_exact("    → 30/11/2026\r\n")
    answer(child, "  Opportunity (optional): ", "")
    answer(child, "  Account (optional): ", "")
    answer(child, "Create? [Y/n]: ", "")
    assert finish(child) == "Added task 1: Call back, due 30/11/2026.\n"
    child = spawn(db_path, "opp", "create", "Website", "--account", "ACME", "--amount", "5k")

    answer(child, "  Due date: ", "eom")
    child.expect_exact("    → 30/11/2026\r\n")
    answer(child, "  Status [analysis]: ", "quote")
    answer(child, "Create? [Y/n]: ", "n")
    assert finish(child) == "Cancelled: nothing was changed.\n"
    assert rows("SELECT due_date FROM tasks") == [{"due_date": "2026-11-30"}]


def test_task_add_finds_the_opportunity_by_name_and_no_at_create_writes_nothing(
    deal, rows, db_path
):
    child = spawn(db_path, "task", "add", "--notes", "Before Friday")

    answer(child, "  Title: ", "Send the revised quote")
    answer(child, "  Due date (- for none): ", "-")
    child.expect_exact("    → none\r\n")
    answer(child, "  Opportunity (optional): ", "redesign")
    child.expect_exact("  No opportunity 'redesign'. Did you mean 'Website redesign'?")
    answer(child, "  Opportunity (optional): ", "website")
    child.expect_exact("    → 1: Website redesign (ACME Industries)\r\n")
    child.expect_exact("New task: Send the revised quote (ACME Industries).")
    answer(child, "Create? [Y/n]: ", "n")

    assert finish(child) == "Cancelled: nothing was changed.\n"
    assert child.exitstatus == 1
    assert rows("SELECT * FROM tasks") == []


def test_the_form_shows_control_characters_of_stored_names_escaped(ok, db_path):
    ok("account", "add", "Evil\x1b]0;pwned\x07Corp")
    ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", "eom", "-s", "quote")
    shown = "Evil\\x1b]0;pwned\\x07Corp"
    child = spawn(db_path, "task", "add", "--due", "-")

    answer(child, "  Title: ", "Call")
    answer(child, "  Opportunity (optional): ", "deal")
    child.expect_exact(f"    → 1: Deal ({shown})\r\n")
    child.expect_exact(f"New task: Call ({shown}).")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == f"Added task 1: Call ({shown}).\n"
    assert "\x1b]" not in child.before


def test_task_add_with_its_title_given_asks_nothing(ok, rows, db_path):
    child = spawn(db_path, "task", "add", "Call back")

    assert finish(child) == f"New database: {db_path}\nAdded task 1: Call back.\n"
    assert child.exitstatus == 0
    assert rows("SELECT title, due_date FROM tasks") == [{"title": "Call back", "due_date": None}]


def test_the_task_form_in_french(ok, rows, db_path):
    ok("account", "add", "Librairie des Halles")
    ok("config", "set", "language", "fr")
    child = spawn(db_path, "task", "add")

    answer(child, "  Titre : ", "")
    child.expect_exact(
        "Erreur : Cette réponse est obligatoire : saisissez-la, ou faites Ctrl-C pour "
        "arrêter sans rien\r\ncréer."  # wrapped at the terminal's 100 columns
    )
    answer(child, "  Titre : ", "Rappeler")
    answer(child, "  Échéance (- pour aucune) : ", "fin du mois")
    child.expect_exact("    → 2026-11-30\r\n")
    answer(child, "  Opportunité (facultative) : ", "")
    answer(child, "  Compte (facultatif) : ", "librairi")
    child.expect_exact("    → Librairie des Halles\r\n")
    child.expect_exact("Nouvelle tâche : Rappeler (Librairie des Halles), échéance 2026-11-30.")
    answer(child, "Créer ? [O/n] : ", "o")

    assert finish(child) == (
        "Tâche 1 ajoutée : Rappeler (Librairie des Halles), échéance 2026-11-30.\n"
    )
    assert child.exitstatus == 0
    assert rows("SELECT title, due_date, account_id FROM tasks") == [
        {"title": "Rappeler", "due_date": "2026-11-30", "account_id": 1}
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("account", "add"),
            "Missing argument 'NAME'. See 'python -m colibri_cli account add --help'.",
        ),
        (
            ("contact", "add"),
            "Missing argument 'NAME'. See 'python -m colibri_cli contact add --help'.",
        ),
        (
            ("contact", "add", "Paul Roy"),
            "Missing option '--account' / '-a'. See 'python -m colibri_cli contact add --help'.",
        ),
        (
            ("task", "add", "--due", "eom"),
            "Missing argument 'TITLE'. See 'python -m colibri_cli task add --help'.",
        ),
    ],
)
def test_without_a_terminal_a_missing_name_or_title_is_an_error(arguments, message, db_path):
    result = run(db_path, *arguments)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert not db_path.exists()
