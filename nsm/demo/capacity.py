"""Five demo trainings (2024-2025) on the demo plan, with 12-22 officials each from several institutions.

Recorded through the capacity services as the secretariat would, so that history names the demo admin. The
participants come from a fixed pool of officials (names, institutions, positions), some of whom attend more than one
training, so that the summaries count each official once; scores come from a generator seeded with the training's
number. Women and men only, so that the breakdown by sex adds up to the total wherever it is shown.

Deterministic, and idempotent: a training that exists (same title) is left as it is, and its participants are saved
again through `save_participants`, which writes nothing for a row that has not changed.

No demo indicator is marked as computed from trainings: the demo's monitoring (`monitoring.py`) types every
indicator value itself, also when it replays deleted cycles, and a computed indicator refuses typed values.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nsm.accounts.models import Institution, User
from nsm.capacity import services
from nsm.capacity.models import Training
from nsm.strategy.models import Strategy

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

SEED = 2024

WOMEN = ("Ana", "Elira", "Mirela", "Besa", "Drita", "Klea", "Arta", "Jonida", "Erisa", "Lindita", "Ornela", "Sara")
MEN = ("Arben", "Gentian", "Ardit", "Dritan", "Ermal", "Besnik", "Florian", "Klodian", "Sokol", "Erion", "Alban")
SURNAMES = ("Hoxha", "Shehu", "Marku", "Dervishi", "Kola", "Leka", "Meta", "Gjoka", "Doci", "Ruci", "Lala", "Basha",
            "Prifti", "Çela", "Kurti", "Dema", "Xhafa", "Kaçi")  # fmt: skip
INSTITUTIONS = ("MPB", "AKPA", "MSHMS", "DKM", "PSH", "MEPJ", "INSTAT", "ASPA", "MD", "SHSSH", "AKSHI", "MF")
POSITIONS = ("Specialist", "Senior specialist", "Head of sector", "Director", "Inspector", "Legal adviser")


@dataclass(frozen=True)
class DemoTraining:
    title: str
    topics: tuple[str, ...]
    starts_on: datetime.date
    ends_on: datetime.date
    organiser: str
    location: str
    participants: int
    organiser_name: str = ""


TRAININGS = (
    DemoTraining(
        "International migration law for the central administration",
        ("migration_law", "rights_based"),
        datetime.date(2024, 3, 12), datetime.date(2024, 3, 14), "ASPA", "Tirana", 18,
    ),
    DemoTraining(
        "The Global Compact for Migration and the National Strategy 2024-2030",
        ("gcm",),
        datetime.date(2024, 6, 4), datetime.date(2024, 6, 5), "MPB", "Tirana", 22, "with IOM Albania",
    ),
    DemoTraining(
        "Gender mainstreaming in migration policy",
        ("gender", "rights_based"),
        datetime.date(2024, 11, 19), datetime.date(2024, 11, 21), "ASPA", "Durrës", 15,
    ),
    DemoTraining(
        "Migration data and the monitoring of the action plan",
        ("data_monitoring", "gcm"),
        datetime.date(2025, 2, 25), datetime.date(2025, 2, 26), "INSTAT", "Tirana", 12,
    ),
    DemoTraining(
        "Rights-based border management and international protection",
        ("rights_based", "migration_law", "other"),
        datetime.date(2025, 5, 13), datetime.date(2025, 5, 15), "DKM", "Shkodër", 20, "with UNHCR",
    ),
)  # fmt: skip


def _pool() -> list[tuple[str, str, str, str]]:
    """The officials who may attend: (name, institution code, sex, position), always the same."""
    rng = random.Random(SEED)
    pool = []
    for number in range(60):
        sex = "female" if number % 2 == 0 else "male"
        first = rng.choice(WOMEN if sex == "female" else MEN)
        name = f"{first} {rng.choice(SURNAMES)}"
        pool.append((name, INSTITUTIONS[number % len(INSTITUTIONS)], sex, rng.choice(POSITIONS)))
    unique = {
        (name.casefold(), institution): (name, institution, sex, position) for name, institution, sex, position in pool
    }
    return list(unique.values())  # a name drawn twice at one institution is one official


def participants_of(number: int, demo: DemoTraining, pool: list[tuple[str, str, str, str]]):
    """The training's participants: a seeded sample of the pool, with pre- and post-test scores for most."""
    rng = random.Random(SEED * 100 + number)
    chosen, seen = [], set()
    for name, institution, sex, position in rng.sample(pool, len(pool)):
        if (name.casefold(), institution) in seen:
            continue
        seen.add((name.casefold(), institution))
        pre = rng.randint(25, 70)
        post = min(100, pre + rng.randint(-5, 35))
        scored = rng.random() < 0.85
        chosen.append(
            services.ParticipantInput(
                name, institution, sex, position, pre if scored else None, post if scored else None
            )
        )
        if len(chosen) == demo.participants:
            break
    return chosen


def load_trainings(strategy: Strategy, *, admin: User, summary: LoadSummary) -> None:
    """Create the demo trainings that are missing and save their participants (nothing when nothing changed)."""
    existing = {t.title: t for t in Training.objects.filter(strategy=strategy)}
    codes = {t.organiser for t in TRAININGS}
    organisers = {i.code: i for i in Institution.objects.filter(country=strategy.country, code__in=codes)}
    pool = _pool()
    for number, demo in enumerate(TRAININGS, start=1):
        training = existing.get(demo.title)
        if training is None:
            training = services.create_training(
                strategy=strategy, by=admin, title=demo.title, topics=list(demo.topics),
                starts_on=demo.starts_on, ends_on=demo.ends_on, organiser=organisers.get(demo.organiser),
                organiser_name=demo.organiser_name, location=demo.location,
            )  # fmt: skip
            summary.created["training"] += 1
        else:
            summary.unchanged["training"] += 1
        saved = services.save_participants(training, by=admin, rows=participants_of(number, demo, pool))
        for counter, count in (
            (summary.created, saved.created),
            (summary.updated, saved.updated),
            (summary.unchanged, saved.unchanged),
        ):
            if count:  # the summary lists only what happened
                counter["participant"] += count
