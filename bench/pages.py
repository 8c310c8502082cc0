"""Article page and PDF under concurrent load, against a real server on 127.0.0.1.

    .venv/bin/python bench/pages.py [--url URL] [--concurrency 32] [--seconds 10] [--workers 1]

Without --url it prepares a fresh SQLite database with the bundled content in a
temporary folder and starts uvicorn itself. Prints requests/s and p50/p95/p99
latency for each URL; the last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def prepare_server(workers: int) -> tuple[subprocess.Popen, str, tempfile.TemporaryDirectory]:
    tmp = tempfile.TemporaryDirectory(prefix="helpline-bench-")
    env = dict(os.environ, HELPLINE_VAR_DIR=tmp.name, SECRET_KEY="bench-only-secret-key",
               HELPLINE_HTTPS="0", DEBUG="0", DJANGO_SETTINGS_MODULE="helpline.settings",
               LOG_LEVEL="WARNING")
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    py = sys.executable
    for args in (["migrate", "-v0"], ["loadcontent"]):
        subprocess.run([py, "-m", "helpline", *args], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [py, "-m", "uvicorn", "helpline.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log",
         "--log-level", "warning"], cwd=REPO, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url, tmp
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def hammer(client: httpx.AsyncClient, url: str, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                response = await client.get(url)
                await response.aread()
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
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else 0.0

    return {"url": url, "requests": len(latencies), "errors": errors,
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0}


async def main_async(args) -> list[dict]:
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=args.url, limits=limits, timeout=30) as client:
        sitemap = (await client.get("/sitemap.xml")).text
        import re

        article = re.search(r"<loc>https?://[^/]+(/en/articles/[^<]+)</loc>", sitemap).group(1)
        pdf = article.rstrip("/") + ".pdf"
        await client.get(pdf)  # warm the PDF cache, as a live site would be
        results = []
        for path in (article, pdf):
            results.append(await hammer(client, path, args.concurrency, args.seconds))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    proc = tmp = None
    if not args.url:
        proc, args.url, tmp = prepare_server(args.workers)
    try:
        results = asyncio.run(main_async(args))
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
        if tmp:
            tmp.cleanup()
    for r in results:
        print(f"{r['url']}: {r['requests_per_s']} req/s, p50 {r['p50_ms']} ms, "
              f"p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, {r['requests']} ok, {r['errors']} errors")
    print(json.dumps({"concurrency": args.concurrency, "seconds": args.seconds,
                      "workers": args.workers, "results": results}))


if __name__ == "__main__":
    main()
