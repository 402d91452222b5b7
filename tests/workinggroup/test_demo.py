"""The demo's working group: three meetings in 2024-2025 with mixed attendance, decisions, action points done and
overdue; loading again writes nothing."""

from django.urls import reverse
from django.utils import timezone

from nsm.demo.loader import load_demo
from nsm.workinggroup.models import ActionPoint, Meeting, MeetingParticipant
from tests.demo.conftest import demo, loaded_once  # noqa: F401 - fixtures


def test_demo_has_two_iiwg_and_one_technical_committee_meeting(demo):  # noqa: F811
    meetings = Meeting.objects.filter(strategy__code="AL-NSM-2024-2030")
    assert sorted(meetings.values_list("body", flat=True)) == ["iiwg", "iiwg", "technical_committee"]
    assert {m.held_on.year for m in meetings} == {2024, 2025}
    assert all(m.minutes_name.endswith(".pdf") and m.decisions.exists() for m in meetings)
    sexes = set(MeetingParticipant.objects.values_list("sex", flat=True))
    assert {"female", "male"} <= sexes
    assert MeetingParticipant.objects.values("institution").distinct().count() >= 5


def test_demo_action_points_are_some_done_some_overdue(demo):  # noqa: F811
    today = timezone.localdate()
    assert ActionPoint.objects.filter(status="done", closed_on__isnull=False).count() >= 3
    overdue = set(ActionPoint.objects.overdue(today).values_list("owner__code", flat=True))
    assert overdue == {"AKPA", "MSHMS"}
    assert ActionPoint.objects.filter(status="open", due_on__gt=today).exists()


def test_the_demo_focal_point_sees_its_overdue_action_point_at_home(demo, client):  # noqa: F811
    from nsm.accounts.models import User

    client.force_login(User.objects.get(username="focalpoint"))
    page = client.get(reverse("home")).content.decode()
    assert "Your action points" in page and "Overdue" in page


def test_loading_again_writes_nothing(demo, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    again = load_demo()
    assert again.created["meeting"] == 0
    assert again.unchanged["meeting"] == 3
    assert Meeting.objects.count() == 3
