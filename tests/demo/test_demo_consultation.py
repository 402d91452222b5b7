"""The demo's drafting and public consultation: v1 consulted in Nov-Dec 2023 with answered comments from invited
partners and the public, v2 adopted with the strategy's act, the stakeholder login, and a second load that changes
nothing."""

import datetime

from django.apps import apps
from django.utils import timezone

from nsm.accounts.models import Membership, User
from nsm.consultation import report
from nsm.consultation.models import ConsultationRound, PlanVersion
from nsm.demo import content
from nsm.demo.loader import load_demo
from nsm.strategy.models import Strategy

CODE = content.STRATEGY["code"]


def _versions() -> dict[int, PlanVersion]:
    return {v.number: v for v in PlanVersion.objects.filter(strategy__code=CODE)}


def _round() -> ConsultationRound:
    return ConsultationRound.objects.select_related("version").get(version__strategy__code=CODE)


def _consultation_rows() -> dict[str, int]:
    models = apps.get_app_config("consultation").get_models()
    rows = {model._meta.label: model._base_manager.count() for model in models}
    return {**rows, "users": User.objects.count(), "memberships": Membership.objects.count()}


def test_v1_for_consultation_and_v2_for_adoption_exist(demo):
    versions = _versions()
    assert sorted(versions) == [1, 2]
    assert (versions[1].label, versions[1].purpose) == ("Draft for public consultation", "consultation")
    assert (versions[2].label, versions[2].purpose) == ("Final draft for adoption", "adoption")
    assert versions[1].snapshot["activities"] and versions[2].snapshot["indicators"]
    assert versions[1].created_at.date() == datetime.date(2023, 11, 1)
    assert versions[1].created_by.username == versions[2].created_by.username == "coordinator"


def test_v2_is_adopted_with_the_strategys_act_and_the_strategy_keeps_its_values(demo):
    versions = _versions()
    assert versions[2].is_adopted and not versions[1].is_adopted
    assert (versions[2].act_number, versions[2].act_date) == (
        content.STRATEGY["adopting_act"], content.STRATEGY["adopted_on"],
    )  # fmt: skip
    strategy = Strategy.objects.get(code=CODE)
    assert (strategy.status, strategy.adopting_act, strategy.adopted_on) == (
        "adopted", content.STRATEGY["adopting_act"], content.STRATEGY["adopted_on"],
    )  # fmt: skip
    assert versions[2].history.first().history_date.date() < datetime.date(2024, 6, 1)


def test_the_public_round_on_v1_ran_in_november_and_december_2023_with_invited_partners(demo):
    round_ = _round()
    assert round_.version.number == 1 and round_.is_public
    assert (round_.opens_on, round_.closes_on) == (datetime.date(2023, 11, 6), datetime.date(2023, 12, 8))
    assert round_.status == "closed"
    invited = set(round_.invited.values_list("code", flat=True))
    assert {"IOM", "UNHCR", "UNICEF", "EUD"} == invited


def test_every_comment_is_answered_with_a_reason_unless_accepted_and_dated_in_the_round(demo):
    comments = list(_round().comments.all())
    assert 10 <= len(comments) <= 15
    assert {c.answer for c in comments} == {"accepted", "partly", "not_accepted"}
    assert all(c.answer_reason for c in comments if c.answer != "accepted")
    assert all(c.answered_by.username == "secretariat" for c in comments)
    assert all(datetime.date(2023, 11, 6) <= timezone.localtime(c.created_at).date() <= datetime.date(2023, 12, 8)
               for c in comments)  # fmt: skip
    assert all(c.answered_at.year == 2024 for c in comments)
    assert {c.target_kind for c in comments} >= {"plan", "goal", "objective", "activity", "indicator"}


def test_comments_come_from_several_stakeholder_types_both_sexes_signed_in_and_public(demo):
    comments = list(_round().comments.select_related("author", "institution"))
    assert {c.stakeholder_type for c in comments} >= {"international", "civil_society", "academia", "diaspora"}
    assert {c.sex for c in comments} >= {"female", "male"}
    signed_in = [c for c in comments if c.author_id]
    public = [c for c in comments if not c.author_id]
    assert {c.author.username for c in signed_in} >= {"stakeholder", "stakeholder.unhcr"}
    assert public and all(c.consent and c.email.endswith("@example.org") and c.name for c in public)
    built = report.build(_round())
    assert built.answered == len(comments) and built.participants == len(comments) - 1  # `stakeholder` wrote twice
    assert sum(1 for row in built.rows if row.total) >= 5


def test_the_stakeholder_login_is_an_external_stakeholder_of_an_invited_institution(demo):
    user = User.objects.get(username="stakeholder")
    assert user.check_password(content.PASSWORD)
    assert set(Membership.objects.filter(user=user).values_list("institution__code", "role")) == {
        ("IOM", "stakeholder")
    }
    assert ConsultationRound.objects.visible_to(user).get() == _round()


def test_loading_the_demo_again_adds_no_consultation(demo):
    before = _consultation_rows()
    summary = load_demo()
    assert not summary.changed
    assert _consultation_rows() == before
