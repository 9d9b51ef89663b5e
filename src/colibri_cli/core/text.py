"""How colibri compares what people type: ignoring case and accents."""

import re
import unicodedata

_WHOLE_NUMBER = re.compile(r"[0-9]{1,15}")


def fold(text: str | None) -> str | None:
    """'  Hôtel NÉGOCIATION ' -> 'hotel negociation': what two spellings of a name share.

    Registered in every connection as the SQL function fold(), for lookups and searches.
    """
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def whole_number(text: str) -> int | None:
    """The number written with ASCII digits only ("12"), else None: "²", "٣", "1e3" or a
    number too long for an id are not numbers here."""
    cleaned = text.strip()
    return int(cleaned) if _WHOLE_NUMBER.fullmatch(cleaned) else None
