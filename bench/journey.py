"""My CAR T timeline: cost of the date arithmetic, the exports, and the pages under load.

    .venv/bin/python bench/journey.py [--concurrency 8] [--seconds 5] [--workers 1]

Part 1 times the plain functions in-process (timeline, wording, .ics, PDF).
Part 2 prepares a fresh SQLite database with the bundled content in a temporary
folder, starts uvicorn on 127.0.0.1 and posts the timeline form (page, .ics and
PDF) with a CSRF token, as a browser would. It also checks that no saved
timeline was written. Prints one line per figure; the last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import REPO, prepare_server  # noqa: E402

sys.path.insert(0, str(REPO))
FORM = {"leukapheresis": "2026-12-01", "infusion": "2027-01-05", "infusion_time": "09:30",
        "time_zone": "America/Chicago", "product": "yescarta"}


def per_call(fn, repeat: int) -> float:
    """Mean milliseconds per call over ``repeat`` calls (after one warm-up call)."""
    fn()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) * 1000 / repeat


def quiet_logs() -> None:
    import logging

    for name in ("httpx", "weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)


def in_process() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    import django

    django.setup()
    quiet_logs()
    from django.utils import translation

    from helpline.journey.exports import build_ics, build_pdf
    from helpline.journey.timeline import TimelineInput, build_timeline, present

    data = TimelineInput(leukapheresis=dt.date(2026, 12, 1), infusion=dt.date(2027, 1, 5),
                         infusion_time=dt.time(9, 30), time_zone="America/Chicago",
                         product="yescarta")
    partial = TimelineInput(leukapheresis=dt.date(2026, 12, 1))
    timeline = build_timeline(data)
    with translation.override("es"):
        return {
            "build_timeline_ms": round(per_call(lambda: build_timeline(data), 2000), 4),
            "build_timeline_ranges_ms": round(per_call(lambda: build_timeline(partial), 2000), 4),
            "present_es_ms": round(per_call(lambda: present(timeline), 500), 3),
            "ics_es_ms": round(per_call(lambda: build_ics(timeline), 100), 2),
            "pdf_es_ms": round(per_call(lambda: build_pdf(timeline), 5), 1),
        }

async def hammer(url: str, path: str, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = limited = 0
    stop_at = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal errors, limited
        # One client per worker: each has its own CSRF cookie, like separate visitors.
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            page = await client.get("/es/timeline/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    response = await client.post(path, data={**FORM, "csrfmiddlewaretoken": token})
                    if response.status_code == 429:  # the per-address PDF limit
                        limited += 1
                        await asyncio.sleep(0.5)
                        continue
                    if response.status_code != 200:
                        errors += 1
                        continue
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

    began = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {"path": path, "requests": len(latencies), "errors": errors, "rate_limited": limited,
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    functions = in_process()
    for name, value in functions.items():
        print(f"{name}: {value}")
    proc, url, tmp = prepare_server(args.workers, prefix="helpline-bench-journey-")
    try:
        results = [
            asyncio.run(hammer(url, path, args.concurrency, args.seconds))
            for path in ("/es/timeline/", "/es/timeline/calendar.ics", "/es/timeline/timeline.pdf")
        ]
        db = sqlite3.connect(Path(tmp.name) / "helpline.sqlite3")
        saved_rows = db.execute("SELECT COUNT(*) FROM journey_savedtimeline").fetchone()[0]
        db.close()
    finally:
        proc.terminate()
        proc.wait(10)
        tmp.cleanup()
    for r in results:
        print(f"POST {r['path']}: {r['requests_per_s']} req/s, p50 {r['p50_ms']} ms, "
              f"p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, {r['requests']} ok, "
              f"{r['errors']} errors, "
              f"{r['rate_limited']} refused by the rate limit")
    print(f"saved timelines written during the run: {saved_rows}")
    print(json.dumps({"concurrency": args.concurrency, "seconds": args.seconds,
                      "workers": args.workers, "functions": functions, "http": results,
                      "saved_rows": saved_rows}))


if __name__ == "__main__":
    main()
