"""The demo's narrative chapters: each written from the product's draft of the data in both languages, the vision
and the situation analysis by hand (illustrative text, as the demo plan is), so that a newcomer sees the chapters'
page, their charts of the evidence base and the plan document that prints them before the matrix.

Loaded after the evidence base and the working group's meetings, which the drafts read. A chapter that exists is
left as it is: a second run writes nothing. The demo's versions were frozen before the chapters were written, so
comparing the adopted version with the current plan shows them added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation

from nsm.accounts.models import User
from nsm.reports.chapters import draft
from nsm.strategy.models import Chapter, Strategy
from nsm.strategy.services import save_chapter

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

# Written by hand for the demo (illustrative, not the government's text), each in Albanian and English.
WRITTEN: dict[str, dict[str, str]] = {
    Chapter.Kind.VISION: {
        "sq": (
            "Deri në vitin 2030, Shqipëria menaxhon migracionin në mënyrë të sigurt, të rregullt dhe të "
            "përgjegjshme: shtetasit që emigrojnë e bëjnë këtë të informuar dhe të mbrojtur, ata që kthehen "
            "riintegrohen me dinjitet, diaspora është partnere e zhvillimit dhe të huajt që jetojnë në vend gëzojnë "
            "të drejtat e tyre.\n\n"
            "## Çfarë ndryshon\n\n"
            "- Migracioni i rregullt bëhet rruga e zakonshme, jo përjashtimi.\n"
            "- Institucionet ndajnë të dhënat dhe raportojnë në një platformë të vetme.\n"
            "- Çdo masë ka një kosto, një burim financimi dhe një tregues."
        ),
        "en": (
            "By 2030, Albania governs migration safely, orderly and responsibly: citizens who emigrate do so informed "
            "and protected, those who return are reintegrated with dignity, the diaspora is a partner in development, "
            "and foreigners who live in the country enjoy their rights.\n\n"
            "## What changes\n\n"
            "- Regular migration becomes the usual path, not the exception.\n"
            "- Institutions share their data and report on one platform.\n"
            "- Every measure has a cost, a source of funding and an indicator."
        ),
    },
}
# A paragraph written by hand in place of the draft's "to be written" line of the situation analysis.
SITUATION = {
    "sq": (
        "Emigracioni mbetet i lartë, ndërsa kthimet dhe remitancat tregojnë lidhjen e fortë me diasporën. Numri i "
        "lejeve të qëndrimit për të huajt rritet çdo vit: Shqipëria është gjithnjë e më shumë edhe vend destinacioni."
    ),
    "en": (
        "Emigration remains high, while returns and remittances show the strong tie with the diaspora. The number of "
        "residence permits for foreigners grows every year: Albania is more and more a country of destination too."
    ),
}


def _text(strategy: Strategy, kind: str, language: str) -> str:
    written = WRITTEN.get(kind, {}).get(language)
    if written:
        return written + "\n"
    with translation.override(language):
        text = draft(strategy, kind)
    if kind == Chapter.Kind.CONTEXT:
        lines = text.splitlines()
        placeholder = next((i for i, line in enumerate(lines) if line.startswith("_")), None)
        if placeholder is not None:
            lines[placeholder] = SITUATION[language]
        text = "\n".join(lines) + "\n"
    return text


def load_chapters(strategy: Strategy, *, summary: LoadSummary) -> None:
    """Write the chapters the demo plan does not have yet, as its secretariat."""
    existing = set(Chapter.objects.filter(strategy=strategy).values_list("kind", flat=True))
    summary.unchanged["chapter"] += len(existing)
    missing = [kind for kind in Chapter.Kind.values if kind not in existing]
    if not missing:
        return
    secretariat = User.objects.get(username="secretariat")
    for kind in missing:
        save_chapter(
            strategy, kind, by=secretariat, version=0,
            body_sq=_text(strategy, kind, "sq"), body_en=_text(strategy, kind, "en"),
        )  # fmt: skip
        summary.created["chapter"] += 1
