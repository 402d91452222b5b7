"""The demo's draft GCM voluntary national review for 2024, the year whose reports are all approved: the secretariat
has written the chapter on national context and method and the texts of two objectives the plan serves most
(18, skills, and 21, return and reintegration), in Albanian and English, so that a newcomer sees on the review page
(/documents/<code>/gcm-review/) both a written objective and the data-drafted summary of the 21 others. Written
through the review's services, as the secretariat would on the page, with the clock set to May 2025.

Idempotent: the review of 2024 is written only when the strategy has none; a second run writes nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from nsm.accounts.models import User
from nsm.analytics.periods import Period
from nsm.demo.monitoring import _clock, _moment
from nsm.reports import services
from nsm.reports.models import GcmReview, GcmReviewObjective
from nsm.strategy.models import Strategy

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

PERIOD = Period.year(2024)
STAMPED = ((GcmReview, "updated_at"), (GcmReviewObjective, "updated_at"))

CONTEXT_SQ = """Shqipëria është vend origjine, tranziti dhe, gjithnjë e më shumë, destinacioni i migrimit. Rreth një
e treta e shtetasve të saj jetojnë jashtë vendit, dhe dërgesat e emigrantëve mbeten një burim i rëndësishëm të
ardhurash për familjet.

## Metoda

Ky rishikim u përgatit nga sekretariati teknik i Grupit Ndërinstitucional të Punës për migracionin, mbi bazën e:

- planit të veprimit të Strategjisë Kombëtare për Migracionin dhe etiketimit të tij sipas objektivave të GCM;
- raporteve të progresit të institucioneve për vitin 2024, **të miratuara** nga sekretariati;
- konsultimit me partnerët ndërkombëtarë dhe shoqërinë civile."""

CONTEXT_EN = """Albania is a country of origin, transit and, increasingly, destination of migration. About a third of
its citizens live abroad, and remittances remain an important source of income for families.

## Method

This review was prepared by the technical secretariat of the Inter-Institutional Working Group on migration from:

- the action plan of the National Strategy on Migration and its tagging by GCM objective;
- the institutions' progress reports for 2024, as **approved** by the secretariat;
- consultation with international partners and civil society."""

OBJECTIVES = {
    18: (
        """Shqipëria ka zgjeruar njohjen e aftësive dhe kualifikimeve të emigrantëve që kthehen dhe të
punëtorëve të huaj. Agjencia Kombëtare e Punësimit dhe Aftësive ofron **vlerësim të aftësive** në zyrat e punës,
dhe marrëveshjet dypalëshe me vendet e destinacionit po negociohen.""",
        """Albania has widened the recognition of the skills and qualifications of returning migrants and foreign
workers. The National Agency for Employment and Skills offers **skills assessment** at its employment offices,
and bilateral agreements with countries of destination are being negotiated.""",
    ),
    21: (
        """Riintegrimi i qëndrueshëm i shtetasve që kthehen mbetet një prioritet. Sporteli i migracionit në çdo
bashki orienton të kthyerit drejt shërbimeve të punësimit, arsimit dhe shëndetësisë; disa aktivitete u vonuan
(shih kapitullin e sfidave).""",
        """The sustainable reintegration of returning citizens remains a priority. The migration counter in each
municipality refers returnees to employment, education and health services; some activities were delayed (see
the chapter on challenges).""",
    ),
}


def load_gcm_review(strategy: Strategy, *, summary: LoadSummary) -> None:
    """Write the draft review of 2024 when the strategy has none."""
    if GcmReview.objects.filter(strategy=strategy, period=PERIOD.slug).exists():
        summary.unchanged["gcmreview"] += 1
        return
    secretariat = User.objects.get(username="secretariat")
    with _clock(_moment(datetime.date(2025, 5, 12), 10), STAMPED):
        services.write_review_chapter(
            strategy, PERIOD, chapter="context", text_sq=CONTEXT_SQ, text_en=CONTEXT_EN, version=0, by=secretariat
        )
        for number, (text_sq, text_en) in OBJECTIVES.items():
            services.write_review_objective(
                strategy, PERIOD, number=number, text_sq=text_sq, text_en=text_en, version=0, by=secretariat
            )
            summary.created["gcmreviewobjective"] += 1
    summary.created["gcmreview"] += 1
