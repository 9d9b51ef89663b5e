"""The README's tour shows real output: this test runs it and compares, line by line.

Each ```console block that follows a `<!-- tour -->` line is a session: lines starting
with `$ colibri` are run (one database for the whole README, today fixed, 80 columns) and
what they print, stdout and stderr as a terminal shows them, must be the lines below. The
tour's database is there before it starts, as the README's first command made `demo.db`. A
block after `<!-- tour fresh -->` starts from a database of its own, new and empty.
After a deliberate change of output, regenerate the snippets with:

    COLIBRI_UPDATE_README=1 .venv/bin/pytest tests/test_readme.py
"""

import os
import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from colibri_cli.cli.app import app
from colibri_cli.core import store

README = Path(__file__).parent.parent / "README.md"
TOUR_BLOCK = re.compile(r"(<!-- tour( fresh)? -->\n```console\n)(.*?)(```)", re.DOTALL)
TOUR_ENV = {"COLIBRI_TODAY": "2026-11-26", "COLUMNS": "80"}


def made(path: Path) -> str:
    """A new, empty database at `path`, as a reader of the tour already has one."""
    with store.session(path, write=True):
        pass
    return str(path)


def run_session(block: str, runner: CliRunner, env: dict | None = None) -> str:
    """The block with every command's output replaced by what colibri prints now."""
    lines = []
    for line in block.splitlines():
        if line.startswith("$ colibri"):
            lines.append(line)
            result = runner.invoke(app, shlex.split(line)[2:], env={**TOUR_ENV, **(env or {})})
            assert result.exit_code in (0, 2, 3, 4), (line, result.output)
            lines += [printed.rstrip() for printed in result.output.splitlines()]
        elif line.startswith("$ "):
            raise AssertionError(f"A tour command must be colibri: {line}")
    return "\n".join(lines) + "\n"


def test_the_readme_tour_matches_what_colibri_prints(monkeypatch, tmp_path):
    monkeypatch.setenv("COLIBRI_DB", made(tmp_path / "tour.db"))
    text = README.read_text(encoding="utf-8")
    runner = CliRunner()
    blocks = TOUR_BLOCK.findall(text)
    assert len(blocks) >= 3, "the README tour has gone missing"
    fresh = iter(range(len(blocks)))

    def replay(match: re.Match) -> str:
        env = {"COLIBRI_DB": made(tmp_path / f"fresh-{next(fresh)}.db")} if match[2] else {}
        return match[1] + run_session(match[3], runner, env) + match[4]

    regenerated = TOUR_BLOCK.sub(replay, text)
    if os.environ.get("COLIBRI_UPDATE_README"):
        README.write_text(regenerated, encoding="utf-8")
    expected = [line.rstrip() for line in text.splitlines()]
    assert [line.rstrip() for line in regenerated.splitlines()] == expected


REPLAYED = ("<!-- tour -->", "<!-- tour fresh -->", "<!-- french -->", "<!-- import example -->")
"""The markers of the console blocks a test replays: this file's tour, the French example
(tests/test_french.py) and the import example (tests/test_import_files.py)."""


def test_every_console_block_of_the_readme_is_replayed():
    lines = README.read_text(encoding="utf-8").splitlines()
    unreplayed = [
        number
        for number, line in enumerate(lines, 1)
        if line == "```console" and lines[number - 2] not in REPLAYED
    ]
    assert unreplayed == [], "console blocks no test replays, at README lines"
