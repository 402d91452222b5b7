"""Content in two languages: `title_sq` and `title_en` fields, shown in the active language, else the other."""

from typing import Any

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("sq", "en")


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """The value of `<field>_<language>`, falling back to the other language when it is empty."""
    language = (language or get_language() or "sq")[:2]
    order = [language] + [code for code in CONTENT_LANGUAGES if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class Localized:
    """Descriptor for a `<field>_sq`/`<field>_en` pair: `title = Localized("title")` reads in the active language."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else localized(obj, self.field)
