"""The README's tour, and the examples of the docs/ pages, show real output: this test runs
them and compares, line by line.

Each ```console block that follows a `<!-- tour -->` line is a session: lines starting
with `$ colibri` are run (today fixed, 80 columns) and what they print, stdout and stderr
as a terminal shows them, must be the lines below. The `<!-- tour -->` blocks of one page
share one database: the README's starts empty, and its first block builds the demo; a
docs/ page's is the demo database, as the README's first command made `demo.db`. A block
after `<!-- tour fresh -->` starts from a database of its own, new and empty.
After a deliberate change of output, regenerate the snippets of every page with:

    COLIBRI_UPDATE_README=1 .venv/bin/pytest tests/test_readme.py
"""

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colibri_cli.cli.app import app
from colibri_cli.core import store

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
"""The README, then the pages of docs/: every page a reader is shown."""
TOUR_BLOCK = re.compile(r"(<!-- tour( fresh)? -->\n```console\n)(.*?)(```)", re.DOTALL)
TOUR_ENV = {"COLIBRI_TODAY": "2026-11-26", "COLUMNS": "80"}


def page_name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def made(path: Path) -> str:
    """A new, empty database at `path`, as a reader of the tour already has one."""
    with store.session(path, write=True):
        pass
    return str(path)


def made_demo(path: Path, runner: CliRunner) -> str:
    """The demo database at `path`, as the README's first command makes `demo.db`."""
    made(path)
    result = runner.invoke(app, ["demo"], env={**TOUR_ENV, "COLIBRI_DB": str(path)})
    assert result.exit_code == 0, result.output
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


def toured(page: Path) -> bool:
    return TOUR_BLOCK.search(page.read_text(encoding="utf-8")) is not None


@pytest.mark.parametrize("page", [page for page in PAGES if toured(page)], ids=page_name)
def test_the_tour_blocks_of_each_page_match_what_colibri_prints(page, monkeypatch, tmp_path):
    text = page.read_text(encoding="utf-8")
    runner = CliRunner()
    blocks = TOUR_BLOCK.findall(text)
    on_the_demo = page != README and any(not fresh for _, fresh, _, _ in blocks)
    tour_db = tmp_path / "tour.db"
    monkeypatch.setenv("COLIBRI_DB", made_demo(tour_db, runner) if on_the_demo else made(tour_db))
    fresh = iter(range(len(blocks)))

    def replay(match: re.Match) -> str:
        env = {"COLIBRI_DB": made(tmp_path / f"fresh-{next(fresh)}.db")} if match[2] else {}
        return match[1] + run_session(match[3], runner, env) + match[4]

    regenerated = TOUR_BLOCK.sub(replay, text)
    if os.environ.get("COLIBRI_UPDATE_README"):
        page.write_text(regenerated, encoding="utf-8")
    expected = [line.rstrip() for line in text.splitlines()]
    assert [line.rstrip() for line in regenerated.splitlines()] == expected


def test_the_readme_keeps_its_tour():
    assert len(TOUR_BLOCK.findall(README.read_text(encoding="utf-8"))) >= 3, (
        "the README tour has gone missing"
    )


REPLAYED = ("<!-- tour -->", "<!-- tour fresh -->", "<!-- french -->", "<!-- import example -->")
"""The markers of the console blocks a test replays: this file's tour, the French example
(tests/test_french.py) and the import example (tests/test_import_files.py)."""


@pytest.mark.parametrize("page", PAGES, ids=page_name)
def test_every_console_block_of_every_page_is_replayed(page):
    lines = page.read_text(encoding="utf-8").splitlines()
    unreplayed = [
        number
        for number, line in enumerate(lines, 1)
        if line == "```console" and lines[number - 2] not in REPLAYED
    ]
    assert unreplayed == [], f"console blocks no test replays, at {page_name(page)} lines"
