"""Versioned schema migrations, applied with sqlite-utils' `Migrations` when a database opens.

Each step is a function of a `sqlite_utils.Database`; `STEPS` is their order. Checking what
is pending or unknown reads the migrations table with plain sqlite3, so the common case
(nothing to do) never imports sqlite_utils. Never edit a step that has shipped: add one.
"""

import re
import sqlite3
from collections.abc import Callable

from colibri_cli.core.errors import DatabaseProblem
from colibri_cli.i18n import N_, _

MIGRATION_SET = "colibri"
MIGRATIONS_TABLE = "_sqlite_migrations"

OPEN_PIPELINE_V1 = """
    CREATE VIEW open_pipeline AS
    SELECT
        o.id,
        o.name,
        a.name AS account,
        o.amount,
        o.currency,
        o.due_date,
        o.status,
        s.label AS status_label,
        coalesce(o.probability, s.probability) AS probability,
        o.amount * coalesce(o.probability, s.probability) / 100.0 AS weighted_amount
    FROM opportunities AS o
    JOIN statuses AS s ON s.key = o.status
    JOIN accounts AS a ON a.id = o.account_id
    WHERE s.kind = 'open'
    """
"""A view of the open pipeline, for other tools."""

SCHEMA_V1 = [
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name = trim(name) AND name <> ''),
        industry TEXT,
        email TEXT,
        phone TEXT,
        website TEXT,
        city TEXT,
        country TEXT,
        notes TEXT,
        external_id TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        name TEXT NOT NULL CHECK (name = trim(name) AND name <> ''),
        email TEXT,
        phone TEXT,
        role TEXT,
        notes TEXT,
        external_id TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX contacts_by_account ON contacts (account_id)",
    """
    CREATE TABLE statuses (
        key TEXT PRIMARY KEY CHECK (key GLOB '[a-z]*' AND key NOT GLOB '*[^a-z0-9_-]*'),
        label TEXT NOT NULL CHECK (label = trim(label) AND label <> ''),
        probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
        kind TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost', 'cancelled')),
        position INTEGER NOT NULL
    )
    """,
    """
    INSERT INTO statuses (key, label, probability, kind, position) VALUES
        ('analysis', 'Needs analysis', 10, 'open', 1),
        ('quote', 'Quote sent', 40, 'open', 2),
        ('negotiation', 'Negotiation', 70, 'open', 3),
        ('won', 'Won', 100, 'won', 4),
        ('lost', 'Lost', 0, 'lost', 5),
        ('cancelled', 'Cancelled', 0, 'cancelled', 6)
    """,
    """
    CREATE TABLE opportunities (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts (id),
        contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        name TEXT NOT NULL CHECK (name = trim(name) AND name <> ''),
        amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
        currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
        due_date TEXT NOT NULL CHECK (date(due_date, '+0 days') IS due_date
            AND due_date BETWEEN '1900' AND '3000'),
        status TEXT NOT NULL REFERENCES statuses (key) ON UPDATE CASCADE,
        probability INTEGER CHECK (probability BETWEEN 0 AND 100),
        source TEXT,
        type TEXT,
        description TEXT,
        tags TEXT,
        notes TEXT,
        created_on TEXT NOT NULL CHECK (date(created_on, '+0 days') IS created_on
            AND created_on BETWEEN '1900' AND '3000'),
        closed_on TEXT CHECK (closed_on IS NULL OR date(closed_on, '+0 days') IS closed_on
            AND closed_on BETWEEN '1900' AND '3000'),
        close_reason TEXT,
        external_id TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (closed_on IS NULL OR closed_on >= created_on)
    )
    """,
    "CREATE INDEX opportunities_by_account ON opportunities (account_id)",
    "CREATE INDEX opportunities_by_contact ON opportunities (contact_id)",
    # Covering indexes of the reports, chosen by measurement (benchmarks/reports_speed.py):
    # the open pipeline and forecast read only this index, never the table.
    """
    CREATE INDEX opportunities_open_state
    ON opportunities (status, due_date, currency, amount, probability, updated_at)
    """,
    "CREATE INDEX opportunities_closed ON opportunities (status, closed_on, currency, amount)",
    """
    CREATE TABLE opportunity_history (
        id INTEGER PRIMARY KEY,
        opportunity_id INTEGER NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
        changed_at TEXT NOT NULL,
        status TEXT NOT NULL REFERENCES statuses (key) ON UPDATE CASCADE,
        amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
        due_date TEXT NOT NULL CHECK (date(due_date, '+0 days') IS due_date
            AND due_date BETWEEN '1900' AND '3000'),
        probability INTEGER CHECK (probability BETWEEN 0 AND 100),
        currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
        closed_on TEXT CHECK (closed_on IS NULL OR date(closed_on, '+0 days') IS closed_on
            AND closed_on BETWEEN '1900' AND '3000'),
        status_probability INTEGER CHECK (status_probability BETWEEN 0 AND 100)
    )
    """,
    "CREATE INDEX history_by_opportunity ON opportunity_history (opportunity_id, changed_at)",
    """
    CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (title = trim(title) AND title <> ''),
        due_date TEXT CHECK (due_date IS NULL OR date(due_date, '+0 days') IS due_date
            AND due_date BETWEEN '1900' AND '3000'),
        opportunity_id INTEGER REFERENCES opportunities (id) ON DELETE SET NULL,
        account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
        done_on TEXT CHECK (done_on IS NULL OR date(done_on, '+0 days') IS done_on
            AND done_on BETWEEN '1900' AND '3000'),
        notes TEXT,
        external_id TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX tasks_by_due ON tasks (done_on, due_date)",
    "CREATE INDEX tasks_by_opportunity ON tasks (opportunity_id)",
    "CREATE INDEX tasks_by_account ON tasks (account_id)",
    """
    CREATE TABLE targets (
        period TEXT NOT NULL CHECK (
            (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'
                AND substr(period, 6, 2) BETWEEN '01' AND '12')
            OR period GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]'
        ),
        currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
        amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
        PRIMARY KEY (period, currency)
    )
    """,
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    OPEN_PIPELINE_V1,
]


def m001_initial_schema(db) -> None:
    """The whole data model: accounts, contacts, statuses, opportunities and their history,
    tasks, targets, settings, and a view of the open pipeline for other tools."""
    for statement in SCHEMA_V1:
        db.execute(statement)
    from colibri_cli.core.settings import DEFAULTS

    db.conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", list(DEFAULTS.items()))


def _history_row(changed_at: str) -> str:
    return f"""
        INSERT INTO opportunity_history
            (opportunity_id, changed_at, status, amount, due_date, probability, currency,
                closed_on, status_probability)
        VALUES (NEW.id, {changed_at}, NEW.status, NEW.amount, NEW.due_date, NEW.probability,
            NEW.currency, NEW.closed_on,
            (SELECT probability FROM statuses WHERE key = NEW.status));
    """


HISTORY_TRIGGERS = [
    # A backdated opportunity (created_on before today) exists in history from that day on.
    f"""
    CREATE TRIGGER opportunity_history_on_insert AFTER INSERT ON opportunities
    BEGIN {
        _history_row(
            "CASE WHEN NEW.created_on < substr(NEW.updated_at, 1, 10) "
            "THEN NEW.created_on || 'T00:00:00' ELSE NEW.updated_at END"
        )
    } END
    """,
    f"""
    CREATE TRIGGER opportunity_history_on_update
    AFTER UPDATE OF status, amount, due_date, probability, currency, closed_on ON opportunities
    WHEN OLD.status IS NOT NEW.status OR OLD.amount IS NOT NEW.amount
        OR OLD.due_date IS NOT NEW.due_date OR OLD.probability IS NOT NEW.probability
        OR OLD.currency IS NOT NEW.currency OR OLD.closed_on IS NOT NEW.closed_on
    BEGIN {_history_row("NEW.updated_at")} END
    """,
]


def m002_history_triggers(db) -> None:
    """Every change of status, amount, due date, probability or currency (and so of the
    closing date that goes with a status), by any program, writes one full-state history
    row, stamped with the opportunity's updated_at."""
    for statement in HISTORY_TRIGGERS:
        db.execute(statement)


DATABASE_IDENTITY = [
    """
    CREATE TABLE database_identity (
        single INTEGER PRIMARY KEY CHECK (single = 1),
        id TEXT NOT NULL CHECK (length(id) = 8 AND id NOT GLOB '*[^0-9a-f]*')
    )
    """,
    "INSERT INTO database_identity (single, id) VALUES (1, lower(hex(randomblob(4))))",
]
NAMED_BY_ID = ("accounts", "contacts", "opportunities", "tasks")
"""The tables whose records people and exports name by id."""


def m003_stable_ids(db) -> None:
    """Ids that name one record for ever: a random id drawn once per database file, so that
    an export can name the records that have no external id (`colibri:<database>:...`)
    without two databases naming different records alike; and AUTOINCREMENT, so that the
    id of a deleted record is never given to another (opportunity 12 stays the deleted
    one, in a person's notes as in an old export). Ids above the highest one left when
    this step runs may still be given once more."""
    for statement in DATABASE_IDENTITY:
        db.execute(statement)
    conn = db.conn
    # Views and triggers (colibri's, and any a user added) name the tables being rebuilt:
    # set aside meanwhile, made again after, as they were.
    dependents = conn.execute(
        "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') "
        "AND sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    for kind, name, _sql in dependents:  # a view's own triggers go with it: IF EXISTS
        conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    for table in NAMED_BY_ID:
        _rebuild_with_autoincrement(conn, table)
    for _kind, _name, sql in dependents:
        conn.execute(sql)


TABLE_HEAD = re.compile(r'^\s*CREATE\s+TABLE\s+(?:"\w+"|\w+)\s*\(', re.IGNORECASE)
ROWID_KEY = re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b(\s+AUTOINCREMENT\b)?", re.IGNORECASE)


def _rebuild_with_autoincrement(conn: sqlite3.Connection, table: str) -> None:
    """SQLite's procedure for a change ALTER TABLE cannot make: a new table, the rows
    copied, the old one dropped, the new one renamed, its indexes made again (foreign keys
    are off meanwhile: see `apply`)."""
    create, indexes = _definition(conn, table)
    key = ROWID_KEY.search(create)
    if key is not None and key[1]:
        return  # already so
    rebuilt = f"{table}_rebuilt"
    new = TABLE_HEAD.sub(f"CREATE TABLE {rebuilt} (", create, count=1)
    if key is None or new == create:
        raise DatabaseProblem(
            _(
                "Cannot bring this database up to date: its {table} table is not as colibri "
                "made it. Nothing was changed."
            ).format(table=table)
        )
    new = ROWID_KEY.sub("id INTEGER PRIMARY KEY AUTOINCREMENT", new, count=1)
    conn.execute(new)
    conn.execute(f'INSERT INTO {rebuilt} SELECT * FROM "{table}"')
    conn.execute(f'DROP TABLE "{table}"')
    conn.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
    for sql in indexes:
        conn.execute(sql)


def _definition(conn: sqlite3.Connection, table: str) -> tuple[str, list[str]]:
    """A table's CREATE statement, and those of its indexes."""
    create = conn.execute(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    if create is None:
        raise DatabaseProblem(
            _("Cannot bring this database up to date: it has no {table} table.").format(table=table)
        )
    indexes = conn.execute(
        "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY rowid",
        (table,),
    ).fetchall()
    return create[0], [sql for (sql,) in indexes]


CLOCK_OF_THE_WRITE = "strftime('%Y-%m-%dT%H:%M:%f', 'now', 'localtime')"
"""SQLite's own clock, for a change whose writer did not stamp it (another program)."""
STAMP_OF_CHANGE = (
    f"CASE WHEN NEW.updated_at > coalesce(OLD.updated_at, '') THEN NEW.updated_at "
    f"ELSE {CLOCK_OF_THE_WRITE} END"
)
"""A change is stamped by its writer (colibri stamps every write with its clock), unless the
stamp is not later than the one it replaces: then the write did not stamp itself, and it
happened now, never at the previous change."""
HISTORY_COLUMNS_TRACKED = "status, amount, due_date, probability, currency, closed_on, deleted_at"


def _history_row_v2(changed_at: str) -> str:
    """One full-state history row of NEW, a closed status counting at its kind's
    probability (won 100, lost and cancelled 0), whatever its configured one."""
    return f"""
        INSERT INTO opportunity_history
            (opportunity_id, changed_at, status, amount, due_date, probability, currency,
                closed_on, status_probability, deleted)
        VALUES (NEW.id, {changed_at}, NEW.status, NEW.amount, NEW.due_date, NEW.probability,
            NEW.currency, NEW.closed_on,
            (SELECT CASE kind WHEN 'open' THEN probability WHEN 'won' THEN 100 ELSE 0 END
                FROM statuses WHERE key = NEW.status),
            NEW.deleted_at IS NOT NULL);
    """


HISTORY_TRIGGERS_V2 = [
    # An opportunity created in the past exists in history from that day on; one another
    # program inserts already closed in the past, from its closing day (colibri's own
    # commands and imports insert it open, then close it).
    f"""
    CREATE TRIGGER opportunity_history_on_insert AFTER INSERT ON opportunities
    BEGIN {
        _history_row_v2(
            "CASE WHEN NEW.closed_on < substr(NEW.updated_at, 1, 10) "
            "THEN NEW.closed_on || 'T00:00:00' "
            "WHEN NEW.created_on < substr(NEW.updated_at, 1, 10) "
            "THEN NEW.created_on || 'T00:00:00' ELSE NEW.updated_at END"
        )
    } END
    """,
    f"""
    CREATE TRIGGER opportunity_history_on_update
    AFTER UPDATE OF {HISTORY_COLUMNS_TRACKED} ON opportunities
    WHEN OLD.status IS NOT NEW.status OR OLD.amount IS NOT NEW.amount
        OR OLD.due_date IS NOT NEW.due_date OR OLD.probability IS NOT NEW.probability
        OR OLD.currency IS NOT NEW.currency OR OLD.closed_on IS NOT NEW.closed_on
        OR OLD.deleted_at IS NOT NEW.deleted_at
    BEGIN {_history_row_v2(STAMP_OF_CHANGE)} END
    """,
    # A write that did not stamp itself leaves the record stamped now, like its history
    # row ('now' is one value for the whole statement, triggers included).
    f"""
    CREATE TRIGGER opportunity_stamp_unstamped_change
    AFTER UPDATE OF {HISTORY_COLUMNS_TRACKED} ON opportunities
    WHEN NEW.updated_at <= OLD.updated_at
    BEGIN
        UPDATE opportunities SET updated_at = {CLOCK_OF_THE_WRITE} WHERE id = NEW.id;
    END
    """,
]

OWN_TRIGGERS = (
    "opportunity_history_on_insert",
    "opportunity_history_on_update",
    "opportunity_stamp_unstamped_change",
    "forecast_calls_are_never_changed",
    "forecast_calls_are_never_deleted",
    "exchange_rates_are_never_changed",
    "exchange_rates_are_never_deleted",
    "tasks_are_revised_on_update",
    "opportunity_stays_are_kept_on_insert",
    "opportunity_stays_are_kept_on_update",
    "opportunity_stays_are_kept_on_delete",
)

LIVE_OPPORTUNITIES = "deleted_at IS NULL"
"""Opportunities not in the trash: every current listing and report reads only these."""

TRASH_AND_TRUE_HISTORY = [
    # The trash: a deleted opportunity keeps its row and its history, stamped with when it
    # was deleted, so that reports about the time before still count it.
    """
    ALTER TABLE opportunities ADD COLUMN deleted_at TEXT
        CHECK (deleted_at IS NULL OR deleted_at GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T*')
    """,
    """
    ALTER TABLE opportunity_history ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0
        CHECK (deleted IN (0, 1))
    """,
    "DROP TRIGGER IF EXISTS opportunity_history_on_insert",
    "DROP TRIGGER IF EXISTS opportunity_history_on_update",
    *HISTORY_TRIGGERS_V2,
    # The covering indexes of the reports, of the live opportunities only.
    "DROP INDEX IF EXISTS opportunities_open_state",
    "DROP INDEX IF EXISTS opportunities_closed",
    f"""
    CREATE INDEX opportunities_open_state
    ON opportunities (status, due_date, currency, amount, probability, updated_at)
    WHERE {LIVE_OPPORTUNITIES}
    """,
    f"""
    CREATE INDEX opportunities_closed ON opportunities (status, closed_on, currency, amount)
    WHERE {LIVE_OPPORTUNITIES}
    """,
    # A closed deal has no probability of its own: its outcome's is the one that counts.
    """
    UPDATE opportunities SET probability = NULL
    WHERE probability IS NOT NULL
        AND status IN (SELECT key FROM statuses WHERE kind <> 'open')
    """,
    """
    UPDATE opportunity_history SET probability = NULL,
        status_probability = (SELECT CASE kind WHEN 'won' THEN 100 ELSE 0 END
            FROM statuses WHERE key = opportunity_history.status)
    WHERE status IN (SELECT key FROM statuses WHERE kind <> 'open')
    """,
]


OPEN_PIPELINE_V2 = OPEN_PIPELINE_V1.replace(
    "WHERE s.kind = 'open'", f"WHERE s.kind = 'open' AND o.{LIVE_OPPORTUNITIES}"
)


def m004_trash_and_true_history(db) -> None:
    """The history tells the truth: a deleted opportunity goes to a trash (`deleted_at`),
    recorded in its history, instead of taking its history with it; a change another
    program writes without stamping it is stamped when it is written; a closed deal counts
    at its outcome's probability, in the opportunities as in their history."""
    for statement in TRASH_AND_TRUE_HISTORY:
        db.execute(statement)
    # The view of the open pipeline, made again without the trash (unless a user dropped it).
    if db.execute("SELECT 1 FROM sqlite_schema WHERE name = 'open_pipeline'").fetchone():
        db.execute("DROP VIEW open_pipeline")
        db.execute(OPEN_PIPELINE_V2)


FORECAST_CALLS = [
    """
    CREATE TABLE forecast_calls (
        id INTEGER PRIMARY KEY,
        period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'
            OR period GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]'),
        currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
        amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
        made_at TEXT NOT NULL
            CHECK (made_at GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T*')
    )
    """,
    "CREATE INDEX forecast_calls_by_period ON forecast_calls (period, currency, made_at)",
    # What was called on a day stays what was called: a new call replaces it from its own
    # moment on, and the accuracy of past calls is read from these rows.
    """
    CREATE TRIGGER forecast_calls_are_never_changed BEFORE UPDATE ON forecast_calls
    BEGIN SELECT RAISE(ABORT, 'a forecast call is never changed: make a new one'); END
    """,
    """
    CREATE TRIGGER forecast_calls_are_never_deleted BEFORE DELETE ON forecast_calls
    BEGIN SELECT RAISE(ABORT, 'a forecast call is never deleted: make a new one'); END
    """,
]


def m005_forecast_calls(db) -> None:
    """The salesperson's own forecast: a figure called for a month or a quarter, kept with
    the moment it was made, so that `forecast accuracy` can measure it against what was won
    beside the computed forecast."""
    for statement in FORECAST_CALLS:
        db.execute(statement)


EXCHANGE_RATES = [
    """
    CREATE TABLE exchange_rates (
        id INTEGER PRIMARY KEY,
        currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
        rate TEXT NOT NULL CHECK (rate GLOB '[0-9]*' AND rate NOT GLOB '*[^0-9.]*'
            AND rate NOT GLOB '*.*.*' AND rate NOT GLOB '*.' AND CAST(rate AS REAL) > 0),
        base TEXT NOT NULL
            CHECK (length(base) = 3 AND base = upper(base) AND base <> currency),
        valid_from TEXT NOT NULL
            CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
        set_at TEXT NOT NULL CHECK (set_at GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T*')
    )
    """,
    "CREATE INDEX exchange_rates_by_day ON exchange_rates (base, currency, valid_from)",
    # A rate once set stays what it was: a later one for the same day replaces it, and the
    # converted reports read their rates from these rows.
    """
    CREATE TRIGGER exchange_rates_are_never_changed BEFORE UPDATE ON exchange_rates
    BEGIN SELECT RAISE(ABORT, 'an exchange rate is never changed: set a new one'); END
    """,
    """
    CREATE TRIGGER exchange_rates_are_never_deleted BEFORE DELETE ON exchange_rates
    BEGIN SELECT RAISE(ABORT, 'an exchange rate is never deleted: set a new one'); END
    """,
]


def m006_exchange_rates(db) -> None:
    """Exchange rates into the reporting currency, from a day on, for the reports that
    convert every amount into one currency on request (`--in`)."""
    for statement in EXCHANGE_RATES:
        db.execute(statement)


ACTIVITIES = [
    """
    CREATE TABLE activities (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note')),
        summary TEXT NOT NULL CHECK (summary = trim(summary) AND summary <> ''),
        happened_on TEXT NOT NULL CHECK (date(happened_on, '+0 days') IS happened_on
            AND happened_on BETWEEN '1900' AND '3000'),
        time_of_day TEXT CHECK (time_of_day IS NULL
            OR time_of_day GLOB '[0-2][0-9]:[0-5][0-9]' AND time_of_day < '24:00'),
        duration_minutes INTEGER CHECK (duration_minutes IS NULL
            OR typeof(duration_minutes) = 'integer' AND duration_minutes >= 0),
        account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        opportunity_id INTEGER REFERENCES opportunities (id) ON DELETE SET NULL,
        contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        external_id TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    # The filters of `activity list`, each newest first.
    "CREATE INDEX activities_by_day ON activities (happened_on, time_of_day)",
    "CREATE INDEX activities_by_account ON activities (account_id, happened_on)",
    "CREATE INDEX activities_by_opportunity ON activities (opportunity_id, happened_on)",
    "CREATE INDEX activities_by_contact ON activities (contact_id, happened_on)",
]


def m007_activities(db) -> None:
    """The activity log: calls, emails, meetings and notes, each on a day (at a time of
    day, if given) at an account, and maybe about one of its opportunities or with one of
    its contacts. An account deleted takes its activities with it, as its tasks; a contact
    deleted or an opportunity purged leaves them at the account."""
    for statement in ACTIVITIES:
        db.execute(statement)


TASK_CONTACTS = [
    "ALTER TABLE tasks ADD COLUMN contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL",
    "CREATE INDEX tasks_by_contact ON tasks (contact_id)",
]


def m008_task_contacts(db) -> None:
    """A task may be for one of its account's contacts. A contact deleted leaves their
    tasks at the account, as an opportunity purged leaves its tasks."""
    for statement in TASK_CONTACTS:
        db.execute(statement)


STATUS_STALE_DAYS = [
    "ALTER TABLE statuses ADD COLUMN stale_days INTEGER CHECK (stale_days IS NULL"
    " OR typeof(stale_days) = 'integer' AND stale_days > 0)",
]


def m009_status_stale_days(db) -> None:
    """A status may have its own number of days after which an untouched deal in it is
    stale (a quote goes cold sooner than a negotiation); NULL follows the stale-days
    setting."""
    for statement in STATUS_STALE_DAYS:
        db.execute(statement)


RENEWALS = [
    "ALTER TABLE opportunities ADD COLUMN renewal_of INTEGER"
    " REFERENCES opportunities (id) ON DELETE SET NULL",
    "CREATE INDEX opportunities_by_renewal_of ON opportunities (renewal_of)",
]


def m010_renewals(db) -> None:
    """An opportunity may be the renewal of a won one (`opp status ID won --renew 12m`).
    The won deal purged leaves its renewal standing, a deal of its own."""
    for statement in RENEWALS:
        db.execute(statement)


TASK_TIMES = [
    "ALTER TABLE tasks ADD COLUMN due_time TEXT CHECK (due_time IS NULL OR due_date NOTNULL"
    " AND due_time GLOB '[0-2][0-9]:[0-5][0-9]' AND due_time < '24:00')",
    "ALTER TABLE tasks ADD COLUMN every TEXT CHECK (every IS NULL OR due_date NOTNULL"
    " AND every GLOB '[1-9]*[dwmqy]' AND length(every) <= 4"
    " AND ltrim(substr(every, 1, length(every) - 1), '0123456789') = '')",
    "ALTER TABLE tasks ADD COLUMN every_from TEXT CHECK ((every_from IS NULL) = (every IS NULL)"
    " AND (every_from IS NULL OR date(every_from, '+0 days') IS every_from))",
    "ALTER TABLE tasks ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"
    " CHECK (typeof(revision) = 'integer' AND revision >= 0)",
    """
    CREATE TRIGGER tasks_are_revised_on_update AFTER UPDATE ON tasks
    FOR EACH ROW WHEN NEW.revision IS OLD.revision
    BEGIN
        UPDATE tasks SET revision = OLD.revision + 1 WHERE id = OLD.id;
    END
    """,
    """
    CREATE TABLE deleted_tasks (
        task_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        due_date TEXT CHECK (due_date IS NULL OR date(due_date, '+0 days') IS due_date),
        due_time TEXT CHECK (due_time IS NULL
            OR due_time GLOB '[0-2][0-9]:[0-5][0-9]' AND due_time < '24:00'),
        created_at TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (typeof(revision) = 'integer' AND revision >= 0),
        deleted_on TEXT NOT NULL CHECK (date(deleted_on, '+0 days') IS deleted_on)
    )
    """,
    "CREATE INDEX deleted_tasks_by_day ON deleted_tasks (deleted_on)",
]


def m011_task_times(db) -> None:
    """A task may be due at a time of day ("friday 10:00"), kept beside its due date so
    that every report reading `due_date` reads it as before; only a task with a due date
    has one. A dated task may repeat `every` period ("1w", "1m": a count and d, w, m, q or
    y), its series anchored on the due date `every_from` (the first one, or the one set
    last), from which each next due date is counted in whole periods.

    For calendars: each change of a task counts in its `revision` (the event's SEQUENCE,
    which only grows), and a task deleted leaves what its cancelled event needs in
    `deleted_tasks` (`tasks.delete_where` writes it, with colibri's day)."""
    for statement in TASK_TIMES:
        db.execute(statement)


HISTORY_IN_ORDER = [
    """
    CREATE INDEX history_in_order ON opportunity_history
        (opportunity_id, changed_at, id, status, due_date, probability, status_probability)
    """,
    "DROP INDEX IF EXISTS history_by_opportunity",
]


def m012_history_in_order(db) -> None:
    """Each deal's history in the order the reports read it, (changed_at, id), with what
    they read of each row: the row before or after one, where a stay begins and ends, a push,
    the latest state of a day, are each one seek that never goes to the table. It replaces
    history_by_opportunity, of which it is an extension: a history row still writes one
    index entry."""
    for statement in HISTORY_IN_ORDER:
        db.execute(statement)


def stays_made(deals: str) -> str:
    """The statement that writes the stays of the deals whose history rows `h` meet `deals`,
    from their history: a stay begins at a row whose status is not the one of the row
    before it (in the order (changed_at, id)) and ends at the first later row in another
    status. The Julian days of its two dates are kept, the reports counting days between
    dates."""
    return f"""
        INSERT INTO opportunity_stays
            (opportunity_id, id, changed_at, status, left_at, entered_day, left_day)
        SELECT opportunity_id, id, changed_at, status, left_at,
            julianday(date(changed_at)), julianday(date(left_at))
        FROM (
            SELECT h.opportunity_id, h.id, h.changed_at, h.status, (
                SELECT min(later.changed_at) FROM opportunity_history AS later
                WHERE later.opportunity_id = h.opportunity_id
                    AND (later.changed_at, later.id) > (h.changed_at, h.id)
                    AND later.status <> h.status
            ) AS left_at
            FROM opportunity_history AS h
            WHERE {deals} AND h.status IS NOT (
                SELECT previous.status FROM opportunity_history AS previous
                WHERE previous.opportunity_id = h.opportunity_id
                    AND (previous.changed_at, previous.id) < (h.changed_at, h.id)
                ORDER BY previous.changed_at DESC, previous.id DESC LIMIT 1
            )
        )
    """


def _stays_of(deal: str) -> list[str]:
    """The stays of one deal (`deal`, an SQL expression of its id) made again."""
    return [
        f"DELETE FROM opportunity_stays WHERE opportunity_id = {deal}",
        stays_made(f"h.opportunity_id = {deal}"),
    ]


def _statements(statements: list[str]) -> str:
    return "".join(f"{statement};" for statement in statements)


OPPORTUNITY_STAYS = [
    """
    CREATE TABLE opportunity_stays (
        opportunity_id INTEGER NOT NULL,
        id INTEGER NOT NULL,
        changed_at TEXT,
        status TEXT,
        left_at TEXT,
        entered_day REAL,
        left_day REAL,
        PRIMARY KEY (opportunity_id, id)
    ) WITHOUT ROWID
    """,
    # Any write of the history (colibri's triggers, a close moved to its day, another
    # program's INSERT, UPDATE or DELETE, a deal deleted with its history) makes the stays
    # of the deals it touched again from their rows.
    f"""
    CREATE TRIGGER opportunity_stays_are_kept_on_insert AFTER INSERT ON opportunity_history
    BEGIN {_statements(_stays_of("NEW.opportunity_id"))} END
    """,
    f"""
    CREATE TRIGGER opportunity_stays_are_kept_on_update
    AFTER UPDATE OF opportunity_id, changed_at, status ON opportunity_history
    BEGIN {_statements(_stays_of("OLD.opportunity_id") + _stays_of("NEW.opportunity_id"))} END
    """,
    f"""
    CREATE TRIGGER opportunity_stays_are_kept_on_delete AFTER DELETE ON opportunity_history
    BEGIN {_statements(_stays_of("OLD.opportunity_id"))} END
    """,
    # The closed deals' index holds what `stats` reads of them besides (the creation day of
    # the sales cycle, the close reason), so that it never goes to the table.
    "DROP INDEX IF EXISTS opportunities_closed",
    f"""
    CREATE INDEX opportunities_closed
    ON opportunities (status, closed_on, currency, amount, created_on, close_reason)
    WHERE {LIVE_OPPORTUNITIES}
    """,
]


def m013_opportunity_stays(db) -> None:
    """Each deal's stays in a status, when it entered and when it left each, kept by
    triggers from its history whatever writes it, so that time in status reads one row a
    stay instead of seeking, for each history row, the one before and the first in another
    status after it. They are made from the history as it is. The index of closed deals
    grows by what `stats` reads of them."""
    for statement in OPPORTUNITY_STAYS:
        db.execute(statement)
    db.execute(stays_made("TRUE"))


SCHEMA = {
    "accounts": (
        "id", "name", "industry", "email", "phone", "website", "city", "country", "notes",
        "external_id", "created_at", "updated_at",
    ),
    "contacts": (
        "id", "account_id", "name", "email", "phone", "role", "notes", "external_id",
        "created_at", "updated_at",
    ),
    "database_identity": ("single", "id"),
    "opportunities": (
        "id", "account_id", "contact_id", "name", "amount", "currency", "due_date", "status",
        "probability", "source", "type", "description", "tags", "notes", "created_on",
        "closed_on", "close_reason", "external_id", "created_at", "updated_at", "deleted_at",
        "renewal_of",
    ),
    "opportunity_history": (
        "id", "opportunity_id", "changed_at", "status", "amount", "due_date", "probability",
        "currency", "closed_on", "status_probability", "deleted",
    ),
    "opportunity_stays": (
        "opportunity_id", "id", "changed_at", "status", "left_at", "entered_day", "left_day",
    ),
    "settings": ("key", "value"),
    "statuses": ("key", "label", "probability", "kind", "position", "stale_days"),
    "targets": ("period", "currency", "amount"),
    "forecast_calls": ("id", "period", "currency", "amount", "made_at"),
    "exchange_rates": ("id", "currency", "rate", "base", "valid_from", "set_at"),
    "tasks": (
        "id", "title", "due_date", "opportunity_id", "account_id", "done_on", "notes",
        "external_id", "created_at", "updated_at", "contact_id", "due_time", "every",
        "every_from", "revision",
    ),
    "deleted_tasks": (
        "task_id", "title", "due_date", "due_time", "created_at", "revision", "deleted_on",
    ),
    "activities": (
        "id", "kind", "summary", "happened_on", "time_of_day", "duration_minutes", "account_id",
        "opportunity_id", "contact_id", "external_id", "created_at", "updated_at",
    ),
}  # fmt: skip
"""The tables, and their columns, that the migrations make: what colibri reads and writes.
tests/test_tampered_store.py checks it against what the migrations make."""

IDENTITY = re.compile(r"[0-9a-f]{8}")
"""What the migrations draw as a database's identity (m003)."""


HISTORY_STOPS = N_("the history of opportunities would stop")
TRIGGER_CONSEQUENCES = {
    "forecast_calls": N_("forecast calls could be changed"),
    "exchange_rates": N_("exchange rates could be changed"),
    "tasks": N_("calendar applications would not take the changes of tasks"),
    "opportunity_stays": N_("the time in each status would stop following the history"),
}
"""What a missing trigger of OWN_TRIGGERS lets happen, by the table it keeps."""


def schema_problem(conn: sqlite3.Connection) -> str | None:
    """What is missing from the schema the migrations made, said for a person; None if
    nothing is. Indexes are not checked (a missing one only slows a report down), nor what
    another program added (its own tables, columns, views or triggers)."""
    found: dict[str, set[str]] = {}
    for kind, name, column in conn.execute(
        "SELECT s.type, s.name, c.name FROM sqlite_schema AS s "
        "LEFT JOIN pragma_table_xinfo(s.name) AS c WHERE s.type IN ('table', 'trigger')"
    ):
        found.setdefault(f"{kind}:{name}", set()).add(column)
    for table, columns in SCHEMA.items():
        present = found.get(f"table:{table}")
        if present is None:
            return _("the table {table} is missing").format(table=table)
        for column in columns:
            if column not in present:
                return _("the column {column} of the table {table} is missing").format(
                    column=column, table=table
                )
    for trigger in OWN_TRIGGERS:
        if f"trigger:{trigger}" not in found:
            consequence = _(TRIGGER_CONSEQUENCES.get(trigger.split("_are_")[0], HISTORY_STOPS))
            return _("the trigger {trigger} is missing: {consequence}").format(
                trigger=trigger, consequence=consequence
            )
    identity = conn.execute("SELECT id FROM database_identity WHERE single = 1").fetchone()
    if identity is None or not isinstance(identity[0], str) or not IDENTITY.fullmatch(identity[0]):
        return _("its identity, the row of the table database_identity, is missing or damaged")
    return None


STEPS = (
    m001_initial_schema,
    m002_history_triggers,
    m003_stable_ids,
    m004_trash_and_true_history,
    m005_forecast_calls,
    m006_exchange_rates,
    m007_activities,
    m008_task_contacts,
    m009_status_stale_days,
    m010_renewals,
    m011_task_times,
    m012_history_in_order,
    m013_opportunity_stays,
)
KNOWN = tuple(step.__name__ for step in STEPS)


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the colibri migrations recorded in the database, read without writing."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if not has_table:
        return []
    rows = conn.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,),
    )
    return [row[0] for row in rows]


def unknown(conn: sqlite3.Connection) -> list[str]:
    """Migrations recorded by a newer colibri: their presence means we must not write."""
    return [name for name in applied(conn) if name not in KNOWN]


def pending(conn: sqlite3.Connection) -> list[str]:
    done = set(applied(conn))
    return [name for name in KNOWN if name not in done]


def apply(conn: sqlite3.Connection, verify: Callable[[], None] | None = None) -> None:
    """Apply pending steps under the write lock, so concurrent first runs migrate once;
    `verify`, if given, runs before the commit and may refuse the result by raising."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migration_set = Migrations(MIGRATION_SET)
    for step in STEPS:
        migration_set()(step)
    # Foreign keys are off while steps rebuild tables (dropping a table would otherwise
    # cascade to the rows that refer to it), and checked before the commit.
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        already = _broken_references(conn)  # another program may have left some: not ours
        migration_set.apply(Database(conn, execute_plugins=False))
        broken = _broken_references(conn) - already
        if broken:
            raise sqlite3.IntegrityError(f"a migration broke references: {sorted(broken)[:5]}")
        if verify is not None:
            verify()
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("PRAGMA foreign_keys = ON")


def _broken_references(conn: sqlite3.Connection) -> set[tuple]:
    """(table, rowid, parent) of each row that refers to a row its parent table lacks."""
    return {
        (table, rowid, parent)
        for table, rowid, parent, _key in conn.execute("PRAGMA foreign_key_check")
    }
