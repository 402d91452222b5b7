"""Decisions and action points take both languages (issue 18 item 6), either one sufficing: the meeting page shows
the one of its language, else the other marked with `lang`; a form has a labelled field for each and keeps both on a
refusal; none at all is refused in words. The migration kept the one text as the Albanian one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from nsm.workinggroup import services
from nsm.workinggroup.models import ActionPoint, Decision, Meeting
from tests.factories import StrategyFactory


def url(name, *args):
    return reverse(f"workinggroup:{name}", args=args)


def page(client, meeting, language) -> str:
    client.cookies["django_language"] = language
    return client.get(url("meeting", meeting.pk)).content.decode()


def test_the_meeting_page_shows_its_languages_text_else_the_other_marked(client_for, viewer, secretariat, meeting):
    services.add_decision(meeting, by=secretariat, text_sq="Miratohet plani.", text_en="The plan is approved.")
    services.add_decision(meeting, by=secretariat, text_en="Only in English.")
    point = meeting.action_points.get(owner__code="MSHMS")
    ActionPoint.objects.filter(pk=point.pk).update(text_en="Send the costs, in English")
    client = client_for(viewer)
    english = page(client, meeting, "en")
    assert "The plan is approved." in english and "Miratohet plani." not in english
    assert "Send the costs, in English" in english
    assert '<span lang="sq">Approve the draft for consultation.</span>' in english  # the fixture's, Albanian only
    albanian = page(client, meeting, "sq")
    assert "Miratohet plani." in albanian and "The plan is approved." not in albanian
    assert '<span lang="en">Only in English.</span>' in albanian
    assert "Send the health measures&#x27; costs" in albanian


def test_a_decision_or_action_without_text_in_either_language_is_refused(secretariat, meeting, overdue_point):
    with translation.override("en"):  # the messages are read in English (the default language is Albanian)
        with pytest.raises(ValidationError, match="Write the decision, in Albanian or in English."):
            services.add_decision(meeting, by=secretariat, text_sq="  ", text_en="")
        with pytest.raises(ValidationError, match="Write the action, in Albanian or in English."):
            services.add_action_point(meeting, by=secretariat, owner=overdue_point.owner, due_on=overdue_point.due_on)


def test_the_decision_form_has_a_field_for_each_language_and_keeps_both_on_a_refusal(client_for, secretariat, meeting):
    client = client_for(secretariat)
    too_long = "x" * 10_001
    response = client.post(url("decision-add", meeting.pk), {"text_sq": too_long, "text_en": "Kept in English."})
    html = response.content.decode()
    assert response.status_code == 400 or "at most 10000 characters" in html or "10,000" in html
    assert 'for="id_text_sq"' in html and "Decision (Albanian)" in html and "Decision (English, optional)" in html
    assert "Kept in English." in html and too_long in html
    assert not Decision.objects.filter(meeting=meeting, text_en="Kept in English.").exists()
    response = client.post(url("decision-add", meeting.pk), {"text_sq": "", "text_en": "Agreed in English."})
    assert response.status_code == 302
    assert Decision.objects.get(meeting=meeting, text_en="Agreed in English.").text_sq == ""


def test_an_action_point_is_edited_in_both_languages(client_for, secretariat, overdue_point):
    edit = {
        "form": "edit", "version": overdue_point.version, "text_sq": "Dërgo kostot", "text_en": "Send the costs",
        "owner": overdue_point.owner_id, "due_on": "2030-01-01", "decision": "",
    }  # fmt: skip
    assert client_for(secretariat).post(url("action-point", overdue_point.pk), edit).status_code == 302
    overdue_point.refresh_from_db()
    assert (overdue_point.text_sq, overdue_point.text_en) == ("Dërgo kostot", "Send the costs")
    assert overdue_point.history.first().text_en == "Send the costs"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_each_text_as_the_albanian_one():
    before = [("workinggroup", "0002_text_lengths")]
    after = [("workinggroup", "0003_bilingual_decisions_and_action_points")]
    # The meeting's table is the same before and after: it is made with today's models.
    meeting = Meeting.objects.create(strategy=StrategyFactory(), body="iiwg", held_on="2025-01-10", title="M")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        apps.get_model("workinggroup", "Decision").objects.create(
            meeting_id=meeting.pk, number=1, text="Vendim i vjetër."
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        apps = executor.loader.project_state(after).apps
        decision = apps.get_model("workinggroup", "Decision").objects.get(meeting_id=meeting.pk)
        assert (decision.text_sq, decision.text_en) == ("Vendim i vjetër.", "")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
