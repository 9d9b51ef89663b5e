"""An error line is red on a terminal, and plain where NO_COLOR is set or stderr is no
terminal (no-color.org): a script's log or a colour-blind setup gets no escape codes."""

import os
import subprocess
import sys

import pexpect
import pytest

from conftest import TERMINAL_TIMEOUT

LINE = "Error: No opportunity '9'. See `colibri opp list`."


def on_a_terminal(empty_db, **variables: str) -> str:
    env = {**os.environ, "COLIBRI_DB": str(empty_db), "COLIBRI_TODAY": "2026-11-26"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "colibri_cli", "opp", "show", "9"],
        env={**env, **variables},
        encoding="utf-8",
        timeout=TERMINAL_TIMEOUT,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    return child.before


def test_an_error_is_red_on_a_terminal(empty_db):
    assert on_a_terminal(empty_db) == f"\x1b[31m{LINE}\x1b[0m\r\n"


@pytest.mark.parametrize("value", ["1", "true"])
def test_no_color_gives_a_plain_error_line(empty_db, value):
    assert on_a_terminal(empty_db, NO_COLOR=value) == f"{LINE}\r\n"


def test_an_empty_no_color_is_not_set(empty_db):
    assert on_a_terminal(empty_db, NO_COLOR="").startswith("\x1b[31m")


def test_stderr_that_is_no_terminal_gets_a_plain_line(empty_db):
    env = {**os.environ, "COLIBRI_DB": str(empty_db), "COLIBRI_TODAY": "2026-11-26"}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "colibri_cli", "opp", "show", "9"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (3, f"{LINE}\n")
