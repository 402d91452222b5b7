"""Two SDG 10.7.2 self-assessments of the demo plan, so that a newcomer sees the values and the comparison: the
baseline of 2023 (the year before the strategy), final, and 2025, every sub-category answered, still a draft.

Recorded through the assessment services as the secretariat would (history names it), with the clock set to each
assessment's day. The plan's measures and activities are mapped from their GCM objectives (`add_suggestions`).
Idempotent: an assessment that exists is left as it is.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from nsm.accounts.models import User
from nsm.assessment import services
from nsm.assessment.models import Answer, Assessment
from nsm.demo.monitoring import _clock, _moment
from nsm.strategy.models import Strategy

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

# Sub-category: (answer in 2023, answer in 2025, the evidence the secretariat typed).
ANSWERS: dict[str, tuple[str, str, str]] = {
    "1.1": (
        "partial",
        "partial",
        "The law on health care covers foreigners with a residence permit; emergency care is given to all.",
    ),
    "1.2": ("yes", "yes", "The law on pre-university education opens public schools to every child living in Albania."),
    "1.3": (
        "partial",
        "yes",
        "The Labour Code guarantees equal pay; the strategy adds labour inspections of foreign workers.",
    ),
    "1.4": (
        "partial",
        "partial",
        "Social insurance for foreigners with a work permit; social assistance for residents only.",
    ),
    "1.5": ("yes", "yes", "Free legal aid is open to foreigners, asylum seekers and victims of trafficking."),
    "2.1": (
        "yes",
        "yes",
        "The Ministry of Interior leads migration policy; the technical secretariat follows the strategy.",
    ),
    "2.2": (
        "no",
        "yes",
        "The National Strategy on Migration 2024-2030 sets out regular pathways, labour migration included.",
    ),
    "2.3": ("no", "yes", "Objective on the integration of foreigners and returnees in the strategy's action plan."),
    "2.4": ("no", "no", "Gender markers on activities, but no formal mechanism yet."),
    "2.5": ("yes", "yes", "INSTAT's migration statistics and the strategy's indicators, disaggregated by sex and age."),
    "3.1": ("yes", "yes", "The Inter-Institutional Working Group and its Technical Committee meet every quarter."),
    "3.2": ("yes", "yes", "Bilateral labour agreements in force, and new ones under the strategy."),
    "3.3": ("yes", "yes", "Regional mobility arrangements of the Western Balkans (Berlin Process agreements)."),
    "3.4": ("yes", "yes", "Readmission agreements with the EU and bilateral protocols."),
    "3.5": (
        "no",
        "yes",
        "Public consultation of the strategy under Law 146/2014; civil society sits in the working group.",
    ),
    "4.1": ("no", "no", "Labour market needs assessments planned, not yet in place."),
    "4.2": ("no", "yes", "Recognition of foreign diplomas by the education ministry, simplified in 2024."),
    "4.3": ("yes", "yes", "Measures with the Bank of Albania to lower the cost of remittances."),
    "4.4": ("no", "no", "Licensing of private employment agencies; fair-recruitment rules are being drafted."),
    "4.5": ("yes", "yes", "Social security agreements with several destination countries of Albanians abroad."),
    "5.1": ("no", "no", "No contingency plan for the migration consequences of crises yet."),
    "5.2": ("yes", "yes", "Consular emergency assistance to Albanians abroad."),
    "5.3": ("no", "no", "Not covered by the civil protection plans."),
    "5.4": ("no", "yes", "The disaster risk reduction strategy now has provisions on displacement."),
    "5.5": ("yes", "yes", "Temporary protection granted to people displaced from Ukraine."),
    "6.1": ("yes", "yes", "The border information system records entries and exits and flags overstays."),
    "6.2": ("yes", "yes", "Visa and electronic travel authorisation rules aligned with the EU."),
    "6.3": ("yes", "yes", "National action plan against trafficking in persons, with its national referral mechanism."),
    "6.4": ("yes", "yes", "Criminal code provisions and joint operations against migrant smuggling."),
    "6.5": ("no", "yes", "Reintegration services for returning Albanians at the employment offices."),
}
REMARKS = {
    2023: "Baseline before the strategy. *Demo data: the answers are illustrative, not the Government's assessment.*",
    2025: (
        "The strategy's first two years moved four domains up a category.\n\n"
        "# Where progress is needed\n\n"
        "- **Gender-responsive policy** (2.4): no formal mechanism yet.\n"
        "- **Crises** (5.1, 5.3): no contingency plan for migrants in a crisis.\n"
        "- **Fair recruitment** (4.4): the rules are still being drafted.\n\n"
        "*Demo data: the answers are illustrative, not the Government's assessment.*"
    ),
}


def load_sdg_1072(strategy: Strategy, *, summary: LoadSummary) -> None:
    """Create what is missing of the two demo self-assessments."""
    secretariat = User.objects.get(username="secretariat")
    existing = set(Assessment.objects.filter(strategy=strategy).values_list("year", flat=True))
    for year, day, final, which in (
        (2023, datetime.date(2024, 2, 15), True, 0),
        (2025, datetime.date(2025, 11, 20), False, 1),
    ):
        if year in existing:
            summary.unchanged["assessment"] += 1
            continue
        with _clock(_moment(day, 10), ()):
            assessment = services.create_assessment(strategy, year=year, by=secretariat)
            services.add_suggestions(assessment, by=secretariat, version=assessment.version)
            given = {}
            for answer in (
                Answer.objects.filter(assessment=assessment)
                .select_related("subcategory")
                .prefetch_related("measures", "activities")
            ):
                level_2023, level_2025, evidence = ANSWERS[answer.subcategory.number]
                given[answer.subcategory_id] = services.AnswerInput(
                    level=(level_2023, level_2025)[which],
                    evidence=evidence if which or level_2023 == level_2025 else "",
                    measure_ids=frozenset(m.pk for m in answer.measures.all()),
                    activity_ids=frozenset(a.pk for a in answer.activities.all()),
                )
            services.save_answers(
                assessment, by=secretariat, version=assessment.version, answers=given, note=REMARKS[year]
            )
            if final:
                services.set_status(assessment, by=secretariat, version=assessment.version, status="final")
        summary.created["assessment"] += 1
