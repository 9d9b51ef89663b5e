"""Time the listings and their peak memory against a reference, on large seeded databases.

    python benchmarks/listings.py                     # 100,000 rows; 1,000,000 for memory
    python benchmarks/listings.py --big 0 --runs 3    # without the 1,000,000 rows
    python benchmarks/listings.py --big-runs 3        # the 1,000,000 rows run thrice

The databases are those of reports_speed.py (generated once under benchmarks/.data/,
seeded, and reused). Each pair is one command of colibri and its reference, run in turn
(colibri, then the reference, and again) so that a busy machine slows both alike; their
medians are compared, and the script exits 1 when a goal is missed:

- `opp list --all`, a table, on 100,000 opportunities: at most 1.5 times as long as on 100,
  and at most 1.2 times the memory (it reads the 100 rows it shows, and a count);
- `opp list --all --format csv` on 100,000: at most 3 times as long as the sqlite3 shell
  printing the same query as CSV; `--format json` against the shell's JSON, the same;
- csv and json on 1,000,000 opportunities: at most 50 MiB at the peak (streamed).

Peak memory is the command's own: the largest resident set of the one child of a small
measuring process (import_speed.py's).
"""

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from import_speed import measure
from reports_speed import DATA, colibri, environment, generate

SMALL = 100
LISTED = ["opp", "list", "--all"]


@dataclass
class Pair:
    """A command of colibri and its reference, with the goal for their ratio."""

    label: str
    size: int
    command: list[str]
    reference: list[str]
    reference_size: int | None = None  # the same command on a database of this size
    stdin: Path | None = None  # what the reference reads (its SQL)
    time_goal: float | None = None
    memory_goal: float | None = None  # a ratio to the reference's peak
    peak_mib: float | None = None  # the most the command may take, in MiB


@dataclass
class Figures:
    seconds: float
    peak_mib: float


def database(size: int) -> Path:
    db = DATA / f"reports-{size}.db"
    if not db.exists():
        started = time.perf_counter()
        generate(db, size)
        print(f"(generated {db.name} in {time.perf_counter() - started:.0f} s)", flush=True)
    return db


def listed_query(db: Path, workdir: Path) -> Path:
    """The SQL `opp list --all --format csv|json` runs, as colibri builds it, in a file."""
    from colibri_cli.core import opportunities, store

    with store.session(db, write=False) as conn:
        listing = opportunities.list_opportunities(conn, opportunities.Filters(), with_pushes=True)
    assert not listing.params, "the sqlite3 shell is given no parameters"
    sql = workdir / f"{db.stem}.sql"
    sql.write_text(f"{listing.query} ORDER BY {listing.order};\n", encoding="utf-8")
    return sql


def run(argv: list[str], db: Path, stdin: Path | None) -> Figures:
    done = measure(" ".join(argv), 1, argv, stdin, environment(db))
    return Figures(done.seconds, done.peak_mib)


def compare(pair: Pair, runs: int) -> tuple[Figures, Figures]:
    """The medians of `runs` runs of the pair's two commands, in turn."""
    db = database(pair.size)
    reference_db = database(pair.reference_size) if pair.reference_size else db
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(run(pair.command, db, None))
        theirs.append(run(pair.reference, reference_db, pair.stdin))
    return _median(ours), _median(theirs)


def _median(figures: list[Figures]) -> Figures:
    return Figures(
        statistics.median(f.seconds for f in figures),
        statistics.median(f.peak_mib for f in figures),
    )


def verdict(mine: float, reference: float, ratio_goal: float | None, goal: float | None):
    """What the line says of its goal (a ratio to the reference, or a figure), and whether
    it is met."""
    if ratio_goal is not None:
        met = mine / reference <= ratio_goal
        return f"goal {ratio_goal:g} {'OK' if met else 'MISSED'}", met
    if goal is not None:
        met = mine <= goal
        return f"goal {goal:g} MiB {'OK' if met else 'MISSED'}", met
    return "", True


def report(pair: Pair, ours: Figures, theirs: Figures) -> bool:
    """Print the pair's two lines, time and peak memory; whether their goals are met."""
    lines = [
        (pair.label, f"{pair.size:,}", ours.seconds, theirs.seconds, "s", pair.time_goal, None),
        ("  peak", "", ours.peak_mib, theirs.peak_mib, "MiB", pair.memory_goal, pair.peak_mib),
    ]
    met_all = True
    for label, size, mine, reference, unit, ratio_goal, goal in lines:
        said, met = verdict(mine, reference, ratio_goal, goal)
        met_all &= met
        print(
            f"{label:<58} {size:>9}  {mine:>12.2f} {unit:<3}  {reference:>12.2f} {unit:<3}"
            f"  {mine / reference:5.2f}  {said}",
            flush=True,
        )
    return met_all


def pairs(args: argparse.Namespace, workdir: Path) -> list[Pair]:
    shell = ["sqlite3", "-readonly"]
    sql = listed_query(database(args.rows), workdir)
    found = [
        Pair(
            f"opp list --all (table) vs the same on {SMALL} rows",
            args.rows,
            [*colibri(), *LISTED],
            [*colibri(), *LISTED],
            reference_size=SMALL,
            time_goal=1.5,
            memory_goal=1.2,
        ),
        Pair(
            "opp list --all --format csv vs sqlite3 -csv",
            args.rows,
            [*colibri(), *LISTED, "--format", "csv"],
            [*shell, "-csv", "-header", str(database(args.rows))],
            stdin=sql,
            time_goal=3,
        ),
        Pair(
            "opp list --all --format json vs sqlite3 -json",
            args.rows,
            [*colibri(), *LISTED, "--format", "json"],
            [*shell, "-json", str(database(args.rows))],
            stdin=sql,
            time_goal=3,
        ),
    ]
    if args.big:
        big_sql = listed_query(database(args.big), workdir)
        found += [
            Pair(
                f"{' '.join(command)} vs sqlite3 {shell_mode}",
                args.big,
                [*colibri(), *command],
                [*shell, shell_mode, str(database(args.big))],
                stdin=big_sql,
                peak_mib=args.peak_mib,
            )
            for command, shell_mode in (
                ([*LISTED, "--format", "csv"], "-csv"),
                ([*LISTED, "--format", "json"], "-json"),
            )
        ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="compared runs (100,000)")
    parser.add_argument("--big", type=int, default=1_000_000, help="memory runs; 0 skips them")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (5)")
    parser.add_argument("--big-runs", type=int, default=1, help="runs of the --big ones (1)")
    parser.add_argument("--peak-mib", type=float, default=50, help="memory goal of --big (50)")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        parser.error("the sqlite3 command-line shell is needed (apt-get install sqlite3)")
    if args.rows < 1 or args.runs < 1 or args.big_runs < 1 or args.big < 0:
        parser.error("--rows, --runs and --big-runs must be at least 1, --big at least 0")
    print(
        f"sqlite {sqlite3.sqlite_version}; medians of {args.runs} runs in turn"
        f" ({args.big_runs} at {args.big:,} rows)"
    )
    print(f"{'pair':<58} {'rows':>9}  {'colibri':>16}  {'reference':>16}  ratio")
    missed = False
    with tempfile.TemporaryDirectory() as workdir:
        for pair in pairs(args, Path(workdir)):
            ours, theirs = compare(pair, args.big_runs if pair.size == args.big else args.runs)
            missed |= not report(pair, ours, theirs)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
