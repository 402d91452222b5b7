"""The English narratives and decisions are searched too (issue 18 item 6): the index holds both columns, kept by the
triggers on every write, and a result shows the text in which the words were found, with its language."""

from django.utils import translation

from nsm.monitoring.models import ActivityProgress
from nsm.search.selectors import search
from nsm.workinggroup.models import Decision


def groups(user, text):
    return {group.kind: group for group in search(user, text).groups}


def test_an_english_narrative_and_decision_are_found_and_marked_as_english(world, secretariat):
    line = ActivityProgress.objects.filter(report__institution__code="MSHMS").first()
    ActivityProgress.objects.filter(pk=line.pk).update(narrative_en="Shelters refurbished in Korça")
    decision = Decision.objects.get()
    decision.text_en = "Gathering testimonies is decided"
    decision.save()
    with translation.override("sq"):
        found = groups(secretariat, "refurbished")
        assert found["narrative"].count == 1
        hit = found["narrative"].hits[0]
        assert hit.text_language == "en" and "<mark>refurbished</mark>" in hit.text
        decided = groups(secretariat, "gathering")["decision"].hits[0]
        assert decided.text_language == "en" and "<mark>Gathering</mark>" in decided.text
    assert groups(secretariat, "deshmi")["narrative"].count == 2  # the Albanian texts are still found
    ActivityProgress.objects.filter(pk=line.pk).update(narrative_en="")
    assert "narrative" not in groups(secretariat, "refurbished")
