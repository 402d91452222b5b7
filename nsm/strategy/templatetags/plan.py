"""Template filters for the plan pages: money and numbers in the active locale, content language, form layout."""

from decimal import Decimal
from typing import Any

from django import forms, template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from nsm.core.markdown import to_html
from nsm.core.numbers import format_decimal, format_percent
from nsm.i18n import localized_with_language, page_language
from nsm.strategy.models import in_words

register = template.Library()


@register.filter
def amount(value: Decimal | int | None) -> str:
    """A sum with digit grouping in the active locale (1.200.000 in Albanian, 1,200,000 in English)."""
    if value is None or value == "":
        return ""
    return format_decimal(value)


@register.filter
def money(value: Decimal | int | None, currency: str = "") -> str:
    """A sum with digit grouping and the currency: `1.200.000 ALL`."""
    if value is None or value == "":
        return ""
    return f"{format_decimal(value)}\u00a0{currency}".strip()


@register.filter
def number(value: Decimal | int | None) -> str:
    """An indicator value: grouped, without trailing zeros; empty when there is none."""
    if value is None or value == "":
        return ""
    return format_decimal(value)


@register.filter
def percent(value: Decimal | int | None) -> str:
    """A rate or a share: `{{ rate|percent }}` -> "45,5 %" (one format everywhere, nsm.core.numbers); "—" for none."""
    return format_percent(value)


@register.filter
def indicator_value(value: Decimal | None, indicator: Any) -> str:
    """An indicator's value as people read it: Yes or No, the stage reached ("2. Consulted"), or the number (with
    "%" for a percent); "—" when there is none. `indicator`: an Indicator, or an achievement with its stages."""
    shown = in_words(None if value == "" else value, indicator.value_type, indicator.stages)
    if shown is None:
        return "—"
    if isinstance(shown, str):
        return shown
    # A reported or planned value keeps its decimals (45.25 stays 45.25 %): `percent` rounds the computed rates only.
    return format_decimal(shown) + ("\u00a0%" if indicator.value_type == "percent" else "")


@register.filter
def value_in_words(value: Decimal | None, indicator: Any) -> str:
    """As `indicator_value`, without the "%" (for tables with a unit column); "" when there is none."""
    shown = in_words(None if value == "" else value, indicator.value_type, indicator.stages)
    return "" if shown is None else shown if isinstance(shown, str) else format_decimal(shown)


@register.filter
def localized(obj: Any, field: str = "title") -> SafeString:
    """`{{ result|localized:"title" }}`: the content in the page's language, else the other one marked with `lang`."""
    text, language = localized_with_language(obj, field)
    return with_lang(text, language)


@register.filter
def with_lang(text: str, language: str) -> SafeString:
    """`{{ node.title|with_lang:node.title_language }}`: a text in `<span lang>` when not in the page's language.

    Screen readers then read an English title with English sounds on an Albanian page (WCAG 3.1.2).
    """
    if text and language and language != page_language():
        return format_html('<span lang="{}">{}</span>', language, text)
    return conditional_escape(text)


@register.filter
def is_checkboxes(field: Any) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)


@register.filter
def field_columns(field: Any) -> str:
    """Grid columns of a form field: long texts and lists of choices the whole width, long choices half."""
    widget = field.field.widget
    if isinstance(widget, forms.Textarea | forms.CheckboxSelectMultiple | forms.SelectMultiple):
        return "col-12"
    if isinstance(widget, forms.Select) and _has_long_choices(field.field):
        return "col-md-6"
    return "col-md-6 col-lg-3"


def _has_long_choices(field: forms.Field) -> bool:
    if isinstance(field, forms.ModelChoiceField):
        return True
    return any(len(str(label)) > 12 for _value, label in getattr(field, "choices", ()))


@register.filter
def is_long(field: Any) -> bool:
    """A list of choices long enough to scroll in its own box."""
    return len(field.field.choices) > 40


@register.simple_tag
def cost_cell(cost: Any) -> SafeString:
    """A table cell with a cost and, under it, its unfunded part (the funding gap) in words, not colour alone.

    A tag rather than an included template: the plan table has one per year for every row.
    """
    if not cost.total:
        return mark_safe('<td class="nsm-num"><span class="text-body-secondary">–</span></td>')  # noqa: S308 - constant  # nosec B308
    if not cost.unfunded:
        return format_html('<td class="nsm-num">{}</td>', format_decimal(cost.total))
    return format_html(
        '<td class="nsm-num">{}<span class="d-block small nsm-gap text-wrap">{} '
        '<span class="text-nowrap">{}</span></span></td>',
        format_decimal(cost.total),
        _("unfunded"),
        format_decimal(cost.unfunded),
    )


@register.filter
def markdown(value: str | None) -> SafeString:
    """A Markdown text (a chapter, an analysis) as safe HTML: `{{ chapter.body|markdown }}` (nsm.core.markdown:
    no raw HTML, no script, only http(s), mailto and the site's own links; `#` is an `<h3>`)."""
    return to_html(value or "")
