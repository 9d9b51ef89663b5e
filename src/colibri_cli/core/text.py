"""How colibri compares what people type: ignoring case and accents."""

import unicodedata


def fold(text: str | None) -> str | None:
    """'  Hôtel NÉGOCIATION ' -> 'hotel negociation': what two spellings of a name share.

    Registered in every connection as the SQL function fold(), for lookups and searches.
    """
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
