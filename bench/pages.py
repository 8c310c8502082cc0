"""Article page, a static file and the PDF under concurrent load, on 127.0.0.1.

    .venv/bin/python bench/pages.py [--url URL] [--concurrency 32] [--seconds 10] [--workers 1]
                                    [--rounds 2] [--client auto|wrk|httpx] [--cpu-requests 1000]

Without --url it prepares a fresh SQLite database with the bundled content in a
temporary folder (collectstatic included) and starts uvicorn itself. The article
page and the site's stylesheet (the static file the page links to, served by the
same server) are measured in alternating rounds of the same run, so both see the
same machine; the figure is the ratio of the two rates. Prints requests/s and
latency percentiles for each URL; the last line is JSON.

The load comes from ``wrk`` (Debian package ``wrk``) when it is installed: a C
client that needs a small share of the CPU a Python client needs, which matters
when client and server share two cores. wrk without a Lua script reports the
50th, 75th, 90th and 99th percentiles, so p95 is given as "at most p99". Rates
add up over the rounds; the percentiles are those of the worst round. Without
wrk, the load comes from httpx in this process (said so on stderr), which takes
CPU from the server.

Before the load, ``--cpu-requests`` sequential requests per URL (one keep-alive
connection) measure the server's own CPU time per request: what a hit costs,
whatever the machine's other jobs do to the rates. Only with a server started
here (its process id is known).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import prepare_server  # noqa: E402

# --- httpx: the fallback load (a Python client in this process) ----------------------

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

    return {"url": url, "client": "httpx", "requests": len(latencies), "errors": errors,
            "seconds": round(elapsed, 2), "latencies": latencies,
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0}


async def httpx_load(base: str, article: str, static: str, pdf: str, args) -> list[dict]:
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    results_by_path: dict[str, dict] = {}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
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


# --- wrk: the load from a C client ----------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> dict:
    """Requests, seconds, errors and the latency percentiles (ms) of one ``wrk --latency`` run."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", output)
    if done is None:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    percentiles = {int(p): float(v) * _UNITS[unit]
                   for p, v, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)}
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return {"requests": int(done.group(1)), "seconds": float(done.group(2)) * _UNITS[done.group(3)] / 1000,
            "errors": errors, "percentiles": percentiles}


def wrk(base: str, path: str, concurrency: int, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         base + path], capture_output=True, text=True, check=True,
    ).stdout
    return parse_wrk(out)


def _combine(path: str, runs: list[dict]) -> dict:
    errors = sum(r["errors"] for r in runs)
    ok = sum(r["requests"] for r in runs) - errors
    seconds = sum(r["seconds"] for r in runs)
    # The worst round's percentiles: a percentile of the whole cannot be rebuilt from rounds.
    worst = {p: round(max(r["percentiles"].get(p, 0.0) for r in runs), 1) for p in (50, 75, 90, 99)}
    return {"url": path, "client": "wrk", "requests": ok, "errors": errors,
            "seconds": round(seconds, 2),
            "requests_per_s": round(ok / seconds, 1) if seconds else 0.0,
            "p50_ms": worst[50], "p75_ms": worst[75], "p90_ms": worst[90], "p95_ms": None,
            "p95_at_most_ms": worst[99], "p99_ms": worst[99]}


def wrk_load(base: str, article: str, static: str, pdf: str, args) -> list[dict]:
    per_round = max(1, round(args.seconds / args.rounds))
    runs: dict[str, list[dict]] = {article: [], static: []}
    for _ in range(args.rounds):
        for path in (article, static):
            runs[path].append(wrk(base, path, args.concurrency, per_round))
    return [_combine(article, runs[article]), _combine(static, runs[static]),
            _combine(pdf, [wrk(base, pdf, args.concurrency, max(1, round(args.seconds)))])]


# --- server CPU per request (sequential) ---------------------------------------------

def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (uvicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def cpu_per_request(pid: int, base: str, path: str, n: int) -> float:
    """Server CPU milliseconds per request, over ``n`` sequential keep-alive requests."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def get() -> None:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status}")

    for _ in range(min(n, 100)):  # warm
        get()
    before = _cpu_seconds(pid)
    for _ in range(n):
        get()
    conn.close()
    return round((_cpu_seconds(pid) - before) / n * 1000, 3)


# --- the run ---------------------------------------------------------------------------

def discover(base: str) -> tuple[str, str, str]:
    """The first English article (from the sitemap), its stylesheet and its PDF; warms them."""
    with httpx.Client(base_url=base, timeout=60) as client:
        sitemap = client.get("/sitemap.xml").text
        article = re.search(r"<loc>https?://[^/]+(/en/articles/[^<]+)</loc>", sitemap).group(1)
        page = client.get(article).text
        static = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', page).group(1)
        pdf = article.rstrip("/") + ".pdf"
        client.get(pdf)  # render the PDF once, as a live site would have
        client.get(article)
    return article, static, pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating article/static rounds (seconds are split between them)")
    parser.add_argument("--client", choices=("auto", "wrk", "httpx"), default="auto",
                        help="load generator (auto: wrk when installed, else httpx)")
    parser.add_argument("--cpu-requests", type=int, default=1000,
                        help="sequential requests per URL for the server CPU figure (0: skip)")
    args = parser.parse_args()
    client = args.client
    if client in ("auto", "wrk") and shutil.which("wrk") is None:
        if client == "wrk":
            raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
        print("wrk not found (Debian: apt-get install wrk): the load comes from httpx in this "
              "process, which takes CPU from the server on a small machine", file=sys.stderr)
        client = "httpx"
    elif client == "auto":
        client = "wrk"
    load_before = os.getloadavg()
    proc = tmp = None
    if not args.url:
        proc, args.url, tmp = prepare_server(args.workers, prefix="helpline-bench-")
    cpu = {}
    try:
        article, static, pdf = discover(args.url)
        if proc is not None and args.cpu_requests:
            cpu = {path: cpu_per_request(proc.pid, args.url, path, args.cpu_requests)
                   for path in (article, static)}
        if client == "wrk":
            results = wrk_load(args.url, article, static, pdf, args)
        else:
            results = asyncio.run(httpx_load(args.url, article, static, pdf, args))
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
        if tmp:
            tmp.cleanup()
    for r in results:
        r["server_cpu_ms"] = cpu.get(r["url"])
        p95 = f"p95 {r['p95_ms']} ms" if r["p95_ms"] is not None else f"p90 {r['p90_ms']} ms"
        print(f"{r['url']}: {r['requests_per_s']} req/s, p50 {r['p50_ms']} ms, {p95}, "
              f"p99 {r['p99_ms']} ms, {r['requests']} ok, {r['errors']} errors ({r['client']})"
              + (f", server CPU {r['server_cpu_ms']} ms/request" if r["server_cpu_ms"] else ""))
    article_r, static_r = results[0], results[1]
    ratio = (round(article_r["requests_per_s"] / static_r["requests_per_s"], 2)
             if static_r["requests_per_s"] else 0.0)
    p95 = (f"p95 {article_r['p95_ms']} ms" if article_r["p95_ms"] is not None
           else f"p95 <= p99 = {article_r['p99_ms']} ms")
    print(f"article/static rate ratio: {ratio} (target >= 0.5), article {p95} (target < 100 ms)")
    print(json.dumps({"concurrency": args.concurrency, "seconds": args.seconds,
                      "workers": args.workers, "rounds": args.rounds, "client": client,
                      "ratio": ratio, "load_average_before": [round(x, 2) for x in load_before],
                      "load_average_after": [round(x, 2) for x in os.getloadavg()],
                      "results": results}))


if __name__ == "__main__":
    main()
