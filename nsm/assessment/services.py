"""The writes of the self-assessment, each atomic and audited (one history row per object changed, naming `by`):
creating a strategy's assessment for a year with an empty answer per sub-category, saving the answers, adding the
suggested measures and activities, finalising and reopening. Only the country's secretariat writes (the views ask
`editable_by`; `create_assessment` asks `may_assess`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from nsm.accounts import access
from nsm.assessment.methodology import Level
from nsm.assessment.models import EVIDENCE_CHARS, Answer, Assessment, SubCategory
from nsm.assessment.selectors import suggestions
from nsm.audit import acting_as
from nsm.core import limits
from nsm.core.stale import bump_version, check_version, told_by_history
from nsm.strategy.models import Activity, Result, Strategy
from nsm.strategy.services import set_m2m_quietly


@dataclass(frozen=True)
class AnswerInput:
    """What the secretariat gives for one sub-category."""

    level: str
    evidence: str
    measure_ids: frozenset[int] = frozenset()
    activity_ids: frozenset[int] = frozenset()


def _describe(assessment: Assessment):
    return told_by_history(_("The SDG 10.7.2 self-assessment %(year)s") % {"year": assessment.year})


def create_assessment(strategy: Strategy, *, year: int, by: Any) -> Assessment:
    """A draft assessment of `strategy` for `year`, with an unanswered answer for every sub-category. Refused in words
    for a year outside the strategy's, a year assessed already, or a user who is not the country's secretariat."""
    if not access.may_assess(by, strategy.country):
        raise ValidationError(_("Only the secretariat of the strategy's country makes its self-assessments."))
    if not strategy.plan_start_year - 1 <= year <= strategy.plan_end_year:
        raise ValidationError(
            {
                "year": _("Choose a year from %(first)s to %(last)s: the strategy's years and the year before them.")
                % {"first": strategy.plan_start_year - 1, "last": strategy.plan_end_year}
            }
        )
    with transaction.atomic(), acting_as(by):
        if Assessment.objects.filter(strategy=strategy, year=year).exists():
            raise ValidationError(
                {"year": _("This strategy has a self-assessment for %(year)s already.") % {"year": year}}
            )
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(strategy=strategy, year=year)
        except IntegrityError:  # made meanwhile by someone else
            raise ValidationError(
                {"year": _("This strategy has a self-assessment for %(year)s already.") % {"year": year}}
            ) from None
        bulk_create_with_history(
            [Answer(assessment=assessment, subcategory=subcategory) for subcategory in SubCategory.objects.all()],
            Answer,
            default_user=by,
        )
    return assessment


def _refuse_final(assessment: Assessment) -> None:
    if assessment.is_final:
        raise ValidationError(_("This self-assessment is final: reopen it as a draft to change its answers."))


def check_answers(answers: dict[int, AnswerInput], subcategories: dict[int, SubCategory]) -> dict[str, list[str]]:
    """Every error of the answers at once, by form field (`level_<id>`, `evidence_<id>`)."""
    errors: dict[str, list[str]] = {}
    for subcategory_id, given in answers.items():
        subcategory = subcategories[subcategory_id]
        if given.level and given.level not in Level.values:
            errors[f"level_{subcategory_id}"] = [_("Choose one of the answers.")]
        elif given.level == Level.PARTIAL and not subcategory.allows_partial:
            errors[f"level_{subcategory_id}"] = [
                _("%(number)s is answered yes or no: the Inquiry gives no partial answer for it.")
                % {"number": subcategory.number}
            ]
        problems = []
        try:
            limits.refuse_longer_than(EVIDENCE_CHARS, given.evidence)
            limits.refuse_control_characters(given.evidence)
        except ValidationError as error:
            problems = list(error.messages)
        if problems:
            errors[f"evidence_{subcategory_id}"] = problems
    return errors


def save_answers(
    assessment: Assessment,
    *,
    by: Any,
    version: int | None,
    answers: dict[int, AnswerInput],
    note: str | None = None,
) -> int:
    """Save the answers given (by sub-category id) and, when given, the assessment's remarks (`note`, Markdown):
    each answer changed gets one history row, and so does the assessment (its version goes up); unchanged answers are
    left alone. Returns how many answers changed (and 1 for the remarks). Refused in words, with every error at once,
    when the assessment is final, was changed since `version`, or an answer is not one the sub-category takes;
    measures and activities not of the strategy are refused too."""
    with transaction.atomic(), acting_as(by):
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        check_version(locked, version, _describe(locked))
        _refuse_final(locked)
        current = {
            answer.subcategory_id: answer
            for answer in Answer.objects.filter(assessment=locked)
            .select_related("subcategory")
            .prefetch_related("measures", "activities")
        }
        unknown = set(answers) - set(current)
        if unknown:
            raise ValidationError(_("Some answers are not of this self-assessment: reload the page."))
        errors = check_answers(answers, {pk: answer.subcategory for pk, answer in current.items()})
        if note is not None:
            try:
                limits.refuse_longer_than(limits.LONG_TEXT_CHARS, note)
                limits.refuse_control_characters(note)
            except ValidationError as error:
                errors["note"] = list(error.messages)
        if errors:
            raise ValidationError(errors)
        wanted_measures = {pk for given in answers.values() for pk in given.measure_ids}
        wanted_activities = {pk for given in answers.values() for pk in given.activity_ids}
        if Result.objects.filter(strategy_id=locked.strategy_id, pk__in=wanted_measures).count() != len(
            wanted_measures
        ) or Activity.objects.filter(strategy_id=locked.strategy_id, pk__in=wanted_activities).count() != len(
            wanted_activities
        ):
            raise ValidationError(
                _("Some of the measures or activities chosen are not of this strategy: reload the page.")
            )
        changed = 0
        for subcategory_id, given in answers.items():
            answer = current[subcategory_id]
            measures = {m.pk for m in answer.measures.all()}
            activities = {a.pk for a in answer.activities.all()}
            fields_changed = answer.level != given.level or answer.evidence != given.evidence
            items_changed = measures != set(given.measure_ids) or activities != set(given.activity_ids)
            if not (fields_changed or items_changed):
                continue
            changed += 1
            answer.level, answer.evidence = given.level, given.evidence
            if items_changed:  # recorded with the answer's row saved after them, not a row each
                set_m2m_quietly(answer, {"measures": given.measure_ids, "activities": given.activity_ids})
            answer.save()
        if note is not None and note != locked.note:
            locked.note = note
            changed += 1
        if changed:
            bump_version(locked)
    assessment.version, assessment.note = locked.version, locked.note
    return changed


def add_suggestions(assessment: Assessment, *, by: Any, version: int | None) -> int:
    """Map to each sub-category that has no measure and no activity yet the plan's items its GCM objectives suggest
    (`selectors.suggestions`). Returns how many answers got items."""
    with transaction.atomic(), acting_as(by):
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        check_version(locked, version, _describe(locked))
        _refuse_final(locked)
        suggested = suggestions(locked.strategy)
        changed = 0
        answers = Answer.objects.filter(assessment=locked).prefetch_related("measures", "activities")
        for answer in answers:
            found = suggested.get(answer.subcategory_id)
            if found is None or answer.measures.all() or answer.activities.all():
                continue
            set_m2m_quietly(answer, {"measures": found.measures, "activities": found.activities})
            answer.save()
            changed += 1
        if changed:
            bump_version(locked)
    assessment.version = locked.version
    return changed


def set_status(assessment: Assessment, *, by: Any, version: int | None, status: str) -> Assessment:
    """Make the assessment final (every sub-category answered) or reopen it as a draft."""
    if status not in Assessment.Status.values:
        raise ValidationError(_("Choose draft or final."))
    with transaction.atomic(), acting_as(by):
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        check_version(locked, version, _describe(locked))
        if status == Assessment.Status.FINAL:
            missing = list(
                Answer.objects.filter(assessment=locked, level="")
                .order_by("subcategory__number")
                .values_list("subcategory__number", flat=True)
            )
            if missing:
                raise ValidationError(
                    _("Answer every sub-category before making the self-assessment final; not answered: %(numbers)s.")
                    % {"numbers": ", ".join(missing)}
                )
        if locked.status != status:
            locked.status = status
            bump_version(locked)
    assessment.status, assessment.version = locked.status, locked.version
    return locked
