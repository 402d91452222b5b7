"""Fixtures of the self-assessment tests: a strategy's assessment, answered by hand."""

import pytest

from nsm.assessment import services
from nsm.assessment.models import Answer, Assessment, SubCategory


def answer_all(assessment: Assessment, by, levels: dict[str, str], default: str = "no") -> None:
    """Answer every sub-category: `levels` by number ("1.1": "yes"), `default` for the others."""
    given = {
        sub.pk: services.AnswerInput(level=levels.get(sub.number, default), evidence=f"Evidence {sub.number}")
        for sub in SubCategory.objects.all()
    }
    services.save_answers(assessment, by=by, version=None, answers=given)


@pytest.fixture
def assessment(strategy, secretariat):
    return services.create_assessment(strategy, year=2025, by=secretariat)


def levels_of(assessment: Assessment) -> dict[str, str]:
    return dict(Answer.objects.filter(assessment=assessment).values_list("subcategory__number", "level"))
