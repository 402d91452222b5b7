"""One length per kind of text, held by the form, the service (full_clean) and so every path: a title of 200,000
characters, which the export would cut to Excel's 32,767, is refused in words before it is stored."""

import pytest
from django.core.exceptions import ValidationError

from nsm.core.limits import LONG_TEXT_CHARS, TITLE_CHARS
from nsm.strategy import services
from nsm.strategy.models import Activity
from tests.factories import ActivityFactory, IndicatorFactory, MeasureFactory
from tests.strategy.test_plan_editing import activity_form, to


def test_a_title_longer_than_the_limit_is_refused_by_the_service(strategy, coordinator):
    activity = ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy))
    with pytest.raises(ValidationError) as refused:
        services.update_activity(activity, by=coordinator, data={"title_en": "t" * 200_000}, version=activity.version)
    assert "title_en" in refused.value.message_dict
    assert len(Activity.objects.get(pk=activity.pk).title_en) < TITLE_CHARS


def test_the_plan_form_refuses_it_at_its_field_and_keeps_the_other_values(strategy, coordinator, client_for):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    page = client_for(coordinator).post(
        to("activity_add", strategy, measure.pk), activity_form(title_en="t" * (TITLE_CHARS + 1))
    )
    assert page.status_code == 200 and f"at most {TITLE_CHARS}" in page.content.decode()
    assert "Hapja e sporteleve" in page.content.decode()
    assert not Activity.objects.filter(measure=measure).exists()


def test_a_data_source_holds_a_long_text_and_refuses_a_control_character(strategy, coordinator):
    indicator = IndicatorFactory(result=MeasureFactory(parent__parent__strategy=strategy))
    services.update_indicator(
        indicator, by=coordinator, data={"data_source_en": "s" * LONG_TEXT_CHARS}, version=indicator.version
    )
    indicator.refresh_from_db()
    with pytest.raises(ValidationError, match="control character"):
        services.update_indicator(
            indicator, by=coordinator, data={"data_source_en": "INSTAT\x00"}, version=indicator.version
        )
