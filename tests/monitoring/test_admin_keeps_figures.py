"""A repair in the admin (a superuser's fallback) writes the kept figures again, so the analysis follows it."""

from django.urls import reverse

from nsm.monitoring import services
from nsm.monitoring.models import ActivityStanding, ProgressReport
from tests.monitoring.conftest import fill


def test_a_repair_in_the_admin_is_followed_by_the_kept_figures(admin_client, focal_point, secretariat, report):
    report = fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    services.approve_report(ProgressReport.objects.get(pk=report.pk), by=secretariat)
    assert ActivityStanding.objects.filter(line__report=report).exists()
    client = admin_client
    response = client.post(
        reverse("admin:monitoring_activityprogress_change", args=[report.activity_lines.first().pk]), {}
    )
    assert response.status_code in (200, 302)  # the form (nothing valid posted): nothing changed
    line = report.activity_lines.order_by("pk").first()
    data = {"report": report.pk, "activity": line.activity_id, "status": "completed", "percent_complete": 100,
            "narrative": "Repaired.", "plausibility_note": ""}  # fmt: skip
    response = client.post(reverse("admin:monitoring_activityprogress_change", args=[line.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert line.status == "completed"
    assert ActivityStanding.objects.get(line=line).status == "completed"
    response = client.post(reverse("admin:monitoring_progressreport_delete", args=[report.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ActivityStanding.objects.exists()
