"""The index the reports read the history through (m012): each deal's rows in the order the
reports read them, (changed_at, id), with what they read of each row."""

import sqlite3

from colibri_cli.core import migrations, reports, slippage

INDEX_COLUMNS = [
    "opportunity_id", "changed_at", "id", "status", "due_date", "probability",
    "status_probability",
]  # fmt: skip


def history_indexes(rows) -> dict[str, list[str]]:
    indexes = rows(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'opportunity_history'"
    )
    return {
        index["name"]: [column["name"] for column in rows(f"PRAGMA index_info({index['name']})")]
        for index in indexes
    }


def test_a_database_before_the_history_index_is_brought_up_to_date(db_path, ok, rows):
    """The index replaces history_by_opportunity, whose columns begin it; the history stays
    as it was."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    steps = Migrations(migrations.MIGRATION_SET)
    for step in migrations.STEPS[: migrations.STEPS.index(migrations.m012_history_in_order)]:
        steps()(step)
    database = Database(db_path)
    steps.apply(database)
    stamp = {"created_at": "2026-01-05T09:00:00", "updated_at": "2026-01-05T09:00:00"}
    database["accounts"].insert({"name": "ACME", **stamp})
    database["opportunities"].insert(
        {"account_id": 1, "name": "Hosting", "amount": 1200, "currency": "EUR",
         "due_date": "2026-12-31", "status": "quote", "created_on": "2026-01-05", **stamp}
    )  # fmt: skip
    database.conn.commit()
    database.conn.close()
    assert history_indexes(rows) == {"history_by_opportunity": ["opportunity_id", "changed_at"]}
    before = rows("SELECT * FROM opportunity_history")

    ok("upgrade")

    assert history_indexes(rows) == {"history_in_order": INDEX_COLUMNS}
    assert rows("SELECT * FROM opportunity_history") == before
    assert len(before) == 1


def plan(db_path, sql: str, params: dict) -> list[str]:
    conn = sqlite3.connect(db_path)
    conn.create_function("fold", 1, str.casefold)
    try:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    finally:
        conn.close()


def test_the_row_before_or_after_one_is_a_seek_in_the_index(empty_db):
    """The stays the history triggers keep (m013), slippage and the state as of a day find
    the row before or after one (`previous`, `before`, `later`, `latest`) in the index
    alone, without reading the table."""
    for sql, params, aliases in (
        (migrations.stays_made("h.opportunity_id = 1"), {}, {"previous", "later"}),
        (slippage.PUSHES_BY_OPPORTUNITY, {}, {"before"}),
        (f"SELECT count(*) FROM ({reports.STATE_AS_OF})", {"cutoff": "2026-12-01"}, {"latest"}),
    ):
        seeks = {
            step.split()[1]: step
            for step in plan(empty_db, sql, params)
            if step.split()[:2] in [["SEARCH", alias] for alias in aliases]
        }
        assert seeks.keys() == aliases
        for alias, step in seeks.items():
            assert step.startswith(f"SEARCH {alias} USING COVERING INDEX history_in_order"), step
