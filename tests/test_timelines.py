"""The timeline of `account show`, `opp show` and `contact show`, and tasks for a contact."""

import json
import sqlite3

import pytest

from colibri_cli.core import migrations
from conftest import database_before
from test_interactive import answer, finish, spawn

STORY = [  # (day, command): a deal's story at ACME, day by day
    ("2026-11-02", ("account", "add", "ACME")),
    ("2026-11-02", ("account", "add", "Globex")),
    ("2026-11-02", ("contact", "add", "Jeanne Martin", "--account", "ACME")),
    ("2026-11-02", ("contact", "add", "Paul Durand", "--account", "Globex")),
    ("2026-11-02", ("opp", "create", "Website", "--account", "ACME", "--amount", "12000",
                    "--due", "2026-12-01", "--status", "quote", "--contact", "Jeanne")),
    ("2026-11-03", ("log", "call", "Talked price", "--contact", "Jeanne", "--on",
                    "2026-11-03 10:30")),
    ("2026-11-03", ("task", "add", "Send the quote", "--contact", "Jeanne")),
    ("2026-11-05", ("opp", "status", "1", "negotiation")),
    ("2026-11-05", ("task", "done", "1")),
    ("2026-11-09", ("task", "add", "Prepare the demo", "--opp", "1")),
    ("2026-11-09", ("task", "done", "2")),
    ("2026-11-09", ("opp", "edit", "1", "--amount", "15000", "--due", "2027-01-15")),
    ("2026-11-10", ("log", "email", "Sent the revised quote", "--opp", "1")),
    ("2026-11-12", ("opp", "edit", "1", "--probability", "80")),
    ("2026-11-12", ("log", "note", "Budget approved", "--account", "ACME")),
    ("2026-11-20", ("task", "add", "Call back", "--contact", "Jeanne", "--due", "2026-11-27")),
]  # fmt: skip


@pytest.fixture
def story(ok, monkeypatch, built_once):
    def build():
        for day, command in STORY:
            monkeypatch.setenv("COLIBRI_TODAY", day)
            ok(*command)
        monkeypatch.setenv("COLIBRI_TODAY", "2026-11-26")

    built_once(build)


def timeline_of(stdout: str, heading: str = "Timeline") -> list[str]:
    """The lines under the card's "Timeline" heading (its count first)."""
    return stdout.split(f"\n{heading} ")[1].splitlines()


ACCOUNT_TIMELINE = [
    "(10)",
    "2026-11-12        note         Budget approved",
    "2026-11-12        probability  Website: 70% → 80%",
    "2026-11-10        email        Sent the revised quote",
    "2026-11-09        amount       Website: 12,000 → 15,000 EUR",
    "2026-11-09        due date     Website: 2026-12-01 → 2027-01-15",
    "2026-11-09        task done    Prepare the demo",
    "2026-11-05        task done    Send the quote",
    "2026-11-05        status       Website: quote → negotiation",
    "2026-11-03 10:30  call         Talked price",
    "2026-11-02        created      Website: quote, 12,000 EUR, due 2026-12-01",
]


# --- the timelines, newest first -----------------------------------------------------------


def test_an_account_timeline_has_its_activities_tasks_done_and_deal_changes(story, ok):
    result = ok("account", "show", "ACME")

    assert result.stderr == ""
    assert timeline_of(result.stdout) == ACCOUNT_TIMELINE


def test_an_opportunity_timeline_is_its_own_and_does_not_repeat_its_name(story, ok):
    result = ok("opp", "show", "1")

    assert result.stderr == ""
    assert timeline_of(result.stdout) == [
        "(7)",
        "2026-11-12  probability  70% → 80%",
        "2026-11-10  email        Sent the revised quote",
        "2026-11-09  amount       12,000 → 15,000 EUR",
        "2026-11-09  due date     2026-12-01 → 2027-01-15",
        "2026-11-09  task done    Prepare the demo",
        "2026-11-05  status       quote → negotiation",
        "2026-11-02  created      quote, 12,000 EUR, due 2026-12-01",
    ]


def test_a_contact_card_lists_their_deals_open_tasks_and_timeline(story, ok):
    """Their activities and tasks done, and the history of their deals: not the account's
    note, nor the email about the deal, nor the task of the deal alone."""
    result = ok("contact", "show", "Jeanne")

    assert result.stderr == ""
    assert result.stdout.split("\n\n", 1)[1] == "\n".join(
        [
            "Opportunities (1)",
            "ID  Name         Amount  Due         Status",
            " 1  Website  15,000 EUR  2027-01-15  negotiation",
            "",
            "Tasks (1)",
            "ID  Task       Due",
            " 3  Call back  2026-11-27",
            "",
            "Timeline (7)",
            "2026-11-12        probability  Website: 70% → 80%",
            "2026-11-09        amount       Website: 12,000 → 15,000 EUR",
            "2026-11-09        due date     Website: 2026-12-01 → 2027-01-15",
            "2026-11-05        task done    Send the quote",
            "2026-11-05        status       Website: quote → negotiation",
            "2026-11-03 10:30  call         Talked price",
            "2026-11-02        created      Website: quote, 12,000 EUR, due 2026-12-01",
            "",
        ]
    )


def test_a_currency_change_and_a_late_close_say_what_happened_and_when(story, ok, rows):
    """A close entered late is on its day; reading the timeline writes nothing."""
    ok("opp", "status", "1", "won", "--on", "2026-11-25", "--no-follow-up")
    ok("opp", "edit", "1", "--currency", "USD")
    history = rows("SELECT * FROM opportunity_history ORDER BY id")

    result = ok("opp", "show", "1", "--timeline", "2")

    assert timeline_of(result.stdout) == [
        "(9)",
        "2026-11-26  amount  15,000 EUR → 15,000 USD",
        "2026-11-25  status  negotiation → won",
    ]
    assert rows("SELECT * FROM opportunity_history ORDER BY id") == history


@pytest.mark.parametrize(
    ("command", "name"),
    [(("account", "show", "ACME"), "account"), (("contact", "show", "1"), "contact")],
)
def test_timeline_n_cuts_and_says_how_many_more(story, ok, command, name):
    cut = ok(*command, "--timeline", "2")
    whole = ok(*command, "--timeline", "10")

    total = 10 if name == "account" else 7
    assert (
        timeline_of(cut.stdout)
        == {
            "account": [
                "(10)",
                "2026-11-12  note         Budget approved",
                "2026-11-12  probability  Website: 70% → 80%",
            ],
            "contact": [
                "(7)",
                "2026-11-12  probability  Website: 70% → 80%",
                "2026-11-09  amount       Website: 12,000 → 15,000 EUR",
            ],
        }[name]
    )
    assert cut.stderr == f"… and {total - 2} more: --timeline {total} shows them all.\n"
    assert len(timeline_of(whole.stdout)) == total + 1
    assert whole.stderr == ""


def test_timeline_0_hides_it_and_the_default_shows_ten(story, ok, monkeypatch):
    hidden = ok("account", "show", "ACME", "--timeline", "0")
    monkeypatch.setenv("COLIBRI_TODAY", "2026-11-26")
    ok("log", "note", "One more", "--account", "ACME")
    default = ok("account", "show", "ACME")

    assert "Timeline" not in hidden.stdout and hidden.stderr == ""
    assert hidden.stdout.endswith(" 3  Call back  2026-11-27\n")
    assert timeline_of(default.stdout) == [
        "(11)",
        "2026-11-26        note         One more",
        *ACCOUNT_TIMELINE[1:-1],
    ]
    assert default.stderr == "… and 1 more: --timeline 11 shows them all.\n"


@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_bad_timeline_count_is_a_usage_error(story, cli, value):
    result = cli("account", "show", "ACME", "--timeline", value)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Invalid value for '--timeline'" in result.stderr


def test_the_timeline_follows_the_date_display_setting(story, ok):
    ok("config", "set", "date-display", "dmy")

    result = ok("opp", "show", "1", "--timeline", "3")

    assert timeline_of(result.stdout) == [
        "(7)",
        "12/11/2026  probability  70% → 80%",
        "10/11/2026  email        Sent the revised quote",
        "09/11/2026  amount       12,000 → 15,000 EUR",
    ]


def test_json_has_the_whole_timeline_as_data(story, ok):
    """The same in every language, whatever --timeline says: values, not words."""
    shown = json.loads(ok("opp", "show", "1", "--timeline", "0", "-f", "json").stdout)

    def change(day, kind, was, now):
        return {
            "date": day,
            "time": None,
            "kind": kind,
            "opportunity_id": 1,
            "opportunity": "Website",
            "text": None,
            "was": was,
            "now": now,
        }

    def event(day, kind, text, time=None, opportunity=None):
        return {
            **change(day, kind, None, None),
            "time": time,
            "text": text,
            "opportunity_id": opportunity and 1,
            "opportunity": opportunity,
        }

    assert shown["timeline"] == [
        change("2026-11-12", "probability", 70, 80),
        event("2026-11-10", "email", "Sent the revised quote", opportunity="Website"),
        change(
            "2026-11-09",
            "amount",
            {"amount": 12000, "currency": "EUR"},
            {"amount": 15000, "currency": "EUR"},
        ),
        change("2026-11-09", "due_date", "2026-12-01", "2027-01-15"),
        event("2026-11-09", "task", "Prepare the demo", opportunity="Website"),
        change("2026-11-05", "status", "quote", "negotiation"),
        change(
            "2026-11-02",
            "created",
            None,
            {"status": "quote", "amount": 12000, "currency": "EUR", "due_date": "2026-12-01"},
        ),
    ]
    contact = json.loads(ok("contact", "show", "Jeanne", "-f", "json").stdout)
    assert [entry["kind"] for entry in contact["timeline"]] == [
        "probability", "amount", "due_date", "task", "status", "call", "created",
    ]  # fmt: skip
    assert contact["timeline"][5]["time"] == "10:30"
    assert [deal["id"] for deal in contact["opportunities"]] == [1]
    assert [task["title"] for task in contact["tasks"]] == ["Call back"]


def test_a_new_account_has_an_empty_timeline(ok):
    ok("account", "add", "Fresh")

    result = ok("account", "show", "Fresh", "-f", "json")

    assert json.loads(result.stdout)["timeline"] == []
    assert ok("account", "show", "Fresh").stdout.endswith("\nTasks (0)\n\nTimeline (0)\n")


def test_a_deal_in_the_trash_leaves_the_account_timeline(story, ok):
    ok("opp", "delete", "1", "--yes")

    result = ok("account", "show", "ACME")

    assert timeline_of(result.stdout) == [
        "(5)",
        "2026-11-12        note       Budget approved",
        "2026-11-10        email      Sent the revised quote",
        "2026-11-09        task done  Prepare the demo",
        "2026-11-05        task done  Send the quote",
        "2026-11-03 10:30  call       Talked price",
    ]


# --- tasks for a contact -----------------------------------------------------------------


def test_a_task_for_a_contact_is_at_their_account(story, ok, rows):
    result = ok("task", "add", "Send the brochure", "--contact", "Paul", "--due", "2026-12-01")

    assert result.stderr == "Added task 4: Send the brochure (Globex), due 2026-12-01.\n"
    [task] = rows("SELECT account_id, contact_id, opportunity_id FROM tasks WHERE id = 4")
    assert task == {"account_id": 2, "contact_id": 2, "opportunity_id": None}
    assert ok("task", "show", "4").stdout.splitlines()[3:5] == [
        "Account  Globex",
        "Contact  Paul Durand",
    ]


def test_task_list_contact_lists_theirs(story, ok):
    open_tasks = ok("task", "list", "--contact", "Jeanne", "-f", "csv").stdout
    every = ok("task", "list", "--all", "--contact", "jeanne martin", "-f", "csv").stdout
    none = ok("task", "list", "--contact", "Paul")

    assert [line.split(",")[1] for line in open_tasks.splitlines()[1:]] == ["Call back"]
    assert [line.split(",")[1] for line in every.splitlines()[1:]] == [
        "Call back",
        "Send the quote",
    ]
    assert none.stdout == ""
    assert none.stderr == "No tasks (open) for this contact.\n"


def test_task_edit_contact_sets_and_unlinks_it(story, ok, rows):
    ok("task", "edit", "2", "--contact", "Jeanne")
    linked = rows("SELECT account_id, contact_id, opportunity_id FROM tasks WHERE id = 2")
    ok("task", "edit", "2", "--contact", "")

    assert linked == [{"account_id": 1, "contact_id": 1, "opportunity_id": 1}]
    assert rows("SELECT account_id, contact_id, opportunity_id FROM tasks WHERE id = 2") == [
        {"account_id": 1, "contact_id": None, "opportunity_id": 1}
    ]


NO_NOBODY = "No contact 'Nobody'. See `colibri contact list`."
OTHER_ACCOUNT = (
    "Contact Paul Durand (id 2) is at another account than the task's: give a contact of that "
    "account, or the contact alone."
)


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["add", "Call", "--contact", "Nobody"], 3, NO_NOBODY),
        (["add", "Call", "--contact", "Paul", "--account", "ACME"], 2, OTHER_ACCOUNT),
        (["add", "Call", "--contact", "Paul", "--opp", "1"], 2, OTHER_ACCOUNT),
        (["edit", "3", "--contact", "Paul"], 2, OTHER_ACCOUNT),
        (
            ["edit", "3", "--account", "Globex"],
            2,
            "Contact Jeanne Martin (id 1) is at another account than the task's: give a contact "
            "of that account, or the contact alone.",
        ),
        (["edit", "3", "--contact", "42"], 3, "No contact '42'. See `colibri contact list`."),
        (["list", "--contact", "Nobody"], 3, NO_NOBODY),
    ],
)  # fmt: skip
def test_a_contact_that_cannot_be_the_tasks_is_refused(story, cli, rows, arguments, code, message):
    before = rows("SELECT * FROM tasks ORDER BY id")

    result = cli("task", *arguments)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM tasks ORDER BY id") == before


def test_a_contact_deleted_leaves_their_tasks_at_the_account(story, ok, rows):
    ok("contact", "delete", "1", "--yes")

    assert rows("SELECT id, account_id, contact_id FROM tasks ORDER BY id") == [
        {"id": 1, "account_id": 1, "contact_id": None},
        {"id": 2, "account_id": 1, "contact_id": None},
        {"id": 3, "account_id": 1, "contact_id": None},
    ]


def test_the_schema_refuses_a_task_for_a_contact_that_does_not_exist(story, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("UPDATE tasks SET contact_id = 99 WHERE id = 1")
    finally:
        conn.close()


# --- the contact of a task moves with the database ------------------------------------------


def test_export_all_import_all_and_restore_keep_the_tasks_contacts(story, ok, cli, tmp_path):
    exported, backup = tmp_path / "all.json", tmp_path / "backup.db"
    ok("export", "all", "-o", str(exported))
    ok("backup", str(backup))
    before = ok("contact", "show", "Jeanne", "-f", "json").stdout
    moved = tmp_path / "moved.db"

    ok("--db", str(moved), "import", "all", str(exported))
    ok("task", "edit", "3", "--contact", "")
    ok("restore", str(backup), "--yes")

    tasks = json.loads(exported.read_text("utf-8"))["tables"]["tasks"]
    assert [task["contact_id"] for task in tasks] == [1, None, 1]
    assert cli("--db", str(moved), "contact", "show", "Jeanne", "-f", "json").stdout == before
    assert ok("contact", "show", "Jeanne", "-f", "json").stdout == before


def test_task_files_carry_the_contact_both_ways(story, ok, rows, tmp_path):
    exported = tmp_path / "tasks.csv"
    ok("export", "tasks", "-o", str(exported))
    ok("task", "delete", "3", "--yes")
    lines = exported.read_text("utf-8").splitlines()

    result = ok("import", "tasks", str(exported))

    assert lines[0].split(",")[8:10] == ["contact", "contact_external_id"]
    assert lines[3].split(",")[:2] == ["Call back", "2026-11-27"]
    assert lines[3].split(",")[8] == "Jeanne Martin"
    assert "1 created, 0 updated, 2 skipped, 0 rejected" in result.stderr
    assert rows("SELECT title, account_id, contact_id FROM tasks WHERE id = 4") == [
        {"title": "Call back", "account_id": 1, "contact_id": 1}
    ]


def test_a_task_file_naming_a_contact_of_another_account_is_refused(story, cli, rows, tmp_path):
    source = tmp_path / "tasks.csv"
    source.write_text("title,account,contact\nCall,ACME,Paul Durand\nMail,,Nobody\n", "utf-8")

    result = cli("import", "tasks", str(source))

    assert result.exit_code != 0
    assert (
        "Contact 'Paul Durand' works at Globex, not at this task's account (ACME)." in result.stderr
    )
    assert "No contact 'Nobody'." in result.stderr
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 3}]


# --- a database of the previous release ----------------------------------------------------


def test_a_database_without_task_contacts_is_brought_up_to_date(db_path, ok, rows):
    """Its tasks keep everything and get no contact; then a task may have one."""
    database = database_before(db_path, migrations.m008_task_contacts)
    database.conn.executescript(
        """
        INSERT INTO accounts (name, created_at, updated_at) VALUES ('ACME', 'x', 'x');
        INSERT INTO contacts (account_id, name, created_at, updated_at)
            VALUES (1, 'Jeanne', 'x', 'x');
        INSERT INTO tasks (title, account_id, done_on, created_at, updated_at)
            VALUES ('Call', 1, '2026-11-20', 'x', 'x');
        """
    )
    database.conn.close()
    before = rows("SELECT * FROM tasks")

    ok("upgrade")
    ok("task", "add", "Visit", "--contact", "Jeanne")

    assert {"name": "m008_task_contacts"} in rows("SELECT name FROM _sqlite_migrations")
    assert rows("SELECT * FROM tasks WHERE id = 1") == [
        {
            **before[0],
            "contact_id": None,
            "due_time": None,
            "every": None,
            "every_from": None,
            "revision": 0,
        }
    ]
    assert rows("SELECT account_id, contact_id FROM tasks WHERE id = 2") == [
        {"account_id": 1, "contact_id": 1}
    ]
    assert timeline_of(ok("account", "show", "ACME").stdout) == [
        "(1)",
        "2026-11-20  task done  Call",
    ]


def test_in_french(story, ok, cli, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    card = ok("account", "show", "ACME", "--timeline", "4")
    refused = cli("task", "add", "Appeler", "--contact", "Paul", "--account", "ACME")

    shown = card.stdout.replace("\u00a0", "~").replace("\u202f", "_")  # the French spaces
    assert timeline_of(shown, "Chronologie") == [
        "(10)",
        "2026-11-12  note         Budget approved",
        "2026-11-12  probabilité  Website : 70~% → 80~%",
        "2026-11-10  e-mail       Sent the revised quote",
        "2026-11-09  montant      Website : 12_000 → 15_000~€",
    ]
    assert card.stderr == "… et 6 de plus : --timeline 10 les affiche toutes.\n"
    assert refused.stderr == (
        "Erreur : Le contact Paul Durand (n° 2) est chez un autre compte que celui de la tâche : "
        "donnez un contact de ce compte, ou le contact seul.\n"
    )


def test_the_task_form_with_a_contact_given_asks_nothing_of_what_the_task_is_for(
    story, rows, db_path
):
    """On a terminal: the contact says it; neither an opportunity nor an account is asked."""
    child = spawn(db_path, "task", "add", "--contact", "Paul")

    answer(child, "  Title: ", "Send the brochure")
    answer(child, "  Due date (- for none): ", "-")
    child.expect_exact("    → none\r\n")
    child.expect_exact("New task: Send the brochure (Globex).")
    answer(child, "Create? [Y/n]: ", "")

    assert finish(child) == "Added task 4: Send the brochure (Globex).\n"
    assert child.exitstatus == 0
    assert rows("SELECT account_id, contact_id FROM tasks WHERE id = 4") == [
        {"account_id": 2, "contact_id": 2}
    ]


def test_a_contact_with_tasks_cannot_move_to_another_account(story, ok, cli, rows):
    """Their tasks would be at one account and they at another."""
    ok("opp", "edit", "1", "--contact", "")

    refused = cli("contact", "edit", "Jeanne", "--account", "Globex")
    ok("task", "edit", "1", "--contact", "")
    ok("task", "edit", "3", "--contact", "")
    moved = ok("contact", "edit", "Jeanne", "--account", "Globex")

    assert refused.exit_code == 4
    assert refused.stderr == (
        "Error: Jeanne Martin is the contact of tasks 1, 3 at ACME: give them another contact "
        'first (colibri task edit ID --contact …, or --contact "").\n'
    )
    assert moved.stderr == "Updated contact Jeanne Martin (id 1) at Globex.\n"
    assert rows("SELECT id, account_id, contact_id FROM tasks ORDER BY id") == [
        {"id": 1, "account_id": 1, "contact_id": None},
        {"id": 2, "account_id": 1, "contact_id": None},
        {"id": 3, "account_id": 1, "contact_id": None},
    ]
