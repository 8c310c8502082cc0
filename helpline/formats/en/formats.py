# Django's English formats ("Nov. 20, 2026", "9:30 a.m."), with the weekday named
# in the day-and-month format used for opening times ("Monday, December 7").
MONTH_DAY_FORMAT = "l, F j"
