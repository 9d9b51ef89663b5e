"""`colibri opp create|list|show|edit|history|delete` through the real CLI, database reread.

The status command and its follow-up task are in test_status_and_follow_up.py.
"""

import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from colibri_cli.cli.app import app
from conftest import TODAY

STAMP = re.compile(rf"{TODAY}T\d\d:\d\d:\d\d\.\d{{6}}")
HISTORY = (
    "SELECT opportunity_id, status, amount, due_date, probability, currency "
    "FROM opportunity_history ORDER BY id"
)
OPPORTUNITY_COLUMNS = [
    "id",
    "account_id",
    "contact_id",
    "name",
    "amount",
    "currency",
    "due_date",
    "status",
    "probability",
    "source",
    "type",
    "description",
    "tags",
    "notes",
    "created_on",
    "closed_on",
    "close_reason",
    "external_id",
    "created_at",
    "updated_at",
    "renewal_of",
]
NAMED = {"account_id": "account_name", "contact_id": "contact_name", "status": "status_label"}
SHOWN_COLUMNS = [
    *(key for column in OPPORTUNITY_COLUMNS for key in (column, NAMED.get(column)) if key),
    "effective_probability",
    "weighted_amount",
    "overdue",
]
LISTED_COLUMNS = [*SHOWN_COLUMNS, "last_touch", "pushes", "days_pushed"]
"""What listings give scripts: the stored columns with the names beside the ids, the
probability that counts, the amount it weighs, whether the deal is overdue, the day it was
last touched, and how far its due date slipped."""
ESSENTIALS = ("--amount", "15000", "--due", "2026-12-31", "--status", "quote")


ACCOUNTS = (
    ("account", "add", "ACME Industries"),
    ("account", "add", "Beta Corp"),
    ("contact", "add", "Jeanne Martin", "--account", "1"),
    ("contact", "add", "Paul Roy", "--account", "2"),
)


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
    """ACME Industries (1) with Jeanne Martin (contact 1); Beta Corp (2) with Paul Roy (2)."""
    shutil.copyfile(accounts_file, db_path)


def create(ok, name="Website redesign", *options: str, account="ACME Industries"):
    return ok("opp", "create", name, "--account", account, *(options or ESSENTIALS))


def opportunity(rows, opportunity_id: int = 1) -> dict:
    """The opportunity as stored, with the columns its listings publish: it is not in the
    trash (`deleted_at`, kept apart)."""
    [found] = rows("SELECT * FROM opportunities WHERE id = ?", (opportunity_id,))
    assert found.pop("deleted_at") is None
    return found


def history(rows, opportunity_id: int = 1) -> list[dict]:
    return [row for row in rows(HISTORY) if row["opportunity_id"] == opportunity_id]


def state(**changes) -> dict:
    """A history row of opportunity 1 as created by `create`, with `changes`."""
    row = {
        "opportunity_id": 1,
        "status": "quote",
        "amount": 15000,
        "due_date": "2026-12-31",
        "probability": None,
        "currency": "EUR",
    }
    return {**row, **changes}


def nothing_written(rows) -> bool:
    return rows("SELECT id FROM opportunities") == [] and rows(HISTORY) == []


# --- create: every value given -------------------------------------------------------------


def test_create_with_every_value_writes_every_field_and_one_history_row(accounts, ok, rows):
    result = ok(
        "opp",
        "create",
        "Website redesign",
        "--account",
        "ACME Industries",
        "--amount",
        "15 000",
        "--due",
        "31/12/2026",
        "--status",
        "devis",
        "--probability",
        "55%",
        "--contact",
        "Jeanne Martin",
        "--source",
        "Referral",
        "--type",
        "New business",
        "--description",
        "A new web site",
        "--tags",
        "Hot, web,hot",
        "--notes",
        "Met at the fair",
        "--currency",
        "usd",
        "--created-on",
        "2026-11-02",
        "--external-id",
        "CRM-7",
    )

    assert result.stdout == ""
    assert result.stderr == (
        "Created opportunity 1: Website redesign (ACME Industries), 15,000 USD, "
        "due 2026-12-31, quote (55%).\n"
    )
    saved = opportunity(rows)
    created_at, updated_at = saved.pop("created_at"), saved.pop("updated_at")
    assert saved == {
        "id": 1,
        "account_id": 1,
        "contact_id": 1,
        "name": "Website redesign",
        "amount": 15000,
        "currency": "USD",
        "due_date": "2026-12-31",
        "status": "quote",
        "probability": 55,
        "source": "Referral",
        "type": "New business",
        "description": "A new web site",
        "tags": "hot,web",
        "notes": "Met at the fair",
        "created_on": "2026-11-02",
        "closed_on": None,
        "close_reason": None,
        "external_id": "CRM-7",
        "renewal_of": None,
    }
    assert STAMP.fullmatch(created_at), created_at
    assert updated_at == created_at
    # Backdated: the opportunity exists in history from the day it was created.
    assert rows("SELECT * FROM opportunity_history") == [
        {
            "id": 1,
            "opportunity_id": 1,
            "changed_at": "2026-11-02T00:00:00",
            "status": "quote",
            "amount": 15000,
            "due_date": "2026-12-31",
            "probability": 55,
            "currency": "USD",
            "closed_on": None,
            "status_probability": 40,
            "deleted": 0,
        }
    ]


def test_create_with_the_essentials_only_takes_the_defaults(accounts, ok, rows):
    result = create(ok)

    assert result.stderr == (
        "Created opportunity 1: Website redesign (ACME Industries), 15,000 EUR, "
        "due 2026-12-31, quote (40%).\n"
    )
    saved = opportunity(rows)
    assert {key: saved[key] for key in ("currency", "probability", "created_on", "closed_on")} == {
        "currency": "EUR",
        "probability": None,
        "created_on": TODAY,
        "closed_on": None,
    }
    assert saved["contact_id"] is saved["tags"] is saved["notes"] is None
    [first] = rows("SELECT changed_at FROM opportunity_history")
    assert first["changed_at"] == saved["created_at"]
    assert rows(HISTORY) == [state()]


def test_create_takes_the_currency_from_the_setting(accounts, ok, rows):
    ok("config", "set", "currency", "chf")

    create(ok)

    assert opportunity(rows)["currency"] == "CHF"
    assert rows(HISTORY) == [state(currency="CHF")]


@pytest.mark.parametrize(
    ("options", "currency"),
    [
        (("--amount", "15 000 €"), "EUR"),
        (("--amount", "$15,000"), "USD"),
        (("--amount", "15000 GBP"), "GBP"),
        (("--amount", "$15,000", "--currency", "CHF"), "CHF"),
        (("--currency", "CHF", "--amount", "15 000 €"), "CHF"),
    ],
)
def test_a_currency_written_with_the_amount_is_used_unless_one_is_given(
    accounts, ok, rows, options, currency
):
    ok("opp", "create", "Deal", "-a", "1", *options, "--due", "2026-12-31", "--status", "quote")

    assert (opportunity(rows)["amount"], opportunity(rows)["currency"]) == (15000, currency)


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [("10 €", "USD", "EUR"), ("$10", "chf", "USD"), ("10 gbp", "EUR", "GBP")],
)
def test_create_warns_when_the_amount_is_written_in_another_currency_than_given(
    accounts, ok, rows, amount, currency, written
):
    result = ok(
        "opp", "create", "Deal", "-a", "1", "--amount", amount, "--currency", currency,
        "--due", "2026-12-31", "--status", "quote",
    )  # fmt: skip

    code = currency.upper()
    assert result.stdout == ""
    assert result.stderr == (
        f"Warning: The amount {amount!r} is written in {written} but --currency is {code}: "
        f"it is saved as 10 {code}.\n"
        f"Created opportunity 1: Deal (ACME Industries), 10 {code}, due 2026-12-31, "
        "quote (40%).\n"
    )
    assert (opportunity(rows)["amount"], opportunity(rows)["currency"]) == (10, code)
    assert rows(HISTORY) == [state(amount=10, currency=code)]


@pytest.mark.parametrize(
    ("amount", "currency"), [("10 €", "EUR"), ("10 usd", "usd"), ("10", "USD"), ("$10", "")]
)
def test_an_amount_in_the_given_currency_or_in_none_is_no_warning(
    accounts, ok, rows, amount, currency
):
    result = ok(
        "opp", "create", "Deal", "-a", "1", "--amount", amount, "--currency", currency,
        "--due", "2026-12-31", "--status", "quote",
    )  # fmt: skip

    code = currency.upper() or "USD"
    assert result.stderr == (
        f"Created opportunity 1: Deal (ACME Industries), 10 {code}, due 2026-12-31, quote (40%).\n"
    )
    assert opportunity(rows)["currency"] == code


def test_edit_warns_when_the_amount_is_written_in_another_currency_than_given(accounts, ok, rows):
    create(ok)

    result = ok("opp", "edit", "1", "--currency", "USD", "--amount", "18 000 €")

    assert result.stderr == (
        "Warning: The amount '18 000 €' is written in EUR but --currency is USD: "
        "it is saved as 18,000 USD.\n"
        "Updated opportunity 1: Website redesign (ACME Industries), 18,000 USD, due 2026-12-31, "
        "quote (40%).\n"
    )
    assert (opportunity(rows)["amount"], opportunity(rows)["currency"]) == (18000, "USD")


def test_the_currency_warning_speaks_french(accounts, ok, rows, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    result = ok(
        "opp", "create", "Deal", "-a", "1", "--amount", "15 000 €", "--currency", "CHF",
        "--due", "2026-12-31", "--status", "devis",
    )  # fmt: skip

    assert result.stderr.splitlines()[0] == (
        "Attention : Le montant '15 000 €' est écrit en EUR mais --currency dit CHF : "
        "il est enregistré comme 15\u202f000\u00a0CHF."
    )
    assert opportunity(rows)["currency"] == "CHF"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("15000", 15000),
        ("15 000", 15000),
        ("15,000", 15000),
        ("15k", 15000),
        ("1.5M", 1_500_000),
        ("15000.00", 15000),
        ("0", 0),
    ],
)
def test_create_reads_amounts_as_people_write_them(accounts, ok, rows, text, amount):
    result = ok("opp", "create", "Deal", "-a", "1", "--amount", text, "--due", "eoy", "-s", "q")

    assert opportunity(rows)["amount"] == amount
    assert "rounded" not in result.stderr


@pytest.mark.parametrize(
    ("text", "amount", "shown"),
    [("1500.50", 1501, "1,501"), ("1 234,49", 1234, "1,234"), ("2.5", 3, "3")],
)
def test_create_rounds_decimals_half_up_and_says_so(accounts, ok, rows, text, amount, shown):
    result = ok("opp", "create", "Deal", "-a", "1", "--amount", text, "--due", "eoy", "-s", "q")

    assert result.stderr == (
        f"The amount {text!r} was rounded to {shown}.\n"
        f"Created opportunity 1: Deal (ACME Industries), {shown} EUR, due 2026-12-31, "
        "quote (40%).\n"
    )
    assert opportunity(rows)["amount"] == amount
    assert rows(HISTORY) == [state(amount=amount)]


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2026-12-31", "2026-12-31"),
        ("31/12/2026", "2026-12-31"),
        ("31.12.26", "2026-12-31"),
        ("15/01", "2027-01-15"),
        ("today", TODAY),
        ("tomorrow", "2026-11-27"),
        ("friday", "2026-11-27"),
        ("thursday", "2026-12-03"),
        ("+3d", "2026-11-29"),
        ("+2w", "2026-12-10"),
        ("+1m", "2026-12-26"),
        ("+1q", "2027-02-26"),
        ("+1y", "2027-11-26"),
        ("eom", "2026-11-30"),
        ("end of month", "2026-11-30"),
        ("eoq", "2026-12-31"),
        ("eoy", "2026-12-31"),
        ("15 dec", "2026-12-15"),
        ("Dec 15", "2026-12-15"),
        ("15 décembre", "2026-12-15"),
        ("1er janvier", "2027-01-01"),
        ("15 déc. 2027", "2027-12-15"),
        ("next week", "2026-11-30"),
        ("semaine prochaine", "2026-11-30"),
        ("next month", "2026-12-01"),
        ("fin de semaine", "2026-11-27"),
        ("eow", "2026-11-27"),
    ],
)
def test_create_reads_the_due_date_in_any_form(accounts, ok, rows, text, due):
    ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", text, "--status", "quote")

    assert opportunity(rows)["due_date"] == due


def test_the_date_order_setting_decides_how_numeric_dates_are_read(accounts, ok, rows):
    ok("config", "set", "date-order", "mdy")

    ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", "03/04/2027", "-s", "q")

    assert opportunity(rows)["due_date"] == "2027-03-04"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("quote", "quote"),
        ("QUOTE", "quote"),
        ("q", "quote"),
        ("Quote sent", "quote"),
        ("devis", "quote"),
        ("neg", "negotiation"),
        ("négociation", "negotiation"),
        ("Negociation", "negotiation"),
        ("NÉGO", "negotiation"),
        ("analyse", "analysis"),
        ("needs", "analysis"),
        ("w", "won"),
        ("gagnée", "won"),
        ("gagne", "won"),
        ("g", "won"),
        ("perdue", "lost"),
        ("Perdu", "lost"),
        ("annulée", "cancelled"),
        ("annule", "cancelled"),
        ("canc", "cancelled"),
    ],
)
def test_create_reads_a_status_by_key_prefix_label_or_french_name(accounts, ok, rows, text, key):
    ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", "eoy", "--status", text)

    assert opportunity(rows)["status"] == key


@pytest.mark.parametrize("status", ["won", "lost", "cancelled"])
def test_create_in_a_closed_status_is_closed_today(accounts, ok, rows, status):
    result = ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", "eoy", "-s", status)

    saved = opportunity(rows)
    assert (saved["status"], saved["closed_on"]) == (status, TODAY)
    titles = {
        "won": "'Check in with ACME Industries for a new order'",
        "lost": "'Ask ACME Industries what would win the next deal'",
        "cancelled": "'Ask ACME Industries whether the project is back on'",
    }
    assert result.stderr.splitlines()[-1] == (
        f"No follow-up task was scheduled. Add one with: colibri task add {titles[status]} "
        "--opp 1 --due 2027-02-26"
    )


@pytest.mark.parametrize("account", ["1", "ACME Industries", "acme industries", "ACME"])
def test_create_finds_the_account_by_id_name_or_unique_prefix(accounts, ok, rows, account):
    ok("opp", "create", "Deal", "--account", account, *ESSENTIALS)

    assert opportunity(rows)["account_id"] == 1


def test_create_with_format_json_prints_the_saved_opportunity(accounts, ok, rows):
    result = ok("opp", "create", "Deal", "-a", "2", *ESSENTIALS, "--contact", "2", "-f", "json")

    saved = opportunity(rows)
    assert result.stderr == (
        "Created opportunity 1: Deal (Beta Corp), 15,000 EUR, due 2026-12-31, quote (40%).\n"
    )
    assert json.loads(result.stdout) == {
        **saved,
        "account_name": "Beta Corp",
        "contact_name": "Paul Roy",
        "status_label": "Quote sent",
        "effective_probability": 40,
        "weighted_amount": 6000,
        "overdue": False,
    }
    assert list(json.loads(result.stdout)) == SHOWN_COLUMNS


# --- create: what is missing or wrong --------------------------------------------------------


@pytest.mark.parametrize("no_input", [[], ["--no-input"]])
def test_create_without_a_terminal_names_every_missing_field(accounts, cli, rows, no_input):
    result = cli("opp", "create", *no_input)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Cannot create the opportunity: the name is missing; the account is missing; "
        "the amount is missing; the due date is missing; the status is missing.\n"
    )
    assert nothing_written(rows)


def test_create_names_the_missing_and_the_invalid_fields_in_one_message(accounts, cli, rows):
    result = cli(
        "opp",
        "create",
        "Deal",
        "--amount",
        "-5",
        "--due",
        "someday",
        "--probability",
        "150",
        "--currency",
        "EURO",
        "--no-input",
    )

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Cannot create the opportunity: the account is missing; the status is missing; "
        "invalid currency 'EURO': a currency is a three-letter ISO 4217 code such as EUR, USD "
        "or GBP; invalid amount '-5': it cannot be negative; write 0 or more, such as 15000; "
        "invalid due date 'someday': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, "
        "+3d, +2w, +1m or eom; invalid probability '150': give a whole number from 0 to 100.\n"
    )
    assert nothing_written(rows)


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--amount", "", "the amount is missing"),
        ("--amount", "  ", "the amount is missing"),
        (
            "--amount",
            "abc",
            "invalid amount 'abc': write a whole number such as 15000, 15 000, 15k or 1.5M",
        ),
        (
            "--amount",
            "12abc",
            "invalid amount '12abc': write a whole number such as 15000, 15 000, 15k or 1.5M",
        ),
        (
            "--amount",
            "-1 000",
            "invalid amount '-1 000': it cannot be negative; write 0 or more, such as 15000",
        ),
        (
            "--amount",
            "9999999999999999",
            "invalid amount '9999999999999999': it is more than 1,000,000,000,000,000; "
            "check the number of digits",
        ),
        ("--due", "", "the due date is missing"),
        (
            "--due",
            "31/02/2027",
            "invalid due date '31/02/2027': 2027-02 has 28 days",
        ),
        ("--due", "31 feb", "invalid due date '31 feb': the days of that month go from 1 to 29"),
        ("--due", "32 dec", "invalid due date '32 dec': the days of that month go from 1 to 31"),
        ("--due", "29 févr. 2027", "invalid due date '29 févr. 2027': 2027-02 has 28 days"),
        ("--status", "", "the status is missing"),
        (
            "--status",
            "signed",
            "unknown status 'signed'. Choose one of: analysis, quote, negotiation, won, lost, "
            "cancelled",
        ),
        ("--status", "n", "the status 'n' is ambiguous: it could be analysis, negotiation"),
        ("--status", "a", "the status 'a' is ambiguous: it could be analysis, cancelled"),
        (
            "--probability",
            "abc",
            "invalid probability 'abc': give a whole number from 0 to 100",
        ),
        ("--probability", "-1", "invalid probability '-1': give a whole number from 0 to 100"),
        ("--probability", "50.5", "invalid probability '50.5': give a whole number from 0 to 100"),
        (
            "--currency",
            "E1R",
            "invalid currency 'E1R': a currency is a three-letter ISO 4217 code such as EUR, "
            "USD or GBP",
        ),
        (
            "--created-on",
            "yesteryear",
            "invalid creation date 'yesteryear': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom",
        ),
        (
            "--created-on",
            "2026-11-27",
            "invalid creation date '2026-11-27': it is in the future (2026-11-27)",
        ),
        ("--account", "Zeta", "no account 'Zeta'. See `colibri account list`"),
        ("--contact", "Nobody", "no contact 'Nobody'. See `colibri contact list`"),
    ],
)
def test_create_refuses_a_bad_value_naming_the_field(accounts, cli, rows, option, value, problem):
    options = {"--account": "1", "--amount": "15000", "--due": "eoy", "--status": "quote"}
    options[option] = value

    result = cli("opp", "create", "Deal", *(part for pair in options.items() for part in pair))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: Cannot create the opportunity: {problem}.\n"
    assert nothing_written(rows)


def test_an_unknown_account_gets_a_did_you_mean(accounts, cli, rows):
    result = cli("opp", "create", "Deal", "--account", "Acme Indstries", *ESSENTIALS)

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Cannot create the opportunity: no account 'Acme Indstries'. "
        "Did you mean 'ACME Industries'?\n"
    )
    assert nothing_written(rows)


def test_an_ambiguous_account_prefix_is_refused(accounts, ok, cli, rows):
    ok("account", "add", "ACME Logistics")

    result = cli("opp", "create", "Deal", "--account", "acme", *ESSENTIALS)

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Cannot create the opportunity: 'acme' could be several accounts: "
        "ACME Industries (id 1), ACME Logistics (id 3). Give more of the name, or the id.\n"
    )
    assert nothing_written(rows)


def test_create_refuses_a_contact_of_another_account(accounts, cli, rows):
    result = cli("opp", "create", "Deal", "-a", "Beta Corp", "--contact", "Jeanne", *ESSENTIALS)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Contact 'Jeanne Martin' works at ACME Industries, "
        "not at this opportunity's account.\n"
    )
    assert nothing_written(rows)


def test_create_refuses_an_external_id_already_used(accounts, ok, cli, rows):
    create(ok, "First", *ESSENTIALS, "--external-id", "X-1")

    result = cli("opp", "create", "Second", "-a", "1", *ESSENTIALS, "--external-id", "X-1")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: The external id 'X-1' already belongs to opportunity 'First' (id 1).\n"
    )
    assert rows("SELECT id, name FROM opportunities") == [{"id": 1, "name": "First"}]
    assert len(rows(HISTORY)) == 1


# --- warnings --------------------------------------------------------------------------------


def test_create_warns_about_an_open_opportunity_already_past_due_and_with_no_amount(
    accounts, ok, rows
):
    result = ok(
        "opp", "create", "Deal", "-a", "1", "--amount", "0", "--due", "2026-11-25", "-s", "q"
    )

    assert result.stderr == (
        "Warning: Opportunity 1 is open but was due on 2026-11-25: set a new due date or "
        "close it.\n"
        "Warning: Opportunity 1 has an amount of 0: the pipeline and forecast will not count "
        "it.\n"
        "Created opportunity 1: Deal (ACME Industries), 0 EUR, due 2026-11-25, quote (40%).\n"
    )
    assert opportunity(rows)["amount"] == 0


@pytest.mark.parametrize(
    ("options", "warned"),
    [
        (("--amount", "1k", "--due", "2026-11-25", "--status", "won"), False),
        (("--amount", "0", "--due", "2026-11-25", "--status", "lost"), False),
        (("--amount", "1k", "--due", TODAY, "--status", "quote"), False),
        (("--amount", "1", "--due", "2026-11-25", "--status", "quote"), True),
    ],
)
def test_closed_or_current_opportunities_get_no_warning(accounts, ok, options, warned):
    result = ok("opp", "create", "Deal", "-a", "1", *options)

    assert ("Warning:" in result.stderr) is warned


# --- list ------------------------------------------------------------------------------------


PIPELINE = (
    *ACCOUNTS,
    ("account", "add", "Société Générale"),
    ("opp", "create", "Website redesign", "-a", "ACME Industries", *ESSENTIALS,
     "--tags", "web,hot", "--description", "New site"),
    ("opp", "create", "Maintenance", "-a", "ACME Industries", "--amount", "4000",
     "--due", "2026-11-20", "--status", "negotiation", "--created-on", "2026-10-01"),
    ("opp", "create", "Audit", "-a", "Beta Corp", "--amount", "8000", "--currency", "USD",
     "--due", "2027-02-15", "--status", "analysis", "--tags", "audit", "--notes", "Call Marie",
     "--probability", "25"),
    ("opp", "create", "Formation", "-a", "3", "--amount", "12000", "--due", "2026-10-15",
     "--status", "won", "--created-on", "2026-09-01", "--source", "Website"),
    ("opp", "create", "Licences", "-a", "Beta", "--amount", "0", "--due", "2027-01-10",
     "-s", "l", "--reason", "price"),
)  # fmt: skip


@pytest.fixture(scope="module")
def pipeline_file(tmp_path_factory):
    return build(tmp_path_factory, PIPELINE)


@pytest.fixture
def pipeline(pipeline_file, db_path):
    """Five opportunities: two open at ACME (one overdue), one open and one lost at Beta,
    one won at Société Générale."""
    shutil.copyfile(pipeline_file, db_path)


LIST_HEADER = (
    "ID  Name              Account               Amount  Due           Status          Prob."
)
LIST_LINES = {
    4: " 4  Formation         Société Générale  12,000 EUR  2026-10-15    Won              100%",
    2: " 2  Maintenance       ACME Industries    4,000 EUR  2026-11-20 !  Negotiation       70%",
    1: " 1  Website redesign  ACME Industries   15,000 EUR  2026-12-31    Quote sent        40%",
    5: " 5  Licences          Beta Corp              0 EUR  2027-01-10    Lost               0%",
    3: " 3  Audit             Beta Corp          8,000 USD  2027-02-15    Needs analysis    25%",
}
"""The status by its label, as `pipeline` and `opp show` name it; "!" marks the deal that is
overdue (open, due before today), not the one won after its due date."""
OVERDUE_NOTE = "! after a due date: overdue, due before today and still open.\n"
OPEN_TABLE = (
    "ID  Name              Account              Amount  Due           Status          Prob.",
    " 2  Maintenance       ACME Industries   4,000 EUR  2026-11-20 !  Negotiation       70%",
    " 1  Website redesign  ACME Industries  15,000 EUR  2026-12-31    Quote sent        40%",
    " 3  Audit             Beta Corp         8,000 USD  2027-02-15    Needs analysis    25%",
)
"""The open deals, as `opp list` shows them by default."""


OPEN_BY_DEFAULT = "Open opportunities; --all lists the closed ones too.\n"


def test_list_table_shows_the_open_opportunities_by_due_date_and_says_so(pipeline, ok):
    result = ok("opp", "list")

    assert result.stderr == OVERDUE_NOTE + OPEN_BY_DEFAULT
    assert result.stdout == "\n".join([*OPEN_TABLE, ""])


def test_list_all_shows_every_opportunity_by_due_date(pipeline, ok):
    result = ok("opp", "list", "--all")

    assert result.stderr == OVERDUE_NOTE
    assert result.stdout == "\n".join([LIST_HEADER, *LIST_LINES.values(), ""])


def test_the_overdue_mark_is_text_that_no_color_keeps(pipeline, cli):
    result = cli("opp", "list", "--overdue", env={"NO_COLOR": "1"})

    assert result.stdout.splitlines()[1] == (
        " 2  Maintenance  ACME Industries  4,000 EUR  2026-11-20 !  Negotiation    70%"
    )
    assert result.stderr == OVERDUE_NOTE


def test_list_closed_shows_when_and_why_each_one_closed(pipeline, ok):
    result = ok("opp", "list", "--closed")

    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "ID  Name       Account               Amount  Due         Status  Closed      Reason",
            f" 4  Formation  Société Générale  12,000 EUR  2026-10-15  Won     {TODAY}",
            f" 5  Licences   Beta Corp              0 EUR  2027-01-10  Lost    {TODAY}  price",
            "",
        ]
    )


@pytest.mark.parametrize("output", ["json", "csv"])
def test_list_for_scripts_gives_the_same_open_rows_as_the_table_and_says_so(pipeline, ok, output):
    result = ok("opp", "list", "--format", output)

    assert result.stderr == OPEN_BY_DEFAULT
    listed = (
        ids(result)
        if output == "json"
        else [int(line.split(",")[0]) for line in result.stdout.splitlines()[1:]]
    )
    assert listed == [2, 1, 3]


@pytest.mark.parametrize(
    "options",
    [["--open"], ["--closed"], ["--all"], ["--status", "won"], ["--overdue"], ["--deleted"]],
)
def test_list_says_nothing_of_the_default_when_the_state_is_chosen(pipeline, ok, options):
    assert ok("opp", "list", *options, "--format", "json").stderr == ""


def test_list_of_closed_deals_only_says_there_is_no_open_one(pipeline, ok):
    for opportunity_id in ("1", "2", "3"):
        ok("opp", "delete", opportunity_id, "--yes")

    result = ok("opp", "list")

    assert result.stdout == ""
    assert result.stderr == "No open opportunities.\n" + OPEN_BY_DEFAULT


def ids(result) -> list[int]:
    return [row["id"] for row in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], [2, 1, 3]),  # the open ones
        (["--all"], [4, 2, 1, 5, 3]),
        (["--status", "quote"], [1]),
        (["--status", "devis", "-s", "négo"], [2, 1]),
        (["--status", "won", "--status", "perdu"], [4, 5]),
        (["--account", "ACME Industries"], [2, 1]),
        (["-a", "2"], [3]),  # open ones by default
        (["-a", "2", "--all"], [5, 3]),
        (["--open"], [2, 1, 3]),
        (["--closed"], [4, 5]),
        (["--due-before", "2026-12-31", "--all"], [4, 2, 1]),  # on or before
        (["--due-after", "2026-12-31", "--all"], [1, 5, 3]),  # on or after
        (["--due-after", "2026-11-20", "--due-before", "31/01/2027", "--all"], [2, 1, 5]),
        (["--due-before", "eoy", "--open"], [2, 1]),  # the year's last day too
        (["--overdue"], [2]),
        (["--no-next-step"], [2, 1, 3]),  # no deal has a task
        (["--tag", "HOT"], [1]),
        (["--tag", "audit"], [3]),
        (["--tag", "ho"], []),
        (["--search", "marie"], [3]),
        (["--search", "GÉNÉRALE"], []),
        (["--search", "GÉNÉRALE", "--all"], [4]),
        (["--search", "new site"], [1]),
        (["--search", "website", "--all"], [4, 1]),
        (["--open", "--account", "acme", "--search", "main"], [2]),
        (["--sort", "amount"], [2, 3, 1]),
        (["--sort", "amount", "--all"], [5, 2, 3, 4, 1]),
        (["--sort", "amount", "--reverse", "--all"], [1, 4, 3, 2, 5]),
        (["--sort", "name", "--all"], [3, 4, 5, 2, 1]),
        (["--sort", "account", "--all"], [2, 1, 5, 3, 4]),
        (["--sort", "status", "--all"], [3, 1, 2, 4, 5]),
        (["--sort", "created", "--all"], [4, 2, 1, 3, 5]),
        (["--sort", "id", "--reverse", "--all"], [5, 4, 3, 2, 1]),
    ],
)
def test_list_filters_and_sorts(pipeline, ok, options, expected):
    result = ok("opp", "list", *options, "--format", "json")

    assert ids(result) == expected


EMPTY_SEARCH = "give some text to look for, or leave --search out."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--search", ""], f"Invalid value for '--search': {EMPTY_SEARCH}"),
        (["--search", "  ", "--all"], f"Invalid value for '--search': {EMPTY_SEARCH}"),
        (["--tag", ""], "Invalid value for '--tag': give a value, or leave --tag out (empty, it "
         "would match everything)."),
        (["--tag", " "], "Invalid value for '--tag': give a value, or leave --tag out (empty, it "
         "would match everything)."),
        (["--account", ""], "Invalid value for '--account' / '-a': give a value, or leave "
         "--account out (empty, it would match everything)."),
        (["-a", " ", "--closed"], "Invalid value for '--account' / '-a': give a value, or leave "
         "--account out (empty, it would match everything)."),
        (["--due-before", ""], "Invalid value for '--due-before': give a value, or leave "
         "--due-before out (empty, it would match everything)."),
        (["--due-after", " ", "--all"], "Invalid value for '--due-after': give a value, or leave "
         "--due-after out (empty, it would match everything)."),
    ],
)  # fmt: skip
def test_list_refuses_an_empty_filter_that_would_list_everything(pipeline, cli, options, message):
    result = cli("opp", "list", *options, "--format", "json")

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {message} See 'colibri opp list --help'.\n"


def test_list_no_next_step_lists_the_open_deals_without_an_open_task(pipeline, ok):
    ok("task", "add", "Call back", "--opp", "1")  # open: a next step
    ok("task", "add", "Send the quote", "--opp", "2")
    ok("task", "done", "2")  # done: no next step left
    ok("task", "add", "Invoice", "--opp", "4")  # won: closed deals need none

    result = ok("opp", "list", "--no-next-step")

    assert result.stderr == OVERDUE_NOTE
    assert result.stdout == (
        "ID  Name         Account             Amount  Due           Status          Prob."
        "  Last touch\n"
        " 2  Maintenance  ACME Industries  4,000 EUR  2026-11-20 !  Negotiation       70%"
        "  2026-11-26\n"  # the task done
        " 3  Audit        Beta Corp        8,000 USD  2027-02-15    Needs analysis    25%\n"
    )


def test_list_no_next_step_leaves_out_the_deals_in_the_trash(pipeline, ok):
    ok("opp", "delete", "3", "--yes")

    result = ok("opp", "list", "--no-next-step", "--format", "json")

    assert ids(result) == [2, 1]


def test_list_csv_is_complete_and_keyed_by_the_column_names(pipeline, ok, rows):
    result = ok("opp", "list", "--status", "analysis", "--format", "csv")

    saved = opportunity(rows, 3)
    assert result.stdout == (
        ",".join(LISTED_COLUMNS) + "\n"
        f"3,2,Beta Corp,,,Audit,8000,USD,2027-02-15,analysis,Needs analysis,25,,,,audit,"
        f"Call Marie,{TODAY},,,,{saved['created_at']},{saved['updated_at']},,25,2000,false,,0,0\n"
    )


def test_list_json_has_every_column(pipeline, ok, rows):
    result = ok("opp", "list", "--overdue", "--format", "json")

    assert json.loads(result.stdout) == [
        {
            **opportunity(rows, 2),
            "account_name": "ACME Industries",
            "contact_name": None,
            "status_label": "Negotiation",
            "effective_probability": 70,
            "weighted_amount": 2800,
            "overdue": True,  # open, due 2026-11-20
            "last_touch": None,
            "pushes": 0,
            "days_pushed": 0,
        }
    ]
    assert list(json.loads(result.stdout)[0]) == LISTED_COLUMNS


def test_list_json_weighs_each_deal_at_the_probability_that_counts(pipeline, ok):
    ok("opp", "create", "Rounded up", "-a", "1", "--amount", "4001", "--due", "2027-03-01",
       "--status", "negotiation")  # fmt: skip
    ok("opp", "create", "Half", "-a", "1", "--amount", "5", "--due", "2027-03-02",
       "--status", "analysis")  # fmt: skip

    result = ok("opp", "list", "--all", "--format", "json")

    assert {
        row["id"]: (row["effective_probability"], row["weighted_amount"], row["overdue"])
        for row in json.loads(result.stdout)
    } == {
        4: (100, 12000, False),  # won: due before today, but closed, so not overdue
        2: (70, 2800, True),  # open and due 2026-11-20
        1: (40, 6000, False),
        5: (0, 0, False),  # lost
        3: (25, 2000, False),  # its own probability
        6: (70, 2801, False),  # 2,800.7 rounded half-up
        7: (10, 1, False),  # 0.5 rounded half-up
    }


def test_list_table_with_filters(pipeline, ok):
    result = ok("opp", "list", "--open", "--sort", "amount", "--reverse")

    header, maintenance, website, audit = OPEN_TABLE
    assert result.stdout == "\n".join([header, website, audit, maintenance, ""])


def test_list_says_when_nothing_matches(pipeline, ok):
    result = ok("opp", "list", "--tag", "nothing")

    assert result.stdout == ""
    assert result.stderr == "No opportunity matches these filters.\n" + OPEN_BY_DEFAULT


def test_list_of_an_empty_database_says_how_to_start(empty_db, ok):
    result = ok("opp", "list")

    assert result.stdout == ""
    assert result.stderr == "No opportunities yet. Create one with: colibri opp create\n"


@pytest.mark.parametrize("output", ["json", "csv"])
def test_an_empty_list_is_still_valid_data(empty_db, ok, output):
    result = ok("opp", "list", "--format", output)

    assert result.stdout == ("[]\n" if output == "json" else ",".join(LISTED_COLUMNS) + "\n")


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (
            ["--open", "--closed"],
            2,
            "Invalid value: --open and --closed exclude each other: choose one. "
            "See 'colibri opp list --help'.",
        ),
        (
            ["--all", "--closed"],
            2,
            "Invalid value: --closed and --all exclude each other: choose one. "
            "See 'colibri opp list --help'.",
        ),
        (
            ["--overdue", "--all"],
            2,
            "Invalid value: --overdue lists open opportunities: it excludes --all. "
            "See 'colibri opp list --help'.",
        ),
        (
            ["--no-next-step", "--closed"],
            2,
            "Invalid value: --no-next-step lists open opportunities: it excludes --closed. "
            "See 'colibri opp list --help'.",
        ),
        (
            ["--sort", "size"],
            2,
            "Invalid value for '--sort': 'size' is not one of 'due', 'amount', 'name', "
            "'account', 'status', 'created', 'id'. See 'colibri opp list --help'.",
        ),
        (
            ["--status", "signed"],
            2,
            "Unknown status 'signed'. Choose one of: analysis, quote, negotiation, won, lost, "
            "cancelled.",
        ),
        (
            ["--due-before", "soon"],
            2,
            "Invalid due-before date 'soon': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
        (
            ["--due-after", "32/01/2027"],
            2,
            "Invalid due-after date '32/01/2027': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
        (["--account", "Zeta"], 3, "No account 'Zeta'. See `colibri account list`."),
        (
            ["--account", "Beta Crop"],
            3,
            "No account 'Beta Crop'. Did you mean 'Beta Corp'?",
        ),
        (
            ["--format", "xml"],
            2,
            "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'csv', 'json'. "
            "See 'colibri opp list --help'.",
        ),
    ],
)
def test_list_refuses_bad_options(pipeline, cli, options, code, message):
    result = cli("opp", "list", *options)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"


# --- show and history ------------------------------------------------------------------------


def minute(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def test_show_table_has_the_card_the_history_and_the_tasks(pipeline, ok, rows):
    ok("task", "add", "Send the quote", "--opp", "1", "--due", "2026-12-01")
    ok("task", "add", "Kickoff", "--opp", "1")
    ok("task", "done", "2")
    ok("opp", "edit", "1", "--amount", "18k")

    result = ok("opp", "show", "1")

    saved = opportunity(rows)
    first, second = rows("SELECT changed_at FROM opportunity_history WHERE opportunity_id = 1")
    card = [
        ("ID", "1"),
        ("Name", "Website redesign"),
        ("Account", "ACME Industries"),
        ("Amount", "18,000 EUR"),
        ("Due", "2026-12-31"),
        ("Status", "Quote sent"),
        ("Probability", "40%"),
        ("Description", "New site"),
        ("Tags", "web,hot"),
        ("Due date pushed", "never"),
        ("Last touch", TODAY),  # the Kickoff done
        ("Created on", TODAY),
        ("Updated", minute(saved["updated_at"])),
    ]
    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            *(f"{label:<15}  {value}" for label, value in card),
            "",
            "History (2)",
            "Changed           Status      Amount  Due         Prob.",
            f"{minute(first['changed_at'])}  quote   15,000 EUR  2026-12-31    40%",
            f"{minute(second['changed_at'])}  quote   18,000 EUR  2026-12-31    40%",
            "",
            "Tasks (2)",
            "ID  Task            Due         Done",
            " 1  Send the quote  2026-12-01",
            f" 2  Kickoff                     {TODAY}",
            "",
            "Timeline (3)",
            f"{TODAY}  amount     15,000 → 18,000 EUR",
            f"{TODAY}  task done  Kickoff",
            f"{TODAY}  created    quote, 15,000 EUR, due 2026-12-31",
            "",
        ]
    )


def test_show_json_has_every_column_the_history_and_the_tasks(pipeline, ok, rows):
    ok("task", "add", "Plan the training", "--opp", "Formation")

    result = ok("opp", "show", "Formation", "--format", "json")

    shown = json.loads(result.stdout)
    assert list(shown) == [*LISTED_COLUMNS, "renewed_by", "history", "tasks", "timeline"]
    assert (shown["pushes"], shown["days_pushed"]) == (0, 0)
    assert {key: shown[key] for key in OPPORTUNITY_COLUMNS} == opportunity(rows, 4)
    assert shown["effective_probability"] == 100  # won
    assert shown["closed_on"] == TODAY
    assert shown["history"] == rows("SELECT * FROM opportunity_history WHERE opportunity_id = 4")
    assert shown["history"][0]["changed_at"] == "2026-09-01T00:00:00"
    assert shown["tasks"] == rows("SELECT * FROM tasks")
    assert shown["tasks"][0]["opportunity_id"] == 4


@pytest.mark.parametrize("command", ["show", "history", "delete"])
@pytest.mark.parametrize("ref", ["99", "Nothing"])
def test_an_unknown_opportunity_is_not_found(pipeline, cli, rows, command, ref):
    result = cli("opp", command, ref, *(["--yes"] if command == "delete" else []))

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"Error: No opportunity {ref!r}. See `colibri opp list`.\n"
    assert len(rows("SELECT id FROM opportunities")) == 5


def test_history_lists_every_state_in_order(accounts, ok, rows):
    create(ok)
    ok("opp", "edit", "1", "--amount", "18k", "--due", "2027-01-31")
    ok("opp", "status", "1", "negotiation")

    result = ok("opp", "history", "1")

    first, second, third = (
        row["changed_at"] for row in rows("SELECT changed_at FROM opportunity_history ORDER BY id")
    )
    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "Changed           Status           Amount  Due         Prob.",
            f"{minute(first)}  quote        15,000 EUR  2026-12-31    40%",
            f"{minute(second)}  quote        18,000 EUR  2027-01-31    40%",
            f"{minute(third)}  negotiation  18,000 EUR  2027-01-31    70%",
            "",
        ]
    )


def test_history_json_and_csv_are_the_rows_as_stored(accounts, ok, rows):
    create(ok, "Website redesign", *ESSENTIALS, "--probability", "30")

    as_json = ok("opp", "history", "1", "--format", "json")
    as_csv = ok("opp", "history", "Website redesign", "--format", "csv")

    [row] = rows("SELECT * FROM opportunity_history")
    assert json.loads(as_json.stdout) == [row]
    assert as_csv.stdout == (
        "id,opportunity_id,changed_at,status,amount,due_date,probability,currency,closed_on,"
        "status_probability,deleted\n"
        f"1,1,{row['changed_at']},quote,15000,2026-12-31,30,EUR,,40,0\n"
    )


# --- edit, and the history rows every change writes --------------------------------------------


@pytest.mark.parametrize(
    ("options", "changed", "summary"),
    [
        (("--amount", "18k"), {"amount": 18000}, "18,000 EUR, due 2026-12-31, quote (40%)"),
        (("--due", "eom"), {"due_date": "2026-11-30"}, None),
        (("--due", "+1m"), {"due_date": "2026-12-26"}, "15,000 EUR, due 2026-12-26, quote (40%)"),
        (("--probability", "55"), {"probability": 55}, "15,000 EUR, due 2026-12-31, quote (55%)"),
        (("--currency", "gbp"), {"currency": "GBP"}, "15,000 GBP, due 2026-12-31, quote (40%)"),
        (("--amount", "20 000 $"), {"amount": 20000, "currency": "USD"}, None),
        (
            ("--amount", "16k", "--due", "2027-01-15", "--probability", "50", "--currency", "CHF"),
            {"amount": 16000, "due_date": "2027-01-15", "probability": 50, "currency": "CHF"},
            "16,000 CHF, due 2027-01-15, quote (50%)",
        ),
    ],
)
def test_each_change_of_an_essential_writes_one_full_state_history_row(
    accounts, ok, rows, options, changed, summary
):
    create(ok)

    result = ok("opp", "edit", "1", *options)

    saved = opportunity(rows)
    if summary:
        assert result.stderr == (
            f"Updated opportunity 1: Website redesign (ACME Industries), {summary}.\n"
        )
    assert {key: saved[key] for key in changed} == changed
    assert history(rows) == [state(), state(**changed)]
    last = rows("SELECT changed_at FROM opportunity_history ORDER BY id DESC LIMIT 1")[0]
    assert last["changed_at"] == saved["updated_at"]


def test_clearing_the_probability_override_is_a_change_in_history(accounts, ok, rows):
    create(ok, "Website redesign", *ESSENTIALS, "--probability", "55")

    result = ok("opp", "edit", "1", "--probability", "")

    assert result.stderr.endswith("quote (40%).\n")
    assert history(rows) == [state(probability=55), state()]


def test_a_probability_equal_to_the_statuss_is_not_an_override(accounts, ok, rows):
    create(ok, "Website redesign", *ESSENTIALS, "--probability", "40%")  # quote's own
    create(ok, "Audit", *ESSENTIALS, "--probability", "55")
    ok("opp", "edit", "2", "--probability", "40")

    ok("opp", "status", "1", "negotiation")
    ok("opp", "status", "2", "negotiation")

    assert rows("SELECT id, probability FROM opportunities ORDER BY id") == [
        {"id": 1, "probability": None},
        {"id": 2, "probability": None},
    ]  # both follow their status: 70% in negotiation


@pytest.mark.parametrize(
    ("option", "value", "column", "stored"),
    [
        ("--notes", "Call on Monday", "notes", "Call on Monday"),
        ("--name", "Web site", "name", "Web site"),
        ("--source", "Fair", "source", "Fair"),
        ("--type", "Renewal", "type", "Renewal"),
        ("--description", "Pages", "description", "Pages"),
        ("--tags", "B, a ,b", "tags", "b,a"),
        ("--contact", "Jeanne Martin", "contact_id", 1),
        ("--external-id", "E-1", "external_id", "E-1"),
        ("--created-on", "2026-11-01", "created_on", "2026-11-01"),
    ],
)
def test_other_edits_write_no_history_row(accounts, ok, rows, option, value, column, stored):
    create(ok)

    ok("opp", "edit", "1", option, value)

    assert opportunity(rows)[column] == stored
    assert history(rows) == [state()]


def test_an_edit_with_the_same_values_writes_no_history_row(accounts, ok, rows):
    create(ok)

    ok("opp", "edit", "1", "--amount", "15 000", "--due", "31/12/2026", "--currency", "eur")

    assert history(rows) == [state()]


def test_edit_clears_an_optional_field_with_empty_text(accounts, ok, rows):
    create(ok, "Website redesign", *ESSENTIALS, "--notes", "x", "--tags", "a", "--contact", "1")

    ok("opp", "edit", "1", "--notes", "", "--tags", " ", "--contact", "")

    saved = opportunity(rows)
    assert (saved["notes"], saved["tags"], saved["contact_id"]) == (None, None, None)


def test_edit_moves_the_opportunity_to_another_account(accounts, ok, rows):
    create(ok)

    result = ok("opp", "edit", "1", "--account", "Beta", "--contact", "Paul Roy")

    assert result.stderr == (
        "Updated opportunity 1: Website redesign (Beta Corp), 15,000 EUR, due 2026-12-31, "
        "quote (40%).\n"
    )
    assert (opportunity(rows)["account_id"], opportunity(rows)["contact_id"]) == (2, 2)


def test_moving_to_another_account_moves_the_opportunity_s_tasks_not_the_others(accounts, ok, rows):
    create(ok)
    ok("task", "add", "Send the quote", "--opp", "1")
    ok("task", "add", "Visit", "--account", "ACME Industries")

    ok("opp", "edit", "1", "--account", "Beta Corp")

    assert rows("SELECT title, opportunity_id, account_id FROM tasks ORDER BY id") == [
        {"title": "Send the quote", "opportunity_id": 1, "account_id": 2},
        {"title": "Visit", "opportunity_id": None, "account_id": 1},
    ]


def test_edit_warns_when_the_new_due_date_is_past(accounts, ok, rows):
    create(ok)

    result = ok("opp", "edit", "1", "--due", "yesterday")

    assert result.stderr == (
        "Warning: Opportunity 1 is open but was due on 2026-11-25: set a new due date or "
        "close it.\n"
        "Updated opportunity 1: Website redesign (ACME Industries), 15,000 EUR, due 2026-11-25, "
        "quote (40%).\n"
    )


def test_edit_with_format_json_prints_the_record(accounts, ok, rows):
    create(ok)

    result = ok("opp", "edit", "1", "--notes", "n", "--format", "json")

    assert json.loads(result.stdout) == {
        **opportunity(rows),
        "account_name": "ACME Industries",
        "contact_name": None,
        "status_label": "Quote sent",
        "effective_probability": 40,
        "weighted_amount": 6000,
        "overdue": False,
    }


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (["--amount", ""], 2, "The amount cannot be cleared: it is required."),
        (["--due", " "], 2, "The due date cannot be cleared: it is required."),
        (["--name", ""], 2, "The name cannot be cleared: it is required."),
        (["--account", ""], 2, "The account cannot be cleared: it is required."),
        (["--currency", ""], 2, "The currency cannot be cleared: it is required."),
        (["--created-on", ""], 2, "The creation date cannot be cleared: it is required."),
        (
            ["--amount", "lots"],
            2,
            "Invalid amount 'lots': write a whole number such as 15000, 15 000, 15k or 1.5M.",
        ),
        (
            ["--amount", "-1", "--due", "never", "--probability", "101"],
            2,
            "Invalid amount '-1': it cannot be negative; write 0 or more, such as 15000; "
            "invalid due date 'never': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, "
            "+3d, +2w, +1m or eom; invalid probability '101': give a whole number from 0 to 100.",
        ),
        (
            ["--currency", "euros"],
            2,
            "Invalid currency 'euros': a currency is a three-letter ISO 4217 code such as EUR, "
            "USD or GBP.",
        ),
        (
            ["--created-on", "+1d"],
            2,
            "Invalid creation date '+1d': it is in the future (2026-11-27).",
        ),
        (
            ["--contact", "Paul Roy"],
            2,
            "Contact 'Paul Roy' works at Beta Corp, not at this opportunity's account.",
        ),
        (
            ["--account", "Beta Corp"],
            2,
            "Contact 'Jeanne Martin' works at ACME Industries, not at this opportunity's account.",
        ),
        (["--account", "Gamma"], 2, "No account 'Gamma'. See `colibri account list`."),
        (
            [],
            2,
            "Invalid value: give at least one field to change, e.g. --amount 18k. "
            "See 'colibri opp edit --help'.",
        ),
        (
            ["--status", "won"],
            2,
            "Invalid value: the status has its own command: colibri opp status 1 won. "
            "See 'colibri opp edit --help'.",
        ),
    ],
)
def test_edit_refuses_bad_values_and_changes_nothing(
    accounts, ok, cli, rows, options, code, message
):
    create(ok, "Website redesign", *ESSENTIALS, "--contact", "Jeanne Martin")
    before = opportunity(rows)

    result = cli("opp", "edit", "1", *options)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert opportunity(rows) == before
    assert history(rows) == [state()]


def test_edit_of_an_unknown_opportunity_is_not_found(accounts, cli):
    result = cli("opp", "edit", "7", "--amount", "1k")

    assert result.exit_code == 3
    assert result.stderr == "Error: No opportunity '7'. See `colibri opp list`.\n"


# --- delete ----------------------------------------------------------------------------------


def test_delete_with_yes_moves_the_opportunity_to_the_trash_with_its_history(accounts, ok, rows):
    create(ok)
    create(ok, "Other")
    ok("opp", "edit", "1", "--amount", "16k")
    ok("task", "add", "Call back", "--opp", "1", "--due", "tomorrow")

    result = ok("opp", "delete", "1", "--yes")

    assert result.stdout == ""
    assert result.stderr == (
        "Moved opportunity 1: Website redesign (ACME Industries), 16,000 EUR, "
        "due 2026-12-31, quote (40%) to the trash.\n"
        "Past forecasts still count it. Bring it back with: colibri opp restore 1\n"
    )
    assert rows("SELECT id FROM opportunities WHERE deleted_at IS NULL") == [{"id": 2}]
    [trashed] = rows("SELECT deleted_at, updated_at FROM opportunities WHERE id = 1")
    assert trashed["deleted_at"] == trashed["updated_at"]
    assert trashed["deleted_at"].startswith(TODAY)
    assert rows("SELECT opportunity_id, amount, deleted FROM opportunity_history ORDER BY id") == [
        {"opportunity_id": 1, "amount": 15000, "deleted": 0},
        {"opportunity_id": 2, "amount": 15000, "deleted": 0},
        {"opportunity_id": 1, "amount": 16000, "deleted": 0},
        {"opportunity_id": 1, "amount": 16000, "deleted": 1},
    ]  # the deletion is a state of the deal in its history, the rows before untouched
    assert rows("SELECT id, title, opportunity_id, account_id FROM tasks") == [
        {"id": 1, "title": "Call back", "opportunity_id": 1, "account_id": 1}
    ]  # kept with the account, and with the deal should it come back
    assert ok("opp", "list", "--format", "csv").stdout.count("\n") == 2  # header + Other


def test_a_deal_in_the_trash_is_not_overdue_as_the_pipeline_does_not_count_it(pipeline, ok):
    ok("opp", "delete", "Maintenance", "--yes")  # open, due 2026-11-20

    listed = ok("opp", "list", "--deleted")
    trash = json.loads(ok("opp", "list", "--deleted", "--format", "json").stdout)

    assert "!" not in listed.stdout
    assert listed.stderr == ""
    assert [(deal["id"], deal["overdue"]) for deal in trash] == [(2, False)]


def test_a_deal_in_the_trash_is_listed_apart_restored_as_it_was_or_purged(accounts, ok, cli, rows):
    create(ok)
    ok("opp", "delete", "1", "--yes")

    shown = cli("opp", "show", "1")
    assert shown.exit_code == 3
    assert shown.stderr == (
        "Error: Opportunity 1 is in the trash: bring it back with colibri opp restore 1\n"
    )
    trash = json.loads(ok("opp", "list", "--deleted", "--format", "json").stdout)
    assert [(deal["id"], deal["deleted_at"][:10]) for deal in trash] == [(1, TODAY)]

    restored = ok("opp", "restore", "1")
    assert restored.stderr == (
        "Restored opportunity 1: Website redesign (ACME Industries), 15,000 EUR, "
        "due 2026-12-31, quote (40%).\n"
    )
    assert rows("SELECT deleted FROM opportunity_history ORDER BY id") == [
        {"deleted": 0},
        {"deleted": 1},
        {"deleted": 0},
    ]
    again = cli("opp", "restore", "1")
    assert again.exit_code == 3
    assert again.stderr == (
        "Error: Opportunity 1 is not in the trash (see colibri opp list --deleted).\n"
    )
    nowhere = cli("opp", "restore", "99")
    assert nowhere.stderr == "Error: No opportunity '99'. See `colibri opp list --deleted`.\n"

    refused = cli("opp", "delete", "1", "--purge")
    assert refused.exit_code == 2
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 1}]
    purged = ok("opp", "delete", "1", "--purge", "--yes")
    assert purged.stderr == (
        "Warning: A purge cannot be undone: forecasts and accuracy of past periods will change.\n"
        "Purged opportunity 1: Website redesign (ACME Industries), 15,000 EUR, due 2026-12-31, "
        "quote (40%) and its 3 history rows.\n"
    )
    assert rows("SELECT count(*) AS n FROM opportunity_history") == [{"n": 0}]


def test_delete_without_yes_off_a_terminal_deletes_nothing(accounts, ok, cli, rows):
    create(ok)

    result = cli("opp", "delete", "1")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Move opportunity 1: Website redesign (ACME Industries), 15,000 EUR, "
        "due 2026-12-31, quote (40%) to the trash? Not on a terminal: pass --yes to confirm.\n"
    )
    assert rows("SELECT id FROM opportunities") == [{"id": 1}]
    assert rows(HISTORY) == [state()]


@pytest.mark.parametrize(
    ("option", "day", "message"),
    [
        ("--created-on", "2026-11-01", "The creation date 2026-11-01 is after the closing date "
         "2026-10-20."),
        ("--closed-on", "2026-09-30", "The closing date 2026-09-30 is before the opportunity was "
         "created (2026-10-01)."),
    ],
)  # fmt: skip
def test_the_creation_date_stays_before_the_close(accounts, ok, cli, rows, option, day, message):
    ok("opp", "create", "Deal", "-a", "1", *ESSENTIALS, "--created-on", "2026-10-01")
    ok("opp", "status", "1", "won", "--on", "2026-10-20", "--no-follow-up")

    result = cli("opp", "edit", "1", option, day)

    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    dates = {key: opportunity(rows)[key] for key in ("created_on", "closed_on")}
    assert dates == {"created_on": "2026-10-01", "closed_on": "2026-10-20"}


def test_a_deal_created_closed_cannot_close_before_its_creation(accounts, cli, rows):
    result = cli(
        "opp", "create", "Deal", "-a", "1", "--amount", "100", "--due", "2026-12-31",
        "--status", "won", "--created-on", "2026-10-01", "--closed-on", "2026-09-20",
        "--no-follow-up",
    )  # fmt: skip

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: The closing date 2026-09-20 is before the opportunity was created (2026-10-01).\n"
    )
    assert rows("SELECT id FROM opportunities") == []
