"""Search: accents and case do not matter, the beginning of a word is enough, and everyone finds only what the pages
the results link to would show them."""

import pytest

from nsm.search.selectors import search


def found(user, text):
    return {group.kind: sorted(hit.label for hit in group.hits) for group in search(user, text).groups}


def counts(user, text):
    return {group.kind: group.count for group in search(user, text).groups}


@pytest.mark.parametrize("text", ["deshmi", "DESHMI", "dëshmi", "Dëshm", "desh", "  desh  "])
def test_accents_and_case_do_not_matter_and_a_prefix_is_enough(world, secretariat, text):
    assert counts(secretariat, text) == {
        "activity": 1, "indicator": 1, "institution": 1, "narrative": 2, "comment": 2, "meeting": 1, "decision": 1,
    }  # fmt: skip


def test_both_languages_and_references_are_searched(world, secretariat):
    assert found(secretariat, "evidence return") == {"activity": ["A-7"]}
    assert found(secretariat, "A-7") == {"activity": ["A-7"]}
    assert found(secretariat, "testimonies")["indicator"] == ["1.1.1.d"]
    assert "activity" in found(secretariat, "1.1.1")


def test_every_word_must_be_found(world, secretariat):
    assert found(secretariat, "deshmi kosove") == {}


def test_a_focal_point_finds_the_narratives_of_its_own_institution_only(world, focal_point, other_focal_point):
    mine = search(focal_point, "deshmi").groups
    narratives = next(group for group in mine if group.kind == "narrative")
    assert narratives.count == 1 and "MSHMS" in narratives.hits[0].context
    assert (
        "AKPA" in next(g for g in search(other_focal_point, "deshmi").groups if g.kind == "narrative").hits[0].context
    )


def test_a_viewer_finds_no_report_not_approved(world, viewer):
    assert "narrative" not in counts(viewer, "deshmi")
    assert counts(viewer, "deshmi")["activity"] == 1


def test_a_stakeholder_finds_its_own_comments_and_no_internal_text(world, stakeholder):
    outcome = search(stakeholder, "deshmi")
    assert counts(stakeholder, "deshmi") == {"institution": 1, "comment": 1}
    comment = next(group for group in outcome.groups if group.kind == "comment")
    assert "NGO-A" in str(comment.hits[0].text)


def test_another_country_is_a_stranger(world, xk_secretariat, secretariat):
    assert counts(xk_secretariat, "deshmi") == {"result": 1}
    assert "result" not in counts(secretariat, "deshmi")


def test_a_superuser_finds_everything(world, admin_user):
    assert counts(admin_user, "deshmi")["result"] == 1
    assert counts(admin_user, "deshmi")["narrative"] == 2


def test_the_found_words_are_marked_and_the_text_escaped(world, secretariat):
    from nsm.strategy.models import Activity

    Activity.objects.filter(reference="A-7").update(title_sq="<script>alert(1)</script> Dëshmitë")
    hit = next(g for g in search(secretariat, "deshmi").groups if g.kind == "activity").hits[0]
    assert str(hit.text) == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Dëshmitë</mark>"


def test_a_long_search_is_refused_in_a_sentence(world, secretariat):
    outcome = search(secretariat, "d" * 201)
    assert outcome.groups == () and "200 characters" in outcome.refusal
