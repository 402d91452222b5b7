"""The indicator's reference data, as the data migration loads it from nsm/assessment/data/."""

import csv
from pathlib import Path

import pytest

import nsm.assessment
from nsm.assessment.models import Domain, GcmLink, SubCategory

DATA = Path(nsm.assessment.__file__).parent / "data"


@pytest.mark.django_db
def test_six_domains_with_five_sub_categories_each_are_loaded():
    assert list(Domain.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    for domain in Domain.objects.all():
        numbers = list(domain.subcategories.order_by("position").values_list("number", flat=True))
        assert numbers == [f"{domain.number}.{position}" for position in range(1, 6)]
    assert SubCategory.objects.count() == 30


@pytest.mark.django_db
def test_every_row_says_its_source_whether_it_was_verified_and_has_both_languages():
    for row in [*Domain.objects.all(), *SubCategory.objects.all()]:
        assert row.source and row.verified in {"yes", "partial", "no"}
        assert row.label_en and row.label_sq
    assert Domain.objects.get(number=1).label_en == "Migrant rights"
    assert Domain.objects.get(number=1).verified == "yes"


@pytest.mark.django_db
def test_only_the_first_domain_takes_a_partial_answer():
    partial = set(SubCategory.objects.exclude(partial_answer_en="").values_list("number", flat=True))
    assert partial == {"1.1", "1.2", "1.3", "1.4", "1.5"}


@pytest.mark.django_db
def test_the_gcm_mapping_is_marked_as_the_teams_reading():
    with open(DATA / "sdg_1072_gcm_mapping.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert GcmLink.objects.count() == len(rows) > 0
    assert set(GcmLink.objects.values_list("basis", flat=True)) == {"by the team's reading"}
    links = set(GcmLink.objects.values_list("gcm_objective__number", "subcategory__number"))
    assert (20, "4.3") in links and (10, "6.3") in links


def test_the_csv_has_the_columns_the_brief_asks_for():
    with open(DATA / "sdg_1072_subcategories.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert {"domain", "number", "label_en", "label_sq", "question", "source", "verified", "notes"} <= set(header)
