"""Named reads of consultation data that pages share: the home page's comments to answer and rounds to comment on.
Each runs in a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from nsm.accounts import access
from nsm.consultation.models import ConsultationComment, ConsultationRound
from nsm.core.shortlist import Shortlist, shortlist


def comments_to_answer(user: Any) -> Shortlist[ConsultationComment]:
    """The comments not yet answered in the rounds whose comments the user answers (the secretariat's and the
    coordinator's of its country), the oldest first (two queries)."""
    comments = ConsultationComment.objects.filter(round__in=ConsultationRound.objects.editable_by(user), answer="")
    return shortlist(comments.select_related("round__version__strategy").order_by("created_at", "pk"))


def rounds_invited_to(user: Any, today: datetime.date | None = None) -> Shortlist[ConsultationRound]:
    """The rounds that the user's institution is invited to as an external stakeholder and that are open or still to
    open, the one closing first at the top (two queries)."""
    invited = access.institution_ids(user, access.STAKEHOLDERS)
    rounds = (
        ConsultationRound.objects.visible_to(user)
        .filter(
            pk__in=ConsultationRound.invited.through.objects.filter(institution_id__in=invited).values(
                "consultationround_id"
            )
        )
        .filter(closes_on__gte=today or timezone.localdate())
    )
    return shortlist(rounds.select_related("version__strategy").order_by("closes_on", "pk"))
