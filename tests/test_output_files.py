"""The files colibri writes (exports, calendars, rejects, backups) never destroy anything.

An output that is the database or one of its files, by any name, is refused before a byte
is written; each file is written under a new name of its own beside its destination, so a
file or link planted there is neither followed nor reused; and a failure, a full disk
included, leaves nothing behind and names the file that could not be written.
"""

import os
import sqlite3

import pytest

REFUSED = (
    "Error: Cannot write {path}: it is the database {database} or one of its files; "
    "nothing was written. Choose another file.\n"
)

COMMANDS = {
    "export opps": ("export", "opps", "-o"),
    "export all": ("export", "all", "-o"),
    "task export": ("task", "export", "-o"),
    "import --rejects": ("import", "accounts", "{source}", "--skip-invalid", "--rejects"),
    "backup": ("backup",),
    "backup --force": ("backup", "--force"),
}


@pytest.fixture
def records(ok, tmp_path):
    ok("account", "add", "ACME")
    ok("opp", "create", "Website", "-a", "ACME", "--amount", "1k", "--due", "eoy", "-s", "quote")
    ok("task", "add", "Call back", "--due", "2026-12-01")
    source = tmp_path / "more.csv"
    source.write_text("name\nNordwind\n\n", encoding="utf-8")
    return source


def arguments(command: str, target, source) -> list[str]:
    """The command's words, with the output where it goes (first after `backup`)."""
    words = [part.format(source=source) for part in COMMANDS[command]]
    words.insert(1 if command.startswith("backup") else len(words), str(target))
    return words


def snapshot(folder) -> dict:
    """Every file of the folder as it is on disk: links as links, files by their bytes."""
    found = {}
    for path in folder.iterdir():
        if path.is_symlink():
            found[path.name] = ("link", str(path.readlink()))
        elif path.is_file():
            found[path.name] = (path.stat().st_mode, path.read_bytes())
    return found


def held_open(db_path):
    """A reader that keeps the database's -wal and -shm files there while it is open."""
    conn = sqlite3.connect(db_path)
    conn.execute("SELECT count(*) FROM accounts").fetchone()
    assert (db_path.parent / (db_path.name + "-wal")).exists()
    return conn


TARGETS = {
    "the database": lambda db: db,
    "its -wal, not there between commands": lambda db: db.with_name(db.name + "-wal"),
    "its -shm": lambda db: db.with_name(db.name + "-shm"),
    "its -journal": lambda db: db.with_name(db.name + "-journal"),
    "another spelling": lambda db: db.parent / "." / ".." / db.parent.name / db.name,
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("target", TARGETS)
def test_an_output_onto_the_database_is_refused(cli, rows, records, db_path, command, target):
    path = TARGETS[target](db_path)
    before = snapshot(db_path.parent)

    result = cli(*arguments(command, path, records))

    assert result.exit_code == 2, result.output
    assert result.stderr == REFUSED.format(path=path, database=os.path.realpath(db_path))
    assert result.stdout == ""
    assert snapshot(db_path.parent) == before
    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]
    assert rows("PRAGMA integrity_check") == [{"integrity_check": "ok"}]


LINKS = {
    "a link to the database": lambda db, link: link.symlink_to(db),
    "a hard link to the database": lambda db, link: os.link(db, link),
    "a link to its -wal": lambda db, link: link.symlink_to(db.name + "-wal"),
    "a hard link to its -wal": lambda db, link: os.link(db.with_name(db.name + "-wal"), link),
    "a link to its -shm": lambda db, link: link.symlink_to(db.with_name(db.name + "-shm")),
    "a link to its folder": lambda db, link: link.symlink_to(db.parent, True),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("link", LINKS)
def test_a_link_to_the_database_or_its_files_is_refused(
    cli, rows, records, db_path, tmp_path, command, link
):
    name = tmp_path / "other-name.db"
    reader = held_open(db_path)  # its -wal and -shm are there, as while a script reads
    try:
        LINKS[link](db_path, name)
        path = name / db_path.name if link == "a link to its folder" else name
        before = snapshot(tmp_path)

        result = cli(*arguments(command, path, records))

        assert result.exit_code == 2, result.output
        assert result.stderr == REFUSED.format(path=path, database=os.path.realpath(db_path))
        assert snapshot(tmp_path) == before
    finally:
        reader.close()
    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]
    assert rows("PRAGMA integrity_check") == [{"integrity_check": "ok"}]


def test_the_database_given_through_a_link_is_still_refused(cli, records, db_path, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    before = snapshot(tmp_path)

    for command in COMMANDS:
        result = cli("--db", str(link), *arguments(command, db_path, records))

        assert result.exit_code == 2, (command, result.output)
        assert result.stderr == REFUSED.format(path=db_path, database=os.path.realpath(db_path))
    assert snapshot(tmp_path) == before


def test_names_that_only_look_like_the_database_are_written(ok, records, tmp_path):
    ok("export", "opps", "-o", str(tmp_path / "colibri.db.csv"))
    ok("backup", str(tmp_path / "colibri-wal.db"))

    assert (tmp_path / "colibri.db.csv").read_text(encoding="utf-8").count("\n") == 2
    assert (tmp_path / "colibri-wal.db").stat().st_size > 0


@pytest.mark.parametrize("command", ["export opps", "task export", "import --rejects", "backup"])
def test_a_planted_partial_link_is_not_followed(cli, records, tmp_path, command):
    records.write_text("name,external_id\nNordwind,\n,N2\n", encoding="utf-8")
    target = tmp_path / "out" / "saved"
    target.parent.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    planted = target.with_name(f".{target.name}.partial")
    planted.symlink_to(victim)

    result = cli(*arguments(command, target, records))

    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == b"precious"
    assert planted.is_symlink() and planted.readlink() == victim  # left as it was
    assert not target.is_symlink()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert sorted(path.name for path in target.parent.iterdir()) == [".saved.partial", "saved"]


def test_a_backup_does_not_take_the_mode_of_a_planted_partial(ok, records, tmp_path):
    target = tmp_path / "copy.db"
    planted = tmp_path / ".copy.db.partial"
    planted.write_bytes(b"left by someone else")
    planted.chmod(0o666)

    ok("backup", str(target))

    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert planted.read_bytes() == b"left by someone else"
    assert oct(planted.stat().st_mode & 0o777) == "0o666"


def test_temporary_files_are_new_private_and_unique(tmp_path):
    from colibri_cli.core import files

    target = tmp_path / "out.csv"
    old = os.umask(0)
    try:
        made = [files.temporary_beside(target) for _ in range(3)]
    finally:
        os.umask(old)
    for handle, path in made:
        os.close(handle)
        assert path.parent == tmp_path
        assert path.name.startswith(".out.csv.") and path.name.endswith(".partial")
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len({path for _handle, path in made}) == 3


def test_a_backup_to_a_full_disk_leaves_nothing_and_names_that_disk(cli, db_path, full_disk):
    cli("account", "add", "ACME")  # an empty database is already more than the disk holds
    target = full_disk / "copy.db"
    before = snapshot(db_path.parent)

    result = cli("backup", str(target))

    assert result.exit_code == 5, result.output
    assert result.stderr == (
        f"Error: The disk holding {target} is full: free some space and try again.\n"
    )
    assert list(full_disk.iterdir()) == []
    assert snapshot(db_path.parent) == before


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("export all", "Cannot write {path}: No space left on device."),
        ("export history", "Cannot write {path}: No space left on device."),
        ("import --rejects", "Cannot write the rejects file {path}: No space left on device."),
    ],
)
def test_a_file_to_a_full_disk_leaves_nothing_and_names_the_file(
    cli, ok, rows, tmp_path, full_disk, command, message
):
    ok("demo")
    source = tmp_path / "more.csv"
    invalid = [f",{'x' * 40}{number}" for number in range(2000)]  # rejected: no name
    source.write_text("\n".join(["name,external_id", "Nordwind,", *invalid]), encoding="utf-8")
    accounts = rows("SELECT count(*) AS n FROM accounts")
    target = full_disk / "out"
    words = ("export", "history", "-o") if command == "export history" else COMMANDS[command]

    result = cli(*(part.format(source=source) for part in words), str(target))

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == "Error: " + message.format(path=target)
    assert list(full_disk.iterdir()) == []
    assert rows("SELECT count(*) AS n FROM accounts") == accounts


@pytest.mark.parametrize(
    "arguments",
    [
        ("backup", "-"),
        ("import", "accounts", "{source}", "--skip-invalid", "--rejects", "-"),
    ],
)
def test_a_command_that_writes_a_file_never_writes_one_named_dash(
    tmp_path, monkeypatch, ok, cli, db_path, arguments
):
    """`-` is standard output to export -o; a backup or a rejects file named "-" in the
    current folder is what no one meant (and a rejects file replaced a backup so named)."""
    ok("account", "add", "ACME")
    source = tmp_path / "accounts.csv"
    source.write_text("name,email\nInitech,not-an-email\nUmbrella,\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = db_path.read_bytes()

    result = cli(*(argument.format(source=source) for argument in arguments))

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Cannot write -: this writes a file, not to standard output; give the path of "
        "a file.\n"
    )
    assert not (tmp_path / "-").exists()
    assert db_path.read_bytes() == before
