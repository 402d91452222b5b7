"""Remarks on the drafts the secretariat writes, and its answers: the coordinator (and the secretariat itself) reads a
narrative chapter, the narrative of a monitoring report, the GCM review or the SDG 10.7.2 self-assessment and says
what should change; the secretariat answers each remark, which resolves it.

A remark is about one draft, named by a key `<kind>-<part>`: "chapter-vision", "annual-2024", "annual-2025-H1",
"gcm-2024-2026", "sdg-2025". The kinds are registered here (`register_subject`): the chapters, the monitoring report
and the GCM review by this module, the self-assessment by nsm.assessment, which sits above this app. A remark is
never deleted nor edited: it is posted, then answered once; its history keeps both steps and who took them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.analytics.periods import Period
from nsm.audit import acting_as
from nsm.core.shortlist import Shortlist, shortlist
from nsm.reports import issued
from nsm.reports.gcm_review import review_periods
from nsm.reports.models import Remark
from nsm.strategy.models import Chapter, Strategy

KEY_CHARS = 32


@dataclass(frozen=True)
class Subject:
    """A kind of draft remarks are posted on: its title and page for a part (a chapter's kind, a period, a year), and
    whether a part names one of the strategy's drafts."""

    kind: str
    title: Callable[[str], str]
    url: Callable[[Strategy, str], str]
    exists: Callable[[Strategy, str], bool]


SUBJECTS: dict[str, Subject] = {}


def register_subject(subject: Subject) -> None:
    SUBJECTS[subject.kind] = subject


@dataclass(frozen=True)
class About:
    """One draft remarks are about: its key, its title in words and its page, and whether it names one of the
    strategy's drafts (False for a draft gone since, e.g. a period no longer in the plan: it has no page)."""

    key: str
    title: str
    url: str
    exists: bool = True


def _split(key: str) -> tuple[Subject | None, str]:
    kind, _sep, part = key.partition("-")
    return SUBJECTS.get(kind), part


def found(strategy: Strategy, key: str) -> About:
    """The draft `key` names, checked: `exists` says whether it is one of the strategy's drafts (a gone one keeps its
    title, without a page)."""
    subject, part = _split(key)
    if subject is None or not part:
        return About(key, key, "", exists=False)
    if len(key) > KEY_CHARS or not subject.exists(strategy, part):
        return About(key, subject.title(part), "", exists=False)
    return About(key, subject.title(part), subject.url(strategy, part))


def about(strategy: Strategy, key: str) -> About:
    """The draft `key` names; a ValidationError in words when it names none of the strategy's drafts."""
    draft = found(strategy, key)
    if not draft.exists:
        raise ValidationError(_("There is no such draft to remark on."))
    return draft


def described(strategy: Strategy, key: str) -> About:
    """The draft `key` names, as a list shows it, without checking it still exists (no query)."""
    subject, part = _split(key)
    if subject is None:
        return About(key, key, "")
    return About(key, subject.title(part), subject.url(strategy, part))


def remarks_on(strategy: Strategy, key: str) -> list[Remark]:
    """The remarks on one draft, oldest first, with who wrote and who answered them (one query)."""
    return list(_with_people(Remark.objects.filter(strategy=strategy, subject=key)))


def remarks_of(strategy: Strategy) -> list[Remark]:
    """Every remark on the strategy's drafts, open ones first ("open" sorts before "resolved"), then by draft and
    date (one query)."""
    remarks = Remark.objects.filter(strategy=strategy).order_by("status", "subject", "created_at", "pk")
    return list(_with_people(remarks))


def open_counts(strategy: Strategy, kind: str) -> dict[str, int]:
    """The number of open remarks on each draft of a kind, by its part (one query)."""
    rows = (
        Remark.objects.filter(strategy=strategy, subject__startswith=f"{kind}-", status=Remark.Status.OPEN)
        .values("subject")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["subject"].partition("-")[2]: row["count"] for row in rows}


def to_answer(user: Any) -> Shortlist[Remark]:
    """The open remarks the user answers (the secretariat's of its country), the oldest first, for the home page (two
    queries)."""
    waiting = Remark.objects.answerable_by(user).filter(status=Remark.Status.OPEN)
    found = shortlist(_with_people(waiting).select_related("strategy").order_by("created_at", "pk"))
    for remark in found:
        remark.draft = described(remark.strategy, remark.subject)
    return found


def _with_people(remarks: QuerySet[Remark]) -> QuerySet[Remark]:
    return remarks.select_related("author", "resolved_by")


def post(strategy: Strategy, key: str, *, by: Any, text: str) -> Remark:
    """Post a remark on a draft of `strategy`: the coordinator and the secretariat (`access.may_remark`)."""
    if not access.may_remark(by, strategy.country):
        raise PermissionDenied
    about(strategy, key)
    if not text.strip():
        raise ValidationError({"text": _("Write the remark.")})
    with transaction.atomic(), acting_as(by):
        remark = Remark(strategy=strategy, subject=key, text=text, author=by)
        remark.full_clean()
        remark.save()
    return remark


def answer(remark: Remark, *, by: Any, text: str) -> Remark:
    """Answer a remark, which resolves it: the secretariat (`access.may_answer_remarks`). A remark is answered once;
    an answer given meanwhile by someone else is kept, and this one refused in words."""
    if not access.may_answer_remarks(by, remark.strategy.country):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"answer": _("Write the answer: what was changed, or why nothing was.")})
    with transaction.atomic(), acting_as(by):
        locked = Remark.objects.select_for_update(of=("self",)).select_related("resolved_by").get(pk=remark.pk)
        if locked.status == Remark.Status.RESOLVED:
            who = str(locked.resolved_by or "—")
            raise ValidationError(
                {"answer": _("%(person)s answered this remark meanwhile; your answer was not saved.") % {"person": who}}
            )
        locked.answer, locked.status = text, Remark.Status.RESOLVED
        locked.resolved_by, locked.resolved_at = by, timezone.now()
        locked.full_clean()
        locked.save()
    return locked


# --- The drafts of this app ---


def _period(part: str) -> Period | None:
    try:
        return Period.parse(part)
    except ValueError:
        return None


def _annual_exists(strategy: Strategy, part: str) -> bool:
    period = _period(part)
    if period is None or period.slug != part:
        return False
    try:
        issued.check_period(strategy, period)
    except ValidationError:
        return False
    return True


def _gcm_exists(strategy: Strategy, part: str) -> bool:
    period = _period(part)
    return period is not None and period.slug == part and period in review_periods(strategy)


def _period_label(part: str) -> str:
    period = _period(part)
    return period.label if period else part


register_subject(
    Subject(
        kind="chapter",
        title=lambda part: (
            _("Chapter “%(chapter)s”") % {"chapter": Chapter.Kind(part).label} if part in Chapter.Kind.values else part
        ),
        url=lambda strategy, part: reverse("chapters:list", args=[strategy.code]) + f"#chapter-{part}",
        exists=lambda strategy, part: part in Chapter.Kind.values,
    )
)
register_subject(
    Subject(
        kind="annual",
        title=lambda part: _("Monitoring report %(period)s") % {"period": _period_label(part)},
        url=lambda strategy, part: reverse("reports:annual", args=[strategy.code, part]),
        exists=_annual_exists,
    )
)
register_subject(
    Subject(
        kind="gcm",
        title=lambda part: _("GCM review %(period)s") % {"period": _period_label(part)},
        url=lambda strategy, part: reverse("reports:gcm-review", args=[strategy.code]) + f"?period={part}",
        exists=_gcm_exists,
    )
)
