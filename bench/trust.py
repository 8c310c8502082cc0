"""Costs of the trust measures: scrub(), rate-limit checks, the audit log.

    .venv/bin/python bench/trust.py [--seconds 3]

Runs in process (no server): scrub() on typical chat lines (English and
Spanish, with and without personal data), ``ratelimit.hit`` on the local-memory
cache and, when Redis answers on 127.0.0.1:6379, on Redis; and appending audit
entries to a temporary SQLite database. Prints one line per figure, then JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LINES = [
    "Hi, my dad had CAR T on the 3rd and now he has a fever of 38.5 °C. Is that CRS?",
    "Soy María, nací el 3 de marzo de 1962, mi teléfono es 612 345 678.",
    "You can reach me at (555) 123-4567 or jane.doe@example.org, 1234 Elm Street, Apt 4B.",
    "¿Cuánto tiempo tengo que quedarme cerca del hospital después de la infusión?",
    "My SSN is 123-45-6789 and my card 4111 1111 1111 1111 was charged twice.",
    "He is confused and shaking since day 5, grade 2 ICANS they said. What should we watch?",
]


def timed(fn, seconds: float) -> tuple[int, list[float]]:
    samples = []
    deadline = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        fn(count)
        samples.append(time.perf_counter() - start)
        count += 1
    return count, samples


def summary(name: str, count: int, samples: list[float], seconds: float) -> dict:
    samples.sort()
    result = {
        "name": name,
        "ops_per_s": round(count / seconds, 1),
        "p50_us": round(statistics.median(samples) * 1e6, 1),
        "p99_us": round(samples[int(len(samples) * 0.99) - 1] * 1e6, 1),
    }
    print(f"{name:<28} {result['ops_per_s']:>10,.0f}/s  p50 {result['p50_us']:>8.1f} µs"
          f"  p99 {result['p99_us']:>8.1f} µs")
    return result


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 0.5).close()
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="helpline-bench-trust-")
    os.environ.update(DJANGO_SETTINGS_MODULE="helpline.settings", HELPLINE_VAR_DIR=tmp.name,
                      SECRET_KEY="bench-only", DEBUG="0", HELPLINE_HTTPS="0")
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command

    from helpline.common import ratelimit
    from helpline.common.audit import record
    from helpline.common.privacy import scrub

    results = []
    chars = sum(len(line) for line in LINES) / len(LINES)
    count, samples = timed(lambda i: scrub(LINES[i % len(LINES)]), args.seconds)
    results.append(summary(f"scrub (avg {chars:.0f} chars)", count, samples, args.seconds))
    count, samples = timed(lambda i: ratelimit.hit(f"bench:{i % 500}", 10**9, 60), args.seconds)
    results.append(summary("ratelimit.hit (locmem)", count, samples, args.seconds))
    if redis_up():
        from django.conf import settings

        settings.CACHES["redisbench"] = {
            "BACKEND": "helpline.common.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": "bench-trust",
        }
        ratelimit.cache = caches["redisbench"]
        count, samples = timed(lambda i: ratelimit.hit(f"bench:{i % 500}", 10**9, 60),
                               args.seconds)
        results.append(summary("ratelimit.hit (Redis)", count, samples, args.seconds))
    else:
        print("ratelimit.hit (Redis)        skipped: nothing answers on 127.0.0.1:6379")
    call_command("migrate", verbosity=0, run_syncdb=True)
    count, samples = timed(lambda i: record(None, "bench.append", data={"i": i}), args.seconds)
    results.append(summary("audit record (SQLite)", count, samples, args.seconds))
    print(json.dumps({"bench": "trust", "results": results}))
    tmp.cleanup()


if __name__ == "__main__":
    main()
