"""The narrative chapters of a strategy: one of each kind, both languages, bounded, written by the service with a
stale check and history, read in the document's order, frozen with each version and compared."""

import pytest
from django.core.exceptions import ValidationError

from nsm.consultation import services as version_services
from nsm.consultation import versions
from nsm.strategy import selectors
from nsm.strategy.models import CHAPTER_CHARS, Chapter
from nsm.strategy.services import StaleVersion, save_chapter


def test_a_chapter_is_written_in_both_languages_and_leaves_history(strategy, secretariat):
    chapter = save_chapter(strategy, "vision", by=secretariat, body_sq="Vizioni", body_en="The vision", version=0)

    assert (chapter.body_sq, chapter.body_en, chapter.version) == ("Vizioni", "The vision", 1)
    assert chapter.history.get().history_user == secretariat
    save_chapter(strategy, "vision", by=secretariat, body_sq="Vizioni", body_en="The vision, again", version=1)
    chapter.refresh_from_db()
    assert (chapter.body_en, chapter.version, chapter.history.count()) == ("The vision, again", 2, 2)


def test_a_save_that_changes_nothing_writes_nothing(strategy, secretariat):
    save_chapter(strategy, "risks", by=secretariat, body_sq="R", body_en="R", version=0)
    save_chapter(strategy, "risks", by=secretariat, body_sq="R", body_en="R", version=1)
    assert Chapter.objects.get().history.count() == 1


def test_a_change_made_on_an_old_page_is_refused_and_says_who_changed_it(strategy, secretariat, coordinator):
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="First", version=0)
    save_chapter(strategy, "vision", by=coordinator, body_sq="", body_en="Second", version=1)

    with pytest.raises(StaleVersion) as refused:
        save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="Mine", version=1)
    (message,) = refused.value.messages
    assert message.startswith(f"The chapter “Vision” was changed by {coordinator.get_full_name()} on ")
    assert "Second" not in refused.value.messages[0]  # who and when, not the whole text
    assert Chapter.objects.get().body_en == "Second"


def test_two_first_saves_of_the_same_chapter_do_not_both_win(strategy, secretariat, coordinator):
    save_chapter(strategy, "vision", by=coordinator, body_sq="", body_en="Theirs", version=0)
    with pytest.raises(StaleVersion):
        save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="Mine", version=0)


def test_a_chapter_longer_than_its_bound_or_with_a_control_character_is_refused_in_words(strategy, secretariat):
    with pytest.raises(ValidationError) as too_long:
        save_chapter(strategy, "vision", by=secretariat, body_sq="a" * (CHAPTER_CHARS + 1), body_en="", version=0)
    assert "at most" in str(too_long.value)
    with pytest.raises(ValidationError) as control:
        save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="a\x00b", version=0)
    assert "control character" in str(control.value)
    with pytest.raises(ValidationError):
        save_chapter(strategy, "preface", by=secretariat, body_sq="", body_en="x", version=0)
    assert not Chapter.objects.exists()


def test_chapters_are_read_in_the_documents_order_with_the_unwritten_ones_empty(
    strategy, secretariat, django_assert_num_queries
):
    save_chapter(strategy, "risks", by=secretariat, body_sq="Rreziqet", body_en="", version=0)
    save_chapter(strategy, "context", by=secretariat, body_sq="", body_en="Context", version=0)

    with django_assert_num_queries(1):
        texts = selectors.chapters(strategy)
    assert [text.kind for text in texts] == list(Chapter.Kind.values)
    assert texts[0].kind == "context" and texts[-1].kind == "risks"
    assert [text.kind for text in texts if text.is_written] == ["context", "risks"]
    assert texts[-1].body("en") == ("Rreziqet", "sq")  # not written in English: the Albanian text, said so
    assert texts[0].body("en") == ("Context", "en")
    assert texts[1].body("en") == ("", "")


def test_a_version_freezes_the_chapters_and_the_comparison_shows_their_change(strategy, secretariat, coordinator):
    empty = versions.snapshot(strategy)
    assert "chapters" not in empty  # a plan without chapters freezes as versions did before they existed

    save_chapter(strategy, "vision", by=secretariat, body_sq="Vizioni", body_en="The vision", version=0)
    v1 = version_services.freeze_version(strategy, by=coordinator, label="Draft", purpose="working")
    assert v1.snapshot["chapters"] == {"vision": {"sq": "Vizioni", "en": "The vision"}}

    save_chapter(strategy, "vision", by=secretariat, body_sq="Vizioni", body_en="The new vision", version=1)
    save_chapter(strategy, "risks", by=secretariat, body_sq="", body_en="Risks", version=0)
    now = versions.snapshot(strategy)
    difference = versions.diff(v1.snapshot, now)
    chapters = difference.section("chapters")
    assert [code for code, _item in chapters.added] == ["risks"]
    assert [(change.code, [f.field for f in change.changes]) for change in chapters.changed] == [("vision", ["en"])]
    assert versions.apply(v1.snapshot, difference) == now
    assert versions.apply(now, versions.diff(now, empty)) == empty  # every chapter removed: no key, as before
    v1.refresh_from_db()
    assert v1.snapshot["chapters"]["vision"]["en"] == "The vision"  # the version keeps its own text


def test_the_compare_page_names_chapters_and_shows_the_text_that_changed(strategy, secretariat, coordinator,
                                                                           client_for):  # fmt: skip
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="The old vision", version=0)
    version_services.freeze_version(strategy, by=coordinator, label="Draft", purpose="working")
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="The new vision", version=1)

    page = client_for(coordinator).get(f"/consultation/strategy/{strategy.code}/versions/compare/?old=1&new=current")
    text = page.content.decode()
    assert "Narrative chapters" in text and "Vision" in text
    assert "The old vision" in text and "The new vision" in text
