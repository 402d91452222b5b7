"""Forms of the self-assessment pages: the year of a new assessment, and every answer on one form.

The answers form has four fields per sub-category (`level_<id>`, `evidence_<id>`, `measures_<id>`,
`activities_<id>`), its choices read once for the whole form, and the version of the assessment edited. The rules
(an answer the sub-category takes, bounded evidence, the strategy's own items) are the service's; its errors come back
next to the fields they concern, all at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nsm.assessment.methodology import Level
from nsm.assessment.models import EVIDENCE_CHARS, Answer
from nsm.assessment.services import AnswerInput
from nsm.core import limits
from nsm.core.forms import BootstrapForm, EditsVersion
from nsm.strategy.models import Activity, Result


class NewAssessmentForm(BootstrapForm, forms.Form):
    year = forms.IntegerField(
        label=_("Year assessed"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Give the year as four digits, such as 2025.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "new-%s")
        super().__init__(*args, **kwargs)


def _item_label(item: Result | Activity) -> str:
    reference = item.reference or item.code
    title = str(item.title)
    return f"{reference} {title[:70]}{'…' if len(title) > 70 else ''}"


class AnswersForm(EditsVersion, BootstrapForm, forms.Form):
    def __init__(
        self,
        *args: Any,
        answers: list[Answer],
        measures: list[Result],
        activities: list[Activity],
        version: int,
        note: str = "",
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {}
        for answer in answers:
            pk = answer.subcategory_id
            initial[f"level_{pk}"] = answer.level
            initial[f"evidence_{pk}"] = answer.evidence
            initial[f"measures_{pk}"] = [m.pk for m in answer.measures.all()]
            initial[f"activities_{pk}"] = [a.pk for a in answer.activities.all()]
        initial["note"] = note
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.answers = answers
        self.fields["note"] = forms.CharField(
            label=_("Remarks"),
            required=False,
            max_length=limits.LONG_TEXT_CHARS,
            validators=[limits.refuse_control_characters],
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=_(
                "What the assessment concludes, in Markdown (# a heading, **bold**, - a list); printed in the "
                "document as its own chapter. At most %(limit)s characters."
            )
            % {"limit": f"{limits.LONG_TEXT_CHARS:,}"},
        )
        measure_choices = [(m.pk, _item_label(m)) for m in measures]
        activity_choices = [(a.pk, _item_label(a)) for a in activities]
        for answer in answers:
            subcategory, pk = answer.subcategory, answer.subcategory_id
            levels = [("", _("Not answered yet")), (Level.YES.value, Level.YES.label)]
            if subcategory.allows_partial:
                levels.append((Level.PARTIAL.value, subcategory.partial_answer or Level.PARTIAL.label))
            levels.append((Level.NO.value, Level.NO.label))
            self.fields[f"level_{pk}"] = forms.ChoiceField(
                label=_("Answer to %(number)s") % {"number": subcategory.number}, choices=levels, required=False
            )
            self.fields[f"evidence_{pk}"] = forms.CharField(
                label=_("Evidence for %(number)s") % {"number": subcategory.number},
                required=False,
                max_length=EVIDENCE_CHARS,
                strip=True,
                validators=[limits.refuse_control_characters],
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("What in the plan or the law shows it (Markdown); at most %(limit)s characters.")
                % {"limit": f"{EVIDENCE_CHARS:,}"},
            )
            self.fields[f"measures_{pk}"] = forms.TypedMultipleChoiceField(
                label=_("Measures for %(number)s") % {"number": subcategory.number},
                choices=measure_choices,
                coerce=int,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"activities_{pk}"] = forms.TypedMultipleChoiceField(
                label=_("Activities for %(number)s") % {"number": subcategory.number},
                choices=activity_choices,
                coerce=int,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
        self.add_version(version)

    def domains(self) -> list[tuple[Any, list[tuple[Answer, list[forms.BoundField]]]]]:
        """Each domain with its answers, each answer with its four fields, for the template."""
        grouped: dict[int, tuple[Any, list[tuple[Answer, list[forms.BoundField]]]]] = {}
        for answer in self.answers:
            domain = answer.subcategory.domain
            fields = [
                self[f"{name}_{answer.subcategory_id}"] for name in ("level", "evidence", "measures", "activities")
            ]
            grouped.setdefault(domain.number, (domain, []))[1].append((answer, fields))
        return [grouped[number] for number in sorted(grouped)]

    def given(self) -> dict[int, AnswerInput]:
        data = self.cleaned_data
        return {
            answer.subcategory_id: AnswerInput(
                level=data.get(f"level_{answer.subcategory_id}") or "",
                evidence=data.get(f"evidence_{answer.subcategory_id}") or "",
                measure_ids=frozenset(data.get(f"measures_{answer.subcategory_id}") or ()),
                activity_ids=frozenset(data.get(f"activities_{answer.subcategory_id}") or ()),
            )
            for answer in self.answers
        }
