from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "nsm.assessment"
    verbose_name = _("SDG 10.7.2 self-assessment")

    def ready(self) -> None:
        """Offer the self-assessment's document to `nsm.reports.generate` (and so to `nsm report sdg-1072`), and its
        remarks to `nsm.reports.remarks`, which sit below this app and cannot import it."""
        from nsm.assessment.document import KIND
        from nsm.assessment.models import Assessment
        from nsm.reports.generate import register_year_document
        from nsm.reports.remarks import Subject, register_subject

        register_year_document(KIND)
        # Remarks on a year's self-assessment ("sdg-2025"), which the coordinator and the secretariat post on its page.
        register_subject(
            Subject(
                kind="sdg",
                title=lambda part: str(_("SDG 10.7.2 self-assessment %(year)s") % {"year": part}),
                url=lambda strategy, part: reverse("assessment:list", args=[strategy.code]),
                exists=lambda strategy, part: (
                    part.isascii()
                    and part.isdigit()
                    and len(part) == 4
                    and Assessment.objects.filter(strategy=strategy, year=int(part)).exists()
                ),
            )
        )
