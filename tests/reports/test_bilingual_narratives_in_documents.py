"""A report's narrative in a document (issue 18 items 6 and 7): the annual report quotes each institution's narrative
in the document's language where it was given, else in the other one; and no header of the annual report's tables
breaks inside a word in the PDF, in either language (the sample's and the plan's are checked in test_render_pdf)."""

import pytest
from django.utils import translation

from nsm.analytics.periods import Period
from nsm.monitoring.models import ActivityProgress
from nsm.reports.annual import build_annual
from tests.reports.test_render_pdf import split_headers


def challenges(plan, language):
    with translation.override(language):
        document = build_annual(plan.strategy, Period.year(2024))
    section = next(section for section in document.sections if section.title in ("Challenges", "Sfidat"))
    return section.blocks[1].items


def test_the_annual_report_quotes_the_narrative_in_its_language_else_the_other(approved_plan):
    a7 = approved_plan.activities["A7"]
    ActivityProgress.objects.filter(activity=a7).update(narrative_sq="Në pritje të ambienteve.")
    english, albanian = challenges(approved_plan, "en"), challenges(approved_plan, "sq")
    assert any(item.startswith(f"{a7.code} ") and item.endswith(": Në pritje të ambienteve.") for item in english)
    ActivityProgress.objects.filter(activity=a7).update(narrative_en="Waiting for the premises, in English.")
    english, albanian = challenges(approved_plan, "en"), challenges(approved_plan, "sq")
    assert any(item.endswith(": Waiting for the premises, in English.") for item in english)
    assert any(item.endswith(": Në pritje të ambienteve.") for item in albanian)
    assert not any("in English" in item for item in albanian)


@pytest.mark.parametrize("language", ["en", "sq"])
def test_no_header_of_the_annual_report_breaks_inside_a_word(approved_plan, language):
    with translation.override(language):
        assert split_headers(build_annual(approved_plan.strategy, Period.year(2024))) == []
