"""Issuing the consultation report of a closed round (Law 146/2014): what it says, frozen, and who may issue it.

`issue_report(round_, by=...)` freezes the round's report (`report.build`, the figures of the report page) into a
`ConsultationReport`: plain data in both languages, which the documents (`nsm.reports.consultation`) and the round's
public page print. E-mail addresses never go into it: not the participants', and not one typed into a comment, a
reason, a name or an organisation (each is replaced by "[…]"). A signed-in commenter is named by their institution, a
member of the public by the name and organisation they agreed to publish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.audit import acting_as
from nsm.consultation import report
from nsm.consultation.models import ConsultationComment, ConsultationReport, ConsultationRound, Sex, StakeholderType
from nsm.consultation.rounds import _entries, snapshot_items

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
HIDDEN = "[…]"
SECTIONS = {"indicator": "indicators", "activity": "activities"}
Target = ConsultationComment.Target
Answer = ConsultationComment.Answer


def without_emails(text: str) -> str:
    """`text` with every e-mail address replaced by "[…]"."""
    return EMAIL.sub(HIDDEN, text or "")


def label_of(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def item_label(comment: dict[str, Any], language: str) -> str:
    """ "Activity 1.1.1.1: Train the border police" or "Whole plan"."""
    if comment["target_kind"] == Target.PLAN:
        return str(Target.PLAN.label)
    title = (comment.get("item") or {}).get(language, "")
    label = f"{label_of(Target, comment['target_kind'])} {comment['target_code']}"
    return f"{label}: {title}" if title else label


def commenter(comment: dict[str, Any], language: str) -> str:
    """Who commented, as published: a member of the public by name and organisation, a signed-in user by their
    institution; then the stakeholder type."""
    if comment["public"]:
        who = ", ".join(part for part in (comment["name"], comment["organisation"]) if part)
    else:
        institution = comment.get("institution") or {}
        name = institution.get(language) or institution.get("en") or institution.get("sq") or ""
        who = f"{institution.get('code', '')} — {name}" if name else institution.get("code", "")
    kind = label_of(StakeholderType, comment["stakeholder_type"])
    return f"{who} ({kind})" if who else kind


def answer_label(comment: dict[str, Any]) -> str:
    return label_of(Answer, comment["answer"]) if comment["answer"] else _("Not answered")


@dataclass(frozen=True)
class PublishedComment:
    """A comment as the issued report publishes it, in the active language."""

    number: int
    on: str
    by: str
    text: str
    answer: str
    answered: bool
    reason: str


def document_language() -> str:
    """The active language as a document's ("sq" or "en")."""
    return "sq" if (get_language() or "").startswith("sq") else "en"


def published_comments(issued: ConsultationReport) -> list[PublishedComment]:
    """The comments of an issued report with their answers, worded as its documents word them."""
    language = document_language()
    return [
        PublishedComment(
            number=comment["number"],
            on=item_label(comment, language),
            by=commenter(comment, language),
            text=comment["text"],
            answer=answer_label(comment),
            answered=bool(comment["answer"]),
            reason=comment["reason"],
        )  # fmt: skip
        for comment in issued.content.get("comments", [])
    ]


def may_issue(user: Any, round_: ConsultationRound) -> bool:
    return access.may_issue_report(user, round_.version.strategy.country)


def item_titles(round_: ConsultationRound) -> dict[str, dict[str, str]]:
    """The titles in Albanian and English of the consulted version's items, by item key ("activity:1.1.1.1")."""
    snapshot = round_.version.snapshot or {}
    sections = {name: dict(_entries(snapshot.get(name))) for name in ("results", "indicators", "activities")}
    titles = {}
    for item in snapshot_items(snapshot):
        data = sections[SECTIONS.get(item.kind, "results")].get(item.code, {})
        titles[item.key] = {
            language: str(data.get(f"title_{language}") or data.get(f"name_{language}") or item.title)
            for language in ("sq", "en")
        }
    return titles


def content_of(round_: ConsultationRound, built: report.ConsultationReport) -> dict[str, Any]:
    """What the issued report says, as plain data (the JSON kept by `ConsultationReport.content`)."""
    version, strategy = round_.version, round_.version.strategy
    titles = item_titles(round_)
    invited = sorted(round_.invited.all(), key=lambda institution: institution.code)
    comments = []
    for number, comment in enumerate(built.comments, start=1):
        institution = comment.institution
        comments.append(
            {
                "number": number,
                "posted": timezone.localtime(comment.created_at).date().isoformat(),
                "target_kind": comment.target_kind,
                "target_code": comment.target_code,
                "item": titles.get(f"{comment.target_kind}:{comment.target_code}", {}),
                "public": comment.is_public,
                "name": without_emails(comment.name) if comment.is_public else "",
                "organisation": without_emails(comment.organisation if comment.is_public else ""),
                "institution": (
                    {"code": institution.code, "sq": institution.name_sq, "en": institution.name_en}
                    if institution and not comment.is_public
                    else None
                ),
                "stakeholder_type": comment.stakeholder_type,
                "text": without_emails(comment.text),
                "answer": comment.answer,
                "reason": without_emails(comment.answer_reason),
            }
        )
    return {
        "strategy": {"code": strategy.code, "sq": strategy.title_sq, "en": strategy.title_en},
        "version": {"number": version.number, "label": version.label},
        "round": {
            "title": round_.title,
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
            "is_public": round_.is_public,
        },  # fmt: skip
        "invited": [
            {"code": institution.code, "sq": institution.name_sq, "en": institution.name_en} for institution in invited
        ],
        "sexes": list(Sex.values),
        "participants": [{"type": row.type, "by_sex": row.by_sex, "total": row.total} for row in built.rows],
        "sex_totals": built.sex_totals,
        "total": built.participants,
        "answered": built.answered,
        "comments": comments,
    }


def issue_report(round_: ConsultationRound, *, by: Any) -> ConsultationReport:
    """Issue the consultation report of a closed round, numbered after those issued before: the secretariat only,
    once the round has closed. Its content is frozen; issuing publishes it on the round's public page."""
    if not may_issue(by, round_):
        raise PermissionDenied
    with transaction.atomic(), acting_as(by):
        round_ = ConsultationRound.objects.select_for_update().select_related("version__strategy").get(pk=round_.pk)
        if round_.status != ConsultationRound.Status.CLOSED:
            raise ValidationError(
                _("The consultation report is issued once the round has closed: this one closes on %(day)s.")
                % {"day": date_format(round_.closes_on, "DATE_FORMAT")}
            )
        number = (round_.reports.aggregate(last=Max("number"))["last"] or 0) + 1
        issued = ConsultationReport(
            round=round_, number=number, issued_by=by, content=content_of(round_, report.build(round_))
        )
        issued.full_clean()
        issued.save()
    return issued


def latest(round_: ConsultationRound) -> ConsultationReport | None:
    """The newest report issued for the round: the one its public page shows."""
    return round_.reports.order_by("-number").first()
