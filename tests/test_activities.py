"""`colibri log` and `colibri activity list|edit|delete`, the database reread."""

import json

import pytest

ACTIVITIES = (
    "SELECT id, kind, summary, happened_on, time_of_day, duration_minutes, account_id, "
    "opportunity_id, contact_id FROM activities ORDER BY id"
)
COLUMNS = [
    "id",
    "kind",
    "happened_on",
    "time_of_day",
    "duration_minutes",
    "summary",
    "account_id",
    "opportunity_id",
    "contact_id",
    "external_id",
    "created_at",
    "updated_at",
]


def activity(
    number, kind, summary, day, time=None, minutes=None, account=1, opp=None, contact=None
):
    return {
        "id": number,
        "kind": kind,
        "summary": summary,
        "happened_on": day,
        "time_of_day": time,
        "duration_minutes": minutes,
        "account_id": account,
        "opportunity_id": opp,
        "contact_id": contact,
    }


@pytest.fixture
def crm(ok, built_once):
    built_once(lambda: build_crm(ok))


def build_crm(ok):
    """ACME (1) with Paul (contact 1) and a deal (opp 1); Globex (2) with Jeanne (contact 2)."""
    ok("account", "add", "ACME")
    ok("account", "add", "Globex")
    ok("contact", "add", "Paul Martin", "--account", "ACME")
    ok("contact", "add", "Jeanne Durand", "--account", "Globex")
    ok("opp", "create", "Website", "-a", "ACME", "--amount", "5k", "--due", "+1m", "-s", "quote")


@pytest.fixture
def logged(crm, ok):
    """Three activities, on three days."""
    ok("log", "call", "Paul: decision next week", "--opp", "1", "--on", "yesterday 10:00",
       "--duration", "20")  # fmt: skip
    ok("log", "email", "Sent the revised quote", "--contact", "Paul", "--on", "2026-11-20")
    ok("log", "meeting", "Demo at Globex", "--account", "Globex", "--duration", "1h30")


def test_log_links_the_implied_account_and_reads_times_and_durations(logged, rows):
    assert rows(ACTIVITIES) == [
        activity(1, "call", "Paul: decision next week", "2026-11-25", "10:00", 20, opp=1),
        activity(2, "email", "Sent the revised quote", "2026-11-20", contact=1),
        activity(3, "meeting", "Demo at Globex", "2026-11-26", minutes=90, account=2),
    ]
    [stamps] = rows("SELECT created_at, updated_at FROM activities WHERE id = 3")
    assert stamps["created_at"] == stamps["updated_at"]
    assert stamps["created_at"].startswith("2026-11-26T")


def test_log_says_what_it_logged(crm, ok):
    result = ok("log", "call", "Called Paul", "--opp", "Website", "--contact", "Paul")
    assert result.stdout == ""
    assert result.stderr == "Logged activity 1: call at ACME, 2026-11-26.\n"
    shown = ok("log", "appel", "Again", "--account", "acme", "--on", "hier 9h", "-f", "json")
    assert shown.stderr == "Logged activity 2: call at ACME, 2026-11-25 09:00.\n"
    data = json.loads(shown.stdout)
    assert list(data) == COLUMNS
    assert (data["id"], data["kind"], data["time_of_day"], data["account_id"]) == (
        2,
        "call",
        "09:00",
        1,
    )


@pytest.mark.parametrize(
    ("on", "day", "time"),
    [
        ("2026-11-03 14:30", "2026-11-03", "14:30"),
        ("2026-11-03T08:05", "2026-11-03", "08:05"),
        ("hier 14h", "2026-11-25", "14:00"),
        ("lundi 9h15", "2026-11-23", "09:15"),
        ("monday", "2026-11-23", None),
        ("20/11", "2026-11-20", None),
        ("20 nov 14h", "2026-11-20", "14:00"),
        ("Nov 3 9:30", "2026-11-03", "09:30"),
        ("1er novembre", "2026-11-01", None),
        ("7:45", "2026-11-26", "07:45"),
    ],
)
def test_on_takes_a_date_with_an_optional_time_of_day(crm, ok, rows, on, day, time):
    ok("log", "note", "Noted", "--account", "ACME", "--on", on)
    [row] = rows("SELECT happened_on, time_of_day FROM activities")
    assert row == {"happened_on": day, "time_of_day": time}


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [
        ("0", 0),
        ("45", 45),
        ("45m", 45),
        ("45 min", 45),
        ("1h", 60),
        ("1h30", 90),
        ("2 h 15", 135),
        ("1:30", 90),
        ("01:30:00", 90),
        ("0:45", 45),
    ],
)
def test_durations(crm, ok, rows, duration, minutes):
    ok("log", "call", "Call", "--account", "ACME", "--duration", duration)
    assert rows("SELECT duration_minutes FROM activities") == [{"duration_minutes": minutes}]


def test_kinds_are_read_in_english_and_french(crm, ok, rows):
    for kind in ("Appel", "courriel", "réunion", "RDV", "Note", "e-mail"):
        ok("log", kind, "Something", "--account", "ACME")
    assert [row["kind"] for row in rows("SELECT kind FROM activities ORDER BY id")] == [
        "call",
        "email",
        "meeting",
        "meeting",
        "note",
        "email",
    ]


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (("call", "Hello"), 2,
         "Give --account, --opp or --contact: an activity is logged at an account."),
        (("fax", "Hello", "--account", "ACME"), 2,
         "Unknown activity kind 'fax': give call, email, meeting or note."),
        (("call", "  ", "--account", "ACME"), 2, "The activity text cannot be empty."),
        (("call", "Hello", "--account", "ACME", "--on", "31/11/2026"), 2,
         "Invalid activity date '31/11/2026': 2026-11 has 30 days."),
        (("call", "Hello", "--account", "ACME", "--on", "soon"), 2,
         "Invalid activity date 'soon': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, "
         "+3d, +2w, +1m or eom."),
        (("call", "Hello", "--account", "ACME", "--on", "yesterday 24:00"), 2,
         "Invalid time of day 'yesterday 24:00': use HH:MM, from 00:00 to 23:59."),
        (("call", "Hello", "--account", "ACME", "--on", "tomorrow"), 2,
         "The activity date 2026-11-27 is in the future: log it once it happened, or plan it "
         "with colibri task add."),
        (("call", "Hello", "--account", "ACME", "--duration", "-5"), 2,
         "Invalid duration '-5': give minutes (45 or 45m) or hours and minutes (1h30), never "
         "below 0."),
        (("call", "Hello", "--account", "ACME", "--duration", "long"), 2,
         "Invalid duration 'long': give minutes (45 or 45m) or hours and minutes (1h30), never "
         "below 0."),
        (("call", "Hello", "--account", "ACME", "--duration", "1:75"), 2,
         "Invalid duration '1:75': give minutes (45 or 45m) or hours and minutes (1h30), never "
         "below 0."),
        (("call", "Hello", "--account", "Initech"), 3,
         "No account 'Initech'. See `colibri account list`."),
        (("call", "Hello", "--opp", "99"), 3, "No opportunity '99'. See `colibri opp list`."),
        (("call", "Hello", "--contact", "Nobody"), 3,
         "No contact 'Nobody'. See `colibri contact list`."),
        (("call", "Hello", "--account", "Globex", "--opp", "1"), 2,
         "Opportunity 1 belongs to another account: give the opportunity alone, its account "
         "goes with it."),
        (("call", "Hello", "--opp", "1", "--contact", "Jeanne"), 2,
         "Contact Jeanne Durand (id 2) is at another account than the activity's: give a "
         "contact of that account, or the contact alone."),
    ],
)  # fmt: skip
def test_bad_logs_are_refused_and_write_nothing(crm, cli, rows, arguments, code, message):
    result = cli("log", *arguments)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM activities") == []


def test_a_contact_name_is_looked_for_at_the_given_account_first(crm, ok, rows):
    ok("contact", "add", "Paul Martin", "--account", "Globex")  # contact 3, Paul's namesake
    ok("log", "call", "Called", "--account", "Globex", "--contact", "Paul Martin")
    assert rows("SELECT account_id, contact_id FROM activities") == [
        {"account_id": 2, "contact_id": 3}
    ]


def test_list_is_newest_first_with_a_table_for_people(logged, ok):
    result = ok("activity", "list")
    assert result.stdout == (
        "ID  When              Kind     Account  Opp.  Contact      Duration  What happened\n"
        " 3  2026-11-26        meeting  Globex                          1h30  Demo at Globex\n"
        " 1  2026-11-25 10:00  call     ACME        1                 20 min  "
        "Paul: decision next week\n"
        " 2  2026-11-20        email    ACME           Paul Martin            "
        "Sent the revised quote\n"
    )


def test_list_csv_and_json_are_complete(logged, ok):
    csv_out = ok("activity", "list", "-f", "csv").stdout.splitlines()
    assert csv_out[0] == ",".join(COLUMNS)
    assert [line.split(",")[:6] for line in csv_out[1:]] == [
        ["3", "meeting", "2026-11-26", "", "90", "Demo at Globex"],
        ["1", "call", "2026-11-25", "10:00", "20", "Paul: decision next week"],
        ["2", "email", "2026-11-20", "", "", "Sent the revised quote"],
    ]
    data = json.loads(ok("activity", "list", "-f", "json").stdout)
    assert [list(item) for item in data] == [COLUMNS] * 3
    assert data[1] | {"created_at": None, "updated_at": None} == {
        "id": 1,
        "kind": "call",
        "happened_on": "2026-11-25",
        "time_of_day": "10:00",
        "duration_minutes": 20,
        "summary": "Paul: decision next week",
        "account_id": 1,
        "opportunity_id": 1,
        "contact_id": None,
        "external_id": None,
        "created_at": None,
        "updated_at": None,
    }


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (("--account", "ACME"), [1, 2]),
        (("--account", "glob"), [3]),
        (("--opp", "1"), [1]),
        (("--opp", "Website"), [1]),
        (("--contact", "Paul"), [2]),
        (("--kind", "réunion"), [3]),
        (("--since", "2026-11-25"), [3, 1]),
        (("--until", "2026-11-25"), [1, 2]),
        (("--since", "20/11", "--until", "yesterday"), [1, 2]),
        (("--search", "QUOTE"), [2]),
        (("--search", "decision", "--account", "ACME", "--kind", "call"), [1]),
    ],
)
def test_list_filters(logged, ok, filters, ids):
    data = json.loads(ok("activity", "list", *filters, "-f", "json").stdout)
    assert [item["id"] for item in data] == ids


def test_list_says_when_nothing_is_there_or_matches(crm, ok):
    empty = ok("activity", "list")
    assert empty.stdout == ""
    assert empty.stderr == (
        'No activities yet. Log one with: colibri log call "TEXT" --account ACCOUNT\n'
    )
    ok("log", "note", "Hello", "--account", "ACME")
    none = ok("activity", "list", "--kind", "call")
    assert none.stderr == "No activity matches.\n"
    assert ok("activity", "list", "--kind", "call", "-f", "json").stdout == "[]\n"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--search", ""], "Invalid value for '--search' / '-s': give some text to look for, or "
         "leave --search out."),
        (["-s", " ", "--kind", "call"], "Invalid value for '--search' / '-s': give some text to "
         "look for, or leave --search out."),
        (["--since", ""], "Invalid value for '--since': give a value, or leave --since out "
         "(empty, it would match everything)."),
        (["--until", " ", "--kind", "call"], "Invalid value for '--until': give a value, or leave "
         "--until out (empty, it would match everything)."),
    ],
)  # fmt: skip
def test_list_refuses_an_empty_filter_that_would_list_everything(logged, cli, options, message):
    result = cli("activity", "list", *options)

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {message} See 'colibri activity list --help'.\n"


@pytest.mark.parametrize(
    ("filters", "code", "message"),
    [
        (("--kind", "fax"), 2, "Unknown activity kind 'fax': give call, email, meeting or note."),
        (("--since", "someday"), 2,
         "Invalid --since date 'someday': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a "
         "weekday, +3d, +2w, +1m or eom."),
        (("--account", "Initech"), 3, "No account 'Initech'. See `colibri account list`."),
        (("--opp", "7"), 3, "No opportunity '7'. See `colibri opp list`."),
        (("--contact", "Nobody"), 3, "No contact 'Nobody'. See `colibri contact list`."),
    ],
)  # fmt: skip
def test_bad_filters_are_refused(logged, cli, filters, code, message):
    result = cli("activity", "list", *filters)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"Error: {message}\n")


def test_edit_changes_text_kind_moment_duration_and_links(logged, ok, rows):
    result = ok("activity", "edit", "1", "--text", "Paul said yes", "--kind", "meeting",
                "--on", "monday 9h30", "--duration", "none")  # fmt: skip
    assert result.stderr == "Updated activity 1: meeting at ACME, 2026-11-23 09:30.\n"
    ok("activity", "edit", "2", "--opp", "Website")
    ok("activity", "edit", "3", "--contact", "Jeanne", "--duration", "2h")
    assert rows(ACTIVITIES) == [
        activity(1, "meeting", "Paul said yes", "2026-11-23", "09:30", None, opp=1),
        activity(2, "email", "Sent the revised quote", "2026-11-20", opp=1, contact=1),
        activity(3, "meeting", "Demo at Globex", "2026-11-26", minutes=120, account=2, contact=2),
    ]
    [stamps] = rows("SELECT created_at, updated_at FROM activities WHERE id = 1")
    assert stamps["updated_at"] > stamps["created_at"]


def test_edit_unlinks_and_moves(logged, ok, rows):
    ok("activity", "edit", "1", "--opp", "")
    ok("activity", "edit", "2", "--contact", "", "--account", "Globex")
    assert rows("SELECT account_id, opportunity_id, contact_id FROM activities ORDER BY id") == [
        {"account_id": 1, "opportunity_id": None, "contact_id": None},
        {"account_id": 2, "opportunity_id": None, "contact_id": None},
        {"account_id": 2, "opportunity_id": None, "contact_id": None},
    ]


def test_edit_in_json(logged, ok):
    result = ok("activity", "edit", "3", "--text", "Demo done", "-f", "json")
    data = json.loads(result.stdout)
    assert list(data) == COLUMNS
    assert (data["id"], data["summary"], data["duration_minutes"]) == (3, "Demo done", 90)


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (("9", "--text", "x"), 3, "No activity '9'. See `colibri activity list`."),
        (("one", "--text", "x"), 3, "No activity 'one'. See `colibri activity list`."),
        (("1",), 2, "Invalid value: give at least one change, e.g. --text \"…\" or --on DATE. "
         "See 'colibri activity edit --help'."),
        (("1", "--kind", "fax"), 2,
         "Unknown activity kind 'fax': give call, email, meeting or note."),
        (("1", "--text", ""), 2, "The activity text cannot be empty."),
        (("1", "--on", "+1w"), 2,
         "The activity date 2026-12-03 is in the future: log it once it happened, or plan it "
         "with colibri task add."),
        (("1", "--duration", "-1h"), 2,
         "Invalid duration '-1h': give minutes (45 or 45m) or hours and minutes (1h30), never "
         "below 0."),
        (("1", "--account", "Globex"), 2,
         "Opportunity 1 belongs to another account: give the opportunity alone, its account "
         "goes with it."),
        (("2", "--opp", "1", "--contact", "Jeanne"), 2,
         "Contact Jeanne Durand (id 2) is at another account than the activity's: give a "
         "contact of that account, or the contact alone."),
        (("2", "--contact", "Nobody"), 3, "No contact 'Nobody'. See `colibri contact list`."),
    ],
)  # fmt: skip
def test_bad_edits_are_refused_and_change_nothing(logged, cli, rows, arguments, code, message):
    before = rows("SELECT * FROM activities ORDER BY id")
    result = cli("activity", "edit", *arguments)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"Error: {message}\n")
    assert rows("SELECT * FROM activities ORDER BY id") == before


def test_delete_confirms_and_deletes(logged, cli, ok, rows):
    refused = cli("activity", "delete", "3")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: Delete activity 3: meeting at Globex, 2026-11-26? Not on a terminal: pass --yes "
        "to confirm.\n"
    )
    assert len(rows("SELECT id FROM activities")) == 3
    done = ok("activity", "delete", "3", "--yes")
    assert done.stderr == "Deleted activity 3: meeting at Globex, 2026-11-26.\n"
    assert [row["id"] for row in rows("SELECT id FROM activities ORDER BY id")] == [1, 2]
    again = cli("activity", "delete", "3", "--yes")
    assert (again.exit_code, again.stderr) == (
        3,
        "Error: No activity '3'. See `colibri activity list`.\n",
    )
    ok("log", "note", "After", "--account", "ACME")
    assert rows("SELECT max(id) AS id FROM activities") == [{"id": 4}]  # 3 is never given again


def test_an_account_deleted_takes_its_activities_and_says_so(logged, ok, rows):
    ok("opp", "delete", "1", "--yes")
    done = ok("account", "delete", "ACME", "--force", "--yes")
    assert done.stderr.endswith(
        "Deleted account 'ACME' (id 1) with 1 opportunity, 1 contact, 2 activities.\n"
    )
    assert [row["id"] for row in rows("SELECT id FROM activities")] == [3]


def test_a_contact_deleted_leaves_the_activity_at_the_account(logged, ok, rows):
    ok("contact", "delete", "Paul Martin", "--yes")
    assert rows("SELECT account_id, contact_id FROM activities WHERE id = 2") == [
        {"account_id": 1, "contact_id": None}
    ]


def test_an_opportunity_in_the_trash_keeps_its_activities(logged, ok, rows):
    ok("opp", "delete", "1", "--yes")
    assert rows("SELECT opportunity_id FROM activities WHERE id = 1") == [{"opportunity_id": 1}]
    assert [item["id"] for item in json.loads(ok("activity", "list", "-f", "json").stdout)] == [
        3,
        1,
        2,
    ]


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE activities SET kind = 'fax'", "CHECK constraint failed"),
        ("UPDATE activities SET summary = ' x'", "CHECK constraint failed"),
        ("UPDATE activities SET happened_on = '2026-11-31'", "CHECK constraint failed"),
        ("UPDATE activities SET time_of_day = '24:00'", "CHECK constraint failed"),
        ("UPDATE activities SET time_of_day = '9:30'", "CHECK constraint failed"),
        ("UPDATE activities SET duration_minutes = -1", "CHECK constraint failed"),
        ("UPDATE activities SET duration_minutes = 1.5", "CHECK constraint failed"),
        ("UPDATE activities SET account_id = NULL", "NOT NULL constraint failed"),
        ("UPDATE activities SET account_id = 99", "FOREIGN KEY constraint failed"),
    ],
)
def test_the_schema_refuses_what_the_commands_refuse(logged, db_path, sql, reason):
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError, match=reason):
        conn.execute(sql)
    conn.close()


def test_in_french(logged, ok, cli, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")
    logged_now = ok("log", "réunion", "Point", "--account", "ACME", "--on", "hier 14h")
    assert logged_now.stderr == "Activité 4 enregistrée : réunion chez ACME, 2026-11-25 14:00.\n"
    listing = ok("activity", "list", "--account", "ACME")
    assert listing.stdout.splitlines()[0].split() == [
        "ID", "Quand", "Type", "Compte", "Opp.", "Contact", "Durée", "Ce", "qui", "s'est", "passé",
    ]  # fmt: skip
    assert " appel " in listing.stdout and "20 min" in listing.stdout
    refused = cli("log", "fax", "x", "--account", "ACME")
    assert refused.stderr == (
        "Erreur : Type d'activité inconnu 'fax' : donnez call, email, meeting ou note.\n"
    )
    missing = cli("log", "call", "x")
    assert missing.stderr == (
        "Erreur : Donnez --account, --opp ou --contact : une activité se note chez un compte.\n"
    )
