# One date format on every page, mail and chart, in Dutch and in English alike: 4 December
# 2026 (the templates use `|date` or the named formats below, never a format string).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
