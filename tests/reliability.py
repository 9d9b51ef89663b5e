"""What the reliability tests and benchmarks/fuzz.py share: colibri as whole processes that
run many commands each, and the checks made on a database after load, kills and fuzzing.

A worker process imports colibri once and runs a list of command lines in a row, as a script
calling colibri would but without paying the start-up each time: many processes can then
write at once, and a kill lands inside a transaction far more often than inside start-up.
"""

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

TODAY = "2026-11-26"
WORKER = """
import json, sys
from colibri_cli.cli.app import app

codes_path, commands = sys.argv[1], json.loads(sys.stdin.read())
codes = []
for arguments in commands:
    try:
        app(arguments, prog_name="colibri")
    except SystemExit as exit:
        codes.append(exit.code or 0)
with open(codes_path, "w") as out:
    json.dump(codes, out)
"""
"""Runs the command lines read from stdin (a JSON list) and writes their exit codes, in
order, to the file named by its argument once all have run."""


def environment(db: Path) -> dict:
    """The environment of a colibri process on `db`: today fixed, English, no debug."""
    env = {**os.environ, "COLIBRI_DB": str(db), "COLIBRI_TODAY": TODAY, "COLIBRI_LANG": "en"}
    env.pop("COLIBRI_DEBUG", None)
    return env


def colibri(db: Path, *arguments: str, **options) -> subprocess.Popen:
    """`colibri ARGUMENTS` as a process of its own, its output captured (or as `options`
    say: a process that is killed is not read, and must not fill a pipe)."""
    streams = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.Popen(
        [sys.executable, "-m", "colibri_cli", *arguments],
        env=environment(db),
        **{**streams, **options},
    )


class Worker:
    """A process running `commands` (lists of arguments) in a row on `db`."""

    def __init__(self, db: Path, commands: list[list[str]], codes: Path) -> None:
        self.codes_path = codes
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(codes)],
            env=environment(db),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.process.stdin.write(json.dumps(commands).encode())
        self.process.stdin.close()

    def codes(self, timeout: float = 120) -> list[int]:
        """The exit code of every command, once the worker has finished; its stderr must
        hold no traceback."""
        stderr = self.process.stderr.read().decode(errors="replace")
        self.process.wait(timeout)
        assert self.process.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
        return json.loads(self.codes_path.read_text())


def write_opps_csv(path: Path, rows: int, *, account: str, prefix: str) -> Path:
    """An import file of `rows` open opportunities of one account, external ids PREFIX-N."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "account", "amount", "due_date", "status", "external_id"])
        for number in range(rows):
            due = f"2027-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
            name, external_id = f"{prefix} deal {number}", f"{prefix}-{number}"
            writer.writerow([name, account, 100 + number, due, "quote", external_id])
    return path


def query(db: Path, sql: str, parameters: tuple = ()) -> list[tuple]:
    """Rows read from a fresh connection: what was really written."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, parameters).fetchall()
    finally:
        conn.close()


def integrity(db: Path) -> str:
    """`PRAGMA integrity_check`: "ok" for a sound database."""
    return "\n".join(row[0] for row in query(db, "PRAGMA integrity_check"))


HISTORY_MISMATCHES = """
SELECT o.id, o.status, o.amount, o.due_date, h.status, h.amount, h.due_date
FROM opportunities AS o
LEFT JOIN opportunity_history AS h ON h.id = (
    SELECT max(id) FROM opportunity_history WHERE opportunity_id = o.id
)
WHERE h.id IS NULL OR h.status IS NOT o.status OR h.amount IS NOT o.amount
    OR h.due_date IS NOT o.due_date OR h.currency IS NOT o.currency
    OR h.closed_on IS NOT o.closed_on
"""
"""Opportunities whose last history row is not their current state (or that have none)."""


def history_mismatches(db: Path) -> list[tuple]:
    return query(db, HISTORY_MISMATCHES)


def logical_dump(db: Path) -> str:
    """Everything the database holds, schema and rows, in a stable order: two dumps are
    equal when nothing was written, whatever the WAL and checkpoints did to the files."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def create_command(name: str, amount: str, account: str = "ACME") -> list[str]:
    return ["opp", "create", name, "-a", account, "--amount", amount, "--due", "+1m", "-s", "quote"]


def kills_during_import(db: Path, source: Path, kills: int, chance: random.Random) -> list[dict]:
    """Import `source` into copies of `db` and SIGKILL each import after a delay drawn over
    a whole run (as timed once first, and again by any run that finishes before its kill),
    every other one near its end, where the commit is. What each left: `killed` (False: it
    had finished), `integrity`, `rows` (opportunities) and `history` (history rows)."""
    pristine = db.with_name(db.name + ".pristine")
    shutil.copyfile(db, pristine)
    started = time.monotonic()
    whole = colibri(db, "import", "opps", str(source))
    _out, stderr = whole.communicate(timeout=300)
    assert whole.returncode == 0, stderr
    duration = time.monotonic() - started
    left = []
    for kill in range(kills):
        shutil.copyfile(pristine, db)
        moment = chance.uniform(0.05, 1.05) if kill % 2 else chance.uniform(0.85, 1.02)
        started = time.monotonic()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        importing = colibri(db, "import", "opps", str(source), **quiet)
        try:
            importing.wait(timeout=moment * duration)
        except subprocess.TimeoutExpired:
            importing.send_signal(signal.SIGKILL)
            importing.wait(timeout=60)
            left.append({"killed": True, **_state(db)})
        else:
            duration = time.monotonic() - started  # the machine is quicker now
            left.append({"killed": False, **_state(db)})
    return left


def kills_during_edits(
    db: Path, deals: list[str], kills: int, chance: random.Random, workdir: Path
) -> list[dict]:
    """Run `opp status` and `opp edit` on `deals` in a loop and SIGKILL it after a random
    delay, `kills` times; what each kill left, as `kills_during_import` says, with
    `mismatches` (opportunities whose last history row is not their state)."""
    statuses = ("analysis", "quote", "negotiation", "won", "lost")
    left = []
    for kill in range(kills):
        commands = []
        for step in range(400):
            deal = chance.choice(deals)
            if step % 2:
                commands.append(["opp", "status", deal, chance.choice(statuses), "--no-follow-up"])
            else:
                amount, due = chance.randint(1, 10**6), f"+{chance.randint(1, 300)}d"
                commands.append(["opp", "edit", deal, "--amount", str(amount), "--due", due])
        worker = Worker(db, commands, workdir / f"edits{kill}.json")
        time.sleep(chance.uniform(0.3, 1.2))
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(timeout=60)
        left.append({**_state(db), "mismatches": history_mismatches(db)})
    return left


def _state(db: Path) -> dict:
    return {
        "integrity": integrity(db),
        "rows": query(db, "SELECT count(*) FROM opportunities")[0][0],
        "history": query(db, "SELECT count(*) FROM opportunity_history")[0][0],
    }
