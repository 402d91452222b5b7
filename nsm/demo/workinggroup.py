"""The demo's working group: two IIWG meetings and one Technical Committee meeting in 2024-2025, recorded through
the working-group services as the secretariat would have, with their attendance, decisions, action points and minutes.

Most action points are done (closed a few weeks after the meeting); the open ones are dated from the day the demo is
loaded, so that the home pages always show some overdue (AKPA's, for the demo login `focalpoint`, and MSHMS's) and
one not yet due. Deterministic: the content below is fixed, only those due dates follow the load date. Idempotent:
a meeting that exists (same strategy and title) is left alone, so that a second run writes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nsm.accounts.models import Institution, User
from nsm.audit import acting_as
from nsm.demo.monitoring import pdf_document
from nsm.strategy.models import Strategy
from nsm.workinggroup import services
from nsm.workinggroup.models import ActionPoint, Decision, Meeting

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

REASON = "demo data"
OVERDUE, NOT_YET_DUE = "overdue", "not_yet_due"  # open action points, due dates relative to the load date


@dataclass(frozen=True)
class Point:
    decision: int | None  # the decision's number, if it follows one
    text: str
    owner: str
    due: datetime.date | str  # a date, or OVERDUE / NOT_YET_DUE
    status: str = ActionPoint.Status.DONE
    note: str = ""
    text_en: str = ""  # the action in English too, when the secretariat wrote it


@dataclass(frozen=True)
class DemoMeeting:
    body: str
    held_on: datetime.date
    title: str
    location: str
    agenda: str
    participants: tuple[tuple[str, str, str, str], ...]  # institution, name, sex, position
    decisions: tuple[str | tuple[str, str], ...]  # Albanian, or (Albanian, English)
    points: tuple[Point, ...]


MEETINGS = (
    DemoMeeting(
        "iiwg", datetime.date(2024, 3, 14), "Takimi i parë i GNPM-së / First IIWG meeting", "Tiranë, MPB",
        "1. Mandati dhe përbërja e grupit të punës\n2. Kalendari i hartimit të strategjisë\n3. Pikat e kontaktit",
        (
            ("MPB", "Elira Hoxha", "female", "Drejtore, Drejtoria e Migracionit"),
            ("MPB", "Ardit Dervishi", "male", "Sekretariati teknik"),
            ("AKPA", "Mirela Shehu", "female", "Pikë kontakti"),
            ("MSHMS", "Besnik Gjoka", "male", "Specialist"),
            ("MEPJ", "Dorina Cela", "female", "Drejtoria e Diasporës"),
            ("INSTAT", "Erion Prifti", "male", "Statisticien"),
            ("IOM", "Flutura Zeqiri", "female", "Program officer"),
        ),
        (
            "Miratohet kalendari i hartimit të strategjisë 2024-2030.",
            "Çdo institucion cakton një pikë kontakti brenda dy javësh.",
        ),
        (
            Point(2, "Cakto pikën e kontaktit dhe dërgo të dhënat e saj", "AKPA", datetime.date(2024, 3, 28)),
            Point(2, "Cakto pikën e kontaktit dhe dërgo të dhënat e saj", "MSHMS", datetime.date(2024, 3, 28)),
            Point(1, "Dërgo të dhënat bazë për treguesit e migracionit", "INSTAT", datetime.date(2024, 5, 31)),
        ),
    ),
    DemoMeeting(
        "technical_committee", datetime.date(2024, 10, 8), "Komiteti Teknik: plani i veprimit / Action plan review",
        "Tiranë, MPB",
        "1. Projekt-plani i veprimit 2024-2026\n2. Kostimi i aktiviteteve\n3. Treguesit dhe burimet e të dhënave",
        (
            ("MPB", "Ardit Dervishi", "male", "Sekretariati teknik"),
            ("AKPA", "Mirela Shehu", "female", "Pikë kontakti"),
            ("MSHMS", "Jonida Nika", "female", "Specialiste"),
            ("DKM", "Ilir Tafaj", "male", "Drejtor"),
            ("INSTAT", "Lindita Bushati", "female", "Statisticiene"),
        ),
        (
            "Institucionet përfundojnë kostimin e aktiviteteve që drejtojnë.",
            "INSTAT përgatit fletët metodologjike të treguesve.",
        ),
        (
            Point(1, "Dërgo kostimin e aktiviteteve të punësimit", "AKPA", datetime.date(2024, 11, 15)),
            Point(2, "Fletët metodologjike të treguesve", "INSTAT", datetime.date(2024, 12, 20)),
            Point(1, "Dërgo kostimin e aktiviteteve të riintegrimit", "DKM", datetime.date(2024, 11, 15),
                  ActionPoint.Status.DROPPED, "Aktivitetet u bashkuan me ato të MSHMS."),
        ),
    ),
    DemoMeeting(
        "iiwg", datetime.date(2025, 2, 20), "Takimi i dytë i GNPM-së / Second IIWG meeting", "Tiranë, MPB",
        "1. Raporti i monitorimit 2024\n2. Konsultimi publik i planit\n3. Ndarja e detyrave për 2025",
        (
            ("MPB", "Elira Hoxha", "female", "Drejtore, Drejtoria e Migracionit"),
            ("MPB", "Ardit Dervishi", "male", "Sekretariati teknik"),
            ("AKPA", "Mirela Shehu", "female", "Pikë kontakti"),
            ("MSHMS", "Jonida Nika", "female", "Specialiste"),
            ("MEPJ", "Klodian Mema", "male", "Drejtoria e Diasporës"),
            ("DKM", "Ilir Tafaj", "male", "Drejtor"),
            ("UNHCR", "Marsela Lami", "female", "Protection officer"),
        ),
        (
            ("Miratohet raporti i monitorimit për vitin 2024.", "The 2024 monitoring report is approved."),
            ("Plani i veprimit hapet për konsultim publik.", "The action plan is opened for public consultation."),
            ("Institucionet me vonesa paraqesin plan korrigjues.", "Institutions running late submit a recovery plan."),
        ),
        (
            Point(2, "Publiko planin për konsultim", "MPB", datetime.date(2025, 3, 15),
                  text_en="Publish the plan for consultation"),
            Point(3, "Paraqit planin korrigjues për aktivitetet e vonuara", "AKPA", OVERDUE,
                  ActionPoint.Status.IN_PROGRESS, "Drafti është gati, pret miratimin e drejtorit.",
                  text_en="Submit the recovery plan for the delayed activities"),
            Point(3, "Paraqit planin korrigjues për shërbimet sociale", "MSHMS", OVERDUE, ActionPoint.Status.OPEN),
            Point(None, "Përgatit takimin me shoqatat e diasporës", "MEPJ", NOT_YET_DUE, ActionPoint.Status.OPEN),
        ),
    ),
)  # fmt: skip


def _decide(meeting: Meeting, secretariat: User, text: str | tuple[str, str]) -> Decision:
    """A decision in Albanian, or in Albanian and English."""
    sq, en = (text, "") if isinstance(text, str) else text
    return services.add_decision(meeting, by=secretariat, text_sq=sq, text_en=en)


def _due(point: Point, today: datetime.date) -> datetime.date:
    if point.due == OVERDUE:
        return today - datetime.timedelta(days=21)
    if point.due == NOT_YET_DUE:
        return today + datetime.timedelta(days=30)
    return point.due  # type: ignore[return-value]


def load_working_group(strategy: Strategy, *, summary: LoadSummary) -> None:
    """Create the demo meetings that are missing, with their attendance, decisions, action points and minutes."""
    existing = set(Meeting.objects.filter(strategy=strategy).values_list("title", flat=True))
    missing = [meeting for meeting in MEETINGS if meeting.title not in existing]
    if len(missing) < len(MEETINGS):
        summary.unchanged["meeting"] += len(MEETINGS) - len(missing)
    if not missing:
        return
    users = {u.username: u for u in User.objects.filter(username__in=["secretariat", "focalpoint"])}
    codes = {code for m in MEETINGS for code in [p[0] for p in m.participants] + [p.owner for p in m.points]}
    institutions = {i.code: i for i in Institution.objects.filter(country=strategy.country, code__in=codes)}
    today = timezone.localdate()
    for demo in missing:
        _record(strategy, demo, users, institutions, today, summary)


def _record(
    strategy: Strategy,
    demo: DemoMeeting,
    users: dict[str, User],
    institutions: dict[str, Institution],
    today: datetime.date,
    summary: LoadSummary,
) -> None:
    secretariat = users["secretariat"]
    with acting_as(secretariat, reason=REASON):
        minutes = SimpleUploadedFile(
            f"procesverbal-{demo.held_on:%Y-%m-%d}.pdf",
            pdf_document([demo.title, f"{demo.held_on:%d.%m.%Y}, {demo.location}", *demo.agenda.splitlines()]),
        )
        meeting = services.create_meeting(
            strategy, by=secretariat, body=demo.body, held_on=demo.held_on, title=demo.title,
            agenda=demo.agenda, location=demo.location, minutes=minutes,
        )  # fmt: skip
        for code, name, sex, position in demo.participants:
            services.add_participant(
                meeting, by=secretariat, institution=institutions[code], name=name, sex=sex, position=position
            )
        decisions = {n: _decide(meeting, secretariat, text) for n, text in enumerate(demo.decisions, 1)}
        for point in demo.points:
            made = services.add_action_point(
                meeting, by=secretariat, text_sq=point.text, text_en=point.text_en, owner=institutions[point.owner],
                due_on=_due(point, today), decision=decisions.get(point.decision) if point.decision else None,
            )  # fmt: skip
            if point.status != ActionPoint.Status.OPEN:
                by = users.get("focalpoint", secretariat) if point.owner == "AKPA" else secretariat
                closed = min(made.due_on - datetime.timedelta(days=3), today)
                services.report_action_point(
                    made, by=by, version=made.version, status=point.status, note=point.note, today=closed
                )
    summary.created["meeting"] += 1
    summary.created["participant"] += len(demo.participants)
    summary.created["decision"] += len(demo.decisions)
    summary.created["action point"] += len(demo.points)
