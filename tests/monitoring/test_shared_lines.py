"""Responsible bodies in monitoring (issue 15, item 2): the line goes to the marked lead, else to the first named;
the other institutions the activity names read the line once submitted and comment on it."""

import pytest
from django.urls import reverse

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, ProgressReport, ReviewComment
from nsm.strategy import services as plan_services
from nsm.strategy.models import Activity, bodies_fields
from tests.factories import ActivityFactory, InstitutionFactory, MeasureFactory
from tests.monitoring.conftest import fill, open_half_year

URL = reverse("monitoring:shared-lines")


def _name_beside(activity, responsible=(), supporting=(), marked=None):
    codes = [InstitutionFactory(code=code) for code in responsible]
    plan_services.update_activity(
        activity,
        by=None,
        data=bodies_fields(
            [activity.lead, *codes],
            [InstitutionFactory(code=code) for code in supporting],
            InstitutionFactory(code=marked) if marked else None,
        ),
    )


def _akpa_line(cycle):
    return ActivityProgress.objects.filter(report__cycle=cycle, report__institution__code="AKPA").first()


def test_the_line_goes_to_the_marked_lead_else_to_the_first_named(strategy, secretariat):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    first = ActivityFactory(measure=measure, start_year=2024, end_year=2025)
    marked = ActivityFactory(measure=measure, start_year=2024, end_year=2025)
    mshms, akpa = InstitutionFactory(code="MSHMS"), InstitutionFactory(code="AKPA")
    plan_services.update_activity(first, by=None, data=bodies_fields([akpa, mshms]))
    plan_services.update_activity(marked, by=None, data=bodies_fields([akpa, mshms], marked=mshms))
    open_half_year(strategy, secretariat)
    lines = {line.activity_id: line.report.institution.code for line in ActivityProgress.objects.all()}
    assert lines == {first.pk: "AKPA", marked.pk: "MSHMS"}


def test_a_supporting_institution_reads_the_line_once_submitted_and_comments(
    cycle, focal_point, other_focal_point, client_for
):
    line = _akpa_line(cycle)
    _name_beside(line.activity, supporting=["MSHMS"])
    client = client_for(focal_point)
    page = client.get(URL).content.decode()
    assert line.activity.code in page and "reported by AKPA" in page and "MSHMS: supporting" in page
    assert "Not submitted yet" in page

    report = fill(line.report, other_focal_point)
    services.submit_report(report, by=other_focal_point, version=report.version)
    page = client.get(URL).content.decode()
    assert "Going well." in page and "Not submitted yet" not in page

    response = client.post(URL, {"line": line.pk, "text": "We can add the regional figures."})
    assert response.status_code == 302
    comment = ReviewComment.objects.get()
    assert (comment.report_id, comment.activity_id, comment.author) == (line.report_id, line.activity_id, focal_point)
    assert comment.history.count() == 1
    report_page = client_for(other_focal_point).get(reverse("monitoring:report", args=[line.report_id]))
    assert "We can add the regional figures." in report_page.content.decode()


def test_a_refused_comment_keeps_the_text_and_says_why(cycle, focal_point, client_for):
    line = _akpa_line(cycle)
    _name_beside(line.activity, responsible=["MSHMS"])
    response = client_for(focal_point).post(URL, {"line": line.pk, "text": "Too long " + "x" * 10_000})
    page = response.content.decode()
    assert response.status_code == 400 and not ReviewComment.objects.exists()
    assert "Too long xxxx" in page and "is-invalid" in page
    assert "MSHMS: responsible with the lead" in page


def test_a_refused_comment_on_a_line_older_than_those_listed_comes_back_with_its_text(
    cycle, focal_point, client_for, monkeypatch
):
    from nsm.monitoring import selectors

    lines = list(ActivityProgress.objects.filter(report__institution__code="AKPA").order_by("activity__sort_key"))
    for line in lines[:2]:
        _name_beside(line.activity, supporting=["MSHMS"])
    monkeypatch.setattr(selectors, "SHARED_LINES_SHOWN", 1)
    older = lines[1]
    client = client_for(focal_point)
    assert f'id="line-{older.pk}"' not in client.get(URL).content.decode()
    response = client.post(URL, {"line": older.pk, "text": "Kept " + "x" * 10_000})
    page = response.content.decode()
    assert response.status_code == 400 and f'id="line-{older.pk}"' in page and "Kept xxxx" in page


def test_an_institution_the_activity_does_not_name_neither_sees_nor_comments(cycle, focal_point, client_for):
    line = _akpa_line(cycle)
    client = client_for(focal_point)
    assert line.activity.code not in client.get(URL).content.decode().split("<main")[-1]
    assert client.post(URL, {"line": line.pk, "text": "Hello"}).status_code == 404
    assert client.post(URL, {"line": "9" * 40, "text": "Hello"}).status_code == 404
    assert not ReviewComment.objects.exists()


def test_the_page_runs_in_a_constant_number_of_queries(cycle, focal_point, secretariat, client_for):
    client = client_for(focal_point)
    akpa = list(Activity.objects.filter(lead__code="AKPA"))
    _name_beside(akpa[0], supporting=["MSHMS"])
    services.add_comment(ProgressReport.objects.get(institution__code="AKPA"), by=secretariat, text="x")
    client.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for activity in akpa[1:]:
        _name_beside(activity, supporting=["MSHMS"])
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(one)


@pytest.mark.parametrize("marked", [True, False])
def test_the_activity_names_the_institution_as_it_was_chosen(marked, cycle):
    line = _akpa_line(cycle)
    _name_beside(line.activity, responsible=["MSHMS"], marked="MSHMS" if marked else None)
    activity = Activity.objects.prefetch_related("bodies__institution").get(pk=line.activity_id)
    assert [i.code for i in activity.responsible_bodies] == ["AKPA", "MSHMS"]
    assert (activity.lead.code, activity.lead_place) == (("MSHMS", 2) if marked else ("AKPA", None))


def test_the_leads_own_focal_point_and_a_viewer_of_a_named_institution_see_no_shared_line(
    cycle, other_focal_point, client_for
):
    from nsm.accounts.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    line = _akpa_line(cycle)
    _name_beside(line.activity, supporting=["MSHMS"])
    viewer = UserFactory(username="viewer-mshms")
    MembershipFactory(user=viewer, institution=InstitutionFactory(code="MSHMS"), role=Membership.Role.VIEWER)
    for user in (other_focal_point, viewer):  # AKPA reports the line itself; a viewer is no focal point
        client = client_for(user)
        assert f'id="line-{line.pk}"' not in client.get(URL).content.decode()
        assert client.post(URL, {"line": line.pk, "text": "Hello"}).status_code == 404
    assert not ReviewComment.objects.exists()


def test_an_institution_of_another_country_with_the_same_code_sees_nothing(cycle, client_for):
    from nsm.accounts.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    line = _akpa_line(cycle)
    _name_beside(line.activity, supporting=["MSHMS"])
    kosovo = InstitutionFactory(code="MSHMS", country="XK", name_en="Kosovo's MSHMS")
    user = UserFactory(username="focal-xk")
    MembershipFactory(user=user, institution=kosovo, role=Membership.Role.FOCAL_POINT)
    client = client_for(user)
    assert f'id="line-{line.pk}"' not in client.get(URL).content.decode()
    assert client.post(URL, {"line": line.pk, "text": "Hello"}).status_code == 404
