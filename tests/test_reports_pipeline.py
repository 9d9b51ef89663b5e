"""`colibri pipeline`: the open opportunities of the story in tests/scenario.py, grouped,
totalled per currency, with the overdue and stale ones, checked against sums made by hand.

Weighted amounts are written as amount * probability (hundredths of a unit) and rounded
half-up only once the sum is made: 200.5 + 3,007.5 + 3 * 0.5 = 3,209.5 gives 3,210, where
rounding each deal first would give 201 + 3,008 + 3 * 1 = 3,212.
"""

import re

import pytest

from scenario import copy_into, fails, on_terminal, report, table

STAMP = re.compile(r"(\d{4}-\d\d-\d\d)T\d\d:\d\d:\d\d\.\d{6}")
HISTORY = (
    "SELECT substr(changed_at, 1, 10) AS day, status, amount, due_date, probability, "
    "currency, closed_on FROM opportunity_history WHERE opportunity_id = ? ORDER BY id"
)


@pytest.fixture
def story(tmp_path_factory, db_path):
    copy_into(tmp_path_factory, db_path)


def listed(ref, account, amount, currency, due, status, probability, weighted, day):
    """An overdue or stale opportunity as the pipeline lists it; `day` is its last change."""
    opportunity_id, name = ref
    return {
        "id": opportunity_id,
        "name": name,
        "account": account,
        "amount": amount,
        "currency": currency,
        "due_date": due,
        "status": status,
        "probability": probability,
        "updated_at": day,
        "weighted": weighted,
    }


# The listings, soonest due first. 2,005 at 10 % = 200.5 -> 201; 995 at 40 % = 398;
# 1,250 at 40 % = 500; 8,000 at 70 % = 5,600; 4,010 at 75 % = 3,007.5 -> 3,008.
AUDIT = listed(
    (12, "Audit"), "Beta Corp", 2005, "EUR", "2026-11-20", "analysis", 10, 201, "2026-09-15"
)
WORKSHOP = listed(
    (17, "Workshop"), "ACME Industries", 995, "EUR", "2026-11-25", "quote", 40, 398, "2026-11-02"
)
FLEET = listed(
    (1, "Fleet renewal"), "ACME Industries", 1250, "EUR", "2026-12-10", "quote", 40, 500,
    "2026-10-02",
)  # fmt: skip
EXPORT = listed(
    (9, "Export licence"), "Castor SA", 8000, "USD", "2026-12-20", "negotiation", 70, 5600,
    "2026-09-01",
)  # fmt: skip
RETAINER = listed(
    (16, "Consulting retainer"), "Castor SA", 4010, "EUR", "2027-01-29", "analysis", 75, 3008,
    "2026-10-27",
)  # fmt: skip
# Overdue on 2026-11-26: open and due before it, #12 (2,005 at 10 % = 20,050) and #17
# (995 at 40 % = 39,800): 2 deals, 3,000 EUR, 59,850 -> 598.5 -> 599.
OVERDUE = {
    "totals": [{"currency": "EUR", "count": 2, "amount": 3000, "weighted": 599}],
    "opportunities": [AUDIT, WORKSHOP],
}
# Stale on 2026-11-26 (30 days): open and last changed on 2026-10-27 or before:
# #1 (10-02), #9 (09-01), #12 (09-15), #16 (10-27, exactly 30 days). Not #4 (10-28, 29 days).
# EUR: 1,250 + 2,005 + 4,010 = 7,265; 50,000 + 20,050 + 300,750 = 370,800 -> 3,708.
# USD: #9, 8,000 at 70 % -> 5,600.
STALE = {
    "days": 30,
    "statuses": {},
    "totals": [
        {"currency": "EUR", "count": 3, "amount": 7265, "weighted": 3708},
        {"currency": "USD", "count": 1, "amount": 8000, "weighted": 5600},
    ],
    "opportunities": [AUDIT, FLEET, EXPORT, RETAINER],
}
# All open: EUR 9 deals; 6,030 + 3,580 + 2,000 = 11,610; 320,950 + 143,200 + 140,000
# = 604,150 -> 6,041.5 -> 6,042. USD: #9 alone.
TOTALS = [
    {"currency": "EUR", "count": 9, "amount": 11610, "weighted": 6042},
    {"currency": "USD", "count": 1, "amount": 8000, "weighted": 5600},
]
NO_NEXT_STEP = TOTALS
"""The story has no task: no open deal has a next step."""


def group(key, label, currency, count, amount, weighted):
    return {
        "group": key,
        "label": label,
        "currency": currency,
        "count": count,
        "amount": amount,
        "weighted": weighted,
    }


def pipeline(cli, *options, today=None) -> dict:
    """The json pipeline, with each listed `updated_at` checked and cut to its day."""
    found = report(cli, "pipeline", *options, today=today)
    for section in ("overdue", "stale"):
        for row in found[section]["opportunities"]:
            stamp = STAMP.fullmatch(row["updated_at"])
            assert stamp, row["updated_at"]
            row["updated_at"] = stamp[1]
    return found


# --- the story itself ----------------------------------------------------------------------


def test_the_story_is_recorded_day_by_day_in_the_history(story, rows):
    # Fleet renewal: created on 06-15, its due date slipped on 09-10 and again on 10-02.
    assert rows(HISTORY, (1,)) == [
        {
            "day": day,
            "status": "quote",
            "amount": 1250,
            "due_date": due,
            "probability": None,
            "currency": "EUR",
            "closed_on": None,
        }
        for day, due in (
            ("2026-06-15", "2026-09-15"),
            ("2026-09-10", "2026-10-20"),
            ("2026-10-02", "2026-12-10"),
        )
    ]
    # Support contract: 333 until 10-28, then 1,335.
    assert [(row["day"], row["amount"]) for row in rows(HISTORY, (4,))] == [
        ("2026-08-03", 333),
        ("2026-10-28", 1335),
    ]
    # Training days: won on 10-12, reopened on 11-05, then due in January.
    assert [
        (row["day"], row["status"], row["due_date"], row["closed_on"])
        for row in rows(HISTORY, (8,))
    ] == [
        ("2026-08-20", "negotiation", "2026-10-15", None),
        ("2026-10-12", "won", "2026-10-15", "2026-10-12"),
        ("2026-11-05", "negotiation", "2026-10-15", None),
        ("2026-11-05", "negotiation", "2027-01-15", None),
    ]
    # The override of Consulting retainer, the other currency of Export licence.
    assert [(row["probability"], row["currency"]) for row in rows(HISTORY, (16,))] == [(75, "EUR")]
    assert [(row["probability"], row["currency"]) for row in rows(HISTORY, (9,))] == [(None, "USD")]


# --- grouped ---------------------------------------------------------------------------------


def test_pipeline_by_status_sums_exactly_and_rounds_once(story, cli):
    assert pipeline(cli) == {
        "date": "2026-11-26",
        "as_of": None,
        "by": "status",
        "groups": [
            # #12 2,005 at 10 % = 20,050; #16 4,010 at 75 % (its own) = 300,750; #18-20
            # 3 * 5 at 10 % = 150. 2,005 + 4,010 + 15 = 6,030; 320,950 -> 3,209.5 -> 3,210.
            group("analysis", "Needs analysis", "EUR", 5, 6030, 3210),
            # #1 1,250, #4 1,335, #17 995 at 40 %: 3,580; 143,200 -> 1,432.
            group("quote", "Quote sent", "EUR", 3, 3580, 1432),
            # #8 2,000 at 70 % = 1,400 (reopened: open again).
            group("negotiation", "Negotiation", "EUR", 1, 2000, 1400),
            # #9 8,000 USD at 70 % = 5,600: in its own currency, never added to the euros.
            group("negotiation", "Negotiation", "USD", 1, 8000, 5600),
        ],
        "totals": TOTALS,
        "overdue": OVERDUE,
        "stale": STALE,
        "no_next_step": NO_NEXT_STEP,
    }


def test_pipeline_by_month_of_the_due_date(story, cli):
    found = pipeline(cli, "--by", "month")

    assert found["by"] == "month"
    assert found["groups"] == [
        # #4 1,335 (53,400), #12 2,005 (20,050), #17 995 (39,800): 4,335; 113,250 -> 1,133.
        group("2026-11", "2026-11", "EUR", 3, 4335, 1133),
        group("2026-12", "2026-12", "EUR", 1, 1250, 500),  # #1 slipped twice, now here
        group("2026-12", "2026-12", "USD", 1, 8000, 5600),
        # #8 2,000 (140,000), #16 4,010 (300,750): 6,010; 440,750 -> 4,407.5 -> 4,408.
        group("2027-01", "2027-01", "EUR", 2, 6010, 4408),
        # Three kits of 5 at 10 %: 150 -> 1.5 -> 2 (not 0 + 0 + 0, not 1 + 1 + 1).
        group("2027-02", "2027-02", "EUR", 3, 15, 2),
    ]
    assert (found["totals"], found["overdue"], found["stale"]) == (TOTALS, OVERDUE, STALE)


def test_pipeline_by_quarter_merges_the_months_before_rounding(story, cli):
    found = pipeline(cli, "--by", "quarter")

    assert found["groups"] == [
        # November + December: 4,335 + 1,250 = 5,585; 113,250 + 50,000 = 163,250 -> 1,633
        # (1,133 + 500 would be the rounded months added).
        group("2026-Q4", "2026-Q4", "EUR", 4, 5585, 1633),
        group("2026-Q4", "2026-Q4", "USD", 1, 8000, 5600),
        # January + February: 6,025; 440,750 + 150 = 440,900 -> 4,409.
        group("2027-Q1", "2027-Q1", "EUR", 5, 6025, 4409),
    ]
    assert found["totals"] == TOTALS


def test_pipeline_by_account_puts_the_biggest_first_within_each_currency(story, cli):
    found = pipeline(cli, "--by", "account")

    assert found["groups"] == [
        group("4", "Castor SA", "EUR", 1, 4010, 3008),  # 300,750 -> 3,007.5 -> 3,008
        # #4 1,335 (53,400), #12 2,005 (20,050): 3,340; 73,450 -> 734.5 -> 735.
        group("2", "Beta Corp", "EUR", 2, 3340, 735),
        # #1 1,250 (50,000), #17 995 (39,800), kits 15 (150): 2,260; 89,950 -> 899.5 -> 900.
        group("1", "ACME Industries", "EUR", 5, 2260, 900),
        group("3", "alpine Tours", "EUR", 1, 2000, 1400),
        group("4", "Castor SA", "USD", 1, 8000, 5600),
    ]
    assert found["totals"] == TOTALS


def test_accounts_of_equal_amounts_go_by_name_ignoring_case(ok, cli):
    for name, amount in (("beta", "100"), ("Alpha", "100"), ("Gamma", "500")):
        ok("account", "add", name)
        ok("opp", "create", "Deal", "--account", name, "--amount", amount, "--due", "2027-01-31",
           "--status", "quote", "--no-input")  # fmt: skip

    labels = [found["label"] for found in pipeline(cli, "--by", "account")["groups"]]

    assert labels == ["Gamma", "Alpha", "beta"]


def test_pipeline_quarters_follow_the_fiscal_year(story, ok, cli):
    ok("config", "set", "fiscal-year-start", "4")

    # A fiscal year starting in April: October-December 2026 is 2026-Q3, January-March
    # 2027 is 2026-Q4 (a fiscal year is named by the year it starts in).
    assert pipeline(cli, "--by", "quarter")["groups"] == [
        group("2026-Q3", "2026-Q3", "EUR", 4, 5585, 1633),
        group("2026-Q3", "2026-Q3", "USD", 1, 8000, 5600),
        group("2026-Q4", "2026-Q4", "EUR", 5, 6025, 4409),
    ]


# --- overdue and stale -----------------------------------------------------------------------


def test_overdue_and_stale_are_counted_from_the_day_it_is(story, cli):
    found = pipeline(cli, today="2026-11-25")

    # On 11-25, #17 (due 11-25) is not yet overdue: #12 alone, 2,005, 200.5 -> 201.
    assert found["overdue"] == {
        "totals": [{"currency": "EUR", "count": 1, "amount": 2005, "weighted": 201}],
        "opportunities": [AUDIT],
    }
    # On 11-25, #16 (changed 10-27) is unchanged for 29 days only: not stale.
    # EUR: 1,250 + 2,005 = 3,255; 50,000 + 20,050 = 70,050 -> 700.5 -> 701.
    assert found["stale"] == {
        "days": 30,
        "statuses": {},
        "totals": [
            {"currency": "EUR", "count": 2, "amount": 3255, "weighted": 701},
            {"currency": "USD", "count": 1, "amount": 8000, "weighted": 5600},
        ],
        "opportunities": [AUDIT, FLEET, EXPORT],
    }


@pytest.mark.parametrize(
    ("days", "stale"),
    [
        # 29 days: #4 (changed 10-28, 29 days ago) joins; 31 days: #16 (30 days) leaves.
        ("29", [12, 4, 1, 9, 16]),
        ("31", [12, 1, 9]),
        ("55", [12, 1, 9]),  # #1 changed 10-02: exactly 55 days
        ("56", [12, 9]),
    ],
)
def test_stale_is_the_setting_days_or_more_without_a_change(story, ok, cli, days, stale):
    ok("config", "set", "stale-days", days)

    found = pipeline(cli)

    assert found["stale"]["days"] == int(days)
    assert [row["id"] for row in found["stale"]["opportunities"]] == stale


def test_a_change_of_any_kind_makes_an_opportunity_fresh_again(story, cli):
    result = cli("opp", "edit", "12", "--notes", "Called them", env={"COLIBRI_TODAY": "2026-11-26"})
    assert result.exit_code == 0, result.output

    found = pipeline(cli)

    assert [row["id"] for row in found["stale"]["opportunities"]] == [1, 9, 16]
    assert found["overdue"] == {
        **OVERDUE,
        "opportunities": [{**AUDIT, "updated_at": "2026-11-26"}, WORKSHOP],
    }


# --- as of a past day -----------------------------------------------------------------------


# Stale on 2026-10-20, as they were then: #4 still 333 (133.2 -> 133), #10 700 at 10 %.
SUPPORT_THEN = listed(
    (4, "Support contract"), "Beta Corp", 333, "EUR", "2026-11-30", "quote", 40, 133,
    "2026-08-03",
)  # fmt: skip
KIOSK_THEN = listed(
    (10, "Kiosk"), "Castor SA", 700, "EUR", "2026-11-30", "analysis", 10, 70, "2026-09-02"
)


def test_pipeline_as_of_a_past_day_is_the_history_of_that_day(story, cli):
    found = pipeline(cli, "--as-of", "2026-10-20")

    # At the end of 10-20: #8 won (10-12, reopened only on 11-05), #11 won that very day,
    # #5 lost, #7 cancelled; #13 (won 10-26), #10 (lost 11-03), #14 (lost 11-18) and #15
    # (won 11-12) still open; #16 and later do not exist yet; #4 is still 333.
    assert found == {
        "date": "2026-11-26",
        "as_of": "2026-10-20",
        "by": "status",
        "groups": [
            # #10 700 (7,000) + #12 2,005 (20,050): 2,705; 27,050 -> 270.5 -> 271.
            group("analysis", "Needs analysis", "EUR", 2, 2705, 271),
            # #1 1,250 (50,000), #4 333 (13,320), #13 2,001 (80,040), #14 1,200 (48,000):
            # 4,784; 191,360 -> 1,913.6 -> 1,914.
            group("quote", "Quote sent", "EUR", 4, 4784, 1914),
            group("negotiation", "Negotiation", "EUR", 1, 3000, 2100),  # #15 at 70 %
            group("negotiation", "Negotiation", "USD", 1, 8000, 5600),
        ],
        # 2,705 + 4,784 + 3,000 = 10,489; 27,050 + 191,360 + 210,000 = 428,410 -> 4,284.
        "totals": [
            {"currency": "EUR", "count": 7, "amount": 10489, "weighted": 4284},
            {"currency": "USD", "count": 1, "amount": 8000, "weighted": 5600},
        ],
        # Nothing open was due before 10-20 (#13, the soonest, was due 10-30).
        "overdue": {"totals": [], "opportunities": []},
        # Unchanged for 30 days on 10-20: last changed on 09-20 or before. #4 (08-03), #9
        # (09-01), #10 (09-02), #12 (09-15); not #13 (09-21, 29 days) nor #1 (10-02).
        # EUR 333 + 700 + 2,005 = 3,038; 13,320 + 7,000 + 20,050 = 40,370 -> 404.
        "stale": {
            "days": 30,
            "statuses": {},
            "totals": [
                {"currency": "EUR", "count": 3, "amount": 3038, "weighted": 404},
                {"currency": "USD", "count": 1, "amount": 8000, "weighted": 5600},
            ],
            "opportunities": [
                {**AUDIT, "updated_at": "2026-09-15"},
                SUPPORT_THEN,
                KIOSK_THEN,
                EXPORT,
            ],
        },
        "no_next_step": None,  # the tasks keep no history: not known on a day gone
    }


def test_pipeline_as_of_a_day_counts_overdue_from_that_day(story, cli):
    found = pipeline(cli, "--as-of", "2026-11-21", "--by", "month")

    # #12 (due 11-20) is overdue on 11-21; #17 (due 11-25) not yet; #14, lost on 11-18, and
    # #15, won on 11-12, are no longer open. November: #4 1,335 (53,400) + #17 995 (39,800)
    # + #12 (20,050) = 4,335; 113,250 -> 1,133, as today.
    assert found["overdue"] == {
        "totals": [{"currency": "EUR", "count": 1, "amount": 2005, "weighted": 201}],
        "opportunities": [AUDIT],
    }
    assert found["groups"][:2] == [
        group("2026-11", "2026-11", "EUR", 3, 4335, 1133),
        group("2026-12", "2026-12", "EUR", 1, 1250, 500),
    ]


def test_pipeline_as_of_today_is_the_pipeline_of_today(story, cli):
    assert pipeline(cli, "--as-of", "today") == {**pipeline(cli), "as_of": "2026-11-26"}


def test_an_open_task_is_a_next_step_and_a_done_one_is_not(story, ok, cli, rows):
    ok("task", "add", "Call about the audit", "--opp", "12")  # open: #12 has a next step
    ok("task", "add", "Send the licence", "--opp", "9")  # the only open deal in USD
    ok("task", "add", "Fleet visit", "--opp", "1")
    ok("task", "done", "3")  # #1 has none left
    ok("task", "add", "Thank them", "--opp", "5")  # #5 is lost: it needs none
    ok("opp", "delete", "17", "--yes")  # in the trash: out of the pipeline

    # EUR: 9 deals less #12 and #17: 7 deals; 11,610 - 2,005 - 995 = 8,610; 604,150 -
    # 20,050 - 39,800 = 544,300 -> 5,443. USD: none.
    assert pipeline(cli)["no_next_step"] == [
        {"currency": "EUR", "count": 7, "amount": 8610, "weighted": 5443}
    ]
    assert table(cli, "pipeline")[12:15] == ["", "No next step: 7 deals (8,610 EUR)", ""]
    assert rows("SELECT opportunity_id, done_on FROM tasks ORDER BY id") == [
        {"opportunity_id": 12, "done_on": None},
        {"opportunity_id": 9, "done_on": None},
        {"opportunity_id": 1, "done_on": "2026-11-26"},
        {"opportunity_id": 5, "done_on": None},
    ]


def test_every_open_deal_with_a_next_step_says_none(story, ok, cli):
    for deal in (12, 17, 4, 1, 9, 8, 16, 18, 19, 20):
        ok("task", "add", "Next", "--opp", str(deal))

    assert pipeline(cli)["no_next_step"] == []
    assert "No next step: none." in table(cli, "pipeline")


def test_pipeline_table_as_of_says_so_on_its_own_line(story, cli):
    lines = table(cli, "pipeline", "--as-of", "20/10/2026")

    assert lines[:5] == [
        "Open pipeline by status, as it stood on 2026-10-20",
        "EUR",
        "                Count      Amount   Weighted",
        "Needs analysis      2   2,705 EUR    271 EUR",
        "Quote sent          4   4,784 EUR  1,914 EUR",
    ]
    assert lines[12:14] == ["", "Overdue: none."]


def test_pipeline_as_of_before_anything_existed(story, cli):
    result = cli("pipeline", "--as-of", "2026-06-14")

    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "No open opportunities. Create one with: colibri opp create\n"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            "2026-11-27",
            "The --as-of date 2026-11-27 is in the future: give today or a day before.",
        ),
        (
            "someday",
            "Invalid --as-of date 'someday': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
    ],
)
def test_pipeline_refuses_an_as_of_day_to_come_or_not_a_day(story, cli, day, message):
    fails(cli, "pipeline", "--as-of", day, code=2, message=message)


# --- formats -------------------------------------------------------------------------------


def test_pipeline_csv_has_exactly_its_columns_and_a_row_per_total(story, cli):
    result = cli("pipeline", "--by", "month", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "section,group,label,currency,count,amount,weighted\n"
        "group,2026-11,2026-11,EUR,3,4335,1133\n"
        "group,2026-12,2026-12,EUR,1,1250,500\n"
        "group,2026-12,2026-12,USD,1,8000,5600\n"
        "group,2027-01,2027-01,EUR,2,6010,4408\n"
        "group,2027-02,2027-02,EUR,3,15,2\n"
        "total,,,EUR,9,11610,6042\n"
        "total,,,USD,1,8000,5600\n"
        "overdue,,,EUR,2,3000,599\n"
        "stale,,,EUR,3,7265,3708\n"
        "stale,,,USD,1,8000,5600\n"
        "no_next_step,,,EUR,9,11610,6042\n"
        "no_next_step,,,USD,1,8000,5600\n"
    )


def test_pipeline_csv_as_of_a_day_gone_has_no_row_without_a_next_step(story, cli):
    result = cli("pipeline", "--as-of", "2026-10-20", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "stale,,,USD,1,8000,5600"


def test_pipeline_table_reads_at_80_columns(story, cli):
    assert table(cli, "pipeline") == [
        "Open pipeline by status, 2026-11-26",
        "EUR",
        "                Count      Amount   Weighted",
        "Needs analysis      5   6,030 EUR  3,210 EUR",
        "Quote sent          3   3,580 EUR  1,432 EUR",
        "Negotiation         1   2,000 EUR  1,400 EUR",
        "Total               9  11,610 EUR  6,042 EUR",
        "",
        "USD",
        "             Count     Amount   Weighted",
        "Negotiation      1  8,000 USD  5,600 USD",
        "Total            1  8,000 USD  5,600 USD",
        "",
        "No next step: 9 deals (11,610 EUR)",
        "No next step: 1 deal (8,000 USD)",
        "",
        "Overdue: 2 (3,000 EUR)",
        "ID  Name      Account             Amount  Due         Status",
        "12  Audit     Beta Corp        2,005 EUR  2026-11-20  analysis",
        "17  Workshop  ACME Industries    995 EUR  2026-11-25  quote",
        "",
        "Stale (untouched for 30 days): 4 (7,265 EUR, 8,000 USD)",
        "ID  Name                 Account             Amount  Due         Status",
        "12  Audit                Beta Corp        2,005 EUR  2026-11-20  analysis",
        " 1  Fleet renewal        ACME Industries  1,250 EUR  2026-12-10  quote",
        " 9  Export licence       Castor SA        8,000 USD  2026-12-20  negotiation",
        "16  Consulting retainer  Castor SA        4,010 EUR  2027-01-29  analysis",
    ]


def test_on_a_terminal_each_group_gets_a_bar_of_weighted_within_amount(story, db_path):
    lines = on_terminal(db_path, "pipeline")

    # Scaled to 24 cells per currency, against the largest amount of that currency:
    # EUR 6,030: analysis 24 cells, of which 24 * 3,210 / 6,030 = 12.8 -> 13 weighted;
    # quote 24 * 3,580 / 6,030 = 14.2 -> 14, of which 5.7 -> 6; negotiation 8.0 -> 8, of
    # which 5.6 -> 6. USD 8,000: 24, of which 24 * 5,600 / 8,000 = 16.8 -> 17, in a chart
    # of its own: its bars are never set beside those in euros.
    assert lines[:12] == [
        "Open pipeline by status, 2026-11-26",
        "EUR",
        "                Count      Amount   Weighted  █ weighted ░ amount",
        "Needs analysis      5   6,030 EUR  3,210 EUR  " + "█" * 13 + "░" * 11,
        "Quote sent          3   3,580 EUR  1,432 EUR  " + "█" * 6 + "░" * 8,
        "Negotiation         1   2,000 EUR  1,400 EUR  " + "█" * 6 + "░" * 2,
        "Total               9  11,610 EUR  6,042 EUR",
        "",
        "USD",
        "             Count     Amount   Weighted  █ weighted ░ amount",
        "Negotiation      1  8,000 USD  5,600 USD  " + "█" * 17 + "░" * 7,
        "Total            1  8,000 USD  5,600 USD",
    ]
    assert max(len(line) for line in lines) <= 80


def test_pipeline_table_by_account_labels_the_groups_with_names(story, cli):
    lines = table(cli, "pipeline", "--by", "account")

    assert lines[:12] == [
        "Open pipeline by account, 2026-11-26",
        "EUR",
        "                 Count      Amount   Weighted",
        "Castor SA            1   4,010 EUR  3,008 EUR",
        "Beta Corp            2   3,340 EUR    735 EUR",
        "ACME Industries      5   2,260 EUR    900 EUR",
        "alpine Tours         1   2,000 EUR  1,400 EUR",
        "Total                9  11,610 EUR  6,042 EUR",
        "",
        "USD",
        "           Count     Amount   Weighted",
        "Castor SA      1  8,000 USD  5,600 USD",
    ]


def test_an_empty_pipeline(empty_db, cli):
    assert report(cli, "pipeline") == {
        "date": "2026-11-26",
        "as_of": None,
        "by": "status",
        "groups": [],
        "totals": [],
        "overdue": {"totals": [], "opportunities": []},
        "stale": {"days": 30, "statuses": {}, "totals": [], "opportunities": []},
        "no_next_step": [],
    }
    result = cli("pipeline")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "No open opportunities. Create one with: colibri opp create\n"


def test_pipeline_refuses_an_unknown_grouping(story, cli):
    fails(
        cli,
        "pipeline",
        "--by",
        "nonsense",
        code=2,
        message="Invalid value for '--by' / '-b': 'nonsense' is not one of 'status', 'month', "
        "'quarter', 'account'. See 'colibri pipeline --help'.",
    )


def test_a_grouping_is_read_in_any_case_as_a_format_is(story, cli):
    by_month = report(cli, "pipeline", "--by", "month")

    assert by_month["by"] == "month"
    assert report(cli, "pipeline", "--by", "Month") == by_month
    assert report(cli, "pipeline", "-b", "MONTH") == by_month
