"""The demo plan: an ILLUSTRATIVE Albanian National Strategy on Migration 2024-2030 and Action Plan 2024-2026.

This is not the adopted text. The Council of Ministers adopted the NSM 2024-2030 and its Action Plan
2024-2026 on 2 May 2024 (verified), but their goals, objectives, measures, costs and indicator passport
could not be read (see shared/reference/albania_nsm.md, section 3). The content below follows the
strategy's publicly stated directions: labour migration, return and sustainable reintegration by 2030,
the diaspora, asylum and transit flows of foreigners, prevention of irregular migration, data and
evidence, and governance. Every title, figure, baseline, target and cost is invented for demonstration,
so that the platform can be tried on a plan of a realistic size and shape. Institutions, GCM objectives
and SDG targets are the real ones.

The file is plain data, written by hand: goals > objectives > measures > activities, with indicators at
every level (kept out of `ruff format`, which would spread each activity over fifteen lines). Two
repetitive parts are generated from it, deterministically: the yearly cost of each activity by funding
source (`activity_budget`) and the yearly targets of each indicator (`indicator_targets`). The random
generator is seeded with 2024 and the activity's code, so that the figures are the same on every run and
editing one activity leaves the others' figures alone.

GCM objectives left untagged on purpose, so that the coverage view shows gaps: 8 (save lives and
coordinate efforts on missing migrants), 13 (migration detention only as a last resort) and 17 (eliminate
discrimination and shape perceptions of migration). See `GCM_LEFT_OUT`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

STRATEGY: dict[str, Any] = {  # the Strategy row's field values, as the loader saves them
    "code": "AL-NSM-2024-2030",
    "country": "AL",
    "title_sq": "Strategjia Kombëtare për Migracionin 2024-2030 dhe Plani i Veprimit 2024-2026",
    "title_en": "National Strategy on Migration 2024-2030 and Action Plan 2024-2026",
    "start_year": 2024,
    "end_year": 2030,
    "plan_start_year": 2024,
    "plan_end_year": 2026,
    "status": "adopted",
    "adopting_act": "VKM (illustrative; number not verified)",
    "adopted_on": date(2024, 5, 2),
    "currency": "ALL",
    "is_illustrative": True,
    "is_public": True,  # the public page (/public/AL-NSM-2024-2030/) shows its approved figures
}

PLAN_YEARS = range(STRATEGY["plan_start_year"], STRATEGY["plan_end_year"] + 1)
FINAL_YEAR = STRATEGY["end_year"]
GCM_LEFT_OUT = (8, 13, 17)

PASSWORD = "nsm-demo-2024"  # noqa: S105 - the demo logins' password, printed by `nsm demo --logins`


class DemoUser(NamedTuple):
    username: str
    first_name: str
    last_name: str
    role: str  # a Membership.Role value, or "superuser"
    institution: str = ""


USERS = (
    DemoUser("admin", "Arben", "Krasniqi", "superuser"),
    DemoUser("coordinator", "Elira", "Hoxha", "coordinator", "MPB"),
    DemoUser("secretariat", "Ardit", "Dervishi", "secretariat", "MPB"),
    DemoUser("focalpoint", "Mirela", "Shehu", "focal_point", "AKPA"),
    DemoUser("viewer", "Gentian", "Marku", "viewer", "INSTAT"),
    DemoUser("stakeholder", "Flutura", "Zeqiri", "stakeholder", "IOM"),  # invited to the demo consultation
)

# Donors, named as budget lines name them.
EU = "European Union (IPA III)"
IOM = "IOM"
IDF = "IOM Development Fund"
SDC = "Swiss Agency for Development and Cooperation (SDC)"
UNDP = "UNDP"
GIZ = "German Development Cooperation (GIZ)"
UNHCR = "UNHCR"
UNICEF = "UNICEF"


class Act(NamedTuple):
    """An activity as written by hand; `partners` and `groups` are space-separated codes."""

    title_sq: str
    title_en: str
    lead: str
    partners: str
    start: str
    end: str
    gender_marker: int
    groups: str
    scale: str
    gcm: tuple[int, ...]


class Ind(NamedTuple):
    """An indicator: `target` is the value for the action plan's last year, `final` for the strategy's."""

    kind: str
    name_sq: str
    name_en: str
    unit: str
    baseline: float
    target: float
    final: float | None
    value_type: str
    direction: str
    disaggregation: str
    data_source: str
    frequency: str
    responsible: str
    baseline_year: int
    targets: tuple[tuple[int, float], ...]


class Measure(NamedTuple):
    title_sq: str
    title_en: str
    gcm: tuple[int, ...]
    sdg: tuple[str, ...]
    donors: tuple[str, ...]
    activities: tuple[Act, ...]
    indicators: tuple[Ind, ...]


class Objective(NamedTuple):
    title_sq: str
    title_en: str
    sdg: tuple[str, ...]
    indicators: tuple[Ind, ...]
    measures: tuple[Measure, ...]


class Goal(NamedTuple):
    title_sq: str
    title_en: str
    sdg: tuple[str, ...]
    indicators: tuple[Ind, ...]
    objectives: tuple[Objective, ...]


def act(
    title_sq: str,
    title_en: str,
    lead: str,
    partners: str = "",
    start: str = "2024-Q1",
    end: str = "2026-Q4",
    *,
    gm: int = 1,
    groups: str = "",
    scale: str = "M",
    gcm: tuple[int, ...] = (),
) -> Act:
    """An activity; `scale` (S, M, L, XL) sets the order of magnitude of its yearly cost."""
    return Act(title_sq, title_en, lead, partners, start, end, gm, groups, scale, gcm)


def ind(
    kind: str,
    name_sq: str,
    name_en: str,
    unit: str,
    baseline: float,
    target: float,
    final: float | None = None,
    *,
    resp: str,
    source: str,
    dis: str = "sex",
    freq: str = "annual",
    vt: str = "number",
    direction: str = "increase",
    baseline_year: int = 2023,
    targets: tuple[tuple[int, float], ...] = (),
) -> Ind:
    """An indicator; yearly targets are drawn from baseline to target unless `targets` lists them."""
    return Ind(
        kind,
        name_sq,
        name_en,
        unit,
        baseline,
        target,
        final,
        vt,
        direction,
        dis,
        source,
        freq,
        resp,
        baseline_year,
        targets,
    )


def measure(
    title_sq: str,
    title_en: str,
    *,
    gcm: tuple[int, ...],
    sdg: tuple[str, ...] = ("10.7",),
    donors: tuple[str, ...] = (),
    activities: tuple[Act, ...],
    indicators: tuple[Ind, ...] = (),
) -> Measure:
    """A measure; `donors` are those its activities may draw on (none: state budget and gap only)."""
    return Measure(title_sq, title_en, gcm, sdg, donors, activities, indicators)


def objective(
    title_sq: str,
    title_en: str,
    *,
    sdg: tuple[str, ...] = (),
    indicators: tuple[Ind, ...] = (),
    measures: tuple[Measure, ...],
) -> Objective:
    return Objective(title_sq, title_en, sdg, indicators, measures)


def goal(
    title_sq: str,
    title_en: str,
    *,
    sdg: tuple[str, ...],
    indicators: tuple[Ind, ...],
    objectives: tuple[Objective, ...],
) -> Goal:
    return Goal(title_sq, title_en, sdg, indicators, objectives)


# fmt: off
# ------------------------------------------------------------------------------------------------------------
# Goal 1: labour migration
# ------------------------------------------------------------------------------------------------------------
GOAL_1 = goal(
    "Migracioni i punës është i rregullt, i sigurt dhe kontribuon në zhvillimin social-ekonomik të vendit",
    "Labour migration is regular, safe and contributes to the country's socio-economic development",
    sdg=("10.7", "8.8"),
    indicators=(
        ind("impact",
            "Shtetas shqiptarë të punësuar jashtë vendit përmes kanaleve të rregullta të ndërmjetësuara nga "
            "institucionet shqiptare",
            "Albanian citizens employed abroad through regular channels facilitated by Albanian institutions",
            "persons", 1850, 3200, 5000, resp="AKPA", dis="sex age_group",
            source="AKPA administrative data (migration counters); MEPJ"),
        ind("impact", "Leje pune të lëshuara për shtetas të huaj", "Work permits issued to foreign nationals",
            "permits", 9800, 14000, 18000, resp="DKM", dis="sex age_group",
            source="Electronic Register of Foreigners (REH), State Police"),
    ),
    objectives=(
        objective(
            "Shtetasit shqiptarë dhe të huaj informohen më mirë për kanalet e rregullta dhe procedurat e "
            "migracionit të punës",
            "Albanian and foreign nationals are better informed about regular labour migration channels and "
            "procedures",
            sdg=("10.7",),
            indicators=(
                ind("outcome",
                    "Përdorues të sporteleve të migracionit që njohin procedurat e rregullta për punë jashtë "
                    "vendit (anketë)",
                    "Migration counter users who know the regular procedures for working abroad (survey)",
                    "%", 42, 60, 75, vt="percent", resp="AKPA", dis="sex age_group",
                    source="Exit survey of migration counter users (AKPA)"),
            ),
            measures=(
                measure(
                    "Forcimi i sporteleve të migracionit në zyrat e punësimit dhe në bashki",
                    "Strengthening the migration counters in employment offices and municipalities",
                    gcm=(3, 5), donors=(SDC, IOM),
                    activities=(
                        act("Rishikimi i standardeve të shërbimit dhe i procedurave të punës së sporteleve "
                            "të migracionit",
                            "Review the service standards and operating procedures of the migration counters",
                            "AKPA", "MEI IOM", "2024-Q1", "2024-Q4", groups="officials", scale="S"),
                        act("Ngritja e gjashtë sporteleve të reja të migracionit në bashkitë me emigrim të "
                            "lartë",
                            "Set up six new migration counters in municipalities with high emigration",
                            "AKPA", "BASHKIA-KUKES BASHKIA-DIBER BASHKIA-ELBASAN IOM", "2024-Q3", "2026-Q2",
                            groups="emigrants returnees local_communities", scale="L"),
                        act("Trajnimi i punonjësve të sporteleve për këshillimin mbi migracionin e rregullt, "
                            "me qasje gjinore dhe të bazuar në të drejta",
                            "Train migration counter staff in counselling on regular migration, with a "
                            "gender-sensitive and rights-based approach",
                            "AKPA", "ASPA IOM", "2024-Q2", "2026-Q4", groups="officials", scale="S"),
                        act("Integrimi i modulit të rasteve të sporteleve në sistemin elektronik të AKPA-s "
                            "dhe në e-Albania",
                            "Integrate the migration counters' case module into AKPA's electronic system and "
                            "e-Albania",
                            "AKSHI", "AKPA", "2025-Q1", "2026-Q2", gm=0, groups="officials", scale="L",
                            gcm=(1, 3)),
                    ),
                    indicators=(
                        ind("output", "Sportele migracioni që punojnë sipas standardeve të rishikuara",
                            "Migration counters working to the revised service standards",
                            "counters", 18, 24, resp="AKPA", dis="", freq="semiannual",
                            source="AKPA annual report"),
                        ind("output", "Persona të këshilluar në sportelet e migracionit",
                            "Persons counselled at the migration counters",
                            "persons", 6400, 9500, resp="AKPA", dis="sex age_group migrant_category",
                            freq="quarterly", source="AKPA case register of the migration counters"),
                    ),
                ),
                measure(
                    "Informimi për kanalet e rregullta të migracionit dhe orientimi para nisjes",
                    "Information on regular migration channels and pre-departure orientation",
                    gcm=(3, 5, 7), donors=(EU, IOM),
                    activities=(
                        act("Hartimi dhe përditësimi i paketave informuese për punësimin e rregullt në "
                            "vendet kryesore të destinacionit (Itali, Gjermani, Greqi, Mbretëri e Bashkuar)",
                            "Prepare and update information packages on regular employment in the main "
                            "destination countries (Italy, Germany, Greece, United Kingdom)",
                            "MEPJ", "AKPA AKD IOM", "2024-Q2", "2026-Q4", groups="emigrants youth",
                            scale="S"),
                        act("Programi i orientimit para nisjes për punëtorët migrantë, me sesione të veçanta "
                            "për gratë",
                            "Pre-departure orientation programme for migrant workers, with dedicated "
                            "sessions for women",
                            "AKPA", "IOM ILO", "2024-Q3", "2026-Q4", gm=2, groups="emigrants women"),
                        act("Informimi i shtetasve të huaj për procedurën e lejes unike të qëndrimit dhe "
                            "punës, në disa gjuhë",
                            "Inform foreign nationals about the single residence and work permit procedure, "
                            "in several languages",
                            "ADISA", "DKM AKPA", "2024-Q4", "2025-Q4", gm=0, groups="foreigners employers",
                            scale="S"),
                        act("Ngritja e portalit të vetëm për migracionin e punës në e-Albania",
                            "Build a single labour migration portal on e-Albania",
                            "AKSHI", "AKPA MEPJ MEI", "2025-Q1", "2026-Q4", gm=0,
                            groups="emigrants foreigners employers", scale="L"),
                    ),
                    indicators=(
                        ind("output", "Persona që përfunduan orientimin para nisjes",
                            "Persons who completed pre-departure orientation",
                            "persons", 350, 1500, resp="AKPA", dis="sex age_group", freq="semiannual",
                            source="AKPA and IOM attendance records"),
                    ),
                ),
            ),
        ),
        objective(
            "Rekrutim etik dhe mbrojtje e të drejtave të punëtorëve migrantë",
            "Ethical recruitment and protection of migrant workers' rights",
            sdg=("8.8", "10.7"),
            indicators=(
                ind("outcome",
                    "Agjenci private punësimi të licencuara që u inspektuan për standardet e rekrutimit etik",
                    "Licensed private employment agencies inspected for ethical recruitment standards",
                    "%", 35, 70, 100, vt="percent", resp="MEI", dis="",
                    source="Labour inspectorate and AKPA licensing register"),
                ind("outcome", "Punëtorë migrantë që paguan tarifa rekrutimi (anketë)",
                    "Migrant workers who paid recruitment fees (survey)",
                    "%", 28, 18, 8, vt="percent", direction="decrease", resp="INSTAT", dis="sex age_group",
                    baseline_year=2022, source="Labour Force Survey, migration module (INSTAT, ILO)"),
            ),
            measures=(
                measure(
                    "Rregullimi dhe monitorimi i agjencive private të punësimit sipas parimeve të rekrutimit "
                    "etik",
                    "Regulating and monitoring private employment agencies according to ethical recruitment "
                    "principles",
                    gcm=(6,), sdg=("8.8", "10.7"), donors=(SDC, IOM),
                    activities=(
                        act("Ndryshimi i akteve nënligjore për licencimin e agjencive private të punësimit "
                            "në përputhje me Konventën 181 të ILO-s",
                            "Amend the by-laws on licensing private employment agencies in line with ILO "
                            "Convention 181",
                            "MEI", "AKPA ILO", "2024-Q2", "2025-Q2", gm=0, groups="employers", scale="S"),
                        act("Regjistri publik elektronik i agjencive private të punësimit të licencuara",
                            "Public electronic register of licensed private employment agencies",
                            "AKPA", "AKSHI", "2024-Q4", "2025-Q4", gm=0, groups="employers emigrants"),
                        act("Inspektime të përbashkëta të agjencive private të punësimit për tarifat e "
                            "rekrutimit dhe kontratat",
                            "Joint inspections of private employment agencies on recruitment fees and "
                            "contracts",
                            "MEI", "AKPA PSH", "2024-Q3", "2026-Q4", groups="employers"),
                        act("Trajnimi i agjencive private të punësimit dhe i punëdhënësve për rekrutimin "
                            "etik (standardi IRIS)",
                            "Train private employment agencies and employers in ethical recruitment (the "
                            "IRIS standard)",
                            "AKPA", "IOM", "2025-Q1", "2026-Q4", groups="employers", scale="S"),
                    ),
                    indicators=(
                        ind("output", "Agjenci private punësimi të inspektuara",
                            "Private employment agencies inspected",
                            "agencies", 40, 90, resp="MEI", dis="", source="Labour inspectorate records"),
                    ),
                ),
                measure(
                    "Marrëveshjet dypalëshe për migracionin e punës dhe sigurimet shoqërore",
                    "Bilateral labour migration and social security agreements",
                    gcm=(5, 22, 23), sdg=("10.7", "1.3"), donors=(EU, GIZ),
                    activities=(
                        act("Negocimi i marrëveshjeve dypalëshe për punësimin sezonal dhe të përkohshëm me "
                            "vendet kryesore të destinacionit",
                            "Negotiate bilateral agreements on seasonal and temporary employment with the "
                            "main destination countries",
                            "MEPJ", "MEI AKPA", groups="emigrants"),
                        act("Negocimi dhe zbatimi i marrëveshjeve për sigurimet shoqërore dhe "
                            "transferueshmërinë e përfitimeve",
                            "Negotiate and implement social security agreements and the portability of "
                            "benefits",
                            "ISSH", "MF MEPJ", groups="emigrants returnees", gcm=(22,)),
                        act("Mekanizmi i përbashkët i monitorimit të zbatimit të marrëveshjeve dypalëshe të "
                            "punës",
                            "Joint mechanism to monitor the implementation of bilateral labour agreements",
                            "MEI", "MEPJ AKPA", "2025-Q1", "2026-Q4", groups="emigrants", scale="S"),
                        act("Informimi i emigrantëve për të drejtat e sigurimeve shoqërore dhe mënyrën e "
                            "përfitimit të pensionit nga jashtë",
                            "Inform emigrants of their social security rights and of how to claim a pension "
                            "from abroad",
                            "ISSH", "AKD MEPJ", "2024-Q3", "2026-Q4", groups="emigrants diaspora", scale="S",
                            gcm=(3, 22)),
                    ),
                    indicators=(
                        ind("output", "Marrëveshje dypalëshe për punën dhe sigurimet shoqërore në fuqi",
                            "Bilateral labour and social security agreements in force",
                            "agreements", 11, 15, resp="MEPJ", dis="", source="MEPJ treaty register"),
                        ind("output",
                            "Emigrantë që përfitojnë pension ose totalizim periudhash sipas marrëveshjeve",
                            "Emigrants receiving a pension or totalised periods under the agreements",
                            "persons", 4100, 5600, resp="ISSH", dis="sex age_group",
                            source="ISSH benefits register"),
                    ),
                ),
            ),
        ),
        objective(
            "Zhvillimi i aftësive dhe njohja e kualifikimeve e aftësive të migrantëve",
            "Developing skills and recognising migrants' qualifications and skills",
            sdg=("10.7",),
            indicators=(
                ind("outcome", "Të kthyer dhe imigrantë të cilëve u njohën kualifikimet ose aftësitë",
                    "Returnees and immigrants whose qualifications or skills were recognised",
                    "persons", 620, 1400, 2500, resp="MA", dis="sex migrant_category",
                    source="MA diploma recognition register; AKPA skills validation records"),
            ),
            measures=(
                measure(
                    "Njohja e diplomave dhe e kualifikimeve profesionale, dhe vërtetimi i të nxënit joformal",
                    "Recognition of diplomas and vocational qualifications, and validation of non-formal "
                    "learning",
                    gcm=(18,), donors=(SDC, EU),
                    activities=(
                        act("Thjeshtimi dhe digjitalizimi i procedurës së njohjes së diplomave të fituara "
                            "jashtë vendit",
                            "Simplify and digitise the procedure for recognising diplomas obtained abroad",
                            "MA", "AKSHI ADISA", "2024-Q2", "2025-Q4", gm=0, groups="returnees foreigners"),
                        act("Vlerësimi dhe certifikimi i aftësive të fituara jashtë vendit për të kthyerit, "
                            "në qendrat e AKPA-s",
                            "Assess and certify skills acquired abroad for returnees at AKPA centres",
                            "AKPA", "MA", "2024-Q3", "2026-Q4", groups="returnees", gcm=(18, 21)),
                        act("Marrëveshje për njohjen e ndërsjellë të kualifikimeve profesionale me vendet e "
                            "BE-së dhe të Ballkanit Perëndimor",
                            "Agreements on the mutual recognition of professional qualifications with EU and "
                            "Western Balkan countries",
                            "MEPJ", "MA MEI", gm=0, groups="emigrants returnees", scale="S", gcm=(18, 23)),
                    ),
                    indicators=(
                        ind("output", "Diploma të huaja të njohura brenda 30 ditëve",
                            "Foreign diplomas recognised within 30 days",
                            "%", 45, 85, vt="percent", resp="MA", dis="sex",
                            source="MA diploma recognition register"),
                    ),
                ),
                measure(
                    "Formim profesional sipas kërkesës së tregut të punës për migrantët dhe komunitetet e "
                    "origjinës",
                    "Vocational training matched to labour market demand for migrants and communities of "
                    "origin",
                    gcm=(18, 2), donors=(SDC, GIZ),
                    activities=(
                        act("Kurse të formimit profesional në profesionet me mungesë fuqie punëtore, të "
                            "hapura për të kthyerit dhe të huajt",
                            "Vocational courses in occupations with labour shortages, open to returnees and "
                            "foreigners",
                            "AKPA", "MEI", "2024-Q3", "2026-Q4", groups="returnees foreigners youth",
                            scale="L"),
                        act("Kurse të gjuhëve të huaja dhe të aftësive digjitale për punëkërkuesit që "
                            "përgatiten për migracion të rregullt pune",
                            "Foreign language and digital skills courses for jobseekers preparing for "
                            "regular labour migration",
                            "AKPA", "IOM", "2025-Q1", "2026-Q4", groups="youth emigrants"),
                        act("Partneritete për lëvizshmërinë e aftësive me punëdhënësit në vendet e "
                            "destinacionit",
                            "Skills mobility partnerships with employers in destination countries",
                            "MEI", "AKPA MEPJ IOM", "2025-Q2", "2026-Q4", groups="youth employers",
                            gcm=(5, 18)),
                    ),
                    indicators=(
                        ind("output",
                            "Persona që përfunduan kurse të formimit profesional (të kthyer, të huaj dhe "
                            "punëkërkues që përgatiten për migracion të rregullt)",
                            "Persons who completed vocational courses (returnees, foreigners and jobseekers "
                            "preparing for regular migration)",
                            "persons", 1100, 2400, resp="AKPA", dis="sex age_group migrant_category",
                            source="AKPA vocational training records"),
                    ),
                ),
            ),
        ),
    ),
)

# ------------------------------------------------------------------------------------------------------------
# Goal 2: return and sustainable reintegration of Albanian citizens
# ------------------------------------------------------------------------------------------------------------
GOAL_2 = goal(
    "Shtetasit shqiptarë të kthyer riintegrohen në mënyrë të qëndrueshme deri në vitin 2030",
    "Returned Albanian citizens are sustainably reintegrated by 2030",
    sdg=("10.7", "1.3"),
    indicators=(
        ind("impact", "Të kthyer të punësuar ose të vetëpunësuar 12 muaj pas kthimit",
            "Returnees employed or self-employed 12 months after return",
            "%", 31, 40, 55, vt="percent", resp="AKPA", dis="sex age_group",
            source="Reintegration follow-up survey (AKPA, IOM)"),
        ind("impact", "Të kthyer që emigrojnë sërish në mënyrë të parregullt brenda 24 muajve",
            "Returnees who emigrate irregularly again within 24 months",
            "%", 18, 13, 8, vt="percent", direction="decrease", resp="DKM", dis="sex",
            source="DKM returnee register matched with readmission data"),
    ),
    objectives=(
        objective(
            "Pritja, vlerësimi i nevojave dhe referimi i shtetasve të kthyer",
            "Reception, needs assessment and referral of returned citizens",
            sdg=("10.7",),
            indicators=(
                ind("outcome", "Të kthyer të referuar në shërbime pas vlerësimit të nevojave",
                    "Returnees referred to services after a needs assessment",
                    "%", 22, 50, 75, vt="percent", resp="AKPA", dis="sex age_group", freq="semiannual",
                    source="Migration counter case register (AKPA)"),
            ),
            measures=(
                measure(
                    "Pritja dinjitoze dhe intervistimi i të kthyerve në pikat e kalimit kufitar",
                    "Dignified reception and interviewing of returnees at border crossing points",
                    gcm=(21, 7), donors=(EU, IOM),
                    activities=(
                        act("Përditësimi i procedurave standarde të veprimit për pritjen e shtetasve të "
                            "kthyer, përfshirë identifikimin e personave në nevojë",
                            "Update the standard operating procedures for receiving returned citizens, "
                            "including the identification of persons in need",
                            "DKM", "MPB IOM UNICEF", "2024-Q1", "2024-Q4", groups="returnees officials",
                            scale="S"),
                        act("Përmirësimi i ambienteve të pritjes për të kthyerit në Aeroportin e Rinasit dhe "
                            "në pikat kufitare të Kakavijës dhe Kapshticës",
                            "Upgrade the reception premises for returnees at Tirana (Rinas) Airport and at "
                            "the Kakavijë and Kapshticë border crossings",
                            "DKM", "MPB", "2024-Q3", "2025-Q4", groups="returnees", scale="L"),
                        act("Trajnimi i policëve kufitarë për intervistimin e të miturve dhe të viktimave të "
                            "mundshme të trafikimit",
                            "Train border police officers to interview children and potential victims of "
                            "trafficking",
                            "DKM", "ASPA ASHDMF UNICEF IOM", "2024-Q2", "2026-Q4",
                            groups="officials unaccompanied_children trafficking_victims", scale="S",
                            gcm=(10, 21)),
                        act("Regjistri elektronik i të kthyerve i ndërlidhur me sportelet e migracionit",
                            "Electronic returnee register linked to the migration counters",
                            "PSH", "AKSHI AKPA", "2024-Q4", "2026-Q2", gm=0, groups="returnees", scale="L",
                            gcm=(1, 21)),
                    ),
                    indicators=(
                        ind("output", "Shtetas të kthyer të intervistuar në pritje me formularin standard",
                            "Returned citizens interviewed on reception with the standard form",
                            "persons", 3900, 5200, resp="DKM", dis="sex age_group", freq="quarterly",
                            source="DKM returnee register"),
                    ),
                ),
                measure(
                    "Menaxhimi i rastit dhe referimi i të kthyerve në shërbimet vendore",
                    "Case management and referral of returnees to local services",
                    gcm=(21, 15), sdg=("10.7", "1.3"), donors=(EU, GIZ),
                    activities=(
                        act("Miratimi i protokollit të referimit ndërinstitucional për të kthyerit midis "
                            "sporteleve, bashkive dhe shërbimeve sociale",
                            "Adopt the inter-institutional referral protocol for returnees between migration "
                            "counters, municipalities and social services",
                            "MPB", "AKPA SHSSH MSHMS", "2024-Q2", "2025-Q1", groups="returnees officials",
                            scale="S"),
                        act("Shërbimi i menaxhimit të rastit për të kthyerit në Bashkinë Shkodër",
                            "Case management service for returnees in Shkodër municipality",
                            "BASHKIA-SHKODER", "AKPA SHSSH IOM", "2024-Q3", "2026-Q4",
                            groups="returnees women"),
                        act("Shërbimi i menaxhimit të rastit për të kthyerit në Bashkinë Elbasan",
                            "Case management service for returnees in Elbasan municipality",
                            "BASHKIA-ELBASAN", "AKPA SHSSH IOM", "2025-Q1", "2026-Q4",
                            groups="returnees women"),
                        act("Plane individuale riintegrimi për të kthyerit në nevojë, me ndjekje 12-mujore",
                            "Individual reintegration plans for returnees in need, with a 12-month follow-up",
                            "AKPA", "SHSSH IOM", "2024-Q3", "2026-Q4", groups="returnees"),
                    ),
                    indicators=(
                        ind("output", "Të kthyer me plan individual riintegrimi",
                            "Returnees with an individual reintegration plan",
                            "persons", 410, 1500, resp="AKPA", dis="sex age_group", freq="semiannual",
                            source="Migration counter case register (AKPA)"),
                        ind("output", "Bashki që zbatojnë protokollin e referimit për të kthyerit",
                            "Municipalities applying the referral protocol for returnees",
                            "municipalities", 4, 20, resp="MPB", dis="", source="MPB monitoring reports"),
                    ),
                ),
            ),
        ),
        objective(
            "Riintegrimi ekonomik dhe social i të kthyerve",
            "Economic and social reintegration of returnees",
            sdg=("10.7", "1.3"),
            indicators=(
                ind("outcome", "Të kthyer të regjistruar si punëkërkues që u punësuan brenda 6 muajve",
                    "Returnees registered as jobseekers who found work within 6 months",
                    "%", 24, 35, 50, vt="percent", resp="AKPA", dis="sex age_group", freq="semiannual",
                    source="AKPA jobseeker register"),
            ),
            measures=(
                measure(
                    "Punësimi, vetëpunësimi dhe formimi profesional i të kthyerve",
                    "Employment, self-employment and vocational training of returnees",
                    gcm=(21, 18), donors=(EU, GIZ, SDC),
                    activities=(
                        act("Përfshirja e të kthyerve si grup prioritar në programet e nxitjes së punësimit",
                            "Include returnees as a priority group in the employment promotion programmes",
                            "MEI", "AKPA MF", "2024-Q1", "2024-Q4", groups="returnees", scale="S"),
                        act("Grante për vetëpunësim dhe nisjen e bizneseve të vogla nga të kthyerit, me "
                            "kuotë për gratë",
                            "Self-employment and small business start-up grants for returnees, with a quota "
                            "for women",
                            "AKPA", "AIDA", "2024-Q3", "2026-Q4", gm=2, groups="returnees women", scale="XL"),
                        act("Programi i praktikave në punë për të rinjtë e kthyer",
                            "On-the-job internship programme for young returnees",
                            "AKPA", "MEI", "2025-Q1", "2026-Q4", groups="returnees youth"),
                        act("Këshillim financiar dhe për biznesin për të kthyerit që investojnë kursimet e "
                            "tyre",
                            "Financial and business advice for returnees who invest their savings",
                            "AIDA", "AKPA", "2025-Q1", "2026-Q4", groups="returnees", scale="S"),
                    ),
                    indicators=(
                        ind("output",
                            "Të kthyer që përfituan nga programet e nxitjes së punësimit ose grantet për "
                            "vetëpunësim",
                            "Returnees who benefited from employment promotion programmes or start-up grants",
                            "persons", 260, 900, resp="AKPA", dis="sex age_group",
                            source="AKPA programme records"),
                    ),
                ),
                measure(
                    "Aksesi i të kthyerve në arsim, shëndetësi dhe mbrojtje sociale",
                    "Returnees' access to education, health care and social protection",
                    gcm=(15, 21), sdg=("10.7", "1.3"), donors=(UNICEF, EU),
                    activities=(
                        act("Programe të mbështetjes gjuhësore dhe të integrimit në shkollë për fëmijët e "
                            "kthyer",
                            "Language support and school integration programmes for returned children",
                            "MA", "ASHDMF UNICEF", "2024-Q3", "2026-Q4", groups="returnees"),
                        act("Njohja pa vonesë e periudhave shkollore të kryera jashtë vendit për "
                            "regjistrimin në shkollë",
                            "Recognise school periods completed abroad without delay for school enrolment",
                            "MA", "", "2024-Q2", "2025-Q2", gm=0, groups="returnees", scale="S"),
                        act("Regjistrimi i të kthyerve në skemën e sigurimit të detyrueshëm shëndetësor dhe "
                            "te mjeku i familjes",
                            "Register returnees in compulsory health insurance and with a family doctor",
                            "MSHMS", "ADISA", "2024-Q2", "2026-Q4", groups="returnees", scale="S"),
                        act("Përfshirja e të kthyerve në nevojë në ndihmën ekonomike dhe në shërbimet e "
                            "kujdesit shoqëror",
                            "Include returnees in need in economic assistance and social care services",
                            "SHSSH", "MSHMS BASHKIA-TIRANE", "2024-Q3", "2026-Q4",
                            groups="returnees women persons_with_disabilities", scale="L"),
                        act("Mbështetje psikosociale për fëmijët dhe familjet e kthyera",
                            "Psychosocial support for returned children and families",
                            "ASHDMF", "UNICEF SHSSH", "2024-Q4", "2026-Q4",
                            groups="returnees unaccompanied_children"),
                    ),
                    indicators=(
                        ind("output", "Fëmijë të kthyer të regjistruar në shkollë me mbështetje gjuhësore",
                            "Returned children enrolled in school with language support",
                            "persons", 180, 600, resp="MA", dis="sex age_group",
                            source="MA education management information system"),
                        ind("output",
                            "Të kthyer në nevojë që marrin ndihmë ekonomike ose shërbime të kujdesit "
                            "shoqëror",
                            "Returnees in need receiving economic assistance or social care services",
                            "persons", 240, 650, resp="SHSSH", dis="sex age_group disability",
                            source="SHSSH social assistance register"),
                    ),
                ),
                measure(
                    "Dokumentimi civil i të kthyerve dhe i fëmijëve të lindur jashtë vendit",
                    "Civil documentation of returnees and of children born abroad",
                    gcm=(4, 21), sdg=("16.9", "10.7"), donors=(UNHCR, UNICEF),
                    activities=(
                        act("Thjeshtimi i regjistrimit në gjendjen civile të fëmijëve të lindur jashtë "
                            "vendit",
                            "Simplify the civil registration of children born abroad",
                            "DPGJC", "MPB MEPJ UNHCR", "2024-Q1", "2025-Q2", groups="returnees emigrants",
                            scale="S"),
                        act("Identifikimi dhe zgjidhja e rasteve të fëmijëve të kthyer në rrezik pashtetësie",
                            "Identify and resolve cases of returned children at risk of statelessness",
                            "DPGJC", "UNHCR UNICEF ASHDMF", "2024-Q2", "2026-Q4", groups="returnees",
                            scale="S"),
                        act("Ndërlidhja elektronike e konsullatave me Regjistrin Kombëtar të Gjendjes Civile",
                            "Electronic link between the consulates and the National Civil Status Register",
                            "AKSHI", "DPGJC MEPJ", "2024-Q4", "2026-Q2", gm=0, groups="emigrants diaspora",
                            scale="L", gcm=(4, 14)),
                    ),
                    indicators=(
                        ind("output", "Koha mesatare e regjistrimit të një fëmije të lindur jashtë vendit",
                            "Average time to register a child born abroad",
                            "days", 45, 15, direction="decrease", resp="DPGJC", dis="",
                            source="National Civil Status Register"),
                        ind("output", "Fëmijë të lindur jashtë vendit të regjistruar pas kthimit",
                            "Children born abroad registered after return",
                            "persons", 1050, 1600, resp="DPGJC", dis="sex",
                            source="National Civil Status Register"),
                    ),
                ),
            ),
        ),
        objective(
            "Kthimi i emigrantëve të kualifikuar dhe shfrytëzimi i kapitalit të tyre njerëzor",
            "Return of qualified emigrants and use of their human capital",
            sdg=("10.7", "3.c"),
            indicators=(
                ind("outcome", "Emigrantë të kualifikuar të kthyer përmes skemave të kthimit (kumulative)",
                    "Qualified emigrants who returned through return schemes (cumulative)",
                    "persons", 35, 200, 600, resp="AKD", dis="sex age_group",
                    source="AKD records; MSHMS and MA scheme registers"),
            ),
            measures=(
                measure(
                    "Paketat informuese për kthimin, riintegrimin dhe kushtet e tregut të punës",
                    "Information packages on return, reintegration and labour market conditions",
                    gcm=(3, 21), donors=(IOM, UNDP),
                    activities=(
                        act("Hartimi i paketës informuese \"Kthehu në Shqipëri\" për emigrantët e "
                            "kualifikuar, në shqip, italisht, greqisht, gjermanisht dhe anglisht",
                            "Prepare the \"Return to Albania\" information package for qualified emigrants "
                            "in Albanian, Italian, Greek, German and English",
                            "AKD", "MEPJ AKPA IOM", "2024-Q3", "2025-Q2", groups="emigrants diaspora",
                            scale="S"),
                        act("Shpërndarja e paketave informuese përmes konsullatave, shoqatave të diasporës "
                            "dhe e-Albania",
                            "Distribute the information packages through consulates, diaspora associations "
                            "and e-Albania",
                            "MEPJ", "AKD ADISA", "2025-Q1", "2026-Q4", groups="emigrants diaspora",
                            scale="S"),
                        act("Panaire vjetore pune për diasporën në Tiranë dhe në qytetet kryesore të "
                            "destinacionit",
                            "Annual diaspora job fairs in Tirana and in the main destination cities",
                            "AKPA", "AKD MEPJ IOM", "2024-Q4", "2026-Q4",
                            groups="diaspora emigrants employers"),
                    ),
                    indicators=(
                        ind("output", "Emigrantë të arritur me paketat informuese për kthimin",
                            "Emigrants reached by the information packages on return",
                            "persons", 0, 25000, resp="AKD", dis="",
                            source="AKD download statistics and consular distribution records"),
                    ),
                ),
                measure(
                    "Nxitja e kthimit të profesionistëve të kualifikuar",
                    "Incentives for the return of qualified professionals",
                    gcm=(19, 18, 2), sdg=("10.7", "3.c"), donors=(UNDP, EU),
                    activities=(
                        act("Skema e nxitjes për kthimin e mjekëve dhe infermierëve që punojnë jashtë vendit",
                            "Incentive scheme for the return of doctors and nurses working abroad",
                            "MSHMS", "MF AKD", "2025-Q1", "2026-Q4", groups="emigrants", scale="XL"),
                        act("Programi i bursave dhe i pozicioneve kërkimore për studiuesit shqiptarë që "
                            "kthehen nga jashtë",
                            "Fellowship and research position programme for Albanian researchers returning "
                            "from abroad",
                            "MA", "AKD UNDP", "2024-Q4", "2026-Q4", groups="emigrants youth", scale="L"),
                        act("Lehtësime fiskale dhe procedurale për profesionistët e kthyer që nisin një "
                            "veprimtari",
                            "Fiscal and procedural facilitation for returning professionals who start a "
                            "business",
                            "MF", "AIDA MEI", "2025-Q2", "2026-Q4", gm=0, groups="returnees emigrants",
                            scale="S"),
                        act("Programi i shkëmbimit të njohurive me ekspertë të diasporës në administratën "
                            "publike (qarkullimi i trurit)",
                            "Knowledge exchange programme with diaspora experts in the public administration "
                            "(brain circulation)",
                            "AKD", "DAP ASPA UNDP", "2024-Q3", "2026-Q4", groups="diaspora", gcm=(19,)),
                    ),
                    indicators=(
                        ind("output", "Profesionistë të shëndetësisë të kthyer me skemën e nxitjes",
                            "Health professionals who returned under the incentive scheme",
                            "persons", 0, 120, resp="MSHMS", dis="sex", source="MSHMS scheme register"),
                        ind("output", "Ekspertë të diasporës të angazhuar në institucione publike",
                            "Diaspora experts engaged on assignments in public institutions",
                            "persons", 14, 90, resp="AKD", dis="sex", source="AKD programme records"),
                    ),
                ),
            ),
        ),
    ),
)

# ------------------------------------------------------------------------------------------------------------
# Goal 3: the diaspora
# ------------------------------------------------------------------------------------------------------------
GOAL_3 = goal(
    "Diaspora angazhohet në zhvillimin ekonomik, social dhe kulturor të Shqipërisë",
    "The diaspora is engaged in Albania's economic, social and cultural development",
    sdg=("10.7", "17.3", "10.c"),
    indicators=(
        ind("impact", "Investime të huaja direkte nga diaspora (hyrje vjetore)",
            "Foreign direct investment from the diaspora (yearly inflows)",
            "EUR million", 145, 190, 260, resp="BSH", dis="",
            source="Bank of Albania balance of payments statistics"),
        ind("impact", "Kostoja mesatare e dërgimit të remitancave drejt Shqipërisë (për 200 USD)",
            "Average cost of sending remittances to Albania (per USD 200)",
            "%", 7.1, 5.5, 3.0, vt="percent", direction="decrease", resp="BSH", dis="",
            source="World Bank Remittance Prices Worldwide; Bank of Albania"),
    ),
    objectives=(
        objective(
            "Forcimi i lidhjeve me diasporën dhe përmirësimi i shërbimeve për të",
            "Stronger ties with the diaspora and better services for it",
            sdg=("10.7", "16.9"),
            indicators=(
                ind("outcome", "Anëtarë të diasporës të kënaqur me shërbimet konsullore dhe elektronike",
                    "Diaspora members satisfied with consular and electronic services",
                    "%", 58, 70, 80, vt="percent", resp="MEPJ", dis="sex age_group",
                    source="Diaspora survey (AKD)"),
            ),
            measures=(
                measure(
                    "Hartëzimi i diasporës dhe regjistri i aftësive të saj",
                    "Mapping the diaspora and a register of its skills",
                    gcm=(19, 1), donors=(UNDP, IOM),
                    activities=(
                        act("Studimi i hartëzimit të diasporës shqiptare në dhjetë vendet kryesore të "
                            "pritjes",
                            "Mapping study of the Albanian diaspora in the ten main host countries",
                            "AKD", "INSTAT MEPJ IOM", "2024-Q2", "2025-Q2", groups="diaspora", gcm=(1, 19)),
                        act("Platforma elektronike e regjistrimit vullnetar të profesionistëve të diasporës",
                            "Online platform for the voluntary registration of diaspora professionals",
                            "AKD", "AKSHI", "2024-Q4", "2025-Q4", groups="diaspora"),
                        act("Forumi vjetor i diasporës dhe takime me shoqatat e diasporës",
                            "Annual diaspora forum and meetings with diaspora associations",
                            "AKD", "MEPJ", "2024-Q2", "2026-Q4", groups="diaspora"),
                    ),
                    indicators=(
                        ind("output", "Profesionistë të diasporës të regjistruar në platformë",
                            "Diaspora professionals registered on the platform",
                            "persons", 0, 3000, resp="AKD", dis="sex age_group", freq="semiannual",
                            source="AKD diaspora professionals platform"),
                    ),
                ),
                measure(
                    "Shërbime konsullore dhe elektronike për emigrantët",
                    "Consular and electronic services for emigrants",
                    gcm=(14, 4), sdg=("16.9", "10.7"), donors=(EU,),
                    activities=(
                        act("Shtrirja e shërbimeve të e-Albania për shtetasit jashtë vendit, me identifikim "
                            "elektronik në distancë",
                            "Extend e-Albania services to citizens abroad, with remote electronic "
                            "identification",
                            "AKSHI", "ADISA MEPJ", "2024-Q3", "2026-Q2", gm=0, groups="emigrants diaspora",
                            scale="XL"),
                        act("Lëshimi i pasaportave dhe i letërnjoftimeve në përfaqësitë diplomatike me numër "
                            "të lartë kërkesash",
                            "Issue passports and identity cards at diplomatic missions with high demand",
                            "MEPJ", "DPGJC MPB", gm=0, groups="emigrants diaspora", scale="L", gcm=(4,)),
                        act("Trajnimi i stafit konsullor për mbrojtjen e shtetasve në nevojë, përfshirë "
                            "viktimat e trafikimit dhe të dhunës me bazë gjinore",
                            "Train consular staff to protect citizens in need, including victims of "
                            "trafficking and of gender-based violence",
                            "MEPJ", "ASPA IOM", "2024-Q4", "2026-Q4", gm=2,
                            groups="officials women trafficking_victims", scale="S", gcm=(14, 7)),
                        act("Sistemi i takimeve dhe i ndjekjes elektronike të kërkesave konsullore",
                            "Appointment and online tracking system for consular requests",
                            "MEPJ", "AKSHI", "2025-Q1", "2026-Q2", gm=0, groups="emigrants"),
                    ),
                    indicators=(
                        ind("output", "Kërkesa konsullore të paraqitura në mënyrë elektronike",
                            "Consular requests submitted online",
                            "%", 35, 70, vt="percent", resp="MEPJ", dis="",
                            source="MEPJ consular case system"),
                    ),
                ),
                measure(
                    "Mësimi i gjuhës shqipe dhe ruajtja e identitetit kulturor në diasporë",
                    "Teaching the Albanian language and preserving cultural identity in the diaspora",
                    gcm=(19,), donors=(),
                    activities=(
                        act("Hartimi i teksteve mësimore dhe i platformës online për mësimin e gjuhës shqipe "
                            "në diasporë",
                            "Prepare textbooks and an online platform for learning Albanian in the diaspora",
                            "MA", "AKD", "2024-Q2", "2025-Q4", groups="diaspora youth"),
                        act("Trajnimi i mësuesve vullnetarë të gjuhës shqipe në diasporë",
                            "Train volunteer teachers of Albanian in the diaspora",
                            "MA", "AKD", "2024-Q3", "2026-Q4", groups="diaspora women", scale="S"),
                        act("Kampe verore kulturore në Shqipëri për të rinjtë e diasporës",
                            "Summer culture camps in Albania for young people of the diaspora",
                            "AKD", "MTKS MA", "2024-Q3", "2026-Q3", groups="diaspora youth"),
                    ),
                    indicators=(
                        ind("output", "Fëmijë dhe të rinj të diasporës që ndjekin mësimin e gjuhës shqipe",
                            "Children and young people of the diaspora attending Albanian language classes",
                            "persons", 8500, 11000, resp="MA", dis="sex age_group",
                            source="MA and AKD records of diaspora schools"),
                    ),
                ),
            ),
        ),
        objective(
            "Nxitja e investimeve të diasporës dhe përdorimi produktiv i remitancave",
            "Encouraging diaspora investment and the productive use of remittances",
            sdg=("17.3", "10.c"),
            indicators=(
                ind("outcome", "Biznese të reja të regjistruara nga anëtarë të diasporës gjatë vitit",
                    "New businesses registered by members of the diaspora during the year",
                    "businesses", 320, 450, 650, resp="AIDA", dis="sex",
                    source="National Business Centre register, analysed by AIDA"),
            ),
            measures=(
                measure(
                    "Lehtësimi i investimeve të diasporës",
                    "Facilitating diaspora investment",
                    gcm=(19,), sdg=("17.3", "10.7"), donors=(UNDP, EU),
                    activities=(
                        act("Sporteli i investitorëve të diasporës në AIDA dhe udhëzuesi i investimeve në "
                            "shqip e anglisht",
                            "Diaspora investor desk at AIDA and an investment guide in Albanian and English",
                            "AIDA", "AKD", "2024-Q2", "2025-Q4", gm=0, groups="diaspora"),
                        act("Skema e bashkëfinancimit të investimeve të diasporës në zonat rurale",
                            "Co-financing scheme for diaspora investment in rural areas",
                            "MBZHR", "AIDA AKD", "2025-Q1", "2026-Q4", groups="diaspora local_communities",
                            scale="XL"),
                        act("Takime biznesi midis sipërmarrësve të diasporës dhe bizneseve vendase",
                            "Business-to-business meetings of diaspora entrepreneurs and local businesses",
                            "AIDA", "AKD MEPJ", "2024-Q4", "2026-Q4", groups="diaspora employers", scale="S"),
                        act("Fondi i garancisë së kredive për bizneset e diasporës",
                            "Loan guarantee facility for diaspora businesses",
                            "MF", "AIDA BSH", "2025-Q2", "2026-Q4", groups="diaspora", scale="L"),
                    ),
                    indicators=(
                        ind("output", "Investitorë të diasporës të mbështetur nga sporteli i investitorëve",
                            "Diaspora investors supported by the investor desk",
                            "persons", 0, 400, resp="AIDA", dis="sex", freq="semiannual",
                            source="AIDA investor desk records"),
                    ),
                ),
                measure(
                    "Remitancat: kosto më të ulëta, përfshirje financiare dhe të dhëna më të mira",
                    "Remittances: lower costs, financial inclusion and better data",
                    gcm=(20,), sdg=("10.c", "17.3"), donors=(SDC, EU),
                    activities=(
                        act("Krahasuesi online i kostove të dërgimit të remitancave drejt Shqipërisë",
                            "Online comparison of the costs of sending remittances to Albania",
                            "BSH", "AKD", "2024-Q3", "2025-Q2", gm=0, groups="emigrants diaspora", scale="S"),
                        act("Edukim financiar për emigrantët dhe familjet që marrin remitanca, me fokus te "
                            "gratë",
                            "Financial education for emigrants and remittance-receiving families, with a "
                            "focus on women",
                            "BSH", "AKD MF", "2024-Q4", "2026-Q4", gm=2, groups="women emigrants", scale="S"),
                        act("Përmirësimi i statistikave të remitancave sipas kanalit dhe vendit të dërgimit",
                            "Improve remittance statistics by channel and by sending country",
                            "BSH", "INSTAT", "2024-Q2", "2025-Q4", gm=0, groups="diaspora", scale="S",
                            gcm=(20, 1)),
                    ),
                    indicators=(
                        ind("output", "Remitanca të marra përmes kanaleve formale",
                            "Remittances received through formal channels",
                            "%", 62, 70, vt="percent", resp="BSH", dis="",
                            source="Bank of Albania remittance survey"),
                    ),
                ),
                measure(
                    "Diaspora dhe zhvillimi vendor",
                    "The diaspora and local development",
                    gcm=(19, 2), donors=(UNDP, SDC),
                    activities=(
                        act("Fondi për projekte të përbashkëta të bashkive me shoqatat e diasporës",
                            "Fund for joint projects of municipalities and diaspora associations",
                            "AKD", "BASHKIA-KORCE BASHKIA-VLORE BASHKIA-DIBER UNDP", "2024-Q4", "2026-Q4",
                            groups="diaspora local_communities", scale="L"),
                        act("Pika kontakti dhe sportel me një ndalesë për diasporën në Bashkinë Vlorë",
                            "Diaspora contact point and one-stop desk in Vlorë municipality",
                            "BASHKIA-VLORE", "AKD", "2024-Q3", "2026-Q4", groups="diaspora", scale="S"),
                        act("Programi i turizmit të diasporës dhe i trashëgimisë kulturore në Korçë",
                            "Diaspora tourism and cultural heritage programme in Korçë",
                            "BASHKIA-KORCE", "AKD MTKS", "2025-Q1", "2026-Q4",
                            groups="diaspora local_communities"),
                    ),
                    indicators=(
                        ind("output", "Projekte të përbashkëta bashki-diasporë të zbatuara",
                            "Joint municipality and diaspora projects implemented",
                            "projects", 3, 25, resp="AKD", dis="", source="AKD fund records"),
                    ),
                ),
            ),
        ),
    ),
)

# ------------------------------------------------------------------------------------------------------------
# Goal 4: asylum, transit flows and integration of foreigners
# ------------------------------------------------------------------------------------------------------------
GOAL_4 = goal(
    "Flukset migratore të të huajve menaxhohen në mënyrë efektive, duke mbrojtur të drejtat e azilkërkuesve, "
    "refugjatëve dhe migrantëve",
    "Migration flows of foreign nationals are managed effectively, protecting the rights of asylum seekers, "
    "refugees and migrants",
    sdg=("10.7", "16.2"),
    indicators=(
        ind("impact", "Kërkesa për azil të vendosura në shkallë të parë brenda afatit ligjor",
            "Asylum applications decided at first instance within the legal deadline",
            "%", 55, 80, 95, vt="percent", resp="MPB", dis="sex age_group", freq="semiannual",
            source="Asylum case register (MPB, Directorate for Asylum and Citizenship)"),
        ind("impact", "Të huaj me mbrojtje ndërkombëtare të punësuar ose në formim profesional",
            "Foreigners with international protection who are employed or in vocational training",
            "%", 20, 35, 50, vt="percent", resp="AKPA", dis="sex age_group",
            source="AKPA jobseeker register; UNHCR"),
    ),
    objectives=(
        objective(
            "Procedurë azili e drejtë dhe efikase, në përputhje me acquis-në e BE-së",
            "A fair and efficient asylum procedure in line with the EU acquis",
            sdg=("10.7", "16.9"),
            indicators=(
                ind("outcome", "Azilkërkues që përfituan ndihmë juridike falas",
                    "Asylum seekers who received free legal aid",
                    "%", 40, 75, 90, vt="percent", resp="MD", dis="sex age_group",
                    source="Free legal aid register (MD)"),
            ),
            measures=(
                measure(
                    "Përafrimi i kuadrit ligjor dhe i procedurave të azilit",
                    "Aligning the legal framework and the asylum procedures",
                    gcm=(12, 23), donors=(EU, UNHCR),
                    activities=(
                        act("Përafrimi i legjislacionit për azilin me Paktin e BE-së për Migracionin dhe "
                            "Azilin",
                            "Align asylum legislation with the EU Pact on Migration and Asylum",
                            "MPB", "MEPJ MD UNHCR EUD", "2024-Q2", "2026-Q2", groups="asylum_seekers"),
                        act("Manuali i procedurave të vendimmarrjes në azil dhe i përdorimit të "
                            "informacionit për vendin e origjinës",
                            "Manual of asylum decision-making procedures and of the use of country of origin "
                            "information",
                            "MPB", "UNHCR", "2024-Q3", "2025-Q2", groups="officials asylum_seekers",
                            scale="S"),
                        act("Trajnimi i vendimmarrësve të azilit dhe i gjyqtarëve për të drejtën "
                            "ndërkombëtare të refugjatëve",
                            "Train asylum decision-makers and judges in international refugee law",
                            "MPB", "ASPA MD UNHCR", "2024-Q3", "2026-Q4", groups="officials", scale="S"),
                        act("Sistemi elektronik i menaxhimit të rasteve të azilit, i ndërlidhur me "
                            "Regjistrin Elektronik të të Huajve",
                            "Electronic asylum case management system linked to the Electronic Register of "
                            "Foreigners",
                            "AKSHI", "MPB DKM", "2024-Q4", "2026-Q4", gm=0, groups="asylum_seekers",
                            scale="XL", gcm=(1, 12)),
                    ),
                    indicators=(
                        ind("output", "Vendimmarrës të azilit dhe gjyqtarë të trajnuar për të drejtën e "
                            "refugjatëve",
                            "Asylum decision-makers and judges trained in refugee law",
                            "persons", 25, 120, resp="MPB", dis="sex", source="Training records (MPB, ASPA)"),
                    ),
                ),
                measure(
                    "Ndihma juridike falas dhe garancitë procedurale për azilkërkuesit",
                    "Free legal aid and procedural safeguards for asylum seekers",
                    gcm=(12, 7), donors=(UNHCR,),
                    activities=(
                        act("Përfshirja e azilkërkuesve në skemën e ndihmës juridike falas dhe trajnimi i "
                            "avokatëve",
                            "Include asylum seekers in the free legal aid scheme and train lawyers",
                            "MD", "UNHCR", "2024-Q2", "2026-Q4", groups="asylum_seekers"),
                        act("Shërbimi i përkthimit dhe i interpretimit në gjuhët kryesore të azilkërkuesve",
                            "Translation and interpretation in the main languages of asylum seekers",
                            "MPB", "UNHCR", gm=0, groups="asylum_seekers"),
                        act("Monitorimi i pavarur i pikave kufitare dhe i procedurave të azilit nga Avokati "
                            "i Popullit",
                            "Independent monitoring of border points and asylum procedures by the People's "
                            "Advocate",
                            "AP", "UNHCR", "2024-Q2", "2026-Q4", groups="asylum_seekers foreigners",
                            scale="S"),
                    ),
                    indicators=(
                        ind("output", "Azilkërkues që morën ndihmë juridike falas",
                            "Asylum seekers who received free legal aid",
                            "persons", 180, 500, resp="MD", dis="sex age_group",
                            source="Free legal aid register (MD)"),
                    ),
                ),
            ),
        ),
        objective(
            "Identifikimi, referimi dhe pritja e personave në nevojë në flukset e përziera",
            "Identification, referral and reception of persons in need in mixed flows",
            sdg=("10.7", "16.2"),
            indicators=(
                ind("outcome", "Migrantë në flukset e përziera të shqyrtuar për nevoja mbrojtjeje në "
                    "kontaktin e parë",
                    "Migrants in mixed flows screened for protection needs at first contact",
                    "%", 60, 85, 95, vt="percent", resp="DKM", dis="sex age_group migrant_category",
                    freq="quarterly", source="DKM screening forms; UNHCR border monitoring"),
            ),
            measures=(
                measure(
                    "Shqyrtimi paraprak dhe referimi në kufi",
                    "Screening and referral at the border",
                    gcm=(12, 11, 7), donors=(EU, IOM, UNHCR),
                    activities=(
                        act("Procedurat standarde të veprimit për shqyrtimin paraprak dhe referimin e të "
                            "huajve të kapur në kalim të parregullt",
                            "Standard operating procedures for screening and referring foreigners "
                            "apprehended crossing irregularly",
                            "DKM", "MPB UNHCR IOM", "2024-Q1", "2024-Q4",
                            groups="foreigners asylum_seekers officials", scale="S"),
                        act("Ekipe të lëvizshme shqyrtimi në kufirin jugor dhe verior",
                            "Mobile screening teams on the southern and northern borders",
                            "DKM", "UNHCR IOM", "2024-Q2", "2026-Q4", groups="foreigners asylum_seekers",
                            scale="L"),
                        act("Identifikimi i të miturve të pashoqëruar dhe caktimi i kujdestarit",
                            "Identify unaccompanied children and appoint a guardian",
                            "ASHDMF", "DKM SHSSH UNICEF", "2024-Q2", "2026-Q4",
                            groups="unaccompanied_children", gcm=(7,)),
                    ),
                    indicators=(
                        ind("output", "Të huaj të shqyrtuar në kufi dhe të referuar në procedurën e azilit "
                            "ose në shërbime të tjera",
                            "Foreigners screened at the border and referred to the asylum procedure or to "
                            "other services",
                            "persons", 3200, 4500, resp="DKM", dis="sex age_group migrant_category",
                            freq="quarterly", source="DKM screening forms"),
                    ),
                ),
                measure(
                    "Kapacitetet e pritjes për azilkërkuesit dhe grupet në nevojë",
                    "Reception capacity for asylum seekers and vulnerable groups",
                    gcm=(7, 15), sdg=("10.7", "16.2"), donors=(EU, UNHCR),
                    activities=(
                        act("Rikonstruksioni dhe zgjerimi i Qendrës Kombëtare të Pritjes për Azilkërkuesit "
                            "në Babrru",
                            "Refurbish and extend the National Reception Centre for Asylum Seekers in Babrru",
                            "MPB", "UNHCR", "2024-Q3", "2026-Q2", groups="asylum_seekers", scale="XL"),
                        act("Ambiente të veçanta pritjeje për gratë, familjet dhe të miturit e pashoqëruar",
                            "Separate reception facilities for women, families and unaccompanied children",
                            "MPB", "ASHDMF UNICEF", "2024-Q4", "2026-Q2", gm=2,
                            groups="women unaccompanied_children asylum_seekers", scale="L"),
                        act("Shërbime shëndetësore dhe psikosociale në qendrat e pritjes",
                            "Health and psychosocial services at the reception centres",
                            "MSHMS", "MPB UNHCR", "2024-Q2", "2026-Q4", groups="asylum_seekers", gcm=(15,)),
                        act("Plani i emergjencës për një fluks të madh migrantësh dhe azilkërkuesish",
                            "Contingency plan for a large influx of migrants and asylum seekers",
                            "MPB", "DKM PSH UNHCR IOM", "2024-Q3", "2025-Q2", gm=0,
                            groups="asylum_seekers foreigners", scale="S", gcm=(11, 23)),
                    ),
                    indicators=(
                        ind("output", "Vende pritjeje që plotësojnë standardet e BE-së për pritjen",
                            "Reception places meeting the EU reception standards",
                            "places", 120, 250, resp="MPB", dis="", source="MPB reception centre records"),
                    ),
                ),
            ),
        ),
        objective(
            "Integrimi i të huajve me mbrojtje ndërkombëtare dhe i punëtorëve të huaj",
            "Integration of foreigners with international protection and of foreign workers",
            sdg=("10.7",),
            indicators=(
                ind("outcome", "Përfitues të mbrojtjes ndërkombëtare që përfunduan programin e integrimit",
                    "Beneficiaries of international protection who completed the integration programme",
                    "%", 30, 60, 80, vt="percent", resp="MPB", dis="sex age_group",
                    source="MPB integration programme records"),
            ),
            measures=(
                measure(
                    "Programi i integrimit: gjuha, punësimi, arsimi dhe strehimi",
                    "The integration programme: language, employment, education and housing",
                    gcm=(16, 15), donors=(EU, UNHCR),
                    activities=(
                        act("Kurse të gjuhës shqipe dhe të orientimit kulturor për refugjatët dhe punëtorët "
                            "e huaj",
                            "Albanian language and cultural orientation courses for refugees and foreign "
                            "workers",
                            "MA", "UNHCR BASHKIA-TIRANE", "2024-Q3", "2026-Q4",
                            groups="foreigners asylum_seekers"),
                        act("Përfshirja e personave me mbrojtje ndërkombëtare në shërbimet e punësimit dhe "
                            "të formimit profesional",
                            "Include persons with international protection in employment and vocational "
                            "training services",
                            "AKPA", "UNHCR", "2024-Q2", "2026-Q4", groups="foreigners", scale="S"),
                        act("Mbështetje me strehim social për refugjatët në vitin e parë pas njohjes së "
                            "statusit",
                            "Social housing support for refugees in their first year after recognition",
                            "BASHKIA-TIRANE", "MPB UNHCR", "2025-Q1", "2026-Q4", groups="foreigners"),
                        act("Udhëzues për punëdhënësit për punësimin e ligjshëm dhe integrimin e punëtorëve "
                            "të huaj",
                            "Guide for employers on the lawful employment and integration of foreign workers",
                            "MEI", "AKPA DKM", "2024-Q4", "2025-Q3", groups="employers foreigners",
                            scale="S", gcm=(6, 16)),
                        act("Thjeshtimi i procedurës së natyralizimit për refugjatët dhe personat pa "
                            "shtetësi",
                            "Simplify the naturalisation procedure for refugees and stateless persons",
                            "MPB", "UNHCR", "2025-Q1", "2026-Q4", gm=0, groups="foreigners", scale="S",
                            gcm=(4, 16)),
                    ),
                    indicators=(
                        ind("output", "Refugjatë dhe punëtorë të huaj që përfunduan kursin e gjuhës shqipe",
                            "Refugees and foreign workers who completed an Albanian language course",
                            "persons", 90, 600, resp="MA", dis="sex age_group migrant_category",
                            source="MA course records; UNHCR"),
                    ),
                ),
                measure(
                    "Integrimi vendor dhe kohezioni social",
                    "Local integration and social cohesion",
                    gcm=(16,), donors=(UNDP, EU),
                    activities=(
                        act("Plani vendor i integrimit të të huajve në Bashkinë Tiranë",
                            "Local plan for the integration of foreigners in Tirana municipality",
                            "BASHKIA-TIRANE", "MPB IOM", "2024-Q4", "2025-Q4",
                            groups="foreigners local_communities", scale="S"),
                        act("Qendër komunitare për të huajt dhe komunitetin pritës në Durrës",
                            "Community centre for foreigners and the host community in Durrës",
                            "BASHKIA-DURRES", "MPB IOM", "2025-Q1", "2026-Q4",
                            groups="foreigners local_communities"),
                        act("Trajnimi i punonjësve të shërbimeve publike vendore për shërbimin ndaj të "
                            "huajve",
                            "Train local public service staff in serving foreign nationals",
                            "ASPA", "MPB BASHKIA-TIRANE BASHKIA-DURRES", "2025-Q1", "2026-Q4",
                            groups="officials", scale="S"),
                    ),
                    indicators=(
                        ind("output", "Bashki me plan vendor integrimi për të huajt",
                            "Municipalities with a local integration plan for foreigners",
                            "municipalities", 0, 4, resp="MPB", dis="", source="MPB monitoring reports"),
                    ),
                ),
            ),
        ),
    ),
)

# ------------------------------------------------------------------------------------------------------------
# Goal 5: prevention of irregular migration, trafficking and smuggling; border management
# ------------------------------------------------------------------------------------------------------------
GOAL_5 = goal(
    "Migracioni i parregullt i shtetasve shqiptarë parandalohet dhe kufiri menaxhohet në mënyrë të integruar",
    "Irregular migration of Albanian citizens is prevented and the border is managed in an integrated way",
    sdg=("10.7", "16.2", "5.2"),
    indicators=(
        ind("impact", "Kërkesa të para për azil nga shtetas shqiptarë në vendet e BE-së+",
            "First-time asylum applications by Albanian citizens in EU+ countries",
            "persons", 11400, 7500, 4000, direction="decrease", resp="MPB", dis="sex age_group",
            source="Eurostat (migr_asyappctza); EUAA"),
        ind("impact", "Shtetas shqiptarë të gjetur në qëndrim të parregullt në shtetet anëtare të BE-së",
            "Albanian citizens found to be irregularly present in EU Member States",
            "persons", 22000, 17000, 12000, direction="decrease", resp="DKM", dis="sex age_group",
            source="Eurostat (migr_eipre)"),
    ),
    objectives=(
        objective(
            "Parandalimi i migracionit të parregullt dhe i kërkesave të pabazuara për azil",
            "Preventing irregular migration and unfounded asylum applications",
            sdg=("10.7",),
            indicators=(
                ind("outcome", "Të rinj të ndërgjegjësuar për pasojat e migracionit të parregullt dhe të "
                    "kërkesave të pabazuara për azil (anketë)",
                    "Young people aware of the consequences of irregular migration and unfounded asylum "
                    "applications (survey)",
                    "%", 48, 65, 80, vt="percent", resp="MPB", dis="sex age_group",
                    source="National perception survey (MPB, IOM)"),
                ind("outcome", "Të mitur shqiptarë të pashoqëruar që kërkojnë azil në vendet e BE-së+",
                    "Unaccompanied Albanian minors applying for asylum in EU+ countries",
                    "persons", 700, 450, 200, direction="decrease", resp="ASHDMF", dis="sex",
                    source="Eurostat (migr_asyunaa)"),
            ),
            measures=(
                measure(
                    "Fushata informuese për rreziqet e migracionit të parregullt dhe për kanalet e rregullta",
                    "Information campaigns on the risks of irregular migration and on regular channels",
                    gcm=(3, 2), donors=(EU, IOM),
                    activities=(
                        act("Fushatë kombëtare në mediat sociale për pasojat e kërkesave të pabazuara për "
                            "azil, drejtuar të rinjve",
                            "National social media campaign on the consequences of unfounded asylum "
                            "applications, aimed at young people",
                            "MPB", "MEPJ IOM", "2024-Q2", "2026-Q4", groups="youth", scale="L"),
                        act("Sesione informuese në shkollat e mesme të zonave me emigrim të lartë",
                            "Information sessions in the secondary schools of high-emigration areas",
                            "MA", "MPB PSH UNICEF", "2024-Q4", "2026-Q4", groups="youth"),
                        act("Takime në komunitet me familjet në Kukës, Dibër, Shkodër dhe Elbasan, me "
                            "pjesëmarrjen e grave",
                            "Community meetings with families in Kukës, Dibër, Shkodër and Elbasan, with the "
                            "participation of women",
                            "BASHKIA-KUKES", "BASHKIA-DIBER BASHKIA-SHKODER BASHKIA-ELBASAN IOM", "2024-Q3",
                            "2026-Q4", gm=2, groups="local_communities women", scale="S"),
                        act("Informimi i komuniteteve rome dhe egjiptiane për migracionin e rregullt",
                            "Inform Roma and Egyptian communities about regular migration",
                            "MSHMS", "SHSSH", "2025-Q1", "2026-Q4", groups="roma_egyptians", scale="S"),
                    ),
                    indicators=(
                        ind("output", "Të rinj të arritur me sesionet informuese",
                            "Young people reached by the information sessions",
                            "persons", 4000, 20000, resp="MA", dis="sex age_group", freq="semiannual",
                            source="Attendance records (MA, MPB)"),
                    ),
                ),
                measure(
                    "Adresimi i shkaqeve të migracionit të parregullt të të rinjve",
                    "Addressing the drivers of young people's irregular migration",
                    gcm=(2,), donors=(SDC, UNDP),
                    activities=(
                        act("Garancia për të rinjtë në bashkitë me emigrim të lartë",
                            "The Youth Guarantee in high-emigration municipalities",
                            "MEI", "AKPA BASHKIA-KUKES BASHKIA-DIBER", "2024-Q2", "2026-Q4", groups="youth",
                            scale="XL"),
                        act("Mbështetje për sipërmarrjen rurale të të rinjve dhe grave në zonat me emigrim "
                            "të lartë",
                            "Support for the rural enterprises of young people and women in high-emigration "
                            "areas",
                            "MBZHR", "AKPA", "2025-Q1", "2026-Q4", gm=2, groups="youth women", scale="L"),
                        act("Studim mbi shkaqet e migracionit të parregullt të të miturve të pashoqëruar",
                            "Study of the drivers of irregular migration of unaccompanied minors",
                            "ASHDMF", "INSTAT UNICEF", "2024-Q3", "2025-Q2", groups="unaccompanied_children",
                            scale="S", gcm=(1, 2, 7)),
                    ),
                    indicators=(
                        ind("output", "Të rinj në bashkitë me emigrim të lartë që morën një ofertë nga "
                            "Garancia për të rinjtë",
                            "Young people in high-emigration municipalities who received a Youth Guarantee "
                            "offer",
                            "persons", 0, 6000, resp="AKPA", dis="sex age_group municipality",
                            freq="semiannual", source="AKPA Youth Guarantee records"),
                    ),
                ),
                measure(
                    "Bashkëpunimi me vendet e BE-së për kërkesat e pabazuara për azil dhe ripranimin",
                    "Cooperation with EU countries on unfounded asylum applications and readmission",
                    gcm=(21, 23), donors=(EU,),
                    activities=(
                        act("Zbatimi i marrëveshjeve të ripranimit dhe i protokolleve të zbatimit me "
                            "vendet e BE-së dhe Mbretërinë e Bashkuar",
                            "Implement the readmission agreements and implementing protocols with EU "
                            "countries and the United Kingdom",
                            "MPB", "MEPJ DKM EUD", gm=0, groups="returnees"),
                        act("Shkëmbimi i të dhënave me EUAA-në dhe vendet e BE-së për profilin e kërkesave "
                            "të pabazuara për azil",
                            "Exchange data with the EUAA and EU countries on the profile of unfounded asylum "
                            "applications",
                            "MPB", "DKM INSTAT", "2024-Q2", "2026-Q4", gm=0, groups="officials", scale="S",
                            gcm=(1, 23)),
                        act("Oficerë ndërlidhës për migracionin në vendet kryesore të destinacionit",
                            "Migration liaison officers in the main destination countries",
                            "PSH", "MPB MEPJ", "2024-Q3", "2026-Q4", gm=0, groups="officials", scale="L",
                            gcm=(23, 9)),
                    ),
                    indicators=(
                        ind("output", "Kërkesa për ripranim të përgjigjura brenda afatit",
                            "Readmission requests answered within the deadline",
                            "%", 88, 98, vt="percent", resp="DKM", dis="", freq="quarterly",
                            source="DKM readmission case system"),
                    ),
                ),
            ),
        ),
        objective(
            "Parandalimi dhe lufta kundër trafikimit të qenieve njerëzore dhe kontrabandës së migrantëve",
            "Preventing and combating trafficking in human beings and the smuggling of migrants",
            sdg=("16.2", "5.2", "8.7"),
            indicators=(
                ind("outcome", "Viktima dhe viktima të mundshme të trafikimit të identifikuara",
                    "Victims and potential victims of trafficking identified",
                    "persons", 110, 150, 170, resp="MPB", dis="sex age_group migrant_category",
                    source="National Referral Mechanism database (National Anti-Trafficking Coordinator)"),
                ind("outcome", "Rrjete kontrabandimi të çmontuara", "Smuggling networks dismantled",
                    "networks", 18, 30, 40, resp="PSH", dis="", source="State Police statistics"),
            ),
            measures=(
                measure(
                    "Identifikimi dhe mbrojtja e viktimave të trafikimit",
                    "Identification and protection of victims of trafficking",
                    gcm=(10, 7), sdg=("16.2", "5.2", "8.7"), donors=(EU, IOM, UNICEF),
                    activities=(
                        act("Përditësimi i treguesve të identifikimit të viktimave të trafikimit në flukset "
                            "e përziera",
                            "Update the indicators for identifying victims of trafficking in mixed flows",
                            "MPB", "PSH SHSSH IOM", "2024-Q2", "2024-Q4", gm=2,
                            groups="trafficking_victims officials", scale="S"),
                        act("Njësi të lëvizshme identifikimi në të 12 qarqet",
                            "Mobile identification units in all 12 counties",
                            "SHSSH", "PSH ASHDMF", "2024-Q3", "2026-Q4", gm=2,
                            groups="trafficking_victims women unaccompanied_children", scale="L"),
                        act("Shërbime riintegrimi për viktimat e trafikimit në qendrat e strehimit (strehim, "
                            "punësim, arsim)",
                            "Reintegration services for victims of trafficking at the shelters (housing, "
                            "employment, education)",
                            "SHSSH", "AKPA IOM", gm=2, groups="trafficking_victims women", scale="L"),
                        act("Trajnimi i prokurorëve dhe policëve për hetimin e trafikimit me qasje të "
                            "përqendruar te viktima",
                            "Train prosecutors and police in victim-centred trafficking investigations",
                            "PSH", "MD", "2024-Q3", "2026-Q4", groups="officials", scale="S"),
                    ),
                    indicators=(
                        ind("output", "Viktima të trafikimit që marrin shërbime riintegrimi",
                            "Victims of trafficking receiving reintegration services",
                            "persons", 85, 140, resp="SHSSH", dis="sex age_group", freq="semiannual",
                            source="Shelter records (SHSSH)"),
                    ),
                ),
                measure(
                    "Lufta kundër kontrabandës së migrantëve",
                    "Combating the smuggling of migrants",
                    gcm=(9, 23), donors=(EU,),
                    activities=(
                        act("Hetime financiare paralele për rrjetet e kontrabandës së migrantëve",
                            "Parallel financial investigations into migrant smuggling networks",
                            "PSH", "MD DKM", gm=0, groups="officials"),
                        act("Bashkëpunim operacional me Europol-in, Frontex-in dhe vendet fqinje",
                            "Operational cooperation with Europol, Frontex and neighbouring countries",
                            "PSH", "DKM MPB EUD", gm=0, groups="officials", gcm=(23,)),
                        act("Mbrojtja e migrantëve të kontrabanduar si dëshmitarë dhe informimi i tyre për "
                            "të drejtat",
                            "Protect smuggled migrants as witnesses and inform them of their rights",
                            "MD", "PSH UNHCR", "2025-Q1", "2026-Q4", groups="foreigners", scale="S",
                            gcm=(9, 7)),
                    ),
                    indicators=(
                        ind("output", "Hetime të nisura për kontrabandë migrantësh",
                            "Investigations opened into migrant smuggling",
                            "investigations", 65, 90, resp="PSH", dis="", source="State Police statistics"),
                    ),
                ),
            ),
        ),
        objective(
            "Menaxhimi i integruar i kufirit",
            "Integrated border management",
            sdg=("10.7",),
            indicators=(
                ind("outcome", "Pika kalimi kufitar me kontroll të linjës së dytë të lidhur me bazat e të "
                    "dhënave të BE-së dhe Interpolit",
                    "Border crossing points with second-line checks connected to EU and Interpol databases",
                    "%", 60, 100, 100, vt="percent", resp="DKM", dis="", source="DKM inventory"),
            ),
            measures=(
                measure(
                    "Modernizimi i kontrollit kufitar",
                    "Modernising border checks",
                    gcm=(11,), donors=(EU,),
                    activities=(
                        act("Pajisja e pikave të kalimit kufitar me sisteme biometrike dhe të verifikimit të "
                            "dokumenteve",
                            "Equip border crossing points with biometric and document verification systems",
                            "DKM", "AKSHI EUD", "2024-Q2", "2026-Q4", gm=0, groups="officials", scale="XL"),
                        act("Përafrimi i sistemit të menaxhimit të informacionit kufitar (TIMS) me "
                            "sistemet e BE-së",
                            "Align the border information management system (TIMS) with EU systems",
                            "DKM", "AKSHI", "2024-Q3", "2026-Q4", gm=0, groups="officials", scale="XL"),
                        act("Patrullime të përbashkëta me Greqinë, Malin e Zi, Kosovën dhe Maqedoninë e "
                            "Veriut",
                            "Joint patrols with Greece, Montenegro, Kosovo and North Macedonia",
                            "PSH", "DKM", gm=0, groups="officials", gcm=(11, 23)),
                    ),
                    indicators=(
                        ind("output", "Pika kalimi kufitar të pajisura me sisteme biometrike",
                            "Border crossing points equipped with biometric systems",
                            "crossing points", 14, 24, resp="DKM", dis="", source="DKM inventory"),
                    ),
                ),
                measure(
                    "Menaxhimi i kufirit i bazuar në të drejtat e njeriut dhe trajnimi i policisë kufitare",
                    "Rights-based border management and training of the border police",
                    gcm=(11, 7, 12), donors=(EU, UNHCR),
                    activities=(
                        act("Trajnimi i policëve kufitarë për të drejtat e njeriut, mbrojtjen ndërkombëtare "
                            "dhe qasjen gjinore",
                            "Train border police in human rights, international protection and a "
                            "gender-sensitive approach",
                            "DKM", "ASPA UNHCR IOM", "2024-Q2", "2026-Q4", groups="officials"),
                        act("Rritja e numrit të grave policë në pikat e kalimit kufitar",
                            "Increase the number of women police officers at border crossing points",
                            "PSH", "MPB", gm=2, groups="officials women", scale="S"),
                        act("Mekanizmi i ankesave për personat që kalojnë kufirin",
                            "Complaints mechanism for persons crossing the border",
                            "AP", "DKM", "2025-Q1", "2026-Q2", groups="foreigners", scale="S"),
                    ),
                    indicators=(
                        ind("output", "Policë kufitarë të trajnuar për të drejtat e njeriut dhe mbrojtjen "
                            "ndërkombëtare",
                            "Border police officers trained in human rights and international protection",
                            "persons", 210, 900, resp="DKM", dis="sex",
                            source="Training records (DKM, ASPA)"),
                    ),
                ),
            ),
        ),
    ),
)

# ------------------------------------------------------------------------------------------------------------
# Goal 6: governance, data and evidence
# ------------------------------------------------------------------------------------------------------------
GOAL_6 = goal(
    "Qeverisja e migracionit është e koordinuar, e bazuar në të dhëna dhe në përputhje me Paktin Global për "
    "Migracionin",
    "Migration governance is coordinated, evidence-based and aligned with the Global Compact for Migration",
    sdg=("10.7",),
    indicators=(
        ind("impact", "Aktivitete të Planit të Veprimit të zbatuara në afat (shkalla e zbatimit)",
            "Action Plan activities implemented on time (implementation rate)",
            "%", 58, 80, 85, vt="percent", resp="MPB", dis="",
            source="Annual monitoring report of the Action Plan (MPB)"),
        ind("impact", "Tregues të Strategjisë të raportuar me të dhëna të zbërthyera sipas gjinisë",
            "Strategy indicators reported with sex-disaggregated data",
            "%", 35, 75, 90, vt="percent", resp="INSTAT", dis="",
            source="Annual monitoring report of the Action Plan (MPB, INSTAT)"),
    ),
    objectives=(
        objective(
            "Të dhëna të besueshme dhe të zbërthyera për migracionin",
            "Reliable and disaggregated migration data",
            sdg=("10.7",),
            indicators=(
                ind("outcome", "Profili i Zgjeruar i Migracionit i publikuar çdo vit",
                    "Extended Migration Profile published every year",
                    "yes/no", 0, 1, 1, vt="yes_no", resp="MPB", dis="",
                    targets=((2024, 1), (2025, 1), (2026, 1), (2030, 1)),
                    source="MPB website"),
            ),
            measures=(
                measure(
                    "Profili i migracionit dhe statistikat e migracionit",
                    "The migration profile and migration statistics",
                    gcm=(1,), donors=(EU, IOM),
                    activities=(
                        act("Përgatitja dhe publikimi vjetor i Profilit të Zgjeruar të Migracionit",
                            "Prepare and publish the Extended Migration Profile every year",
                            "MPB", "INSTAT DKM AKPA IOM", groups="officials", scale="S"),
                        act("Moduli i migracionit në Anketën e Forcave të Punës",
                            "Migration module in the Labour Force Survey",
                            "INSTAT", "ILO", "2025-Q1", "2025-Q4", groups="emigrants returnees"),
                        act("Publikimi i statistikave të migracionit nga Censusi 2023, të zbërthyera sipas "
                            "gjinisë, moshës dhe bashkisë",
                            "Publish migration statistics from the 2023 Census, disaggregated by sex, age "
                            "and municipality",
                            "INSTAT", "", "2024-Q2", "2025-Q2", groups="emigrants returnees"),
                        act("Anketa e dytë për migracionin e kthimit dhe riintegrimin",
                            "Second survey of return migration and reintegration",
                            "INSTAT", "IOM AKPA", "2025-Q3", "2026-Q4", groups="returnees", scale="L",
                            gcm=(1, 21)),
                    ),
                    indicators=(
                        ind("output", "Publikime statistikore për migracionin me të dhëna sipas gjinisë dhe "
                            "moshës",
                            "Migration statistics releases with data by sex and age",
                            "releases", 2, 6, resp="INSTAT", dis="", source="INSTAT release calendar"),
                    ),
                ),
                measure(
                    "Ndërveprimi i sistemeve administrative për të dhënat e migracionit",
                    "Interoperability of administrative migration data systems",
                    gcm=(1, 4), sdg=("10.7", "16.9"), donors=(EU,),
                    activities=(
                        act("Harmonizimi i përkufizimeve dhe i variablave të migracionit në regjistrat "
                            "administrativë",
                            "Harmonise migration definitions and variables across administrative registers",
                            "INSTAT", "MPB DKM AKPA DPGJC", "2024-Q2", "2025-Q2", groups="officials",
                            scale="S"),
                        act("Ndërlidhja e regjistrave të DKM-së, AKPA-s, Gjendjes Civile dhe ISSH-së përmes "
                            "platformës qeveritare të ndërveprimit",
                            "Connect the registers of DKM, AKPA, the civil registry and ISSH through the "
                            "government interoperability platform",
                            "AKSHI", "DKM AKPA DPGJC ISSH", "2024-Q4", "2026-Q4", gm=0, groups="officials",
                            scale="XL"),
                        act("Paneli i treguesve të Strategjisë me të dhëna të zbërthyera sipas gjinisë, "
                            "moshës dhe kategorisë së migrantit",
                            "Dashboard of the Strategy's indicators with data disaggregated by sex, age and "
                            "migrant category",
                            "MPB", "INSTAT AKSHI IOM", "2024-Q3", "2025-Q4", groups="officials"),
                    ),
                    indicators=(
                        ind("output", "Regjistra administrativë që shkëmbejnë të dhëna migracioni përmes "
                            "platformës së ndërveprimit",
                            "Administrative registers exchanging migration data through the "
                            "interoperability platform",
                            "registers", 1, 5, resp="AKSHI", dis="", source="AKSHI interoperability logs"),
                    ),
                ),
            ),
        ),
        objective(
            "Koordinimi institucional, monitorimi dhe kapacitetet për qeverisjen e migracionit",
            "Institutional coordination, monitoring and capacities for migration governance",
            sdg=("10.7",),
            indicators=(
                ind("outcome", "Institucione që dorëzojnë në afat raportin e monitorimit",
                    "Institutions that submit their monitoring report on time",
                    "%", 50, 90, 100, vt="percent", resp="MPB", dis="", freq="semiannual",
                    source="Monitoring platform of the Action Plan (MPB)"),
                ind("outcome", "Nëpunës me njohuri të përmirësuara për të drejtën ndërkombëtare të "
                    "migracionit pas trajnimit (test pas trajnimit)",
                    "Officials with better knowledge of international migration law after training "
                    "(post-training test)",
                    "%", 55, 75, 85, vt="percent", resp="ASPA", dis="sex",
                    source="ASPA training evaluations"),
            ),
            measures=(
                measure(
                    "Mekanizmi i koordinimit dhe i monitorimit të Strategjisë",
                    "The Strategy's coordination and monitoring mechanism",
                    gcm=(23,), donors=(IDF, EU),
                    activities=(
                        act("Mbledhje të rregullta të Komitetit Teknik për Migracionin dhe raporti vjetor i "
                            "monitorimit",
                            "Regular meetings of the Technical Committee on Migration and the annual "
                            "monitoring report",
                            "MPB", "KTM", "2024-Q3", "2026-Q4", groups="officials", scale="S"),
                        act("Caktimi dhe trajnimi i pikave të kontaktit në çdo institucion përgjegjës",
                            "Appoint and train focal points in every responsible institution",
                            "MPB", "ASPA IOM", "2024-Q3", "2025-Q2", groups="officials", scale="S"),
                        act("Platforma elektronike e raportimit dhe e monitorimit të Planit të Veprimit, e "
                            "ndërlidhur me IPSIS",
                            "Electronic reporting and monitoring platform for the Action Plan, linked to "
                            "IPSIS",
                            "MPB", "AKSHI DZHM IOM", "2024-Q3", "2025-Q4", gm=0, groups="officials",
                            gcm=(1, 23)),
                        act("Vlerësimi afatmesëm i Strategjisë dhe hartimi i Planit të Veprimit 2027-2030",
                            "Mid-term evaluation of the Strategy and drafting of the Action Plan 2027-2030",
                            "MPB", "DZHM IOM", "2026-Q1", "2026-Q4", groups="officials"),
                        act("Raportimi vullnetar për zbatimin e Paktit Global për Migracionin",
                            "Voluntary reporting on the implementation of the Global Compact for Migration",
                            "MEPJ", "MPB IOM", "2025-Q1", "2026-Q2", groups="officials", scale="S"),
                    ),
                    indicators=(
                        ind("output", "Raporte monitorimi të Planit të Veprimit të publikuara gjatë vitit",
                            "Monitoring reports of the Action Plan published during the year",
                            "reports", 1, 2, resp="MPB", dis="", targets=((2024, 1), (2025, 2), (2026, 2)),
                            source="MPB website"),
                    ),
                ),
                measure(
                    "Rritja e kapaciteteve të nëpunësve për qeverisjen e migracionit",
                    "Building officials' capacities in migration governance",
                    gcm=(23, 1), donors=(IDF, EU),
                    activities=(
                        act("Kurrikula e ASPA-s për të drejtën ndërkombëtare të migracionit, Paktin Global "
                            "dhe qasjen e bazuar në të drejta",
                            "ASPA curriculum on international migration law, the Global Compact and the "
                            "rights-based approach",
                            "ASPA", "MPB IOM", "2024-Q2", "2024-Q4", groups="officials", scale="S"),
                        act("Trajnime për nëpunësit qendrorë dhe vendorë për integrimin e perspektivës "
                            "gjinore në politikat e migracionit",
                            "Training for central and local officials in mainstreaming gender in migration "
                            "policy",
                            "ASPA", "MPB IOM", "2024-Q4", "2026-Q4", gm=2, groups="officials women",
                            scale="S"),
                        act("Vizita studimore dhe shkëmbim përvoje me administratat e BE-së",
                            "Study visits and peer exchange with EU administrations",
                            "MPB", "MEPJ", "2025-Q1", "2026-Q4", gm=0, groups="officials"),
                    ),
                    indicators=(
                        ind("output", "Nëpunës të trajnuar për të drejtën ndërkombëtare të migracionit dhe "
                            "Paktin Global",
                            "Officials trained in international migration law and the Global Compact",
                            "persons", 60, 450, resp="ASPA", dis="sex", source="ASPA training records"),
                    ),
                ),
                measure(
                    "Qeverisja vendore e migracionit",
                    "Local migration governance",
                    gcm=(15, 21), donors=(SDC, UNDP),
                    activities=(
                        act("Plane vendore veprimi për migracionin në tetë bashki pilot",
                            "Local migration action plans in eight pilot municipalities",
                            "MSHPV", "BASHKIA-SHKODER BASHKIA-ELBASAN BASHKIA-KUKES IOM", "2024-Q3",
                            "2026-Q2", groups="local_communities officials"),
                        act("Zyra e migracionit në Bashkinë Elbasan, me shërbime të integruara për të "
                            "kthyerit dhe emigrantët",
                            "Migration desk in Elbasan municipality with integrated services for returnees "
                            "and emigrants",
                            "BASHKIA-ELBASAN", "AKPA", "2024-Q4", "2026-Q4", groups="returnees emigrants",
                            scale="S"),
                        act("Rrjeti i bashkive për migracionin dhe shkëmbimi i praktikave të mira",
                            "Network of municipalities on migration and exchange of good practice",
                            "MSHPV", "AKD MPB", "2025-Q1", "2026-Q4", gm=0, groups="officials", scale="S"),
                    ),
                    indicators=(
                        ind("output", "Bashki me plan vendor veprimi për migracionin të miratuar",
                            "Municipalities with an adopted local migration action plan",
                            "municipalities", 2, 10, resp="MSHPV", dis="", source="MSHPV records"),
                    ),
                ),
            ),
        ),
    ),
)

GOALS = (GOAL_1, GOAL_2, GOAL_3, GOAL_4, GOAL_5, GOAL_6)
# fmt: on


# ------------------------------------------------------------------------------------------------------------
# Generated parts: costs and targets, deterministic
# ------------------------------------------------------------------------------------------------------------
# Yearly cost range of a full year's work, in lek, by the activity's scale.
SCALES = {
    "S": (300_000, 1_500_000),
    "M": (1_500_000, 6_000_000),
    "L": (6_000_000, 18_000_000),
    "XL": (18_000_000, 45_000_000),
}

# Funding profiles: (weight, state share range, donor share range); the rest is unfunded.
PROFILES = {
    "state": (20, (1.0, 1.0), (0.0, 0.0)),
    "state_donor": (20, (0.3, 0.6), None),
    "donor": (15, (0.1, 0.2), None),
    "state_gap": (20, (0.5, 0.8), (0.0, 0.0)),
    "mixed": (25, (0.25, 0.45), (0.25, 0.45)),
}
ROUND_TO = 10_000
MIN_LINE = 100_000


class BudgetRow(NamedTuple):
    activity: str
    year: int
    source: str
    donor: str
    amount: Decimal


def parse_period(text: str) -> tuple[int, int | None]:
    """`2025-Q2` -> (2025, 2); `2025` -> (2025, None): the workbook's start and end notation."""
    year, _, quarter = text.partition("-Q")
    return int(year), int(quarter) if quarter else None


def quarters_in(year: int, start: str, end: str) -> int:
    """How many quarters of `year` the activity runs (0 to 4)."""
    (start_year, start_q), (end_year, end_q) = parse_period(start), parse_period(end)
    first = (start_q or 1) if year == start_year else 1
    last = (end_q or 4) if year == end_year else 4
    return max(0, last - first + 1) if start_year <= year <= end_year else 0


def _rounded(value: float) -> int:
    return int(round(value / ROUND_TO)) * ROUND_TO


def _shares(rng: random.Random, has_donor: bool) -> tuple[float, float]:
    """A funding profile's (state, donor) shares; without a donor, only the state and gap profiles."""
    names = [name for name in PROFILES if has_donor or PROFILES[name][2] == (0.0, 0.0)]
    name = rng.choices(names, weights=[PROFILES[n][0] for n in names])[0]
    _, state_range, donor_range = PROFILES[name]
    state = rng.uniform(*state_range)
    donor = 1.0 - state if donor_range is None else rng.uniform(*donor_range)
    return state, donor


def activity_budget(code: str, activity: Act, donors: tuple[str, ...]) -> list[BudgetRow]:
    """The activity's cost for each plan year it runs, split into state budget, one donor and the gap.

    The gap grows a little each year: later years lie beyond the medium-term budget ceilings.
    """
    rng = random.Random(f"2024:{code}")
    yearly = rng.uniform(*SCALES[activity.scale])
    state_share, donor_share = _shares(rng, bool(donors))
    donor = rng.choice(donors) if donors else ""
    rows: list[BudgetRow] = []
    for index, year in enumerate(PLAN_YEARS):
        quarters = quarters_in(year, activity.start, activity.end)
        if not quarters:
            continue
        total = max(ROUND_TO, _rounded(yearly * quarters / 4 * rng.uniform(0.9, 1.15)))
        drift = 0.04 * index if state_share + donor_share < 0.999 else 0.0
        state = _rounded(total * max(0.05, state_share - drift))
        donated = min(total - state, _rounded(total * donor_share))
        if 0 < total - state - donated < MIN_LINE:  # a rounding residue is not a funding gap
            state = total - donated
        for source, amount, name in (
            ("state_budget", state, ""),
            ("donor", donated, donor),
            ("unfunded", total - state - donated, ""),
        ):
            if amount > 0:
                rows.append(BudgetRow(code, year, source, name, Decimal(amount)))
    return rows


def _decimals(indicator: Ind) -> int:
    values = (indicator.baseline, indicator.target, indicator.final or 0)
    return 1 if any(float(value) != int(value) for value in values) else 0


def indicator_targets(indicator: Ind) -> list[tuple[int, Decimal]]:
    """Yearly targets: a straight line from the baseline to the plan's last year, then the strategy's last."""
    if indicator.targets:
        return [(year, Decimal(str(value))) for year, value in indicator.targets]
    last = PLAN_YEARS[-1]
    span = last - indicator.baseline_year
    places = _decimals(indicator)
    rows = []
    for year in PLAN_YEARS:
        share = (year - indicator.baseline_year) / span
        value = indicator.baseline + (indicator.target - indicator.baseline) * share
        rows.append((year, Decimal(str(round(value, places) if places else round(value)))))
    if indicator.final is not None:
        rows.append((FINAL_YEAR, Decimal(str(indicator.final))))
    return rows


# ------------------------------------------------------------------------------------------------------------
# The flat plan the loader writes
# ------------------------------------------------------------------------------------------------------------
class ResultRow(NamedTuple):
    code: str
    level: str
    title_sq: str
    title_en: str
    gcm: tuple[int, ...]
    sdg: tuple[str, ...]


class ActivityRow(NamedTuple):
    code: str
    measure: str
    title_sq: str
    title_en: str
    lead: str
    partners: tuple[str, ...]
    start: str
    end: str
    gender_marker: int
    target_groups: tuple[str, ...]
    gcm: tuple[int, ...]


class IndicatorRow(NamedTuple):
    code: str
    result: str
    indicator: Ind


# The demo's units in Albanian (the content gives them in English): the plan's indicators carry both languages.
UNITS_SQ = {
    "%": "%", "EUR million": "milionë EUR", "agencies": "agjenci", "agreements": "marrëveshje", "businesses": "biznese",
    "counters": "sportele", "crossing points": "pika kalimi", "days": "ditë", "investigations": "hetime",
    "municipalities": "bashki", "networks": "rrjete", "permits": "leje", "persons": "persona", "places": "vende",
    "projects": "projekte", "registers": "regjistra", "releases": "publikime", "reports": "raporte",
    "associations": "shoqata", "pupils": "nxënës", "teachers": "mësues", "cases": "raste",
    "officials trained": "zyrtarë të trajnuar", "returnees assisted": "të kthyer të asistuar",
    "applications processed": "aplikime të shqyrtuara",
}  # fmt: skip


@dataclass
class Plan:
    """The whole demo plan as flat rows with their final codes, in the order they are written."""

    results: list[ResultRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    targets: list[tuple[str, int, Decimal]] = field(default_factory=list)

    def references(self) -> dict[str, set]:
        """The reference codes the plan uses, by kind: what must be loaded before the demo."""
        institutions = {a.lead for a in self.activities} | {p for a in self.activities for p in a.partners}
        institutions |= {row.indicator.responsible for row in self.indicators}
        institutions |= {user.institution for user in USERS if user.institution}
        gcm = {n for r in self.results for n in r.gcm} | {n for a in self.activities for n in a.gcm}
        return {
            "institutions": institutions,
            "gcm_objectives": gcm,
            "sdg_targets": {code for r in self.results for code in r.sdg},
            "target_groups": {code for a in self.activities for code in a.target_groups},
            "disaggregation": {c for row in self.indicators for c in row.indicator.disaggregation.split()},
        }

    def add_indicators(self, result_code: str, indicators: tuple[Ind, ...]) -> None:
        for number, indicator in enumerate(indicators):
            code = f"{result_code}.{'abcdefgh'[number]}"
            self.indicators.append(IndicatorRow(code, result_code, indicator))
            self.targets.extend((code, year, value) for year, value in indicator_targets(indicator))

    def add_measure(self, code: str, item: Measure) -> None:
        self.results.append(ResultRow(code, "measure", item.title_sq, item.title_en, item.gcm, item.sdg))
        self.add_indicators(code, item.indicators)
        for number, activity in enumerate(item.activities, start=1):
            activity_code = f"{code}.{number}"
            self.activities.append(
                ActivityRow(
                    activity_code,
                    code,
                    activity.title_sq,
                    activity.title_en,
                    activity.lead,
                    tuple(activity.partners.split()),
                    activity.start,
                    activity.end,
                    activity.gender_marker,
                    tuple(activity.groups.split()),
                    activity.gcm,
                )
            )
            self.budget.extend(activity_budget(activity_code, activity, item.donors))


def flatten(goals: tuple[Goal, ...] = GOALS) -> Plan:
    """Number the tree (goal 2, objective 2.1, measure 2.1.3, activity 2.1.3.4), generate costs, targets."""
    plan = Plan()
    for g, item in enumerate(goals, start=1):
        plan.results.append(ResultRow(str(g), "goal", item.title_sq, item.title_en, (), item.sdg))
        plan.add_indicators(str(g), item.indicators)
        for o, obj in enumerate(item.objectives, start=1):
            code = f"{g}.{o}"
            plan.results.append(ResultRow(code, "objective", obj.title_sq, obj.title_en, (), obj.sdg))
            plan.add_indicators(code, obj.indicators)
            for m, mea in enumerate(obj.measures, start=1):
                plan.add_measure(f"{code}.{m}", mea)
    return plan
