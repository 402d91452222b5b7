"""The people pages' reads: the users of the countries whose people a user manages, with their memberships there,
and the pending invitations; each in a fixed number of queries, whatever the number of people."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from nsm.accounts import access, twofactor
from nsm.accounts.models import AccountEvent, Invitation, Membership, User


def people(countries: list[str]) -> QuerySet[User]:
    """The users with a membership in an institution of `countries`, by name; each with `country_memberships` (those
    memberships only, with their institutions) and `has_device` (a confirmed authenticator app). Two queries."""
    in_countries = Membership.objects.filter(institution__country__in=countries)
    memberships = in_countries.select_related("institution").order_by("institution__code", "role")
    device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(Exists(in_countries.filter(user=OuterRef("pk"))))
        .annotate(has_device=Exists(device))
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="country_memberships"))
        .order_by("last_name", "first_name", "username")
    )


def needs_two_factor(person: User) -> bool:
    """Whether `person` (from `people`) signs in with a code: an administrator, or a role that needs it in one of the
    memberships listed (the same rule as `twofactor.needs_two_factor`, without a query per person)."""
    roles = {membership.role for membership in person.country_memberships}  # type: ignore[attr-defined]
    return bool(person.is_superuser or person.is_staff or roles & twofactor.TWO_FACTOR_ROLES)


def pending_invitations(countries: list[str]) -> QuerySet[Invitation]:
    """Invitations neither accepted nor cancelled (expired ones too: they can be sent again), newest first."""
    return Invitation.objects.filter(
        institution__country__in=countries, accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("institution", "invited_by")


def person_for(user: Any, pk: Any) -> User:
    """The person `pk` if they are a member of an institution of a country whose people `user` manages; else 404,
    as for somebody who does not exist."""
    try:
        return people(access.people_countries(user)).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def invitation_for(user: Any, pk: Any) -> Invitation:
    """The invitation `pk` to an institution of a country whose people `user` manages; else 404."""
    countries = access.people_countries(user)
    try:
        return Invitation.objects.select_related("institution").get(pk=pk, institution__country__in=countries)
    except (Invitation.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def events_of(person: User) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(user=person).select_related("by")
