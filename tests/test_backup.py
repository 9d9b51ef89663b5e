"""colibri backup: a complete, consistent copy, readable by its owner only."""

import sqlite3


def count(path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_backup_is_a_complete_database_of_its_own(ok, tmp_path):
    ok("demo")
    target = tmp_path / "saved" / "copy.db"
    target.parent.mkdir()

    result = ok("backup", str(target))

    size = target.stat().st_size
    assert result.stderr == (
        f"Backed up to {target} ({size:,} bytes). Put it back with: colibri restore {target}\n"
    )
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert not (target.parent / "copy.db-wal").exists()
    assert count(target, "opportunities") == 60
    assert count(target, "opportunity_history") == count(
        tmp_path / "colibri.db", "opportunity_history"
    )
    listed = ok("--db", str(target), "opp", "list", "-f", "csv").stdout
    assert listed == ok("opp", "list", "-f", "csv").stdout


def test_backup_does_not_replace_a_file_unless_forced(ok, cli, tmp_path):
    ok("account", "add", "ACME")
    target = tmp_path / "copy.db"
    target.write_bytes(b"precious")

    result = cli("backup", str(target))

    assert result.exit_code == 4
    assert (
        result.stderr == f"Error: {target} already exists: choose another name, or use --force.\n"
    )
    assert target.read_bytes() == b"precious"
    ok("backup", str(target), "--force")
    assert count(target, "accounts") == 1


def test_backup_into_a_missing_folder_says_so(ok, cli, tmp_path):
    ok("account", "add", "ACME")
    target = tmp_path / "nowhere" / "copy.db"

    result = cli("backup", str(target))

    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: Cannot write the backup {target}: No such file or directory. "
        "Choose another place.\n"
    )
    assert not target.parent.exists()
