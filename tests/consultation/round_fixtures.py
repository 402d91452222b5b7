"""Fixtures for the consultation rounds' tests: a frozen version of a small plan, rounds on it, a stakeholder."""

import datetime

import pytest
from django.utils import timezone

from nsm.accounts.models import Institution, Membership
from nsm.consultation import rounds, versions
from nsm.consultation.models import PlanVersion
from tests.factories import IndicatorFactory, InstitutionFactory, MembershipFactory, UserFactory
from tests.monitoring.conftest import build_plan

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def version(strategy, secretariat):
    """v1 of a plan with goal 1, objective 1.1, measure 1.1.1, activities under it and indicators 1.1.1.1-2."""
    measure = build_plan(strategy, ["MSHMS", "AKPA"], activities_each=1)
    IndicatorFactory(result=measure.parent, code="1.1.a", responsible=InstitutionFactory(code="MSHMS"))
    return PlanVersion.objects.create(
        strategy=strategy, number=1, label="For consultation", snapshot=versions.snapshot(strategy)
    )


@pytest.fixture
def activity_code(version) -> str:
    return sorted(version.snapshot["activities"])[0]


@pytest.fixture
def ngo(db):
    return InstitutionFactory(code="NGO-A", kind=Institution.Kind.CIVIL_SOCIETY)


@pytest.fixture
def stakeholder(ngo):
    """An external stakeholder: a user of a civil-society organisation."""
    user = UserFactory(username="stakeholder")
    MembershipFactory(user=user, institution=ngo, role=Membership.Role.STAKEHOLDER)
    return user


@pytest.fixture
def other_stakeholder(db):
    """The stakeholder of a diaspora association that is not invited."""
    user = UserFactory(username="diaspora")
    institution = InstitutionFactory(code="DIASP", kind=Institution.Kind.DIASPORA)
    MembershipFactory(user=user, institution=institution, role=Membership.Role.STAKEHOLDER)
    return user


@pytest.fixture
def open_round(version, secretariat, ngo):
    """A round open today, to the public too, with the NGO invited."""
    return rounds.create_round(
        version, by=secretariat, title="Public consultation on v1", opens_on=days(-3), closes_on=days(30),
        is_public=True, invited=[ngo],
    )  # fmt: skip


@pytest.fixture
def private_round(version, secretariat, ngo):
    """A round open today to the invited NGO only."""
    return rounds.create_round(
        version, by=secretariat, title="Invited only", opens_on=days(-1), closes_on=days(30), invited=[ngo]
    )


PUBLIC = {
    "name": "Arta Hoxha", "organisation": "Citizens' Forum", "email": "arta@example.org",
    "stakeholder_type": "civil_society", "sex": "female", "consent": True, "text": "Add the returnees' counters.",
}  # fmt: skip
