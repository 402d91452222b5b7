"""The values as the methodology defines them (nsm/assessment/methodology.py), against examples worked by hand."""

from decimal import Decimal

import pytest

from nsm.assessment.methodology import Category, classify, domain_value, overall_value


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (["yes"] * 5, Decimal(100)),
        (["yes", "yes", "yes", "yes", "no"], Decimal(80)),
        (["yes", "yes", "no", "no", "no"], Decimal(40)),
        (["no"] * 5, Decimal(0)),
        # 1 + 0.5 + 0.5 + 1 + 0 = 3 of 5 = 60 %
        (["yes", "partial", "partial", "yes", "no"], Decimal(60)),
        # 0.5 of 5 = 10 %
        (["partial", "no", "no", "no", "no"], Decimal(10)),
    ],
)
def test_a_domains_value_is_the_share_of_its_sub_categories_met(levels, expected):
    assert domain_value(levels) == expected


def test_a_domain_with_an_unanswered_sub_category_has_no_value():
    assert domain_value(["yes", "yes", "", "yes", "yes"]) is None
    assert domain_value([]) is None


@pytest.mark.parametrize(
    ("value", "category"),
    [
        (Decimal(100), Category.FULLY_MEETS),
        (Decimal("99.9"), Category.MEETS),
        (Decimal(80), Category.MEETS),
        (Decimal("79.9"), Category.PARTIALLY_MEETS),
        (Decimal(40), Category.PARTIALLY_MEETS),
        (Decimal("39.9"), Category.REQUIRES_PROGRESS),
        (Decimal(0), Category.REQUIRES_PROGRESS),
        (None, None),
    ],
)
def test_each_value_is_classed_by_the_thresholds(value, category):
    assert classify(value) == category


def test_the_overall_value_is_the_average_of_the_domains():
    # (100 + 80 + 60 + 40 + 20 + 0) / 6 = 50
    values = [Decimal(v) for v in (100, 80, 60, 40, 20, 0)]
    assert overall_value(values) == Decimal(50)
    assert classify(overall_value(values)) == Category.PARTIALLY_MEETS
    # (100 + 100 + 80 + 80 + 80 + 60) / 6 = 83.33...: meets
    assert classify(overall_value([Decimal(v) for v in (100, 100, 80, 80, 80, 60)])) == Category.MEETS


def test_no_overall_value_while_a_domain_has_none():
    assert overall_value([Decimal(100), None, Decimal(80), Decimal(80), Decimal(80), Decimal(80)]) is None
