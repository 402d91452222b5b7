"""Content in two languages: `title_sq` and `title_en` fields, shown in the active language, else the other.

When the other language fills in, assistive technology must be told (WCAG 3.1.2, language of parts):
`localized_with_language` says which language the text is in, so that a page can mark it with `lang`.
"""

from typing import Any, NamedTuple

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("sq", "en")


class LocalizedText(NamedTuple):
    """A content text and the language it is written in ("" when there is no text at all)."""

    text: str
    language: str


def page_language() -> str:
    """The two-letter code of the active language, the one the page's `<html lang>` declares."""
    return (get_language() or "sq")[:2]


def localized_with_language(obj: Any, field: str, language: str | None = None) -> LocalizedText:
    """The value of `<field>_<language>` and that language, else the other language's value and code."""
    language = (language or page_language())[:2]
    order = [language] + [code for code in CONTENT_LANGUAGES if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return LocalizedText(value, code)
    return LocalizedText("", "")


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """The value of `<field>_<language>`, falling back to the other language when it is empty."""
    return localized_with_language(obj, field, language).text


class Localized:
    """Descriptor for a `<field>_sq`/`<field>_en` pair: `title = Localized("title")` reads in the active language."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else localized(obj, self.field)


class LocalizedColumn(Localized):
    """`Localized` for a text that was one column and became two (`narrative` -> `narrative_sq`, `narrative_en`):
    reading `obj.narrative` works as before; writing it is refused, since it would be silently lost (not a field)."""

    def __set__(self, obj: Any, value: Any) -> None:
        raise AttributeError(f"{self.field} reads the active language; write {self.field}_sq or {self.field}_en")
