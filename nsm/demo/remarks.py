"""The demo's remarks on the drafts: the coordinator reads the drafts the secretariat writes and remarks on them; the
secretariat answers some, so that a newcomer sees an open remark and a resolved one on a chapter, the 2024 monitoring
report and the GCM review, and all of them on the Documents page's list of remarks.

Idempotent: written only when the strategy has no remark yet.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from nsm.accounts.models import User
from nsm.demo.monitoring import _clock, _moment
from nsm.reports import remarks
from nsm.reports.models import Remark
from nsm.strategy.models import Strategy

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

STAMPED = ((Remark, "created_at"),)

# (subject, day, remark, answer or "" to leave it open); the demo's users write in both languages, as they do.
REMARKS = (
    (
        "annual-2024", datetime.date(2025, 5, 8),
        "Analiza duhet të përmendë edhe masat e zbatuara nga bashkitë. / "
        "The analysis should also mention the measures carried out by the municipalities.",
        "U shtua një paragraf për bashkitë. / A paragraph on the municipalities was added.",
    ),
    (
        "chapter-vision", datetime.date(2025, 9, 15),
        "Vizioni të lidhet shprehimisht me objektivin 23 të GCM për bashkëpunimin ndërkombëtar. / "
        "Link the vision explicitly to GCM objective 23 on international cooperation.",
        "",
    ),
    (
        "gcm-2024", datetime.date(2025, 10, 2),
        "Objektivi 21 të citojë edhe të dhënat e riintegrimit nga Shërbimi Kombëtar i Punësimit. / "
        "Objective 21 should also quote the reintegration figures of the National Employment Service.",
        "",
    ),
)  # fmt: skip


def load_remarks(strategy: Strategy, *, summary: LoadSummary) -> None:
    if Remark.objects.filter(strategy=strategy).exists():
        summary.unchanged["remark"] += 1
        return
    coordinator, secretariat = User.objects.get(username="coordinator"), User.objects.get(username="secretariat")
    for subject, day, text, reply in REMARKS:
        with _clock(_moment(day, 11), STAMPED):
            remark = remarks.post(strategy, subject, by=coordinator, text=text)
        if reply:
            with _clock(_moment(day + datetime.timedelta(days=1), 9), STAMPED):
                remarks.answer(remark, by=secretariat, text=reply)
        summary.created["remark"] += 1
