"""Load and kills, on whole processes: concurrent writers, readers and an import lose
nothing and fail no reader; a SIGKILL at any moment of an import leaves none or all of its
rows, and one during edits never splits the history from the current state.

Sized for CI (about 20 s on two cores); benchmarks/fuzz.py --kills runs more of them.
"""

import random

import pytest

from reliability import (
    Worker,
    colibri,
    create_command,
    history_mismatches,
    integrity,
    kills_during_edits,
    kills_during_import,
    query,
    write_opps_csv,
)

WRITERS, CREATES = 4, 15
IMPORTED = 500
IMPORT_KILLS, EDIT_KILLS = 5, 5
KILL_SEED = 17


@pytest.fixture
def acme(ok, db_path):
    ok("account", "add", "ACME")
    return db_path


def writer_commands(writer: int) -> list[list[str]]:
    """Creates, each fifth deal then moved on and edited: history to check, not only rows."""
    commands = []
    for number in range(CREATES):
        name = f"W{writer} deal {number:02d}"
        commands.append(create_command(name, f"{number + 1}k"))
        if number % 5 == 4:
            commands.append(["opp", "status", name, "negotiation"])
            commands.append(["opp", "edit", name, "--amount", "77k", "--due", "+2m"])
    return commands


def test_concurrent_writers_readers_and_an_import_lose_nothing(acme, tmp_path):
    source = write_opps_csv(tmp_path / "import.csv", IMPORTED, account="ACME", prefix="I")
    writers = [
        Worker(acme, writer_commands(writer), tmp_path / f"writer{writer}.json")
        for writer in range(WRITERS)
    ]
    readers = [
        Worker(acme, [["pipeline"], ["opp", "list", "--format", "csv"]] * 4, tmp_path / "r1.json"),
        Worker(acme, [["opp", "list", "--format", "csv"], ["pipeline"]] * 4, tmp_path / "r2.json"),
    ]
    importer = colibri(acme, "import", "opps", str(source))

    assert [code for worker in writers for code in worker.codes()] == [0] * WRITERS * (
        CREATES + 2 * (CREATES // 5)
    )
    assert [code for worker in readers for code in worker.codes()] == [0] * 16
    _out, stderr = importer.communicate(timeout=120)
    assert importer.returncode == 0, stderr
    assert query(acme, "SELECT count(*) FROM opportunities") == [(WRITERS * CREATES + IMPORTED,)]
    assert query(acme, "SELECT count(*) FROM opportunities WHERE amount = 77000") == [
        (WRITERS * (CREATES // 5),)
    ]
    assert history_mismatches(acme) == []
    assert integrity(acme) == "ok"


def test_a_kill_during_an_import_leaves_none_or_all_of_its_rows(acme, tmp_path):
    rows = 6_000
    source = write_opps_csv(tmp_path / "big.csv", rows, account="ACME", prefix="K")
    left = kills_during_import(acme, source, IMPORT_KILLS, random.Random(KILL_SEED))
    assert {state["integrity"] for state in left} == {"ok"}
    assert {(state["rows"], state["history"]) for state in left} <= {(0, 0), (rows, rows)}
    assert any(state["killed"] for state in left)  # not every import had finished first


def test_a_kill_during_edits_never_splits_the_history_from_the_state(acme, tmp_path):
    deals = [f"E{number}" for number in range(5)]
    creates = [create_command(deal, "1k") for deal in deals]
    assert Worker(acme, creates, tmp_path / "create.json").codes() == [0] * len(deals)
    left = kills_during_edits(acme, deals, EDIT_KILLS, random.Random(KILL_SEED), tmp_path)
    assert {state["integrity"] for state in left} == {"ok"}
    assert [state["mismatches"] for state in left] == [[]] * EDIT_KILLS
    assert left[-1]["history"] > 2 * len(deals)  # the edits did run
