"""Supervisor dashboard response time with 100,000 conversations on PostgreSQL.

    .venv/bin/python bench/dashboard.py [--conversations 100000] [--repeat 15]
        [--server postgres://postgres@127.0.0.1:5432]

Creates a throw-away database (helpline_bench_dashboard), migrates it, seeds
conversations (two messages each, ratings, wrap-up topics), answer-service
question logs and referrals with bulk_create, then requests the dashboard page
(a 30-day period and a 365-day period, all languages and Spanish only) through
Django's test client as a supervisor and prints the response times. The
database is dropped at the end. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DB_NAME = "helpline_bench_dashboard"


def admin_execute(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def seed(n: int, rng: random.Random) -> None:
    from django.utils import timezone

    from helpline.accounts.testing import make_staff
    from helpline.answers.models import QuestionLog
    from helpline.chat.models import Conversation, Message
    from helpline.resources.models import Need, Referral, ReferralItem

    staff = [make_staff(f"spec{i}", "specialist") for i in range(12)]
    topics = ["treatment", "side-effects", "costs", "travel", "caregiving", "emotions",
              "clinical-trials", "after-treatment"]
    now = timezone.now()
    batch = 5000
    made = 0
    while made < n:
        convs = []
        for _ in range(min(batch, n - made)):
            created = now - dt.timedelta(seconds=rng.randint(0, 365 * 86400))
            channel = "callback" if rng.random() < 0.2 else "chat"
            status = rng.choices(["closed", "abandoned", "waiting", "active"], [80, 14, 3, 3])[0]
            accepted = None
            who = None
            if status in ("closed", "active"):
                accepted = created + dt.timedelta(seconds=rng.expovariate(1 / 90))
                who = rng.choice(staff)
            convs.append(Conversation(
                channel=channel, language="es" if rng.random() < 0.3 else "en", status=status,
                created_at=created, queued_at=created, accepted_at=accepted, assigned_to=who,
                closed_at=accepted and accepted + dt.timedelta(minutes=12),
                rating=rng.randint(1, 5) if status == "closed" and rng.random() < 0.4 else None,
                topics=rng.sample(topics, rng.randint(0, 3)) if status == "closed" else [],
                last_seq=2,
            ))
        Conversation.objects.bulk_create(convs)
        Message.objects.bulk_create([
            Message(conversation=c, seq=seq, sender=sender, text=text, created_at=c.created_at)
            for c in convs
            for seq, sender, text in ((1, "visitor", "Hello, I have a question"),
                                      (2, "specialist", "Hi, how can I help?"))
        ])
        made += len(convs)
    logs = []
    for i in range(n // 2):
        status = rng.choices(["answered", "no_answer", "urgent"], [70, 25, 5])[0]
        logs.append(QuestionLog(
            question=f"question {rng.randint(0, 2000)} about CAR T", lang=rng.choice(["en", "es"]),
            status=status, handed_off=rng.random() < 0.1,
            created_at=now - dt.timedelta(seconds=rng.randint(0, 365 * 86400)),
        ))
    QuestionLog.objects.bulk_create(logs, batch_size=5000)
    referrals = Referral.objects.bulk_create([
        Referral(created_by=rng.choice(staff), language=rng.choice(["en", "es"]),
                 created_at=now - dt.timedelta(seconds=rng.randint(0, 365 * 86400)))
        for _ in range(n // 5)
    ], batch_size=5000)
    needs = [value for value, _label in Need.choices]
    ReferralItem.objects.bulk_create([
        ReferralItem(referral=r, resource_name=f"Service {k}", need=rng.choice(needs))
        for r in referrals for k in range(rng.randint(1, 2))
    ], batch_size=5000)


def database_exists(server: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone() \
            is not None


def profile(user) -> None:
    """Time each selector alone over a 365-day period (one warm-up, then best of 3)."""
    from django.utils import timezone

    from helpline.dashboard import selectors

    today = timezone.localdate()
    period = selectors.Period(today - dt.timedelta(days=364), today, None)
    for name in ("contacts_by_channel", "contacts_by_topic", "wait_times", "abandonment",
                 "handled_per_specialist", "ratings", "answer_use", "unanswered_questions",
                 "referrals_by_need"):
        fn = getattr(selectors, name)
        fn(period)
        best = min(_timed(fn, period) for _ in range(3))
        print(f"  selector {name} (365 days): {best:.1f} ms")


def _timed(fn, period) -> float:
    start = time.perf_counter()
    fn(period)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true",
                        help="keep the seeded database and reuse it on the next run")
    args = parser.parse_args()
    if "127.0.0.1" not in args.server and "localhost" not in args.server:
        sys.exit("Only a PostgreSQL server on this machine is used.")

    os.environ.update({
        "DATABASE_URL": f"{args.server}/{DB_NAME}", "DJANGO_SETTINGS_MODULE": "helpline.settings",
        "SECRET_KEY": "bench-only-secret-key", "HELPLINE_HTTPS": "0", "DEBUG": "0",
        "HELPLINE_REQUIRE_2FA": "0", "ALLOWED_HOSTS": "testserver,127.0.0.1",
    })
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(REPO))
    reuse = args.keep and database_exists(args.server)
    if not reuse:
        admin_execute(args.server, f"DROP DATABASE IF EXISTS {DB_NAME}")
        admin_execute(args.server, f"CREATE DATABASE {DB_NAME}")
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from helpline.accounts.testing import make_staff

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        if not reuse:
            seed(args.conversations, random.Random(8))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seed_s = time.perf_counter() - t0
        client = Client()
        boss = get_user_model().objects.filter(username="boss").first()
        client.force_login(boss or make_staff("boss", "supervisor"))
        profile(boss or get_user_model().objects.get(username="boss"))
        today = timezone.localdate()
        cases = {
            "30 days, all languages": {"start": (today - dt.timedelta(days=29)).isoformat(),
                                       "end": today.isoformat()},
            "365 days, all languages": {"start": (today - dt.timedelta(days=364)).isoformat(),
                                        "end": today.isoformat()},
            "365 days, Spanish": {"start": (today - dt.timedelta(days=364)).isoformat(),
                                  "end": today.isoformat(), "language": "es"},
        }
        results = {}
        print(("reused the kept database: " if reuse else "") + f"seeded {args.conversations} conversations (+{2 * args.conversations} messages, "
              f"{args.conversations // 2} question logs, {args.conversations // 5} referrals) "
              f"in {seed_s:.1f} s")
        for name, query in cases.items():
            response = client.get("/en/staff/dashboard/", query)  # warm-up
            assert response.status_code == 200, response.status_code
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get("/en/staff/dashboard/", query)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            times.sort()
            p50 = statistics.median(times)
            p90 = times[max(0, int(round(0.9 * len(times))) - 1)]
            results[name] = {"p50_ms": round(p50, 1), "p90_ms": round(p90, 1),
                             "max_ms": round(times[-1], 1)}
            print(f"dashboard page, {name}: p50 {p50:.1f} ms, p90 {p90:.1f} ms, "
                  f"max {times[-1]:.1f} ms over {args.repeat} requests "
                  f"({'OK' if p50 < 300 else 'over'} the 300 ms target)")
        print(json.dumps({"conversations": args.conversations, "results": results}))
        connection.close()
    finally:
        if not args.keep:
            admin_execute(args.server, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
