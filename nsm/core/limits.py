"""How long a text may be, and which characters it may hold: one set of numbers for the forms, the API, every
importer and every export.

Excel holds at most 32,767 characters in a cell, so no text is longer than that: whatever the product exports, it
can import again unchanged. NUL and the other control characters (all but tab, line feed and carriage return) are
refused in words: PostgreSQL cannot store NUL at all, SQLite would store it silently, and neither belongs in a plan.
"""

import re
from collections.abc import Callable
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

EXCEL_CELL_CHARS = 32_767
# A title or a name of a plan item, an indicator, a meeting, a training.
TITLE_CHARS = 2_000
# A narrative, a reason, an answer, a comment, a decision's text.
LONG_TEXT_CHARS = 10_000
# A public comment from someone without an account.
PUBLIC_COMMENT_CHARS = 5_000


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def refuse_control_characters(value: object) -> None:
    """A validator for forms and models: tab and line breaks are text, the other control characters are not."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("The text holds a control character (such as NUL) that cannot be stored: remove it and save again."),
            code="control_character",
        )


def refuse_longer_than(limit: int, value: object) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise ValidationError(
            _("The text has %(length)s characters; at most %(limit)s are kept.")
            % {"length": f"{len(value):,}", "limit": f"{limit:,}"},
            code="too_long",
        )


class TextFieldOptions(TypedDict):
    max_length: int
    validators: list[Callable[[Any], None]]


def title_field_options() -> TextFieldOptions:
    """The options of a model's title or name text field: the forms, the services (full_clean), the importers and
    the exports all hold it to TITLE_CHARS characters of plain text."""
    return {"max_length": TITLE_CHARS, "validators": [MaxLengthValidator(TITLE_CHARS), refuse_control_characters]}


def long_text_field_options() -> TextFieldOptions:
    """The same for a narrative, a reason, a note, a comment: LONG_TEXT_CHARS characters of plain text."""
    return {
        "max_length": LONG_TEXT_CHARS,
        "validators": [MaxLengthValidator(LONG_TEXT_CHARS), refuse_control_characters],
    }
