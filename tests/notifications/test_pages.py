"""The inbox, the bell in the header and the settings page: each user's own notices only, in a fixed number of
queries whatever their number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nsm.notifications import services
from nsm.notifications.models import CHOSEN_KINDS, REMINDER_KINDS, Delivery, Kind, Notification
from tests.factories import UserFactory


def notices(user, count, **fields):
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.COMMENT,
            key=f"comment:{user.pk}:{n}",
            text_sq=f"Koment {n}",
            text_en=f"Comment {n}",
            url="/monitoring/",
            **fields,
        )  # fmt: skip
        for n in range(count)
    )
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_the_inbox_lists_the_users_notices_newest_first(focal_point, other_focal_point, client_for):
    notices(focal_point, 3)
    notices(other_focal_point, 1)
    page = client_for(focal_point).get(reverse("notifications:inbox")).content.decode()

    assert page.index("Comment 2") < page.index("Comment 1") < page.index("Comment 0")
    assert "3 unread notifications" in page


@pytest.mark.parametrize("language, text", [("en", "Comment 0"), ("sq", "Koment 0")])
def test_the_inbox_shows_the_words_in_the_readers_language(focal_point, client_for, language, text):
    notices(focal_point, 1)
    page = client_for(focal_point).get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE=language)

    assert text in page.content.decode()


def test_the_inbox_takes_as_many_queries_for_50_notices_as_for_5(focal_point, other_focal_point, client_for):
    counts = []
    for user, count in ((focal_point, 5), (other_focal_point, 50)):
        notices(user, count)
        client = client_for(user)
        client.get(reverse("notifications:inbox"))  # the session's first reads
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("notifications:inbox"))
        assert response.content.decode().count('href="/notifications/') >= count
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_inbox_pages_by_fifty(focal_point, client_for):
    notices(focal_point, 51)
    client = client_for(focal_point)

    assert "Comment 0<" not in client.get(reverse("notifications:inbox")).content.decode()
    assert "Comment 0<" in client.get(reverse("notifications:inbox") + "?page=2").content.decode()


def test_following_a_notice_marks_it_read_and_leads_to_its_page(focal_point, client_for):
    [notice] = notices(focal_point, 1)
    response = client_for(focal_point).get(reverse("notifications:open", kwargs={"pk": notice.pk}))

    assert response.status_code == 302 and response.url == "/monitoring/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_users_notice_is_missing(focal_point, other_focal_point, client_for):
    [notice] = notices(other_focal_point, 1)
    response = client_for(focal_point).get(reverse("notifications:open", kwargs={"pk": notice.pk}))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_never_leads_off_the_site(focal_point, client_for):
    [notice] = notices(focal_point, 1)
    Notification.objects.filter(pk=notice.pk).update(url="//evil.example/")
    response = client_for(focal_point).get(reverse("notifications:open", kwargs={"pk": notice.pk}))

    assert response.url == reverse("notifications:inbox")


def test_mark_all_read_marks_only_the_users_own(focal_point, other_focal_point, client_for):
    notices(focal_point, 2)
    notices(other_focal_point, 1)
    client_for(focal_point).post(reverse("notifications:read-all"))

    assert not Notification.objects.filter(recipient=focal_point, read_at=None).exists()
    assert Notification.objects.filter(recipient=other_focal_point, read_at=None).count() == 1


def test_the_bell_says_how_many_are_unread_in_words(focal_point, client_for):
    notices(focal_point, 2)
    client = client_for(focal_point)
    body = client.get(reverse("notifications:bell")).content.decode()

    assert "2 unread notifications" in body and 'class="visually-hidden"' in body
    Notification.objects.update(read_at="2025-01-01T00:00Z")
    assert "No unread notifications" in client.get(reverse("notifications:bell")).content.decode()


def test_every_page_has_the_bell_refreshed_every_minute_for_a_signed_in_user(focal_point, client_for, public):
    page = client_for(focal_point).get(reverse("home")).content.decode()

    assert f'hx-get="{reverse("notifications:bell")}"' in page and 'hx-trigger="load, every 60s"' in page
    assert reverse("notifications:bell") not in public.get(reverse("home")).content.decode()


def test_the_bell_sends_someone_not_signed_in_to_sign_in(public):
    response = public.get(reverse("notifications:bell"))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_the_settings_page_keeps_a_choice_per_kind(focal_point, client_for):
    client = client_for(focal_point)
    assert client.get(reverse("notifications:settings")).status_code == 200
    choices = {kind.value: Delivery.EMAIL for kind in CHOSEN_KINDS} | {"report_approved": "app", "comment": "digest"}
    response = client.post(reverse("notifications:settings"), choices)

    assert response.status_code == 302
    assert services.preferences_of(focal_point) == choices
    other = UserFactory()
    assert set(services.preferences_of(other).values()) == {Delivery.EMAIL}  # the default


def test_the_settings_page_lists_every_kind_but_the_reminders_which_are_emailed_by_themselves(focal_point, client_for):
    page = client_for(focal_point).get(reverse("notifications:settings")).content.decode()

    for kind in ("action_assigned", "action_overdue", "round_invited", "comment"):
        assert f'name="{kind}"' in page
    for kind in REMINDER_KINDS:
        assert f'name="{kind}"' not in page
    services.save_preferences(focal_point, choices={"report_overdue": Delivery.APP})
    assert "report_overdue" not in services.preferences_of(focal_point)
