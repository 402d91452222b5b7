"""The narrative chapters of a strategy: /plan/<code>/chapters/ (read them all, as the plan document prints them) and
/plan/<code>/chapters/<kind>/ (write one, in Markdown, in both languages, with a preview and a draft from the data).

Every internal user of the strategy's country reads them; the secretariat writes them (`access.may_write_chapters`):
a reader gets 403 on the edit page and its preview, someone of another country 404. The coordinator and the
secretariat remark on each chapter (nsm.reports.views_remarks); the list links each chapter's remarks. Nothing is
saved but by "Save": the draft and the preview only fill or show the form, whose typed values are kept on every
refusal.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.context import references
from nsm.core.forms import BootstrapForm, add_errors
from nsm.core.limits import refuse_control_characters, refuse_longer_than
from nsm.core.stale import StaleVersion
from nsm.reports import chapters as drafts
from nsm.reports import remarks
from nsm.reports.views_remarks import block as remarks_block
from nsm.strategy import selectors, services
from nsm.strategy.models import CHAPTER_CHARS, Chapter, Strategy

LANGUAGES = (("sq", gettext_lazy("Albanian")), ("en", gettext_lazy("English")))


def _body_field(label: Any) -> forms.CharField:
    """A chapter's Markdown in one language: at most CHAPTER_CHARS characters (the browser stops typing there; a
    longer post is refused in words), no control character."""
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "maxlength": CHAPTER_CHARS, "class": "form-control font-monospace"}),
        validators=[refuse_control_characters, partial(refuse_longer_than, CHAPTER_CHARS)],
    )


class ChapterForm(BootstrapForm, forms.Form):
    body_sq = _body_field(gettext_lazy("Text in Albanian (Markdown)"))
    body_en = _body_field(gettext_lazy("Text in English (Markdown)"))
    # The chapter's version the page was rendered from; 0 when it was not written yet.
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def renew_version(self, version: int) -> None:
        self.data = self.data.copy()
        self.data["version"] = str(version)


def _strategy(request: HttpRequest, code: str) -> Strategy:
    return access.get_for_user(Strategy.objects, request.user, code, field="code")


def _editable(request: HttpRequest, code: str, kind: str) -> Strategy:
    """The strategy if the user writes its chapters and `kind` is a chapter: 404 when they cannot see it (or there is
    no such chapter), 403 when they only read it."""
    strategy = _strategy(request, code)
    if kind not in Chapter.Kind.values:
        raise Http404
    if not access.may_write_chapters(request.user, strategy.country):
        raise PermissionDenied
    return strategy


@login_required
def chapter_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every chapter, in the document's order, in the page's language (else the other)."""
    strategy = _strategy(request, code)
    language = translation.get_language()[:2]
    chapters = references.chapters_html(strategy.country, selectors.chapters(strategy), language)
    may_remark = access.may_remark(request.user, strategy.country)
    context: dict[str, Any] = {
        "strategy": strategy,
        "can_edit": access.may_write_chapters(request.user, strategy.country),
        "chapters": chapters,
        "may_remark": may_remark,
    }
    if may_remark:
        counts = remarks.open_counts(strategy, "chapter")
        context["chapter_remarks"] = [(item.kind, item.title, counts.get(item.kind, 0)) for item in chapters]
    return render(request, "reports/chapters.html", context)


def _with_draft(request: HttpRequest, strategy: Strategy, kind: str, *, replace: bool) -> tuple[dict[str, str], list]:
    """The posted values with the draft written into each empty language (into each language, with `replace`), and
    the languages whose typed text was kept."""
    data = request.POST.copy()
    kept = []
    for language, label in LANGUAGES:
        name = f"body_{language}"
        if data.get(name, "").strip() and not replace:
            kept.append(label)
            continue
        with translation.override(language):
            data[name] = drafts.draft(strategy, kind)
    return data, kept


@login_required
def chapter_edit(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    strategy = _editable(request, code, kind)
    current = selectors.chapter(strategy, kind)
    action = request.POST.get("action", "save")
    kept: list = []
    if request.method != "POST":
        form = ChapterForm(initial={"body_sq": current.body_sq, "body_en": current.body_en, "version": current.version})
    elif action in ("draft", "draft_replace"):
        data, kept = _with_draft(request, strategy, kind, replace=action == "draft_replace")
        form = ChapterForm(data)
    else:
        form = ChapterForm(request.POST)
        if _saved(request, form, strategy, kind):
            return redirect("chapters:list", strategy.code)
    fields = [(form["body_sq"], "sq"), (form["body_en"], "en")]
    context = {
        "strategy": strategy, "chapter": current, "form": form, "kept": kept, "can_edit": True, "fields": fields,
        "limit": f"{CHAPTER_CHARS:,}", "remarks": remarks_block(request, strategy, f"chapter-{kind}", back=""),
    }  # fmt: skip
    return render(request, "reports/chapter_edit.html", context, status=400 if form.is_bound and form.errors else 200)


def _saved(request: HttpRequest, form: ChapterForm, strategy: Strategy, kind: str) -> bool:
    if not form.is_valid():
        return False
    try:
        services.save_chapter(
            strategy, kind, by=request.user, body_sq=form.cleaned_data["body_sq"],
            body_en=form.cleaned_data["body_en"], version=form.cleaned_data["version"],
        )  # fmt: skip
    except StaleVersion as error:
        add_errors(form, error)
        form.add_error(None, _("Your text is still in the form: save again to replace those changes, or cancel."))
        form.renew_version(error.current_version)
        return False
    except ValidationError as error:
        add_errors(form, error)
        return False
    messages.success(request, _("The chapter was saved."))
    return True


@login_required
@require_POST
def chapter_preview(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The posted text of one language (`language`) as the page will show it: sanitized HTML with its charts (an
    htmx fragment). A text refused by the form is said so instead."""
    strategy = _editable(request, code, kind)
    language = request.POST.get("language", "")
    if language not in ("sq", "en"):
        language = "sq"
    form = ChapterForm({**request.POST.dict(), "version": "0"})
    field = f"body_{language}"
    text = form.cleaned_data[field] if form.is_valid() else ""
    errors = [str(error) for error in form.errors.get(field) or ()]
    series = references.referenced_series(strategy.country, [text])
    context = {"html": references.text_html(text, series), "errors": errors, "language": language}
    return render(request, "reports/_chapter_preview.html", context)
