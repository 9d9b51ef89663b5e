"""The fuzzer of tests/fuzzing.py, longer than CI runs it, and the kills of
tests/test_reliability_load.py, more of them: the figures for a reliability note.

Prints the invocations and hostile files run, the tracebacks by class, the exit-code
histogram, the databases changed by a failed command, and, with --kills, how many
SIGKILLs landed during imports and edits and what they left. Exit status 1 when anything
unexpected was found. Each unexpected failure is listed with its command line.

    .venv/bin/python benchmarks/fuzz.py --invocations 5000 --files 400 --seed 1
    .venv/bin/python benchmarks/fuzz.py --invocations 0 --files 0 --kills 50
    .venv/bin/python benchmarks/fuzz.py --json
"""

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzzing import Fuzzer
from reliability import (
    Worker,
    colibri,
    create_command,
    kills_during_edits,
    kills_during_import,
    write_opps_csv,
)

IMPORT_ROWS = 20_000
SHOWN = 40
"""At most this many unexpected failures are listed."""


def fuzz(args, workdir: Path) -> tuple[dict, list]:
    fuzzer = Fuzzer(workdir, args.seed)
    started = time.monotonic()
    fuzzer.run(args.invocations)
    fuzzer.run_files(args.files)
    fuzzer.run_undecodable(args.processes)
    figures = {
        **fuzzer.figures(),
        "files": args.files,
        "processes_with_undecodable_bytes": args.processes,
        "seconds": round(time.monotonic() - started, 1),
    }
    return figures, fuzzer.failures()


def kills(args, workdir: Path) -> dict:
    """`args.kills` kills during an import, as many during edits, each checked."""
    chance = random.Random(args.seed)
    db = workdir / "kills.db"
    added = colibri(db, "account", "add", "ACME")
    assert added.wait(timeout=60) == 0
    source = write_opps_csv(workdir / "import.csv", IMPORT_ROWS, account="ACME", prefix="K")
    imports = kills_during_import(db, source, args.kills, chance)
    deals = [f"E{number}" for number in range(5)]
    creates = [create_command(deal, "1k") for deal in deals]
    assert Worker(db, creates, workdir / "create.json").codes() == [0] * len(deals)
    edits = kills_during_edits(db, deals, args.kills, chance, workdir)
    return {
        "kills": sum(state["killed"] for state in imports) + len(edits),
        "import_kills": sum(state["killed"] for state in imports),
        "import_finished_before_its_kill": sum(not state["killed"] for state in imports),
        "import_killed_left_none": sum(s["killed"] and s["rows"] == 0 for s in imports),
        "import_killed_left_all": sum(s["killed"] and s["rows"] == IMPORT_ROWS for s in imports),
        "import_left_part": sum(state["rows"] not in (0, IMPORT_ROWS) for state in imports),
        "edit_kills": len(edits),
        "history_split_from_state": sum(bool(state["mismatches"]) for state in edits),
        "integrity_failures": sum(s["integrity"] != "ok" for s in [*imports, *edits]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=5000)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--processes", type=int, default=20, help="runs with undecodable bytes")
    parser.add_argument("--kills", type=int, default=0, help="kills during imports, and edits")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="machine-readable figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="colibri-fuzz-") as directory:
        figures, unexpected = fuzz(args, Path(directory))
        if args.kills:
            figures["kills"] = kills(args, Path(directory))
    broken = bool(unexpected) or any(
        figures.get("kills", {}).get(key)
        for key in ("import_left_part", "history_split_from_state", "integrity_failures")
    )
    if args.json:
        print(json.dumps({**figures, "unexpected_failures": unexpected[:SHOWN]}, indent=2))
        return int(broken)
    for key, value in figures.items():
        print(f"{key:34} {value}")
    for signature, line in unexpected[:SHOWN]:
        print(f"\n{signature[:300]}\n    {line!r:.300}")
    return int(broken)


if __name__ == "__main__":
    sys.exit(main())
