"""Other CRMs' exports as they write them (Salesforce's Data Export, HubSpot's and
Bitrix24's deals by their API names) import with no option but --create-accounts: their
headers, currencies and default stages are read, and the report says how."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
SF_ACCOUNTS = EXPORTS / "salesforce_Account.csv"
SF_OPPORTUNITIES = EXPORTS / "salesforce_Opportunity.csv"
HUBSPOT = EXPORTS / "hubspot_deals.csv"
BITRIX = EXPORTS / "bitrix24_deals.csv"
SF_SAMPLE = EXPORTS / "salesforce_sample_Opportunity.csv"
DEALS = """
    SELECT o.external_id, o.name, a.name AS account, o.amount, o.currency, o.status,
        o.probability, o.due_date, o.created_on, o.closed_on, o.close_reason
    FROM opportunities AS o JOIN accounts AS a ON a.id = o.account_id ORDER BY o.id
"""
NO_FOLLOW_UP = (
    "2 deals this import closed have no follow-up task (a close on the command line asks for "
    "one; --follow-up adds them at the import). Add them with:\n"
    "  colibri task add 'Check in with Andes Café for a new order' --opp 20 --due 2027-02-26\n"
    "  colibri task add 'Ask Bogotá Media what would win the next deal' --opp 24 --due "
    "2027-02-26\n"
)
CLOSED_ON_DUE = (
    "6 closed opportunities have no closing date: the due date was taken as the closing date "
    "(lines 5, 9, 13, 17, 21 and 1 more).\n"
)


def test_a_salesforce_data_export_in_four_currencies(ok, rows):
    accounts = ok("import", "accounts", str(SF_ACCOUNTS))
    result = ok("import", "opps", str(SF_OPPORTUNITIES))

    assert accounts.stderr.startswith(
        "Columns: 'Id' -> external_id, 'BillingCity' -> city, 'BillingCountry' -> country\n"
    )
    assert result.stderr == (
        "Columns: 'Id' -> external_id, 'AccountId' -> account_external_id, 'StageName' -> "
        "status, 'CloseDate' -> due_date, 'LeadSource' -> source, 'CurrencyIsoCode' -> "
        "currency, 'CreatedDate' -> created_on, 'LossReason' -> close_reason\n"
        "Ignored columns (no opportunity field matches them): 'IsDeleted', 'RecordTypeId', "
        "'IsPrivate', 'ExpectedRevenue', 'TotalOpportunityQuantity', 'NextStep', 'IsClosed', "
        "'IsWon', 'ForecastCategoryName', 'CampaignId', 'HasOpportunityLineItem', "
        "'Pricebook2Id', 'OwnerId', 'LastModifiedById', 'LastModifiedDate'. Import one with "
        "--map COLUMN=FIELD.\n" + CLOSED_ON_DUE + "12 open opportunities have a probability of "
        "their own, not their status's (lines 4, 6, 7, 8, 12 and 7 more): they keep it until "
        "their status changes (opp edit ID --probability '' gives it back to the status).\n"
        + NO_FOLLOW_UP
        + "Stages read as the nearest colibri status: 'Prospecting' (10%) -> analysis, "
        "'Qualification' (10%) -> analysis, 'Id. Decision Makers' (60%) -> quote, "
        "'Perception Analysis' (70%) -> quote, 'Proposal/Price Quote' (75%) -> quote. Give "
        "another with --status-map STAGE=STATUS.\n"
        f"Imported opportunities from {SF_OPPORTUNITIES} (comma-separated CSV, UTF-8): "
        "24 created, 0 updated, 0 skipped, 0 rejected.\n"
    )
    assert rows("SELECT name, city, country FROM accounts ORDER BY id")[:2] == [
        {"name": "Grupo Azteca", "city": "Ciudad de México", "country": "Mexico"},
        {"name": "Andes Café", "city": "Medellín", "country": "Colombia"},
    ]
    deals = rows(DEALS)
    assert [(d["currency"], d["amount"]) for d in deals[:4]] == [
        ("MXN", 3000),
        ("COP", 10000000),
        ("USD", 17000),
        ("PEN", 24000),
    ]
    assert [d["status"] for d in deals[:8]] == [
        "analysis", "analysis", "analysis", "won", "quote", "quote", "quote", "lost",
    ]  # fmt: skip
    assert deals[7] == {
        "external_id": "0065g0000000007AAQ",
        "name": "Mobile app 8",
        "account": "Andes Café",
        "amount": 12000000,
        "currency": "COP",
        "status": "lost",
        "probability": None,
        "due_date": "2026-06-13",
        "created_on": "2026-05-04",
        "closed_on": "2026-06-13",
        "close_reason": "Price",
    }
    totals = {row["currency"] for row in rows("SELECT currency FROM opportunities")}
    assert totals == {"MXN", "COP", "USD", "PEN"}  # never one "EUR" of four currencies


def test_hubspot_deals_by_their_api_names(ok, rows):
    result = ok("import", "opps", str(HUBSPOT), "--create-accounts")

    assert result.stderr == (
        "Columns: 'hs_object_id' -> external_id, 'dealname' -> name, 'Associated Company' -> "
        "account, 'dealstage' -> status, 'deal_currency_code' -> currency, 'closedate' -> "
        "due_date, 'createdate' -> created_on, 'dealtype' -> type, 'closed_lost_reason' -> "
        "close_reason\n"
        "Ignored columns (no opportunity field matches them): 'pipeline', 'hs_is_closed', "
        "'hs_is_closed_won', 'hs_closed_amount', 'hubspot_owner_id'. Import one with "
        "--map COLUMN=FIELD.\n" + CLOSED_ON_DUE + NO_FOLLOW_UP + "Stages read as the nearest "
        "colibri status: "
        "'appointmentscheduled' -> analysis, 'qualifiedtobuy' -> analysis, "
        "'presentationscheduled' -> quote, 'contractsent' -> negotiation, "
        "'decisionmakerboughtin' -> negotiation. Give another with --status-map STAGE=STATUS.\n"
        f"Imported opportunities from {HUBSPOT} (comma-separated CSV, UTF-8): 24 created, "
        "0 updated, 0 skipped, 0 rejected; 6 new accounts.\n"
    )
    deals = rows(DEALS)
    assert [(d["external_id"], d["status"], d["currency"]) for d in deals[:5]] == [
        ("9000000", "analysis", "USD"),
        ("9000001", "analysis", "USD"),
        ("9000002", "quote", "USD"),
        ("9000003", "won", "USD"),
        ("9000004", "negotiation", "USD"),
    ]
    assert (deals[7]["status"], deals[7]["close_reason"]) == ("lost", "Budget")
    again = ok("import", "opps", str(HUBSPOT), "--create-accounts")
    assert again.stderr.endswith("0 created, 0 updated, 24 skipped, 0 rejected.\n")


def test_bitrix24_deals_by_their_api_names(ok, rows):
    result = ok("import", "opps", str(BITRIX), "--create-accounts")

    assert result.stderr == (
        "Columns: 'ID' -> external_id, 'TITLE' -> name, 'STAGE_ID' -> status, 'CURRENCY_ID' -> "
        "currency, 'OPPORTUNITY' -> amount, 'COMPANY_TITLE' -> account, 'CONTACT_ID' -> "
        "contact_external_id, 'DATE_CREATE' -> created_on, 'CLOSEDATE' -> due_date, "
        "'COMMENTS' -> notes\n"
        "Ignored columns (no opportunity field matches them): 'TYPE_ID', "
        "'IS_MANUAL_OPPORTUNITY', 'OPENED', 'CLOSED', 'ASSIGNED_BY_ID'. Import one with "
        "--map COLUMN=FIELD.\n" + CLOSED_ON_DUE + NO_FOLLOW_UP + "Stages read as the nearest "
        "colibri status: "
        "'NEW' -> analysis, 'PREPARATION' -> quote, 'PREPAYMENT_INVOICE' -> negotiation, "
        "'FINAL_INVOICE' -> negotiation, 'EXECUTING' -> negotiation. Give another with "
        "--status-map STAGE=STATUS.\n"
        f"Imported opportunities from {BITRIX} (comma-separated CSV, UTF-8): 24 created, "
        "0 updated, 0 skipped, 0 rejected; 6 new accounts.\n"
    )
    deals = rows(DEALS)
    assert [(d["status"], d["amount"], d["currency"]) for d in deals[:8]] == [
        ("analysis", 3000, "USD"),
        ("quote", 10000, "EUR"),
        ("negotiation", 17000, "EUR"),
        ("won", 24000, "USD"),
        ("negotiation", 31000, "EUR"),
        ("analysis", 38000, "EUR"),
        ("quote", 5000, "USD"),
        ("lost", 12000, "EUR"),
    ]
    assert (deals[0]["created_on"], deals[0]["due_date"]) == ("2026-03-02", "2026-12-04")


ODOO = EXPORTS / "odoo_crm_lead.csv"
VTIGER = EXPORTS / "vtiger_potentials.csv"


def test_an_odoo_crm_lead_export(ok, rows):
    result = ok("import", "opps", str(ODOO), "--create-accounts")

    assert result.stderr.startswith(
        "Columns: 'id' -> external_id, 'partner_name' -> account, 'expected_revenue' -> amount, "
        "'stage_id' -> status, 'date_deadline' -> due_date, 'create_date' -> created_on, "
        "'date_closed' -> closed_on, 'currency_id' -> currency\n"
        "Ignored columns (no opportunity field matches them): 'user_id', 'team_id', 'active'. "
        "Import one with --map COLUMN=FIELD.\n"
    )
    assert (
        "Stages read as the nearest colibri status: 'New' (10%) -> analysis, 'Qualified' (30%) "
        "-> analysis, 'Proposition' (60%) -> quote. Give another with --status-map "
        "STAGE=STATUS.\n"
    ) in result.stderr
    deals = rows(DEALS)
    assert len(deals) == 21
    assert deals[:4] == [
        {
            "external_id": "__export__.crm_lead_40_0000c1d2",
            "name": "CRM rollout 1",
            "account": "Grupo Azteca",
            "amount": 3000,
            "currency": "EUR",
            "status": "analysis",
            "probability": None,
            "due_date": "2026-12-04",
            "created_on": "2026-03-02",
            "closed_on": None,
            "close_reason": None,
        },
        {
            "external_id": "__export__.crm_lead_41_0001c1d2",
            "name": "Support renewal 2",
            "account": "Andes Café",
            "amount": 10000,
            "currency": "EUR",
            "status": "analysis",
            "probability": 30,
            "due_date": "2026-12-15",
            "created_on": "2026-03-11",
            "closed_on": None,
            "close_reason": None,
        },
        {
            "external_id": "__export__.crm_lead_42_0002c1d2",
            "name": "Data migration 3",
            "account": "Lima Textiles",
            "amount": 17000,
            "currency": "EUR",
            "status": "quote",
            "probability": 60,
            "due_date": "2026-12-26",
            "created_on": "2026-03-20",
            "closed_on": None,
            "close_reason": None,
        },
        {
            "external_id": "__export__.crm_lead_43_0003c1d2",
            "name": "Training 4",
            "account": "Norte Energía",
            "amount": 24000,
            "currency": "EUR",
            "status": "won",
            "probability": None,
            "due_date": "2026-05-08",
            "created_on": "2026-03-29",
            "closed_on": "2026-05-08",
            "close_reason": None,
        },
    ]


def test_a_vtiger_potentials_dump(ok, rows):
    result = ok("import", "opps", str(VTIGER), "--create-accounts")

    assert result.stderr.startswith(
        "Columns: 'potential_no' -> external_id, 'potentialname' -> name, 'related_to' -> "
        "account, 'closingdate' -> due_date, 'sales_stage' -> status, 'leadsource' -> source, "
        "'opportunity_type' -> type, 'createdtime' -> created_on\n"
    )
    assert (
        "Stages read as the nearest colibri status: 'Prospecting' (10%) -> analysis, "
        "'Qualification' (20%) -> analysis, 'Id. Decision Makers' (40%) -> quote, "
        "'Perception Analysis' (50%) -> quote, 'Proposal or Price Quote' (65%) -> quote. Give "
        "another with --status-map STAGE=STATUS.\n"
    ) in result.stderr
    deals = rows(DEALS)
    assert [(d["external_id"], d["status"], d["amount"]) for d in deals[:8]] == [
        ("POT1", "analysis", 3000),
        ("POT2", "analysis", 10000),
        ("POT3", "analysis", 17000),
        ("POT4", "won", 24000),
        ("POT5", "quote", 31000),
        ("POT6", "quote", 38000),
        ("POT7", "quote", 5000),
        ("POT8", "lost", 12000),
    ]


SAMPLE_DEALS = "SELECT name, amount, probability, status FROM opportunities ORDER BY id"


def test_salesforce_sample_data_with_decimal_amounts_and_fractions(ok, rows):
    """Amount 9225.225 cannot be thousands: a decimal, rounded; 120.125 alone could be, but
    the column writes its decimals with a point. Probabilities 0.1 .. 1.0 are fractions."""
    result = ok("import", "opps", str(SF_SAMPLE), "--create-accounts")

    assert result.stderr.splitlines()[:3] == [
        "Columns: 'Account.Name' -> account, 'StageName' -> status, 'CloseDate' -> due_date",
        "2 amounts were rounded to a whole unit (lines 3 and 5).",
        "The probabilities of 'Probability' are fractions of 1, as all its values are 1 or "
        "less: 0.1 was read as 10%.",
    ]
    assert rows(SAMPLE_DEALS)[:9] == [
        {"name": "Edge Emergency Generator", "amount": 75000, "probability": None,
         "status": "won"},
        {"name": "Edge Installation", "amount": 9225, "probability": None, "status": "analysis"},
        {"name": "Burlington Textiles Weaving Plant Generator", "amount": 235000,
         "probability": None, "status": "won"},
        {"name": "United Oil Office Portable Generators", "amount": 120, "probability": 90,
         "status": "negotiation"},
        {"name": "United Oil Installations", "amount": 270000, "probability": 60,
         "status": "quote"},
        {"name": "Grand Hotels Kitchen Generator", "amount": 15000, "probability": None,
         "status": "lost"},
        {"name": "Grand Hotels Emergency Generators", "amount": 210000, "probability": 50,
         "status": "quote"},
        {"name": "Dickenson Mobile Generators", "amount": 15000, "probability": 35,
         "status": "analysis"},
        {"name": "Express Logistics Standby Generator", "amount": 220000, "probability": 70,
         "status": "quote"},
    ]  # fmt: skip


def test_one_percentage_over_1_makes_the_column_percentages(cli, ok, rows):
    """0.5 beside 70 is half a percent (rounded to 1), not 50%: no fraction notice."""
    ok("account", "add", "ACME")
    text = "name,account,amount,due_date,status,probability\n" + (
        "A,ACME,1000,2027-01-31,quote,0.5\nB,ACME,1000,2027-01-31,quote,70.0\n"
        "C,ACME,1000,2027-01-31,quote,35 %\n"
    )

    result = ok("import", "opps", "-", input=text)

    assert "fractions" not in result.stderr
    assert "1 probability was rounded to a whole percent (line 2).\n" in result.stderr
    assert [row["probability"] for row in rows(SAMPLE_DEALS)] == [1, 70, 35]


def test_a_probability_over_100_is_refused_with_the_forms_read(cli, ok, rows):
    ok("account", "add", "ACME")
    text = "name,account,amount,due_date,status,probability\nA,ACME,1000,2027-01-31,quote,150\n"

    result = cli("import", "opps", "-", input=text)

    assert result.exit_code == 2
    assert (
        "line 2, probability: Invalid probability '150': give a percentage from 0 to 100 (70, "
        "70.0, 70 %), or fractions of 1 in the whole column (0.7).\n"
    ) in result.stderr
    assert rows(SAMPLE_DEALS) == []


def test_sfdx_records_piped_in_are_read_twice_alike(tmp_path):
    """A pipe cannot be read again: the first look at the amounts and probabilities keeps a
    copy of what it read, and the import reads the records from it, then on."""
    records = [
        {"Name": f"Deal {n}", "Account": "ACME", "StageName": "Prospecting",
         "CloseDate": "2027-01-31", "Amount": amount, "Probability": probability}
        for n, (amount, probability) in enumerate(
            [(9225.225, 33.33), (120.125, 70.0), (15000, 10)] * 400
        )
    ]  # fmt: skip
    source = tmp_path / "records.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    db = tmp_path / "piped.db"
    command = f"cat {source} | {sys.executable} -m colibri_cli import opps - --create-accounts"
    env = {**os.environ, "COLIBRI_DB": str(db)}

    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"], env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert "1,200 created" in done.stderr
    conn = sqlite3.connect(db)
    try:
        read = conn.execute(
            "SELECT amount, probability, COUNT(*) FROM opportunities GROUP BY 1, 2 ORDER BY 1"
        ).fetchall()
    finally:
        conn.close()
    assert read == [(120, 70, 400), (9225, 33, 400), (15000, None, 400)]


PIPEDRIVE_TIMES = (
    "Deal - Title,Deal - Organization,Deal - Value,Deal - Stage,Deal - Status,"
    "Deal - Expected close date,Deal - Won time,Deal - Lost time,Deal - Lost reason,"
    "Deal - Deal created\n"
    "Big one,ACME,1000,Negotiations Started,won,2026-11-24,2026-11-20 10:00:00,,,"
    "2026-01-05 09:00:00\n"
    "Small one,ACME,500,Proposal Made,lost,2026-10-30,,2026-10-02 11:00:00,Price,"
    "2026-02-05 09:00:00\n"
    "Open one,ACME,700,Proposal Made,open,2027-01-30,,,,2026-03-05 09:00:00\n"
)
CLOSES = "SELECT name, status, closed_on, close_reason FROM opportunities ORDER BY id"


def test_pipedrive_won_and_lost_times_are_each_outcomes_closing_date(ok, rows):
    """No "closed on" column: a won deal closed at its Won time, a lost one at its Lost
    time — not at its expected close date, and no notice that it was."""
    result = ok("import", "opps", "-", "--create-accounts", input=PIPEDRIVE_TIMES)

    assert result.stderr.startswith(
        "Columns: 'Deal - Title' -> name, 'Deal - Organization' -> account, 'Deal - Value' -> "
        "amount, 'Deal - Stage' -> status, 'Deal - Status' -> outcome, 'Deal - Expected close "
        "date' -> due_date, 'Deal - Won time' -> won_closed_on, 'Deal - Lost time' -> "
        "lost_closed_on, 'Deal - Lost reason' -> close_reason, 'Deal - Deal created' -> "
        "created_on\n"
    )
    assert "the due date was taken" not in result.stderr
    assert rows(CLOSES) == [
        {"name": "Big one", "status": "won", "closed_on": "2026-11-20", "close_reason": None},
        {"name": "Small one", "status": "lost", "closed_on": "2026-10-02", "close_reason": "Price"},
        {"name": "Open one", "status": "quote", "closed_on": None, "close_reason": None},
    ]


def test_a_closing_date_in_the_wrong_outcomes_column_is_not_taken(ok, rows):
    """A won deal whose only time is a Lost time keeps to its due date (and says so)."""
    text = PIPEDRIVE_TIMES.replace(
        "won,2026-11-24,2026-11-20 10:00:00,,", "won,2026-11-24,,2026-11-20 10:00:00,"
    )

    result = ok("import", "opps", "-", "--create-accounts", input=text)

    assert (
        "1 closed opportunity has no closing date: the due date was taken as the closing "
        "date (line 2).\n" in result.stderr
    )
    assert rows(CLOSES)[0]["closed_on"] == "2026-11-24"


def test_hubspot_won_and_lost_reasons_go_to_their_own_deals(ok, rows):
    text = (
        "dealname,amount,closedate,dealstage,Company,closed_won_reason,closed_lost_reason\n"
        "A,100,2026-11-02,closedwon,ACME,Best price,\n"
        "B,100,2026-11-03,closedlost,ACME,,Too slow\n"
        "C,100,2027-11-03,qualifiedtobuy,ACME,,\n"
    )

    result = ok("import", "opps", "-", "--create-accounts", input=text)

    assert result.stderr.startswith(
        "Columns: 'dealname' -> name, 'closedate' -> due_date, 'dealstage' -> status, "
        "'Company' -> account, 'closed_won_reason' -> won_close_reason, 'closed_lost_reason' "
        "-> lost_close_reason\n"
    )
    assert [row["close_reason"] for row in rows(CLOSES)] == ["Best price", "Too slow", None]


def test_pipedrive_api_records_take_won_and_lost_times_alike(ok, rows):
    records = [
        {"title": "A", "org_name": "ACME", "value": 100, "status": "won",
         "won_time": "2026-11-20 10:00:00", "lost_time": None, "expected_close_date": "2026-11-30"},
        {"title": "B", "org_name": "ACME", "value": 100, "status": "lost", "won_time": None,
         "lost_time": "2026-10-20 10:00:00", "lost_reason": "Price",
         "expected_close_date": "2026-11-30"},
    ]  # fmt: skip

    ok("import", "opps", "-", "--create-accounts", input=json.dumps(records))

    assert rows(CLOSES) == [
        {"name": "A", "status": "won", "closed_on": "2026-11-20", "close_reason": None},
        {"name": "B", "status": "lost", "closed_on": "2026-10-20", "close_reason": "Price"},
    ]


def test_json_records_with_currencies_under_an_unknown_key_are_refused(cli, rows):
    """As for a CSV column: the key whose every value is a currency code is named, with the
    --map that reads it, rather than every amount taken in the currency setting."""
    records = [
        {"Name": "A", "Account": "ACME", "Amount": 100, "StageName": "Prospecting",
         "CloseDate": "2027-01-10", "Cur": "USD", "Owner": "Jane"},
        {"Name": "B", "Account": "ACME", "Amount": 100, "StageName": "Prospecting",
         "CloseDate": "2027-01-10", "Cur": "MXN", "Owner": "EUR"},
    ]  # fmt: skip

    refused = cli("import", "opps", "-", "--create-accounts", input=json.dumps(records))
    mapped = cli("import", "opps", "-", "--create-accounts", "--map", "Cur=currency",
                 input=json.dumps(records))  # fmt: skip

    assert refused.exit_code == 2
    assert refused.stderr.endswith(
        "Error: Nothing was imported: the column 'Cur' holds currency codes (MXN, USD) but is "
        "ignored, so every amount would be taken in EUR, the currency setting. Import it with "
        "--map Cur=currency (or --map Cur= if it is not the currency of the amounts).\n"
    )
    assert mapped.exit_code == 0, mapped.output
    assert [row["currency"] for row in rows("SELECT currency FROM opportunities")] == [
        "USD",
        "MXN",
    ]


def test_odoo_partner_id_fills_the_accounts_partner_name_leaves_empty(ok, rows):
    """partner_name is the company typed on the lead, partner_id the customer it is linked
    to ("Company, Contact" for a contact): the name first, the customer where it is empty."""
    text = (
        "id,name,partner_id,partner_name,expected_revenue,stage_id,date_deadline\n"
        '__export__.crm_lead_1,Deal A,"Azure Interior, Brandon Freeman",Azure Interior,1000,New,'
        "2027-01-10\n"
        "__export__.crm_lead_2,Deal B,Deco Addict,,2000,Qualified,2027-01-20\n"
    )

    result = ok("import", "opps", "-", "--create-accounts", input=text)

    assert result.stderr.startswith(
        "Columns: 'id' -> external_id, 'partner_id' -> account_if_empty, 'partner_name' -> "
        "account, 'expected_revenue' -> amount, 'stage_id' -> status, 'date_deadline' -> "
        "due_date\n"
    )
    assert rows(
        "SELECT o.name, a.name AS account FROM opportunities AS o "
        "JOIN accounts AS a ON a.id = o.account_id ORDER BY o.id"
    ) == [
        {"name": "Deal A", "account": "Azure Interior"},
        {"name": "Deal B", "account": "Deco Addict"},
    ]
