"""Article page, a static file and the PDF under concurrent load, on 127.0.0.1.

    .venv/bin/python bench/pages.py [--url URL] [--concurrency 32] [--seconds 10] [--workers 1]
                                    [--rounds 2]

Without --url it prepares a fresh SQLite database with the bundled content in a
temporary folder (collectstatic included) and starts uvicorn itself. The article
page and the site's stylesheet (the static file the page links to, served by the
same server) are measured in alternating rounds of the same run, so both see the
same machine; the figure is the ratio of the two rates. Prints requests/s and
p50/p95/p99 latency for each URL; the last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import prepare_server  # noqa: E402


async def hammer(client: httpx.AsyncClient, url: str, concurrency: int, seconds: float,
                 latencies: list[float] | None = None, errors: int = 0,
                 elapsed_before: float = 0.0) -> dict:
    latencies = [] if latencies is None else latencies
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
    elapsed = time.monotonic() - began + elapsed_before
    latencies = sorted(latencies)

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else 0.0

    return {"url": url, "requests": len(latencies), "errors": errors, "seconds": round(elapsed, 2),
            "latencies": latencies,
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0}


async def main_async(args) -> list[dict]:
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    results_by_path: dict[str, dict] = {}
    async with httpx.AsyncClient(base_url=args.url, limits=limits, timeout=30) as client:
        sitemap = (await client.get("/sitemap.xml")).text
        import re

        article = re.search(r"<loc>https?://[^/]+(/en/articles/[^<]+)</loc>", sitemap).group(1)
        page = (await client.get(article)).text
        static = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', page).group(1)
        pdf = article.rstrip("/") + ".pdf"
        await client.get(pdf)  # warm the PDF cache, as a live site would be
        # Article and static file in alternating rounds: a busy moment on a shared
        # machine then costs both sides alike, and the ratio stays fair.
        state = {article: ([], 0, 0.0), static: ([], 0, 0.0)}
        per_round = args.seconds / args.rounds
        for _ in range(args.rounds):
            for path in (article, static):
                lat, err, secs = state[path]
                r = await hammer(client, path, args.concurrency, per_round, lat, err, secs)
                state[path] = (r.pop("latencies"), r["errors"], r["seconds"])
                results_by_path[path] = r
        results = [results_by_path[article], results_by_path[static]]
        pdf_result = await hammer(client, pdf, args.concurrency, args.seconds)
        pdf_result.pop("latencies")
        results.append(pdf_result)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating article/static rounds (seconds are split between them)")
    args = parser.parse_args()
    proc = tmp = None
    if not args.url:
        proc, args.url, tmp = prepare_server(args.workers, prefix="helpline-bench-")
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
    article, static = results[0], results[1]
    ratio = round(article["requests_per_s"] / static["requests_per_s"], 2) if static["requests_per_s"] else 0.0
    print(f"article/static rate ratio: {ratio} (target >= 0.5), article p95 {article['p95_ms']} ms "
          f"(target < 100 ms)")
    print(json.dumps({"concurrency": args.concurrency, "seconds": args.seconds,
                      "workers": args.workers, "rounds": args.rounds, "ratio": ratio,
                      "results": results}))


if __name__ == "__main__":
    main()
