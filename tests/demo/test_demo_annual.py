"""The demo's 2024 monitoring report: written and issued by the secretariat in May 2025, corrected in June 2025 (issue
2, with its reason), with its files in both languages and every format, published on the public page; a second load
changes nothing."""

import datetime

from django.urls import reverse
from django.utils import timezone

from nsm.demo import content
from nsm.demo.loader import load_demo
from nsm.reports.models import AnnualNarrative, IssuedAnnualFile, IssuedAnnualReport

CODE = content.STRATEGY["code"]


def test_the_2024_report_is_issued_then_corrected_with_its_reason(demo):
    first, second = IssuedAnnualReport.objects.filter(strategy__code=CODE, period="2024").order_by("number")
    assert timezone.localtime(first.issued_at).date() == datetime.date(2025, 5, 12)
    assert timezone.localtime(second.issued_at).date() == datetime.date(2025, 6, 2)
    assert first.issued_by.username == second.issued_by.username == "secretariat"
    assert (first.reason, "2025 budget" in second.reason) == ("", True)
    assert "before the 2026 budget" in first.recommendations_en  # issue 1 as it was issued
    assert "before the 2025 budget" in second.recommendations_en and "para buxhetit 2025" in second.recommendations_sq
    assert first.data_stamp and first.analysis_sq.startswith("Viti 2024")
    for issue in (first, second):
        assert {(f.language, f.fmt) for f in issue.files.all()} == {
            (language, fmt) for language in ("sq", "en") for fmt in ("docx", "pdf", "xlsx")
        }


def test_the_public_page_lists_both_issues(demo, client):
    text = client.get(reverse("reports:published", args=[CODE])).content.decode()
    for issue in IssuedAnnualReport.objects.filter(strategy__code=CODE):
        assert reverse("reports:annual-file", args=[issue.pk, "sq", "pdf"]) in text
    assert "Recommendation 2 named the 2026 budget" in text


def test_loading_the_demo_again_issues_nothing(demo):
    before = (AnnualNarrative.objects.count(), IssuedAnnualReport.objects.count(), IssuedAnnualFile.objects.count())
    summary = load_demo()
    assert not summary.changed
    assert (
        AnnualNarrative.objects.count(),
        IssuedAnnualReport.objects.count(),
        IssuedAnnualFile.objects.count(),
    ) == before
