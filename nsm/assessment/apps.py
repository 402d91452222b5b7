from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "nsm.assessment"
    verbose_name = _("SDG 10.7.2 self-assessment")

    def ready(self) -> None:
        """Offer the self-assessment's document to `nsm.reports.generate` (and so to `nsm report sdg-1072`), which
        sits below this app and cannot import it."""
        from nsm.assessment.document import KIND
        from nsm.reports.generate import register_year_document

        register_year_document(KIND)
