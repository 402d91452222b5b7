"""The home page as a to-do list for each role: the focal point's reports and action points, the secretariat's
reports to review, institutions overdue, comments to answer and overdue action points, the readers' latest approved
figures, the external stakeholder's consultations. Each list is scoped to the user's institution and role, linked to
the page where the user acts, said in words when empty, and read in as many queries for much data as for little."""

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nsm.consultation import rounds, versions
from nsm.consultation.models import ConsultationComment, PlanVersion
from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport, ReportingCycle
from nsm.reports import remarks
from nsm.workinggroup.models import ActionPoint, Meeting
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures: ngo, stakeholder, other_stakeholder
from tests.consultation.round_fixtures import days
from tests.factories import InstitutionFactory
from tests.monitoring.conftest import *  # noqa: F403 - the fixtures: cycle, report
from tests.monitoring.conftest import fill

NOTHING = "Nothing waiting for you."
SERIAL = itertools.count(1)


def home(client_for, user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def make_overdue(cycle_) -> None:
    ReportingCycle.objects.filter(pk=cycle_.pk).update(due_on=days(-1))


@pytest.fixture
def consultation(cycle, secretariat, ngo):
    """A round open today on v1 of the cycle's plan, with the NGO invited."""
    version = PlanVersion.objects.create(
        strategy=cycle.strategy, number=1, label="For consultation", snapshot=versions.snapshot(cycle.strategy)
    )
    return rounds.create_round(
        version, by=secretariat, title="Consultation on v1", opens_on=days(-3), closes_on=days(30), invited=[ngo]
    )


@pytest.fixture
def meeting(cycle):
    return Meeting.objects.create(strategy=cycle.strategy, held_on=days(-30), title="IIWG")


def grow(cycle_, consultation_, meeting_, secretariat, n: int) -> None:
    """Add `n` of everything the lists show: reports (the focal point's, submitted, overdue), comments to answer,
    action points (MSHMS's and others' overdue), rounds the NGO is invited to."""
    mshms, ngo_ = InstitutionFactory(code="MSHMS"), InstitutionFactory(code="NGO-A")
    for _ in range(n):
        k = next(SERIAL)
        other = InstitutionFactory(code=f"GROW{k}")
        extra = ReportingCycle.objects.create(
            strategy=cycle_.strategy, kind="year", year=2000 + k, opens_on=days(-40), due_on=days(-2), status="open"
        )
        ProgressReport.objects.create(cycle=extra, institution=mshms)
        ProgressReport.objects.create(cycle=extra, institution=other)  # overdue
        ProgressReport.objects.create(
            cycle=cycle_, institution=other, status="submitted", submitted_at=timezone.now()
        )  # to review
        ConsultationComment.objects.create(
            round=consultation_,
            text=f"Comment {k}",
            name="Arta",
            email="arta@example.org",
            stakeholder_type="individual",
        )
        ActionPoint.objects.create(meeting=meeting_, text_sq=f"Point {k}", owner=mshms, due_on=days(-k))
        ActionPoint.objects.create(meeting=meeting_, text_sq=f"Other point {k}", owner=other, due_on=days(-k))
        later = rounds.create_round(
            consultation_.version, by=secretariat, title=f"Round {k}", opens_on=days(1), closes_on=days(40),
            invited=[ngo_],
        )  # fmt: skip
        assert later.pk


# --- The focal point ---


def test_the_focal_point_sees_its_reports_due_returned_and_overdue(client_for, focal_point, secretariat, report):
    page = home(client_for, focal_point)
    assert "Your reports to fill in" in page
    assert reverse("monitoring:report", args=[report.pk]) in page  # where it fills the report in
    assert "Not started" in page and "due on" in page
    fill(report, focal_point)
    submitted = services.submit_report(report, by=focal_point, version=report.version)
    services.return_report(submitted, by=secretariat, reason="Check the totals.", version=submitted.version)
    assert "Returned" in home(client_for, focal_point)
    make_overdue(report.cycle)
    page = home(client_for, focal_point)
    assert "Overdue" in page and "(returned)" in page  # the status in words, not only in colour


def test_a_submitted_report_leaves_the_focal_points_list(client_for, focal_point, report):
    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    page = home(client_for, focal_point)
    assert reverse("monitoring:report", args=[report.pk]) not in page
    assert NOTHING in page


def test_a_focal_point_never_sees_another_institutions_report(client_for, focal_point, other_focal_point, cycle):
    mine = ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")
    theirs = ProgressReport.objects.get(cycle=cycle, institution__code="AKPA")
    make_overdue(cycle)
    page = home(client_for, focal_point)
    assert reverse("monitoring:report", args=[mine.pk]) in page
    assert reverse("monitoring:report", args=[theirs.pk]) not in page
    assert "AKPA" not in page
    assert "Reports waiting for review" not in page and "Institutions overdue" not in page


def test_the_focal_point_sees_its_institutions_action_points_only(client_for, focal_point, meeting):
    mine = ActionPoint.objects.create(meeting=meeting, text_sq="Send the costs", owner=InstitutionFactory(code="MSHMS"),
                                      due_on=days(10))  # fmt: skip
    theirs = ActionPoint.objects.create(meeting=meeting, text_sq="Count the returnees",
                                        owner=InstitutionFactory(code="AKPA"), due_on=days(-10))  # fmt: skip
    page = home(client_for, focal_point)
    assert "Your action points" in page
    assert reverse("workinggroup:action-point", args=[mine.pk]) in page  # where it reports the status
    assert theirs.text not in page


# --- The secretariat ---


def test_the_secretariat_sees_reports_to_review_and_institutions_overdue(
    client_for, secretariat, focal_point, report, cycle
):
    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    make_overdue(cycle)
    page = home(client_for, secretariat)
    review = page.index("Reports waiting for review")
    overdue = page.index("Institutions overdue")
    assert reverse("monitoring:report", args=[report.pk]) in page[review:overdue]  # where it returns or approves
    akpa = ProgressReport.objects.get(cycle=cycle, institution__code="AKPA")
    assert reverse("monitoring:report", args=[akpa.pk]) in page[overdue:]
    assert "overdue: due on" in page[overdue:]
    assert reverse("monitoring:cycle", args=[cycle.pk]) in page


def test_the_secretariat_sees_the_comments_to_answer_until_answered(client_for, secretariat, stakeholder, consultation):
    comment = rounds.post_comment(
        consultation, by=stakeholder, text="Cost the shelters.", stakeholder_type="civil_society"
    )
    link = f"{reverse('consultation:round', args=[consultation.pk])}#comment-{comment.pk}"
    assert link in home(client_for, secretariat)
    rounds.answer_comment(comment, by=secretariat, answer="accepted")
    page = home(client_for, secretariat)
    assert link not in page
    assert "Consultation comments to answer" in page and NOTHING in page


def test_the_secretariat_sees_the_remarks_on_drafts_to_answer_until_answered(
    client_for, secretariat, coordinator, cycle
):
    remark = remarks.post(cycle.strategy, "chapter-vision", by=coordinator, text="Name the returnees.")
    link = f"{reverse('reports:remarks', args=[cycle.strategy.code, 'chapter-vision'])}#remark-{remark.pk}"
    page = home(client_for, secretariat)
    assert link in page and "Name the returnees." in page and "Chapter “Vision”" in page
    assert link not in home(client_for, coordinator)  # the coordinator posts remarks, the secretariat answers them
    remarks.answer(remark, by=secretariat, text="Named.")
    page = home(client_for, secretariat)
    assert link not in page
    assert "Remarks on drafts to answer" in page


def test_an_empty_day_for_the_secretariat_is_said_in_words(client_for, secretariat):
    page = home(client_for, secretariat)
    for heading in ("Reports waiting for review", "Institutions overdue", "Consultation comments to answer"):
        assert heading in page
    assert NOTHING in page
    assert "No institution is overdue." in page
    assert "No action point is overdue." in page
    assert "No report has been approved yet." in page


def test_another_countrys_secretariat_sees_nothing_of_this_country(client_for, focal_point, report, consultation):
    from nsm.accounts.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    kosovo = UserFactory(username="secretariat.xk")
    MembershipFactory(
        user=kosovo, institution=InstitutionFactory(code="MPB", country="XK"), role=Membership.Role.SECRETARIAT
    )
    page = home(client_for, kosovo)
    assert reverse("monitoring:report", args=[report.pk]) not in page
    assert "MSHMS" not in page


# --- The readers and the stakeholder ---


@pytest.mark.parametrize("persona", ["viewer", "coordinator"])
def test_readers_see_the_latest_approved_figures(persona, request, client_for, secretariat, focal_point, report):
    fill(report, focal_point)
    submitted = services.submit_report(report, by=focal_point, version=report.version)
    services.approve_report(submitted, by=secretariat, version=submitted.version)
    page = home(client_for, request.getfixturevalue(persona))
    assert "Latest approved figures" in page
    assert f"{reverse('analytics:dashboard', args=[report.cycle.strategy.code])}?period=2024" in page
    assert "Implementation rate" in page and "Indicators on track" in page and "Budget execution" in page
    assert "Your reports to fill in" not in page and "Reports waiting for review" not in page


def test_a_focal_point_sees_no_figures(client_for, focal_point, report):
    assert "Latest approved figures" not in home(client_for, focal_point)


def test_the_stakeholder_sees_the_rounds_it_is_invited_to(client_for, stakeholder, other_stakeholder, consultation):
    page = home(client_for, stakeholder)
    assert "Consultations you are invited to" in page
    assert reverse("consultation:round", args=[consultation.pk]) in page
    assert "Open for your comments until" in page
    assert "No strategy yet." not in page  # no internal list
    uninvited = home(client_for, other_stakeholder)
    assert reverse("consultation:round", args=[consultation.pk]) not in uninvited
    assert NOTHING in uninvited


def test_the_home_page_speaks_albanian(client_for, secretariat):
    page = client_for(secretariat).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="sq").content.decode()
    assert '<html lang="sq"' in page


# --- Queries ---

# The queries of the home page for each persona, the figures computed (not read from the cache): the session, the
# user and their memberships, two for each list (its first rows and their number), the strategies, and for the
# readers of the analysis the strategies with their data stamp, the cache and the three roll-ups.
PINNED = {"focal_point": 10, "secretariat": 31, "coordinator": 25, "viewer": 23, "stakeholder": 5}


def queries_of_home(client) -> int:
    cache.clear()  # the figures computed, not read from the cache, at both sizes
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", PINNED)
def test_the_home_page_reads_as_many_queries_for_much_data_as_for_little(
    persona, request, client_for, secretariat, focal_point, report, consultation, meeting, stakeholder
):
    fill(report, focal_point)
    submitted = services.submit_report(report, by=focal_point, version=report.version)
    services.approve_report(submitted, by=secretariat, version=submitted.version)
    client = client_for(request.getfixturevalue(persona))
    grow(report.cycle, consultation, meeting, secretariat, 1)
    small = queries_of_home(client)
    grow(report.cycle, consultation, meeting, secretariat, 12)
    large = queries_of_home(client)
    assert large == small, f"{persona}: {small} queries with little data, {large} with much"
    assert small <= PINNED[persona]
    if persona in ("focal_point", "secretariat", "stakeholder"):
        assert "more." in client.get(reverse("home")).content.decode()  # the lists were long indeed
