"""Pages of the plan's versions: the list (and freezing a new one), a version, the comparison of two, the quality check.

Everyone who sees the plan sees its versions; only its editors (coordinator, secretariat) freeze and adopt: for
anyone else a POST answers 404, as a missing strategy does, and the pages show no form.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.consultation import quality, services, versions
from nsm.consultation.models import ConsultationRound, PlanVersion
from nsm.context import references
from nsm.core.forms import BootstrapForm, add_errors
from nsm.i18n import localized_with_language
from nsm.strategy.models import ActivityBudget, Chapter, Strategy
from nsm.strategy.selectors import chapter_texts

CURRENT = "current"
SECTION_LABELS = {
    "results": gettext_lazy("Results (goals, objectives, measures or the plan's own levels)"),
    "activities": gettext_lazy("Activities"),
    "indicators": gettext_lazy("Indicators"),
    "chapters": gettext_lazy("Narrative chapters"),
}
FIELD_LABELS = {
    "code": gettext_lazy("code"), "depth": gettext_lazy("level"), "reference": gettext_lazy("reference as written"),
    "levels": gettext_lazy("levels"), "measure": gettext_lazy("result above"),
    "result": gettext_lazy("result"), "activity": gettext_lazy("activity"),
    "title_sq": gettext_lazy("title (Albanian)"),
    "title_en": gettext_lazy("title (English)"), "name_sq": gettext_lazy("name (Albanian)"),
    "name_en": gettext_lazy("name (English)"), "gcm_objectives": gettext_lazy("GCM objectives"),
    "sdg_targets": gettext_lazy("SDG targets"), "lead": gettext_lazy("lead institution"),
    "lead_place": gettext_lazy("place of the marked lead"),
    "partners": gettext_lazy("supporting institutions"), "start_year": gettext_lazy("start year"),
    "start_quarter": gettext_lazy("start quarter"), "end_year": gettext_lazy("end year"),
    "end_quarter": gettext_lazy("end quarter"), "gender_marker": gettext_lazy("gender marker"),
    "timeframe": gettext_lazy("timeframe as written"), "recurrence": gettext_lazy("recurrence"),
    "cost_basis": gettext_lazy("cost"), "cost_note": gettext_lazy("cost note"),
    "target_groups": gettext_lazy("target groups"), "budget": gettext_lazy("budget lines"),
    "kind": gettext_lazy("kind"), "unit": gettext_lazy("unit (Albanian)"), "unit_en": gettext_lazy("unit (English)"),
    "value_type": gettext_lazy("value type"),
    "milestones_sq": gettext_lazy("milestones (Albanian)"), "milestones_en": gettext_lazy("milestones (English)"),
    "direction": gettext_lazy("direction"), "baseline": gettext_lazy("baseline"),
    "baseline_year": gettext_lazy("baseline year"), "data_source": gettext_lazy("data source (Albanian)"),
    "data_source_en": gettext_lazy("data source (English)"),
    "frequency": gettext_lazy("frequency"), "aggregation": gettext_lazy("values over periods"),
    "responsible": gettext_lazy("responsible institution"),
    "disaggregation": gettext_lazy("disaggregation"), "targets": gettext_lazy("targets"),
    "plan_start_year": gettext_lazy("action plan: first year"), "plan_end_year": gettext_lazy("action plan: last year"),
    "currency": gettext_lazy("currency"), "computed_from": gettext_lazy("values"),
    "withdrawn_on": gettext_lazy("withdrawn on"), "withdrawn_reason": gettext_lazy("reason for withdrawal"),
}  # fmt: skip
# Where a section names a field otherwise: an activity's `responsible` is its ordered list of responsible
# institutions (an indicator's, its one responsible institution).
SECTION_FIELD_LABELS = {
    "activities": {"responsible": gettext_lazy("responsible institutions")},
    "chapters": {"sq": gettext_lazy("text (Albanian)"), "en": gettext_lazy("text (English)")},
}


class FreezeForm(BootstrapForm, forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Label"), max_length=200, required=False,
        help_text=gettext_lazy("E.g. 'Draft for public consultation'."),
    )  # fmt: skip
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=PlanVersion.Purpose.choices)


class AdoptForm(BootstrapForm, forms.Form):
    act_number = forms.CharField(
        label=gettext_lazy("Decision number"), max_length=100, help_text=gettext_lazy("E.g. DCM no. 400.")
    )
    act_date = forms.DateField(label=gettext_lazy("Decision date"), widget=forms.DateInput(attrs={"type": "date"}))


# --- Helpers ---


def _strategy(request: HttpRequest, code: str, *, write: bool = False) -> Strategy:
    return access.get_for_user(Strategy.objects.all(), request.user, code, write=write, field="code")


def _version(request: HttpRequest, strategy: Strategy, number: int, *, write: bool = False) -> PlanVersion:
    queryset = PlanVersion.objects.select_related("strategy", "created_by").filter(strategy=strategy)
    return access.get_for_user(queryset, request.user, number, write=write, field="number")


def _rounds(request: HttpRequest, version: PlanVersion) -> Any:
    """The consultation rounds on a version the user sees, latest first."""
    return ConsultationRound.objects.visible_to(request.user).filter(version=version).order_by("-opens_on", "-pk")


def _context(request: HttpRequest, strategy: Strategy, **extra: Any) -> dict[str, Any]:
    return {"strategy": strategy, "can_edit": access.can_edit_plan(request.user, strategy.country), **extra}


def _chapters(strategy: Strategy, version: PlanVersion) -> list[references.ShownChapter]:
    """The narrative chapters the version froze, as its page shows them (the written ones)."""
    texts = [text for text in chapter_texts(version.snapshot.get("chapters") or {}) if text.is_written]
    return references.chapters_html(strategy.country, texts, get_language()[:2], heading_offset=2)


def show(value: Any) -> str:
    """A snapshot value as text: lists joined, budget lines and targets spelled out, nothing as a dash."""
    if value is None or value == "" or value == [] or value == {} or value is versions.MISSING:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in sorted(value.items()))
    if isinstance(value, list) and all(isinstance(item, list) for item in value):  # budget lines
        sources = dict(ActivityBudget.Source.choices)
        return "; ".join(
            " ".join(str(sources.get(part, part)) for part in line if part not in ("", None)) for line in value
        )
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _title(item: dict[str, Any], code: str = "", section: str = "") -> str:
    if section == "chapters":  # a chapter is named by its kind
        return str(dict(Chapter.Kind.choices).get(code, code))
    field = "name" if "name_en" in item or "name_sq" in item else "title"
    return localized_with_language(SimpleNamespace(**item), field).text


def field_label(field: str, section: str = "") -> Any:
    """What the compare page calls a field of the snapshot (of an item of `section`)."""
    return SECTION_FIELD_LABELS.get(section, {}).get(field) or FIELD_LABELS.get(field, field)


def _section_rows(section: versions.SectionDiff) -> dict[str, Any]:
    """What the compare page shows of a section: titles of added and removed items, changed fields as text."""
    name = section.section
    return {
        "label": SECTION_LABELS[name],
        "added": [(code, _title(item, code, name)) for code, item in section.added],
        "removed": [(code, _title(item, code, name)) for code, item in section.removed],
        "changed": [
            (
                _title({}, change.code, name) if name == "chapters" else change.code,
                [(field_label(f.field, name), show(f.old), show(f.new)) for f in change.changes],
            )
            for change in section.changed
        ],
        "is_empty": section.is_empty,
    }


# --- Pages ---


@login_required
def version_list(request: HttpRequest, code: str) -> HttpResponse:
    """The strategy's versions, the quality check's count, and (for editors) the form that freezes a new one."""
    strategy = _strategy(request, code, write=request.method == "POST")
    last = PlanVersion.objects.filter(strategy=strategy).order_by("-number").defer("snapshot").first()
    pending = versions.amendments_to_freeze(strategy, last) if strategy.is_amended_on_change else []
    initial = (
        {"label": ngettext("Amended plan: %(n)s amendment", "Amended plan: %(n)s amendments", len(pending))
         % {"n": len(pending)}}
        if pending else {}
    )  # fmt: skip
    form = FreezeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.freeze_version(strategy, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan was frozen as %(name)s.") % {"name": version.name})
            return redirect("consultation:version", strategy.code, version.number)
    items = PlanVersion.objects.filter(strategy=strategy).select_related("created_by").defer("snapshot")
    context = _context(request, strategy, versions=items.order_by("-number"), form=form,
                       gaps=len(quality.check(strategy)), pending=pending)  # fmt: skip
    return render(request, "consultation/version_list.html", context)


@login_required
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    strategy = _strategy(request, code)
    version = _version(request, strategy, number)
    context = _context(
        request, strategy, version=version, summary=versions.summary(version.snapshot),
        form=AdoptForm() if not version.is_adopted else None,
        adopted=PlanVersion.objects.filter(strategy=strategy, is_adopted=True).exclude(pk=version.pk).first(),
        rounds=_rounds(request, version), chapters=_chapters(strategy, version),
    )  # fmt: skip
    return render(request, "consultation/version_detail.html", context)


@login_required
@require_POST
def version_adopt(request: HttpRequest, code: str, number: int) -> HttpResponse:
    strategy = _strategy(request, code, write=True)
    version = _version(request, strategy, number, write=True)
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            services.adopt_version(version, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is recorded as the adopted plan.") % {"name": version.name})
            return redirect("consultation:version", strategy.code, version.number)
    context = _context(
        request, strategy, version=version, summary=versions.summary(version.snapshot), form=form,
        rounds=_rounds(request, version), chapters=_chapters(strategy, version),
    )  # fmt: skip
    return render(request, "consultation/version_detail.html", context, status=400)


def _side(strategy: Strategy, choice: str, numbers: list[int]) -> tuple[str, dict[str, Any]]:
    """The name and snapshot of `choice`: a version's number, or `current` (the plan as it stands)."""
    if choice == CURRENT:
        return _("Current plan"), versions.snapshot(strategy)
    if not choice.isdigit() or int(choice) not in numbers:
        raise Http404
    version = PlanVersion.objects.get(strategy=strategy, number=int(choice))
    return version.name, version.snapshot


@login_required
def version_compare(request: HttpRequest, code: str) -> HttpResponse:
    """Compare two versions, or a version and the current plan (`?old=1&new=current`)."""
    strategy = _strategy(request, code)
    numbers = list(PlanVersion.objects.filter(strategy=strategy).order_by("number").values_list("number", flat=True))
    default_old = str(numbers[-1]) if numbers else CURRENT
    old_choice, new_choice = request.GET.get("old", default_old), request.GET.get("new", CURRENT)
    (old_name, old), (new_name, new) = _side(strategy, old_choice, numbers), _side(strategy, new_choice, numbers)
    difference = versions.diff(old, new)
    sections = [_section_rows(section) for section in difference.sections]
    plan_changes = [(FIELD_LABELS.get(f.field, f.field), show(f.old), show(f.new)) for f in difference.strategy]
    choices = [(str(number), f"v{number}") for number in numbers] + [(CURRENT, _("Current plan"))]
    context = _context(
        request, strategy, diff=difference, sections=sections, choices=choices, plan_changes=plan_changes,
        old_choice=old_choice, new_choice=new_choice, old_name=old_name, new_name=new_name,
    )  # fmt: skip
    return render(request, "consultation/version_compare.html", context)


@login_required
def quality_check(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    gaps = quality.check(strategy)
    return render(request, "consultation/quality.html", _context(request, strategy, gaps=gaps))
