"""The second demo plan, of another shape: an ILLUSTRATIVE National Diaspora Strategy 2021-2025 and its action plan.

Two levels, "Section > Action" ("Seksioni > Veprimi"), as Albania's diaspora plans are written: sections referenced
with roman numerals (I to IV), actions numbered straight through the plan (ACTION 1 to ACTION 15). The internal keys
follow the platform's rule (the third action of section II is 2.3); the references stay as the plan writes them.

This is not an adopted text, and nothing in it was checked against one (the act's number and date included): every
title, timeframe, figure, baseline, target and cost below is invented to show a plan of this shape on the themes of
Albania's diaspora policy: engaging the diaspora, diaspora investment and remittances, culture and Albanian-language
teaching abroad, consular services. Institutions, GCM objectives and SDG targets are the real ones (from the
reference data).

It is written through the demo loader's compare-and-save step (`loader._sync_row`): a second run writes nothing, and
a row someone changed is put back as written here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from nsm.audit import acting_as
from nsm.demo import content, loader
from nsm.strategy.models import (
    Activity,
    ActivityBudget,
    CostBasis,
    Indicator,
    IndicatorTarget,
    Result,
    Strategy,
    bodies_fields,
    converted,
)
from nsm.strategy.timeframes import parse_timeframe

if TYPE_CHECKING:
    from nsm.accounts.models import User
    from nsm.demo.loader import LoadSummary

STRATEGY: dict[str, Any] = {  # the Strategy row's field values, as the loader saves them
    "code": "AL-DIASPORA-2021-2025",
    "reference": "VKM nr. 414/2021",
    "country": "AL",
    "title_sq": "Strategjia Kombëtare e Diasporës 2021-2025 dhe Plani i Veprimit",
    "title_en": "National Diaspora Strategy 2021-2025 and Action Plan",
    "levels": [{"sq": "Seksioni", "en": "Section"}, {"sq": "Veprimi", "en": "Action"}],
    "start_year": 2021,
    "end_year": 2025,
    "plan_start_year": 2021,
    "plan_end_year": 2025,
    "status": "adopted",
    "adopting_act": "VKM nr. 414/2021 (illustrative; number and date not verified)",
    "adopted_on": None,
    "currency": "ALL",
    "is_illustrative": True,
}
PLAN_YEARS = range(STRATEGY["plan_start_year"], STRATEGY["plan_end_year"] + 1)
EUR_RATE = Decimal("120")  # the plan's own conversion rate for amounts it states in euro: 1 EUR = 120 ALL


class Cost(NamedTuple):
    """A costed action's cost in each plan year of its timeframe, in lek; a donor's share may be stated in another
    currency (`donor_amount` in `currency`, converted at `rate`)."""

    state: int = 0
    donor: str = ""
    donor_amount: int = 0
    currency: str = ""
    rate: Decimal | None = None
    unfunded: int = 0


WITHIN_BUDGET, NOT_COSTED = CostBasis.WITHIN_BUDGET.value, CostBasis.NOT_COSTED.value


class Action(NamedTuple):
    """An action as written: `cost` is a Cost, or "within_budget" / "not_costed" with `note` saying whose budget."""

    title_sq: str
    title_en: str
    lead: str  # the responsible institutions' codes in the plan's order, space-separated; "*" marks the lead
    partners: str  # the supporting institutions' codes in order, space-separated
    timeframe: str  # as the plan writes it; parsed as the activity form parses it
    cost: Cost | str
    note: str = ""
    gcm: tuple[int, ...] = ()
    groups: str = ""  # space-separated target group codes
    gender_marker: int = 0


class IndicatorItem(NamedTuple):
    """An indicator with its yearly targets; `action` is the straight-through number of the action it measures."""

    kind: str
    name_sq: str
    name_en: str
    unit: str
    baseline: str
    baseline_year: int
    targets: tuple[tuple[int, str], ...]
    responsible: str
    source: str
    value_type: str = "number"
    direction: str = "increase"
    disaggregation: str = ""
    action: int | None = None
    milestones: tuple[str, str] = ("", "")  # a milestone indicator's stages, one per line, in Albanian and English


class Section(NamedTuple):
    reference: str
    title_sq: str
    title_en: str
    gcm: tuple[int, ...]
    sdg: tuple[str, ...]
    actions: tuple[Action, ...]
    indicators: tuple[IndicatorItem, ...]


# fmt: off
SECTIONS = (
    Section(
        "I",
        "Angazhimi i diasporës dhe forcimi i lidhjeve të saj me Shqipërinë",
        "Engaging the diaspora and strengthening its ties with Albania",
        gcm=(19,), sdg=("10.7",),
        actions=(
            Action("Përditësimi i regjistrit të shoqatave të diasporës dhe zgjerimi i bazës së të dhënave për "
                   "diasporën",
                   "Update the register of diaspora associations and extend the diaspora database",
                   "AKD", "MEPJ INSTAT AKSHI", "First half of 2021 (periodic until 2025)", Cost(state=1_200_000),
                   gcm=(1, 19), groups="diaspora"),
            Action("Organizimi i Samitit të Diasporës dhe i forumeve rajonale me shoqatat e diasporës",
                   "Hold the Diaspora Summit and regional forums with diaspora associations",
                   "AKD MEPJ", "KKD ZKM", "Annual", Cost(state=3_500_000), groups="diaspora", gender_marker=1),
            Action("Mbështetja e Këshillit Koordinues të Diasporës në bashkëpunimin me institucionet shtetërore dhe "
                   "vendore",
                   "Support the Diaspora Coordinating Council in its work with state and local institutions",
                   "AKD *MEPJ", "KKD MSHPV", "Continuous", WITHIN_BUDGET,
                   "Within the approved budget of the Ministry for Europe and Foreign Affairs"),
            Action("Programi i praktikave verore në institucionet shqiptare për të rinjtë e diasporës",
                   "Summer internships in Albanian institutions for young people of the diaspora",
                   "AKD", "DAP MEPJ IOM", "2022-2025", Cost(state=800_000, donor=content.IDF, donor_amount=1_500_000),
                   gcm=(19,), groups="diaspora youth", gender_marker=1),
        ),
        indicators=(
            IndicatorItem(
                "output", "Shoqata të diasporës të regjistruara në regjistrin e AKD-së",
                "Diaspora associations entered in the register of the National Agency for Diaspora",
                "associations", "310", 2020,
                ((2021, "340"), (2022, "380"), (2023, "420"), (2024, "460"), (2025, "500")),
                "AKD", "Register of diaspora associations (AKD)", action=1),
            IndicatorItem(
                "output", "Pjesëmarrës në Samitin e Diasporës dhe në forumet rajonale",
                "Participants in the Diaspora Summit and the regional forums",
                "persons", "600", 2019,
                ((2021, "400"), (2022, "800"), (2023, "900"), (2024, "1000"), (2025, "1100")),
                "AKD", "AKD attendance lists", disaggregation="sex", action=2),
            IndicatorItem(
                "output", "Rregullorja e bashkëpunimit të Këshillit Koordinues të Diasporës me institucionet",
                "Rules of cooperation between the Diaspora Coordinating Council and the institutions",
                "", "0", 2020, ((2022, "1"), (2023, "2"), (2024, "3")),
                "AKD", "Decisions of the Council of Ministers; AKD", value_type="milestone", action=3,
                milestones=("Hartuar\nKonsultuar me shoqatat e diasporës\nMiratuar me vendim të Këshillit të "
                            "Ministrave",
                            "Drafted\nConsulted with diaspora associations\nAdopted by decision of the Council of "
                            "Ministers")),
        ),
    ),
    Section(
        "II",
        "Investimet e diasporës dhe ndikimi i remitancave në zhvillim",
        "Diaspora investment and the development impact of remittances",
        gcm=(19, 20), sdg=("10.c", "17.3"),
        actions=(
            Action("Kapitalizimi i Fondit Shqiptar të Zhvillimit të Diasporës dhe nisja e skemës së bashkëfinancimit "
                   "për bizneset e diasporës",
                   "Capitalise the Albanian Diaspora Development Fund and launch its co-financing scheme for diaspora "
                   "businesses",
                   "FSHZHD", "MF AKD AIDA", "By end of 2022", Cost(state=25_000_000), gcm=(19,)),
            Action("Sportel informimi dhe ndërmjetësimi për investitorët e diasporës pranë AIDA-s",
                   "An information and matchmaking desk for diaspora investors at AIDA",
                   "AIDA", "FSHZHD AKD MEI", "Second half of 2022",
                   Cost(state=600_000, donor=content.SDC, donor_amount=40_000, currency="EUR", rate=EUR_RATE),
                   gcm=(19,)),
            Action("Studim mbi koston e dërgimit të remitancave dhe kanalet që përdor diaspora",
                   "Study of the cost of sending remittances and of the channels the diaspora uses",
                   "BSH", "MF INSTAT", "2023", WITHIN_BUDGET, "Within the budget of the Bank of Albania", gcm=(20,)),
            Action("Fushatë edukimi financiar për familjet e emigrantëve mbi produktet formale të transfertave dhe "
                   "kursimeve",
                   "Financial literacy campaign for migrants' families on formal transfer and savings products",
                   "BSH", "AKD MEPJ", "Annual (2023-2025)", NOT_COSTED, gcm=(20,), groups="diaspora women",
                   gender_marker=1),
        ),
        indicators=(
            IndicatorItem(
                "outcome", "Projekte investimi të diasporës të bashkëfinancuara nga Fondi",
                "Diaspora investment projects co-financed by the Albanian Diaspora Development Fund",
                "projects", "0", 2020, ((2023, "10"), (2024, "25"), (2025, "40")),
                "FSHZHD", "Albanian Diaspora Development Fund, annual report"),
            IndicatorItem(
                "outcome", "Kostoja mesatare e dërgimit të remitancave drejt Shqipërisë (% e shumës së dërguar)",
                "Average cost of sending remittances to Albania (% of the amount sent)",
                "%", "7.9", 2020, ((2023, "7.0"), (2024, "6.5"), (2025, "6.0")),
                "BSH", "World Bank Remittance Prices Worldwide; Bank of Albania", value_type="percent",
                direction="decrease"),
        ),
    ),
    Section(
        "III",
        "Kultura, identiteti kombëtar dhe mësimi i gjuhës shqipe në diasporë",
        "Culture, national identity and Albanian-language teaching in the diaspora",
        gcm=(19,), sdg=(),
        actions=(
            Action("Botimi dhe shpërndarja e teksteve dhe materialeve mësimore në gjuhën shqipe për shkollat "
                   "plotësuese në diasporë",
                   "Publish and distribute Albanian-language textbooks and teaching materials for supplementary "
                   "schools abroad",
                   "MA", "QBD AKD MEPJ", "Annual", Cost(state=9_000_000), groups="diaspora youth"),
            Action("Seminari veror kombëtar për mësuesit e gjuhës shqipe në diasporë",
                   "National summer seminar for teachers of Albanian in the diaspora",
                   "MA", "AKD MEPJ", "Annual (2022-2025)", Cost(state=2_000_000), gender_marker=1),
            Action("Mbështetja e festivaleve dhe e qendrave kulturore shqiptare jashtë vendit",
                   "Support for Albanian festivals and cultural centres abroad",
                   "MTKS", "AKD QBD MEPJ", "2021-2025", Cost(state=6_000_000, unfunded=2_000_000),
                   groups="diaspora"),
            Action("Platformë online për mësimin e gjuhës shqipe nga fëmijët e diasporës",
                   "An online platform on which children of the diaspora learn Albanian",
                   "MA", "AKSHI AKD", "By end of 2023", NOT_COSTED, groups="diaspora youth"),
        ),
        indicators=(
            IndicatorItem(
                "outcome", "Nxënës që ndjekin mësimin e gjuhës shqipe jashtë vendit",
                "Pupils attending Albanian-language classes abroad",
                "pupils", "15000", 2020,
                ((2021, "15500"), (2022, "16500"), (2023, "17500"), (2024, "18500"), (2025, "20000")),
                "MA", "Ministry of Education, reports of the supplementary schools", disaggregation="sex"),
            IndicatorItem(
                "output", "Mësues të gjuhës shqipe në diasporë të trajnuar",
                "Teachers of Albanian in the diaspora trained",
                "teachers", "120", 2019, ((2022, "150"), (2023, "150"), (2024, "170"), (2025, "180")),
                "MA", "Ministry of Education, seminar attendance lists", disaggregation="sex", action=10),
        ),
    ),
    Section(
        "IV",
        "Shërbimet konsullore dhe mbrojtja e të drejtave të shqiptarëve jashtë vendit",
        "Consular services and protection of the rights of Albanians abroad",
        gcm=(14,), sdg=("10.7",),
        actions=(
            Action("Shtrirja e shërbimeve e-konsullore: aplikime online për dokumente të gjendjes civile dhe "
                   "pasaporta në përfaqësitë diplomatike",
                   "Extend e-consular services: online applications for civil status documents and passports at the "
                   "missions",
                   "MEPJ", "DPGJC AKSHI ADISA", "2022-2023",
                   Cost(state=5_000_000, donor=content.EU, donor_amount=150_000, currency="EUR", rate=EUR_RATE),
                   gcm=(4, 14)),
            Action("Shërbime konsullore të lëvizshme në qytetet me komunitete të mëdha shqiptare pa përfaqësi "
                   "konsullore",
                   "Mobile consular services in cities with large Albanian communities and no consular office",
                   "MEPJ", "DPGJC PSH", "Second half of 2022 (periodic until 2025)", Cost(state=1_800_000),
                   gcm=(14,), groups="diaspora"),
            Action("Negocimi i marrëveshjeve për sigurimet shoqërore me vendet kryesore ku jeton diaspora",
                   "Negotiate social security agreements with the main countries where the diaspora lives",
                   "MSHMS", "ISSH MEPJ", "Continuous", WITHIN_BUDGET,
                   "Within the approved budgets of the Ministry of Health and Social Protection and the Social "
                   "Insurance Institute",
                   gcm=(22,)),
        ),
        indicators=(
            IndicatorItem(
                "outcome", "Aplikime për shërbime konsullore të paraqitura online",
                "Share of consular service applications submitted online",
                "%", "20", 2020, ((2022, "40"), (2023, "60"), (2024, "70"), (2025, "80")),
                "MEPJ", "Consular case management system (MEPJ)", value_type="percent", action=13),
            IndicatorItem(
                "output", "Marrëveshje për sigurimet shoqërore në fuqi me vendet ku jeton diaspora",
                "Social security agreements in force with countries where the diaspora lives",
                "agreements", "6", 2020, ((2023, "8"), (2025, "10")),
                "MSHMS", "Ministry of Health and Social Protection; Social Insurance Institute", action=15),
        ),
    ),
)
# fmt: on


class Numbered(NamedTuple):
    """An action with its internal key (`2.3`: the third of section 2) and its reference as written ("ACTION 7")."""

    code: str
    reference: str
    section: str
    action: Action


def numbered_actions() -> list[Numbered]:
    """The actions in the plan's order, numbered straight through for the reader and within a section for the key."""
    rows: list[Numbered] = []
    for s, section in enumerate(SECTIONS, start=1):
        for a, action in enumerate(section.actions, start=1):
            rows.append(Numbered(f"{s}.{a}", f"ACTION {len(rows) + 1}", str(s), action))
    return rows


def load_diaspora(*, admin: User, summary: LoadSummary) -> Strategy:
    """Create or correct the diaspora strategy and its plan; a second run writes nothing."""
    refs = loader.read_references(_wanted(), STRATEGY["country"])
    with acting_as(admin, reason=loader.REASON):
        strategy = loader._sync_strategy(STRATEGY, summary)
        sections = _sync_sections(strategy, refs, summary)
        activities = _sync_actions(strategy, sections, refs, summary)
        _sync_costs(activities, summary)
        _sync_indicators(strategy, sections, activities, refs, summary)
    return strategy


# --- reference data --------------------------------------------------------------------------------------


def _wanted() -> dict[str, set[Any]]:
    actions = [action for section in SECTIONS for action in section.actions]
    indicators = [indicator for section in SECTIONS for indicator in section.indicators]
    institutions = {code.lstrip("*") for a in actions for code in (*a.lead.split(), *a.partners.split())}
    return {
        "institutions": institutions | {i.responsible for i in indicators},
        "gcm_objectives": {n for s in SECTIONS for n in s.gcm} | {n for a in actions for n in a.gcm},
        "sdg_targets": {code for s in SECTIONS for code in s.sdg},
        "target_groups": {code for a in actions for code in a.groups.split()},
        "disaggregation": {code for i in indicators for code in i.disaggregation.split()},
    }


# --- the plan --------------------------------------------------------------------------------------------


def _sync_sections(strategy: Strategy, refs: loader.References, summary: LoadSummary) -> dict[str, Result]:
    existing = {
        r.code: r for r in Result.objects.filter(strategy=strategy).prefetch_related("gcm_objectives", "sdg_targets")
    }
    sections: dict[str, Result] = {}
    for number, section in enumerate(SECTIONS, start=1):
        code = str(number)
        values = {
            "strategy": strategy,
            "parent": None,
            "depth": 1,
            "code": code,
            "reference": section.reference,
            "title_sq": section.title_sq,
            "title_en": section.title_en,
        }
        m2m = {
            "gcm_objectives": {refs.gcm[n].pk for n in section.gcm},
            "sdg_targets": {refs.sdg[c].pk for c in section.sdg},
        }
        sections[code] = loader._sync_row(Result, existing.get(code), values, m2m, summary)
        sections[code].strategy = strategy
    return sections


def _sync_actions(
    strategy: Strategy, sections: dict[str, Result], refs: loader.References, summary: LoadSummary
) -> dict[str, Activity]:
    existing = {
        a.code: a
        for a in Activity.objects.filter(strategy=strategy).prefetch_related(
            "bodies", "target_groups", "gcm_objectives"
        )
    }
    activities: dict[str, Activity] = {}
    for row in numbered_actions():
        action = row.action
        m2m = {
            "partners": _bodies(action, refs)["partners"],
            "target_groups": {refs.target_groups[c].pk for c in action.groups.split()},
            "gcm_objectives": {refs.gcm[n].pk for n in action.gcm},
        }
        values = _action_values(strategy, sections[row.section], row, refs)
        activities[row.code] = loader._sync_row(Activity, existing.get(row.code), values, m2m, summary)
        activities[row.code].strategy = strategy
    return activities


def _bodies(action: Action, refs: loader.References) -> dict[str, Any]:
    """The action's lead, the marked lead's place and the other institutions, in the order the plan names them."""
    codes = action.lead.split()
    responsible = [refs.institutions[code.lstrip("*")] for code in codes]
    marked = next((refs.institutions[code[1:]] for code in codes if code.startswith("*")), None)
    supporting = [refs.institutions[code] for code in action.partners.split()]
    return bodies_fields(responsible, supporting, marked)


def _action_values(strategy: Strategy, section: Result, row: Numbered, refs: loader.References) -> dict[str, Any]:
    """The activity's fields; its start and end are those its timeframe means, as the activity form sets them."""
    action = row.action
    timeframe = parse_timeframe(action.timeframe, strategy.plan_years)
    (start_year, start_quarter), (end_year, end_quarter) = timeframe.start, timeframe.end
    return {
        "strategy": strategy,
        "measure": section,
        "code": row.code,
        "reference": row.reference,
        "title_sq": action.title_sq,
        "title_en": action.title_en,
        **{name: value for name, value in _bodies(action, refs).items() if name != "partners"},
        "start_year": start_year,
        "start_quarter": start_quarter,
        "end_year": end_year,
        "end_quarter": end_quarter,
        "timeframe": action.timeframe,
        "recurrence": timeframe.recurrence,
        "cost_basis": CostBasis.COSTED if isinstance(action.cost, Cost) else action.cost,
        "cost_note": action.note,
        "gender_marker": action.gender_marker,
    }


def _sync_costs(activities: dict[str, Activity], summary: LoadSummary) -> None:
    """The budget lines of the costed actions: each source's yearly amount in every plan year the action runs."""
    existing = {
        (b.activity_id, b.year, b.source, b.donor): b
        for b in ActivityBudget.objects.filter(activity__in=list(activities.values()))
    }
    for row in numbered_actions():
        if not isinstance(row.action.cost, Cost):
            continue
        activity = activities[row.code]
        for values in _budget_lines(activity, row.action.cost):
            key = (activity.pk, values["year"], values["source"], values["donor"])
            loader._sync_row(ActivityBudget, existing.get(key), values, {}, summary)


def _budget_lines(activity: Activity, cost: Cost) -> list[dict[str, Any]]:
    """The fields of each budget line: one per source and plan year of the action's timeframe."""
    plain = {"currency": "", "stated_amount": None, "rate": None}
    donated: dict[str, Any] = {"amount": Decimal(cost.donor_amount), **plain}
    if cost.currency and cost.rate:  # stated in euro: kept as stated, with the rate that gives the amount in lek
        stated = Decimal(cost.donor_amount)
        donated = {"amount": converted(stated, cost.rate), "currency": cost.currency, "stated_amount": stated,
                   "rate": cost.rate}  # fmt: skip
    sources = (
        (ActivityBudget.Source.STATE_BUDGET, "", {"amount": Decimal(cost.state), **plain}),
        (ActivityBudget.Source.DONOR, cost.donor, donated),
        (ActivityBudget.Source.UNFUNDED, "", {"amount": Decimal(cost.unfunded), **plain}),
    )
    years = range(max(activity.start_year, PLAN_YEARS.start), min(activity.end_year, PLAN_YEARS[-1]) + 1)
    return [
        {"activity": activity, "year": year, "source": source, "donor": donor, **amounts}
        for year in years
        for source, donor, amounts in sources
        if amounts["amount"]
    ]


def _sync_indicators(
    strategy: Strategy,
    sections: dict[str, Result],
    activities: dict[str, Activity],
    refs: loader.References,
    summary: LoadSummary,
) -> None:
    """One or two indicators per section (`1.a`, `1.b`), some of them outputs of one action, with their targets."""
    existing = {i.code: i for i in Indicator.objects.filter(strategy=strategy).prefetch_related("disaggregation")}
    targets = {(t.indicator_id, t.year): t for t in IndicatorTarget.objects.filter(indicator__strategy=strategy)}
    by_number = {n: activities[row.code] for n, row in enumerate(numbered_actions(), start=1)}
    for number, section in enumerate(SECTIONS, start=1):
        for letter, item in zip("abcdefgh", section.indicators, strict=False):
            code = f"{number}.{letter}"
            values = _indicator_values(strategy, sections[str(number)], code, item, refs)
            values["activity"] = by_number[item.action] if item.action else None
            m2m = {"disaggregation": {refs.dimensions[c].pk for c in item.disaggregation.split()}}
            indicator = loader._sync_row(Indicator, existing.get(code), values, m2m, summary)
            indicator.strategy = strategy
            for year, value in item.targets:
                target = {"indicator": indicator, "year": year, "value": Decimal(value)}
                loader._sync_row(IndicatorTarget, targets.get((indicator.pk, year)), target, {}, summary)


def _indicator_values(
    strategy: Strategy, section: Result, code: str, item: IndicatorItem, refs: loader.References
) -> dict[str, Any]:
    return {
        "strategy": strategy,
        "result": section,
        "code": code,
        "name_sq": item.name_sq,
        "name_en": item.name_en,
        "kind": item.kind,
        "unit_sq": content.UNITS_SQ.get(item.unit, ""),
        "unit_en": item.unit,
        "value_type": item.value_type,
        "milestones_sq": item.milestones[0],
        "milestones_en": item.milestones[1],
        "direction": item.direction,
        "baseline": Decimal(item.baseline),
        "baseline_year": item.baseline_year,
        "data_source_sq": "",
        "data_source_en": item.source,
        "frequency": Indicator.Frequency.ANNUAL,
        "responsible": refs.institutions[item.responsible],
    }
