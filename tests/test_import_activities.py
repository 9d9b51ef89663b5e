"""`colibri import activities`: the rules of `colibri log`, row by row, all or nothing;
references to accounts, opportunities and contacts; matching, --upsert and the round trip
through `export activities` and `export all`."""

import json

import pytest

ACTIVITIES = (
    "SELECT kind, happened_on, time_of_day, duration_minutes, summary, account_id, "
    "opportunity_id, contact_id, external_id FROM activities ORDER BY id"
)
CALLS = (
    "Type,Date,Time,Duration,Subject,Account,Opportunity,Contact\n"
    "call,2026-11-25,10:00,0:20,Paul: decision next week,,Website,\n"
    "e-mail,20/11/2026,,,Sent the revised quote,,,Paul Martin\n"
    "réunion,2026-11-24,14:30:00,1h30,Demo at Globex,Globex,,\n"
)
MAPPED = (
    "Columns: 'Type' -> kind, 'Date' -> happened_on, 'Time' -> time_of_day, "
    "'Duration' -> duration_minutes, 'Subject' -> summary\n"
)


def activity(kind, day, summary, account, time=None, minutes=None, opp=None, contact=None,
             external_id=None):  # fmt: skip
    return {
        "kind": kind,
        "happened_on": day,
        "time_of_day": time,
        "duration_minutes": minutes,
        "summary": summary,
        "account_id": account,
        "opportunity_id": opp,
        "contact_id": contact,
        "external_id": external_id,
    }


IMPORTED = [
    activity("call", "2026-11-25", "Paul: decision next week", 1, "10:00", 20, opp=1),
    activity("email", "2026-11-20", "Sent the revised quote", 1, contact=1),
    activity("meeting", "2026-11-24", "Demo at Globex", 2, "14:30", 90),
]


@pytest.fixture
def crm(ok):
    """ACME (1) with Paul (contact 1) and Website (opp 1); Globex (2) with Jeanne (contact 2)."""
    ok("account", "add", "ACME")
    ok("account", "add", "Globex")
    ok("contact", "add", "Paul Martin", "--account", "ACME")
    ok("contact", "add", "Jeanne Durand", "--account", "Globex")
    ok("opp", "create", "Website", "-a", "ACME", "--amount", "5k", "--due", "+1m", "-s", "quote")


def test_import_reads_kinds_dates_times_durations_and_implied_accounts(crm, ok, rows):
    result = ok("import", "activities", "-", input=CALLS)

    assert result.stdout == ""
    assert result.stderr == MAPPED + (
        "Imported activities from stdin (comma-separated CSV, UTF-8): "
        "3 created, 0 updated, 0 skipped, 0 rejected.\n"
    )
    assert rows(ACTIVITIES) == IMPORTED
    again = ok("import", "activities", "-", input=CALLS)
    assert again.stderr.endswith("0 created, 0 updated, 3 skipped, 0 rejected.\n")
    assert rows(ACTIVITIES) == IMPORTED


def test_a_dry_run_reports_and_writes_nothing(crm, ok, rows):
    result = ok("import", "activities", "-", "--dry-run", input=CALLS)

    assert result.stderr == MAPPED + (
        "Dry run, nothing written. Importing activities from stdin would give: "
        "3 created, 0 updated, 0 skipped, 0 rejected.\n"
    )
    assert rows(ACTIVITIES) == []


BAD = (
    "kind,happened_on,time_of_day,duration_minutes,summary,account,opportunity,contact\n"
    "visit,2026-11-25,,,Unknown kind,ACME,,\n"
    "call,2026-13-01,,,Bad date,ACME,,\n"
    "call,2026-12-01,,,Future,ACME,,\n"
    "call,2026-11-25,25:00,,Bad time,ACME,,\n"
    "call,2026-11-25,,an hour,Bad duration,ACME,,\n"
    "call,2026-11-25,,,No such account,Initech,,\n"
    "call,2026-11-25,,,No such opp,,Nope,\n"
    "call,2026-11-25,,,No such contact,,,Nobody\n"
    "call,2026-11-25,,,Jeanne is elsewhere,ACME,,Jeanne Durand\n"
    "call,2026-11-25,,,Opp elsewhere,Globex,Website,\n"
    "call,2026-11-25,,,Nowhere,,,\n"
    ",2026-11-25,,,No kind,ACME,,\n"
    "call,,,,No date,ACME,,\n"
    "call,2026-11-25,,,,ACME,,\n"
    "note,2026-11-25,,,Fine,ACME,,\n"
)
WHY = [
    "line 2, kind: Unknown activity kind 'visit': give call, email, meeting or note.",
    "line 3, happened_on: Invalid activity date '2026-13-01': use YYYY-MM-DD, DD/MM/YYYY, "
    "today, tomorrow, a weekday, +3d, +2w, +1m or eom.",
    "line 4, happened_on: The activity date 2026-12-01 is in the future: log it once it "
    "happened, or plan it with colibri task add.",
    "line 5, time_of_day: Invalid time of day '25:00': use HH:MM, from 00:00 to 23:59.",
    "line 6, duration_minutes: Invalid duration 'an hour': give minutes (45 or 45m) or hours "
    "and minutes (1h30), never below 0.",
    "line 7, account: No account 'Initech'. See `colibri account list`.",
    "line 8, opportunity: No opportunity 'Nope'.",
    "line 9, contact: No contact 'Nobody'.",
    "line 10, contact: Contact 'Jeanne Durand' works at Globex, not at this activity's "
    "account (ACME).",
    "line 11, opportunity: No opportunity 'Website' at Globex.",
    "line 12, account: An activity is at an account: give its account, opportunity or contact.",
    "line 13, kind: Missing activity kind: give call, email, meeting or note.",
    "line 14, happened_on: Missing activity date: use YYYY-MM-DD, DD/MM/YYYY, today, "
    "tomorrow, a weekday, +3d, +2w, +1m or eom.",
    "line 15, summary: The activity text cannot be empty.",
    "Hint: 1 account not found; --create-accounts creates the missing ones.",
    "Hint: Empty required values: account (1), kind (1), happened_on (1), summary (1). Fill "
    "them in, or give a value for them all with --default FIELD=VALUE (e.g. --default "
    "account=Unassigned).",
    "Error: Nothing was imported: 14 of 15 rows are invalid (listed above). Fix them, or "
    "import the 1 valid row with --skip-invalid (and --rejects FILE to keep the others).",
]


def test_bad_rows_are_refused_one_by_one_and_nothing_is_written(crm, cli, ok, rows):
    result = cli("import", "activities", "-", input=BAD)

    assert result.exit_code == 2
    assert result.stderr.splitlines() == WHY
    assert rows(ACTIVITIES) == []
    ok("import", "activities", "-", "--skip-invalid", input=BAD)
    assert rows(ACTIVITIES) == [activity("note", "2026-11-25", "Fine", 1)]


def test_a_default_date_to_come_is_refused_as_a_row_s_is(crm, cli, rows):
    text = "kind,summary,account\ncall,Called,ACME\n"

    result = cli("import", "activities", "-", "--default", "happened_on=2026-12-01", input=text)

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Invalid --default happened_on=2026-12-01: The activity date 2026-12-01 is in "
        "the future: log it once it happened, or plan it with colibri task add.\n"
    )
    assert rows(ACTIVITIES) == []


def test_an_opportunity_or_contact_by_external_id_and_its_account(crm, cli, ok, rows):
    ok("opp", "edit", "1", "--external-id", "O-1")
    ok("contact", "edit", "Jeanne", "--external-id", "C-2")
    text = (
        "kind,happened_on,summary,account,opportunity_external_id,contact_external_id\n"
        "call,2026-11-25,Deal by id,,O-1,\n"
        "call,2026-11-25,Jeanne by id,,,C-2\n"
        "call,2026-11-25,Deal elsewhere,Globex,O-1,\n"
        "call,2026-11-25,Unknown deal,,O-9,\n"
        "call,2026-11-25,Unknown contact,,,C-9\n"
    )

    result = cli("import", "activities", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[:3] == [
        "line 4, account: Opportunity 1 belongs to another account: give the opportunity alone, "
        "its account goes with it.",
        "line 5, opportunity_external_id: No opportunity has the external id 'O-9'.",
        "line 6, contact_external_id: No contact has the external id 'C-9'.",
    ]
    assert rows(ACTIVITIES) == []
    ok("import", "activities", "-", "--skip-invalid", input=text)
    assert rows(ACTIVITIES) == [
        activity("call", "2026-11-25", "Deal by id", 1, opp=1),
        activity("call", "2026-11-25", "Jeanne by id", 2, contact=2),
    ]


def test_create_accounts_for_activities_at_new_accounts(crm, cli, ok, rows):
    text = "kind,happened_on,summary,account\nnote,2026-11-25,First contact,Initech\n"

    result = ok("import", "activities", "-", "--create-accounts", input=text)

    assert result.stderr == (
        "Imported activities from stdin (comma-separated CSV, UTF-8): "
        "1 created, 0 updated, 0 skipped, 0 rejected; 1 new account.\n"
    )
    assert rows("SELECT id, name FROM accounts WHERE id = 3") == [{"id": 3, "name": "Initech"}]
    assert rows(ACTIVITIES) == [activity("note", "2026-11-25", "First contact", 3)]


def test_a_row_twice_in_a_file_is_a_duplicate(crm, cli, rows):
    text = (
        "kind,happened_on,summary,account\n"
        "call,2026-11-25,Called Paul,ACME\n"
        "call,2026-11-25,called paul,ACME\n"
    )

    result = cli("import", "activities", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "line 3, summary: An earlier row of this file has the same text ('called paul'), "
        "account, kind, date and time: remove the duplicate, or give each activity its own "
        "external id."
    )
    assert rows(ACTIVITIES) == []


def test_upsert_updates_by_external_id(crm, ok, rows):
    first = "external_id,kind,happened_on,summary,account\nV-1,call,2026-11-25,Called,ACME\n"
    ok("import", "activities", "-", input=first)
    changed = "external_id,kind,duration,summary,opportunity\nV-1,meeting,45,Met Paul,Website\n"

    skipped = ok("import", "activities", "-", "--default", "happened_on=2026-11-25",
                 input=changed)  # fmt: skip
    updated = ok("import", "activities", "-", "--upsert", "--default", "happened_on=2026-11-25",
                 input=changed)  # fmt: skip

    assert skipped.stderr.endswith("0 created, 0 updated, 1 skipped, 0 rejected.\n")
    assert updated.stderr.endswith("0 created, 1 updated, 0 skipped, 0 rejected.\n")
    assert rows(ACTIVITIES) == [
        activity("meeting", "2026-11-25", "Met Paul", 1, minutes=45, opp=1, external_id="V-1")
    ]


def test_export_activities_reads_back_into_another_database(crm, ok, rows, tmp_path):
    ok("import", "activities", "-", input=CALLS)
    files = {}
    for kind in ("accounts", "contacts", "opps", "activities"):
        files[kind] = tmp_path / f"{kind}.json"
        ok("export", kind, "-f", "json", "-o", str(files[kind]))
    exported = json.loads(files["activities"].read_text(encoding="utf-8"))
    other = tmp_path / "other.db"

    for kind, path in files.items():
        ok("--db", str(other), "import", kind, str(path))

    assert [row["summary"] for row in exported] == [row["summary"] for row in IMPORTED]
    assert ok("--db", str(other), "export", "activities", "-f", "json").stdout == (
        files["activities"].read_text(encoding="utf-8")
    )
    again = ok("import", "activities", str(files["activities"]))
    assert again.stderr.endswith("0 created, 0 updated, 3 skipped, 0 rejected.\n")


def test_export_all_and_import_all_carry_the_activities(crm, ok, rows, tmp_path):
    ok("import", "activities", "-", input=CALLS)
    whole = tmp_path / "all.json"
    ok("export", "all", "-o", str(whole))
    moved = tmp_path / "moved.db"

    loaded = ok("--db", str(moved), "import", "all", str(whole))

    assert "3 activities" in loaded.stderr
    listed = ok("--db", str(moved), "activity", "list", "-f", "json").stdout
    assert listed == ok("activity", "list", "-f", "json").stdout
    assert [row["summary"] for row in json.loads(listed)] == [
        "Paul: decision next week",
        "Demo at Globex",
        "Sent the revised quote",
    ]


def test_in_french(crm, cli, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")
    text = "type,date,sujet,compte\nvisite,2026-11-25,Passé voir Paul,ACME\n"

    result = cli("import", "activities", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        "ligne 2, type : Type d'activité inconnu 'visite' : donnez call, email, meeting ou note."
    )
    dry = cli("import", "activities", "-", "--dry-run", input=text.replace("visite", "appel"))
    assert dry.stderr.splitlines()[-1] == (
        "Essai à blanc, rien n'a été écrit. Importer des activités depuis stdin donnerait : "
        "créés : 1, mis à jour : 0, ignorés : 0, rejetés : 0."
    )


def test_contacts_named_are_read_once_not_once_a_row(crm, ok, statements):
    """20,000 rows naming 5,000 contacts took 229 s when each row scanned the contacts."""
    text = "kind,happened_on,summary,contact\n" + "".join(
        f"call,2026-11-25,Call {number},{name}\n"
        for number, name in enumerate(["Paul Martin", "jeanne durand"] * 10)
    )

    ok("import", "activities", "-", input=text)

    assert sum("FROM contacts" in statement for statement in statements) == 1


def test_the_activities_of_a_day_are_read_once_not_once_a_row(crm, ok, rows, statements):
    """Each row folded the summary of every activity of its account, kind and day."""
    text = "kind,happened_on,summary,account\n" + "".join(
        f"call,2026-11-25,Call {number},ACME\n" for number in range(20)
    )

    ok("import", "activities", "-", input=text)

    assert sum("SELECT id, summary FROM activities" in sql for sql in statements) == 1
    assert rows("SELECT count(*) AS n FROM activities") == [{"n": 20}]


def test_a_date_and_time_gives_the_time_of_day_unless_a_column_does(crm, ok, rows):
    text = (
        "kind,date,summary,account\n"
        "call,2026-11-25 10:05,Local time,ACME\n"
        "call,2026-11-24T16:30:00,ISO,ACME\n"
        "call,2026-11-23T09:00:00Z,In UTC: the day only,ACME\n"
        "call,2026-11-22,A day,ACME\n"
    )
    timed = "kind,date,time,summary,account\ncall,2026-11-21 10:05,11:00,The column's,ACME\n"

    ok("import", "activities", "-", input=text)
    ok("import", "activities", "-", input=timed)

    assert [(row["happened_on"], row["time_of_day"]) for row in rows(ACTIVITIES)] == [
        ("2026-11-25", "10:05"),
        ("2026-11-24", "16:30"),
        ("2026-11-23", None),
        ("2026-11-22", None),
        ("2026-11-21", "11:00"),
    ]
    again = ok("import", "activities", "-", input=text)
    assert again.stderr.endswith("0 created, 0 updated, 4 skipped, 0 rejected.\n")


def test_contacts_of_the_same_name(crm, cli, ok, rows):
    ok("contact", "add", "Paul Martin", "--account", "Globex")
    ok("contact", "add", "Jeanne Durand", "--account", "Globex", "--allow-duplicate")
    text = (
        "kind,happened_on,summary,account,contact\n"
        "call,2026-11-25,Paul at ACME,ACME,paul martin\n"
        "call,2026-11-25,Which Paul,,Paul Martin\n"
        "call,2026-11-25,Which Jeanne,Globex,Jeanne Durand\n"
        "call,2026-11-25,Jeanne elsewhere,ACME,Jeanne Durand\n"
    )

    result = cli("import", "activities", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[:3] == [
        "line 3, contact: Several contacts are named 'Paul Martin': give the contact's "
        "external id.",
        "line 4, contact: Several contacts are named 'Jeanne Durand' at Globex.",
        "line 5, contact: Contact 'Jeanne Durand' works at Globex, not at this activity's "
        "account (ACME).",
    ]
    ok("import", "activities", "-", "--skip-invalid", input=text)
    assert rows(ACTIVITIES) == [activity("call", "2026-11-25", "Paul at ACME", 1, contact=1)]


def test_a_file_without_a_header_line_with_columns(crm, ok, rows):
    text = "call,2026-11-25,10:00,Called Paul,Paul Martin\nnote,2026-11-24,,A note,\n"

    result = ok("import", "activities", "-", "--columns", "kind,date,time,summary,contact",
                 "--default", "account=ACME", input=text)  # fmt: skip

    assert result.stderr.endswith("2 created, 0 updated, 0 skipped, 0 rejected.\n")
    assert rows(ACTIVITIES) == [
        activity("call", "2026-11-25", "Called Paul", 1, "10:00", contact=1),
        activity("note", "2026-11-24", "A note", 1),
    ]
