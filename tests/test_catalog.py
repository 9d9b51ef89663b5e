"""The French catalog cannot rot: it is complete, current, and compiled.

Messages are extracted from the code with Babel exactly as `pybabel extract -F pyproject.toml`
does (the `[tool.babel]` mappings, colibri's help extractor included), and compared with
`colibri.po`; the committed `colibri.mo` must be what Babel compiles from it.
"""

import io
import re
import tomllib
from pathlib import Path

import pytest

babel_extract = pytest.importorskip("babel.messages.extract")
from babel.messages.frontend import parse_keywords  # noqa: E402
from babel.messages.mofile import read_mo, write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
CATALOG = SOURCE / "colibri_cli" / "locale" / "fr" / "LC_MESSAGES"
FIX = (
    "pybabel extract -F pyproject.toml -o colibri.pot --no-location --sort-output src && "
    "pybabel update -i colibri.pot -d src/colibri_cli/locale -D colibri --no-fuzzy-matching"
    ", translate, then pybabel compile -d src/colibri_cli/locale -D colibri"
)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def extracted() -> set[tuple]:
    """(context, msgid) of every message of the code, as `pybabel extract` finds them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["babel"]
    methods = {**config["extractors"]}
    method_map, options_map = [], {}
    for mapping in config["mappings"]:
        method_map.append((mapping["pattern"], methods.get(mapping["method"], mapping["method"])))
        keywords = parse_keywords(mapping.get("keywords", "").split())
        options_map[mapping["pattern"]] = {"keywords": keywords}
    found = babel_extract.extract_from_dir(
        SOURCE, method_map, options_map, keywords=babel_extract.DEFAULT_KEYWORDS
    )
    return {_key(message, context) for _file, _line, message, _comments, context in found}


def _key(message, context=None) -> tuple:
    return context, message[0] if isinstance(message, tuple | list) else message


def catalog_keys(po) -> set[tuple]:
    return {_key(message.id, message.context) for message in po if message.id}


@pytest.fixture(scope="module")
def po():
    with (CATALOG / "colibri.po").open("rb") as file:
        return read_po(file, locale="fr")


@pytest.fixture(scope="module")
def code_messages():
    return extracted()


def test_every_message_of_the_code_is_in_the_catalog(po, code_messages):
    missing = sorted(code_messages - catalog_keys(po), key=str)
    assert missing == [], f"Not in colibri.po ({FIX}):\n" + "\n".join(map(repr, missing))


def test_the_catalog_has_no_message_the_code_no_longer_uses(po, code_messages):
    obsolete = sorted(catalog_keys(po) - code_messages, key=str)
    assert obsolete == [], f"Remove from colibri.po ({FIX}):\n" + "\n".join(map(repr, obsolete))


def test_every_message_is_translated_and_not_fuzzy(po):
    untranslated = [
        message.id
        for message in po
        if message.id
        and (message.fuzzy or not (all(message.string) if message.pluralizable else message.string))
    ]
    assert untranslated == []


def test_translations_keep_the_placeholders_of_their_message(po):
    """A translation that renames or drops "{name}" would fail when the message is shown."""
    wrong = []
    for message in po:
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != expected:
                wrong.append((message.id, string))
    assert wrong == []


def test_the_compiled_catalog_is_the_po_file_compiled(po):
    with (CATALOG / "colibri.mo").open("rb") as file:
        committed = read_mo(file)
    fresh = io.BytesIO()
    write_mo(fresh, po)
    fresh.seek(0)
    compiled = read_mo(fresh)

    def translations(catalog) -> dict:
        return {
            (message.context, _hashable(message.id)): _hashable(message.string)
            for message in catalog
            if message.id
        }

    assert translations(committed) == translations(compiled), (
        "colibri.mo is not colibri.po compiled: "
        "pybabel compile -d src/colibri_cli/locale -D colibri"
    )


def _hashable(text):
    return tuple(text) if isinstance(text, list | tuple) else text
