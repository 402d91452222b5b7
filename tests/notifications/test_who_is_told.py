"""Each workflow step tells the people concerned once, in their own institution and country, and never the actor."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, ProgressReport
from nsm.notifications import services as notifications
from nsm.notifications.models import Notification
from tests.factories import MembershipFactory, StrategyFactory
from tests.notifications.conftest import DATABASE_TASKS, build_plan, submitted, told


def opened_cycle(strategy, secretariat, steps):
    today = timezone.localdate()
    cycle = services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=2024, half=2,
        opens_on=today, due_on=today + datetime.timedelta(days=30),
    )  # fmt: skip
    with steps():
        services.open_cycle(cycle, by=secretariat)
    return cycle


def test_a_cycle_opened_tells_each_institutions_focal_points_of_their_own_report_and_its_due_date(
    strategy, secretariat, coordinator, focal_point, other_focal_point, colleague, inactive_focal_point, steps
):
    build_plan(strategy, ["MSHMS", "AKPA"])
    cycle = opened_cycle(strategy, secretariat, steps)
    mshms = ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")
    akpa = ProgressReport.objects.get(cycle=cycle, institution__code="AKPA")

    assert told(focal_point) == told(colleague) == [f"cycle_opened:{mshms.pk}"]
    assert told(other_focal_point) == [f"cycle_opened:{akpa.pk}"]
    assert told(secretariat) == told(coordinator) == told(inactive_focal_point) == []
    notice = Notification.objects.get(recipient=focal_point)
    assert "MSHMS" in notice.text_en and date_format(cycle.due_on) in notice.text_en
    assert notice.url == reverse("monitoring:report", kwargs={"pk": mshms.pk})


def test_a_report_submitted_tells_the_secretariat_of_its_country_only(
    report, focal_point, colleague, secretariat, coordinator, xk_secretariat, other_focal_point, steps
):
    report = submitted(report, focal_point, steps)

    assert told(secretariat) == [f"report_submitted:{report.pk}:{report.version}"]
    assert told(xk_secretariat) == told(coordinator) == told(focal_point) == told(colleague) == []
    assert told(other_focal_point) == []
    assert "MSHMS submitted its report" in Notification.objects.get(recipient=secretariat).text_en


def test_a_report_returned_tells_its_institutions_focal_points_with_the_reason(
    report, focal_point, colleague, other_focal_point, secretariat, steps
):
    report = submitted(report, focal_point, steps)
    with steps():
        services.return_report(report, by=secretariat, reason="Add the sources.", version=report.version)
    report.refresh_from_db()

    key = f"report_returned:{report.pk}:{report.version}"
    assert told(focal_point) == told(colleague) == [key]
    assert told(other_focal_point) == []
    assert told(secretariat) == [f"report_submitted:{report.pk}:{report.version - 1}"]  # not its own return
    notice = Notification.objects.get(recipient=focal_point)
    assert notice.detail == "Add the sources." and "returned" in notice.text_en


def test_a_report_approved_then_reopened_tells_its_focal_points_each_time(
    report, focal_point, other_focal_point, secretariat, steps
):
    report = submitted(report, focal_point, steps)
    with steps():
        services.approve_report(report, by=secretariat, version=report.version)
    report.refresh_from_db()
    with steps():
        services.reopen_report(report, by=secretariat, reason="A figure is wrong.", version=report.version)
    report.refresh_from_db()

    assert told(focal_point) == [
        f"report_approved:{report.pk}:{report.version - 1}",
        f"report_reopened:{report.pk}:{report.version}",
    ]
    assert told(other_focal_point) == []
    assert Notification.objects.get(recipient=focal_point, kind="report_reopened").detail == "A figure is wrong."


def test_a_comment_on_a_line_tells_the_reports_focal_points(
    report, focal_point, colleague, other_focal_point, secretariat, steps
):
    line = ActivityProgress.objects.select_related("activity").filter(report=report).first()
    with steps():
        comment = services.add_comment(report, by=secretariat, text="Which villages?", activity_id=line.activity_id)

    assert told(focal_point) == told(colleague) == [f"comment:{comment.pk}"]
    assert told(other_focal_point) == told(secretariat) == []
    notice = Notification.objects.get(recipient=focal_point)
    assert line.activity.code in notice.text_en and notice.detail == "Which villages?"


def test_the_actor_is_never_told_of_their_own_step(report, focal_point, secretariat, steps):
    MembershipFactory(user=secretariat, institution=report.institution, role="focal_point")
    with steps():
        services.add_comment(report, by=secretariat, text="A note to self.")

    assert told(secretariat) == []
    assert len(told(focal_point)) == 1


def test_a_step_announced_twice_makes_one_notice_per_person(report, focal_point, secretariat, steps):
    report = submitted(report, focal_point, steps)
    notifications.notify_workflow_step(
        step="submitted", by_id=focal_point.pk, report_id=report.pk, version=report.version
    )

    assert Notification.objects.filter(recipient=secretariat).count() == 1


def test_the_notices_are_in_both_languages(report, focal_point, secretariat, steps):
    with steps():
        services.add_comment(report, by=secretariat, text="Check.")
    notice = Notification.objects.get(recipient=focal_point)

    assert notice.text_sq and notice.text_en and "AL-NSM-TEST" in notice.text_sq


def test_a_cycle_opened_makes_its_notices_in_as_many_queries_for_many_institutions_as_for_two(
    db, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS  # queued for the worker: one row for all the e-mails
    counts = []
    for number, code in ((2, "AL-FEW"), (8, "AL-MANY")):
        strategy = StrategyFactory(code=code)
        codes = [f"{code}-{n}" for n in range(number)]
        build_plan(strategy, codes, activities_each=1)
        for institution_code in codes:
            for n in range(2):
                MembershipFactory(
                    user__username=f"fp-{institution_code}-{n}",
                    institution__code=institution_code,
                    institution__country=strategy.country,
                    role="focal_point",
                )
        today = timezone.localdate()
        cycle = services.create_cycle(
            strategy, by=secretariat, kind="half_year", year=2024, half=2, opens_on=today, due_on=today
        )
        services.open_cycle(cycle, by=secretariat)  # its notices are made below, counted
        with CaptureQueriesContext(connection) as queries:
            queued = notifications.notify_workflow_step(step="cycle_opened", by_id=secretariat.pk, cycle_id=cycle.pk)
        assert len(queued) == 2 * number
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 6


def test_the_focal_points_of_another_countrys_institution_are_not_told_of_a_report_asked_of_it(
    report, focal_point, secretariat, steps
):
    """A plan written before countries were kept apart may have asked a report of another country's institution: its
    focal points do not see that report (`ProgressReport.editable_by`), and are not told of it either."""
    kosovar = MembershipFactory(
        user__username="focal-xk", institution__code="MSHMS-XK", institution__country="XK", role="focal_point"
    )
    ProgressReport.objects.filter(pk=report.pk).update(institution=kosovar.institution)
    report.refresh_from_db()
    with steps():
        services.add_comment(report, by=secretariat, text="Anyone?")

    assert told(kosovar.user) == [] and told(focal_point) == []
