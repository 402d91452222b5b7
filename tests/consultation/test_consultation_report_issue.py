"""Issuing the consultation report (Law 146/2014): the secretariat only, once the round has closed, after a
confirmation; what it says is frozen (a later answer does not change it), a new issue is numbered and both are kept;
issuing publishes it on the round's public page with the answers beside the comments, and nothing before."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from nsm.consultation import issue, report, rounds
from nsm.consultation.models import ConsultationReport
from tests.consultation.issued_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.round_fixtures import days

pytestmark = pytest.mark.django_db


def test_only_the_secretariat_issues(closed_round, coordinator, focal_point, stakeholder, secretariat):
    for user in (coordinator, focal_point, stakeholder):
        with pytest.raises(PermissionDenied):
            issue.issue_report(closed_round, by=user)
    issued = issue.issue_report(closed_round, by=secretariat)
    assert (issued.number, issued.issued_by) == (1, secretariat)
    assert issued.history.first().history_user == secretariat


def test_a_round_still_open_is_not_issued(open_round, secretariat):
    with pytest.raises(ValidationError, match="once the round has closed"):
        issue.issue_report(open_round, by=secretariat)
    assert not ConsultationReport.objects.exists()


def test_the_issued_report_is_frozen_and_a_new_issue_is_numbered(closed_round, secretariat):
    first = issue.issue_report(closed_round, by=secretariat)
    public = closed_round.comments.get(author__isnull=True)
    rounds.answer_comment(public, by=secretariat, answer="partly", reason="Changed our mind.")
    first.refresh_from_db()
    said = {comment["number"]: (comment["answer"], comment["reason"]) for comment in first.content["comments"]}
    assert said[3] == ("not_accepted", "Outside the plan's scope.")
    second = issue.issue_report(closed_round, by=secretariat)
    assert second.number == 2 and second.content["comments"][2]["reason"] == "Changed our mind."
    assert list(closed_round.reports.values_list("number", flat=True)) == [2, 1]


def test_the_issued_figures_are_the_report_pages(closed_round, secretariat):
    built = report.build(closed_round)
    content = issue.issue_report(closed_round, by=secretariat).content
    assert content["total"] == built.participants == 3
    assert content["sex_totals"] == built.sex_totals
    assert [line["by_sex"] for line in content["participants"]] == [row.by_sex for row in built.rows]
    assert [comment["text"] for comment in content["comments"]] == [
        issue.without_emails(comment.text) for comment in built.comments
    ]
    assert content["invited"] == [{"code": "NGO-A", "sq": closed_round.invited.get().name_sq,
                                   "en": closed_round.invited.get().name_en}]  # fmt: skip


def test_no_email_address_is_kept(closed_round, secretariat):
    content = str(issue.issue_report(closed_round, by=secretariat).content)
    assert "@" not in content and "arta@example.org" not in content and "arta.private" not in content
    assert "Write to me at […] please." in content


def test_the_issue_page_asks_first_and_is_for_the_secretariat(closed_round, secretariat, coordinator, client_for):
    url = reverse("consultation:round-issue", args=[closed_round.pk])
    assert client_for(coordinator).get(url).status_code == 404
    assert client_for(coordinator).post(url, {"confirm": "yes"}).status_code == 404
    client = client_for(secretariat)
    page = client.get(url).content.decode()
    assert "Issue the report" in page and "published" in page
    assert not ConsultationReport.objects.exists()
    assert client.post(url, {}).status_code == 200 and not ConsultationReport.objects.exists()  # asks again
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert ConsultationReport.objects.get().number == 1


def test_the_round_page_offers_issuing_to_the_secretariat_once_closed(open_round, closed_round, secretariat,
                                                                      coordinator, client_for):  # fmt: skip
    url = reverse("consultation:round", args=[closed_round.pk])
    issue_url = reverse("consultation:round-issue", args=[closed_round.pk])
    assert issue_url in client_for(secretariat).get(url).content.decode()
    assert issue_url not in client_for(coordinator).get(url).content.decode()
    issued = issue.issue_report(closed_round, by=secretariat)
    page = client_for(coordinator).get(url).content.decode()
    assert "Consultation reports issued" in page
    assert reverse("reports:consultation", args=[issued.pk, "sq", "pdf"]) in page


def test_the_public_page_shows_answers_only_once_issued(closed_round, secretariat, public):
    url = reverse("consultation:public", args=[closed_round.pk])
    assert public.get(url).status_code == 404  # closed, nothing published
    issued = issue.issue_report(closed_round, by=secretariat)
    page = public.get(url).content.decode()
    assert "Outside the plan" in page and "Not accepted" in page and "Arta Hoxha" in page
    assert "arta@example.org" not in page and "arta.private" not in page
    assert reverse("reports:consultation", args=[issued.pk, "en", "pdf"]) in page
    assert "Send the comment" not in page  # no form once closed
    assert public.post(url, {"text": "late"}).status_code == 404
    # a later answer is not published until issued again
    rounds.answer_comment(closed_round.comments.get(text="The costs look low."), by=secretariat, answer="accepted")
    assert public.get(url).content.decode().count("Not answered") == 1


def test_an_open_public_round_shows_no_answers(open_round, secretariat, public):
    comment = rounds.post_public_comment(open_round, address="203.0.113.1", **{
        "name": "B", "email": "b@example.org", "stakeholder_type": "individual", "sex": "male", "consent": True,
        "text": "A comment."})  # fmt: skip
    rounds.answer_comment(comment, by=secretariat, answer="not_accepted", reason="Secret reasoning.")
    page = public.get(reverse("consultation:public", args=[open_round.pk])).content.decode()
    assert "Send the comment" in page and "Secret reasoning." not in page


def test_issuing_publishes_the_report_of_a_round_not_open_to_the_public(private_round, secretariat, stakeholder,
                                                                        public):  # fmt: skip
    comment = rounds.post_comment(private_round, by=stakeholder, text="Invited only.")
    rounds.answer_comment(comment, by=secretariat, answer="partly", reason="In part.")
    rounds.update_round(private_round, by=secretariat, opens_on=days(-40), closes_on=days(-1))
    url = reverse("consultation:public", args=[private_round.pk])
    assert public.get(url).status_code == 404
    issue.issue_report(private_round, by=secretariat)
    page = public.get(url).content.decode()
    assert "Invited only." in page and "In part." in page and "Partly accepted" in page


def test_an_issued_rounds_dates_can_no_longer_change(private_round, secretariat):
    rounds.update_round(private_round, by=secretariat, opens_on=days(-40), closes_on=days(-1))
    issue.issue_report(private_round, by=secretariat)
    with pytest.raises(ValidationError, match="issued with these dates"):
        rounds.update_round(private_round, by=secretariat, closes_on=days(-2))
    private_round.refresh_from_db()
    assert private_round.closes_on == days(-1)
    renamed = rounds.update_round(private_round, by=secretariat, title="Renamed after issuing")
    assert renamed.title == "Renamed after issuing"  # the title is not what the report froze
