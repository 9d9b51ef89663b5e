"""On a real terminal, `account delete` asks first: no deletes, yes deletes, Ctrl-C quits."""

import os
import sys

import pexpect
import pytest

from conftest import TERMINAL_TIMEOUT

PROMPT = "Delete account 'ACME' (id 1) with 1 contact? [y/N]: "


@pytest.fixture
def spawn(db_path):
    """Start `colibri account delete ACME` on a pseudo-terminal; every wait times out in 10 s
    and any child still running at the end is killed, so the test cannot hang."""
    children = []
    env = {**os.environ, "COLIBRI_DB": str(db_path), "COLIBRI_TODAY": "2026-11-26"}
    env.pop("COLIBRI_DEBUG", None)

    def start() -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "colibri_cli", "account", "delete", "ACME"],
            env=env,
            encoding="utf-8",
            timeout=TERMINAL_TIMEOUT,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def finish(child: pexpect.spawn) -> str:
    """Everything the program wrote after the prompt, once it has exited."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def test_delete_asks_on_a_terminal_and_ctrl_c_quits_quietly(ok, rows, spawn):
    ok("account", "add", "ACME")
    ok("contact", "add", "Jeanne Martin", "--account", "ACME")

    # Ctrl-C at the prompt: exit 130, no traceback, nothing deleted.
    child = spawn()
    child.expect_exact(PROMPT)
    child.sendintr()
    rest = finish(child)
    assert (child.exitstatus, child.signalstatus) == (130, None)
    assert "Traceback" not in rest
    assert rest.replace("^C", "").strip() == ""
    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]

    # "n": nothing is deleted.
    child = spawn()
    child.expect_exact(PROMPT)
    child.sendline("n")
    assert finish(child) == "n\r\nCancelled: nothing was changed.\r\n"
    assert child.exitstatus == 1
    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]
    assert rows("SELECT name FROM contacts") == [{"name": "Jeanne Martin"}]

    # "y": the account and its contact are deleted.
    child = spawn()
    child.expect_exact(PROMPT)
    child.sendline("y")
    assert finish(child) == "y\r\nDeleted account 'ACME' (id 1) with 1 contact.\r\n"
    assert child.exitstatus == 0
    assert rows("SELECT * FROM accounts") == []
    assert rows("SELECT * FROM contacts") == []
