"""Renewals: a won deal closed with `--renew PERIOD` makes the next one at the same account,
linked to it (`renewal_of`)."""

from colibri_cli.core import migrations


def test_a_database_without_renewals_is_brought_up_to_date(db_path, ok, rows):
    """Its opportunities keep everything and are the renewal of none."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    steps = Migrations(migrations.MIGRATION_SET)
    for step in migrations.STEPS[: migrations.STEPS.index(migrations.m010_renewals)]:
        steps()(step)
    database = Database(db_path)
    steps.apply(database)
    stamp = {"created_at": "2026-01-05T09:00:00", "updated_at": "2026-11-30T09:00:00"}
    database["accounts"].insert({"name": "ACME", **stamp})
    database["opportunities"].insert(
        {"account_id": 1, "name": "Hosting", "amount": 1200, "currency": "EUR",
         "due_date": "2026-12-31", "status": "won", "created_on": "2026-01-05",
         "closed_on": "2026-11-30", **stamp}
    )  # fmt: skip
    database.conn.commit()
    database.conn.close()
    before = rows("SELECT * FROM opportunities")

    ok("upgrade")

    assert rows("SELECT name FROM _sqlite_migrations")[-1] == {"name": "m010_renewals"}
    assert rows("SELECT * FROM opportunities") == [{**deal, "renewal_of": None} for deal in before]
