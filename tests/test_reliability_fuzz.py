"""The seeded fuzzer of tests/fuzzing.py, sized for CI: every command with hostile and
plausible arguments, hostile import files, and undecodable bytes given to whole processes.
No traceback, an exit code of the documented set, and the database unchanged whenever the
command failed.
benchmarks/fuzz.py runs the same, longer, and prints the figures.
"""

from pathlib import Path

import pytest

from colibri_cli.core.errors import InvalidInput
from fuzzing import Fuzzer, Outcome, commands

SEED = 1
INVOCATIONS, FILES, PROCESSES = 240, 60, 4


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """The fuzzer, once it has run; `here` lists the working directory before and after."""
    before = sorted(Path.cwd().iterdir())
    fuzzer = Fuzzer(tmp_path_factory.mktemp("fuzz"), SEED)
    fuzzer.run(INVOCATIONS)
    fuzzer.run_files(FILES)
    fuzzer.here = (before, sorted(Path.cwd().iterdir()))
    return fuzzer


def test_no_command_crashes_or_writes_when_it_fails(fuzzed):
    assert fuzzed.failures() == []


def test_nothing_is_written_outside_the_fuzzers_directory(fuzzed):
    """A stray token taken for a file name (`--rejects -`, `backup NULL`) lands in the
    sandbox the invocations run in, not where the tests were started."""
    before, after = fuzzed.here
    assert after == before


def test_every_command_and_every_import_was_fuzzed(fuzzed):
    every = {command.path for command in commands()}
    assert len(every) > 50
    assert set(fuzzed.invoked) == every
    assert min(fuzzed.invoked.values()) >= INVOCATIONS // len(every)
    assert {o.exit_code for o in fuzzed.outcomes} >= {0, 2, 3}  # they got past the checks too


def test_undecodable_bytes_in_arguments_of_whole_processes(tmp_path):
    fuzzer = Fuzzer(tmp_path, SEED)
    fuzzer.run_undecodable(PROCESSES)
    assert len(fuzzer.outcomes) == PROCESSES
    assert all("\udcff" in " ".join(outcome.arguments) for outcome in fuzzer.outcomes)
    assert fuzzer.failures() == []


def test_the_fuzzer_sees_a_traceback_a_bad_exit_and_a_write_by_a_failed_command(
    tmp_path, monkeypatch
):
    """The checks themselves can fail: each broken promise is reported."""
    fuzzer = Fuzzer(tmp_path, SEED)

    def fail_after_writing(message: str) -> None:
        raise InvalidInput("refused after the commit")

    monkeypatch.setattr("colibri_cli.cli.accounts.say", fail_after_writing)
    changed = fuzzer.check(["account", "add", "Written anyway"])
    assert changed.exit_code == 2
    assert changed.failures == [
        "changed on exit 2: account add Written anyway: Error: refused after the commit"
    ]

    monkeypatch.setattr("colibri_cli.cli.accounts.say", lambda message: {}["missing"])
    crashed = fuzzer.check(["account", "add", "Another"])
    assert crashed.failures[0].startswith("traceback KeyError: 'missing': account add Another")

    assert Outcome(["x"], 7, "Error: no").failures == ["exit 7: x: Error: no"]
    assert Outcome(["x"], 1, "Traceback (most recent call last):\nOSError: y").failures == [
        "traceback OSError: x: OSError: y"
    ]
