"""`colibri stats` and `colibri target`, on the story of tests/scenario.py, checked against
figures made by hand.

Closed in the story (closing day, amount, reason):
  won        #2 08-25 4,200 EUR (created 06-20: 66 days)   #6 09-28 1,500 EUR (08-10: 49)
             #11 10-20 2,500 USD (09-05: 45)               #13 10-26 2,001 EUR (09-21: 35)
             #15 11-12 3,000 EUR (10-05: 38)
  lost       #3 09-20 "Price", #5 10-10 "budget", #10 11-03 "price ", #14 11-18 "Timing"
  cancelled  #7 10-15 "Budget frozen"
#8 was won on 10-12 and reopened on 11-05: it is open, in no figure of closed deals.
"""

import pytest

from scenario import copy_into, fails, report, table


@pytest.fixture
def story(tmp_path_factory, db_path):
    copy_into(tmp_path_factory, db_path)


def stays(status, label, count, ongoing, average):
    return {
        "status": status,
        "label": label,
        "stays": count,
        "ongoing": ongoing,
        "average_days": average,
    }


def velocity(currency, open_deals, per_day):
    return {"currency": currency, "open_deals": open_deals, "per_day": per_day, "missing": None}


def reason(kind, text, count):
    return {"kind": kind, "reason": text, "count": count, "currencies": "EUR"}


# --- stats -----------------------------------------------------------------------------------


def test_stats_of_every_closed_deal(story, cli):
    assert report(cli, "stats") == {
        "date": "2026-11-26",
        "since": None,
        "until": None,
        # 5 won, 4 lost: 5 / 9 = 55.55…% -> 55.6 %; the cancelled one is apart.
        "win_rate": {"won": 5, "lost": 4, "cancelled": 1, "rate": 55.6},
        "won": [
            # 1,500, 2,001, 3,000, 4,200: 10,701; average 2,675.25 -> 2,675; median
            # (2,001 + 3,000) / 2 = 2,500.5 -> 2,501 (whole units, half-up).
            {"currency": "EUR", "count": 4, "amount": 10701, "average": 2675, "median": 2501},
            {"currency": "USD", "count": 1, "amount": 2500, "average": 2500, "median": 2500},
        ],
        # 35, 38, 45, 49, 66 days: the median is 45.
        "sales_cycle": {"count": 5, "median_days": 45},
        # Open deals × win rate × average won ÷ median cycle: EUR 9 open (#1, #4, #8, #12,
        # #16, #17, #18-20): 9 × 5/9 × 2,675.25 ÷ 45 = 297.25 -> 297 a day; USD #9 alone:
        # 1 × 5/9 × 2,500 ÷ 45 = 30.86 -> 31.
        "velocity": [velocity("EUR", 9, 297), velocity("USD", 1, 31)],
        # Stays from history, in days between dates; a stay still going on counts to today.
        "time_in_status": [
            # #5 08-05..10-10 66, #6 08-10..09-01 22, #7 08-12..10-15 64, #10 09-02..11-03
            # 62; still there: #12 since 09-15 72, #16 since 10-27 30, #18-20 since 11-20
            # 3 * 6. 334 / 9 = 37.11… -> 37.1.
            stays("analysis", "Needs analysis", 9, 5, 37.1),
            # #2 06-20..07-15 25, #3 07-01..09-20 81, #6 09-01..09-28 27, #13 09-21..10-26
            # 35, #14 10-01..11-18 48; still there: #1 since 06-15 164 (its slips are no
            # change of status), #4 since 08-03 115, #17 since 11-02 24. 519 / 8 = 64.875
            # -> 64.9.
            stays("quote", "Quote sent", 8, 3, 64.9),
            # #2 07-15..08-25 41, #8 08-20..10-12 53, #11 09-05..10-20 45, #15 10-05..11-12
            # 38; still there: #8 again since 11-05 21, #9 since 09-01 86. 284 / 6 = 47.33…
            # -> 47.3.
            stays("negotiation", "Negotiation", 6, 2, 47.3),
        ],
        # "Price" and "price " are one reason; equal counts in alphabetical order, ignoring
        # case: budget before Timing. Lost first, then cancelled.
        "reasons": [
            reason("lost", "Price", 2),
            reason("lost", "budget", 1),
            reason("lost", "Timing", 1),
            reason("cancelled", "Budget frozen", 1),
        ],
    }


def test_stats_since_a_date(story, cli):
    assert report(cli, "stats", "--since", "2026-10-01") == {
        "date": "2026-11-26",
        "since": "2026-10-01",
        "until": None,
        # Closed from 10-01: won #11, #13, #15; lost #5, #10, #14; cancelled #7. 3 / 6.
        "win_rate": {"won": 3, "lost": 3, "cancelled": 1, "rate": 50.0},
        "won": [
            # 2,001 + 3,000 = 5,001; average and median 2,500.5 -> 2,501.
            {"currency": "EUR", "count": 2, "amount": 5001, "average": 2501, "median": 2501},
            {"currency": "USD", "count": 1, "amount": 2500, "average": 2500, "median": 2500},
        ],
        "sales_cycle": {"count": 3, "median_days": 38},  # 35, 38, 45
        # EUR 9 × 3/6 × 2,500.5 ÷ 38 = 296.1 -> 296; USD 1 × 3/6 × 2,500 ÷ 38 = 32.9 -> 33.
        "velocity": [velocity("EUR", 9, 296), velocity("USD", 1, 33)],
        # Stays begun from 10-01: analysis #16 30, #18-20 3 * 6: 48 / 4 = 12.0;
        # quote #14 48, #17 24: 36.0; negotiation #15 38, #8 (reopened) 21: 29.5.
        "time_in_status": [
            stays("analysis", "Needs analysis", 4, 4, 12.0),
            stays("quote", "Quote sent", 2, 1, 36.0),
            stays("negotiation", "Negotiation", 2, 1, 29.5),
        ],
        "reasons": [
            reason("lost", "budget", 1),
            reason("lost", "price", 1),
            reason("lost", "Timing", 1),
            reason("cancelled", "Budget frozen", 1),
        ],
    }


def test_stats_until_a_day_are_the_closed_deals_as_they_stood_then(story, cli):
    assert report(cli, "stats", "--until", "2026-10-31") == {
        "date": "2026-11-26",
        "since": None,
        "until": "2026-10-31",
        # Closed by the end of 10-31: won #2, #6, #8 (won 10-12, reopened only on 11-05),
        # #11, #13; lost #3, #5; cancelled #7. 5 / 7 = 71.43% -> 71.4%.
        "win_rate": {"won": 5, "lost": 2, "cancelled": 1, "rate": 71.4},
        "won": [
            # 1,500, 2,000, 2,001, 4,200: 9,701; average 2,425.25 -> 2,425; median
            # (2,000 + 2,001) / 2 = 2,000.5 -> 2,001.
            {"currency": "EUR", "count": 4, "amount": 9701, "average": 2425, "median": 2001},
            {"currency": "USD", "count": 1, "amount": 2500, "average": 2500, "median": 2500},
        ],
        # 35, 45, 49, 53 (#8, 08-20..10-12), 66: the median is 49.
        "sales_cycle": {"count": 5, "median_days": 49},
        # Open at the end of 10-31: in EUR #1, #4, #10, #12, #14, #15, #16 (#13 won 10-26,
        # #16 created 10-27): 7 × 5/7 × 2,425.25 ÷ 49 = 247.47 -> 247; USD #9:
        # 1 × 5/7 × 2,500 ÷ 49 = 36.4 -> 36.
        "velocity": [velocity("EUR", 7, 247), velocity("USD", 1, 36)],
        # The stays still going on at the end of 10-31 count up to that day; #17 and the
        # kits do not exist yet.
        "time_in_status": [
            # #5 66, #6 22, #7 64; going on: #10 since 09-02 59, #12 since 09-15 46, #16
            # since 10-27 4. 261 / 6 = 43.5.
            stays("analysis", "Needs analysis", 6, 3, 43.5),
            # #2 25, #3 81, #6 27, #13 35; going on: #1 since 06-15 138, #4 since 08-03 89,
            # #14 since 10-01 30. 425 / 7 = 60.71… -> 60.7.
            stays("quote", "Quote sent", 7, 3, 60.7),
            # #2 41, #8 53, #11 45; going on: #9 since 09-01 60, #15 since 10-05 26.
            # 225 / 5 = 45.0.
            stays("negotiation", "Negotiation", 5, 2, 45.0),
        ],
        "reasons": [
            reason("lost", "budget", 1),
            reason("lost", "Price", 1),
            reason("cancelled", "Budget frozen", 1),
        ],
    }


def test_stats_since_and_until_together(story, cli):
    found = report(cli, "stats", "--since", "2026-10-01", "--until", "2026-10-31")

    # Closed in October, as it stood on 10-31: won #8, #11, #13; lost #5; cancelled #7.
    assert found["win_rate"] == {"won": 3, "lost": 1, "cancelled": 1, "rate": 75.0}
    assert found["sales_cycle"] == {"count": 3, "median_days": 45}  # 35, 45, 53
    # Stays begun in October: analysis #16 4; quote #14 30; negotiation #15 26.
    assert found["time_in_status"] == [
        stays("analysis", "Needs analysis", 1, 1, 4.0),
        stays("quote", "Quote sent", 1, 1, 30.0),
        stays("negotiation", "Negotiation", 1, 1, 26.0),
    ]
    assert table(cli, "stats", "--since", "2026-10-01", "--until", "2026-10-31")[:2] == [
        "Closed deals, 2026-10-01 to 2026-10-31: 3 won, 1 lost, 1 cancelled",
        "Win rate (won / (won + lost)): 75.0%",
    ]


def test_stats_until_today_are_the_stats_of_today(story, cli):
    assert report(cli, "stats", "--until", "today") == {
        **report(cli, "stats"),
        "until": "2026-11-26",
    }


def test_stats_median_of_an_even_number_of_cycles(story, cli):
    found = report(cli, "stats", "--since", "21/10/2026")

    assert found["since"] == "2026-10-21"
    assert found["win_rate"] == {"won": 2, "lost": 2, "cancelled": 0, "rate": 50.0}
    assert found["sales_cycle"] == {"count": 2, "median_days": 36.5}  # (35 + 38) / 2


def test_stats_csv_has_exactly_its_columns(story, cli):
    result = cli("stats", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "metric,key,currency,value\n"
        "win_rate,rate,,55.6\n"
        "closed,won,,5\n"
        "closed,lost,,4\n"
        "closed,cancelled,,1\n"
        "won_amount,count,EUR,4\n"
        "won_amount,amount,EUR,10701\n"
        "won_amount,average,EUR,2675\n"
        "won_amount,median,EUR,2501\n"
        "won_amount,count,USD,1\n"
        "won_amount,amount,USD,2500\n"
        "won_amount,average,USD,2500\n"
        "won_amount,median,USD,2500\n"
        "sales_cycle,median_days,,45\n"
        "velocity,open_deals,EUR,9\n"
        "velocity,per_day,EUR,297\n"
        "velocity,open_deals,USD,1\n"
        "velocity,per_day,USD,31\n"
        "time_in_status,analysis,,37.1\n"
        "time_in_status,quote,,64.9\n"
        "time_in_status,negotiation,,47.3\n"
        "lost_reason,Price,,2\n"
        "lost_reason,budget,,1\n"
        "lost_reason,Timing,,1\n"
        "cancelled_reason,Budget frozen,,1\n"
    )


def test_stats_table_reads_at_80_columns(story, cli):
    assert table(cli, "stats") == [
        "Closed deals: 5 won, 4 lost, 1 cancelled",
        "Win rate (won / (won + lost)): 55.6%",
        "Won in EUR: 10,701 EUR in 4 deals; average 2,675 EUR, median 2,501 EUR",
        "Won in USD: 2,500 USD in 1 deal; average 2,500 USD, median 2,500 USD",
        "Median sales cycle: 45 days (creation to close, 5 won deals)",
        "Pipeline velocity (open deals × win rate × average won ÷ median cycle):",
        "  EUR: 9 × 55.6% × 2,675 EUR ÷ 45 days = 297 EUR a day",
        "  USD: 1 × 55.6% × 2,500 USD ÷ 45 days = 31 USD a day",
        "",
        "Average time in each status",
        "Status          Stays  Ongoing  Average days",
        "Needs analysis      9        5          37.1",
        "Quote sent          8        3          64.9",
        "Negotiation         6        2          47.3",
        "",
        "Why deals were lost or cancelled",
        "Outcome    Reason         Deals",
        "lost       Price              2",
        "lost       budget             1",
        "lost       Timing             1",
        "cancelled  Budget frozen      1",
    ]


def test_stats_of_an_empty_database(empty_db, cli):
    assert report(cli, "stats") == {
        "date": "2026-11-26",
        "since": None,
        "until": None,
        "win_rate": {"won": 0, "lost": 0, "cancelled": 0, "rate": None},
        "won": [],
        "sales_cycle": {"count": 0, "median_days": None},
        "velocity": [],
        "time_in_status": [],
        "reasons": [],
    }
    assert table(cli, "stats") == [
        "Closed deals: 0 won, 0 lost, 0 cancelled",
        "Win rate (won / (won + lost)): n/a",
    ]


def test_stats_refuses_a_bad_since_date(story, cli):
    fails(
        cli,
        "stats",
        "--since",
        "last year",
        code=2,
        message="Invalid --since date 'last year': use YYYY-MM-DD, DD/MM/YYYY, today, "
        "tomorrow, a weekday, +3d, +2w, +1m or eom.",
    )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            "2026-11-27",
            "The --until date 2026-11-27 is in the future: give today or a day before.",
        ),
        (
            "soon",
            "Invalid --until date 'soon': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
    ],
)
def test_stats_refuses_an_until_day_to_come_or_not_a_day(story, cli, day, message):
    fails(cli, "stats", "--until", day, code=2, message=message)


# --- targets ---------------------------------------------------------------------------------

STORY_TARGETS = [
    {"period": "2026-11", "currency": "EUR", "amount": 4000},
    {"period": "2026-12", "currency": "EUR", "amount": 5000},
    {"period": "2026-12", "currency": "USD", "amount": 6000},
    {"period": "2027-01", "currency": "EUR", "amount": 6000},
    {"period": "2027-02", "currency": "EUR", "amount": 2000},
    {"period": "2027-Q1", "currency": "EUR", "amount": 15000},
]


def target_of(cli, period: str, currency: str = "EUR", kind: str = "quarter"):
    """The target the forecast uses for `period` in `currency`."""
    found = report(cli, "forecast", "--period", kind, "--from", period, "--periods", "1")
    [target] = [row["target"] for row in found["periods"] if row["currency"] == currency]
    return target


def test_target_list_by_period_then_currency(story, cli):
    assert report(cli, "target", "list") == STORY_TARGETS
    result = cli("target", "list", "--format", "csv")
    assert result.stdout == (
        "period,currency,amount\n"
        "2026-11,EUR,4000\n"
        "2026-12,EUR,5000\n"
        "2026-12,USD,6000\n"
        "2027-01,EUR,6000\n"
        "2027-02,EUR,2000\n"
        "2027-Q1,EUR,15000\n"
    )
    assert table(cli, "target", "list") == [
        "Period       Target",
        "2026-11   4,000 EUR",
        "2026-12   5,000 EUR",
        "2026-12   6,000 USD",
        "2027-01   6,000 EUR",
        "2027-02   2,000 EUR",
        "2027-Q1  15,000 EUR",
    ]


def test_target_set_replaces_the_target_of_the_period_in_its_currency(story, cli):
    result = cli("target", "set", "2026-12", "7,500")

    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Target for 2026-12: 7,500 EUR.\n"
    assert report(cli, "target", "list")[1:3] == [
        {"period": "2026-12", "currency": "EUR", "amount": 7500},
        {"period": "2026-12", "currency": "USD", "amount": 6000},  # untouched
    ]
    # December's gap follows: 7,500 - 500 expected = 7,000.
    [december] = [
        row
        for row in report(cli, "forecast", "--from", "2026-12", "--periods", "1")["periods"]
        if row["currency"] == "EUR"
    ]
    assert (december["target"], december["gap"]) == (7500, 7000)


@pytest.mark.parametrize(
    ("arguments", "saved", "message"),
    [
        (("2027-q2", "3 000 $"), ("2027-Q2", "USD", 3000), "Target for 2027-Q2: 3,000 USD.\n"),
        (
            ("2027-3", "1.5k", "--currency", "gbp"),
            ("2027-03", "GBP", 1500),
            "Target for 2027-03: 1,500 GBP.\n",
        ),
        (
            ("2027-03", "2.5"),
            ("2027-03", "EUR", 3),
            "The target '2.5' was rounded to 3.\nTarget for 2027-03: 3 EUR.\n",
        ),
    ],
)
def test_target_set_reads_periods_and_amounts_as_people_write_them(
    story, cli, rows, arguments, saved, message
):
    result = cli("target", "set", *arguments)

    assert result.exit_code == 0, result.output
    assert result.stderr == message
    period, currency, amount = saved
    assert {"period": period, "currency": currency, "amount": amount} in report(
        cli, "target", "list"
    )
    assert rows("SELECT count(*) AS n FROM targets") == [{"n": len(STORY_TARGETS) + 1}]


def test_a_quarter_without_a_target_takes_the_sum_of_its_months(story, ok, cli):
    # 2026-Q4: 2026-11 4,000 + 2026-12 5,000 (October has none); USD: December's 6,000.
    assert (target_of(cli, "2026-Q4"), target_of(cli, "2026-Q4", "USD")) == (9000, 6000)
    # 2027-Q1 has its own, 15,000, not 6,000 + 2,000.
    assert target_of(cli, "2027-Q1") == 15000

    ok("target", "set", "2026-Q4", "8000")
    assert target_of(cli, "2026-Q4") == 8000

    ok("target", "delete", "2026-Q4")
    ok("target", "delete", "2026-11")
    assert target_of(cli, "2026-Q4") == 5000
    # A month never takes its quarter's target.
    assert target_of(cli, "2027-03", kind="month") is None


def test_target_delete(story, cli):
    result = cli("target", "delete", "2026-12", "--currency", "usd")

    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Removed the target for 2026-12 in USD.\n"
    assert report(cli, "target", "list") == [STORY_TARGETS[i] for i in (0, 1, 3, 4, 5)]


def test_a_new_fiscal_year_start_says_which_quarter_targets_moved(ok, rows):
    ok("target", "set", "2027-Q1", "100k")
    ok("target", "set", "2027-Q4", "90k", "--currency", "USD")
    ok("target", "set", "2027-03", "10k")
    before = rows("SELECT * FROM targets ORDER BY period, currency")

    changed = ok("config", "set", "fiscal-year-start", "4")
    unchanged = ok("config", "set", "fiscal-year-start", "4")

    assert changed.stdout == unchanged.stdout == ""
    assert changed.stderr == (
        "fiscal-year-start = 4\n"
        "Warning: Quarter targets keep their names, so they now cover other months: "
        "2027-Q1 covered 2027-01 to 2027-03, now 2027-04 to 2027-06; "
        "2027-Q4 covered 2027-10 to 2027-12, now 2028-01 to 2028-03. "
        "Set them again (colibri target set PERIOD AMOUNT) if they were meant for the old "
        "months.\n"
    )
    assert unchanged.stderr == "fiscal-year-start = 4\n"
    assert rows("SELECT * FROM targets ORDER BY period, currency") == before


def test_an_empty_target_list(empty_db, cli):
    assert report(cli, "target", "list") == []
    result = cli("target", "list")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "No targets yet. Set one with: colibri target set 2027-Q1 60k\n"


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (
            ("set", "2027-13", "5000"),
            2,
            "Invalid period '2027-13': write a month as 2027-01 or a quarter as 2027-Q1.",
        ),
        (
            ("set", "Q1", "5000"),
            2,
            "Invalid period 'Q1': write a month as 2027-01 or a quarter as 2027-Q1.",
        ),
        (
            ("set", "2027-03", "lots"),
            2,
            "Invalid target 'lots': write a whole number such as 15000, 15 000, 15k or 1.5M.",
        ),
        (
            ("set", "2027-03", "5000", "--currency", "euros"),
            2,
            "Invalid currency 'euros': a currency is a three-letter ISO 4217 code such as "
            "EUR, USD or GBP.",
        ),
        (
            ("delete", "2027-Q5"),
            2,
            "Invalid period '2027-Q5': write a month as 2027-01 or a quarter as 2027-Q1.",
        ),
        (("delete", "2027-05"), 3, "No target for 2027-05 in EUR. See `colibri target list`."),
        (
            ("delete", "2026-11", "--currency", "USD"),
            3,
            "No target for 2026-11 in USD. See `colibri target list`.",
        ),
    ],
)
def test_bad_targets_are_refused_and_nothing_changes(story, cli, arguments, code, message):
    fails(cli, "target", *arguments, code=code, message=message)

    assert report(cli, "target", "list") == STORY_TARGETS


def test_a_negative_target_is_refused_with_its_reason_not_as_an_option(empty_db, cli, rows):
    result = cli("target", "set", "2027-01", "-5")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Invalid target '-5': it cannot be negative; write 0 or more, such as 15000.\n"
    )
    assert rows("SELECT * FROM targets") == []


@pytest.fixture
def a_thousand_won(ok):
    """1,002 deals won at ACME, imported."""
    deals = "name,account,amount,due_date,status,closed_on\n" + "".join(
        f"Deal {number},ACME,100,2026-10-01,won,2026-10-01\n" for number in range(1, 1003)
    )
    ok("import", "opps", "-", "--create-accounts", input=deals)


def test_stats_counts_have_thousands_separators(a_thousand_won, cli):
    assert cli("stats").stdout.splitlines()[0] == "Closed deals: 1,002 won, 0 lost, 0 cancelled"


def test_record_section_counts_have_thousands_separators(a_thousand_won, cli):
    assert "Opportunities (1,002)" in cli("account", "show", "ACME").stdout.splitlines()
