"""The demo's drafting and public consultation, played through the consultation services as it would have happened.

v1 "Draft for public consultation" is frozen on 1 November 2023; a public consultation round on it runs from 6
November to 8 December 2023, open to the public and to four invited international partners (IOM, UNHCR, UNICEF and
the EU Delegation). Twelve comments come in, from the invited partners, a ministry's agency and the public (civil
society, academia, the diaspora, the private sector, individuals; women and men), on goals, objectives, activities,
indicators and the whole plan, in Albanian; the secretariat answers each in January 2024 (accepted, partly accepted,
not accepted with the reason). v2 "Final draft for adoption" is frozen in March 2024 and adopted with the strategy's
legal act (`content.STRATEGY`'s `adopting_act` and `adopted_on`), so that the strategy row the loader keeps stays as
it is. Each step runs with the clock set to its moment (`monitoring._clock`), so the records carry 2023-2024 dates.

The demo plan is loaded once, as adopted: v1 and v2 hold the same plan, the accepted comments are not played back
into it. The invited partners' comments are signed by the demo login `stakeholder` (IOM, `content.USERS`) and by
one user per other partner, `stakeholder.<code>`, created here with no usable password.

Idempotent: v1, the round (by its title on v1) and v2 are each created only when missing, the adoption only when no
version is adopted; a second run writes nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NamedTuple

from nsm.accounts.models import Institution, Membership, User
from nsm.audit import acting_as
from nsm.consultation import issue, rounds, services
from nsm.consultation.models import (
    ConsultationComment,
    ConsultationReport,
    ConsultationRound,
    PlanVersion,
    StakeholderType,
)
from nsm.demo import content
from nsm.demo.monitoring import _clock, _moment
from nsm.strategy.models import Strategy

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

REASON = "demo data"
STAMPED = (
    (PlanVersion, "created_at"), (ConsultationRound, "created_at"), (ConsultationComment, "created_at"),
    (ConsultationReport, "issued_at"),
)  # fmt: skip
Target = ConsultationComment.Target
Answer = ConsultationComment.Answer
Type = StakeholderType

V1_LABEL, V2_LABEL = "Draft for public consultation", "Final draft for adoption"
ROUND_TITLE = "Konsultimi publik i projektstrategjisë / Public consultation on the draft strategy"
OPENS_ON, CLOSES_ON = datetime.date(2023, 11, 6), datetime.date(2023, 12, 8)
INVITED = ("IOM", "UNHCR", "UNICEF", "EUD")
STAKEHOLDER_LOGIN = "stakeholder"  # the demo login (content.USERS), at IOM
# The other invited partners' users (no usable password): institution -> username, first and last name.
PARTNER_USERS = {
    "UNHCR": ("stakeholder.unhcr", "Sokol", "Bushati"),
    "UNICEF": ("stakeholder.unicef", "Anila", "Mema"),
    "EUD": ("stakeholder.eud", "Luan", "Tafaj"),
}


class DemoComment(NamedTuple):
    """One comment and its answer. `author` is a username (a signed-in comment) or the public commenter's name."""

    day: datetime.date
    author: str
    signed_in: bool
    stakeholder_type: str
    sex: str
    target: str  # "plan", or "kind:code"
    text: str
    answer: str
    reason: str = ""
    organisation: str = ""


def _d(month: int, day: int) -> datetime.date:
    return datetime.date(2023, month, day)


COMMENTS = (
    DemoComment(
        _d(11, 8), "stakeholder", True, Type.INTERNATIONAL, "female", "indicator:1.1.1.b",
        "Propozojmë që treguesi i personave të këshilluar në sportelet e migracionit të ndahet sipas gjinisë, moshës "
        "dhe bashkisë, dhe të numërojë edhe këshillimin online.",
        Answer.ACCEPTED,
    ),
    DemoComment(
        _d(11, 10), "Elona Brahimi", False, Type.CIVIL_SOCIETY, "female", "objective:2.2",
        "Masat e riintegrimit duhet të përfshijnë mbështetje psiko-sociale për familjet e kthyera, veçanërisht për "
        "fëmijët që rikthehen në shkollë pas disa vitesh jashtë vendit.",
        Answer.ACCEPTED, organisation="Shoqata \"Ura e Kthimit\"",
    ),
    DemoComment(
        _d(11, 14), "stakeholder.unhcr", True, Type.INTERNATIONAL, "male", "objective:4.1",
        "Procedura e azilit duhet të garantojë ndihmë juridike falas që në paraqitjen e kërkesës, jo vetëm në fazën "
        "e ankimit, dhe afatet e vendimmarrjes duhet të publikohen.",
        Answer.PARTLY, "Ndihma juridike falas që në paraqitjen e kërkesës përfshihet në masën 4.1.2 dhe matet me "
        "treguesin 4.1.2.a; publikimi i afateve do të shqyrtohet me ndryshimin e ligjit për azilin.",
    ),
    DemoComment(
        _d(11, 17), "Ilir Kastrati", False, Type.ACADEMIA, "male", "indicator:5.b",
        "Ky tregues varet tërësisht nga të dhënat e Eurostat, që publikohen me vonesë; propozojmë një tregues "
        "kombëtar për kthimet e detyruara nga vendet e BE-së.",
        Answer.NOT_ACCEPTED, "Kthimet e detyruara raportohen nga Policia e Shtetit dhe përmblidhen në profilin e "
        "migracionit (masa 6.1.1); për ta mbajtur planin të thjeshtë nuk shtohet tregues i ri.",
        organisation="Qendra për Studime të Migracionit",
    ),
    DemoComment(
        _d(11, 21), "stakeholder.unicef", True, Type.INTERNATIONAL, "female", "activity:4.2.2.2",
        "Ambientet e veçanta të pritjes duhet të kenë standarde minimale për fëmijët e pashoqëruar, përfshirë "
        "caktimin e një kujdestari brenda 24 orëve nga identifikimi.",
        Answer.PARTLY, "Caktimi i kujdestarit përfshihet në procedurat standarde të pritjes; afati i saktë do të "
        "përcaktohet me akt nënligjor pas konsultimit me Agjencinë për Mbrojtjen e të Drejtave të Fëmijëve.",
    ),
    DemoComment(
        _d(11, 24), "Arben Lleshi", False, Type.DIASPORA, "male", "objective:3.2",
        "Skema e bashkëfinancimit duhet të hapet edhe për investime të vogla, nën 20 000 euro, dhe aplikimi të bëhet "
        "online nga jashtë vendit, pa qenë nevoja të vijmë në Shqipëri.",
        Answer.PARTLY, "Aplikimi online pranohet për të gjitha skemat e masës 3.2.1; pragu minimal i investimit "
        "përcaktohet nga Fondi i Zhvillimit të Bujqësisë dhe nuk ndryshon në këtë plan.",
        organisation="Shoqata e shqiptarëve \"Arbëria\", Milano",
    ),
    DemoComment(
        _d(11, 28), "focalpoint", True, Type.GOVERNMENT, "female", "activity:1.3.2.2",
        "Kurset e gjuhëve të huaja dhe të aftësive digjitale duhet të ofrohen edhe online, që të arrijnë të rinjtë "
        "në zonat rurale larg zyrave të punësimit.",
        Answer.ACCEPTED,
    ),
    DemoComment(
        _d(12, 1), "Mimoza Dushku", False, Type.PRIVATE_SECTOR, "female", "objective:1.2",
        "Inspektimet e agjencive private të punësimit duhet të njoftohen paraprakisht dhe të shoqërohen me udhëzime "
        "të qarta, që agjencitë e ligjshme të mos penalizohen.",
        Answer.NOT_ACCEPTED, "Inspektimet pa njoftim janë të nevojshme për të zbuluar tarifat e paligjshme të "
        "rekrutimit; udhëzimet për agjencitë jepen me trajnimet e aktivitetit 1.2.1.4.",
        organisation="Shoqata e Agjencive të Punësimit",
    ),
    DemoComment(
        _d(12, 4), "stakeholder.eud", True, Type.INTERNATIONAL, "male", "goal:4",
        "Plani duhet t'i referohet qartë Paktit të BE-së për Migracionin dhe Azilin dhe kalendarit të përafrimit të "
        "legjislacionit në kuadër të negociatave të anëtarësimit.",
        Answer.NOT_ACCEPTED, "Pakti nuk është miratuar ende përfundimisht; plani i referohet acquis-së së BE-së në "
        "objektivin 4.1 dhe Pakti do të trajtohet në rishikimin afatmesëm të strategjisë.",
    ),
    DemoComment(
        _d(12, 5), "Klodian Hysa", False, Type.CIVIL_SOCIETY, "male", "objective:5.2",
        "Shërbimet e riintegrimit në strehëzat për viktimat e trafikimit kanë nevojë për financim të qëndrueshëm "
        "nga buxheti i shtetit, jo vetëm nga donatorët.",
        Answer.PARTLY, "Kostoja e shërbimeve në strehëza mbulohet nga buxheti i shtetit për 2024; rritja e fondeve "
        "rishikohet në programin buxhetor afatmesëm 2025-2027.",
        organisation="Rrjeti kundër trafikimit \"Mbrojtje\"",
    ),
    DemoComment(
        _d(12, 6), "stakeholder", True, Type.INTERNATIONAL, "female", "activity:1.1.1.1",
        "Standardet e shërbimit të sporteleve të migracionit duhet të hartohen bashkë me bashkitë dhe të provohen në "
        "dy bashki pilot para se të shtrihen në të gjithë vendin.",
        Answer.ACCEPTED,
    ),
    DemoComment(
        _d(12, 7), "Valbona Gjeçi", False, Type.INDIVIDUAL, "female", "plan",
        "Plani është i gjatë dhe teknik; një përmbledhje e shkurtër në gjuhë të thjeshtë do ta bënte më të "
        "kuptueshëm për qytetarët dhe për familjet e emigrantëve.",
        Answer.ACCEPTED,
    ),
)  # fmt: skip


def load_consultation(strategy: Strategy, *, admin: User, summary: LoadSummary) -> None:
    """Create what is missing of v1, its consultation round with the comments and answers, and v2 adopted."""
    partners = _ensure_partner_users(admin, summary)
    users = {u.username: u for u in User.objects.filter(username__in=["coordinator", "secretariat", "focalpoint"])}
    users.update(partners)
    coordinator, secretariat = users["coordinator"], users["secretariat"]
    existing = {v.number: v for v in PlanVersion.objects.filter(strategy=strategy, number__in=(1, 2))}
    summary.unchanged["planversion"] += len(existing)

    v1 = existing.get(1)
    if v1 is None:
        with _clock(_moment(datetime.date(2023, 11, 1), 9), STAMPED):
            v1 = services.freeze_version(
                strategy, by=coordinator, label=V1_LABEL, purpose=PlanVersion.Purpose.CONSULTATION
            )
        summary.created["planversion"] += 1
    if ConsultationRound.objects.filter(version=v1, title=ROUND_TITLE).exists():
        summary.unchanged["consultationround"] += 1
    else:
        _play_round(v1, secretariat, users, summary)
    round_ = ConsultationRound.objects.get(version=v1, title=ROUND_TITLE)
    if round_.reports.exists():
        summary.unchanged["consultationreport"] += 1
    else:  # the consultation report, issued once every comment was answered
        with _clock(_moment(datetime.date(2024, 2, 1), 11), STAMPED):
            issue.issue_report(round_, by=secretariat)
        summary.created["consultationreport"] += 1

    v2 = existing.get(2)
    if v2 is None:
        with _clock(_moment(datetime.date(2024, 3, 20), 11), STAMPED):
            v2 = services.freeze_version(strategy, by=coordinator, label=V2_LABEL, purpose=PlanVersion.Purpose.ADOPTION)
        summary.created["planversion"] += 1
    if not PlanVersion.objects.filter(strategy=strategy, is_adopted=True).exists():
        act, adopted_on = content.STRATEGY["adopting_act"], content.STRATEGY["adopted_on"]
        with _clock(_moment(adopted_on + datetime.timedelta(days=4), 10), STAMPED):
            services.adopt_version(v2, by=coordinator, act_number=act, act_date=adopted_on)
        summary.updated["planversion"] += 1


def _play_round(version: PlanVersion, secretariat: User, users: dict[str, User], summary: LoadSummary) -> None:
    """The round, its comments as they came in, and the secretariat's answers in January 2024."""
    country = version.strategy.country
    invited = list(Institution.objects.filter(country=country, code__in=INVITED).order_by("code"))
    with _clock(_moment(datetime.date(2023, 11, 2), 10), STAMPED):
        round_ = rounds.create_round(
            version, by=secretariat, title=ROUND_TITLE, opens_on=OPENS_ON, closes_on=CLOSES_ON, is_public=True,
            invited=invited,
        )  # fmt: skip
    summary.created["consultationround"] += 1
    posted = []
    for number, demo in enumerate(COMMENTS):
        with _clock(_moment(demo.day, 9 + number % 8, 5 * number % 60), STAMPED):
            posted.append((_post(round_, demo, number, users), demo))
        summary.created["consultationcomment"] += 1
    for number, (comment, demo) in enumerate(posted):
        day = datetime.date(2024, 1, 15) + datetime.timedelta(days=number // 4)
        with _clock(_moment(day, 10 + number % 4, 15), STAMPED):
            rounds.answer_comment(comment, by=secretariat, answer=demo.answer, reason=demo.reason)


def _post(round_: ConsultationRound, demo: DemoComment, number: int, users: dict[str, User]) -> ConsultationComment:
    kind, _colon, code = demo.target.partition(":")
    target = {"target_kind": kind, "target_code": code}
    if demo.signed_in:
        return rounds.post_comment(
            round_, by=users[demo.author], text=demo.text, stakeholder_type=demo.stakeholder_type, sex=demo.sex,
            **target,
        )  # fmt: skip
    email = demo.author.lower().replace(" ", ".").replace("ç", "c").replace("ë", "e")
    return rounds.post_public_comment(
        round_, address=f"192.0.2.{10 + number}", name=demo.author, email=f"{email}@example.org",
        organisation=demo.organisation, stakeholder_type=demo.stakeholder_type, sex=demo.sex, consent=True,
        text=demo.text, **target,
    )  # fmt: skip


def _ensure_partner_users(admin: User, summary: LoadSummary) -> dict[str, User]:
    """The invited partners' users besides the demo login, with their stakeholder membership, when missing."""
    usernames = [username for username, _first, _last in PARTNER_USERS.values()]
    existing = {u.username: u for u in User.objects.filter(username__in=[*usernames, STAKEHOLDER_LOGIN])}
    country = content.STRATEGY["country"]
    institutions = {i.code: i for i in Institution.objects.filter(country=country, code__in=PARTNER_USERS)}
    members = set(
        Membership.objects.filter(user__in=existing.values(), institution__country=country).values_list(
            "user__username", "institution__code"
        )
    )
    with acting_as(admin, reason=REASON), _clock(_moment(datetime.date(2023, 11, 2), 9)):
        for code, (username, first_name, last_name) in PARTNER_USERS.items():
            if username not in existing:
                existing[username] = _create_user(username, first_name, last_name)
                summary.created["user"] += 1
            if (username, code) not in members:
                membership = Membership(
                    user=existing[username], institution=institutions[code], role=Membership.Role.STAKEHOLDER
                )
                membership.full_clean()
                membership.save()
                summary.created["membership"] += 1
    return existing


def _create_user(username: str, first_name: str, last_name: str) -> User:
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=f"{username}@example.org",
        date_joined=_moment(datetime.date(2023, 11, 2), 9),
    )  # fmt: skip
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
