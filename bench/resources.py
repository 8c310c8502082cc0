"""Resource search and newsletter sending: how fast, on this machine.

    .venv/bin/python bench/resources.py [--resources 2000] [--subscribers 300] [--seconds 5]

Part 1 creates a fresh SQLite database in a temporary folder, fills it with
synthetic directory entries spread over real US ZIP codes (national, state and
radius services), and times ``search_resources`` for random ZIP codes.
Part 2 sends a newsletter issue to N confirmed subscribers through a real SMTP
server on 127.0.0.1 (aiosmtpd) and times it; a second run checks it sends nothing.
Part 3 starts uvicorn on 127.0.0.1 and requests the directory page with a ZIP
search for a few seconds. Prints one line per figure; the last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--subscribers", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="helpline-bench-resources-")
    db_path = Path(tmp.name) / "bench.sqlite3"
    from aiosmtpd.controller import Controller

    from helpline.common.testing import free_port

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            Sink.count += len(envelope.rcpt_tos)
            return "250 OK"

    smtp_port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "helpline.settings", "DATABASE_URL": f"sqlite:///{db_path}",
        "HELPLINE_VAR_DIR": tmp.name, "SECRET_KEY": "bench-only", "HELPLINE_HTTPS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "LOG_LEVEL": "WARNING",
    })
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    results: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - t0:.1f} s")

        import zipcodes

        from helpline.resources.geo import zip_info
        from helpline.resources.models import Need, Resource
        from helpline.resources.selectors import search_resources

        rng = random.Random(5)
        all_zips = [z["zip_code"] for z in zipcodes.list_all()
                    if z.get("zip_code_type") == "STANDARD" and float(z["lat"] or 0) != 0]
        states = sorted({z["state"] for z in zipcodes.list_all() if z.get("state")})
        needs = Need.values
        t0 = time.perf_counter()
        for i in range(args.resources):
            kind = rng.random()
            extra = {}
            if kind < 0.15:
                area = "national"
            elif kind < 0.35:
                area, extra = "states", {"states": ",".join(rng.sample(states, 2))}
            else:
                area = "radius"
                extra = {"zip_code": rng.choice(all_zips), "radius_miles": rng.choice([10, 25, 50, 100])}
            Resource.objects.create(
                name=f"Bench resource {i:05d}", provider="Bench", need=rng.choice(needs), area=area,
                description_en="x", description_es="x", languages=rng.choice(["en", "en,es"]),
                last_verified=timezone.localdate(), **extra)
        print(f"created {args.resources} resources: {time.perf_counter() - t0:.1f} s")

        import subprocess

        cold = subprocess.run(
            [sys.executable, "-c", "import time; t = time.perf_counter(); import zipcodes; "
             "zipcodes.matching('19104'); print((time.perf_counter() - t) * 1000)"],
            capture_output=True, text=True, check=True)
        results["zip_first_lookup_ms"] = float(cold.stdout.strip())
        print(f"first ZIP lookup in a new process (loads the offline ZIP table): "
              f"{results['zip_first_lookup_ms']:.0f} ms")
        t0 = time.perf_counter()
        for z in all_zips[:10000]:
            zip_info(z)
        results["zip_lookup_us"] = (time.perf_counter() - t0) * 100
        print(f"ZIP lookup, warm: {results['zip_lookup_us']:.1f} µs each")

        timings, counts = [], []
        sample_zips = rng.sample(all_zips, 200)
        for z in sample_zips:
            t0 = time.perf_counter()
            found = search_resources(need=None, zip_code=z)
            timings.append((time.perf_counter() - t0) * 1000)
            counts.append(len(found))
        timings.sort()
        results["search_all_needs_mean_ms"] = statistics.mean(timings)
        results["search_all_needs_p95_ms"] = timings[int(len(timings) * 0.95)]
        print(f"search by ZIP, all needs, {args.resources} entries: mean "
              f"{results['search_all_needs_mean_ms']:.1f} ms, p95 {results['search_all_needs_p95_ms']:.1f} ms, "
              f"mean {statistics.mean(counts):.0f} results")
        timings = []
        for z in sample_zips:
            t0 = time.perf_counter()
            search_resources(need=rng.choice(needs), zip_code=z, language="es")
            timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        results["search_one_need_mean_ms"] = statistics.mean(timings)
        results["search_one_need_p95_ms"] = timings[int(len(timings) * 0.95)]
        print(f"search by ZIP + need + language: mean {results['search_one_need_mean_ms']:.1f} ms, "
              f"p95 {results['search_one_need_p95_ms']:.1f} ms")

        # --- Part 2: newsletter ---------------------------------------------
        from helpline.outreach.models import Delivery, NewsletterIssue, Subscriber
        from helpline.outreach.services import newsletter_send

        Subscriber.objects.bulk_create([
            Subscriber(email=f"bench{i}@example.org", language="es" if i % 3 == 0 else "en",
                       status="confirmed", consent_at=timezone.now())
            for i in range(args.subscribers)])
        issue = NewsletterIssue.objects.create(subject_en="Bench", body_en="Hello " * 200,
                                               subject_es="Banco", body_es="Hola " * 200)
        t0 = time.perf_counter()
        report = newsletter_send(None, issue, batch_size=50)
        elapsed = time.perf_counter() - t0
        results["newsletter_per_second"] = report.sent / elapsed
        print(f"newsletter: {report.sent} sent in {elapsed:.1f} s "
              f"({results['newsletter_per_second']:.0f} messages/s, batches of 50); "
              f"SMTP server received {Sink.count}")
        again = newsletter_send(None, issue, batch_size=50)
        print(f"second run: {again.sent} sent, {Delivery.objects.filter(status='sent').count()} "
              f"delivery rows, SMTP server total {Sink.count}")
        results["newsletter_duplicates"] = Sink.count - args.subscribers

        # --- Part 3: the directory page through uvicorn -----------------------
        results.update(asyncio.run(http_load(db_path, tmp.name, args, sample_zips)))
    finally:
        controller.stop()
        tmp.cleanup()
    print(json.dumps({k: round(v, 2) for k, v in results.items()}))


async def http_load(db_path: Path, var_dir: str, args, zips: list[str]) -> dict[str, float]:
    import httpx

    from helpline.common.testing import ServerProcess, free_port, server_env

    env = server_env(DATABASE_URL=f"sqlite:///{db_path}", HELPLINE_VAR_DIR=var_dir)
    server = ServerProcess(port=free_port(), env=env).start()
    latencies: list[float] = []
    errors = 0
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            t0 = time.perf_counter()
            first = await client.get("/en/resources/", params={"zip": "19104"})
            first_ms = (time.perf_counter() - t0) * 1000
            print(f"first ZIP search request after start (builds the ZIP index): {first_ms:.0f} ms"
                  f" (status {first.status_code})")
            deadline = time.monotonic() + args.seconds

            async def worker(n: int) -> None:
                nonlocal errors
                i = n
                while time.monotonic() < deadline:
                    t0 = time.perf_counter()
                    r = await client.get("/en/resources/", params={"zip": zips[i % len(zips)],
                                                                  "need": "lodging"})
                    latencies.append((time.perf_counter() - t0) * 1000)
                    errors += r.status_code != 200
                    i += args.concurrency

            started = time.perf_counter()
            await asyncio.gather(*(worker(n) for n in range(args.concurrency)))
            elapsed = time.perf_counter() - started
    finally:
        server.stop()
    latencies.sort()
    out = {"page_first_ms": first_ms, "page_rps": len(latencies) / elapsed,
           "page_p50_ms": latencies[len(latencies) // 2],
           "page_p95_ms": latencies[int(len(latencies) * 0.95)], "page_errors": errors}
    print(f"directory page (ZIP + need), {args.concurrency} concurrent, 1 worker: "
          f"{out['page_rps']:.0f} req/s, p50 {out['page_p50_ms']:.0f} ms, "
          f"p95 {out['page_p95_ms']:.0f} ms, {errors} errors")
    return out


if __name__ == "__main__":
    main()
