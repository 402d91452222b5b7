"""Albanian dates as Albanian writes them: "6 dhjetor 2026, 04:03" (day, month in lower case, year; 24-hour time),
short "06.12.2026". Django's Albanian formats give "Dhj. 6, 2026, 4:03 a.m.". The month names in lower case are
the `alt. month` names of nsm/core/months.py, translated in nsm/locale."""

DATE_FORMAT = "j E Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "E Y"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
