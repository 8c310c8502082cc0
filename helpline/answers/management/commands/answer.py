"""helpline answer "QUESTION" [--lang es] [--json]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from helpline.answers import services
from helpline.common.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Ask the answer service a question, as the web page and API do (the question is logged)."

    def add_arguments(self, parser):
        parser.add_argument("question")
        parser.add_argument("--lang", default=None, help="en or es (detected when left out)")
        parser.add_argument("--json", action="store_true", help="print the API's JSON")

    def handle(self, *args, **options):
        lang = options["lang"]
        with translation.override(lang if lang in ("en", "es") else "en"):
            try:
                result = services.answer_question(options["question"], lang, channel="cli")
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
        data = result.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"[{data['status']}] {data['message']}")
        for n, p in enumerate(data["passages"], 1):
            self.stdout.write(f"\n{n}. {p['article']} — {p['section']} ({p['lang']}, reviewed {p['last_reviewed']})")
            self.stdout.write(f"   {p['url']}")
            self.stdout.write("   " + p["text"].replace("\n", "\n   "))
        handoff = data["handoff"]
        self.stdout.write(f"\nTalk to a specialist: {handoff['chat_url']}  ·  phone 24/7: {handoff['phone']}")
