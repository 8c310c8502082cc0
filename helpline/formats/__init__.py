"""Date and time formats per language, the same on every page, PDF and e-mail.

Django's own formats, with the day-and-month format naming the weekday
("Monday, December 7" / "lunes 7 de diciembre"), used for opening times.
"""
