"""One scenario for the security tests, built once per module: two countries' plans and everyone who uses them.

Albania (AL): strategy AL-NSM-SEC with goal 1 > objective 1.1 > measure 1.1.1, two activities led by MSHMS and one by
AKPA, indicators owned by MSHMS and AKPA (with targets and budget lines); an open half-year cycle with a report of
MSHMS (saved, with an evidence file) and one of AKPA; a frozen version (v1) with an open public consultation round
to which the NGO is invited, and a stakeholder's comment; a meeting with a participant, a decision and action points
of MSHMS and AKPA; a training with a participant; a context indicator with a value; an API token per user.

Kosovo (XK): its own strategy XK-NSM-SEC (public), whose institutions reuse Albania's codes on purpose (Kosovo's own
MPB and AKPA, named "... (Prishtina)"); its secretariat (of Kosovo's MPB) and a focal point of Kosovo's AKPA; a plan
with an activity and an indicator of Kosovo's AKPA; an open cycle with Kosovo's AKPA's report, saved with a narrative.
Nobody of one country must see anything of the other's that is not published (tests/security/test_countries_apart.py).

The roles (keys of `Scenario.users`, in the access matrix's order): anonymous (no user), stakeholder, focal (MSHMS),
focal2 (AKPA), secretariat, coordinator, viewer, xk_secretariat, superuser. `Scenario.users` also holds `xk_focal`,
Kosovo's focal point, who is not a column of the matrix.
"""

import dataclasses
import datetime
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from nsm.accounts import services as account_services
from nsm.accounts.models import Institution, Membership
from nsm.capacity import services as capacity_services
from nsm.consultation import rounds, versions
from nsm.consultation.models import PlanVersion
from nsm.context import services as context_services
from nsm.monitoring import services as monitoring_services
from nsm.monitoring.models import ProgressReport
from nsm.strategy.models import ActionPlan, ActivityBudget, IndicatorTarget
from nsm.workinggroup import services as wg_services
from tests.factories import InstitutionFactory, MembershipFactory, StrategyFactory, UserFactory
from tests.monitoring.conftest import build_plan, complete_inputs

ROLES = (
    "anonymous",
    "stakeholder",
    "focal",
    "focal2",
    "secretariat",
    "coordinator",
    "viewer",
    "xk_secretariat",
    "superuser",
)

PDF = b"%PDF-1.4\n%evidence\n%%EOF\n"
XK_INSTITUTIONS = {  # Kosovo's own institutions, of the same codes as Albania's
    "MPB": ("Ministria e Brendshme (Prishtina)", "Interior Ministry (Prishtina)"),
    "AKPA": ("Agjencia e Punësimit (Prishtina)", "Employment Agency (Prishtina)"),
}
XK_NARRATIVE = "Border posts of Dardania staffed (Kosovo's own report)."


@dataclass
class Scenario:
    users: dict[str, Any]
    tokens: dict[str, Any] = field(default_factory=dict)  # role -> ApiToken
    keys: dict[str, str] = field(default_factory=dict)  # role -> the token's key
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _member(username: str, code: str, role: str, *, country: str = "AL", kind: str = Institution.Kind.MINISTRY):
    institution = InstitutionFactory(code=code, country=country, kind=kind)
    user = UserFactory(username=username)
    MembershipFactory(user=user, institution=institution, role=role)
    return user


def build_scenario() -> Scenario:
    Role = Membership.Role
    for code, (name_sq, name_en) in XK_INSTITUTIONS.items():
        InstitutionFactory(code=code, country="XK", name_sq=name_sq, name_en=name_en)
    users = {
        "stakeholder": _member("sec-ngo", "NGO-SEC", Role.STAKEHOLDER, kind=Institution.Kind.CIVIL_SOCIETY),
        "focal": _member("focal", "MSHMS", Role.FOCAL_POINT),
        "focal2": _member("focal2", "AKPA", Role.FOCAL_POINT),
        "secretariat": _member("secretariat", "MPB", Role.SECRETARIAT),
        "coordinator": _member("coordinator", "MPB", Role.COORDINATOR),
        "viewer": _member("viewer", "INSTAT", Role.VIEWER),
        "xk_secretariat": _member("secretariat-xk", "MPB", Role.SECRETARIAT, country="XK"),
    }
    superuser = UserFactory(username="root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    users["superuser"] = superuser
    users["xk_focal"] = _member("focal-xk", "AKPA", Role.FOCAL_POINT, country="XK")  # not a column of the matrix
    sec = users["secretariat"]
    s = Scenario(users=users)
    o = s.objects

    # --- The plans ---
    strategy = StrategyFactory(code="AL-NSM-SEC")
    o["strategy"] = strategy
    o["xk_strategy"] = StrategyFactory(code="XK-NSM-SEC", country="XK", is_public=True)  # its public page is on
    measure = build_plan(strategy, ["MSHMS", "AKPA"])
    o["measure"] = measure
    o["objective"] = measure.parent
    o["goal"] = measure.parent.parent
    o["activity"] = measure.activities.filter(lead__code="MSHMS").order_by("code").first()
    o["indicator"] = measure.indicators.get(responsible__code="MSHMS")
    ActivityBudget.objects.create(activity=o["activity"], year=2024, source="state_budget", amount=Decimal("1000"))
    IndicatorTarget.objects.create(indicator=o["indicator"], year=2024, value=Decimal("150"))
    o["action_plan"] = ActionPlan.objects.create(strategy=strategy, start_year=2024, end_year=2026)

    # --- Drafting and consultation ---
    o["version"] = PlanVersion.objects.create(
        strategy=strategy, number=1, label="For consultation", snapshot=versions.snapshot(strategy)
    )
    today = timezone.localdate()
    ngo = Institution.objects.get(code="NGO-SEC", country="AL")
    o["round"] = rounds.create_round(
        o["version"], by=sec, title="Consultation on v1", opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30), is_public=True, invited=[ngo],
    )  # fmt: skip
    o["comment"] = rounds.post_comment(o["round"], by=users["stakeholder"], text="Count the returnees.")

    # --- Monitoring ---
    cycle = monitoring_services.create_cycle(
        strategy, by=sec, kind="half_year", year=2024, half=2,
        opens_on=today - datetime.timedelta(days=10), due_on=today + datetime.timedelta(days=30),
    )  # fmt: skip
    monitoring_services.open_cycle(cycle, by=sec)
    cycle.refresh_from_db()
    o["cycle"] = cycle
    report = ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")
    activities, indicators = complete_inputs(report)
    monitoring_services.save_report(
        report, by=users["focal"], version=report.version, activities=activities, indicators=indicators
    )
    report.refresh_from_db()
    o["evidence"] = monitoring_services.add_evidence(
        report,
        by=users["focal"],
        activity_id=o["activity"].pk,
        upload=SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        version=report.version,
    )
    report.refresh_from_db()
    o["report"] = report
    o["other_report"] = ProgressReport.objects.get(cycle=cycle, institution__code="AKPA")

    # --- Working group ---
    mshms, akpa = (
        Institution.objects.get(code="MSHMS", country="AL"),
        Institution.objects.get(code="AKPA", country="AL"),
    )
    meeting = wg_services.create_meeting(
        strategy, by=sec, body="iiwg", held_on=datetime.date(2025, 3, 12), title="IIWG meeting",
        agenda="1. Plan", location="Tirana",
        minutes=SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip
    o["meeting"] = meeting
    o["meeting_participant"] = wg_services.add_participant(
        meeting, by=sec, institution=mshms, name="Alma Kola", sex="female"
    )
    decision = wg_services.add_decision(meeting, by=sec, text_sq="Approve the draft.")
    o["action_point"] = wg_services.add_action_point(
        meeting, by=sec, text_sq="Send the costs", owner=mshms, due_on=today + datetime.timedelta(days=5),
        decision=decision,
    )  # fmt: skip
    o["other_action_point"] = wg_services.add_action_point(
        meeting, by=sec, text_sq="Review the targets", owner=akpa, due_on=today + datetime.timedelta(days=20)
    )

    # --- Capacity ---
    training = capacity_services.create_training(
        strategy=strategy, by=sec, title="Migration law", topics=["migration_law"],
        starts_on=datetime.date(2024, 5, 6), ends_on=datetime.date(2024, 5, 7), organiser=mshms,
    )  # fmt: skip
    capacity_services.save_participants(
        training, by=sec, rows=[capacity_services.ParticipantInput("Ilir Leka", "MSHMS", "male", "", 40, 80)]
    )
    o["training"] = training
    o["training_participant"] = training.participants.get()

    # --- Evidence base ---
    indicator = context_services.create_indicator(
        by=sec, country="AL", code="remittances", name_en="Remittances", topic="remittances", unit_en="EUR million"
    )
    o["context_indicator"] = indicator
    o["context_value"] = context_services.add_value(
        indicator, by=sec, year=2023, value=Decimal("930"), source="Bank of Albania, remittances survey", verified="yes"
    )

    # --- Kosovo: a plan, a cycle and a report of its own AKPA ---
    _build_kosovo(s, today)

    # --- An API token per user ---
    for role, user in users.items():
        s.tokens[role], s.keys[role] = account_services.create_api_token(user, name=f"{role} script")
    return s


def _build_kosovo(s: Scenario, today: datetime.date) -> None:
    """Kosovo's plan (an activity and an indicator of Kosovo's AKPA, titled "... (Prishtina)"), its open cycle and
    the report of Kosovo's AKPA, saved by its focal point with a narrative."""
    o, strategy = s.objects, s.objects["xk_strategy"]
    measure = build_plan(strategy, ["AKPA"], activities_each=1)
    measure.activities.update(title_en="Border posts (Prishtina)", title_sq="Pikat kufitare (Prishtina)")
    measure.indicators.update(name_en="Returnees received (Prishtina)", name_sq="Të kthyer (Prishtina)")
    o["xk_measure"] = measure
    o["xk_activity"] = measure.activities.get()
    o["xk_indicator"] = measure.indicators.get()
    cycle = monitoring_services.create_cycle(
        strategy, by=s.users["xk_secretariat"], kind="half_year", year=2024, half=2,
        opens_on=today - datetime.timedelta(days=10), due_on=today + datetime.timedelta(days=30),
    )  # fmt: skip
    monitoring_services.open_cycle(cycle, by=s.users["xk_secretariat"])
    cycle.refresh_from_db()
    o["xk_cycle"] = cycle
    report = ProgressReport.objects.get(cycle=cycle)
    activities, indicators = complete_inputs(report)
    activities = [dataclasses.replace(line, narrative_sq=XK_NARRATIVE) for line in activities]
    monitoring_services.save_report(
        report, by=s.users["xk_focal"], version=report.version, activities=activities, indicators=indicators
    )
    report.refresh_from_db()
    o["xk_report"] = report


@pytest.fixture(scope="module")
def media_root():
    path = tempfile.mkdtemp(prefix="nsm-security-")
    with override_settings(MEDIA_ROOT=path):
        yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, media_root) -> Scenario:
    """The scenario, built once for the module and rolled back after it; each test still runs in its own
    transaction (request `db` too), so what a test changes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_scenario()
        yield built
        transaction.set_rollback(True)
