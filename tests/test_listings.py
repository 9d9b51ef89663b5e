"""Listings at size: a table reads from SQL the rows it shows and a count of the rest; csv
and json write every row as they always have, streamed from the database."""

import csv
import datetime as dt
import io
import json
import sqlite3

import pytest

from colibri_cli.core import store
from conftest import TODAY

STAMP = "2026-11-26T09:00:00"
PUSHED_AT = "2026-11-26T11:00:00"
DEALS = 3000
ACCOUNTS = ("Ünïcode SA", "=Formula Ltd", "Plain Co")
STATUSES = ("analysis", "quote", "negotiation", "won", "lost")
LABELS = {
    "analysis": "Needs analysis",
    "quote": "Quote sent",
    "negotiation": "Negotiation",
    "won": "Won",
    "lost": "Lost",
}
PROBABILITIES = {"analysis": 10, "quote": 40, "negotiation": 70, "won": 100, "lost": 0}
CONTACTS = 300
MORE = "… and {} more not shown. Use --format csv or --format json to get them all.\n"
OPEN_BY_DEFAULT = "Open opportunities; --all lists the closed ones too.\n"
OVERDUE_NOTE = "! after a due date: overdue, due before today and still open.\n"


def status(number: int) -> str:
    return STATUSES[number % 5]


def is_open(number: int) -> bool:
    return status(number) in ("analysis", "quote", "negotiation")


def pushed(number: int) -> bool:
    """An open deal whose due date was put off by ten days, once."""
    return number % 13 == 0 and is_open(number)


def deal_name(number: int) -> str:
    """Names a spreadsheet would run as formulas among plain ones."""
    if number % 7 == 0:
        return f"=Deal {number:04}"
    if number % 11 == 0:
        return f"'=Deal {number:04}"
    return f"Deal {number:04}"


def due(number: int) -> str:
    day = dt.date(2026, 11, 1) + dt.timedelta(days=number % 60 + (10 if pushed(number) else 0))
    return day.isoformat()


def activity_day(number: int) -> str | None:
    return f"2026-11-{number % 20 + 1:02}" if number % 10 == 0 else None


def task_done_day(number: int) -> str | None:
    return "2026-10-05" if number % 8 == 0 else None


@pytest.fixture
def big_book(db_path, built_once):
    """3,000 deals at three accounts (amounts and due dates shared by many), a fifth of them
    each status; an activity at every tenth, a task at every fourth (done at every eighth),
    the due date of some open ones pushed; 300 contacts. Written straight with SQL."""
    built_once(lambda: write_big_book(db_path))


def write_big_book(db_path) -> None:
    with store.session(db_path, write=True):
        pass
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            "INSERT INTO accounts (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(number, name, STAMP, STAMP) for number, name in enumerate(ACCOUNTS, 1)],
        )
        conn.executemany(
            "INSERT INTO contacts (account_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(n % 3 + 1, f"Contact {n:03}", STAMP, STAMP) for n in range(1, CONTACTS + 1)],
        )
        conn.executemany(
            "INSERT INTO opportunities (id, account_id, name, amount, currency, due_date, status,"
            " created_on, closed_on, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'EUR', date('2026-11-01', ?), ?, '2026-01-01', ?, ?, ?)",
            [
                (
                    n,
                    n % 3 + 1,
                    deal_name(n),
                    n % 5 * 1000,
                    f"+{n % 60} days",
                    status(n),
                    None if is_open(n) else "2026-06-01",
                    STAMP,
                    STAMP,
                )
                for n in range(1, DEALS + 1)
            ],
        )
        conn.execute(
            "UPDATE opportunities SET due_date = date(due_date, '+10 days'), updated_at = ?"
            " WHERE id % 13 = 0 AND status IN ('analysis', 'quote', 'negotiation')",
            (PUSHED_AT,),
        )
        conn.executemany(
            "INSERT INTO activities (kind, summary, happened_on, account_id, opportunity_id,"
            " created_at, updated_at) VALUES ('call', ?, ?, ?, ?, ?, ?)",
            [
                (f"Call {n}", activity_day(n), n % 3 + 1, n, STAMP, STAMP)
                for n in range(1, DEALS + 1)
                if activity_day(n)
            ],
        )
        conn.executemany(
            "INSERT INTO tasks (title, due_date, opportunity_id, account_id, done_on,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (f"Follow up {n}", due(n), n, n % 3 + 1, task_done_day(n), STAMP, STAMP)
                for n in range(4, DEALS + 1, 4)
            ],
        )
    conn.close()


def deal(number: int) -> dict:
    """Deal `number` as `opp list --format json` gives it."""
    probability = PROBABILITIES[status(number)]
    amount = number % 5 * 1000
    touches = [day for day in (activity_day(number), task_done_day(number)) if day]
    stamp = PUSHED_AT if pushed(number) else STAMP
    return {
        "id": number,
        "account_id": number % 3 + 1,
        "account_name": ACCOUNTS[number % 3],
        "contact_id": None,
        "contact_name": None,
        "name": deal_name(number),
        "amount": amount,
        "currency": "EUR",
        "due_date": due(number),
        "status": status(number),
        "status_label": LABELS[status(number)],
        "probability": None,
        "source": None,
        "type": None,
        "description": None,
        "tags": None,
        "notes": None,
        "created_on": "2026-01-01",
        "closed_on": None if is_open(number) else "2026-06-01",
        "close_reason": None,
        "external_id": None,
        "created_at": STAMP,
        "updated_at": stamp,
        "renewal_of": None,
        "effective_probability": probability,
        "weighted_amount": (amount * probability + 50) // 100,
        "overdue": is_open(number) and due(number) < TODAY,
        "last_touch": max(touches) if touches else None,
        "pushes": 1 if pushed(number) else 0,
        "days_pushed": 10 if pushed(number) else 0,
    }


def by_due_date(numbers) -> list[int]:
    return sorted(numbers, key=lambda number: (due(number), number))


def as_csv(records: list[dict]) -> str:
    """The CSV colibri writes: yes and no as true and false, nothing for no value, and a "'"
    before the text a spreadsheet would run (whatever "'"s it starts with)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(records[0].keys())
    for record in records:
        writer.writerow([csv_cell(value) for value in record.values()])
    return out.getvalue()


def csv_cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.lstrip("'")[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_ids(stdout: str) -> list[int]:
    """The ids a table shows, in its order (the first column, under its heading)."""
    return [int(line.split()[0]) for line in stdout.splitlines()[1:]]


def test_csv_of_3000_deals_is_every_row_in_order_with_its_computed_columns(big_book, ok):
    result = ok("opp", "list", "--all", "--format", "csv")

    assert result.stderr == ""
    assert result.stdout == as_csv([deal(n) for n in by_due_date(range(1, DEALS + 1))])
    assert result.stdout.count("\n") == DEALS + 1


def test_json_of_3000_deals_is_every_row_one_object_a_line(big_book, ok):
    result = ok("opp", "list", "--all", "--format", "json")

    expected = [deal(n) for n in by_due_date(range(1, DEALS + 1))]
    assert result.stderr == ""
    assert json.loads(result.stdout) == expected
    assert result.stdout == (
        "[\n  " + ",\n  ".join(json.dumps(row, ensure_ascii=False) for row in expected) + "\n]\n"
    )


def test_csv_of_the_open_deals_by_default_leaves_the_closed_ones_out(big_book, ok):
    result = ok("opp", "list", "--format", "csv")

    open_deals = [n for n in range(1, DEALS + 1) if is_open(n)]
    assert result.stdout == as_csv([deal(n) for n in by_due_date(open_deals)])
    assert result.stderr == OPEN_BY_DEFAULT


def test_a_table_of_the_open_deals_counts_those_it_leaves_out(big_book, ok):
    result = ok("opp", "list")

    open_deals = by_due_date(n for n in range(1, DEALS + 1) if is_open(n))
    assert table_ids(result.stdout) == open_deals[:100]
    assert result.stderr == MORE.format("1,700") + OVERDUE_NOTE + OPEN_BY_DEFAULT


@pytest.mark.parametrize("sort", ["due", "amount", "name", "account", "status", "created", "id"])
@pytest.mark.parametrize("order", [[], ["--reverse"]])
@pytest.mark.parametrize("pushes", [[], ["--pushed", "0"]])
def test_a_table_shows_the_first_rows_of_the_csv_in_its_order(big_book, ok, sort, order, pushes):
    """Amounts, due dates, accounts and statuses are shared by many deals: the id decides
    between them, in the table as in the csv. `--pushed 0` selects every deal, but through
    the pushes, which a table reads in one pass."""
    arguments = ("opp", "list", "--all", "--sort", sort, *order, *pushes)

    table = ok(*arguments)
    listed = ok(*arguments, "--format", "csv")

    ids = [int(line.split(",")[0]) for line in listed.stdout.splitlines()[1:]]
    assert len(ids) == DEALS
    assert table_ids(table.stdout) == ids[:100]
    assert table.stderr.startswith(MORE.format("2,900"))


@pytest.mark.parametrize(
    ("filters", "left_out"),
    [
        (["--status", "won"], "500"),
        (["--all", "--search", "Deal 0"], "899"),
        (["--all", "--tag", "none"], None),
        (["--pushed", "1"], "38"),
        (["--account", "Plain Co", "--closed"], "300"),
    ],
)
def test_a_filtered_table_counts_what_the_filters_select(big_book, ok, filters, left_out):
    table = ok("opp", "list", *filters)
    listed = ok("opp", "list", *filters, "--format", "csv")

    selected = listed.stdout.count("\n") - 1
    assert len(table_ids(table.stdout)) == min(selected, 100)
    if left_out is None:
        assert selected == 0
        assert table.stderr == "No opportunity matches these filters.\n"
    else:
        assert f"{selected - 100:,}" == left_out
        assert table.stderr.startswith(MORE.format(left_out))


def test_a_table_of_exactly_100_deals_says_nothing_is_left_out(big_book, ok):
    result = ok("opp", "list", "--all", "--search", "Deal 01")  # 0100 to 0199

    assert table_ids(result.stdout) == by_due_date(range(100, 200))
    assert "more not shown" not in result.stderr


@pytest.mark.parametrize(
    ("arguments", "left_out"),
    [
        (["task", "list"], "275"),  # 375 open: every fourth deal's but every eighth's
        (["task", "list", "--all"], "650"),
        (["task", "list", "--done"], "275"),
        (["contact", "list"], "200"),
        (["activity", "list"], "200"),
        (["account", "list", "--search", "co"], None),
    ],
)
def test_every_listing_counts_the_rows_its_table_leaves_out(big_book, ok, arguments, left_out):
    table = ok(*arguments)
    listed = ok(*arguments, "--format", "csv")

    ids = [int(line.split(",")[0]) for line in listed.stdout.splitlines()[1:]]
    assert table_ids(table.stdout) == ids[:100]
    if left_out is None:
        assert "more not shown" not in table.stderr
    else:
        assert len(ids) - 100 == int(left_out)
        assert MORE.format(left_out) in table.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["opp", "list", "--search", "nothing like it"],
        ["opp", "list", "--deleted"],
        ["task", "list", "--search", "nothing like it"],
        ["contact", "list", "--search", "nothing like it"],
        ["activity", "list", "--kind", "meeting"],
        ["account", "list", "--search", "nothing like it"],
    ],
)
def test_json_of_a_listing_that_selects_nothing_is_an_empty_array(big_book, ok, arguments):
    result = ok(*arguments, "--format", "json")

    assert result.stdout == "[]\n"
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("arguments", "header"),
    [
        (
            ["task", "list", "--search", "nothing like it"],
            "id,title,due_date,due_time,every,every_from,opportunity_id,opportunity_name,"
            "account_id,account_name,done_on,notes,external_id,created_at,updated_at,contact_id,"
            "contact_name,revision,overdue",
        ),
        (
            ["activity", "list", "--kind", "meeting"],
            "id,kind,happened_on,time_of_day,duration_minutes,summary,account_id,opportunity_id,"
            "contact_id,external_id,created_at,updated_at",
        ),
        (["opp", "list", "--search", "nothing like it"], ",".join(deal(1))),
    ],
)
def test_csv_of_a_listing_that_selects_nothing_is_its_header(big_book, ok, arguments, header):
    result = ok(*arguments, "--format", "csv")

    assert result.stdout == f"{header}\n"


def test_a_table_of_the_trash_counts_what_it_holds(big_book, ok, db_path):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE opportunities SET deleted_at = ? WHERE id <= 250", (STAMP,))
    conn.close()

    table = ok("opp", "list", "--deleted")
    listed = ok("opp", "list", "--deleted", "--format", "json")

    assert table_ids(table.stdout) == by_due_date(range(1, 251))[:100]
    assert table.stderr == MORE.format(150)
    assert [row["id"] for row in json.loads(listed.stdout)] == by_due_date(range(1, 251))
