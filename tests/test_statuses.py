"""`colibri statuses list|add|edit|delete`: the stages of an opportunity, database reread."""

import json
import sqlite3

import pytest

STATUSES = "SELECT key, label, probability, kind, position FROM statuses ORDER BY position, key"
DEFAULTS = [
    {
        "key": "analysis",
        "label": "Needs analysis",
        "probability": 10,
        "kind": "open",
        "position": 1,
    },
    {"key": "quote", "label": "Quote sent", "probability": 40, "kind": "open", "position": 2},
    {
        "key": "negotiation",
        "label": "Negotiation",
        "probability": 70,
        "kind": "open",
        "position": 3,
    },
    {"key": "won", "label": "Won", "probability": 100, "kind": "won", "position": 4},
    {"key": "lost", "label": "Lost", "probability": 0, "kind": "lost", "position": 5},
    {
        "key": "cancelled",
        "label": "Cancelled",
        "probability": 0,
        "kind": "cancelled",
        "position": 6,
    },
]
PROPOSAL = {
    "key": "proposal",
    "label": "Proposal sent",
    "probability": 50,
    "kind": "open",
    "position": 7,
}


@pytest.fixture(autouse=True)
def database(empty_db):
    """Statuses live in a database: every case here starts from a new, empty one."""
    return empty_db


@pytest.fixture
def deal(ok):
    """Opportunity 1 at ACME, in quote."""
    ok("account", "add", "ACME")
    ok("opp", "create", "Deal", "-a", "ACME", "--amount", "10k", "--due", "eoy", "-s", "quote")


# --- list ------------------------------------------------------------------------------------


def test_list_shows_the_default_stages_in_pipeline_order(ok, rows):
    result = ok("statuses", "list")

    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "#  Key          Label           Prob.  Kind",
            "1  analysis     Needs analysis    10%  open",
            "2  quote        Quote sent        40%  open",
            "3  negotiation  Negotiation       70%  open",
            "4  won          Won              100%  won",
            "5  lost         Lost               0%  lost",
            "6  cancelled    Cancelled          0%  cancelled",
            "",
        ]
    )
    assert rows(STATUSES) == DEFAULTS


def test_list_json_and_csv(ok):
    as_json = ok("statuses", "list", "--format", "json")
    as_csv = ok("statuses", "list", "--format", "csv")

    assert json.loads(as_json.stdout) == [{**status, "stale_days": None} for status in DEFAULTS]
    assert as_csv.stdout.splitlines()[:2] == [
        "key,label,probability,kind,position,stale_days",
        "analysis,Needs analysis,10,open,1,",
    ]


# --- add -------------------------------------------------------------------------------------


def test_add_places_a_new_stage_last(ok, rows):
    result = ok("statuses", "add", "proposal", "--label", "Proposal sent", "--probability", "50")

    assert result.stdout == ""
    assert result.stderr == "Added status proposal (Proposal sent, 50%, open).\n"
    assert rows(STATUSES) == [*DEFAULTS, PROPOSAL]


def test_a_new_stage_can_be_used_at_once(ok, rows):
    ok("statuses", "add", "Démo", "--label", "Demo given", "--probability", "60")
    ok("account", "add", "ACME")

    result = ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", "eoy", "-s", "dem")

    assert rows("SELECT key FROM statuses WHERE position = 7") == [{"key": "demo"}]
    assert result.stderr.endswith("demo (60%).\n")
    assert rows("SELECT status FROM opportunity_history") == [{"status": "demo"}]


def test_add_a_closed_kind(ok, rows):
    result = ok(
        "statuses", "add", "no-decision", "--label", "No decision", "--probability", "0",
        "--kind", "lost",
    )  # fmt: skip

    assert result.stderr == "Added status no-decision (No decision, 0%, lost).\n"
    assert rows("SELECT kind FROM statuses WHERE key = 'no-decision'") == [{"kind": "lost"}]


def test_a_kind_is_read_in_any_case_and_kept_as_its_word(ok, rows):
    result = ok(
        "statuses", "add", "no-decision", "--label", "No decision", "--probability", "0",
        "--kind", "Lost",
    )  # fmt: skip
    ok("statuses", "edit", "analysis", "--kind", "CANCELLED")

    assert result.stderr == "Added status no-decision (No decision, 0%, lost).\n"
    kinds = "SELECT key, kind FROM statuses WHERE key IN ('analysis', 'no-decision') ORDER BY key"
    assert rows(kinds) == [
        {"key": "analysis", "kind": "cancelled"},
        {"key": "no-decision", "kind": "lost"},
    ]


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (
            ["quote", "--label", "Again", "--probability", "5"],
            4,
            "Status 'quote' already exists: edit it with `colibri statuses edit`.",
        ),
        (
            ["Quote", "--label", "Again", "--probability", "5"],
            4,
            "Status 'quote' already exists: edit it with `colibri statuses edit`.",
        ),
        (
            ["my stage", "--label", "x", "--probability", "5"],
            2,
            "Invalid status key 'my stage': use lower-case letters, digits, - or _, "
            "starting with a letter (e.g. proposal).",
        ),
        (
            ["1st", "--label", "x", "--probability", "5"],
            2,
            "Invalid status key '1st': use lower-case letters, digits, - or _, "
            "starting with a letter (e.g. proposal).",
        ),
        (
            ["proposal", "--label", " ", "--probability", "5"],
            2,
            "The status label cannot be empty.",
        ),
        (
            ["proposal", "--label", "x", "--probability", "101"],
            2,
            "Invalid value for '--probability': 101 is not in the range 0<=x<=100. "
            "See 'colibri statuses add --help'.",
        ),
        (
            ["proposal", "--label", "x", "--probability", "-1"],
            2,
            "Invalid value for '--probability': -1 is not in the range 0<=x<=100. "
            "See 'colibri statuses add --help'.",
        ),
        (
            ["proposal", "--label", "x", "--probability", "half"],
            2,
            "Invalid value for '--probability': 'half' is not a valid int range. "
            "See 'colibri statuses add --help'.",
        ),
        (
            ["proposal", "--label", "x", "--probability", "5", "--kind", "pending"],
            2,
            "Invalid value for '--kind': 'pending' is not one of 'open', 'won', 'lost', "
            "'cancelled'. See 'colibri statuses add --help'.",
        ),
        (
            ["proposal", "--probability", "5"],
            2,
            "Missing option '--label'. See 'colibri statuses add --help'.",
        ),
    ],
)
def test_add_refuses_bad_input_and_adds_nothing(ok, cli, rows, arguments, code, message):
    ok("statuses", "list")  # the database exists, so that it can be reread

    result = cli("statuses", "add", *arguments)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows(STATUSES) == DEFAULTS


# --- edit ------------------------------------------------------------------------------------


def test_relabel_and_reweight_a_stage_in_use_keeps_its_key_and_history(deal, ok, rows):
    result = ok("statuses", "edit", "quote", "--label", "Devis envoyé", "--probability", "45")

    assert result.stderr == "Updated status quote (Devis envoyé, 45%, open).\n"
    assert rows("SELECT * FROM statuses WHERE key = 'quote'") == [
        {
            "key": "quote",
            "label": "Devis envoyé",
            "probability": 45,
            "kind": "open",
            "position": 2,
            "stale_days": None,
        }
    ]
    # The deal has no probability of its own: the new one is a new state in its history.
    assert rows(
        "SELECT status, probability, status_probability FROM opportunity_history ORDER BY id"
    ) == [
        {"status": "quote", "probability": None, "status_probability": 40},
        {"status": "quote", "probability": None, "status_probability": 45},
    ]
    shown = json.loads(ok("opp", "show", "1", "--format", "json").stdout)
    assert shown["status"] == "quote"
    assert ok("opp", "list").stdout.splitlines()[1].endswith("  Devis envoyé    45%")  # its label


def test_a_new_label_is_accepted_as_status_input(deal, ok, rows):
    ok("statuses", "edit", "negotiation", "--label", "Closing talks")

    ok("opp", "status", "1", "closing talks")

    assert rows("SELECT status FROM opportunities") == [{"status": "negotiation"}]


def test_change_the_kind_and_position_of_an_unused_stage(ok, rows):
    ok("statuses", "add", "proposal", "--label", "Proposal sent", "--probability", "50")

    result = ok("statuses", "edit", "proposal", "--kind", "cancelled", "--position", "3")

    assert result.stderr == "Updated status proposal (Proposal sent, 50%, cancelled).\n"
    assert rows("SELECT kind, position FROM statuses WHERE key = 'proposal'") == [
        {"kind": "cancelled", "position": 3}
    ]


def test_the_same_kind_again_is_no_change_even_in_use(deal, ok, rows):
    result = ok("statuses", "edit", "quote", "--kind", "open")

    assert result.stderr == "Updated status quote (Quote sent, 40%, open).\n"
    assert rows(STATUSES) == DEFAULTS


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (
            ["quote", "--kind", "won"],
            4,
            "Status 'quote' is in use: its kind cannot change from open to won. "
            "Add a new status instead.",
        ),
        (
            ["analysis", "--kind", "pending"],
            2,
            "Invalid value for '--kind': 'pending' is not one of 'open', 'won', 'lost', "
            "'cancelled'. See 'colibri statuses edit --help'.",
        ),
        (["quote", "--label", ""], 2, "The status label cannot be empty."),
        (
            ["quote", "--probability", "150"],
            2,
            "Invalid value for '--probability': 150 is not in the range 0<=x<=100. "
            "See 'colibri statuses edit --help'.",
        ),
        (["signed", "--probability", "90"], 3, "No status 'signed'. See `colibri statuses list`."),
        (
            ["quote"],
            2,
            "Invalid value: give at least one change, e.g. --probability 50. "
            "See 'colibri statuses edit --help'.",
        ),
    ],
)
def test_edit_refuses_bad_input_and_changes_nothing(deal, cli, rows, arguments, code, message):
    result = cli("statuses", "edit", *arguments)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows(STATUSES) == DEFAULTS


def test_a_status_only_in_history_cannot_change_kind(deal, ok, cli, rows):
    ok("opp", "status", "1", "analysis")
    ok("opp", "status", "1", "negotiation")

    result = cli("statuses", "edit", "analysis", "--kind", "lost")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: Status 'analysis' is in use: its kind cannot change from open to lost. "
        "Add a new status instead.\n"
    )


def test_the_last_open_stage_cannot_change_kind(ok, cli, rows):
    ok("statuses", "delete", "quote", "--yes")
    ok("statuses", "delete", "negotiation", "--yes")

    result = cli("statuses", "edit", "analysis", "--kind", "won")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: Status 'analysis' is the last open status: an opportunity needs one to start in.\n"
    )
    assert rows("SELECT key, kind FROM statuses WHERE kind = 'open'") == [
        {"key": "analysis", "kind": "open"}
    ]


# --- delete ----------------------------------------------------------------------------------


def test_delete_an_unused_stage(ok, rows):
    ok("statuses", "add", "proposal", "--label", "Proposal sent", "--probability", "50")

    result = ok("statuses", "delete", "proposal", "--yes")

    assert result.stdout == ""
    assert result.stderr == "Removed status proposal (Proposal sent, 50%, open).\n"
    assert rows(STATUSES) == DEFAULTS


def test_delete_without_yes_off_a_terminal_removes_nothing(ok, cli, rows):
    ok("statuses", "add", "proposal", "--label", "Proposal sent", "--probability", "50")

    result = cli("statuses", "delete", "proposal")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Remove status proposal (Proposal sent, 50%, open)? "
        "Not on a terminal: pass --yes to confirm.\n"
    )
    assert rows(STATUSES) == [*DEFAULTS, PROPOSAL]


IN_USE = (
    "Error: Status {key!r} is in use by opportunities or their history and cannot be removed. "
    "Relabel it with `colibri statuses edit` instead.\n"
)


def test_a_status_in_use_cannot_be_removed(deal, cli, rows):
    result = cli("statuses", "delete", "quote", "--yes")

    assert result.exit_code == 4
    assert result.stderr == IN_USE.format(key="quote")
    assert rows(STATUSES) == DEFAULTS


def test_a_status_used_only_in_history_cannot_be_removed(deal, ok, cli, rows):
    ok("opp", "status", "1", "won", "--no-follow-up")

    result = cli("statuses", "delete", "quote", "--yes")

    assert result.exit_code == 4
    assert result.stderr == IN_USE.format(key="quote")
    assert rows(STATUSES) == DEFAULTS


def test_the_last_open_stage_cannot_be_removed(ok, cli, rows):
    ok("statuses", "delete", "analysis", "--yes")
    ok("statuses", "delete", "quote", "--yes")

    result = cli("statuses", "delete", "negotiation", "--yes")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: This is the last open status: an opportunity needs one to start in.\n"
    )
    assert [row["key"] for row in rows(STATUSES)] == ["negotiation", "won", "lost", "cancelled"]


def test_delete_an_unknown_status_is_not_found(cli, rows):
    result = cli("statuses", "delete", "signed", "--yes")

    assert result.exit_code == 3
    assert result.stderr == "Error: No status 'signed'. See `colibri statuses list`.\n"
    assert rows(STATUSES) == DEFAULTS


@pytest.mark.parametrize(
    ("key", "position", "order"),
    [
        ("won", 1, ["won", "analysis", "quote", "negotiation", "lost", "cancelled"]),
        ("analysis", 6, ["quote", "negotiation", "won", "lost", "cancelled", "analysis"]),
        ("negotiation", 2, ["analysis", "negotiation", "quote", "won", "lost", "cancelled"]),
        ("quote", 2, ["analysis", "quote", "negotiation", "won", "lost", "cancelled"]),
    ],
)
def test_moving_a_status_renumbers_the_others(empty_db, ok, rows, key, position, order):
    ok("statuses", "edit", key, "--position", str(position))

    assert rows("SELECT key, position FROM statuses ORDER BY position") == [
        {"key": each, "position": number} for number, each in enumerate(order, 1)
    ]


def test_a_move_puts_shared_positions_in_order_again(empty_db, ok, rows):
    """Positions another program left shared (or an older colibri did) are numbered again."""
    conn = sqlite3.connect(empty_db)
    conn.execute("UPDATE statuses SET position = 2 WHERE key IN ('quote', 'negotiation')")
    conn.commit()
    conn.close()

    ok("statuses", "edit", "won", "--position", "4")

    assert [row["key"] for row in rows("SELECT key FROM statuses ORDER BY position")] == [
        "analysis",
        "negotiation",
        "quote",
        "won",
        "lost",
        "cancelled",
    ]
    assert len({row["position"] for row in rows("SELECT position FROM statuses")}) == 6
