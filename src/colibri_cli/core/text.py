"""Text as colibri compares it (ignoring case and accents) and as it shows it (never a
character that would drive a terminal)."""

import json
import re
import unicodedata
from typing import overload

_WHOLE_NUMBER = re.compile(r"[0-9]{1,15}")


@overload
def fold(text: str) -> str: ...
@overload
def fold(text: None) -> None: ...
def fold(text: str | None) -> str | None:
    """'  Hôtel NÉGOCIATION ' -> 'hotel negociation': what two spellings of a name share.

    Registered in every connection as the SQL function fold(), for lookups and searches,
    where SQLite calls it on every row it compares: ASCII text, which has no accents to
    take off, is folded by `lower` alone, 18 times quicker.
    """
    if text is None:
        return None
    if text.isascii():
        return text.strip().lower()
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def whole_number(text: str) -> int | None:
    """The number written with ASCII digits only ("12"), else None: "²", "٣", "1e3" or a
    number too long for an id are not numbers here."""
    cleaned = text.strip()
    return int(cleaned) if _WHOLE_NUMBER.fullmatch(cleaned) else None


LAYOUT = "\n\t"
"""The control characters a terminal only uses to lay text out: shown as they are."""
BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
"""Embeddings, overrides and isolates: they reorder what follows on the screen, so that a
name could show one thing and hold another."""
_SHOWN_ESCAPED = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in [
        *range(0x20),
        *range(0x7F, 0xA0),  # DEL and the C1 controls (0x9b starts a sequence, as ESC [ does)
        *BIDI_CONTROLS,
        *range(0xD800, 0xE000),  # lone surrogates: the undecodable bytes of a file
    ]
    if chr(code) not in LAYOUT
}
_JSON_ESCAPED = {code: f"\\u{code:04x}" for code in _SHOWN_ESCAPED if code >= 0x20}
"""What json.dumps leaves raw but a terminal would act on (it escapes C0 itself)."""


def visible(text: str) -> str:
    """`text` as a terminal may show it: control characters other than newline and tab,
    bidi overrides and lone surrogates written as escapes ("\\x1b", "\\u202e"), so that
    stored data can neither drive the terminal (a window title, the cursor, colours) nor
    hide what it holds. Already visible text comes back unchanged (a backslash stays one)."""
    return text if text.isprintable() else text.translate(_SHOWN_ESCAPED)


def json_text(value: object, **options) -> str:
    """JSON as `json.dumps` writes it (UTF-8 text, not \\u escapes), except for what a
    terminal would act on: C1 controls, bidi overrides, lone surrogates are \\u escapes
    (json escapes C0 itself). A JSON reader gets exactly the stored text back."""
    text = json.dumps(value, ensure_ascii=False, **options) if options else _ENCODER.encode(value)
    return text if text.isascii() and "\x7f" not in text else text.translate(_JSON_ESCAPED)


_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""json.dumps's, made once: a listing writes a row at a time (json.dumps would make one a
row); and ASCII text holds nothing to escape but DEL, which saves a listing translating it."""
