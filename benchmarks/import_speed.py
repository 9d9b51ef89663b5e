"""Import speed: `colibri import opps -` against the sqlite3 shell's `.import` of the same CSV.

The CSV is generated from a seed, in the columns `colibri export opps` writes: 1,000
accounts, 60% open deals and 40% closed ones (which come with two history rows each),
ISO dates and whole amounts. Each command is a whole process, timed from start to exit,
with its peak resident memory:

- `sqlite3 bare.db '.import --csv FILE t'`: a bare table, no types, no checks, no index.
- `sqlite-utils insert bare.db t FILE --csv` (when installed): the same, through Python.
- `sqlite3 colibri.db < FLOOR_SQL`: the sqlite3 shell alone putting the same file into a
  freshly migrated colibri database (`.import` into a temporary table, then one INSERT ...
  SELECT for the accounts and one for the opportunities, their history written by the
  triggers). No Python and no validation beyond the schema's own: the least any import into
  this schema can cost, so the floor under colibri's figure.
- `colibri import opps - --create-accounts < FILE` into a freshly migrated database: full
  validation, accounts created on the way, history written by the triggers, every index
  kept, in one transaction.

colibri is measured against its reference, the schema floor, in the same run (the two in
turn, best of each, so that a busy machine slows both alike): the goal is colibri at 0.6x
the floor's rows per second or better, and the exit status is 1 when it is missed. The bare
`.import` and `sqlite-utils` show the cost of the schema itself. The big run (1,000,000
rows by default) shows that memory stays flat.

    .venv/bin/python benchmarks/import_speed.py                  # 100,000 and 1,000,000 rows
    .venv/bin/python benchmarks/import_speed.py --rows 20000 --big 0 --repeat 1   # quick
    .venv/bin/python benchmarks/import_speed.py --json
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from colibri_cli.core.transfer.columns import OPPORTUNITIES

TODAY = dt.date(2026, 11, 26)
GOAL = 0.6
"""colibri's rows per second over the schema floor's (issue 13)."""
ACCOUNTS = 1_000
STATUSES = (("analysis", 20), ("quote", 20), ("negotiation", 20), ("won", 20), ("lost", 15),
            ("cancelled", 5))  # fmt: skip
WORDS = ("maintenance", "renewal", "website", "redesign", "audit", "training", "licence",
         "support", "migration", "consulting", "hosting", "integration", "security")  # fmt: skip

# The schema floor: the file into colibri's tables by the sqlite3 shell alone, in one
# transaction, with the page cache an import gets. Closed deals are inserted closed (one
# history row each, where colibri writes two): a little less work than a colibri import.
FLOOR_SQL = """
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA cache_size = -16384;
BEGIN IMMEDIATE;
.import --csv --schema temp {data} incoming
INSERT INTO accounts (name, created_at, updated_at)
    SELECT DISTINCT account, '2026-11-26T09:00:00', '2026-11-26T09:00:00' FROM temp.incoming;
INSERT INTO opportunities (account_id, name, amount, currency, due_date, status, probability,
        source, type, description, tags, created_on, closed_on, close_reason, external_id,
        created_at, updated_at)
    SELECT a.id, i.name, CAST(i.amount AS INTEGER), i.currency, i.due_date, i.status,
        CAST(nullif(i.probability, '') AS INTEGER), nullif(i.source, ''), nullif(i.type, ''),
        nullif(i.description, ''), nullif(i.tags, ''), i.created_on, nullif(i.closed_on, ''),
        nullif(i.close_reason, ''), i.external_id, '2026-11-26T09:00:00', '2026-11-26T09:00:00'
    FROM temp.incoming AS i JOIN accounts AS a ON a.name = i.account;
COMMIT;
"""

# Runs a command as its only child and reports its wall time and peak memory, so that the
# figures are the command's own (ru_maxrss of the children of this small process).
MEASURE = """
import json, resource, subprocess, sys, time
argv, stdin = json.loads(sys.argv[1]), sys.argv[2]
with open(stdin, "rb") if stdin else open("/dev/null", "rb") as source:
    start = time.perf_counter()
    done = subprocess.run(argv, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
if done.returncode:
    sys.exit(f"exit {done.returncode}: {argv}\\n{done.stderr.decode()[-2000:]}")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"seconds": seconds, "peak_kib": peak}))
"""


@dataclass
class Run:
    label: str
    rows: int
    seconds: float
    rows_per_second: float
    peak_mib: float


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    default = Path(sys.executable).parent / "colibri"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--colibri", type=Path, default=default, help=f"default: {default}")
    parser.add_argument("--rows", type=int, default=100_000, help="compared run (100,000)")
    parser.add_argument("--big", type=int, default=1_000_000, help="memory run; 0 skips it")
    parser.add_argument("--repeat", type=int, default=3, help="best of N compared runs (3)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if not args.colibri.is_file():
        parser.error(f"no colibri at {args.colibri}; run with the venv's python or --colibri")
    if shutil.which("sqlite3") is None:
        parser.error("the sqlite3 command-line shell is needed (apt-get install sqlite3)")
    if args.rows < 1 or args.repeat < 1 or args.big < 0:
        parser.error("--rows and --repeat must be at least 1, --big at least 0")
    return args


def generate(path: Path, rows: int, seed: int) -> None:
    """A CSV of `rows` opportunities in the columns of `colibri export opps`."""
    rnd = random.Random(seed)
    statuses = [key for key, weight in STATUSES for _ in range(weight)]
    first_day = dt.date(2024, 1, 1).toordinal()
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(OPPORTUNITIES.export_columns)
        for number in range(rows):
            status = rnd.choice(statuses)
            created = dt.date.fromordinal(rnd.randint(first_day, TODAY.toordinal()))
            due = created + dt.timedelta(days=rnd.randint(15, 240))
            closed = ""
            if status in ("won", "lost", "cancelled"):
                closed = dt.date.fromordinal(rnd.randint(created.toordinal(), TODAY.toordinal()))
                closed = closed.isoformat()
            words = rnd.sample(WORDS, 2)
            row = {
                "name": f"{words[0].capitalize()} {words[1]} {number}",
                "account": f"Account {rnd.randrange(ACCOUNTS):04d}",
                "amount": rnd.randint(1, 5_000) * 100,
                "currency": "EUR",
                "due_date": due.isoformat(),
                "status": status,
                "probability": rnd.choice(("", "", "", "25", "60")),
                "created_on": created.isoformat(),
                "closed_on": closed,
                "close_reason": rnd.choice(("price", "timing", "")) if status == "lost" else "",
                "source": rnd.choice(("referral", "web", "event", "")),
                "type": rnd.choice(("new", "renewal", "")),
                "description": " ".join(rnd.choices(WORDS, k=rnd.randint(0, 12))),
                "tags": rnd.choice(("", "", "hot", "q1,hot")),
                "external_id": f"D-{number:07d}",
            }
            writer.writerow([row.get(column, "") for column in OPPORTUNITIES.export_columns])


def measure(label: str, rows: int, argv: list, stdin: Path | None, env: dict) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps([str(part) for part in argv]), stdin or ""],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"{label} failed: {done.stderr}")
    figures = json.loads(done.stdout)
    seconds = figures["seconds"]
    return Run(
        label, rows, round(seconds, 3), round(rows / seconds), round(figures["peak_kib"] / 1024, 1)
    )


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda run: run.seconds)


def sqlite_import(workdir: Path, data: Path, rows: int, env: dict) -> Run:
    bare = workdir / "bare.db"
    bare.unlink(missing_ok=True)
    return measure(
        "sqlite3 .import (bare table)",
        rows,
        ["sqlite3", bare, f".import --csv {data} t"],
        None,
        env,
    )


def sqlite_utils_import(workdir: Path, data: Path, rows: int, env: dict) -> Run | None:
    tool = Path(sys.executable).parent / "sqlite-utils"
    if not tool.is_file():
        return None
    bare = workdir / "bare-utils.db"
    bare.unlink(missing_ok=True)
    argv = [tool, "insert", bare, "t", data, "--csv"]
    return measure("sqlite-utils insert --csv (bare table)", rows, argv, None, env)


def fresh_database(args, workdir: Path, env: dict) -> Path:
    """A newly migrated colibri database (the migration is not timed)."""
    db = workdir / "colibri.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    migrate = [args.colibri, "--db", db, "config", "set", "currency", "EUR"]
    subprocess.run(migrate, env=env, check=True, capture_output=True)
    return db


def schema_floor(args, workdir: Path, data: Path, rows: int, env: dict) -> Run:
    db = fresh_database(args, workdir, env)
    script = workdir / "floor.sql"
    script.write_text(FLOOR_SQL.format(data=data), encoding="utf-8")
    run = measure("sqlite3 into colibri's schema (floor)", rows, ["sqlite3", db], script, env)
    count = sqlite3.connect(db).execute("SELECT count(*) FROM opportunities").fetchone()[0]
    if count != rows:
        sys.exit(f"the floor run wrote {count} of {rows} opportunities")
    return run


def colibri_import(args, workdir: Path, data: Path, rows: int, env: dict) -> Run:
    db = fresh_database(args, workdir, env)
    argv = [args.colibri, "--db", db, "import", "opps", "-", "--create-accounts"]
    run = measure(f"colibri import opps - ({rows:,} rows)", rows, argv, data, env)
    check(db, rows)
    return run


def check(db: Path, rows: int) -> None:
    """The import really happened: every row, and a history row more for each closed one."""
    conn = sqlite3.connect(db)
    try:
        count, closed = conn.execute(
            "SELECT count(*), count(closed_on) FROM opportunities"
        ).fetchone()
        history = conn.execute("SELECT count(*) FROM opportunity_history").fetchone()[0]
    finally:
        conn.close()
    if count != rows or history != rows + closed:
        sys.exit(f"colibri imported {count} of {rows} rows, {history} history rows")


def benchmark(args: argparse.Namespace, workdir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COLIBRI_")}
    env["COLIBRI_TODAY"] = TODAY.isoformat()
    data = workdir / "opportunities.csv"
    generate(data, args.rows, args.seed)
    sqlite3_run = best([sqlite_import(workdir, data, args.rows, env) for _ in range(args.repeat)])
    utils_run = sqlite_utils_import(workdir, data, args.rows, env)
    pairs = [
        (
            schema_floor(args, workdir, data, args.rows, env),
            colibri_import(args, workdir, data, args.rows, env),
        )
        for _ in range(args.repeat)
    ]
    floor_run = best([floor for floor, _colibri in pairs])
    colibri_run = best([colibri for _floor, colibri in pairs])
    big_run = None
    if args.big:
        big = workdir / "big.csv"
        generate(big, args.big, args.seed)
        data.unlink()
        big_run = colibri_import(args, workdir, big, args.big, env)
    ratio = colibri_run.rows_per_second / sqlite3_run.rows_per_second
    floor_ratio = floor_run.rows_per_second / sqlite3_run.rows_per_second
    of_floor = colibri_run.rows_per_second / floor_run.rows_per_second
    return {
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
            "load_average": [round(load, 2) for load in os.getloadavg()],
        },
        "file": {
            "rows": args.rows,
            "columns": len(OPPORTUNITIES.export_columns),
            "seed": args.seed,
        },
        "runs": [
            asdict(run) for run in (sqlite3_run, utils_run, floor_run, colibri_run, big_run) if run
        ],
        "ratio": round(ratio, 3),
        "floor_ratio": round(floor_ratio, 3),
        "of_floor": round(of_floor, 3),
        "goal": GOAL,
        "met": of_floor >= GOAL,
    }


def print_table(report: dict) -> None:
    machine, file = report["machine"], report["file"]
    print(
        f"{file['rows']:,} opportunities, {file['columns']} columns, seed {file['seed']}; "
        f"Python {machine['python']}, SQLite {machine['sqlite']}, {machine['cpus']} CPUs, "
        f"load {' '.join(map(str, machine['load_average']))}"
    )
    print(f"{'':42} {'time':>9} {'rows/s':>10} {'peak RSS':>10}")
    for run in report["runs"]:
        print(
            f"{run['label']:42} {run['seconds']:>8.2f}s {run['rows_per_second']:>10,} "
            f"{run['peak_mib']:>7.1f} MB"
        )
    verdict = "met" if report["met"] else "NOT MET"
    print(
        f"colibri / schema floor: {report['of_floor']:.2f}x the rows per second "
        f"(goal {report['goal']:.2f}x: {verdict})"
    )
    print(
        f"colibri / sqlite3: {report['ratio']:.2f}x; "
        f"schema floor / sqlite3: {report['floor_ratio']:.2f}x"
    )


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="colibri-import-speed-") as workdir:
        report = benchmark(args, Path(workdir))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    sys.exit(0 if report["met"] else 1)


if __name__ == "__main__":
    main()
