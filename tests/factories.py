"""factory-boy factories for users, institutions and the plan tree."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from nsm.accounts.models import Institution, Membership, User
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy


class InstitutionFactory(DjangoModelFactory):
    """An institution; asking again for a code of a country gives the same one (a code is unique per country)."""

    class Meta:
        model = Institution
        django_get_or_create = ("code", "country")

    code = factory.Sequence(lambda n: f"INST{n}")
    name_sq = factory.LazyAttribute(lambda o: f"Institucioni {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Institution {o.code}")
    kind = Institution.Kind.MINISTRY
    country = "AL"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy hook
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Membership.Role.VIEWER


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = Strategy
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AL-TEST-{n}")
    country = "AL"
    title_sq = factory.LazyAttribute(lambda o: f"Strategjia {o.code}")
    title_en = factory.LazyAttribute(lambda o: f"Strategy {o.code}")
    start_year = 2024
    end_year = 2030
    plan_start_year = 2024
    plan_end_year = 2026


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Result

    strategy = factory.SubFactory(StrategyFactory)
    parent = None
    depth = 1
    code = factory.Sequence(lambda n: str(n + 1))
    title_sq = factory.LazyAttribute(lambda o: f"Qëllimi {o.code}")
    title_en = factory.LazyAttribute(lambda o: f"Goal {o.code}")


class ObjectiveFactory(GoalFactory):
    parent = factory.SubFactory(GoalFactory)
    strategy = factory.SelfAttribute("parent.strategy")
    depth = 2
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.{n + 1}")
    title_sq = factory.LazyAttribute(lambda o: f"Objektivi {o.code}")
    title_en = factory.LazyAttribute(lambda o: f"Objective {o.code}")


class MeasureFactory(GoalFactory):
    parent = factory.SubFactory(ObjectiveFactory)
    strategy = factory.SelfAttribute("parent.strategy")
    depth = 3
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.{n + 1}")
    title_sq = factory.LazyAttribute(lambda o: f"Masa {o.code}")
    title_en = factory.LazyAttribute(lambda o: f"Measure {o.code}")


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    measure = factory.SubFactory(MeasureFactory)
    strategy = factory.SelfAttribute("measure.strategy")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.measure.code}.{n + 1}")
    title_sq = factory.LazyAttribute(lambda o: f"Aktiviteti {o.code}")
    title_en = factory.LazyAttribute(lambda o: f"Activity {o.code}")
    lead = factory.SubFactory(InstitutionFactory, country=factory.SelfAttribute("..strategy.country"))
    start_year = 2024
    start_quarter = 1
    end_year = 2025
    end_quarter = 4
    gender_marker = 1


class ActivityBudgetFactory(DjangoModelFactory):
    class Meta:
        model = ActivityBudget

    activity = factory.SubFactory(ActivityFactory)
    year = 2024
    source = ActivityBudget.Source.STATE_BUDGET
    donor = ""
    amount = Decimal("1000000.00")


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    result = factory.SubFactory(MeasureFactory)
    strategy = factory.SelfAttribute("result.strategy")
    code = factory.Sequence(lambda n: f"I.{n + 1}")
    name_sq = factory.LazyAttribute(lambda o: f"Treguesi {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Indicator {o.code}")
    kind = Indicator.Kind.OUTPUT
    unit_en = "persons"
    baseline = Decimal("100")
    baseline_year = 2023
    data_source_en = "INSTAT"


class IndicatorTargetFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2024
    value = Decimal("150")
