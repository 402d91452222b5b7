"""Text compared as people mean it: case, accents (ë/e, ç/c), dashes and spacing do not matter."""

import re
import unicodedata

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """`Ministria për  Evropën` -> `ministria per evropen`: lower case without accents, dashes as `-`, one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", _DASHES.sub("-", plain)).strip()
