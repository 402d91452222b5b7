"""The demo's annual monitoring report for 2024, written and issued by the secretariat as it would have happened.

Once the 2024-H2 cycle has closed (every report approved by 15 April 2025), the secretariat writes the report's
analysis, conclusions and recommendations in Albanian and English (Markdown) in early May 2025 and issues it on
12 May 2025; a wrong figure in the recommendations is corrected in issue 2 on 2 June 2025, so that a newcomer sees a
numbered issue, a correction and its reason on the report's page and on the strategy's public page (the demo strategy
is public). Each step runs with the clock set to its moment (`monitoring._clock`).

Idempotent: the narrative is written and the issues made only when the period has no issue yet; a second run writes
nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from nsm.accounts.models import User
from nsm.analytics.periods import Period
from nsm.demo.monitoring import _clock, _moment
from nsm.reports import issued
from nsm.reports.models import AnnualNarrative, IssuedAnnualReport
from nsm.strategy.models import Strategy

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

PERIOD = Period.year(2024)
STAMPED = ((AnnualNarrative, "updated_at"), (IssuedAnnualReport, "issued_at"))

ANALYSIS_SQ = """\
Viti 2024 ishte viti i parë i zbatimit të planit të veprimit. Institucionet raportuan në të dy ciklet gjashtëmujore
dhe **të gjitha raportet u miratuan**, disa pas një kthimi për plotësim.

- Masat për **kthimin dhe riintegrimin** ecën sipas planit, kryesisht falë mbështetjes së donatorëve.
- Veprimtaritë për **emigrimin e ligjshëm të punës** u vonuan: marrëveshjet dypalëshe kërkuan më shumë kohë.
- Shpenzimet mbetën nën buxhetin e planifikuar; një pjesë e kostove mbetet pa financim.
"""
ANALYSIS_EN = """\
2024 was the first year of the action plan. The institutions reported in both half-year cycles and **every report
was approved**, a few after being returned for completion.

- The measures on **return and reintegration** kept to their schedule, largely thanks to donor support.
- The activities on **legal labour migration** were delayed: the bilateral agreements took longer than planned.
- Spending stayed below the planned budget; part of the costs is still unfunded.
"""
CONCLUSIONS_SQ = """\
Sistemi i monitorimit funksionon: raportet vijnë në kohë dhe shqyrtohen brenda afatit. Vonesat përqendrohen në pak
masa, ku varësia nga partnerët e jashtëm është e lartë.
"""
CONCLUSIONS_EN = """\
The monitoring system works: reports come in on time and are reviewed within the deadline. The delays concentrate
in a few measures that depend heavily on outside partners.
"""
RECOMMENDATIONS_SQ = """\
1. Grupi Ndërinstitucional i Punës të shqyrtojë në mbledhjen e ardhshme afatet e masave të vonuara.
2. Ministria e Financave dhe Ekonomisë të identifikojë burime për kostot pa financim **para buxhetit 2026**.
3. Sekretariati teknik të organizojë një trajnim për pikat e kontaktit mbi treguesit.
"""
RECOMMENDATIONS_EN = """\
1. The Inter-Institutional Working Group reviews the deadlines of the delayed measures at its next meeting.
2. The Ministry of Finance and Economy identifies sources for the unfunded costs **before the 2026 budget**.
3. The technical secretariat trains the focal points on the indicators.
"""
WRONG = ("para buxhetit 2026", "before the 2026 budget")  # issue 1 named the wrong budget year
REASON = (
    "Rekomandimi 2 përmendte buxhetin 2026; duhet të jetë buxheti 2025. / "
    "Recommendation 2 named the 2026 budget; it is the 2025 budget."
)


def load_annual_report(strategy: Strategy, *, summary: LoadSummary) -> None:
    """Write the 2024 report's narrative and issue it, then its correction, unless 2024 has an issue already."""
    if IssuedAnnualReport.objects.filter(strategy=strategy, period=PERIOD.slug).exists():
        summary.unchanged["issuedannualreport"] += 1
        return
    secretariat = User.objects.get(username="secretariat")
    texts = {
        "analysis_sq": ANALYSIS_SQ, "analysis_en": ANALYSIS_EN, "conclusions_sq": CONCLUSIONS_SQ,
        "conclusions_en": CONCLUSIONS_EN, "recommendations_sq": RECOMMENDATIONS_SQ,
        "recommendations_en": RECOMMENDATIONS_EN,
    }  # fmt: skip
    narrative = issued.narrative_of(strategy, PERIOD)
    with _clock(_moment(datetime.date(2025, 5, 6), 15), STAMPED):
        narrative = issued.save_narrative(
            strategy, PERIOD, by=secretariat, texts=texts, version=narrative.version if narrative else 0
        )
    with _clock(_moment(datetime.date(2025, 5, 12), 10), STAMPED):
        issued.issue_annual_report(strategy, PERIOD, by=secretariat)
    corrected = {
        "recommendations_sq": RECOMMENDATIONS_SQ.replace(WRONG[0], "para buxhetit 2025"),
        "recommendations_en": RECOMMENDATIONS_EN.replace(WRONG[1], "before the 2025 budget"),
    }
    with _clock(_moment(datetime.date(2025, 6, 2), 9), STAMPED):
        issued.save_narrative(strategy, PERIOD, by=secretariat, texts=corrected, version=narrative.version)
        issued.issue_annual_report(strategy, PERIOD, by=secretariat, reason=REASON)
    summary.created["issuedannualreport"] += 2
