"""Specialist console records: canned responses and the wrap-up topic list.

A small app inside ``helpline.chat`` (label ``chat_console``) so that its
migrations stay apart from the chat core's.
"""
