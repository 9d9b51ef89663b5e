"""Yes/no questions on a real terminal: [y/N] in English, [o/N] in French; y, yes, o, oui,
n, no, non answer them in either language, Enter takes the default, and anything else is
explained in the language shown and asked again."""

import io
import os
import sys

import pexpect
import pytest

QUESTION = {
    "en": "Delete account 'ACME' (id 1)? [y/N]: ",
    "fr": "Supprimer le compte 'ACME' (id 1) ? [o/N] : ",
}
REFUSED = {
    "en": "\x1b[31mError: Answer y (yes) or n (no).\x1b[0m",
    "fr": "\x1b[31mErreur : Répondez o (oui) ou n (non).\x1b[0m",
}
KEPT = {"en": "Cancelled: nothing was changed.", "fr": "Annulé : rien n'a été modifié."}


@pytest.fixture
def delete(ok, db_path):
    """`account delete ACME` on a pseudo-terminal, in a language, answered in turn: what
    the terminal showed after the first question."""
    ok("account", "add", "ACME")

    def run(language: str, *answers: str) -> str:
        env = {**os.environ, "COLIBRI_DB": str(db_path), "COLIBRI_TODAY": "2026-11-26"}
        child = pexpect.spawn(
            sys.executable,
            ["-m", "colibri_cli", "account", "delete", "ACME"],
            env={**env, "COLIBRI_LANG": language},
            encoding="utf-8",
            timeout=10,
        )
        child.logfile_read = shown = io.StringIO()
        try:
            for text in answers:
                child.expect_exact(QUESTION[language])
                child.sendline(text)
            child.expect(pexpect.EOF)
            return shown.getvalue().replace("\r\n", "\n").removeprefix(QUESTION[language])
        finally:
            child.close(force=True)

    return run


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("word", ["y", "yes", "o", "oui", "Oui", "Y"])
def test_yes_in_either_language(delete, rows, language, word):
    delete(language, word)
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 0}]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("word", ["n", "no", "non", ""])
def test_no_or_enter_keeps_the_account(delete, rows, language, word):
    assert delete(language, word) == f"{word}\n{KEPT[language]}\n"
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 1}]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_another_answer_is_explained_and_asked_again(delete, rows, language):
    said = delete(language, "peut-être", "oui")
    assert said.startswith(f"peut-être\n{REFUSED[language]}\n{QUESTION[language]}oui\n")
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 0}]
