"""Start-up benchmark for the `colibri` command: wall time of whole processes.

Speed goals live here, not in timed tests. Each command runs as a subprocess of the
installed console script, with a clean environment and an explicit --db, after warm-up runs.
The everyday commands are also timed against a bare two-command Typer app of the same venv,
in pairs run in turn (colibri, then the bare app, and again), so that a busy machine slows
both alike: the goal is a ratio of medians. Exit status 1 when a budgeted command is over
budget, a ratio misses its goal, or `--help` / `account list` import a module they must not.
Standard library only.

    .venv/bin/python benchmarks/startup.py            # table
    .venv/bin/python benchmarks/startup.py --json     # machine-readable
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BUDGET_MS = 150.0
GOAL_RATIO = 1.4
"""Each everyday command within this many times a bare Typer app's start-up (medians)."""
ACCOUNTS = 100
TOP_IMPORTS = 8
IMPORTTIME_RUNS = 5
PACKAGES = ("typer", "rich", "sqlite-utils")
FORBIDDEN = {
    "--help": ("sqlite_utils", "rich.table", "pydantic"),
    "account list": ("sqlite_utils", "pydantic"),
}

BARE_TYPER_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"Hello {name}")


@app.command()
def bye() -> None:
    """Say goodbye."""
    print("Bye")


app()
'''

VERSIONS_SCRIPT = """
import json, platform
from importlib.metadata import version
print(json.dumps({"python": platform.python_version(),
                  **{name: version(name) for name in %r}}))
"""

SEED_SCRIPT = """
import sys
from colibri_cli.cli.app import app
db, count = sys.argv[1], int(sys.argv[2])
for n in range(1, count + 1):
    args = ["--db", db, "account", "add", f"Account {n:03d}", "--city", "Lyon",
            "--industry", "Manufacturing", "--email", f"sales{n}@example.com"]
    try:
        app(args=args, prog_name="colibri")
    except SystemExit as done:
        if done.code:
            sys.exit(f"seeding failed at account {n}: exit {done.code}")
"""


@dataclass
class Result:
    command: str
    median_ms: float
    min_ms: float
    p90_ms: float
    budget_ms: float | None
    status: str


@dataclass
class Pair:
    command: str
    colibri_ms: float
    bare_ms: float
    ratio: float
    goal: float
    status: str


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    default = Path(sys.executable).parent / "colibri"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--colibri", type=Path, default=default, help=f"default: {default}")
    parser.add_argument("-n", "--runs", type=int, default=30, help="timed runs (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if not args.colibri.is_file():
        parser.error(f"no colibri at {args.colibri}; run with the venv's python or --colibri")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    return args


def clean_env() -> dict[str, str]:
    """The caller's environment without anything that changes what colibri does, and with
    bytecode written: an installed colibri has it, and without it every module edited since
    its last import is compiled again on each run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLIBRI_")}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def python_of(colibri: Path) -> Path:
    """The interpreter of the console script: its #! line, else the python beside it."""
    with colibri.open("rb") as script:
        first = script.readline().decode(errors="replace")
    shebang = Path(first[2:].strip()) if first.startswith("#!") else None
    if shebang and shebang.name.startswith("python") and shebang.is_file():
        return shebang
    beside = colibri.parent / "python"
    return beside if beside.is_file() else Path(sys.executable)


def run(argv: list, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(map(str, argv))}\n{done.stderr.decode()}")
    return done


def time_once(argv: list, env: dict[str, str]) -> float:
    start = time.perf_counter()
    run(argv, env)
    return (time.perf_counter() - start) * 1000


def measure(name: str, make_argv, runs: int, warmup: int, env, budget=None) -> Result:
    """`make_argv(i)` gives the command line of run i (warm-up runs have negative i)."""
    for i in range(-warmup, 0):
        run(make_argv(i), env)
    times = sorted(time_once(make_argv(i), env) for i in range(runs))
    median = statistics.median(times)
    p90 = times[max(0, -(-9 * runs // 10) - 1)]  # nearest-rank 90th percentile
    status = "" if budget is None else ("OK" if median <= budget else "OVER")
    return Result(name, round(median, 1), round(times[0], 1), round(p90, 1), budget, status)


def measure_pair(name: str, argv: list, bare_argv: list, runs: int, warmup: int, env) -> Pair:
    """Median times of `argv` and of the bare app's `bare_argv`, run in turn."""
    for _ in range(warmup):
        run(argv, env)
        run(bare_argv, env)
    times, bare_times = [], []
    for _ in range(runs):
        times.append(time_once(argv, env))
        bare_times.append(time_once(bare_argv, env))
    colibri, bare = statistics.median(times), statistics.median(bare_times)
    ratio = colibri / bare
    status = "OK" if ratio <= GOAL_RATIO else "MISSED"
    return Pair(name, round(colibri, 1), round(bare, 1), round(ratio, 2), GOAL_RATIO, status)


def pairs(exe: Path, python: Path, workdir: Path) -> list[tuple]:
    """(name, colibri's argv, the bare app's argv): the everyday commands, on the demo."""
    demo, bare = workdir / "demo.db", [python, workdir / "bare.py"]
    return [
        ("colibri --help", [exe, "--help"], [*bare, "--help"]),
        ("account list (demo db)", [exe, "--db", demo, "account", "list"], [*bare, "hello"]),
        ("opp show 1 (demo db)", [exe, "--db", demo, "opp", "show", "1"], [*bare, "hello"]),
        ("agenda (demo db)", [exe, "--db", demo, "agenda"], [*bare, "hello"]),
    ]


def seed(python: Path, db: Path, env: dict[str, str]) -> None:
    run([python, "-c", SEED_SCRIPT, db, str(ACCOUNTS)], env)


def cases(exe: Path, workdir: Path) -> list[tuple]:
    """(name, argv of run i, budget): what is timed, on databases prepared by `prepare`."""
    empty, full, fresh = workdir / "empty.db", workdir / "full.db", workdir / "fresh"
    listing = f"account list ({ACCOUNTS} accounts"
    return [
        ("colibri --help", lambda i: [exe, "--help"], BUDGET_MS),
        ("account list (empty db)", lambda i: [exe, "--db", empty, "account", "list"], BUDGET_MS),
        (
            "config set (first run, migrates)",
            lambda i: [exe, "--db", fresh / f"{i}.db", "config", "set", "currency", "EUR"],
            None,
        ),
        (f"{listing}, table)", lambda i: [exe, "--db", full, "account", "list"], None),
        (f"{listing}, csv)", lambda i: [exe, "--db", full, "account", "list", "-f", "csv"], None),
        ("config show", lambda i: [exe, "--db", empty, "config", "show"], None),
    ]


def prepare(exe: Path, workdir: Path, env: dict[str, str]) -> None:
    """An empty migrated database (migrated untimed), one with accounts, a dir for new ones."""
    run([exe, "--db", workdir / "empty.db", "config", "set", "currency", "EUR"], env)
    seed(python_of(exe), workdir / "full.db", env)
    (workdir / "fresh").mkdir()
    run([exe, "--db", workdir / "demo.db", "demo"], env)
    (workdir / "bare.py").write_text(BARE_TYPER_APP, encoding="utf-8")


def benchmark(args, workdir: Path, env: dict[str, str]) -> tuple[list[Result], list[Pair]]:
    prepare(args.colibri, workdir, env)
    results = [
        measure(name, make_argv, args.runs, args.warmup, env, budget)
        for name, make_argv, budget in cases(args.colibri, workdir)
    ]
    python = python_of(args.colibri)
    compared = [
        measure_pair(name, argv, bare_argv, args.runs, args.warmup, env)
        for name, argv, bare_argv in pairs(args.colibri, python, workdir)
    ]
    return results, compared


def parse_importtime(stderr: str) -> dict[str, tuple[int, int]]:
    """{module: (self µs, cumulative µs)} from `python -X importtime` output."""
    modules = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        modules[name.strip()] = (int(self_us), int(cumulative_us))
    return modules


def import_profile(python: Path, cli_args: list, env: dict[str, str]) -> dict[str, tuple]:
    """Median self and cumulative import time of every module over a few runs."""
    argv = [python, "-X", "importtime", "-m", "colibri_cli", *cli_args]
    runs = [parse_importtime(run(argv, env).stderr.decode()) for _ in range(IMPORTTIME_RUNS)]
    names = set().union(*runs)
    return {
        name: tuple(statistics.median(r[name][k] for r in runs if name in r) for k in (0, 1))
        for name in names
    }


def imports_report(python: Path, db: Path, env: dict[str, str]) -> dict[str, dict]:
    report = {}
    for label, cli_args in (
        ("--help", ["--help"]),
        ("account list", ["--db", db, "account", "list"]),
    ):
        profile = import_profile(python, cli_args, env)
        top = sorted(profile.items(), key=lambda item: item[1][1], reverse=True)[:TOP_IMPORTS]
        report[label] = {
            "modules": len(profile),
            "top": [
                {"module": m, "cumulative_ms": c / 1000, "self_ms": s / 1000} for m, (s, c) in top
            ],
            "forbidden": [m for m in FORBIDDEN[label] if m in profile],
        }
    return report


def versions(python: Path, env: dict[str, str]) -> dict[str, str]:
    argv = [python, "-c", VERSIONS_SCRIPT % (PACKAGES,)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def print_table(results: list[Result]) -> None:
    width = max(len(r.command) for r in results)
    print(f"{'command':<{width}}  {'median':>7}  {'min':>7}  {'p90':>7}  {'budget':>7}")
    for r in results:
        budget = f"{r.budget_ms:.0f} {r.status}" if r.budget_ms else "-"
        print(
            f"{r.command:<{width}}  {r.median_ms:>7.1f}  {r.min_ms:>7.1f}  {r.p90_ms:>7.1f}"
            f"  {budget:>7}"
        )


def print_pairs(compared: list[Pair]) -> None:
    width = max(len(p.command) for p in compared)
    print(
        f"\nAgainst a bare two-command Typer app, run in turn (medians, ms; goal: ratio <= "
        f"{GOAL_RATIO}):"
    )
    print(f"{'command':<{width}}  {'colibri':>7}  {'bare':>7}  {'ratio':>5}")
    for p in compared:
        print(
            f"{p.command:<{width}}  {p.colibri_ms:>7.1f}  {p.bare_ms:>7.1f}  {p.ratio:>5.2f}"
            f"  {p.status}"
        )


def print_imports(report: dict[str, dict]) -> None:
    for label, data in report.items():
        print(
            f"\nTop {TOP_IMPORTS} imports by cumulative time, colibri {label} "
            f"({data['modules']} modules; median of {IMPORTTIME_RUNS} runs):"
        )
        for row in data["top"]:
            print(
                f"  {row['cumulative_ms']:7.1f} ms  (self {row['self_ms']:5.1f})  {row['module']}"
            )
        print(
            f"  must not import {', '.join(FORBIDDEN[label])}: "
            f"{'VIOLATED by ' + ', '.join(data['forbidden']) if data['forbidden'] else 'ok'}"
        )


def print_report(info: dict, results: list[Result], compared, report: dict, args) -> None:
    print(" ".join(f"{name} {version}" for name, version in info.items()))
    print(f"colibri: {args.colibri}; {args.runs} runs after {args.warmup} warm-up; times in ms\n")
    print_table(results)
    print_pairs(compared)
    print_imports(report)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = clean_env()
    python = python_of(args.colibri)
    with tempfile.TemporaryDirectory(prefix="colibri-bench-") as tmp:
        results, compared = benchmark(args, Path(tmp), env)
        report = imports_report(python, Path(tmp) / "empty.db", env)
    info = versions(python, env)
    failed = (
        any(r.status == "OVER" for r in results)
        or any(p.status == "MISSED" for p in compared)
        or any(data["forbidden"] for data in report.values())
    )
    if args.json:
        data = {"versions": info, "runs": args.runs, "warmup": args.warmup, "ok": not failed}
        data |= {"results": [asdict(r) for r in results], "imports": report}
        data |= {"against_bare_typer": [asdict(p) for p in compared]}
        print(json.dumps(data, indent=2))
    else:
        print_report(info, results, compared, report, args)
        print(f"\n{'FAILED: over budget, a goal missed or a forbidden import' if failed else 'OK'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
