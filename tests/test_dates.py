"""Albanian dates as Albanian writes them (issue 17, item 8): "6 dhjetor 2026, 04:03", in Tirana's time."""

import datetime

from django.template import Context, Template
from django.utils import translation

MOMENT = datetime.datetime(2026, 12, 6, 3, 3, tzinfo=datetime.UTC)  # 04:03 in Tirana (CET)
TEMPLATE = Template('{{ at|date:"DATETIME_FORMAT" }} | {{ at|date:"DATE_FORMAT" }} | {{ at|date:"SHORT_DATE_FORMAT" }}')


def test_albanian_dates_have_the_month_in_lower_case_and_a_24_hour_clock_in_tiranas_time():
    with translation.override("sq"):
        assert TEMPLATE.render(Context({"at": MOMENT})) == "6 dhjetor 2026, 04:03 | 6 dhjetor 2026 | 06.12.2026"
    with translation.override("sq"):
        may = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
        assert Template('{{ at|date:"DATE_FORMAT" }}').render(Context({"at": may})) == "1 maj 2025"


def test_english_dates_keep_their_format():
    with translation.override("en"):
        assert TEMPLATE.render(Context({"at": MOMENT})).startswith("Dec. 6, 2026, 4:03 a.m.")
