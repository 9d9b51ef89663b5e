"""How colibri folds a name to compare it: case and accents ignored, whatever the script."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from colibri_cli.core.text import fold


def folded_by_the_rule(text: str) -> str:
    """The rule itself, for every text: strip, casefold, decompose, drop the accents."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  Hôtel NÉGOCIATION ", "hotel negociation"),
        ("ACME Corp", "acme corp"),
        ("\tStraße\n", "strasse"),
        ("ﬁne", "fine"),  # a ligature, decomposed
        ("", ""),
    ],
)
def test_fold_ignores_case_accents_and_the_spaces_around(text, folded):
    assert fold(text) == folded


def test_fold_keeps_none():
    assert fold(None) is None


@given(st.text())
def test_fold_follows_the_rule_for_any_text(text):
    assert fold(text) == folded_by_the_rule(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_of_ascii_text_follows_the_rule(text):
    assert fold(text) == folded_by_the_rule(text)
