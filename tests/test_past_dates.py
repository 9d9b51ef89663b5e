"""Dates that can only be in the past: the closing date (`opp status --on`), the creation date
(`opp create|edit --created-on`) and the done date (`task done --on`). There "20/11" and
"friday" are the last such day, today included; due dates still mean the next one.

Today is Thursday 2026-12-03 here, not the Thursday of conftest: a 20/12 then lies a year back.
"""

import pytest

TODAY = "2026-12-03"
CLOSING = "SELECT status, closed_on FROM opportunities WHERE id = 1"
OPPORTUNITY = "SELECT created_on, due_date FROM opportunities WHERE id = 1"
TASKS = "SELECT id, title, due_date, opportunity_id, done_on FROM tasks ORDER BY id"
CREATE = ("opp", "create", "Website redesign", "--account", "ACME", "--amount", "15000")


@pytest.fixture(autouse=True)
def thursday(monkeypatch):
    monkeypatch.setenv("COLIBRI_TODAY", TODAY)


@pytest.fixture
def deal(ok):
    """Opportunity 1, "Website redesign" at ACME Industries, quote, created on 2025-06-01."""
    ok("account", "add", "ACME Industries")
    ok(*CREATE, "--due", "2026-12-31", "--status", "quote", "--created-on", "2025-06-01")


@pytest.fixture
def french(monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")


# --- opp status --on: the closing date -----------------------------------------------------


@pytest.mark.parametrize(
    ("on", "closed_on"),
    [
        ("20/11", "2026-11-20"),
        ("20/12", "2025-12-20"),
        ("3/12", "2026-12-03"),
        ("friday", "2026-11-27"),
        ("Fri", "2026-11-27"),
        ("thursday", "2026-12-03"),
        ("monday", "2026-11-30"),
        ("yesterday", "2026-12-02"),
        ("-3d", "2026-11-30"),
        ("20/11/2026", "2026-11-20"),
        ("20 nov", "2026-11-20"),
        ("20 déc.", "2025-12-20"),
        ("Dec 3", "2026-12-03"),
        ("1er décembre", "2026-12-01"),
    ],
)
def test_a_closing_date_is_the_last_such_day(deal, ok, rows, on, closed_on):
    result = ok("opp", "status", "1", "won", "--on", on, "--no-follow-up")

    assert result.stdout == ""
    assert result.stderr == (
        f"Opportunity 1 (Website redesign): quote -> won, closed on {closed_on}.\n"
    )
    assert rows(CLOSING) == [{"status": "won", "closed_on": closed_on}]


def test_a_closing_date_follows_the_date_order_setting(deal, ok, rows):
    ok("config", "set", "date-order", "mdy")

    ok("opp", "status", "1", "lost", "--on", "11/20", "--no-follow-up")

    assert rows(CLOSING) == [{"status": "lost", "closed_on": "2026-11-20"}]


@pytest.mark.parametrize(
    ("on", "day"),
    [
        ("next friday", "2026-12-04"),
        ("20/12/2026", "2026-12-20"),
        ("20 dec 2026", "2026-12-20"),
        ("fin de semaine", "2026-12-04"),
        ("next week", "2026-12-07"),
        ("next month", "2027-01-01"),
    ],
)
def test_a_closing_date_said_to_be_ahead_is_still_refused(deal, cli, rows, on, day):
    result = cli("opp", "status", "1", "won", "--on", on, "--no-follow-up")

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: The closing date {day} is in the future: close it on the day it happens.\n"
    )
    assert rows(CLOSING) == [{"status": "quote", "closed_on": None}]


def test_the_follow_up_due_date_stays_the_next_such_day(deal, ok, rows):
    result = ok(
        "opp", "status", "1", "won", "--on", "friday", "--follow-up", "Call",
        "--follow-up-due", "friday",
    )  # fmt: skip

    assert result.stderr == (
        "Opportunity 1 (Website redesign): quote -> won, closed on 2026-11-27.\n"
        "Follow-up task 1 due 2026-12-04: Call\n"
    )
    assert rows(CLOSING) == [{"status": "won", "closed_on": "2026-11-27"}]
    assert rows(TASKS) == [
        {"id": 1, "title": "Call", "due_date": "2026-12-04", "opportunity_id": 1, "done_on": None}
    ]


# --- opp create|edit --created-on: the creation date ------------------------------------------


@pytest.mark.parametrize(
    ("created_on", "day"),
    [
        ("20/11", "2026-11-20"),
        ("20/12", "2025-12-20"),
        ("friday", "2026-11-27"),
        ("thursday", "2026-12-03"),
        ("today", "2026-12-03"),
    ],
)
def test_a_creation_date_is_the_last_such_day_and_the_due_date_the_next(ok, rows, created_on, day):
    ok("account", "add", "ACME Industries")

    result = ok(*CREATE, "--due", "20/11", "--status", "quote", "--created-on", created_on)

    assert result.stderr == (
        "Created opportunity 1: Website redesign (ACME Industries), 15,000 EUR, "
        "due 2027-11-20, quote (40%).\n"
    )
    assert rows(OPPORTUNITY) == [{"created_on": day, "due_date": "2027-11-20"}]


@pytest.mark.parametrize(
    ("created_on", "day"), [("20/11", "2026-11-20"), ("20/12", "2025-12-20"), ("fri", "2026-11-27")]
)
def test_an_edited_creation_date_is_the_last_such_day(deal, ok, rows, created_on, day):
    result = ok("opp", "edit", "1", "--created-on", created_on)

    assert result.stderr == (
        "Updated opportunity 1: Website redesign (ACME Industries), 15,000 EUR, "
        "due 2026-12-31, quote (40%).\n"
    )
    assert rows(OPPORTUNITY) == [{"created_on": day, "due_date": "2026-12-31"}]


def test_a_creation_date_said_to_be_ahead_is_still_refused(deal, cli, rows):
    result = cli("opp", "edit", "1", "--created-on", "next friday")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Invalid creation date 'next friday': it is in the future (2026-12-04).\n"
    )
    assert rows(OPPORTUNITY) == [{"created_on": "2025-06-01", "due_date": "2026-12-31"}]


# --- task done --on: the done date -------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "done_on"),
    [
        ("20/11", "2026-11-20"),
        ("20/12", "2025-12-20"),
        ("friday", "2026-11-27"),
        ("thu", "2026-12-03"),
        ("yesterday", "2026-12-02"),
    ],
)
def test_a_done_date_is_the_last_such_day_and_the_due_date_the_next(ok, rows, on, done_on):
    ok("task", "add", "Send the quote", "--due", "friday")

    result = ok("task", "done", "1", "--on", on)

    assert result.stdout == ""
    assert result.stderr == f"Done: task 1, Send the quote ({done_on}).\n"
    assert rows(TASKS) == [
        {
            "id": 1,
            "title": "Send the quote",
            "due_date": "2026-12-04",
            "opportunity_id": None,
            "done_on": done_on,
        }
    ]


def test_a_done_date_follows_the_date_order_setting(ok, rows):
    ok("config", "set", "date-order", "mdy")
    ok("task", "add", "Send the quote")

    ok("task", "done", "1", "--on", "11/20")

    assert rows("SELECT done_on FROM tasks") == [{"done_on": "2026-11-20"}]


# --- in French ---------------------------------------------------------------------------------


def test_a_french_closing_date_is_the_last_such_day(french, deal, ok, rows):
    result = ok("opp", "status", "1", "gagné", "--on", "vendredi", "--no-follow-up")

    assert result.stderr == (
        "Opportunité 1 (Website redesign) : quote -> won, clôturée le 2026-11-27.\n"
    )
    assert rows(CLOSING) == [{"status": "won", "closed_on": "2026-11-27"}]


def test_a_french_closing_date_said_to_be_ahead_is_still_refused(french, deal, cli, rows):
    result = cli("opp", "status", "1", "perdu", "--on", "vendredi prochain", "--no-follow-up")

    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : La date de clôture 2026-12-04 est dans le futur : "
        "clôturez le jour où cela arrive.\n"
    )
    assert rows(CLOSING) == [{"status": "quote", "closed_on": None}]


def test_a_french_creation_date_is_the_last_such_day(french, ok, rows):
    ok("account", "add", "ACME Industries")

    ok(*CREATE, "--due", "vendredi", "--status", "devis", "--created-on", "vendredi")

    assert rows(OPPORTUNITY) == [{"created_on": "2026-11-27", "due_date": "2026-12-04"}]


def test_a_french_done_date_is_the_last_such_day(french, ok, rows):
    ok("task", "add", "Envoyer le devis", "--due", "vendredi")

    result = ok("task", "done", "1", "--on", "vendredi")

    assert result.stderr == "Faite : tâche 1, Envoyer le devis (2026-11-27).\n"
    assert rows("SELECT due_date, done_on FROM tasks") == [
        {"due_date": "2026-12-04", "done_on": "2026-11-27"}
    ]
