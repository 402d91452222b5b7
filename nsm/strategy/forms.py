"""Forms for editing the plan: both language fields, labelled choices, errors shown next to their fields.

Validation comes from the models (`full_clean`) and reaches the user through the form, so one rule gives one
message in one place. The forms only parse input; the services in services.py make the change.

A form that changes an existing item carries the item's `version` in a hidden field, so that the service can
refuse the save when someone else changed the item after the form was rendered; after adoption it also asks the
reason for the amendment (`EditsPlanItem`). The form kernel (Bootstrap, errors, the version) is `nsm.core.forms`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nsm.accounts.models import Institution
from nsm.core import limits
from nsm.core.forms import LEFT_OUT, AmountField, BootstrapForm, EditsVersion, widget_class
from nsm.core.numbers import format_decimal
from nsm.strategy.models import (
    TEXT_NOT_BROKEN_DOWN,
    ActionPlan,
    Activity,
    ActivityBudget,
    Indicator,
    Result,
    Strategy,
    bodies_fields,
)
from nsm.strategy.selectors import PlanFilter, PlanTree
from nsm.strategy.services import BudgetLineInput, field_label
from nsm.strategy.timeframes import Recurrence, TimeframeError, parse_timeframe


class EditsPlanItem(EditsVersion):
    """Mixin: the hidden version of a plan item, and after adoption the reason for the amendment."""

    NOT_CONTENT = ("version", "amendment_reason")

    def add_amendment_reason(self, strategy: Strategy) -> None:
        """After adoption, every change asks why: the reason goes with the change to the plan's amendments."""
        if strategy.is_amended_on_change:
            self.fields["amendment_reason"] = forms.CharField(
                label=_("Reason for this amendment"),
                max_length=limits.LONG_TEXT_CHARS,
                validators=[limits.refuse_control_characters],
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                help_text=_("The plan is adopted: this change is listed among its amendments, with this reason."),
            )

    @property
    def amendment_reason(self) -> str:
        return self.cleaned_data.get("amendment_reason", "")


def plain(value: Decimal) -> Decimal:
    """A stored decimal without its trailing zeros, for an input's initial value: 1000000.00 -> 1000000."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _institution_choices(strategy: Strategy, current: Any = None) -> Any:
    """Active institutions of the strategy's country, and the one already chosen even if no longer active (or, for
    a plan written before countries were kept apart, of another country: saving then says why it cannot stay)."""
    keep = Q(pk__in=[current]) if current else Q(pk__in=[])
    return Institution.objects.filter(Q(country=strategy.country, is_active=True) | keep).order_by("code")


KIND_ORDER = [
    Institution.Kind.MINISTRY, Institution.Kind.AGENCY, Institution.Kind.INDEPENDENT, Institution.Kind.OTHER,
    Institution.Kind.INTERNATIONAL, Institution.Kind.CIVIL_SOCIETY, Institution.Kind.ACADEMIA,
    Institution.Kind.MUNICIPALITY,
]  # fmt: skip


def _partner_choices(strategy: Strategy, current: Any = ()) -> Any:
    """The country's institutions (international partners included: each country has its own, e.g. the IOM
    mission there), grouped by kind, former bodies last; and those already chosen, as `_institution_choices`."""
    kind_rank = Case(*(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(KIND_ORDER)), default=Value(99))
    return (
        Institution.objects.filter(Q(country=strategy.country) | Q(pk__in=current))
        .annotate(kind_rank=kind_rank)
        .order_by("-is_active", "kind_rank", "code")
    )


def _years(strategy: Strategy) -> list[tuple[int, int]]:
    return [(year, year) for year in strategy.years]


class ActivityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.code} {obj.title}"


class InstitutionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        return f"{obj.code}: {obj.name}"


class InstitutionMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        return f"{obj.code}: {obj.name}"


class ResultForm(EditsPlanItem, BootstrapForm, forms.ModelForm):
    """A result on any level of the plan: its reference as written, titles in both languages, GCM objectives and SDG
    targets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.add_version(self.instance.version)

    class Meta:
        model = Result
        fields = ["reference", "title_sq", "title_en", "gcm_objectives", "sdg_targets"]
        widgets = {
            "title_sq": forms.Textarea(attrs={"rows": 2}),
            "title_en": forms.Textarea(attrs={"rows": 2}),
            "gcm_objectives": forms.CheckboxSelectMultiple,
            "sdg_targets": forms.CheckboxSelectMultiple,
        }


RESPONSIBLE_ROWS = 4  # responsible institutions a new activity's form offers (more when the plan names more)
MOST_RESPONSIBLE_ROWS = 30  # rows a posted form may ask for


class ActivityForm(EditsPlanItem, BootstrapForm, forms.ModelForm):
    """An activity: titles, responsible institutions in the plan's order (one may be marked lead) and supporting
    ones, timeframe (as written, or by year and quarter), tags.

    The responsible institutions are chosen one per row, in order; the marked lead, if any, is one of them, and
    without one the first receives the monitoring line. The supporting institutions keep the order they have; those
    ticked here come after them. A timeframe as written ("Second half of 2025", "Annual") sets the start, the end
    and the recurrence; without one, the start and end years are required."""

    ERROR_FIELDS = {"lead": "responsible_1", "partners": "supporting", "lead_place": "marked_lead"}

    class Meta:
        model = Activity
        fields = [
            "reference", "title_sq", "title_en", "timeframe", "start_year", "start_quarter", "end_year",
            "end_quarter", "cost_basis", "cost_note", "gender_marker", "target_groups", "gcm_objectives",
        ]  # fmt: skip
        widgets = {
            "title_sq": forms.Textarea(attrs={"rows": 2}),
            "title_en": forms.Textarea(attrs={"rows": 2}),
            "target_groups": forms.CheckboxSelectMultiple,
            "gcm_objectives": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_institutions(strategy)
        for name in ("start_year", "end_year"):
            label = self.fields[name].label
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=[("", "—"), *_years(strategy)], coerce=int, empty_value=None, required=False
            )
        quarters = [("", _("whole year")), *((q, f"Q{q}") for q in range(1, 5))]
        for name in ("start_quarter", "end_quarter"):
            self.fields[name] = forms.TypedChoiceField(
                label=field_label(Activity, name).capitalize(), choices=quarters, coerce=int, empty_value=None,
                required=False,
            )  # fmt: skip
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", widget_class(field.widget))
        self.plan_years = strategy.plan_years
        if self.instance.pk:
            self.add_version(self.instance.version)

    def _add_institutions(self, strategy: Strategy) -> None:
        """One choice per responsible institution (as many as the activity names, and one more, at least
        `RESPONSIBLE_ROWS`), the marked lead, and the supporting institutions, before the timeframe."""
        responsible: list[Institution] = []
        supporting: list[Institution] = []
        marked = None
        if self.instance.pk:
            activity = Activity.objects.select_related("lead").prefetch_related("bodies__institution")
            stored = activity.get(pk=self.instance.pk)
            responsible, supporting = stored.responsible_bodies, stored.supporting_bodies
            marked = stored.lead if stored.lead_marked else None
        named = [i.pk for i in (*responsible, *supporting)]
        rows = max(RESPONSIBLE_ROWS, len(responsible) + 1, self._posted_rows())
        for number in range(1, rows + 1):
            current = responsible[number - 1] if number <= len(responsible) else None
            field = InstitutionChoice(
                queryset=_institution_choices(strategy, current.pk if current else None),
                required=number == 1,
                label=_("Responsible institution %(number)s") % {"number": number},
                initial=current.pk if current else None,
                empty_label="—",
            )
            if number == 1:
                field.help_text = _(
                    "In the plan's order. Without a marked lead, the first receives the reporting line."
                )
            self.fields[f"responsible_{number}"] = field
        self.responsible_rows = rows
        marked_field = InstitutionChoice(
            queryset=_institution_choices(strategy, marked.pk if marked else None),
            required=False,
            label=_("Lead marked by the plan"),
            initial=marked.pk if marked else None,
            empty_label=_("None: the first responsible institution"),
            help_text=_("Only when the plan marks one of the responsible institutions as lead: it receives the line."),
        )
        self.fields["marked_lead"] = marked_field
        self.supporting_before = [i.pk for i in supporting]
        self.fields["supporting"] = InstitutionMultipleChoice(
            queryset=_partner_choices(strategy, named),
            required=False,
            label=_("Supporting institutions"),
            initial=self.supporting_before,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Ministries and agencies first, then international partners and municipalities. Those already "
                "named keep their order; those ticked here come after them."
            ),
        )
        institutions = [f"responsible_{n}" for n in range(1, rows + 1)] + ["marked_lead", "supporting"]
        self.order_fields(["reference", "title_sq", "title_en", *institutions])

    def _posted_rows(self) -> int:
        """The responsible rows a posted form holds (someone may have shortened the list since it was drawn: every
        row typed comes back)."""
        numbers = [
            int(key.removeprefix("responsible_"))
            for key in (self.data or {})
            if key.startswith("responsible_") and key.removeprefix("responsible_").isdigit()
        ]
        return min(max(numbers, default=0), MOST_RESPONSIBLE_ROWS)

    def _clean_institutions(self, cleaned: dict[str, Any]) -> None:
        """The responsible institutions in order (gaps closed, each once), the marked lead among them, supporting
        ones in their kept order, none both responsible and supporting: every error at once."""
        responsible: list[Institution] = []
        for number in range(1, self.responsible_rows + 1):
            name = f"responsible_{number}"
            institution = cleaned.get(name)
            if institution is None:
                continue
            if institution in responsible:
                self.add_error(name, _("%(code)s is already a responsible institution.") % {"code": institution.code})
            else:
                responsible.append(institution)
        marked = cleaned.get("marked_lead")
        lead = marked if marked in responsible else (responsible[0] if responsible else None)
        rows = [n for n in range(1, self.responsible_rows + 1) if cleaned.get(f"responsible_{n}") == lead]
        self.ERROR_FIELDS = {**self.ERROR_FIELDS, "lead": f"responsible_{rows[0] if rows else 1}"}
        if marked is not None and marked not in responsible:
            self.add_error("marked_lead", _("The marked lead is one of the responsible institutions chosen above."))
        ticked = list(cleaned.get("supporting") or [])
        both = sorted(i.code for i in ticked if i in responsible)
        if both:
            self.add_error(
                "supporting",
                _("Responsible and supporting at once: %(codes)s. Name each institution once.")
                % {"codes": ", ".join(both)},
            )
        order = {pk: place for place, pk in enumerate(self.supporting_before)}
        supporting = sorted(ticked, key=lambda i: order.get(i.pk, len(order)))  # stable: new ones in list order
        self.institutions = (responsible, supporting, marked)

    def content(self) -> dict[str, Any]:
        """The values to save, the institutions as the activity's `lead`, `lead_place` and `partners`."""
        names = ("marked_lead", "supporting", *(f"responsible_{n}" for n in range(1, self.responsible_rows + 1)))
        content = {name: value for name, value in super().content().items() if name not in names}
        responsible, supporting, marked = self.institutions
        return content | bodies_fields(responsible, supporting, marked)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_institutions(cleaned)
        written = (cleaned.get("timeframe") or "").strip()
        unchanged = bool(self.instance.pk) and written == (self.instance.timeframe or "").strip()
        if written and unchanged:  # the text as before: the span stays as stored, or as the user changed it
            cleaned["recurrence"] = self.instance.recurrence
        elif written:
            try:
                timeframe = parse_timeframe(written, self.plan_years)
            except TimeframeError as error:
                self.add_error("timeframe", str(error))
                return cleaned
            (cleaned["start_year"], cleaned["start_quarter"]), (cleaned["end_year"], cleaned["end_quarter"]) = (
                timeframe.start,
                timeframe.end,
            )
            cleaned["recurrence"] = timeframe.recurrence
            return cleaned
        if not written:
            cleaned["recurrence"] = Recurrence.ONCE
        for name in ("start_year", "end_year"):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, _("Give the timeframe as written, or the start and end years."))
        return cleaned


class IndicatorForm(EditsPlanItem, BootstrapForm, forms.ModelForm):
    """An indicator: code, names, kind, unit, baseline, data source, responsible, disaggregation."""

    class Meta:
        model = Indicator
        fields = [
            "code", "activity", "name_sq", "name_en", "kind", "unit_sq", "unit_en", "value_type", "milestones_sq",
            "milestones_en", "direction", "baseline", "baseline_year", "data_source_sq", "data_source_en", "frequency",
            "aggregation", "responsible", "disaggregation", "computed_from",
        ]  # fmt: skip
        field_classes = {"responsible": InstitutionChoice, "activity": ActivityChoice}
        localized_fields = ["baseline"]
        widgets = {
            "name_sq": forms.Textarea(attrs={"rows": 2}),
            "name_en": forms.Textarea(attrs={"rows": 2}),
            "data_source_sq": forms.Textarea(attrs={"rows": 2}),
            "data_source_en": forms.Textarea(attrs={"rows": 2}),
            "milestones_sq": forms.Textarea(attrs={"rows": 3}),
            "milestones_en": forms.Textarea(attrs={"rows": 3}),
            "disaggregation": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.responsible_id if self.instance else None
        cast(InstitutionChoice, self.fields["responsible"]).queryset = _institution_choices(strategy, current)
        if self.instance.result_id and self.instance.result.depth == strategy.result_depth:
            activities = cast(ActivityChoice, self.fields["activity"])
            activities.queryset = Activity.objects.filter(measure_id=self.instance.result_id).order_by("sort_key")
            activities.help_text = _("Empty: an indicator of the result as a whole; else an output of one activity.")
        else:  # only the results of the last level have activities
            del self.fields["activity"]
        if self.instance.pk:
            self.add_version(self.instance.version)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("value_type") == Indicator.ValueType.TEXT and data.get("disaggregation"):
            self.add_error("disaggregation", TEXT_NOT_BROKEN_DOWN)
        return data


class TargetsForm(EditsPlanItem, BootstrapForm, forms.Form):
    """One target value per year of the strategy; an empty year has no target."""

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        existing = {target.year: plain(target.value) for target in indicator.targets.all()}
        super().__init__(*args, initial={f"y{year}": existing.get(year) for year in existing}, **kwargs)
        self.years = list(indicator.strategy.years)
        for year in self.years:
            self.fields[f"y{year}"] = forms.DecimalField(
                label=str(year), required=False, localize=True, max_digits=20, decimal_places=4
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.add_version(indicator.version)

    def targets(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(f"y{year}") for year in self.years}


GRID_SOURCES = [source for source in ActivityBudget.Source if source != ActivityBudget.Source.DONOR]


class BudgetGridForm(EditsPlanItem, BootstrapForm, forms.Form):
    """The activity's cost as a grid, year x source (state budget, other, unfunded); donors come apart.

    Only donor lines name a donor (a rule of the model), so each other line has its own cell and saving the
    form unchanged gives back exactly the lines it showed.
    """

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        lines = list(activity.budget_lines.all())
        self.years = sorted(set(activity.strategy.plan_years) | {line.year for line in lines})
        initial = {
            f"y{line.year}_{line.source}": format_decimal(line.amount)
            for line in lines
            if line.source != ActivityBudget.Source.DONOR
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.rows = []
        for year in self.years:
            names = []
            for source in GRID_SOURCES:
                name = f"y{year}_{source.value}"
                self.fields[name] = AmountField(label=f"{year}: {source.label}", required=False)
                names.append(name)
            self.rows.append((year, [self[name] for name in names]))
        self.sources = [source.label for source in GRID_SOURCES]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control text-end")
        self.add_version(activity.version)

    def lines(self) -> list[BudgetLineInput]:
        return [
            BudgetLineInput(year=year, source=source.value, amount=amount)
            for year in self.years
            for source in GRID_SOURCES
            if (amount := self.cleaned_data.get(f"y{year}_{source.value}")) is not None
        ]


class DonorLineForm(BootstrapForm, forms.Form):
    """A donor's contribution to the activity in one year."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    donor = forms.CharField(
        label=_("Donor"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 40})
    )
    amount = AmountField(
        label=_("Amount"), required=False, widget=forms.TextInput(attrs={"class": "form-control text-end"})
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [("", "—"), *((year, year) for year in years)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # Form.clean returns cleaned_data; the stubs allow a clean that returns nothing
            data = self.cleaned_data
        if data.get("amount") is not None and not data.get("donor"):
            self.add_error("donor", _("Name the donor."))
        if data.get("amount") is not None and not data.get("year"):
            self.add_error("year", _("Choose the year."))
        return data

    def line(self) -> BudgetLineInput | None:
        data = self.cleaned_data
        if data.get("amount") is None:
            return None
        return BudgetLineInput(
            year=data["year"],
            source=ActivityBudget.Source.DONOR,
            donor=data["donor"].strip(),
            amount=data["amount"],
        )


class BaseDonorFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        self.years = years
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "years": self.years}

    def clean(self) -> None:
        """One line per donor and year: a second one is reported here, with the grid's errors, not after them."""
        seen: set[tuple[int, str]] = set()
        for form in self.forms:
            line = form.line() if not form.errors else None
            if line is None:
                continue
            key = (line.year, line.donor)
            if key in seen:
                form.add_error(
                    "donor", _("%(donor)s has another line for %(year)s.") % {"donor": key[1], "year": key[0]}
                )
            seen.add(key)


# formset_factory makes a subclass of `formset`; the stubs type it as the plain BaseFormSet.
DonorFormSet = cast(type[BaseDonorFormSet], forms.formset_factory(DonorLineForm, formset=BaseDonorFormSet, extra=3))


def donor_formset(data: Any, *, activity: Activity, years: list[int]) -> Any:
    lines = activity.budget_lines.filter(source=ActivityBudget.Source.DONOR).order_by("year", "donor")
    initial = [{"year": line.year, "donor": line.donor, "amount": format_decimal(line.amount)} for line in lines]
    return DonorFormSet(data, initial=initial, years=years, prefix="donors")


class WithdrawForm(EditsPlanItem, BootstrapForm, forms.Form):
    """Withdraw a plan item: why, and from which day."""

    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=limits.LONG_TEXT_CHARS,
        validators=[limits.refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with the item on its page, in the reports and in the documents."),
    )
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Reporting cycles opened after this day no longer ask for it."),
    )

    def __init__(self, *args: Any, obj: Any, **kwargs: Any) -> None:
        super().__init__(*args, initial={"withdrawn_on": timezone.localdate()}, **kwargs)
        self.add_version(obj.version)


class ActionPlanForm(BootstrapForm, forms.ModelForm):
    """An action plan: its years and titles; when it exists, its status and adoption too."""

    class Meta:
        model = ActionPlan
        fields = ["start_year", "end_year", "title_sq", "title_en", "status", "adopting_act", "adopted_on"]
        widgets = {"adopted_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = _years(strategy)
        for name in ("start_year", "end_year"):
            label = self.fields[name].label
            self.fields[name] = forms.TypedChoiceField(label=label, choices=years, coerce=int)
        if not self.instance.pk:  # a new action plan starts in drafting; it is adopted on its own page
            for name in ("status", "adopting_act", "adopted_on"):
                del self.fields[name]
        self.instance.strategy = strategy
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", widget_class(field.widget))


class PlanFilterForm(BootstrapForm, forms.Form):
    """The plan page's filters (GET, no JavaScript). The choices come from the plan in memory (no query): its
    levels, the institutions and GCM objectives it names. A value not understood is left out and said so, never
    an error page."""

    level = forms.TypedChoiceField(label=_("Level"), coerce=int, empty_value=None, required=False)
    institution = forms.TypedChoiceField(
        label=_("Institution (responsible or supporting)"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(
        label=_("Status in the plan"),
        required=False,
        choices=[("", _("Any status")), ("active", _("In the plan")), ("withdrawn", _("Withdrawn"))],
    )
    gcm = forms.TypedChoiceField(label=_("GCM objective"), coerce=int, empty_value=None, required=False)
    q = forms.CharField(label=_("Code or title contains"), max_length=200, required=False)

    def __init__(self, data: Any, *, strategy: Strategy, tree: PlanTree) -> None:
        super().__init__(data, auto_id="filter-%s")
        levels = [(depth, strategy.level_name(depth)) for depth in range(1, strategy.depth + 1)]
        bodies = {i.pk: i for n in _activities(tree) for i in (*n.responsible, *n.supporting)}
        objectives = {g.number: g for n in (*tree.index.values(), *_activities(tree)) for g in n.gcm_objectives}
        choice = cast(dict[str, forms.ChoiceField], self.fields)
        choice["level"].choices = [("", _("All levels")), *levels]
        choice["institution"].choices = [
            ("", _("All institutions")),
            *((i.pk, f"{i.code}: {i.name}") for i in sorted(bodies.values(), key=lambda i: i.code.casefold())),
        ]
        choice["gcm"].choices = [
            ("", _("All GCM objectives")),
            *((number, f"{number}. {objectives[number].title}") for number in sorted(objectives)),
        ]
        for field in self.fields.values():
            field.error_messages.update(LEFT_OUT)
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": 200})

    def wanted(self) -> PlanFilter:
        """The filters understood; those not understood are left out (the form keeps their errors)."""
        if not self.is_bound:
            return PlanFilter()
        self.is_valid()
        data = self.cleaned_data
        return PlanFilter(
            depth=data.get("level"),
            institution_pk=data.get("institution"),
            withdrawn={"withdrawn": True, "active": False}.get(data.get("status") or ""),
            gcm=data.get("gcm"),
            text=(data.get("q") or "").strip(),
        )


def _activities(tree: PlanTree) -> list[Any]:
    return [activity for node in tree.index.values() for activity in node.activities]
