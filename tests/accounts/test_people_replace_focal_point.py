"""A focal point who leaves is replaced without losing the report's history: deactivating a user deletes nothing of
what they wrote (reports belong to institutions, `ProgressReport.institution`; the users they name are kept), and the
new focal point, invited to the same institution, takes the report over as it is."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from nsm.accounts.models import Membership, User
from nsm.monitoring import services as monitoring_services
from nsm.monitoring.models import ProgressReport, ReportEvent
from tests.monitoring.conftest import cycle, fill, report  # noqa: F401 - the monitoring scenario's fixtures

PASSWORD = "a long and new password"


def test_deactivating_the_focal_point_keeps_the_report_its_timeline_and_history_and_the_successor_takes_over(
    client_for,
    secretariat,
    focal_point,
    report,  # noqa: F811
):
    report = fill(report, focal_point)
    report = monitoring_services.submit_report(report, by=focal_point, version=report.version)
    events = list(ReportEvent.objects.filter(report=report).values_list("kind", "user_id"))
    history = list(report.history.values_list("history_id", "history_user_id"))
    assert (ReportEvent.Kind.SUBMITTED, focal_point.pk) in events

    client = client_for(secretariat)
    client.post(reverse("accounts:person-deactivate", args=[focal_point.pk]), {"confirm": "yes"})

    focal_point.refresh_from_db()
    assert not focal_point.is_active
    assert User.objects.filter(pk=focal_point.pk).exists()
    assert focal_point.memberships.get().institution.code == "MSHMS"  # kept, for a reactivation
    report = ProgressReport.objects.get(pk=report.pk)
    assert report.institution.code == "MSHMS" and report.status == ProgressReport.Status.SUBMITTED
    assert list(ReportEvent.objects.filter(report=report).values_list("kind", "user_id")) == events
    assert list(report.history.values_list("history_id", "history_user_id")) == history

    # The successor, invited to the same institution, sees the report with its timeline naming the one who left.
    data = {
        "first_name": "Besa", "last_name": "Krasniqi", "email": "besa@example.org",
        "institution": report.institution_id, "role": Membership.Role.FOCAL_POINT, "language": "en",
    }  # fmt: skip
    client.post(reverse("accounts:people-invite"), data)
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)", mail.outbox[-1].body).group(1)
    successor = Client()
    opened = successor.get(link)
    successor.post(opened["Location"], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    successor.post(reverse("accounts:login"), {"username": "besa@example.org", "password": PASSWORD})
    page = successor.get(reverse("monitoring:report", args=[report.pk]))
    assert page.status_code == 200
    assert str(focal_point) in successor.get(reverse("monitoring:report-history", args=[report.pk])).content.decode()
