from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "nsm.consultation"
    verbose_name = _("Drafting and consultation")

    def ready(self) -> None:
        """Tell the access rules which countries publish something (`access.PUBLISHED_COUNTRIES`): those of the
        strategies made public and of the public consultation rounds open today. Their institutions are listed to
        everybody; the others' only to their own users."""
        from nsm.accounts import access
        from nsm.consultation.models import ConsultationRound
        from nsm.strategy.models import Strategy

        access.PUBLISHED_COUNTRIES.extend(
            [
                lambda: Strategy.objects.filter(is_public=True).values("country"),
                lambda: ConsultationRound.objects.public().values("version__strategy__country"),
            ]
        )
