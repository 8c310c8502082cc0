# Django's Spanish formats ("20 de noviembre de 2026", "09:30"), with the weekday
# named in the day-and-month format used for opening times ("lunes 7 de diciembre").
MONTH_DAY_FORMAT = r"l j \d\e F"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
