"""Who may open and do what on the monitoring pages: each role against each URL, for its own institution and another's.

Whatever a user may not see, or may not do, answers 404, as a missing report does; someone not signed in is sent to
the sign-in page.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nsm.accounts.models import Membership
from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.monitoring.conftest import fill

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(name, *args):
    return reverse(f"monitoring:{name}", args=args)


def with_evidence(report, user):
    upload = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    activity = report.activity_lines.first().activity_id
    return services.add_evidence(report, by=user, activity_id=activity, upload=upload)


@pytest.fixture
def reports(report, other_report, focal_point, other_focal_point):
    """The focal point's report (draft, with evidence) and another institution's (draft, with evidence)."""
    own_evidence = with_evidence(report, focal_point)
    other_evidence = with_evidence(other_report, other_focal_point)
    report.refresh_from_db()
    other_report.refresh_from_db()
    return {"own": report, "other": other_report, "own_evidence": own_evidence, "other_evidence": other_evidence}


def read_urls(report, evidence):
    return [url("report", report.pk), url("report-history", report.pk), url("evidence", evidence.pk)]


def fill_urls(report, evidence):
    """What a focal point POSTs on its report."""
    return [
        url("report", report.pk), url("report-submit", report.pk), url("evidence-add", report.pk),
        url("evidence-remove", evidence.pk),
    ]  # fmt: skip


def review_urls(report):
    return [url(name, report.pk) for name in ("report-return", "report-approve", "report-reopen", "report-comment")]


def cycle_urls(cycle):
    return [url("cycle-open", cycle.pk), url("cycle-close", cycle.pk)]


def gets(client, paths):
    return {path: client.get(path).status_code for path in paths}


def posts(client, paths):
    """POSTs as a confirmation page sends them: a step asked to confirm acts (or is refused) only once confirmed."""
    data = {"version": "999", "reason": "x", "text": "x", "confirm": "yes"}
    return {path: client.post(path, data).status_code for path in paths}


def only(code, results):
    assert set(results.values()) == {code}, results


def test_the_focal_point_reads_and_fills_its_own_report(client_for, focal_point, reports):
    client = client_for(focal_point)
    only(200, gets(client, read_urls(reports["own"], reports["own_evidence"])))
    assert 404 not in posts(client, fill_urls(reports["own"], reports["own_evidence"])).values()


def test_the_focal_point_gets_404_on_every_url_of_another_institutions_report(client_for, focal_point, reports):
    client = client_for(focal_point)
    other, evidence = reports["other"], reports["other_evidence"]
    only(404, gets(client, read_urls(other, evidence)))
    only(404, posts(client, fill_urls(other, evidence) + review_urls(other)))
    assert ProgressReport.objects.get(pk=other.pk).version == other.version


def test_the_focal_point_cannot_review_nor_see_the_board(client_for, focal_point, cycle, reports):
    client = client_for(focal_point)
    only(404, posts(client, review_urls(reports["own"]) + cycle_urls(cycle)))
    only(404, gets(client, [url("cycle", cycle.pk), url("cycle-close", cycle.pk)]))
    assert client.post(url("cycles", cycle.strategy.code), {"kind": "year", "year": "2025"}).status_code == 404


def test_the_secretariat_reads_and_reviews_but_does_not_fill_in(client_for, secretariat, cycle, reports):
    client = client_for(secretariat)
    for key in ("own", "other"):
        only(200, gets(client, read_urls(reports[key], reports[f"{key}_evidence"])))
        only(302, posts(client, review_urls(reports[key])))
        only(404, posts(client, fill_urls(reports[key], reports[f"{key}_evidence"])))
    only(200, gets(client, [url("cycle", cycle.pk), url("cycle-close", cycle.pk), url("cycles", cycle.strategy.code)]))


def test_the_coordinator_reads_everything_and_gets_404_on_every_step(client_for, coordinator, cycle, reports):
    client = client_for(coordinator)
    for key in ("own", "other"):
        only(200, gets(client, read_urls(reports[key], reports[f"{key}_evidence"])))
        only(404, posts(client, review_urls(reports[key]) + fill_urls(reports[key], reports[f"{key}_evidence"])))
    only(200, gets(client, [url("cycle", cycle.pk), url("cycles", cycle.strategy.code)]))
    only(404, posts(client, cycle_urls(cycle)))
    only(404, gets(client, [url("cycle-close", cycle.pk)]))


def test_the_viewer_reads_approved_reports_only(client_for, viewer, focal_point, secretariat, cycle, reports):
    client = client_for(viewer)
    own, evidence = reports["own"], reports["own_evidence"]
    only(404, gets(client, read_urls(own, evidence) + [url("cycle", cycle.pk)]))
    assert url("report", own.pk) not in client.get(url("reports")).content.decode()
    fill(own, focal_point)
    services.submit_report(own, by=focal_point)
    services.approve_report(own, by=secretariat)
    only(200, gets(client, read_urls(own, evidence)))
    assert url("report", own.pk) in client.get(url("reports")).content.decode()
    only(404, posts(client, fill_urls(own, evidence) + review_urls(own) + cycle_urls(cycle)))


def test_another_countrys_secretariat_sees_nothing(client_for, cycle, reports):
    stranger = UserFactory(username="kosovo-secretariat")
    MembershipFactory(user=stranger, institution=InstitutionFactory(code="MPB-XK", country="XK"), role="secretariat")
    client = client_for(stranger)
    only(404, gets(client, read_urls(reports["own"], reports["own_evidence"]) + [url("cycle", cycle.pk)]))
    only(404, gets(client, [url("cycles", cycle.strategy.code)]))
    only(404, posts(client, review_urls(reports["own"]) + cycle_urls(cycle)))
    assert url("report", reports["own"].pk) not in client.get(url("reports")).content.decode()


def test_someone_not_signed_in_is_sent_to_sign_in_from_every_url(public, cycle, reports):
    own, evidence = reports["own"], reports["own_evidence"]
    paths = read_urls(own, evidence) + fill_urls(own, evidence) + review_urls(own) + cycle_urls(cycle)
    paths += [url("reports"), url("cycles", cycle.strategy.code), url("cycle", cycle.pk)]
    for path in paths:
        for response in (public.get(path), public.post(path)):
            assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), path


@pytest.mark.parametrize("role", [Membership.Role.FOCAL_POINT, Membership.Role.VIEWER])
def test_the_review_and_cycle_steps_answer_404_to_whoever_may_not_take_them(role, client_for, cycle, reports):
    member = UserFactory(username=f"member-{role}")
    MembershipFactory(user=member, institution=InstitutionFactory(code="MSHMS"), role=role)
    client = client_for(member)
    only(404, posts(client, review_urls(reports["own"]) + cycle_urls(cycle)))
