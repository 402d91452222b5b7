"""A small world to search: Albania's plan with a word in every kind of text ("dëshmi", evidence), the reports of
two institutions, a consultation round with a stakeholder's and a ministry's comment, a meeting and its decision;
and Kosovo's plan with the same word, which no Albanian user may see."""

import datetime

import pytest
from django.utils import timezone

from nsm.accounts.models import Institution, Membership
from nsm.consultation import rounds, versions
from nsm.consultation.models import ConsultationComment, PlanVersion
from nsm.monitoring.models import ActivityProgress
from nsm.strategy.models import Activity
from nsm.workinggroup.models import Decision, Meeting
from tests.api.conftest import api_for  # noqa: F401 - the fixture of the API tests
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    InstitutionFactory,
    MembershipFactory,
    StrategyFactory,
    UserFactory,
)
from tests.monitoring.conftest import build_plan, open_half_year

WORD = "dëshmi"


def member(username: str, code: str, role: str, country: str = "AL", kind: str = Institution.Kind.MINISTRY):
    user = UserFactory(username=username)
    MembershipFactory(user=user, institution=InstitutionFactory(code=code, country=country, kind=kind), role=role)
    return user


@pytest.fixture
def stakeholder(db):
    return member("stakeholder", "NGO-A", Membership.Role.STAKEHOLDER, kind=Institution.Kind.CIVIL_SOCIETY)


@pytest.fixture
def xk_secretariat(db):
    return member("xk-sec", "XK-MPB", Membership.Role.SECRETARIAT, country="XK")


@pytest.fixture
def world(strategy, secretariat, focal_point, other_focal_point, viewer, stakeholder, xk_secretariat):
    today = timezone.localdate()
    measure = build_plan(strategy, ["MSHMS", "AKPA"], activities_each=1)
    Activity.objects.filter(lead__code="MSHMS").update(
        title_sq="Mbledhja e dëshmive për kthimin", title_en="Collecting evidence on return", reference="A-7"
    )
    IndicatorFactory(result=measure, code="1.1.1.d", name_sq="Numri i DËSHMIVE", name_en="Number of testimonies")
    InstitutionFactory(code="QKD", name_sq="Qendra e Dëshmive", name_en="Evidence Centre")
    version = PlanVersion.objects.create(strategy=strategy, number=1, label="v1", snapshot=versions.snapshot(strategy))
    ngo = Institution.objects.get(code="NGO-A")
    round_ = rounds.create_round(
        version, by=secretariat, title="Round one", opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30), invited=[ngo],
    )  # fmt: skip
    for author, institution in ((stakeholder, ngo), (secretariat, Institution.objects.get(code="MPB"))):
        ConsultationComment.objects.create(
            round=round_, text=f"Shtoni {WORD} nga {institution.code}", author=author, institution=institution,
            stakeholder_type="government",
        )  # fmt: skip
    cycle = open_half_year(strategy, secretariat)
    for line in ActivityProgress.objects.filter(report__cycle=cycle).select_related("report__institution"):
        line.narrative_sq = f"U mblodhën {WORD} nga {line.report.institution.code}"
        line.save()
    meeting = Meeting.objects.create(strategy=strategy, held_on=today, title="Takim mbi dëshmitë", agenda="Rendi")
    Decision.objects.create(meeting=meeting, number=1, text_sq="Vendoset mbledhja e dëshmive")
    xk = StrategyFactory(code="XK-NSM", country="XK")
    GoalFactory(strategy=xk, code="1", title_sq="Dëshmi në Kosovë", title_en="Evidence in Kosovo")
    return strategy
