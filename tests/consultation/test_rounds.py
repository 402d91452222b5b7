"""Consultation rounds: who creates them and comments on them, answers, who sees what, the report and its XLSX."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from nsm.accounts import access
from nsm.consultation import report, rounds
from nsm.consultation.models import ConsultationComment, ConsultationRound
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.round_fixtures import PUBLIC, days
from tests.factories import InstitutionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

Answer = ConsultationComment.Answer


def public_comment(round_, **changes):
    return rounds.post_public_comment(round_, address="203.0.113.9", **{**PUBLIC, **changes})


# --- Rounds ---


def test_the_secretariat_and_the_coordinator_create_rounds_others_may_not(version, secretariat, coordinator,
                                                                           focal_point, stakeholder):  # fmt: skip
    made = rounds.create_round(
        version, by=coordinator, title="By the coordinator", opens_on=days(0), closes_on=days(28)
    )
    assert made.created_by == coordinator
    assert made.history.first().history_user == coordinator
    for user in (focal_point, stakeholder):
        with pytest.raises(PermissionDenied):
            rounds.create_round(version, by=user, title="No", opens_on=days(0), closes_on=days(30))
    with pytest.raises(ValidationError, match="closes on or after"):
        rounds.create_round(version, by=secretariat, title="Backwards", opens_on=days(2), closes_on=days(1))
    assert ConsultationRound.objects.count() == 1


def test_status_follows_the_dates(version, secretariat):
    made = rounds.create_round(version, by=secretariat, title="R", opens_on=days(1), closes_on=days(30))
    assert (made.status_on(days(0)), made.status_on(days(1)), made.status_on(days(30)), made.status_on(days(31))) == (
        "planned", "open", "open", "closed",
    )  # fmt: skip
    assert made.status == "planned" and not made.is_open


def test_inviting_and_changing_a_round_is_recorded(private_round, secretariat, other_stakeholder):
    diaspora = other_stakeholder.memberships.get().institution
    rounds.invite(private_round, [diaspora], by=secretariat)
    assert set(private_round.invited.values_list("code", flat=True)) == {"NGO-A", "DIASP"}
    changed = rounds.update_round(private_round, by=secretariat, title="Renamed", is_public=True)
    assert (changed.title, changed.is_public) == ("Renamed", True)
    latest = changed.history.first()
    assert latest.history_user == secretariat and latest.title == "Renamed"
    assert {m.institution.code for m in latest.invited.all()} == {"NGO-A", "DIASP"}


# --- Stakeholders see only the rounds they are invited to ---


def test_a_stakeholder_has_no_internal_role(stakeholder, strategy, client_for):
    assert access.countries(stakeholder) == set() and access.institution_ids(stakeholder) == set()
    client = client_for(stakeholder)
    assert client.get(reverse("strategy:detail", args=[strategy.code])).status_code == 404
    assert client.get(reverse("consultation:rounds", args=[strategy.code])).status_code == 404
    assert client.get(reverse("consultation:versions", args=[strategy.code])).status_code == 404


def test_a_stakeholder_sees_only_the_rounds_it_is_invited_to(open_round, private_round, version, secretariat,
                                                            stakeholder, other_stakeholder, client_for):  # fmt: skip
    elsewhere = rounds.create_round(version, by=secretariat, title="Others", opens_on=days(0), closes_on=days(30))
    assert set(ConsultationRound.objects.visible_to(stakeholder)) == {open_round, private_round}
    assert set(ConsultationRound.objects.visible_to(other_stakeholder)) == set()
    client = client_for(stakeholder)
    assert client.get(reverse("consultation:round", args=[private_round.pk])).status_code == 200
    assert client.get(reverse("consultation:round", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("consultation:round-report", args=[private_round.pk])).status_code == 404
    assert client_for(other_stakeholder).get(reverse("consultation:round", args=[open_round.pk])).status_code == 404
    page = client.get(reverse("consultation:mine")).content.decode()
    assert "Invited only" in page and "Public consultation on v1" in page and "Others" not in page


def test_my_consultations_lists_open_rounds_only(version, secretariat, ngo, stakeholder, client_for):
    rounds.create_round(
        version, by=secretariat, title="Closed one", opens_on=days(-40), closes_on=days(-1), invited=[ngo]
    )
    rounds.create_round(
        version, by=secretariat, title="Future one", opens_on=days(3), closes_on=days(33), invited=[ngo]
    )
    page = client_for(stakeholder).get(reverse("consultation:mine")).content.decode()
    assert "Closed one" not in page and "Future one" not in page
    assert "No consultation is open for your institution now." in page


def test_other_countries_see_nothing(open_round, client_for):
    from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

    kosovo = UserFactory(username="xk")
    MembershipFactory(user=kosovo, institution=InstitutionFactory(code="XK-MIA", country="XK"), role="secretariat")
    assert not ConsultationRound.objects.visible_to(kosovo).exists()
    assert client_for(kosovo).get(reverse("consultation:round", args=[open_round.pk])).status_code == 404


# --- Comments ---


def test_invited_stakeholders_and_internal_users_comment_while_open(private_round, stakeholder, other_stakeholder,
                                                                   focal_point, viewer, activity_code):  # fmt: skip
    by_ngo = rounds.post_comment(private_round, by=stakeholder, text="More for returnees.", target_kind="activity",
                                 target_code=activity_code, sex="female")  # fmt: skip
    assert (by_ngo.institution.code, by_ngo.stakeholder_type, by_ngo.organisation) == (
        "NGO-A",
        "civil_society",
        "NGO-A",
    )
    assert by_ngo.history.first().history_user == stakeholder
    by_ministry = rounds.post_comment(private_round, by=focal_point, text="Agreed.")
    assert (by_ministry.target_kind, by_ministry.target_code, by_ministry.stakeholder_type) == (
        "plan",
        "",
        "government",
    )
    rounds.post_comment(private_round, by=viewer, text="Data source?", target_kind="indicator", target_code="1.1.1.1")
    with pytest.raises(PermissionDenied):
        rounds.post_comment(private_round, by=other_stakeholder, text="Not invited.")
    with pytest.raises(ValidationError, match="not in the version"):
        rounds.post_comment(private_round, by=focal_point, text="?", target_kind="activity", target_code="9.9.9.9")
    assert private_round.comments.count() == 3


def test_nobody_comments_outside_the_dates(version, secretariat, ngo, stakeholder, focal_point):
    closed = rounds.create_round(
        version, by=secretariat, title="C", opens_on=days(-40), closes_on=days(-1), invited=[ngo]
    )
    planned = rounds.create_round(
        version, by=secretariat, title="P", opens_on=days(1), closes_on=days(40), invited=[ngo]
    )
    for round_ in (closed, planned):
        for user in (stakeholder, focal_point):
            with pytest.raises(ValidationError, match="not open"):
                rounds.post_comment(round_, by=user, text="Late.")
    assert not ConsultationComment.objects.exists()


def test_a_comment_posted_on_the_round_page(private_round, stakeholder, client_for, activity_code):
    client = client_for(stakeholder)
    url = reverse("consultation:round", args=[private_round.pk])
    page = client.get(url).content.decode()
    assert f"Activity {activity_code}" in page and "Whole plan" in page and "Add a comment" in page
    response = client.post(url, {"target": f"activity:{activity_code}", "text": "Extend to Korça.",
                                 "stakeholder_type": "civil_society", "sex": "male"})  # fmt: skip
    assert response.status_code == 302
    comment = ConsultationComment.objects.get()
    assert (comment.author, comment.target_kind, comment.target_code, comment.sex) == (
        stakeholder, "activity", activity_code, "male",
    )  # fmt: skip
    assert "Extend to Korça." in client.get(url).content.decode()


def test_a_stakeholder_reads_only_its_own_institutions_comments(private_round, stakeholder, focal_point, client_for):
    rounds.post_comment(private_round, by=focal_point, text="Internal remark.")
    rounds.post_comment(private_round, by=stakeholder, text="NGO remark.")
    page = client_for(stakeholder).get(reverse("consultation:round", args=[private_round.pk])).content.decode()
    assert "NGO remark." in page and "Internal remark." not in page
    page = client_for(focal_point).get(reverse("consultation:round", args=[private_round.pk])).content.decode()
    assert "NGO remark." in page and "Internal remark." in page


# --- Answers ---


def test_the_secretariat_answers_with_a_reason_unless_accepted(open_round, secretariat, coordinator, focal_point):
    comment = public_comment(open_round)
    with pytest.raises(ValidationError, match="reason"):
        rounds.answer_comment(comment, by=secretariat, answer=Answer.PARTLY, reason="  ")
    with pytest.raises(ValidationError):
        rounds.answer_comment(comment, by=secretariat, answer="maybe", reason="x")
    with pytest.raises(PermissionDenied):
        rounds.answer_comment(comment, by=focal_point, answer=Answer.ACCEPTED)
    answered = rounds.answer_comment(comment, by=secretariat, answer=Answer.ACCEPTED)
    assert (answered.answer, answered.answer_reason, answered.answered_by) == ("accepted", "", secretariat)
    answered = rounds.answer_comment(comment, by=coordinator, answer=Answer.NOT_ACCEPTED, reason="Out of scope.")
    assert (answered.answer, answered.answer_reason, answered.answered_by) == (
        "not_accepted",
        "Out of scope.",
        coordinator,
    )
    assert [h.answer for h in answered.history.order_by("history_date")] == ["", "accepted", "not_accepted"]


def test_answer_page_for_the_secretariat_only(open_round, secretariat, focal_point, client_for):
    comment = public_comment(open_round)
    url = reverse("consultation:comment-answer", args=[comment.pk])
    data = {f"c{comment.pk}-answer": "partly", f"c{comment.pk}-reason": "Partly covered by 1.1.1."}
    assert client_for(focal_point).post(url, data).status_code == 404
    response = client_for(secretariat).post(url, {f"c{comment.pk}-answer": "partly"}, follow=True)
    assert "Give the reason" in response.content.decode()
    client_for(secretariat).post(url, data)
    comment.refresh_from_db()
    assert (comment.answer, comment.answer_reason, comment.answered_by) == (
        "partly",
        "Partly covered by 1.1.1.",
        secretariat,
    )


# --- Emails: the secretariat only ---


def test_only_the_secretariat_sees_participants_emails(open_round, secretariat, coordinator, focal_point, viewer,
                                                       stakeholder, client_for, public):  # fmt: skip
    public_comment(open_round)
    rounds.post_comment(open_round, by=stakeholder, text="NGO remark.")
    pages = ("consultation:round", "consultation:round-report")
    for user in (secretariat, coordinator):
        for name in pages:
            assert "arta@example.org" in client_for(user).get(reverse(name, args=[open_round.pk])).content.decode()
    for user in (focal_point, viewer):
        for name in pages:
            response = client_for(user).get(reverse(name, args=[open_round.pk]))
            assert response.status_code == 200 and "arta@example.org" not in response.content.decode()
            assert "Arta Hoxha" in response.content.decode()
    stakeholder_page = client_for(stakeholder).get(reverse("consultation:round", args=[open_round.pk]))
    assert "arta@example.org" not in stakeholder_page.content.decode()
    assert "arta@example.org" not in public.get(reverse("consultation:public", args=[open_round.pk])).content.decode()


# --- The report ---


def test_participants_are_counted_once_by_type_and_sex(open_round, stakeholder, focal_point):
    public_comment(open_round)
    public_comment(open_round, email="ARTA@example.org", text="Second comment, same person.")
    public_comment(open_round, name="Besa", email="besa@example.org", stakeholder_type="academia", sex="female")
    public_comment(open_round, name="Dritan", email="dritan@example.org", stakeholder_type="diaspora", sex="male")
    rounds.post_comment(open_round, by=stakeholder, text="One.", sex="male")
    rounds.post_comment(open_round, by=stakeholder, text="Two.", sex="male")
    rounds.post_comment(open_round, by=focal_point, text="Three.")
    built = report.build(open_round)
    assert built.participants == 5 and len(built.comments) == 7
    table = {row.type: (row.by_sex, row.total) for row in built.rows}
    # columns: female, male, other, prefer not to say
    assert table["civil_society"] == ([1, 1, 0, 0], 2)
    assert table["academia"] == ([1, 0, 0, 0], 1)
    assert table["diaspora"] == ([0, 1, 0, 0], 1)
    assert table["government"] == ([0, 0, 0, 1], 1)
    assert built.sex_totals == [2, 2, 0, 1]


def _sheets(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets], book.sheetnames


def test_the_xlsx_report_lists_participants_and_every_comment_with_its_answer(open_round, secretariat, focal_point,
                                                                              client_for, activity_code):  # fmt: skip
    comment = public_comment(open_round, target_kind="activity", target_code=activity_code)
    rounds.answer_comment(comment, by=secretariat, answer=Answer.PARTLY, reason="Counters in 6 regions first.")
    rounds.post_comment(open_round, by=focal_point, text="Fine as it is.")
    url = reverse("consultation:round-report-xlsx", args=[open_round.pk])
    response = client_for(secretariat).get(url)
    assert response["Content-Type"] == report.XLSX
    assert "attachment" in response["Content-Disposition"]
    (participants, comments), names = _sheets(b"".join(response.streaming_content))
    assert names == ["Participants", "Comments"]
    header = participants[4]
    assert header == ["Stakeholder type", "Female", "Male", "Other", "Prefer not to say", "Total"]
    rows = {row[0]: row[1:] for row in participants[5:]}
    assert rows["Civil society"] == [1, 0, 0, 0, 1] and rows["Government"] == [0, 0, 0, 1, 1]
    assert rows["Total"] == [1, 0, 0, 1, 2]
    assert comments[0][:11] == ["No.", "Posted", "On", "Item code", "Item", "Participant", "Organisation",
                                "Stakeholder type", "Sex", "Consent to publication", "Email"]  # fmt: skip
    first = dict(zip(comments[0], comments[1], strict=True))
    assert (first["On"], first["Item code"], first["Item"], first["Participant"], first["Email"]) == (
        "Activity", activity_code, f"Activity {activity_code}", "Arta Hoxha", "arta@example.org",
    )  # fmt: skip
    assert (first["Answer"], first["Reason"], first["Answered by"]) == (
        "Partly accepted", "Counters in 6 regions first.", str(secretariat),
    )  # fmt: skip
    second = dict(zip(comments[0], comments[2], strict=True))
    assert (second["On"], second["Comment"], second["Answer"]) == ("Whole plan", "Fine as it is.", None)

    # Without the emails for anyone else of the country.
    (participants, comments), _names = _sheets(b"".join(client_for(focal_point).get(url).streaming_content))
    assert "Email" not in comments[0]
    assert all("arta@example.org" not in [str(cell) for cell in row] for row in comments)


def test_report_pages_are_for_internal_users_of_the_country(open_round, stakeholder, client_for, public):
    for name in ("consultation:round-report", "consultation:round-report-xlsx"):
        assert client_for(stakeholder).get(reverse(name, args=[open_round.pk])).status_code == 404
        assert public.get(reverse(name, args=[open_round.pk])).status_code == 302  # to sign in


# --- Pages and their queries ---


def test_round_list_and_creation_page(
    version, secretariat, focal_point, client_for, ngo, django_assert_max_num_queries
):
    url = reverse("consultation:rounds", args=[version.strategy.code])
    assert "New consultation round" not in client_for(focal_point).get(url).content.decode()
    assert client_for(focal_point).post(url, {}).status_code == 404
    client = client_for(secretariat)
    response = client.post(url, {"version": version.pk, "title": "Round one", "opens_on": days(0).isoformat(),
                                 "closes_on": days(28).isoformat(), "is_public": "on",
                                 "invited": [ngo.pk]})  # fmt: skip
    made = ConsultationRound.objects.get()
    assert response.url == reverse("consultation:round", args=[made.pk])
    assert (made.is_public, list(made.invited.all()), made.created_by) == (True, [ngo], secretariat)
    for n in range(3):
        rounds.create_round(version, by=secretariat, title=f"More {n}", opens_on=days(0), closes_on=days(30))
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "More 2" in page and "Round one" in page


def test_the_version_page_lists_its_rounds_and_offers_a_new_one_to_editors(open_round, version, secretariat,
                                                                             viewer, client_for):  # fmt: skip
    page_url = reverse("consultation:version", args=[version.strategy.code, version.number])
    new_round = reverse("consultation:rounds", args=[version.strategy.code]) + f"?version={version.number}"
    for_viewer = client_for(viewer).get(page_url).content.decode()
    assert reverse("consultation:round", args=[open_round.pk]) in for_viewer and open_round.title in for_viewer
    assert new_round not in for_viewer
    assert new_round in client_for(secretariat).get(page_url).content.decode()
    form = client_for(secretariat).get(new_round).context["form"]
    assert form["version"].value() == version.pk
    assert client_for(secretariat).get(new_round.split("?")[0] + "?version=x").status_code == 200


def test_round_page_queries_do_not_grow_with_comments(
    open_round, secretariat, client_for, django_assert_max_num_queries
):
    for n in range(6):
        rounds.post_public_comment(open_round, address=f"198.51.100.{n}", **{**PUBLIC, "email": f"p{n}@example.org"})
    client = client_for(secretariat)
    url = reverse("consultation:round", args=[open_round.pk])
    with django_assert_max_num_queries(14):
        client.get(url)
    with django_assert_max_num_queries(14):
        client.get(reverse("consultation:round-report", args=[open_round.pk]))


def test_editing_a_round(private_round, secretariat, focal_point, client_for):
    url = reverse("consultation:round-edit", args=[private_round.pk])
    assert client_for(focal_point).get(url).status_code == 404
    data = {"title": "Changed", "opens_on": days(-1).isoformat(), "closes_on": days(35).isoformat(), "revision": "1"}
    assert client_for(secretariat).post(url, data).status_code == 302
    private_round.refresh_from_db()
    assert (private_round.title, private_round.closes_on, private_round.invited.count()) == ("Changed", days(35), 0)


def test_rounds_of_another_strategy_stay_there(open_round, secretariat, client_for):
    other = StrategyFactory(code="AL-OTHER")
    page = client_for(secretariat).get(reverse("consultation:rounds", args=[other.code])).content.decode()
    assert open_round.title not in page


def test_stakeholders_find_their_consultations_in_the_menu(private_round, stakeholder, focal_point, client_for):
    mine = reverse("consultation:mine")
    assert f'href="{mine}"' in client_for(stakeholder).get(mine).content.decode()
    assert f'href="{mine}"' not in client_for(focal_point).get(reverse("home")).content.decode()


def test_a_round_invites_only_institutions_of_its_strategys_country(version, secretariat, client_for):
    kosovo = InstitutionFactory(code="MPB-XK", country="XK", name_en="Ministry of Internal Affairs (Kosovo)")
    with pytest.raises(ValidationError, match="MPB-XK belong to another country"):
        rounds.create_round(
            version, by=secretariat, title="Round", opens_on=datetime.date(2026, 1, 1),
            closes_on=datetime.date(2026, 2, 1), invited=[kosovo],
        )  # fmt: skip
    page = client_for(secretariat).get(reverse("consultation:rounds", args=[version.strategy.code])).content.decode()
    assert "Ministry of Internal Affairs (Kosovo)" not in page
