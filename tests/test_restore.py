"""`colibri restore`: a backup (SQLite) or a file of `export all` (JSON) put back as the
database, after a copy of the one it replaces is kept beside it."""

import json
import sqlite3

import pytest

from test_store import first_release
from test_whole_file import dump

DEMO = (
    "10 accounts, 10 contacts, 60 opportunities, 218 history rows, 49 tasks, 0 activities, "
    "5 targets, 0 forecast calls, 0 exchange rates"
)


def names(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [name for (name,) in conn.execute("SELECT name FROM accounts ORDER BY id")]
    finally:
        conn.close()


def kept_copies(db_path) -> list:
    return sorted(db_path.parent.glob(f"{db_path.stem}.before-restore-2026????-??????*.db"))


@pytest.fixture
def saved(ok, db_path, tmp_path):
    """The demo, its backup and its export; then the database gains an account."""
    ok("demo")
    backup, exported = tmp_path / "saved.db", tmp_path / "saved.json"
    ok("backup", str(backup))
    ok("export", "all", "-o", str(exported))
    original = dump(db_path)
    ok("account", "add", "Added after the backup")
    return backup, exported, original


@pytest.mark.parametrize("kind", ["backup", "export"])
def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(ok, db_path, saved, kind):
    backup, exported, original = saved
    source = backup if kind == "backup" else exported
    replaced = dump(db_path)

    result = ok("restore", str(source), "--yes")

    [kept] = kept_copies(db_path)
    assert result.stdout == ""
    assert result.stderr == (
        f"Restored {source} into {db_path}: {DEMO}.\nThe database it replaced is kept in {kept}.\n"
    )
    assert dump(db_path) == original
    assert dump(kept) == replaced
    assert names(kept)[-1] == "Added after the backup"
    assert oct(kept.stat().st_mode & 0o777) == oct(db_path.stat().st_mode & 0o777) == "0o600"
    assert ok("pipeline").stdout == ok("--db", str(backup), "pipeline").stdout
    leftovers = {path.name for path in db_path.parent.iterdir()} - {
        db_path.name,
        f"{db_path.name}-wal",
        f"{db_path.name}-shm",
        kept.name,
        backup.name,
        exported.name,
    }
    assert leftovers == set()  # nothing staged is left behind


def test_a_connection_open_on_the_database_sees_the_restore(ok, db_path, saved):
    """The pages are copied into the file as one write, through SQLite: a program that has
    the database open (in WAL mode) reads the restored data, never a mix."""
    backup, _exported, _original = saved
    reader = sqlite3.connect(db_path)
    assert reader.execute("SELECT count(*) FROM accounts").fetchone() == (11,)

    ok("restore", str(backup), "--yes")

    assert reader.execute("SELECT count(*) FROM accounts").fetchone() == (10,)
    assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reader.close()


def test_in_a_script_restore_needs_yes(cli, db_path, saved):
    backup, _exported, _original = saved
    before = dump(db_path)

    result = cli("restore", str(backup))

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Replace the database {db_path} (11 accounts, 10 contacts, 60 opportunities, "
        f"218 history rows, 49 tasks, 5 targets) with {backup}? A copy of it is kept. "
        "Not on a terminal: pass --yes to confirm.\n"
    )
    assert dump(db_path) == before
    assert kept_copies(db_path) == []


def test_restoring_where_there_is_no_database_makes_it(ok, saved, tmp_path):
    backup, exported, original = saved
    for source in (backup, exported):
        target = tmp_path / "new" / f"from-{source.suffix[1:]}.db"

        result = ok("--db", str(target), "restore", str(source))  # nothing to replace: no question

        assert result.stderr == f"Restored {source} into the new database {target}: {DEMO}.\n"
        assert dump(target) == original
        assert oct(target.stat().st_mode & 0o777) == "0o600"
        assert oct(target.parent.stat().st_mode & 0o777) == "0o700"
        assert kept_copies(target) == []


def test_a_backup_of_an_older_colibri_is_migrated_and_left_as_it_was(ok, db_path, tmp_path):
    old = tmp_path / "old.db"
    first_release(old)
    before = old.read_bytes()
    ok("account", "add", "Current")

    ok("restore", str(old), "--yes")

    assert old.read_bytes() == before
    assert names(db_path) == ["ACME"]
    assert ok("opp", "history", "1").stdout.count("\n") >= 2
    assert ok("account", "add", "Next").stderr == "Added account Next (id 2).\n"


def test_what_is_not_a_colibri_backup_is_refused(cli, ok, db_path, tmp_path):
    ok("account", "add", "Current")
    before = dump(db_path)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.close()
    newer = tmp_path / "newer.db"
    ok("--db", str(newer), "account", "add", "Future")
    conn = sqlite3.connect(newer)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('colibri', 'm999_future', '2030-01-01 00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"format": "colibri", "version": 7}')

    expected = {
        other: (
            5,
            f"{other} is a SQLite database of another program, not a colibri backup; "
            "nothing was restored.",
        ),
        newer: (
            5,
            f"{newer} was written by a newer version of colibri (it records migration "
            "'m999_future', unknown to this version); nothing was restored. "
            "Upgrade colibri to restore it.",
        ),
        text: (
            5,
            f"{text} is neither a colibri backup (a SQLite database) nor a file of colibri "
            "export all (JSON); nothing was restored.",
        ),
        bad_json: (
            2,
            f"{bad_json} was written by a newer colibri (export format version 7; this one "
            "reads version 1): upgrade colibri to import it.",
        ),
        tmp_path / "missing.db": (3, f"No backup at {tmp_path / 'missing.db'}: check the path."),
        db_path: (2, f"{db_path} is the database itself: give a copy of it to restore."),
    }
    for source, (code, message) in expected.items():
        result = cli("restore", str(source), "--yes")
        assert (result.exit_code, result.stderr) == (code, f"Error: {message}\n"), source
    assert dump(db_path) == before
    assert kept_copies(db_path) == []


def test_a_damaged_backup_is_refused(cli, ok, db_path, tmp_path):
    ok("demo")
    backup = tmp_path / "saved.db"
    ok("backup", str(backup))
    data = bytearray(backup.read_bytes())
    data[4096 * 3 : 4096 * 3 + 200] = b"\xff" * 200
    backup.write_bytes(bytes(data))
    before = dump(db_path)

    result = cli("restore", str(backup), "--yes")

    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: {backup} ")
    assert result.stderr.endswith("; nothing was restored.\n")
    assert dump(db_path) == before


def test_a_backup_with_other_pages_is_restored(ok, db_path, saved, tmp_path):
    """A database in WAL mode takes pages of its own size only: the staged copy is made so."""
    backup, _exported, original = saved
    small = tmp_path / "small.db"
    conn = sqlite3.connect(backup)
    conn.execute(f"VACUUM INTO '{small}'")
    conn.close()
    conn = sqlite3.connect(small)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone() == (1024,)
    conn.close()

    ok("restore", str(small), "--yes")

    assert dump(db_path) == original


def test_on_a_terminal_restore_asks_first(db_path, saved):
    from test_interactive import finish, spawn

    backup, _exported, original = saved
    question = (
        f"Replace the database {db_path} (11 accounts, 10 contacts, 60 opportunities, "
        f"218 history rows, 49 tasks, 5 targets) with {backup}? A copy of it is kept. [y/N]: "
    )
    before = dump(db_path)

    child = spawn(db_path, "restore", str(backup))
    child.expect_exact(question)
    child.sendline("n")
    assert finish(child) == "n\nCancelled: nothing was changed.\n"
    assert child.exitstatus == 1
    assert dump(db_path) == before
    assert kept_copies(db_path) == []

    child = spawn(db_path, "restore", str(backup))
    child.expect_exact(question)
    child.sendline("y")
    rest = finish(child)
    [kept] = kept_copies(db_path)
    said = (
        f"y\nRestored {backup} into {db_path}: {DEMO}.\n"
        f"The database it replaced is kept in {kept}.\n"
    )
    assert rest.split() == said.split()  # wrapped at the terminal's width, as long as the path
    assert child.exitstatus == 0
    assert dump(db_path) == original


def test_in_french(cli, ok, db_path, saved, monkeypatch):
    backup, _exported, _original = saved
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    asked = cli("restore", str(backup))
    done = ok("restore", str(backup), "--yes")

    assert asked.exit_code == 2
    assert asked.stderr == (
        f"Erreur : Remplacer la base {db_path} (11 comptes, 10 contacts, 60 opportunités, "
        f"218 lignes d'historique, 49 tâches, 5 objectifs) par {backup} ? Une copie en est "
        "gardée. Pas de terminal : passez --yes pour confirmer.\n"
    )
    [kept] = kept_copies(db_path)
    assert done.stderr == (
        f"{backup} restauré dans {db_path} : 10 comptes, 10 contacts, 60 opportunités, "
        f"218 lignes d'historique, 49 tâches, 0 activité, 5 objectifs, 0 prévision annoncée, "
        "0 taux de change.\n"
        f"La base remplacée est gardée dans {kept}.\n"
    )


def test_an_export_the_schema_refuses_changes_nothing(cli, db_path, saved, tmp_path):
    _backup, exported, _original = saved
    document = json.loads(exported.read_text("utf-8"))
    document["tables"]["tasks"][3]["due_date"] = "31/12/2026"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), "utf-8")
    before = dump(db_path)
    message = (
        f"Error: {broken}, table tasks, row 4 (id 4): the database refuses it (CHECK constraint "
        "failed: due_date IS NULL OR date(due_date, '+0 days') IS due_date AND due_date "
        "BETWEEN '1900' AND '3000'); nothing was imported.\n"
    )
    new = tmp_path / "new.db"

    replacing = cli("restore", str(broken), "--yes")
    creating = cli("--db", str(new), "restore", str(broken))

    assert (replacing.exit_code, replacing.stderr) == (2, message)
    assert (creating.exit_code, creating.stderr) == (2, message)
    assert dump(db_path) == before
    assert kept_copies(db_path) == []
    files = {path.name for path in tmp_path.iterdir()} - {"colibri.db-wal", "colibri.db-shm"}
    assert files == {"broken.json", "colibri.db", "saved.db", "saved.json"}  # nothing left over
