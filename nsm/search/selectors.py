"""Search: the objects whose texts match a query, each kind read through its own door, grouped by kind.

The index (nsm.search.index) answers which objects of a kind match; the door of the kind (the queryset or rule
its own pages use) answers which of them the user may see, in the same query: one query per kind, whatever the data
size, each giving its first results and the count of them all. What is shown (titles, the text with the words
marked, the link) is read from the objects themselves, never from the index.

Who sees what, as on the pages the results link to:
- plan items (results, activities, indicators): the internal users of the strategy's country (`visible_to`);
- institutions: as the institutions page lists them (`access.institutions_visible_to`);
- the narratives of report lines: of the reports the user sees (`ProgressReport.visible_to`: a focal point their own
  institution's, the secretariat and coordinator every one of their country, a viewer the approved ones);
- consultation comments: in the rounds the user sees, every comment for the country's internal users, those of their
  own institution for an external stakeholder (as the round's page shows them);
- meetings and their decisions: the internal users of the strategy's country (`Meeting.visible_to`).
The search is for people signed in; the anonymous visitor is sent to sign in, as for the pages the results link to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.consultation.models import ConsultationComment
from nsm.i18n import localized_with_language, page_language
from nsm.monitoring.models import ActivityProgress, ProgressReport
from nsm.search import index
from nsm.search.query import MAX_CHARS, Query, highlight, parse
from nsm.strategy.models import Activity, Indicator, Result
from nsm.workinggroup.models import Decision, Meeting

PER_KIND = 5  # the results of each kind shown on the overview; a kind's own page shows them all, in pages


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    label: str  # the reference or code and title, as the object's own page names it
    context: str  # where it belongs: the strategy, the round, the meeting, the report
    text: SafeString  # the matched text, escaped, the words found in <mark>
    text_language: str  # the language of `text` when it is content in one language ("" otherwise)
    url: str


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    count: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Outcome:
    query: str
    refusal: str  # a sentence when the query is refused or has no word; "" otherwise
    groups: tuple[Group, ...]  # the kinds with results, in the order of KINDS

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)


KIND_LABELS = {
    "result": gettext_lazy("Goals, objectives and measures"),
    "activity": gettext_lazy("Activities"),
    "indicator": gettext_lazy("Indicators"),
    "institution": gettext_lazy("Institutions"),
    "narrative": gettext_lazy("Report narratives"),
    "comment": gettext_lazy("Consultation comments"),
    "meeting": gettext_lazy("Meetings"),
    "decision": gettext_lazy("Decisions"),
}
KIND_NAMES = tuple(kind.name for kind in index.KINDS)


DOORS: dict[str, Callable[[Any], QuerySet[Any]]] = {
    "result": lambda user: Result.objects.visible_to(user).select_related("strategy").order_by("strategy", "sort_key"),
    "activity": lambda user: (
        Activity.objects.visible_to(user).select_related("strategy").order_by("strategy", "sort_key")
    ),
    "indicator": lambda user: (
        Indicator.objects.visible_to(user).select_related("strategy").order_by("strategy", "sort_key")
    ),
    "institution": lambda user: access.institutions_visible_to(Institution.objects.all(), user).order_by(
        "country", "code"
    ),
    "narrative": lambda user: (
        ActivityProgress.objects.filter(report__in=ProgressReport.objects.visible_to(user))
        .exclude(narrative_sq="", narrative_en="")
        .select_related("activity", "report__institution", "report__cycle__strategy")
        .order_by("-report__cycle__year", "-report__cycle_id", "report__institution__code", "activity__sort_key")
    ),
    "comment": lambda user: (
        ConsultationComment.objects.visible_to(user)
        .select_related("round__version__strategy")
        .order_by("-created_at", "-pk")
    ),
    "meeting": lambda user: Meeting.objects.visible_to(user).select_related("strategy").order_by("-held_on", "-pk"),
    "decision": lambda user: (
        Decision.objects.filter(meeting__in=Meeting.objects.visible_to(user))
        .select_related("meeting__strategy")
        .order_by("-meeting__held_on", "-meeting_id", "number")
    ),
}


def matching(user: Any, kind: str, query: Query) -> QuerySet[Any]:
    """The objects of `kind` that match the query and that the user may see, in the order of the kind's page."""
    engine_query = query.fts5() if connection.vendor == "sqlite" else query.tsquery()
    found = RawSQL(index.matching_sql(connection, index.BY_NAME[kind]), [engine_query])  # noqa: S611 - constants  # nosec B611
    return DOORS[kind](user).filter(pk__in=found)


def refusal_of(text: str) -> str:
    if len(text) > MAX_CHARS:
        return _("The search is longer than %(limit)s characters: shorten it.") % {"limit": MAX_CHARS}
    return ""


def search(
    user: Any, text: str, *, kinds: tuple[str, ...] = KIND_NAMES, limit: int = PER_KIND, offset: int = 0
) -> Outcome:
    """The first `limit` results (from `offset`) of each kind and how many there are: one query per kind."""
    text = text.strip()
    refusal = refusal_of(text)
    query = parse(text) if not refusal else Query(text, ())
    if refusal or not query.phrases:
        return Outcome(text, refusal, ())
    groups = []
    for kind in kinds:
        rows = list(matching(user, kind, query).annotate(found=Window(Count("pk")))[offset : offset + limit])
        count = rows[0].found if rows else 0
        if count:
            hits = tuple(HITS[kind](row, query.words) for row in rows)
            groups.append(Group(kind, str(KIND_LABELS[kind]), count, hits))
    return Outcome(text, "", tuple(groups))


# --- A result line of each kind ---


def _best_text(obj: Any, field: str, words: tuple[str, ...], *extra: str) -> tuple[SafeString, str]:
    """The content text to show: the page's language when the words are found in it, else the other, else extra."""
    language = page_language()
    for code in (language, "en" if language == "sq" else "sq"):
        text = getattr(obj, f"{field}_{code}", "")
        marked = highlight(text, words)
        if text and "<mark>" in marked:
            return marked, code
    for text in extra:
        marked = highlight(text, words)
        if text and "<mark>" in marked:
            return marked, ""
    text, code = localized_with_language(obj, field)
    return highlight(text, words), code


def _plan_item(kind: str, view: str, field: str) -> Callable[[Any, tuple[str, ...]], Hit]:
    def hit(obj: Any, words: tuple[str, ...]) -> Hit:
        text, language = _best_text(obj, field, words, obj.code, getattr(obj, "reference", ""))
        return Hit(
            kind, obj.pk, obj.display_code if hasattr(obj, "display_code") else obj.code, obj.strategy.code,
            text, language, reverse(f"strategy:{view}", args=[obj.strategy.code, obj.pk]),
        )  # fmt: skip

    return hit


def _institution(obj: Institution, words: tuple[str, ...]) -> Hit:
    text, language = _best_text(obj, "name", words, obj.code)
    url = reverse("accounts:institutions") + f"?country={obj.country}"
    return Hit("institution", obj.pk, obj.code, obj.country, text, language, url)


def _narrative(obj: ActivityProgress, words: tuple[str, ...]) -> Hit:
    report = obj.report
    context = f"{report.institution.code} · {report.cycle}"
    text, language = _best_text(obj, "narrative", words)
    return Hit(
        "narrative", obj.pk, obj.activity.display_code, context, text, language,
        reverse("monitoring:report", args=[report.pk]),
    )  # fmt: skip


def _comment(obj: ConsultationComment, words: tuple[str, ...]) -> Hit:
    text = highlight(obj.text, words)
    if "<mark>" not in text and obj.answer_reason:
        text = highlight(obj.answer_reason, words)
    return Hit(
        "comment", obj.pk, obj.target_label, obj.round.title, text, "",
        reverse("consultation:round", args=[obj.round_id]),
    )  # fmt: skip


def _meeting(obj: Meeting, words: tuple[str, ...]) -> Hit:
    marked = [highlight(text, words) for text in (obj.title, obj.agenda, obj.location)]
    text = next((each for each in marked if "<mark>" in each), marked[0])
    context = f"{obj.strategy.code} · {date_format(obj.held_on)}"
    return Hit("meeting", obj.pk, obj.title, context, text, "", reverse("workinggroup:meeting", args=[obj.pk]))


def _decision(obj: Decision, words: tuple[str, ...]) -> Hit:
    label = _("Decision %(number)s") % {"number": obj.number}
    text, language = _best_text(obj, "text", words)
    return Hit(
        "decision", obj.pk, label, obj.meeting.title, text, language,
        reverse("workinggroup:meeting", args=[obj.meeting_id]),
    )  # fmt: skip


HITS: dict[str, Callable[[Any, tuple[str, ...]], Hit]] = {
    "result": _plan_item("result", "result", "title"),
    "activity": _plan_item("activity", "activity", "title"),
    "indicator": _plan_item("indicator", "indicator", "name"),
    "institution": _institution,
    "narrative": _narrative,
    "comment": _comment,
    "meeting": _meeting,
    "decision": _decision,
}
