"""Consultation rounds: creating and changing them, inviting institutions, comments and the secretariat's answers.

Who may do what (the views answer 404 before these run; the services check again, so the rules hold whoever calls):
- the secretariat and the coordinator of the strategy's country (`access.may_manage`, `access.may_answer`) create and
  change rounds, invite institutions and answer comments;
- while a round is open, any internal user of the country comments, and so does an external stakeholder whose
  institution is invited;
- the public comments without an account only while a public round is open: with a name, an email address, the
  consent to publication, an empty honeypot field, and at most `settings.PUBLIC_COMMENT_LIMIT` comments
  per `settings.PUBLIC_COMMENT_WINDOW_SECONDS` from one address (counted in the database under a row lock, so that
  parallel posts cannot outrun the limit); the same comment posted again by the same email address on the same
  item within `settings.PUBLIC_COMMENT_DUPLICATE_SECONDS` is stored once (see docs/configuration.md).

The items a comment attaches to come from the version's snapshot (`snapshot_items`), never from the live plan.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.accounts.models import Institution, Membership
from nsm.audit import acting_as
from nsm.consultation.models import (
    ConsultationComment,
    ConsultationRound,
    PlanVersion,
    PublicCommentCounter,
    Sex,
    StakeholderType,
)
from nsm.core.counters import count_in_window, locked_window
from nsm.core.stale import bump_version, check_version, told_by_history

Target = ConsultationComment.Target
Answer = ConsultationComment.Answer

# An institution's kind gives the stakeholder type its users comment as (they may choose another); every kind is
# here.
KIND_TO_STAKEHOLDER: dict[str, StakeholderType] = {
    Institution.Kind.MINISTRY: StakeholderType.GOVERNMENT,
    Institution.Kind.AGENCY: StakeholderType.GOVERNMENT,
    Institution.Kind.MUNICIPALITY: StakeholderType.GOVERNMENT,
    Institution.Kind.INDEPENDENT: StakeholderType.GOVERNMENT,
    Institution.Kind.INTERNATIONAL: StakeholderType.INTERNATIONAL,
    Institution.Kind.CIVIL_SOCIETY: StakeholderType.CIVIL_SOCIETY,
    Institution.Kind.ACADEMIA: StakeholderType.ACADEMIA,
    Institution.Kind.DIASPORA: StakeholderType.DIASPORA,
    Institution.Kind.OTHER: StakeholderType.CIVIL_SOCIETY,
}


# Sent once institutions were invited to a round has committed (the round created with them, or they were added), with
# `round_id`, `institution_ids` (those newly invited) and `by_id` (the acting user's id, or None). The notifications
# app, above this one, tells the invited institutions' users.
round_invitation = Signal()

# Sent once the secretariat's answer to a comment was given or changed has committed, with `comment_id`, `answered_at`
# and `by_id`. The notifications app tells a signed-in author in the platform, and e-mails the answer to a public
# comment (one without an author) to the address its commenter gave.
comment_answered = Signal()


def _announce_invited(round_: ConsultationRound, institution_ids: set[int], *, by: Any) -> None:
    if not institution_ids:
        return
    round_id, ids, by_id = round_.pk, sorted(institution_ids), getattr(by, "pk", None)
    transaction.on_commit(
        lambda: round_invitation.send(sender=ConsultationRound, round_id=round_id, institution_ids=ids, by_id=by_id),
        robust=True,
    )


def _announce_answered(comment: ConsultationComment, *, by: Any) -> None:
    comment_id, answered_at, by_id = comment.pk, comment.answered_at, getattr(by, "pk", None)
    transaction.on_commit(
        lambda: comment_answered.send(
            sender=ConsultationComment, comment_id=comment_id, answered_at=answered_at, by_id=by_id
        ),
        robust=True,
    )


class RateLimited(ValidationError):
    """Too many public comments from one address in the window."""


class SpamRefused(ValidationError):
    """The honeypot field was filled in: a robot, not a person."""


# --- The items of a version ---


@dataclass(frozen=True)
class Item:
    """An item of the consulted version: its kind (goal ... indicator), code, title and depth in the tree."""

    kind: str
    code: str
    title: str
    depth: int
    parent: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        return f"{Target(self.kind).label} {self.code}"


def _code_key(code: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\-]", code))


def _entries(section: Any) -> list[tuple[str, dict]]:
    """A snapshot section as (code, data) pairs, whether it is keyed by code or a list of dicts with a code."""
    if isinstance(section, dict):
        return [(str(code), data if isinstance(data, dict) else {}) for code, data in section.items()]
    if isinstance(section, list):
        return [(str(data.get("code", "")), data) for data in section if isinstance(data, dict) and data.get("code")]
    return []


def _title(data: dict) -> str:
    for name in ("title_en", "name_en", "title_sq", "name_sq", "title", "name"):
        value = data.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


DEPTH = {Target.GOAL: 1, Target.OBJECTIVE: 2, Target.MEASURE: 3}


def snapshot_items(snapshot: dict) -> list[Item]:
    """Every item of a snapshot (`versions.snapshot`) in plan order: each result, then its indicators, then (for a
    measure) its activities."""
    results: list[Item] = []
    for code, data in _entries(snapshot.get("results")):
        level = data.get("level") or {1: Target.GOAL, 2: Target.OBJECTIVE}.get(code.count(".") + 1, Target.MEASURE)
        if level in DEPTH:
            results.append(Item(level, code, _title(data), DEPTH[level]))
    under: dict[str, list[Item]] = {}
    for kind, section, parent_field in (
        (Target.INDICATOR, "indicators", "result"),
        (Target.ACTIVITY, "activities", "measure"),
    ):
        for code, data in sorted(_entries(snapshot.get(section)), key=lambda entry: _code_key(entry[0])):
            parent = str(data.get(parent_field) or "")
            under.setdefault(parent, []).append(Item(kind, code, _title(data), 4, parent))
    items: list[Item] = []
    for result in sorted(results, key=lambda item: _code_key(item.code)):
        items.append(result)
        items.extend(under.pop(result.code, []))
    for orphans in under.values():  # items whose result is not in the snapshot: listed last, never lost
        items.extend(orphans)
    return items


# The round page's line: an item (None: the whole plan), its comments and its detail.
Entry = tuple[Item | None, list[Any], Any]


@dataclass(frozen=True)
class GoalFold:
    """A goal on the round page and the items under it, folded together; without a goal (`head` None) the entries
    that stand apart: the whole plan, and the items whose result is not in the version."""

    head: Entry | None
    entries: tuple[Entry, ...]

    @property
    def comments(self) -> int:
        return sum(len(comments) for _item, comments, _detail in (*((self.head,) if self.head else ()), *self.entries))


def by_goal(entries: Iterable[Entry]) -> list[GoalFold]:
    """The round page's entries (in the order of `snapshot_items`) grouped by goal: each goal with the items after
    it up to the next goal."""
    entries = list(entries)
    results = {item.code for item, _comments, _detail in entries if item is not None and item.depth < 4}
    groups: list[tuple[Entry | None, list[Entry]]] = []
    for entry in entries:
        item = entry[0]
        if item is not None and item.kind == Target.GOAL:
            groups.append((entry, []))
        elif item is None or not groups or groups[-1][0] is None or (item.depth == 4 and item.parent not in results):
            if not groups or groups[-1][0] is not None:
                groups.append((None, []))
            groups[-1][1].append(entry)
        else:
            groups[-1][1].append(entry)
    return [GoalFold(head, tuple(under)) for head, under in groups]


@dataclass(frozen=True)
class ItemDetail:
    """Who does an item of the consulted version and what it costs, as the version holds them: for an activity the
    responsible institutions (the lead first) and the supporting ones by code, its timeframe as written and its
    planned cost by year; for an indicator the institution responsible for it."""

    lead: str = ""
    responsible: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    timeframe: str = ""
    costs: tuple[tuple[int, Decimal], ...] = ()

    @property
    def total_cost(self) -> Decimal:
        return sum((amount for _year, amount in self.costs), Decimal(0))


def _costs(budget: Any) -> tuple[tuple[int, Decimal], ...]:
    by_year: dict[int, Decimal] = {}
    for line in budget if isinstance(budget, list) else ():
        year, _source, _donor, amount = line
        by_year[int(year)] = by_year.get(int(year), Decimal(0)) + Decimal(str(amount))
    return tuple(sorted(by_year.items()))


def item_details(snapshot: dict) -> dict[str, ItemDetail]:
    """The responsibilities and costs of the snapshot's activities and indicators, by item key (`Item.key`), so
    that whoever reads a round reads the draft in full."""
    details: dict[str, ItemDetail] = {}
    for code, data in _entries(snapshot.get("activities")):
        lead = str(data.get("lead") or "")
        responsible = [str(code) for code in data.get("responsible") or () if code != lead]
        details[f"{Target.ACTIVITY}:{code}"] = ItemDetail(
            lead=lead,
            responsible=tuple(responsible),
            partners=tuple(str(code) for code in data.get("partners") or ()),
            timeframe=str(data.get("timeframe") or ""),
            costs=_costs(data.get("budget")),
        )
    for code, data in _entries(snapshot.get("indicators")):
        if data.get("responsible"):
            details[f"{Target.INDICATOR}:{code}"] = ItemDetail(lead=str(data["responsible"]))
    return details


def items_by_key(version: PlanVersion) -> dict[str, Item]:
    return {item.key: item for item in snapshot_items(version.snapshot or {})}


def _check_target(round_: ConsultationRound, target_kind: str, target_code: str) -> tuple[str, str]:
    if target_kind == Target.PLAN or not target_kind:
        return Target.PLAN, ""
    if f"{target_kind}:{target_code}" not in items_by_key(round_.version):
        raise ValidationError({"target": _("This item is not in the version under consultation.")})
    return target_kind, target_code


# --- Rounds ---


def may_manage(user: Any, round_or_version: ConsultationRound | PlanVersion) -> bool:
    version = round_or_version.version if isinstance(round_or_version, ConsultationRound) else round_or_version
    return access.may_manage(user, version.strategy.country)


def may_answer(user: Any, round_: ConsultationRound) -> bool:
    return access.may_answer(user, round_.version.strategy.country)


# --- The shortest round (Law 146/2014) ---


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday. Public holidays are not known to the platform: they count as working days."""
    return day.weekday() < 5


def working_days(start: datetime.date, end: datetime.date) -> int:
    """The working days from `start` to `end`, both included (0 when `end` is before `start`)."""
    if end < start:
        return 0
    weeks, extra = divmod((end - start).days + 1, 7)
    return weeks * 5 + sum(1 for n in range(extra) if is_working_day(start + datetime.timedelta(days=n)))


def earliest_close(opens_on: datetime.date, minimum: int | None = None) -> datetime.date:
    """The first day a round opening on `opens_on` may close on: the `minimum`-th working day counted from the
    opening day (`settings.CONSULTATION_MIN_WORKING_DAYS` by default)."""
    minimum = settings.CONSULTATION_MIN_WORKING_DAYS if minimum is None else minimum
    day, counted = opens_on, 1 if is_working_day(opens_on) else 0
    while counted < minimum:
        day += datetime.timedelta(days=1)
        counted += is_working_day(day)
    return day


def check_length(opens_on: datetime.date, closes_on: datetime.date) -> None:
    """A ValidationError on `closes_on` when the round is shorter than the law allows, naming the law and the
    earliest closing date."""
    minimum = settings.CONSULTATION_MIN_WORKING_DAYS
    if minimum <= 0 or closes_on < opens_on or working_days(opens_on, closes_on) >= minimum:
        return
    raise ValidationError(
        {
            "closes_on": _(
                "Law 146/2014 on notification and public consultation gives at least %(days)s working days to "
                "comment: a round opening on %(opens)s closes on %(earliest)s at the earliest."
            )
            % {
                "days": minimum,
                "opens": date_format(opens_on, "DATE_FORMAT"),
                "earliest": date_format(earliest_close(opens_on, minimum), "DATE_FORMAT"),
            }
        }
    )


def create_round(
    version: PlanVersion,
    *,
    by: Any,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    is_public: bool = False,
    invited: Iterable[Institution] = (),
) -> ConsultationRound:
    """A new consultation round on a frozen version, with the institutions invited to it."""
    if not may_manage(by, version):
        raise PermissionDenied
    round_ = ConsultationRound(
        version=version, title=title, opens_on=opens_on, closes_on=closes_on, is_public=is_public, created_by=by
    )
    invited = _own_country(list(invited), version.strategy.country)
    check_length(opens_on, closes_on)
    with transaction.atomic(), acting_as(by):
        round_.full_clean()
        round_.save()
        round_.invited.set(invited)
        _announce_invited(round_, {institution.pk for institution in invited}, by=by)
    return round_


def _own_country(institutions: list[Institution], country: str) -> list[Institution]:
    """The institutions invited, all of the strategy's country: another country's is refused by name."""
    foreign = sorted(institution.code for institution in institutions if institution.country != country)
    if foreign:
        raise ValidationError(
            {
                "invited": _("%(codes)s belong to another country than the strategy's (%(country)s).")
                % {"codes": ", ".join(foreign), "country": country}
            }
        )
    return institutions


def update_round(
    round_: ConsultationRound, *, by: Any, revision: int | None = None, **fields: Any
) -> ConsultationRound:
    """Change a round's title, dates, openness to the public and invited institutions (`invited`), edited at
    `revision` (None: unchecked): a round changed since is refused with `StaleVersion`, saying who changed what."""
    if not may_manage(by, round_):
        raise PermissionDenied
    invited = fields.pop("invited", None)
    unknown = set(fields) - {"title", "opens_on", "closes_on", "is_public"}
    if unknown:
        raise TypeError(f"update_round does not change {sorted(unknown)}")
    if invited is not None:
        invited = _own_country(list(invited), round_.version.strategy.country)
    with transaction.atomic(), acting_as(by):
        round_ = ConsultationRound.objects.select_for_update().get(pk=round_.pk)
        item = _("The consultation round “%(title)s”") % {"title": round_.title}
        check_version(round_, revision, told_by_history(item, field="revision"), field="revision")
        dates = (round_.opens_on, round_.closes_on)
        for name, value in fields.items():
            setattr(round_, name, value)
        if (round_.opens_on, round_.closes_on) != dates:  # a round kept as it was stays valid
            if round_.reports.exists():
                raise ValidationError(
                    {
                        "closes_on": _(
                            "The consultation report of this round has been issued with these dates: they can no "
                            "longer change."
                        )
                    },
                    code="issued",
                )
            check_length(round_.opens_on, round_.closes_on)
        round_.full_clean()
        bump_version(round_, field="revision")
        if invited is not None:
            before = set(round_.invited.values_list("pk", flat=True))
            round_.invited.set(invited)
            _announce_invited(round_, {institution.pk for institution in invited} - before, by=by)
    return round_


def invite(round_: ConsultationRound, institutions: Iterable[Institution], *, by: Any) -> ConsultationRound:
    """Add institutions to those invited to a round."""
    return update_round(round_, by=by, invited=[*round_.invited.all(), *institutions])


# --- Comments ---


def commenting_institution(user: Any, round_: ConsultationRound) -> Institution | None:
    """The institution a signed-in user comments for on a round; None when they may not comment on it.

    Internal users comment for their institution in the strategy's country, external stakeholders for their
    invited institution."""
    if not getattr(user, "is_authenticated", False):
        return None
    country = round_.version.strategy.country
    memberships = Membership.objects.filter(user=user).select_related("institution").order_by("pk")
    internal = [m for m in memberships if m.role in access.INTERNAL_ROLES and m.institution.country == country]
    if internal:
        return internal[0].institution
    invited = set(round_.invited.values_list("pk", flat=True))
    for membership in memberships:
        if membership.role in access.STAKEHOLDERS and membership.institution_id in invited:
            return membership.institution
    if access.is_superuser(user):
        return None
    raise PermissionDenied


def may_comment(user: Any, round_: ConsultationRound) -> bool:
    if not round_.is_open:
        return False
    try:
        institution = commenting_institution(user, round_)
    except PermissionDenied:
        return False
    return institution is not None or access.is_superuser(user)


def post_comment(
    round_: ConsultationRound,
    *,
    by: Any,
    text: str,
    target_kind: str = Target.PLAN,
    target_code: str = "",
    stakeholder_type: str = "",
    sex: str = "",
) -> ConsultationComment:
    """A signed-in user's comment, while the round is open: an internal user of the country or an invited
    stakeholder."""
    institution = commenting_institution(by, round_)
    if not round_.is_open:
        raise ValidationError(_("This consultation round is not open for comments."))
    target_kind, target_code = _check_target(round_, target_kind, target_code)
    default_type = KIND_TO_STAKEHOLDER[institution.kind] if institution else StakeholderType.GOVERNMENT
    comment = ConsultationComment(
        round=round_, target_kind=target_kind, target_code=target_code, text=text.strip(), author=by,
        institution=institution, organisation=institution.code if institution else "",
        stakeholder_type=stakeholder_type or default_type, sex=sex or Sex.UNDISCLOSED,
    )  # fmt: skip
    with transaction.atomic(), acting_as(by):
        comment.full_clean()
        comment.save()
    return comment


def public_limit() -> tuple[int, int]:
    """How many public comments one address may post, and in how many seconds."""
    return settings.PUBLIC_COMMENT_LIMIT, settings.PUBLIC_COMMENT_WINDOW_SECONDS


def _hashed(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _count_from(address: str, now: datetime.datetime) -> None:
    """Count one more public comment from `address`, or refuse it (counting nothing) when the address has posted its
    limit."""
    limit, seconds = public_limit()
    window = datetime.timedelta(seconds=seconds)
    if count_in_window(PublicCommentCounter, "address:" + _hashed(address), now, window, limit=limit) > limit:
        raise RateLimited(_("Too many comments from your connection: please wait a few minutes and try again."))


def _recent_duplicate(comment: ConsultationComment, now: datetime.datetime) -> ConsultationComment | None:
    """The same public comment (round, email, item and text) posted within the duplicate window, if any. The caller
    holds the lock of this comment's content, so that two parallel posts of it cannot both miss each other."""
    seconds = settings.PUBLIC_COMMENT_DUPLICATE_SECONDS
    key = _hashed(str(comment.round_id), comment.email.lower(), comment.target_kind, comment.target_code, comment.text)
    locked_window(PublicCommentCounter, "comment:" + key, now, datetime.timedelta(seconds=seconds))
    return (
        ConsultationComment.objects.filter(
            round=comment.round_id,
            author__isnull=True,
            email__iexact=comment.email,
            target_kind=comment.target_kind,
            target_code=comment.target_code,
            text=comment.text,
            created_at__gte=now - datetime.timedelta(seconds=seconds),
        )
        .order_by("pk")
        .first()
    )


def _forget_old_counters(now: datetime.datetime) -> None:
    """Delete counters whose window has passed, a batch at a time, skipping those being posted against (on
    PostgreSQL `SKIP LOCKED`, so that the clean-up never waits for a post nor a post for it)."""
    seconds = max(settings.PUBLIC_COMMENT_WINDOW_SECONDS, settings.PUBLIC_COMMENT_DUPLICATE_SECONDS)
    with transaction.atomic():
        old = PublicCommentCounter.objects.filter(started__lt=now - datetime.timedelta(seconds=seconds))
        if connection.features.has_select_for_update_skip_locked:
            old = old.select_for_update(skip_locked=True)
        pks = list(old.values_list("pk", flat=True)[:500])
        if pks:
            PublicCommentCounter.objects.filter(pk__in=pks).delete()


def post_public_comment(
    round_: ConsultationRound,
    *,
    address: str,
    name: str,
    email: str,
    stakeholder_type: str,
    sex: str,
    consent: bool,
    text: str,
    organisation: str = "",
    target_kind: str = Target.PLAN,
    target_code: str = "",
    honeypot: str = "",
) -> ConsultationComment:
    """A comment by a member of the public, without an account: only while a public round is open.

    Posting the same comment again (a double-click, a reload) within the duplicate window returns the one stored
    first, without counting it against the rate limit."""
    if not round_.is_public or not round_.is_open:
        raise ValidationError(_("This consultation round is not open to public comments."))
    if honeypot:
        raise SpamRefused(_("Your comment could not be accepted."))
    if not consent:
        raise ValidationError({"consent": _("Please agree to the publication of your comment.")})
    target_kind, target_code = _check_target(round_, target_kind, target_code)
    comment = ConsultationComment(
        round=round_, target_kind=target_kind, target_code=target_code, text=text.strip(), name=name.strip(),
        organisation=organisation.strip(), email=email.strip(), consent=True, stakeholder_type=stakeholder_type,
        sex=sex,
    )  # fmt: skip
    comment.full_clean()  # a refused comment locks and counts nothing
    now = timezone.now()
    # Locks taken in one order (the comment's content, then the address): two posts can never wait for each other.
    with transaction.atomic(), acting_as(None, reason=_("Public comment")):
        duplicate = _recent_duplicate(comment, now)
        if duplicate is not None:
            return duplicate
        _count_from(address or "unknown", now)
        comment.save()
    _forget_old_counters(now)
    return comment


def answer_comment(comment: ConsultationComment, *, by: Any, answer: str, reason: str = "") -> ConsultationComment:
    """The secretariat's answer to a comment: accepted, partly accepted or not accepted, with the reason (required
    unless accepted). An answer may be changed; history keeps every one."""
    if not may_answer(by, comment.round):
        raise PermissionDenied
    if answer not in Answer.values:
        raise ValidationError({"answer": _("Choose accepted, partly accepted or not accepted.")})
    reason = reason.strip()
    if answer != Answer.ACCEPTED and not reason:
        raise ValidationError({"answer_reason": _("Give the reason when a comment is not fully accepted.")})
    with transaction.atomic(), acting_as(by):
        comment = ConsultationComment.objects.select_for_update().get(pk=comment.pk)
        changed = (comment.answer, comment.answer_reason) != (answer, reason)
        comment.answer, comment.answer_reason = answer, reason
        comment.answered_by, comment.answered_at = by, timezone.now()
        comment.full_clean(exclude=["text", "name", "organisation", "email"])  # what the commenter gave stays as given
        comment.save()
        if changed:
            _announce_answered(comment, by=by)
    return comment
