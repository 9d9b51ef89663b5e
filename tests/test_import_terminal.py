"""On a terminal, a big import shows a progress bar on stderr, gone once it is done."""

import os
import sys

import pexpect
import pytest

from colibri_cli.cli import imports

SUMMARY = (
    "Imported opportunities from {path} (comma-separated CSV, UTF-8): "
    "{count} created, 0 updated, 0 skipped, 0 rejected."
)


def run_on_a_terminal(db_path, *args: str) -> tuple[str, int]:
    # Wide enough for the summary, whatever the length of tmp_path, on one line.
    env = {
        **os.environ,
        "COLIBRI_DB": str(db_path),
        "COLIBRI_TODAY": "2026-11-26",
        "COLUMNS": "300",
    }
    env.pop("COLIBRI_DEBUG", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "colibri_cli", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(24, 300),
    )
    try:
        child.expect(pexpect.EOF)
        output = child.before
    finally:
        child.close(force=True)
    return output, child.exitstatus


def deals(path, count: int, notes: str = "") -> None:
    with path.open("w", encoding="utf-8") as file:
        file.write("external_id,name,account,amount,due_date,status,notes\n")
        for number in range(count):
            file.write(f"D{number},Deal {number},ACME,1000,2027-01-31,quote,{notes}\n")


@pytest.fixture
def acme(ok):
    ok("account", "add", "ACME")


def test_a_big_file_shows_a_progress_bar(db_path, tmp_path, acme):
    big = tmp_path / "big.csv"
    deals(big, 2_000, notes="x" * (imports.LARGE_BYTES // 2_000))

    output, status = run_on_a_terminal(db_path, "import", "opps", str(big))

    assert status == 0, output
    assert "Importing" in output and "2,000 rows" in output
    assert output.endswith(SUMMARY.format(path=big, count="2,000") + "\r\n")


def test_a_small_file_shows_none(db_path, tmp_path, acme):
    small = tmp_path / "small.csv"
    deals(small, 10)

    output, status = run_on_a_terminal(db_path, "import", "opps", str(small))

    assert status == 0, output
    assert "Importing" not in output
    assert output == SUMMARY.format(path=small, count="10") + "\r\n"
