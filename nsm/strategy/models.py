"""The plan: a strategy, its results tree of the plan's own shape, activities, costs and indicators.

A strategy declares its levels (2 to 5, named in both languages): the last level holds the activities (responsible
institutions, timeframe, cost, monitoring); the levels above it are results, `Result.depth` 1 to 4. The demo's
migration strategy has four ("Policy goal > Specific objective > Measure > Activity"), a diaspora plan two
("Section > Action"). In the code, an activity's `measure` is the result directly above it, whatever the plan calls
that level. Each item has a stable internal key (`code`, numbers separated by dots, which gives its place in the
tree) and may keep beside it its published reference as written (`reference`: "ACTION 68", "PG1", "V").

Field names follow the workbook's column names (docs/workbook.md), so that one vocabulary runs from the Excel
file to the database to the API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.audit import history_user
from nsm.core import limits
from nsm.core.codes import item_sort_key, sort_key
from nsm.core.numbers import format_decimal
from nsm.i18n import Localized, localized
from nsm.reference.models import DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup
from nsm.strategy.timeframes import Recurrence, span_label

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CODE_PATTERN = r"^[1-9][0-9]*(\.[1-9][0-9]*)*$"
code_validator = RegexValidator(CODE_PATTERN, _("A code is numbers separated by dots, such as 2.1.3."))


def parent_code(code: str) -> str:
    return code.rpartition(".")[0]


def code_depth(code: str) -> int:
    return code.count(".") + 1


MIN_LEVELS, MAX_LEVELS = 2, 5

# The four levels of Albania's migration strategy, the default shape.
DEFAULT_LEVELS: tuple[dict[str, str], ...] = (
    {"sq": "Qëllimi i politikës", "en": "Policy goal"},
    {"sq": "Objektivi specifik", "en": "Specific objective"},
    {"sq": "Masa", "en": "Measure"},
    {"sq": "Aktiviteti", "en": "Activity"},
)


def default_levels() -> list[dict[str, str]]:
    return [dict(level) for level in DEFAULT_LEVELS]


def levels_refusals(levels: object) -> list[StrOrPromise]:
    """What is wrong with a strategy's levels: a list of 2 to 5 names, each in Albanian or English (or both)."""
    if not isinstance(levels, list) or not all(isinstance(level, dict) for level in levels):
        return [_("The levels are a list of names, each in Albanian and/or English.")]
    refusals: list[StrOrPromise] = []
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        refusals.append(
            _("A plan has from %(min)s to %(max)s levels, the last one its activities; this one has %(count)s.")
            % {"min": MIN_LEVELS, "max": MAX_LEVELS, "count": len(levels)}
        )
    for number, level in enumerate(levels, start=1):
        names = {key: level.get(key) for key in ("sq", "en")}
        if set(level) - {"sq", "en"} or not all(isinstance(name, str) for name in names.values() if name is not None):
            refusals.append(
                _("Level %(number)s: a name is a text in Albanian (sq) or English (en).") % {"number": number}
            )
        elif not any((name or "").strip() for name in names.values()):
            refusals.append(_("Level %(number)s has no name: give it in Albanian or in English.") % {"number": number})
        elif any(len(name or "") > 60 for name in names.values()):
            refusals.append(_("Level %(number)s: a name has at most 60 characters.") % {"number": number})
        elif any(">" in (name or "") for name in names.values()):
            refusals.append(
                _('Level %(number)s: a name does not contain ">", which separates the levels.') % {"number": number}
            )
    return refusals


class StrategyQuerySet(access.CountryScopedQuerySet):
    country_lookup = "country"


class PlanQuerySet(access.CountryScopedQuerySet):
    """Results, activities and indicators: scoped through their strategy's country."""


class Withdrawable(models.Model):
    """A plan item that can be withdrawn instead of deleted: it leaves future reporting cycles and stays in the
    history, the reports and the roll-ups (as withdrawn); it can be restored."""

    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True, **limits.long_text_field_options())

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class Strategy(models.Model):
    """A national strategy on migration for a span of years, with the years its action plan covers."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        CONSULTATION = "consultation", _("Consultation")
        ADOPTED = "adopted", _("Adopted")
        CLOSED = "closed", _("Closed")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", _("Use letters, digits, '-', '_' or '.'."))],
        help_text=_("For example AL-NSM-2024-2030."),
    )
    reference = models.CharField(
        _("reference as written"),
        max_length=100,
        blank=True,
        help_text=_('The code the government gives it, with spaces or slashes if need be: "VKM nr. 400/2024".'),
    )
    country = models.CharField(_("country"), max_length=2, default="AL", help_text=_("ISO 3166 alpha-2 code."))
    title_sq = models.CharField(_("title (Albanian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    levels = models.JSONField(
        _("levels"),
        default=default_levels,
        help_text=_(
            "The plan's levels, from the top down, each named in Albanian and English: 2 to 5, the last one holding "
            "the activities (for example Section > Action, or Policy goal > Specific objective > Measure > Activity)."
        ),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    plan_start_year = models.PositiveSmallIntegerField(_("action plan: first year"))
    plan_end_year = models.PositiveSmallIntegerField(_("action plan: last year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFTING)
    adopting_act = models.CharField(_("adopting act"), max_length=200, blank=True, help_text=_("E.g. DCM no. 400."))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="ALL")
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo content: not the text adopted by the government.")
    )
    is_public = models.BooleanField(
        _("public page"),
        default=False,
        help_text=_("Show the approved monitoring data on a public page, without sign-in."),
    )
    matrix_mapping = models.JSONField(
        _("matrix mapping"),
        default=dict,
        blank=True,
        help_text=_("How the columns of the adopted action-plan matrix were read at its last import."),
    )
    band_width = models.DecimalField(
        _("band width (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("15.0"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("50"))],
        help_text=_(
            "An indicator is on track when its progress towards the target is within this many points of 100%, "
            "at risk within twice as many, off track below."
        ),
    )

    title = Localized("title")
    objects = StrategyQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-start_year", "code"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")),
                name="strategy_years_in_order",
                violation_error_message=_("The first year must not be after the last year."),
            ),
            models.CheckConstraint(
                condition=Q(plan_start_year__lte=models.F("plan_end_year"))
                & Q(plan_start_year__gte=models.F("start_year"))
                & Q(plan_end_year__lte=models.F("end_year")),
                name="strategy_plan_years_within_strategy",
                violation_error_message=_("The action plan's years must lie within the strategy's years."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def plan_years(self) -> range:
        return range(self.plan_start_year, self.plan_end_year + 1)

    @property
    def depth(self) -> int:
        """How many levels the plan has; the activities are on the last one."""
        return len(self.levels)

    @property
    def result_depth(self) -> int:
        """The depth of the results that hold the activities (the level just above them)."""
        return len(self.levels) - 1

    def level_name(self, depth: int, language: str | None = None) -> str:
        """The name of level `depth` (1 at the top) in the active language, else the other."""
        if not 1 <= depth <= len(self.levels):
            return ""
        return localized(LevelName(self.levels[depth - 1]), "name", language)

    @property
    def activity_level_name(self) -> str:
        return self.level_name(self.depth)

    @property
    def top_level_name(self) -> str:
        return self.level_name(1)

    @property
    def shape_label(self) -> str:
        """The levels as the plan names them: "Section > Action"."""
        return " > ".join(self.level_name(depth) for depth in range(1, self.depth + 1))

    @property
    def display_code(self) -> str:
        return self.reference or self.code

    def clean(self) -> None:
        refusals = levels_refusals(self.levels)
        if refusals:
            raise ValidationError({"levels": refusals})
        if self.pk:
            stored = Strategy.objects.filter(pk=self.pk).values_list("levels", flat=True).first()
            if (
                stored is not None
                and len(stored) != len(self.levels)
                and (self.results.exists() or self.activities.exists())
            ):
                raise ValidationError(
                    {
                        "levels": _(
                            "The plan already has items on %(count)s levels: rename its levels, but change their "
                            "number only on an empty plan (or import the plan again into a new strategy)."
                        )
                        % {"count": len(stored)}
                    }
                )
        self._clean_plan_span()

    def action_plan_span(self) -> tuple[int, int] | None:
        """The first year of its first action plan and the last of its last (one query); None before it has any."""
        span = self.action_plans.aggregate(first=models.Min("start_year"), last=models.Max("end_year"))
        return None if span["first"] is None else (span["first"], span["last"])

    def _clean_plan_span(self) -> None:
        """Once the strategy has action plans of its own, its action-plan years are their span: they change on the
        action plans' page, not here."""
        if not (self.pk and self.plan_start_year and self.plan_end_year):
            return
        span = self.action_plan_span()
        if span is None:
            return
        first, last = span
        if (self.plan_start_year, self.plan_end_year) != (first, last):
            raise ValidationError(
                {
                    "plan_start_year": _(
                        "The action-plan years are those of the strategy's action plans (%(first)s–%(last)s): change "
                        "them on its action plans page."
                    )
                    % {"first": first, "last": last}
                }
            )

    @property
    def is_amended_on_change(self) -> bool:
        """Adopted (or closed): every change to its plan is an amendment, with its reason."""
        return self.status in AMENDED_STATUSES


class LevelName:
    """One entry of `Strategy.levels` read like a model with `name_sq`/`name_en`."""

    def __init__(self, level: Mapping[str, str]) -> None:
        self.name_sq = level.get("sq") or ""
        self.name_en = level.get("en") or ""


# A strategy in these statuses changes by amendment: every change to its plan has a reason and is listed.
AMENDED_STATUSES = (Strategy.Status.ADOPTED, Strategy.Status.CLOSED)


class ActionPlan(models.Model):
    """One of the successive action plans through which a strategy is carried out (Albania's 2024-2030 strategy:
    2024-2026, then the next), each with its years and its own adoption. Its activities are those whose timeframe
    falls in its years, its costs the budget lines of its years. A strategy with no action plan rows has one, implied
    by its action-plan years (`selectors.action_plans`); adding the next one writes both. The strategy's action-plan
    years are the span of its action plans."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="action_plans")
    title_sq = models.CharField(_("title (Albanian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Strategy.Status.choices, default=Strategy.Status.DRAFTING
    )
    adopting_act = models.CharField(_("adopting act"), max_length=200, blank=True, help_text=_("E.g. DCM no. 400."))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    title = Localized("title")
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["strategy", "start_year"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "start_year"],
                name="action_plan_unique_start_per_strategy",
                violation_error_message=_("Another action plan of this strategy starts in this year."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")),
                name="action_plan_years_in_order",
                violation_error_message=_("The first year must not be after the last year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code} {self.years_label}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def years_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    def clean(self) -> None:
        if self.start_year is None or self.end_year is None or not self.strategy_id:
            return
        strategy = self.strategy
        if not (strategy.start_year <= self.start_year and self.end_year <= strategy.end_year):
            raise ValidationError(
                {
                    "start_year": _("An action plan's years lie within the strategy's years (%(start)s–%(end)s).")
                    % {"start": strategy.start_year, "end": strategy.end_year}
                }
            )
        others = ActionPlan.objects.filter(strategy_id=self.strategy_id).exclude(pk=self.pk)
        overlapping = others.filter(start_year__lte=self.end_year, end_year__gte=self.start_year).first()
        if overlapping is not None:
            raise ValidationError(
                {
                    "start_year": _("The years overlap those of the action plan %(years)s: action plans follow "
                                    "one another.") % {"years": overlapping.years_label}
                }
            )  # fmt: skip


class Result(Withdrawable):
    """A node of the results framework above the activities: a goal, an objective, a measure, or whatever the plan
    calls its levels (`Strategy.levels`).

    The code is the internal key and gives the place in the tree: `2` is on the first level, `2.1` under it, `2.1.3`
    under that. `reference` is the published reference as written ("PG1", "SO1.2", "V"), shown where given.
    """

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="results")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    depth = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS - 1)]
    )
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    reference = models.CharField(
        _("reference as written"),
        max_length=40,
        blank=True,
        help_text=_('As the plan publishes it ("PG1", "SO1.2", "V"). Empty: the code.'),
    )
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)
    title_sq = models.TextField(_("title (Albanian)"), blank=True, **limits.title_field_options())
    title_en = models.TextField(_("title (English)"), blank=True, **limits.title_field_options())
    gcm_objectives = models.ManyToManyField(GcmObjective, blank=True, verbose_name=_("GCM objectives"))
    sdg_targets = models.ManyToManyField(SdgTarget, blank=True, verbose_name=_("SDG targets"))
    # Optimistic locking: every service write bumps it; a form rendered with an older one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    title = Localized("title")
    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, m2m_fields=[gcm_objectives, sdg_targets])

    class Meta:
        ordering = ["strategy", "sort_key"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "code"],
                name="result_unique_code_per_strategy",
                violation_error_message=_("Another item of this strategy's results has this code."),
            ),
            models.CheckConstraint(
                condition=Q(depth__gte=1, depth__lte=MAX_LEVELS - 1),
                name="result_depth_1_to_4",
                violation_error_message=_("A result is on level 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.fill_sort_key()
        super().save(*args, **kwargs)

    def fill_sort_key(self) -> None:
        """The key save() sorts by, from the code (a bulk insert, which calls no save(), calls this first)."""
        self.sort_key = sort_key(self.code)

    @property
    def display_code(self) -> str:
        """The reference as the plan publishes it, else the code."""
        return self.reference or self.code

    @property
    def level_label(self) -> str:
        """The name of its level in the plan ("Policy goal", "Section", ...)."""
        return self.strategy.level_name(self.depth)

    @property
    def holds_activities(self) -> bool:
        return self.depth == self.strategy.result_depth

    def clean(self) -> None:
        if not (self.title_sq or self.title_en):
            raise ValidationError(_("Give a title in Albanian or in English."))
        if not self.code or not re.match(CODE_PATTERN, self.code) or not self.strategy_id:
            return
        strategy = self.strategy
        if code_depth(self.code) != self.depth:
            raise ValidationError(
                {
                    "code": _(
                        "The code does not match the level: on level 1 a code is one number (2), on level 2 two "
                        "(2.1), on level 3 three (2.1.3)."
                    )
                }
            )
        if self.depth > strategy.result_depth:
            raise ValidationError(
                {
                    "code": _(
                        "This plan has %(count)s levels: level %(depth)s is that of its activities (%(name)s), not "
                        "of a result."
                    )
                    % {"count": strategy.depth, "depth": strategy.depth, "name": strategy.activity_level_name}
                }
            )
        expected_parent = parent_code(self.code)
        if self.depth == 1:
            if self.parent_id:
                raise ValidationError({"parent": _("An item of the first level has no parent.")})
        elif self.parent is None or self.parent.code != expected_parent or self.parent.strategy_id != self.strategy_id:
            raise ValidationError(
                {"code": _("The code must start with its parent's code (%(code)s).") % {"code": expected_parent or "?"}}
            )


class CostBasis(models.TextChoices):
    """How an activity's cost is known: by year and source, within an institution's existing budget, or not yet."""

    COSTED = "costed", _("Costed")
    WITHIN_BUDGET = "within_budget", _("Within the existing budget")
    NOT_COSTED = "not_costed", _("Not yet costed")


class ActivityInstitution(models.Model):
    """An institution named beside an activity's lead, at its place in the plan's order (the table of the former
    plain list of supporting institutions, which it keeps)."""

    activity = models.ForeignKey("Activity", on_delete=models.CASCADE, related_name="bodies")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("place"), default=0)
    responsible = models.BooleanField(_("responsible"), default=False)

    class Meta:
        db_table = "strategy_activity_partners"
        unique_together = [("activity", "institution")]
        ordering = ["position"]
        verbose_name = _("institution of an activity")
        verbose_name_plural = _("institutions of an activity")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.institution_id} ({self.position})"


def _activity_history_name(name: str) -> str:
    """The history of an activity's other institutions keeps the name (and table) it had before they were ordered."""
    return "HistoricalActivity_partners" if name == "ActivityInstitution" else f"Historical{name}"


class Activity(Withdrawable):
    """What an institution implements under a measure: scheduled by quarter, costed per year and source."""

    class GenderMarker(models.IntegerChoices):
        NOT_TARGETED = 0, _("0: not targeted")
        SIGNIFICANT = 1, _("1: gender equality is a significant objective")
        PRINCIPAL = 2, _("2: gender equality is the principal objective")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="activities")
    # The result directly above the activity, on the plan's last level of results (a measure, a section, ...).
    measure = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("code"), max_length=24, validators=[code_validator])
    reference = models.CharField(
        _("reference as written"),
        max_length=40,
        blank=True,
        help_text=_('As the plan publishes it ("ACTION 68", "1.2.a"). Empty: the code.'),
    )
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)
    title_sq = models.TextField(_("title (Albanian)"), blank=True, **limits.title_field_options())
    title_en = models.TextField(_("title (English)"), blank=True, **limits.title_field_options())
    # The responsible bodies are an ordered list; monitoring sends the line to the one marked lead, or to the first
    # named when none is marked: that one is `lead`. The others named (responsible with it, or supporting) are the
    # `partners`, each with its place in the plan's order.
    lead = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="led_activities", verbose_name=_("lead institution")
    )
    lead_place = models.PositiveSmallIntegerField(
        _("place of the marked lead"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Where the institution marked lead stands among the responsible institutions (1: first). Empty: none is "
            "marked, and the first named receives the line."
        ),
    )
    partners = models.ManyToManyField(
        Institution,
        blank=True,
        through=ActivityInstitution,
        related_name="supported_activities",
        verbose_name=_("other responsible and supporting institutions"),
    )
    start_year = models.PositiveSmallIntegerField(_("start year"))
    start_quarter = models.PositiveSmallIntegerField(
        _("start quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Empty: from the start of the year."),
    )
    end_year = models.PositiveSmallIntegerField(_("end year"))
    end_quarter = models.PositiveSmallIntegerField(
        _("end quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Empty: until the end of the year."),
    )
    timeframe = models.CharField(
        _("timeframe as written"),
        max_length=200,
        blank=True,
        help_text=_(
            'As the plan writes it: "2024-2026", "Second half of 2025", "Annual", "Continuous", "By end of 2025". '
            "When given, it sets the start and the end."
        ),
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=12, choices=Recurrence.choices, blank=True, default=Recurrence.ONCE
    )
    cost_basis = models.CharField(
        _("cost"),
        max_length=14,
        choices=CostBasis.choices,
        default=CostBasis.COSTED,
        help_text=_(
            "Costed: by year and source on the budget lines. Within the existing budget: no extra cost. Not yet "
            "costed: the cost is still to be estimated. Only a costed activity has budget lines."
        ),
    )
    cost_note = models.CharField(
        _("cost note"),
        max_length=300,
        blank=True,
        help_text=_('Whose budget, as the plan says it: "within the approved budget of the Ministry of Interior".'),
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender marker"), choices=GenderMarker.choices, default=GenderMarker.NOT_TARGETED
    )
    target_groups = models.ManyToManyField(TargetGroup, blank=True, verbose_name=_("target groups"))
    gcm_objectives = models.ManyToManyField(
        GcmObjective, blank=True, verbose_name=_("GCM objectives"), help_text=_("Empty: those of the result above it.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    title = Localized("title")
    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(
        get_user=history_user,
        m2m_fields=[partners, target_groups, gcm_objectives],
        custom_model_name=_activity_history_name,
    )

    class Meta:
        ordering = ["strategy", "sort_key"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "code"],
                name="activity_unique_code_per_strategy",
                violation_error_message=_("Another activity of this strategy has this code."),
            ),
            models.CheckConstraint(
                condition=Q(gender_marker__in=[0, 1, 2]),
                name="activity_gender_marker_0_1_2",
                violation_error_message=_("The gender marker is 0, 1 or 2."),
            ),
            models.CheckConstraint(
                condition=Q(cost_basis__in=[c.value for c in CostBasis]),
                name="activity_cost_basis_known",
                violation_error_message=_("The cost is costed, within the existing budget or not yet costed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.fill_sort_key()
        super().save(*args, **kwargs)

    def fill_sort_key(self) -> None:
        """The key save() sorts by, from the code (a bulk insert, which calls no save(), calls this first)."""
        self.sort_key = sort_key(self.code)

    @property
    def display_code(self) -> str:
        """The reference as the plan publishes it, else the code."""
        return self.reference or self.code

    @property
    def start(self) -> tuple[int, int]:
        return (self.start_year, self.start_quarter or 1)

    @property
    def end(self) -> tuple[int, int]:
        return (self.end_year, self.end_quarter or 4)

    @property
    def start_label(self) -> str:
        return f"{self.start_year}-Q{self.start_quarter}" if self.start_quarter else str(self.start_year)

    @property
    def end_label(self) -> str:
        return f"{self.end_year}-Q{self.end_quarter}" if self.end_quarter else str(self.end_year)

    @property
    def is_costed(self) -> bool:
        return self.cost_basis == CostBasis.COSTED

    @property
    def named(self) -> tuple[Named, ...]:
        """The institutions named beside the lead, in the plan's order (needs `bodies` prefetched)."""
        return tuple(Named(b.institution_id, b.responsible) for b in sorted(self.bodies.all(), key=_position))

    @property
    def responsible_bodies(self) -> list[Institution]:
        """The responsible institutions in the plan's order, the lead at its place (needs `bodies__institution`)."""
        others = [b.institution for b in sorted(self.bodies.all(), key=_position) if b.responsible]
        others.insert(min(self.lead_place or 1, len(others) + 1) - 1, self.lead)
        return others

    @property
    def supporting_bodies(self) -> list[Institution]:
        """The supporting institutions in the plan's order (needs `bodies__institution` prefetched)."""
        return [b.institution for b in sorted(self.bodies.all(), key=_position) if not b.responsible]

    @property
    def lead_marked(self) -> bool:
        """Whether the plan marks a lead among several responsible institutions (else the first named leads)."""
        return self.lead_place is not None

    @property
    def timeframe_label(self) -> str:
        """The timeframe as the plan writes it, else the span by year or quarter."""
        return self.timeframe or span_label((self.start_year, self.start_quarter), (self.end_year, self.end_quarter))

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if not (self.title_sq or self.title_en):
            errors["title_sq"] = _("Give a title in Albanian or in English.")
        if self.start_year and self.end_year and self.start > self.end:
            errors["end_year"] = _("The activity ends before it starts.")
        if self.strategy_id and self.start_year and self.end_year:
            strategy = self.strategy
            if not (strategy.start_year <= self.start_year and self.end_year <= strategy.end_year):
                errors["start_year"] = _("The timeframe must lie within the strategy's years (%(start)s-%(end)s).") % {
                    "start": strategy.start_year,
                    "end": strategy.end_year,
                }
        if self.measure_id and self.strategy_id and self.code and re.match(CODE_PATTERN, self.code):
            measure, strategy = self.measure, self.strategy
            if measure.strategy_id != self.strategy_id:
                errors["measure"] = _("The result above it belongs to another strategy.")
            elif measure.depth != strategy.result_depth:
                errors["measure"] = _("An activity belongs to an item of level %(depth)s (%(name)s).") % {
                    "depth": strategy.result_depth,
                    "name": strategy.level_name(strategy.result_depth),
                }
            elif parent_code(self.code) != measure.code or code_depth(self.code) != strategy.depth:
                errors["code"] = _("The code must be its parent's code and a number, such as %(code)s.1.") % {
                    "code": measure.code
                }
        if self.strategy_id and self.lead_id:
            refusal = self.lead.refusal_for(self.strategy.country)
            if refusal:
                errors["lead"] = refusal
        if errors:
            raise ValidationError(errors)

    def clean_partners(
        self, partners: Iterable[Named | Institution | int], known: Mapping[int, Institution] | None = None
    ) -> None:
        """The other institutions about to be set, checked as `clean()` checks the lead: each of the strategy's
        country, none named twice nor the lead again, and a marked lead's place among the responsible ones.
        Many-to-many values are set after `full_clean()`, so the services and the workbook call this before setting
        them (one query, none when the caller `known` every institution by id: the plan import)."""
        named = named_list(partners)
        errors: dict[str, list[StrOrPromise]] = {}
        responsible = sum(1 for n in named if n.responsible)
        if self.lead_place is not None and self.lead_place > responsible + 1:
            errors["lead_place"] = [
                _("The marked lead's place is %(place)s, but only %(count)s institutions are responsible.")
                % {"place": self.lead_place, "count": responsible + 1}
            ]
        if self.lead_id is not None and any(n.institution == self.lead_id for n in named):
            errors["partners"] = [_("The lead institution is named once, as the lead.")]
        ids = {n.institution for n in named}
        if ids and self.strategy_id:
            country = self.strategy.country
            if known is None:
                foreign = list(Institution.objects.filter(pk__in=ids).exclude(country=country).order_by("code"))
            else:
                foreign = sorted((known[pk] for pk in ids if known[pk].country != country), key=lambda i: i.code)
            refusals = [refusal for institution in foreign if (refusal := institution.refusal_for(country))]
            if refusals:
                errors.setdefault("partners", []).extend(refusals)
        if errors:
            raise ValidationError(errors)


class Named(NamedTuple):
    """An institution named beside an activity's lead, by id: responsible with it, or supporting."""

    institution: int
    responsible: bool = False


def named_list(values: Iterable[Named | tuple[Any, bool] | Institution | int]) -> tuple[Named, ...]:
    """Institutions or ids (supporting ones), or (institution, responsible) pairs, as `Named` ids in the order
    given, each institution once (its first mention)."""
    named: list[Named] = []
    seen: set[int] = set()
    for value in values:
        if isinstance(value, tuple):
            institution, responsible = value
        else:
            institution, responsible = value, False
        pk = getattr(institution, "pk", institution)
        if pk not in seen:
            seen.add(pk)
            named.append(Named(pk, bool(responsible)))
    return tuple(named)


def bodies_fields(
    responsible: Sequence[Institution], supporting: Sequence[Institution] = (), marked: Institution | None = None
) -> dict[str, Any]:
    """An activity's `lead`, `lead_place` and `partners` for its responsible institutions in the plan's order (the
    one `marked` lead, or none: the first named leads) and its supporting ones in order. An institution named twice
    counts once, at its first mention (responsible before supporting)."""
    if not responsible:
        raise ValueError("an activity has at least one responsible institution")
    if marked is not None and marked not in responsible:
        raise ValueError("the marked lead is one of the responsible institutions")
    lead = marked if marked is not None else responsible[0]
    place = list(responsible).index(marked) + 1 if marked is not None else None
    others = [(i, True) for i in responsible if i != lead] + [(i, False) for i in supporting if i != lead]
    return {"lead": lead, "lead_place": place, "partners": named_list(others)}


def _position(body: ActivityInstitution) -> int:
    return body.position


# Money and indicator values keep at most 15 significant digits: SQLite, the embedded default, stores decimals as
# floating point, which holds 15 digits exactly; more would be rounded silently. Validation refuses them instead.


def uncosted_refusal(activity: Activity) -> str:
    """Why an activity within the existing budget, or not yet costed, takes no budget line."""
    return _('Activity %(code)s is marked "%(basis)s": it has no budget lines. Mark it costed first.') % {
        "code": activity.code,
        "basis": activity.get_cost_basis_display(),
    }


class ActivityBudget(models.Model):
    """The planned cost of an activity in one year from one funding source (in the strategy's currency)."""

    class Source(models.TextChoices):
        STATE_BUDGET = "state_budget", _("State budget")
        DONOR = "donor", _("Donor")
        OTHER = "other", _("Other")
        UNFUNDED = "unfunded", _("Unfunded (funding gap)")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("funding source"), max_length=20, choices=Source.choices)
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2)
    # An amount the plan states in another currency: kept as stated, with the rate that converts it into `amount`.
    currency = models.CharField(
        _("stated currency"), max_length=3, blank=True, help_text=_("Empty: the plan's currency.")
    )
    stated_amount = models.DecimalField(_("stated amount"), max_digits=15, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(
        _("exchange rate"),
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Units of the plan's currency for one unit of the stated currency."),
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["activity", "year", "source", "donor"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year", "source", "donor"],
                name="budget_line_unique",
                violation_error_message=_("This activity already has a line for this year, source and donor."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_line_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(source="donor") & ~Q(donor="")) | (~Q(source="donor") & Q(donor="")),
                name="budget_line_donor_only_on_donor_lines",
                violation_error_message=_("A donor line names its donor, and only a donor line names one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} {self.year} {self.source}: {self.amount}"

    def clean(self) -> None:
        if self.source == self.Source.DONOR and not self.donor:
            raise ValidationError({"donor": _("Name the donor.")})
        if self.source != self.Source.DONOR and self.donor:
            raise ValidationError(
                {"donor": _("Only a donor line names a donor: leave the donor empty or choose the source donor.")}
            )
        if self.activity_id and not self.activity.is_costed:
            raise ValidationError(uncosted_refusal(self.activity))
        if self.activity_id and self.year and self.year not in self.activity.strategy.years:
            raise ValidationError({"year": _("The year lies outside the strategy's years.")})
        if self.amount is not None and self.amount < Decimal(0):
            raise ValidationError({"amount": _("An amount cannot be negative.")})
        self._clean_conversion()

    def _clean_conversion(self) -> None:
        """A stated currency comes with its amount and rate, and `amount` is their product to the cent."""
        if not self.currency:
            if self.stated_amount is not None or self.rate is not None:
                raise ValidationError({"currency": _("A stated amount or rate needs its stated currency.")})
            return
        if self.stated_amount is None or self.rate is None or self.rate <= 0:
            raise ValidationError({"rate": _("An amount in %(currency)s needs a positive exchange rate.")
                                   % {"currency": self.currency}})  # fmt: skip
        if self.amount != converted(self.stated_amount, self.rate):
            raise ValidationError({"amount": _("The amount is not the stated amount at the stated rate.")})


def converted(amount: Decimal, rate: Decimal) -> Decimal:
    """An amount in another currency, in the plan's, to the cent (half up, as accountants round)."""
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


MAX_STAGES = 12
STAGE_CHARS = 200
MILESTONES_CHARS = MAX_STAGES * (STAGE_CHARS + 1)


TEXT_NOT_BROKEN_DOWN = _("Words are not broken down by sex or age: a text indicator has no disaggregation.")
TEXT_TARGET = _("A text indicator has no number as target: say what is to be reached in its name.")


def stage_lines(text: str) -> list[str]:
    """The stages written one per line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def stage_label(stages: Sequence[str], value: Decimal | None) -> str:
    """A milestone value in words: "2. Consulted"; 0 is "no stage reached"; a number beyond the stages stays a
    number."""
    if value is None:
        return ""
    if value == 0:
        return str(_("0. No stage reached"))
    if value == value.to_integral_value() and 1 <= value <= len(stages):
        return f"{int(value)}. {stages[int(value) - 1]}"
    return format_decimal(value)


def in_words(value: Decimal | None, value_type: str, stages: Sequence[str] = ()) -> str | Decimal | None:
    """An indicator's value as a reader needs it: "Yes"/"No", the stage reached ("2. Consulted"); a number stays a
    number (for the caller to format) and no value stays None."""
    if value is None:
        return None
    if value_type == Indicator.ValueType.YES_NO and value in (0, 1):
        return str(_("Yes") if value == 1 else _("No"))
    if value_type == Indicator.ValueType.MILESTONE:
        return stage_label(stages, value)
    return value


def is_stage(value: Decimal, count: int, *, allow_none_reached: bool) -> bool:
    """Whether `value` is the number of one of `count` stages (or 0, no stage reached, when allowed)."""
    return value == value.to_integral_value() and (0 if allow_none_reached else 1) <= value <= count


def progress(
    baseline: Decimal | None, target: Decimal | None, actual: Decimal | None, direction: str
) -> Decimal | None:
    """Progress from the baseline towards the target, in % with one decimal; None without target or actual (the
    rule: nsm/analytics/indicators.py)."""
    if target is None or actual is None:
        return None
    if direction == Indicator.Direction.MAINTAIN:
        if target == 0:
            return Decimal(100) if actual == 0 else Decimal(0)
        ratio = actual / target
    else:
        start = baseline if baseline is not None else Decimal(0)
        sign = -1 if direction == Indicator.Direction.DECREASE else 1
        distance = (target - start) * sign
        if distance <= 0:  # nothing to move (or a target on the wrong side of the baseline): reached or not
            return Decimal(100) if (actual - target) * sign >= 0 else Decimal(0)
        ratio = (actual - start) * sign / distance
    return (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Indicator(Withdrawable):
    """A measure of progress on a result, with its baseline, yearly targets, source and disaggregation."""

    class Kind(models.TextChoices):
        IMPACT = "impact", _("Impact")
        OUTCOME = "outcome", _("Outcome")
        OUTPUT = "output", _("Output")

    class ValueType(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percent")
        YES_NO = "yes_no", _("Yes/no")
        MILESTONE = "milestone", _("Milestones: the stage reached, in order")
        TEXT = "text", _("Text: what was reached, in words")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")
        MAINTAIN = "maintain", _("Maintain")

    class Frequency(models.TextChoices):
        ANNUAL = "annual", _("Annual")
        SEMIANNUAL = "semiannual", _("Half-yearly")
        QUARTERLY = "quarterly", _("Quarterly")

    class Aggregation(models.TextChoices):
        """How the values of the reporting periods make the figure of a longer period (a year, an action plan)."""

        STOCK = "stock", _("A level: the latest value (e.g. a share, a number in place)")
        FLOW = "flow", _("A flow: the sum of the periods' values (e.g. people trained in the period)")
        CUMULATIVE = "cumulative", _("A running total since the baseline: the latest value")

    class ComputedFrom(models.TextChoices):
        MANUAL = "", _("Entered by the responsible institution")
        TRAININGS = "trainings", _("Computed from trainings: officials trained in the period")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    # An output indicator of one activity: it also belongs to the activity's measure, so that every roll-up by result
    # counts it; if the activity is deleted, the indicator stays with the measure.
    activity = models.ForeignKey(
        "Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("activity"),
        help_text=_("Empty: an indicator of the result as a whole."),
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", _("Use letters, digits, '-', '_' or '.'."))],
    )
    sort_key = models.CharField(max_length=90, editable=False, db_index=True)
    name_sq = models.TextField(_("name (Albanian)"), blank=True, **limits.title_field_options())
    name_en = models.TextField(_("name (English)"), blank=True, **limits.title_field_options())
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OUTPUT)
    unit_sq = models.CharField(_("unit (Albanian)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices, default=ValueType.NUMBER)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    baseline = models.DecimalField(_("baseline"), max_digits=15, decimal_places=3, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    milestones_sq = models.TextField(
        _("milestones (Albanian)"),
        blank=True,
        max_length=MILESTONES_CHARS,
        help_text=_(
            "A milestone indicator's stages, one per line, in order; its values are the stage reached (1, 2...)."
        ),
    )
    milestones_en = models.TextField(_("milestones (English)"), blank=True, max_length=MILESTONES_CHARS)
    data_source_sq = models.TextField(_("data source (Albanian)"), blank=True, **limits.long_text_field_options())
    data_source_en = models.TextField(_("data source (English)"), blank=True, **limits.long_text_field_options())
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.ANNUAL)
    aggregation = models.CharField(
        _("values over periods"),
        max_length=12,
        choices=Aggregation.choices,
        default=Aggregation.STOCK,
        help_text=_(
            "How the values reported each half-year or quarter make the year's figure: the latest value, or their sum."
        ),
    )
    responsible = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_indicators",
        verbose_name=_("responsible institution"),
    )
    disaggregation = models.ManyToManyField(DisaggregationDimension, blank=True, verbose_name=_("disaggregation"))
    computed_from = models.CharField(
        _("values"),
        max_length=20,
        choices=ComputedFrom.choices,
        default=ComputedFrom.MANUAL,
        blank=True,
        help_text=_("Computed values come from the platform's records; reports show them read-only."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    name = Localized("name")
    unit = Localized("unit")
    data_source = Localized("data_source")
    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, m2m_fields=[disaggregation])

    class Meta:
        ordering = ["strategy", "sort_key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "code"],
                name="indicator_unique_code_per_strategy",
                violation_error_message=_("Another indicator of this strategy has this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.fill_sort_key()
        super().save(*args, **kwargs)

    def fill_sort_key(self) -> None:
        """The key save() sorts by, from the code (a bulk insert, which calls no save(), calls this first)."""
        self.sort_key = item_sort_key(self.code)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if not (self.name_sq or self.name_en):
            errors["name_sq"] = _("Give a name in Albanian or in English.")
        if self.result_id and self.strategy_id and self.result.strategy_id != self.strategy_id:
            errors["result"] = _("The result belongs to another strategy.")
        if self.activity_id and self.activity is not None and self.activity.measure_id != self.result_id:
            errors["activity"] = _("The activity is not one of this indicator's result.")
        too_far = self.strategy_id and not (
            self.strategy.start_year - 10 <= (self.baseline_year or self.strategy.start_year) <= self.strategy.end_year
        )
        if too_far:
            errors["baseline_year"] = _("The baseline year is too far from the strategy's years.")
        if self.value_type == self.ValueType.YES_NO and self.baseline not in (None, 0, 1):
            errors["baseline"] = _("A yes/no indicator takes 1 (yes) or 0 (no).")
        if self.computed_from and self.value_type != self.ValueType.NUMBER:
            errors["computed_from"] = _("Only a number can be computed from trainings.")
        errors.update(self.value_type_errors())
        errors.update(self._stored_errors())
        if self.strategy_id and self.responsible_id and self.responsible is not None:
            refusal = self.responsible.refusal_for(self.strategy.country)
            if refusal:
                errors["responsible"] = refusal
        if errors:
            raise ValidationError(errors)

    @property
    def stages(self) -> list[str]:
        """A milestone indicator's stages in the page's language (else the other's): stage 1 first."""
        return stage_lines(localized(self, "milestones"))

    @property
    def stage_count(self) -> int:
        """How many stages a milestone indicator has (its Albanian list counts; the English one must agree)."""
        return len(stage_lines(self.milestones_sq) or stage_lines(self.milestones_en))

    def stage_label(self, value: Decimal | None) -> str:
        return stage_label(self.stages, value)

    def value_type_errors(self) -> dict[str, StrOrPromise]:
        """The rules of the qualitative kinds, on the indicator's own fields (the plan workbook checks a row with
        them): a milestone or text indicator's values are not added up over periods; a text indicator has no number
        as baseline; and the milestone rules (`_milestone_errors`)."""
        errors = self._milestone_errors()
        qualitative = (self.ValueType.MILESTONE, self.ValueType.TEXT)
        if self.value_type in qualitative and self.aggregation == self.Aggregation.FLOW:
            errors["aggregation"] = _("Stages and words are not added up over periods: choose the latest value.")
        if self.value_type == self.ValueType.TEXT and self.baseline is not None:
            errors["baseline"] = _("A text indicator has no number as baseline: describe the starting point in words.")
        return errors

    def _stored_errors(self) -> dict[str, StrOrPromise]:
        """What a change would contradict in what is stored: the value type of an indicator with reported values
        (their meaning would change), a text indicator with targets, a milestone's targets beyond its stages."""
        if not self.pk:
            return {}
        stored = Indicator.objects.filter(pk=self.pk).values_list("value_type", flat=True).first()
        errors: dict[str, StrOrPromise] = {}
        if stored and stored != self.value_type and self.values.exclude(value=None, note="").exists():
            errors["value_type"] = _(
                "Institutions have reported values of this indicator: its value type cannot change. Withdraw it and "
                "add a new indicator instead."
            )
        if self.value_type not in (self.ValueType.TEXT, self.ValueType.MILESTONE):
            return errors  # only a qualitative kind limits targets: a number's are not read (a plan import's clean)
        targets = [target.value for target in self.targets.all()]
        if self.value_type == self.ValueType.TEXT and targets:
            errors["value_type"] = _("The indicator has targets: remove them before it becomes a text indicator.")
        last = self.stage_count
        beyond = [t for t in targets if not is_stage(t, last, allow_none_reached=False)]
        if self.value_type == self.ValueType.MILESTONE and beyond and not errors:
            errors["milestones_sq"] = _("Its targets name stages up to %(most)s: list at least as many stages.") % {
                "most": format_decimal(max(beyond))
            }
        return errors

    def _milestone_errors(self) -> dict[str, StrOrPromise]:
        """A milestone indicator lists 2 to MAX_STAGES stages (the same number in both languages when both are
        given), rises, and its baseline is a stage (0: none reached); other kinds list no stages."""
        errors: dict[str, StrOrPromise] = {}
        given = {code: stage_lines(getattr(self, f"milestones_{code}")) for code in ("sq", "en")}
        if self.value_type != self.ValueType.MILESTONE:
            if any(given.values()):
                errors["milestones_sq"] = _("Only a milestone indicator lists stages: choose that value type.")
            return errors
        stages = given["sq"] or given["en"]
        if not 2 <= len(stages) <= MAX_STAGES:
            errors["milestones_sq"] = _("List from 2 to %(most)s stages, one per line.") % {"most": MAX_STAGES}
        elif given["sq"] and given["en"] and len(given["sq"]) != len(given["en"]):
            errors["milestones_en"] = _("List as many stages in English (%(en)s) as in Albanian (%(sq)s).") % {
                "en": len(given["en"]),
                "sq": len(given["sq"]),
            }
        elif any(len(stage) > STAGE_CHARS for stage in stages):
            errors["milestones_sq"] = _("A stage takes at most %(most)s characters.") % {"most": STAGE_CHARS}
        if self.direction != self.Direction.INCREASE:
            errors["direction"] = _("Milestones are reached in order: the direction is Increase.")
        if self.baseline is not None and not is_stage(self.baseline, len(stages), allow_none_reached=True):
            errors["baseline"] = _("The baseline is the number of the stage reached, 0 to %(last)s.") % {
                "last": len(stages)
            }
        return errors


class IndicatorTarget(models.Model):
    """The value an indicator should reach by the end of a year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target value"), max_digits=15, decimal_places=3)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="indicator_target_one_per_year",
                violation_error_message=_("This indicator already has a target for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"

    def clean(self) -> None:
        if not (self.indicator_id and self.year):
            return
        indicator = self.indicator
        if self.year not in indicator.strategy.years:
            raise ValidationError({"year": _("The year lies outside the strategy's years.")})
        if indicator.baseline_year and indicator.baseline_year > self.year:
            raise ValidationError({"year": _("A target cannot come before the baseline year.")})
        if indicator.value_type == Indicator.ValueType.TEXT:
            raise ValidationError({"value": TEXT_TARGET})
        last = indicator.stage_count
        milestone = indicator.value_type == Indicator.ValueType.MILESTONE
        if milestone and self.value is not None and not is_stage(self.value, last, allow_none_reached=False):
            message = _("A target is the number of a stage, 1 to %(last)s.") % {"last": last}
            raise ValidationError({"value": message})


class Amendment(models.Model):
    """A change to a plan after its adoption: what changed, who changed it, when, and why. Written by the plan's
    services in the same transaction as the change; never edited."""

    class Action(models.TextChoices):
        CREATED = "created", _("Added")
        CHANGED = "changed", _("Changed")
        MOVED = "moved", _("Moved")
        DELETED = "deleted", _("Deleted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RESTORED = "restored", _("Restored")
        BUDGET = "budget", _("Budget changed")
        TARGETS = "targets", _("Targets changed")
        IMPORTED = "imported", _("Imported from a workbook")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="amendments")
    made_at = models.DateTimeField(_("made"), default=timezone.now, db_index=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("made by")
    )
    item = models.CharField(_("item"), max_length=300)
    action = models.CharField(_("change"), max_length=12, choices=Action.choices)
    detail = models.TextField(_("what changed"), blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["strategy", "-made_at", "-pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"{self.strategy.code} {self.item} {self.action}"


# A narrative chapter holds at most this many characters in each language (a long chapter of a printed strategy is
# some 25,000).
CHAPTER_CHARS = 40_000


class ChapterQuerySet(access.CountryScopedQuerySet):
    """Read by every internal user of the strategy's country; written by its plan editors (coordinator,
    secretariat)."""


class Chapter(models.Model):
    """A narrative chapter of a strategy, in Markdown, in Albanian and in English: the text around the matrix
    (context, vision, principles ...). A strategy has at most one chapter of each kind; they print in the order of
    `Kind`. Versions freeze their text with the plan (nsm.consultation.versions)."""

    class Kind(models.TextChoices):
        CONTEXT = "context", _("Context and situation analysis")
        VISION = "vision", _("Vision")
        PRINCIPLES = "principles", _("Guiding principles")
        RESULTS = "results", _("Results framework in brief")  # the document's own "Results framework" follows
        IMPLEMENTATION = "implementation", _("Implementation and coordination")
        MONITORING = "monitoring", _("Monitoring and evaluation")
        BUDGET = "budget", _("Budget summary")
        RISKS = "risks", _("Risks")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="chapters")
    kind = models.CharField(_("chapter"), max_length=20, choices=Kind.choices)
    body_sq = models.TextField(
        _("text (Albanian)"),
        blank=True,
        max_length=CHAPTER_CHARS,
        validators=[MaxLengthValidator(CHAPTER_CHARS), limits.refuse_control_characters],
    )
    body_en = models.TextField(
        _("text (English)"),
        blank=True,
        max_length=CHAPTER_CHARS,
        validators=[MaxLengthValidator(CHAPTER_CHARS), limits.refuse_control_characters],
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    body = Localized("body")
    objects = ChapterQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["strategy", "kind"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "kind"],
                name="chapter_one_of_each_kind",
                violation_error_message=_("This strategy already has this chapter."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code} {self.get_kind_display()}"

    @classmethod
    def position(cls, kind: str) -> int:
        """The place of a kind of chapter in the document (0 for the context)."""
        return list(cls.Kind.values).index(kind)
