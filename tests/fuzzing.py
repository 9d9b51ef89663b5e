"""A seeded fuzzer over every colibri command and over import files.

The commands are found by walking the Typer app, so that a new command or option is fuzzed
without being listed here. Each invocation fills the command's arguments and some of its
options with values drawn from `seed`: hostile ones (empty, huge or negative numbers, dates
out of range, other scripts' digits, control characters, Rich markup, very long strings,
undecodable bytes) and plausible ones, so that commands also get past their first check.
Import commands read hostile CSV and JSON files made by `hostile_file`.

What is checked, for every invocation (`Fuzzer.check`): no traceback (no uncaught exception,
no "Traceback" nor "bug in colibri" in the output), an exit code of the documented set, and,
when it is not 0, a database exactly as before (a logical dump compared). In-process
(CliRunner) by default, which is much faster than a process each; `run_process` runs an
invocation as a process with its arguments as bytes, undecodable ones included.
"""

import contextlib
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from colibri_cli.cli.app import app
from reliability import TODAY, create_command, environment, logical_dump

EXIT_CODES = {0, 1, 2, 3, 4, 5, 130}
"""The documented exit codes (README, "Errors and exit codes")."""
SECONDS_PER_INVOCATION = 20
"""An invocation still running after this is reported as a hang."""
RESET_EVERY = 100
"""The database goes back to its seed this often, so that dumps stay small and quick."""


HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e309",
    "nan",
    "inf",
    "9" * 25,
    "-" + "9" * 25,
    "99999999999999999999",
    "0x10",
    "1_000",
    "٣",
    "①",
    "²",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1899-12-31",
    "3001-01-01",
    "2026-02-30",
    "31/02/2026",
    "+99999y",
    "-99999y",
    "+1m",
    "2027-Q5",
    "2027-00",
    "Hôtel Ünïcødé",
    "名前",
    "🙂",
    "\u202eevil",
    "a\x1b]0;pwned\x07b",
    "\r\n",
    "\t",
    "\x7f\x9b",
    "[bold]x[/]",
    "[link=https://e.example]y",
    ":smile:",
    "%s%d%n",
    "{0}{name}",
    "'; DROP TABLE accounts; --",
    "NULL",
    "\\",
    '"',
    "=cmd|' /C calc'!A0",
    "x" * 10_000,
    "\udcff\udcfe",  # what Python makes of the bytes 0xff 0xfe in an argument
    "--",
    "-",
    "--help",
]
PLAUSIBLE = {
    "account": ["ACME", "1", "Hôtel", "2"],
    "opportunity": ["1", "2", "3", "First"],
    "task": ["1", "2"],
    "contact": ["Jeanne", "1"],
    "name": ["New one", "ACME", "Deal"],
    "title": ["Call back"],
    "amount": ["1k", "15000 EUR", "0", "2.5k USD"],
    "due": ["+1m", "2026-12-01", "today", "-1d"],
    "on": ["2026-11-20", "today", "yesterday"],
    "status": ["quote", "won", "lost", "negotiation", "analysis", "cancelled"],
    "new_status": ["quote", "won", "lost", "negotiation"],
    "probability": ["50", "0", "100"],
    "period": ["2026-12", "2026-Q4", "2027"],
    "key": ["currency", "language", "follow-up-delay", "quote", "stale-days"],
    "value": ["USD", "fr", "en", "2w", "EUR"],
    "by": ["account", "status", "quarter", "month"],
    "sort": ["due", "amount", "name"],
    "kind": ["open", "won", "lost", "month", "quarter"],
    "map_": ["Deal=name", "Company=account", "x="],
    "status_map": ["Open=quote", "Won=won"],
    "default": ["status=quote", "amount=0", "due_date=+1m"],
    "date_format": ["%d/%m/%Y", "%Y-%m-%d", "%Y%Y", "%"],
    "encoding": ["utf-8", "cp1252", "latin-1", "rot13", "base64", "zlib", "nope"],
    "currency": ["USD", "EUR", "usd", "XX"],
    "days": ["7", "366"],
    "last": ["3"],
    "position": ["1", "99999999999999999999"],
    "label": ["Quote sent"],
    "since": ["2026-01-01", "2026-Q1"],
}


@dataclass
class Command:
    path: tuple[str, ...]
    params: list


@dataclass
class Outcome:
    arguments: list
    exit_code: int | None
    output: str = ""
    crash: str | None = None
    """The class of an exception that escaped, or "hang"; None when there was none."""
    changed: bool = False
    """The database changed although the command failed."""
    seconds: float = 0.0
    today: str = TODAY
    """The COLIBRI_TODAY it ran with."""
    source: str = ""
    """The first characters of the file an import read."""

    @property
    def failures(self) -> list[str]:
        """One signature per broken promise: "KIND class: command: last line"."""
        last = self.output.strip().splitlines()[-1:] or [""]
        clock = "" if self.today == TODAY else f"COLIBRI_TODAY={self.today} "
        source = f" [{self.source}]" if self.source else ""
        where = f"{clock}{' '.join(map(str, self.arguments[:3]))}{source}: {last[0][:200]}"
        found = []
        if self.crash:
            found.append(f"traceback {self.crash}: {where}")
        elif "Traceback" in self.output or "bug in colibri" in self.output:
            found.append(f"traceback {_exception_named(self.output)}: {where}")
        if self.exit_code not in EXIT_CODES:
            found.append(f"exit {self.exit_code}: {where}")
        if self.changed:
            found.append(f"changed on exit {self.exit_code}: {where}")
        return found


def _exception_named(output: str) -> str:
    named = re.findall(r"^(\w+(?:Error|Exception|Interrupt)):", output, re.MULTILINE)
    return named[-1] if named else "bug"


def commands() -> list[Command]:
    """Every command colibri has, found in the Typer app, with its parameters; a group
    that runs on its own (`forecast`) counts as one too."""
    found = []

    def walk(command, path: tuple[str, ...]) -> None:
        own = [param for param in command.params if param.name not in ("help",)]
        subcommands = getattr(command, "commands", None)
        if subcommands is None or (path and own):
            found.append(Command(path, own))
        for name, sub in (subcommands or {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return [command for command in found if command.path]


class Fuzzer:
    """Invocations of colibri drawn from `seed`, in `workdir`, on a seeded database."""

    def __init__(self, workdir: Path, seed: int) -> None:
        self.workdir = workdir
        self.random = random.Random(seed)
        self.db = workdir / "fuzz.db"
        self.seed_db = workdir / "seed.db"
        self.sandbox = workdir / "sandbox"
        self.sandbox.mkdir(exist_ok=True)
        self.files = workdir / "files"
        self.files.mkdir(exist_ok=True)
        self.commands = commands()
        self.imports = [c for c in self.commands if c.path[0] == "import"]
        self.runner = CliRunner()
        self.ran = 0
        self.outcomes: list[Outcome] = []
        self.invoked: Counter = Counter()
        _seed_database(self.seed_db, self.runner)
        self._reset()

    # --- drawing invocations -------------------------------------------------------------

    def arguments(
        self, command: Command, source: Path | None = None, options: float = 0.3
    ) -> list[str]:
        """A command line for `command`: its arguments, each option with the chance
        `options`, sometimes a stray token; `source` is the file an import reads."""
        chance = self.random
        line = list(command.path)
        for param in command.params:
            if param.name in ("install_completion", "show_completion", "version"):
                continue
            is_option = param.param_type_name == "option"
            if is_option and not param.required and chance.random() > options:
                continue
            if is_option and getattr(param, "is_flag", False):
                line.append(param.opts[0])
                continue
            value = self.value(param, source)
            line += [param.opts[0], value] if is_option else [value]
        if chance.random() < 0.05:
            line.insert(chance.randrange(len(line) + 1), chance.choice(HOSTILE))
        if chance.random() < 0.03:
            line = ["--db", self.other_database(), *line]
        return line

    def other_database(self) -> str:
        """A --db that is not the fuzzed database: empty, text, a directory, unreachable."""
        chance = self.random
        empty, text = self.sandbox / "empty.db", self.sandbox / "notes.txt"
        empty.write_bytes(b"")
        text.write_text("not a database\n")
        unreachable = [self.sandbox / "no" / "x.db", self.sandbox / ("d" * 300)]
        return str(chance.choice([empty, text, self.sandbox, *unreachable]))

    def value(self, param, source: Path | None) -> str:
        chance = self.random
        if param.name == "file" and source is not None:
            return str(source)
        if getattr(param.type, "name", "") == "path" or param.name == "file":
            return self.path()
        choices = getattr(param.type, "choices", None)
        if choices and chance.random() < 0.8:
            return str(chance.choice(list(choices)))
        plausible = PLAUSIBLE.get(param.name)
        if plausible and chance.random() < 0.5:
            return chance.choice(plausible)
        return chance.choice(HOSTILE)

    def path(self) -> str:
        """A path to write or read, never outside the work directory (the tests run as
        root on CI): new, a directory, the database or one of its files, unreachable. (A
        relative one, a stray token taken for a value, is in the sandbox: the invocations
        run there.)"""
        chance = self.random
        return chance.choice(
            [
                str(self.sandbox / f"out{chance.randrange(5)}.csv"),
                str(self.sandbox / "backup.db"),
                str(self.sandbox),
                str(self.db),
                str(self.db) + "-wal",
                str(self.sandbox / "missing" / "x.json"),
                str(self.sandbox / ("n" * 300)),
                "-",
                "",
            ]
        )

    def environment(self) -> dict:
        """Mostly the usual; now and then a hostile clock or a --db of another kind."""
        env = {"COLIBRI_DB": str(self.db), "COLIBRI_TODAY": TODAY, "COLIBRI_LANG": "en"}
        if self.random.random() < 0.03:
            env["COLIBRI_TODAY"] = self.random.choice(["0001-01-01", "9999-12-31", "soon", ""])
        if self.random.random() < 0.03:
            env["COLIBRI_LANG"] = "fr"
        return env

    # --- running them --------------------------------------------------------------------

    def run(self, invocations: int) -> None:
        """`invocations` command lines, every command in turn (in a shuffled order)."""
        order: list[Command] = []
        for _ in range(invocations):
            if not order:
                order = self.random.sample(self.commands, len(self.commands))
            command = order.pop()
            self.invoked[command.path] += 1
            self.check(self.arguments(command))

    def run_files(self, files: int) -> None:
        """`files` hostile files, each read by an import command drawn with its options."""
        for number in range(files):
            command = self.random.choice(self.imports)
            source = hostile_file(self.random, self.files, number, command.path[1])
            self.invoked[command.path] += 1
            outcome = self.check(self.arguments(command, source, options=0.1))
            outcome.source = source.read_bytes()[:12].decode("utf-8", "backslashreplace")

    def run_undecodable(self, processes: int) -> None:
        """`processes` whole processes, each a drawn command line whose last value begins
        with the byte 0xff (invalid UTF-8) as the shell would pass it."""
        for _ in range(processes):
            command = self.random.choice([c for c in self.commands if c.params])
            line = self.arguments(command)
            if len(line) == len(command.path):
                line.append("x")
            line[-1] = "\udcff" + line[-1]
            self.run_process(line)

    def check(self, arguments: list[str], env: dict | None = None) -> Outcome:
        """Run one invocation in-process and record what it broke."""
        if self.ran and self.ran % RESET_EVERY == 0:
            self._reset()
        self.ran += 1
        env = env or self.environment()
        started = time.perf_counter()
        with contextlib.chdir(self.sandbox), _time_limit(SECONDS_PER_INVOCATION):
            try:
                result = self.runner.invoke(app, arguments, env=env)
            except Hang:
                outcome = Outcome(arguments, None, crash="hang")
            else:
                outcome = Outcome(arguments, result.exit_code, result.output)
                escaped = result.exception
                if escaped is not None and not isinstance(escaped, SystemExit):
                    outcome.crash = f"{type(escaped).__name__}: {str(escaped)[:80]}"
        outcome.seconds = time.perf_counter() - started
        outcome.today = env["COLIBRI_TODAY"]
        self._compare(outcome)
        self.outcomes.append(outcome)
        return outcome

    def run_process(self, arguments: list[str]) -> Outcome:
        """One invocation as a process of its own, its arguments passed as bytes: a
        surrogate-escaped str becomes the undecodable bytes it stands for."""
        self.ran += 1
        try:
            done = subprocess.run(
                [sys.executable.encode(), b"-m", b"colibri_cli", *map(os.fsencode, arguments)],
                env=environment(self.db),
                cwd=self.sandbox,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=SECONDS_PER_INVOCATION,
                check=False,
            )
        except subprocess.TimeoutExpired:
            outcome = Outcome(arguments, None, crash="hang")
        else:
            output = (done.stdout + done.stderr).decode("utf-8", "replace")
            outcome = Outcome(arguments, done.returncode, output)
        self._compare(outcome)
        self.outcomes.append(outcome)
        return outcome

    def _compare(self, outcome: Outcome) -> None:
        now = _dump_or_problem(self.db)
        outcome.changed = outcome.exit_code != 0 and now != self.dump
        self.dump = now

    def _reset(self) -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.seed_db, self.db)
        self.dump = _dump_or_problem(self.db)

    # --- what came out -------------------------------------------------------------------

    def failures(self) -> list[tuple[str, list]]:
        """(signature, arguments) of every broken promise."""
        return [(sig, outcome.arguments) for outcome in self.outcomes for sig in outcome.failures]

    def figures(self) -> dict:
        failures = self.failures()
        return {
            "invocations": self.ran,
            "exit_codes": dict(sorted(Counter(str(o.exit_code) for o in self.outcomes).items())),
            "tracebacks": dict(Counter(_class(sig) for sig, _a in failures if _is_crash(sig))),
            "changed_by_a_failed_command": sum(o.changed for o in self.outcomes),
            "failures": len(failures),
        }


def _is_crash(signature: str) -> bool:
    return signature.startswith("traceback")


def _class(signature: str) -> str:
    return signature.split(":")[0].removeprefix("traceback ")


def _dump_or_problem(db: Path) -> str:
    try:
        return logical_dump(db)
    except Exception as problem:  # a database the command made unreadable
        return f"unreadable: {problem}"


class Hang(BaseException):
    """Raised in the main thread when an invocation outlives its time limit: a
    BaseException, so that neither colibri nor CliRunner takes it for an error of theirs."""


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(_signal, _frame):
        raise Hang

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _seed_database(path: Path, runner: CliRunner) -> None:
    """A small CRM: two accounts, a contact, three deals (one won), two tasks, a target."""
    path.unlink(missing_ok=True)
    env = {"COLIBRI_DB": str(path), "COLIBRI_TODAY": TODAY, "COLIBRI_LANG": "en"}
    for arguments in (
        ["account", "add", "ACME Industries", "--city", "Lyon"],
        ["account", "add", "Hôtel du Parc"],
        ["contact", "add", "Jeanne Martin", "--account", "ACME"],
        ["opp", "create", "First", "-a", "ACME", "--amount", "1k", "--due", "+1m", "-s", "quote"],
        [*create_command("Second", "5k", "Hôtel"), "--due", "-1d", "-s", "negotiation"],
        ["opp", "create", "Third", "-a", "ACME", "--amount", "2k", "--due", "+2m", "-s", "quote"],
        ["opp", "status", "Third", "won", "--no-follow-up"],
        ["task", "add", "Call back", "--due", "+1w", "--opp", "1"],
        ["task", "add", "Send the quote", "--due", "-2d"],
        ["target", "set", "2026-12", "10k"],
    ):
        result = runner.invoke(app, arguments, env=env)
        assert result.exit_code == 0, (arguments, result.output)


# --- hostile import files --------------------------------------------------------------

COLUMNS = ["name", "account", "amount", "due_date", "status", "currency", "title", "due",
           "email", "external_id", "created_on", "closed_on", "probability", "contact"]  # fmt: skip
CELLS = [*HOSTILE[:48], "1000", "2026-12-01", "quote", "ACME", "12/31/2026", "1.000,50 €"]


def hostile_file(chance: random.Random, directory: Path, number: int, kind: str) -> Path:
    """One hostile file for `import KIND`: CSV or JSON, broken in one of many ways, small
    enough for CI (at most a few hundred kilobytes)."""
    maker = chance.choice(FILE_MAKERS)
    suffix, content = maker(chance, kind)
    path = directory / f"hostile{number}{suffix}"
    path.write_bytes(content)
    return path


def _cell(chance: random.Random) -> str:
    return chance.choice(CELLS).replace("\udcff\udcfe", "\ufffd")


VALID = {
    "accounts": {"name": "Firm", "city": "Lyon", "email": "a@b.example"},
    "contacts": {"name": "Ann Lee", "account": "ACME Industries", "email": "a@b.example"},
    "opps": {
        "name": "Deal",
        "account": "ACME Industries",
        "amount": "1000",
        "due_date": "2026-12-01",
        "status": "quote",
        "created_on": "2026-11-01",
    },
    "tasks": {"title": "Call back", "due_date": "2026-12-01", "account": "ACME Industries"},
}
"""A record each import kind accepts, so that one hostile cell gets past the others."""


DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "3001-01-01", "2026-02-30", "+1m", "12/31/26"]
EDGES = {
    "due_date": DATES,
    "created_on": DATES,
    "amount": ["-5", "9" * 25, "1e309", "1.000,50 €", "0", "12 345,67"],
    "status": ["won", "Won", "open", ""],
}
"""Values at the edges of what a column accepts, drawn more often than any hostile cell."""


def _records(chance: random.Random, kind: str, rows: int = 5) -> list[dict]:
    """Valid records of which one or two have a cell at an edge or hostile, so that the
    import gets to it; or records of random columns."""
    if chance.random() < 0.7:
        valid = VALID.get(kind, VALID["opps"])
        first = next(iter(valid))  # the name or title: distinct, so that none is a duplicate
        records = [{**valid, first: f"{valid[first]} {number}"} for number in range(rows)]
        for record in chance.sample(records, min(rows, chance.randint(1, 2))):
            column = chance.choice(list(valid))
            edges = EDGES.get(column) if chance.random() < 0.7 else None
            record[column] = chance.choice(edges) if edges else _cell(chance)
        return records
    columns = chance.sample(COLUMNS, chance.randint(1, 6))
    return [{column: _cell(chance) for column in columns} for _ in range(rows)]


def _csv_text(chance: random.Random, kind: str, *, separator: str = ",") -> str:
    records = _records(chance, kind)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(records[0])
    for record in records:
        cells = list(record.values())
        writer.writerow(cells + [_cell(chance)] * chance.choice([0, 0, 0, 1]))
    return out.getvalue()


def _csv_cells(chance, kind):
    return ".csv", _csv_text(chance, kind).encode("utf-8", "surrogateescape")


def _csv_sep_line(chance, kind):
    return ".csv", ("sep=|\n" + _csv_text(chance, kind, separator="|")).encode()


def _csv_bom_and_line_ends(chance, kind):
    text = _csv_text(chance, kind).replace("\n", chance.choice(["\r\n", "\r", "\n\r"]))
    return ".csv", b"\xef\xbb\xbf" + text.encode()


def _csv_bad_bytes(chance, kind):
    body = bytearray(_csv_text(chance, kind).encode())
    for _ in range(chance.randint(1, 5)):
        body.insert(chance.randrange(len(body) + 1), chance.choice([0xFF, 0x00, 0xC3, 0x80]))
    return ".csv", bytes(body)


def _csv_unbalanced_quotes(chance, kind):
    return ".csv", b'name,account\n"open quote,ACME\n' + b"x," * chance.randint(1, 500) + b"\n"


def _csv_blank_and_one_cell_lines(chance, kind):
    lines = chance.choice([b"\n", b"x\n", b",\n", b" \n"]) * chance.randint(1, 20_000)
    return ".csv", b"name,account\n" + lines


def _csv_long_line(chance, kind):
    return ".csv", b"name,account\n" + b"y" * chance.randint(10_000, 200_000)


def _csv_many_columns(chance, kind):
    count = chance.randint(100, 3000)
    header = ",".join(f"c{n}" for n in range(count))
    return ".csv", f"{header}\n{','.join('1' * count)}\n".encode()


def _csv_duplicate_headers(chance, kind):
    return ".csv", b"name,name,account,account\nA,B,ACME,Other\n"


def _empty(chance, kind):
    content = chance.choice([b"", b" ", b"\n\n", b"\xef\xbb\xbf"])
    return chance.choice([".csv", ".json", ".jsonl"]), content


def _json_records(chance, kind):
    values = [_cell(chance), 1, -1, 10**30, 1.5, True, None, [], {}, {"a": [1]}, "2026-12-01"]
    records = _records(chance, kind, chance.randint(1, 5))
    for record in records:
        for column in chance.sample(list(record), min(len(record), chance.randint(0, 2))):
            record[column] = chance.choice(values)
    return ".json", json.dumps(records, ensure_ascii=chance.random() < 0.5).encode()


def _json_deep(chance, kind):
    depth = chance.randint(500, 5000)
    return ".json", b"[" * depth + b"]" * depth


def _json_huge_integer(chance, kind):
    digits = "9" * chance.randint(4301, 20_000)
    return ".json", f'[{{"name": "Big", "account": "ACME", "amount": {digits}}}]'.encode()


def _json_trailing_data(chance, kind):
    return ".json", b'[{"name": "A", "account": "ACME"}] ' + chance.choice([b"[]", b"x", b"{}"])


def _json_not_a_list(chance, kind):
    return ".json", chance.choice([b"{}", b'"text"', b"1", b"null", b"[{}]", b"[1, 2]", b"[[]]"])


def _json_truncated(chance, kind):
    text = json.dumps([{"name": "A", "account": "ACME", "amount": 5}] * 3).encode()
    return ".json", text[: chance.randrange(1, len(text))]


def _jsonl_lines(chance, kind):
    lines = [json.dumps({"name": _cell(chance), "account": "ACME"}) for _ in range(3)]
    lines.insert(chance.randrange(4), chance.choice(["", "{", "[]", "null", "1"]))
    return ".jsonl", "\n".join(lines).encode("utf-8", "surrogateescape")


def _json_long_cell(chance, kind):
    return ".json", json.dumps([{"name": "n" * chance.randint(10_000, 300_000)}]).encode()


FILE_MAKERS = [
    _csv_cells,
    _csv_cells,
    _csv_sep_line,
    _csv_bom_and_line_ends,
    _csv_bad_bytes,
    _csv_unbalanced_quotes,
    _csv_blank_and_one_cell_lines,
    _csv_long_line,
    _csv_many_columns,
    _csv_duplicate_headers,
    _empty,
    _json_records,
    _json_records,
    _json_deep,
    _json_huge_integer,
    _json_trailing_data,
    _json_not_a_list,
    _json_truncated,
    _jsonl_lines,
    _json_long_cell,
]
