"""Who may see and do what: the one door to every object.

Rules, in terms of institutions and roles:
- A signed-in user acts for the institutions of their memberships, each in one role.
- The plan of a strategy is seen by every member of an institution of the strategy's country; it is changed
  only by the coordinator and secretariat roles (`PLAN_EDITORS`). Superusers see and change everything.
- Each app's querysets offer `visible_to(user)` and `editable_by(user)` built on these helpers; pages and the
  API reach objects through `get_for_user`, which answers 404 both for missing and for forbidden objects.
- The role sets are named here only, and what pages, API handlers and services decide about a country is asked of
  the verbs (`may_manage`, `may_review`, `may_oversee`, `may_answer`, `may_analyse`, `may_publish`,
  `may_read_internal`, `may_manage_people`, `may_assess`, `may_read_gcm_review`, `may_write_gcm_review`,
  `may_write_chapters`, `may_remark`, `may_answer_remarks`): no module outside accounts checks a role itself.

This module imports no other app of the project: the arrows keep pointing down.
"""

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Manager, Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from nsm.accounts.models import Institution, Membership

PLAN_EDITORS = frozenset({Membership.Role.COORDINATOR, Membership.Role.SECRETARIAT})
# The roles of the people who work on the plan. External stakeholders (`Membership.Role.STAKEHOLDER`) are not among
# them: they see no internal page, only the consultation rounds they are invited to (nsm.consultation).
INTERNAL_ROLES = frozenset(
    {Membership.Role.FOCAL_POINT, Membership.Role.SECRETARIAT, Membership.Role.COORDINATOR, Membership.Role.VIEWER}
)

# The readers of approved figures: the analysis pages, the API's roll-ups and the documents made from them. Not focal
# points, who see their own institution's reports instead.
ANALYSTS = frozenset({Membership.Role.SECRETARIAT, Membership.Role.COORDINATOR, Membership.Role.VIEWER})

# The secretariat of a country: reviews reports and runs reporting cycles, publishes the public page, follows up every
# action point.
SECRETARIAT = frozenset({Membership.Role.SECRETARIAT})
# The overseers of reporting, the secretariat and the coordinator: every report of their country, in any state.
OVERSEERS = frozenset({Membership.Role.SECRETARIAT, Membership.Role.COORDINATOR})
# The managers of a country's people (its users' roles and institutions, invitations, deactivation, the reset of a
# lost second factor): the secretariat and the coordinator.
PEOPLE_MANAGERS = frozenset({Membership.Role.SECRETARIAT, Membership.Role.COORDINATOR})
# The focal points of an institution: fill in its reports and report the status of its action points.
FOCAL_POINTS = frozenset({Membership.Role.FOCAL_POINT})
# The viewers: read the plan, the analysis and the approved reports of their country, change nothing.
VIEWERS = frozenset({Membership.Role.VIEWER})
# The external stakeholders: only the consultation rounds their institution is invited to.
STAKEHOLDERS = frozenset({Membership.Role.STAKEHOLDER})

# Every other module asks the verbs below (or a queryset's `visible_to` / `editable_by`) rather than checking roles
# itself; `tests/security/test_no_role_checks.py` holds the rule.

M = TypeVar("M", bound=Model)
M_co = TypeVar("M_co", bound=Model, covariant=True)


class ScopedQuerySet(Protocol[M_co]):
    def visible_to(self, user: Any) -> QuerySet[M_co]: ...
    def editable_by(self, user: Any) -> QuerySet[M_co]: ...


def _memberships(user: Any) -> list[Membership]:
    """The user's memberships with their institutions, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_nsm_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("institution"))
        user._nsm_memberships = cached
    return cached


def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser and user.is_active)


def roles(user: Any) -> set[str]:
    return {membership.role for membership in _memberships(user)}


def institution_ids(user: Any, roles: frozenset[str] | set[str] | None = None) -> set[int]:
    """The institutions the user acts for in an internal role, or only those where they hold one of `roles`."""
    wanted = INTERNAL_ROLES if roles is None else roles
    return {m.institution_id for m in _memberships(user) if m.role in wanted}


def countries(user: Any, roles: frozenset[str] | set[str] | None = None) -> set[str]:
    """The countries whose plans the user may see (any internal role) or act on (the given roles)."""
    wanted = INTERNAL_ROLES if roles is None else roles
    return {m.institution.country for m in _memberships(user) if m.role in wanted}


def can_edit_plan(user: Any, country: str | None = None) -> bool:
    """Coordinators and the secretariat change plans (of their country, when one is given)."""
    if is_superuser(user):
        return True
    editable = countries(user, PLAN_EDITORS)
    return bool(editable) if country is None else country in editable


def acts_for_country(user: Any, country: str, roles: frozenset[str] | set[str]) -> bool:
    """Does the user hold one of `roles` in an institution of `country` (or is a superuser)? The verbs below are
    built on it; other modules ask the verbs."""
    return is_superuser(user) or country in countries(user, roles)


# --- The verbs: what a user may do in a country (a superuser everything) ---


def may_read_internal(user: Any, country: str) -> bool:
    """Work on the country's plans (any internal role): read every consultation comment of its rounds, not only
    those of one's own institution, as an external stakeholder does."""
    return acts_for_country(user, country, INTERNAL_ROLES)


def may_manage(user: Any, country: str) -> bool:
    """Manage the country's work (the coordinator and the secretariat, `PLAN_EDITORS`): the plan, consultation
    rounds, meetings, trainings, context indicators, and asking for documents."""
    return acts_for_country(user, country, PLAN_EDITORS)


def managed_countries(user: Any) -> set[str]:
    """The countries of the user's institutions where `may_manage` holds (a superuser, who manages every country,
    is not listed by this)."""
    return countries(user, PLAN_EDITORS)


def may_answer(user: Any, country: str) -> bool:
    """Answer the comments of the country's consultation rounds (accepted or not, with the reason) and see the
    commenters' e-mail addresses: the coordinator and the secretariat."""
    return acts_for_country(user, country, PLAN_EDITORS)


def reviews_reports(user: Any) -> bool:
    """Does the user review some country's progress reports (`may_review` somewhere; a superuser everywhere)? The
    home page then lists the reports waiting for review and the institutions overdue."""
    return is_superuser(user) or bool(countries(user, SECRETARIAT))


def answers_comments(user: Any) -> bool:
    """Does the user answer some country's consultation comments (`may_answer` somewhere; a superuser everywhere)?
    The home page then lists the comments to answer."""
    return is_superuser(user) or bool(countries(user, PLAN_EDITORS))


def reads_analysis(user: Any) -> bool:
    """Does the user read some country's analysis (`may_analyse` somewhere; a superuser everywhere)? The home page
    then shows the latest approved figures."""
    return is_superuser(user) or bool(countries(user, ANALYSTS))


def may_review(user: Any, country: str) -> bool:
    """Review the country's progress reports (return, approve, reopen) and create and run its reporting cycles:
    the secretariat."""
    return acts_for_country(user, country, SECRETARIAT)


def may_oversee(user: Any, country: str) -> bool:
    """Read every progress report of the country in any state, its cycles' boards and its indicator values not yet
    approved: the secretariat and the coordinator."""
    return acts_for_country(user, country, OVERSEERS)


def may_analyse(user: Any, country: str) -> bool:
    """Read the analysis of the country's strategies (approved figures) and its documents: `ANALYSTS`, not focal
    points."""
    return acts_for_country(user, country, ANALYSTS)


def may_assess(user: Any, country: str) -> bool:
    """Make and answer the SDG 10.7.2 self-assessments of the country's strategies (nsm.assessment): the
    secretariat. Whoever reads the analysis (`may_analyse`) reads them."""
    return acts_for_country(user, country, SECRETARIAT)


def may_publish(user: Any, country: str) -> bool:
    """Switch the public page of the country's strategies on and off: the secretariat."""
    return acts_for_country(user, country, SECRETARIAT)


def may_issue_report(user: Any, country: str) -> bool:
    """Issue (and so publish) the consultation report of the country's closed rounds: the secretariat. The
    coordinator reads the reports issued."""
    return acts_for_country(user, country, SECRETARIAT)


def may_issue_annual_report(user: Any, country: str) -> bool:
    """Write the narrative of the country's annual monitoring reports and issue them (which publishes them when the
    strategy is public): the secretariat. The coordinator and viewers read the narrative and the issues."""
    return acts_for_country(user, country, SECRETARIAT)


def may_read_gcm_review(user: Any, country: str) -> bool:
    """Read the draft GCM voluntary national review of the country's strategies (and make its documents): the
    secretariat and the coordinator. Viewers and focal points do not see a draft; nothing of it is public."""
    return acts_for_country(user, country, OVERSEERS)


def may_write_gcm_review(user: Any, country: str) -> bool:
    """Write the GCM review's chapters and objectives' texts: the secretariat."""
    return acts_for_country(user, country, SECRETARIAT)


def may_write_chapters(user: Any, country: str) -> bool:
    """Write the narrative chapters of the country's strategies: the secretariat. Every internal user reads them;
    the coordinator comments on them (`may_remark`)."""
    return acts_for_country(user, country, SECRETARIAT)


def may_remark(user: Any, country: str) -> bool:
    """Read and post remarks on the drafts of the country's documents (the chapters, the monitoring report's
    narrative, the GCM review, the SDG 10.7.2 self-assessment): the secretariat and the coordinator."""
    return acts_for_country(user, country, OVERSEERS)


def may_answer_remarks(user: Any, country: str) -> bool:
    """Answer (and so resolve) the remarks on the drafts of the country's documents: the secretariat, who writes
    them."""
    return acts_for_country(user, country, SECRETARIAT)


def answers_remarks(user: Any) -> bool:
    """Does the user answer some country's remarks on drafts (`may_answer_remarks` somewhere; a superuser
    everywhere)? The home page then lists the remarks waiting for an answer."""
    return is_superuser(user) or bool(countries(user, SECRETARIAT))


def may_manage_people(user: Any, country: str) -> bool:
    """Invite people to the country's institutions, change their role and institution, deactivate and reactivate
    them, reset their second factor: the secretariat and the coordinator (`PEOPLE_MANAGERS`)."""
    return acts_for_country(user, country, PEOPLE_MANAGERS)


def people_countries(user: Any) -> list[str]:
    """The countries whose people the user manages, sorted: those where `may_manage_people` holds; for a superuser
    every country that has an institution."""
    if is_superuser(user):
        return sorted(set(Institution.objects.values_list("country", flat=True).distinct()))
    return sorted(countries(user, PEOPLE_MANAGERS))


def manages_people(user: Any) -> bool:
    """Does the user manage some country's people (the navigation's link to the people pages, their door)?"""
    return is_superuser(user) or bool(countries(user, PEOPLE_MANAGERS))


def people_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The door of the people pages (nsm.accounts.views_people): 404 to anyone who manages no country's people, as
    for a page that does not exist. Goes under `login_required`."""

    @functools.wraps(view)
    def door(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not manages_people(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return door


def is_internal(user: Any) -> bool:
    """Does the user work on plans (an internal role in some institution, or a superuser)?"""
    return is_superuser(user) or bool(institution_ids(user))


def internal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The door of the pages for people who work on plans (the indexes of reports, trainings, meetings, analysis,
    documents, the evidence base): 404 to anyone else signed in, such as an external stakeholder, as for a page that
    does not exist. Goes under `login_required`, which sends the anonymous visitor to sign in first."""

    @functools.wraps(view)
    def door(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_internal(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return door


# The countries that show something to everybody (a strategy's public page, a public consultation round open today).
# The apps that publish register here a function giving them as a query of country codes (nsm.consultation.apps), so
# that this module imports none of them.
PUBLISHED_COUNTRIES: list[Callable[[], QuerySet]] = []


def institutions_visible_to(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """The institutions a user may list: a superuser every one; anyone else those of the countries they belong to
    (in any role) and of the countries that publish something, in one query."""
    if is_superuser(user):
        return queryset
    condition = Q(country__in={membership.institution.country for membership in _memberships(user)})
    for published in PUBLISHED_COUNTRIES:
        condition |= Q(country__in=published())
    return queryset.filter(condition)


class CountryScopedQuerySet(QuerySet):
    """`visible_to` and `editable_by` for data that belongs to a country: the readers' roles (None: every internal
    role) and the editors' roles in an institution of that country. Subclasses name the lookup to the country."""

    country_lookup = "strategy__country"
    readers: frozenset[str] | None = None
    editors: frozenset[str] = PLAN_EDITORS

    def _in_countries_of(self, user: Any, roles: frozenset[str] | None) -> QuerySet:
        if is_superuser(user):
            return self
        return self.filter(**{f"{self.country_lookup}__in": countries(user, roles)})

    def visible_to(self, user: Any) -> QuerySet:
        return self._in_countries_of(user, self.readers)

    def editable_by(self, user: Any) -> QuerySet:
        return self._in_countries_of(user, self.editors)


def get_for_user(
    queryset: QuerySet[M] | Manager[M], user: Any, pk: Any, *, write: bool = False, field: str = "pk"
) -> M:
    """The object `field=pk` if the user may see it (or change it, with write=True); else 404. `queryset` is a
    queryset or manager of a model whose queryset class offers `visible_to` and `editable_by`."""
    # The model's own queryset class (and so its manager) adds the two methods.
    scoped_source = cast(ScopedQuerySet[M], queryset)
    scoped = scoped_source.editable_by(user) if write else scoped_source.visible_to(user)
    try:
        return scoped.get(**{field: pk})
    # `get` raises the model's own DoesNotExist, a subclass of ObjectDoesNotExist; the stubs give no
    # DoesNotExist to a model type variable (abstract models have none).
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


# --- Who is told of a report's steps (nsm.notifications) ---


def focal_points_of(institution_ids: set[int] | list[int]) -> QuerySet[Membership]:
    """The memberships (with their users) of the active focal points of these institutions: the people who fill in
    the institutions' reports (`editable_by`), told when a cycle opens and when their report is reviewed."""
    return Membership.objects.filter(
        institution_id__in=institution_ids, role__in=FOCAL_POINTS, user__is_active=True
    ).select_related("user")


def reviewers_of(country: str) -> QuerySet[Membership]:
    """The memberships (with their users) of the active secretariat of the country: the people who review its
    reports (`may_review`), told when one is submitted."""
    return Membership.objects.filter(
        institution__country=country, role__in=SECRETARIAT, user__is_active=True
    ).select_related("user")


def members_of(institution_ids: set[int] | list[int]) -> QuerySet[Membership]:
    """The memberships (with their users) of the active users of these institutions, in any role: the people of an
    institution invited to a consultation round, who all see it (its country's internal users as such, its external
    stakeholders as invited: `ConsultationRound.visible_to`)."""
    return Membership.objects.filter(institution_id__in=institution_ids, user__is_active=True).select_related("user")
