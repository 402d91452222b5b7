"""The chapters' pages: every internal user of the country reads them; the plan's editors write them in Markdown
with a preview and a draft from the data; what a chapter holds is sanitized on every page and in the document."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from nsm.consultation import rounds
from nsm.consultation import services as version_services
from nsm.reports.document import Bullets, Chart, Paragraph
from nsm.reports.plan import build_plan
from nsm.strategy.models import CHAPTER_CHARS, Chapter
from nsm.strategy.services import save_chapter
from tests.factories import StrategyFactory

HOSTILE = (
    "Before.\n\n<script>alert('chapter')</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n"
    "A [harmless looking link](javascript:alert(1)) and <img src=x onerror=alert(2)> inline.\n\n"
    "## Section\n\nAfter, with a [safe link](https://www.iom.int)."
)
UNSAFE = ("<script>alert", "<iframe", 'href="javascript', "onerror=")


def _list(strategy):
    return reverse("chapters:list", args=[strategy.code])


def _edit(strategy, kind="vision"):
    return reverse("chapters:edit", args=[strategy.code, kind])


def _preview(strategy, kind="vision"):
    return reverse("chapters:preview", args=[strategy.code, kind])


def test_every_internal_user_reads_the_chapters_and_only_editors_are_offered_to_edit(
    strategy, secretariat, focal_point, client_for
):
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="By 2030, **safe** migration.", version=0)

    page = client_for(focal_point).get(_list(strategy)).content.decode()
    assert "<strong>safe</strong>" in page and "This chapter is not written yet." in page
    assert _edit(strategy) not in page
    assert client_for(focal_point).get(_edit(strategy)).status_code == 403
    assert client_for(focal_point).post(_preview(strategy), {"language": "en"}).status_code == 403
    assert _edit(strategy) in client_for(secretariat).get(_list(strategy)).content.decode()
    assert client_for(secretariat).get(_edit(strategy, "preface")).status_code == 404


def test_a_script_an_iframe_or_a_javascript_link_never_reaches_a_page_or_the_document(
    strategy, secretariat, client_for
):
    save_chapter(strategy, "context", by=secretariat, body_sq=HOSTILE, body_en=HOSTILE, version=0)
    client = client_for(secretariat)

    for html in (
        client.get(_list(strategy)).content.decode(),
        client.post(_preview(strategy, "context"), {"language": "en", "body_en": HOSTILE}).content.decode(),
    ):
        assert "Before." in html and 'href="https://www.iom.int"' in html
        assert not [word for word in UNSAFE if word in html]
    version_services.freeze_version(strategy, by=secretariat, label="v", purpose="working")
    version_page = client.get(reverse("consultation:version", args=[strategy.code, 1])).content.decode()
    assert "Before." in version_page and not [word for word in UNSAFE if word in version_page]

    with translation.override("en"):
        document = build_plan(strategy)
    chapter = next(section for section in document.sections if section.title == "Context and situation analysis")
    printed = [run for section, _depth in document.walk() for block in section.blocks
               if isinstance(block, Paragraph) for run in block.runs or ()]  # fmt: skip
    assert not [run for run in printed if run.link.startswith("javascript")]
    assert not [word for word in UNSAFE if word in " ".join(run.text for run in printed)]
    assert [sub.title for sub in chapter.subsections] == ["Section"]


def test_saving_both_languages_and_a_refused_save_keeps_what_was_typed(strategy, secretariat, client_for):
    client = client_for(secretariat)
    saved = client.post(_edit(strategy), {"body_sq": "Vizioni", "body_en": "The vision", "version": "0"})
    assert saved.status_code == 302 and saved.url == _list(strategy)
    assert Chapter.objects.values_list("body_sq", "body_en").get() == ("Vizioni", "The vision")

    too_long = "x" * (CHAPTER_CHARS + 1)
    refused = client.post(_edit(strategy), {"body_sq": "Typed Albanian", "body_en": too_long, "version": "1"})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert f"The text has {CHAPTER_CHARS + 1:,} characters; at most {CHAPTER_CHARS:,} are kept." in page
    assert "Typed Albanian" in page
    assert Chapter.objects.get().body_en == "The vision"


def test_a_save_on_an_old_page_is_refused_and_keeps_the_text(strategy, secretariat, coordinator, client_for):
    save_chapter(strategy, "vision", by=coordinator, body_sq="", body_en="Theirs", version=0)
    refused = client_for(secretariat).post(_edit(strategy), {"body_sq": "", "body_en": "Mine", "version": "0"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Mine" in page and "since you opened it" in page
    assert Chapter.objects.get().body_en == "Theirs"
    assert refused.context["form"].data["version"] == "1"  # saving again replaces their text, knowingly


def test_the_draft_fills_an_empty_chapter_and_replaces_typed_text_only_when_asked(strategy, secretariat, client_for):
    client = client_for(secretariat)
    filled = client.post(_edit(strategy, "risks"), {"body_sq": "", "body_en": "", "version": "0", "action": "draft"})
    form = filled.context["form"]
    assert "## Funding" in form.data["body_en"] and "## Financimi" not in form.data["body_en"]
    assert form.data["body_sq"].strip() and form.data["body_sq"] != form.data["body_en"]
    assert not Chapter.objects.exists()  # nothing is saved until "Save"

    kept = client.post(_edit(strategy, "risks"), {"body_sq": "", "body_en": "My risks", "version": "0",
                                                  "action": "draft"})  # fmt: skip
    assert kept.context["form"].data["body_en"] == "My risks"
    assert "your text in English was kept" in kept.content.decode()
    assert 'value="draft_replace"' in kept.content.decode()
    replaced = client.post(_edit(strategy, "risks"), {"body_sq": "", "body_en": "My risks", "version": "0",
                                                      "action": "draft_replace"})  # fmt: skip
    assert "## Funding" in replaced.context["form"].data["body_en"]


@pytest.mark.usefixtures("remittances")
def test_the_preview_places_the_chart_of_a_context_indicator_and_names_an_unknown_one(
    strategy, secretariat, client_for
):
    text = "Remittances grow.\n\n[[context:remittances]]\n\n[[context:no-such]]"
    html = client_for(secretariat).post(_preview(strategy), {"language": "sq", "body_sq": text}).content.decode()
    assert "Remittances grow." in html and "<svg" in html and "Bank of Albania" in html
    assert "The evidence base has no context indicator “no-such”" in html


def test_the_chapters_page_runs_as_many_queries_for_eight_chapters_with_charts_as_for_one(
    strategy, secretariat, client_for, remittances
):
    client = client_for(secretariat)

    def queries() -> int:
        client.get(_list(strategy))  # the session read, the chart drawn and kept in the cache of drawings
        with CaptureQueriesContext(connection) as captured:
            page = client.get(_list(strategy)).content.decode()
        assert "Text of" in page
        return len(captured)

    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="Text of one", version=0)
    one = queries()
    for kind in Chapter.Kind.values:
        body = f"Text of {kind}.\n\n[[context:remittances]]"
        save_chapter(strategy, kind, by=secretariat, body_sq=body, body_en=body, version=None)
    # The series the chapters place (two queries) and the one chart they all place, read once from the cache.
    assert queries() <= one + 3
    assert client.get(_list(strategy)).content.decode().count("nsm-chapter-figure") == len(Chapter.Kind.values)


def test_the_version_page_shows_the_chapters_as_they_were_frozen(strategy, secretariat, viewer, client_for):
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="The frozen vision", version=0)
    version_services.freeze_version(strategy, by=secretariat, label="v", purpose="working")
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="The vision of today", version=1)

    page = client_for(viewer).get(reverse("consultation:version", args=[strategy.code, 1])).content.decode()
    assert "The frozen vision" in page and "The vision of today" not in page


@pytest.mark.usefixtures("remittances")
def test_the_public_sees_the_chapters_only_of_a_public_strategy_and_no_chart(secretariat, client):
    strategy = StrategyFactory(code="AL-PUBLIC", is_public=False)
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="A public vision\n\n[[context:remittances]]",
                 version=0)  # fmt: skip
    assert client.get(reverse("tracking:public", args=[strategy.code])).status_code == 404
    assert client.get(_list(strategy)).status_code == 302  # to sign in
    strategy.is_public = True
    strategy.save()
    page = client.get(reverse("tracking:public", args=[strategy.code])).content.decode()
    assert "A public vision" in page and "<svg" not in page and "[[context" not in page


@pytest.mark.usefixtures("remittances")
def test_the_plan_document_prints_the_chapters_before_the_matrix_in_its_language_else_the_other(strategy, secretariat):
    save_chapter(strategy, "risks", by=secretariat, body_sq="Rreziqet\n\n## Financimi\n\n- buxheti", body_en="",
                 version=0)  # fmt: skip
    save_chapter(strategy, "context", by=secretariat, body_sq="Konteksti", version=0,
                 body_en="Context\n\n[[context:remittances]]\n\n## Trends\n\n- one\n- two")  # fmt: skip
    with translation.override("en"):
        document = build_plan(strategy)
    titles = [section.title for section in document.sections]
    assert titles.index("Context and situation analysis") < titles.index("Risks") < titles.index("Action plan matrix")
    assert "Vision" not in titles  # a chapter not written is not printed
    context = document.sections[titles.index("Context and situation analysis")]
    assert context.new_page and isinstance(context.blocks[1], Chart)
    assert [sub.title for sub in context.subsections] == ["Trends"]
    assert isinstance(context.subsections[0].blocks[0], Bullets)
    risks = document.sections[titles.index("Risks")]
    assert "not written in this language yet" in risks.blocks[0].text and risks.blocks[1].text == "Rreziqet"
    with translation.override("sq"):
        albanian = build_plan(strategy)
    assert [section.blocks[0].text for section in albanian.sections if section.new_page][:2] == [
        "Konteksti",
        "Rreziqet",
    ]


@pytest.mark.usefixtures("remittances")
def test_a_public_round_shows_the_chapters_of_its_version_to_the_public_without_charts(secretariat, client):
    strategy = StrategyFactory(code="AL-ROUND")
    consulted = "The consulted vision\n\n[[context:remittances]]"
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en=consulted, version=0)
    version = version_services.freeze_version(strategy, by=secretariat, label="v", purpose="consultation")
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="A later vision", version=1)
    today = timezone.localdate()
    round_ = rounds.create_round(version, by=secretariat, title="Public round", is_public=True,
                                 opens_on=today, closes_on=today + datetime.timedelta(days=30))  # fmt: skip

    page = client.get(reverse("consultation:public", args=[round_.pk])).content.decode()
    assert "The consulted vision" in page and "A later vision" not in page
    assert "nsm-chapter-figure" not in page and "[[context" not in page


def test_an_issued_report_of_an_invited_only_round_does_not_publish_the_chapters(secretariat, client):
    """The public page of a round whose report was issued shows the comments and answers; the chapters only when the
    round was public or the strategy is."""
    from nsm.consultation import issue

    strategy = StrategyFactory(code="AL-CLOSED", is_public=False)
    save_chapter(strategy, "vision", by=secretariat, body_sq="", body_en="A private vision", version=0)
    version = version_services.freeze_version(strategy, by=secretariat, label="v", purpose="consultation")
    today = timezone.localdate()
    round_ = rounds.create_round(version, by=secretariat, title="Invited round", is_public=False,
                                 opens_on=today - datetime.timedelta(days=60),
                                 closes_on=today - datetime.timedelta(days=2))  # fmt: skip
    issue.issue_report(round_, by=secretariat)
    page = client.get(reverse("consultation:public", args=[round_.pk]))
    assert page.status_code == 200
    assert "A private vision" not in page.content.decode()
    strategy.is_public = True
    strategy.save(update_fields=["is_public"])
    assert "A private vision" in client.get(reverse("consultation:public", args=[round_.pk])).content.decode()
