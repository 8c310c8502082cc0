"""The cost of /metrics: the pages and chat benchmarks with metrics off and on, in one run.

    .venv/bin/python bench/metrics_overhead.py [--rounds 2] [--seconds 10] [--skip-chat]
        [--chat-conversations 300 --chat-rate 300 --chat-seconds 15]

Each round runs ``bench/pages.py`` (article page, 32 clients, 1 worker) and
``bench/chat_load.py`` twice: once with ``HELPLINE_METRICS=0`` (no middleware,
nothing counted) and once with ``HELPLINE_METRICS=1``, alternating which goes
first so drift on a shared machine does not favour one side. It prints each
run's figures and the overhead: the drop in article page requests/s and the
rise in server CPU per chat message (the chat rate is fixed by the offer, so
CPU per message is its cost). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _last_json(output: str) -> dict:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"no JSON result in:\n{output[-2000:]}")


def _run(script: str, args: list[str], metrics: bool) -> dict:
    env = dict(os.environ, HELPLINE_METRICS="1" if metrics else "0")
    done = subprocess.run([sys.executable, str(BENCH / script), *args], env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"{script} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return _last_json(done.stdout)


def pages(args, metrics: bool) -> dict:
    result = _run("pages.py", ["--seconds", str(args.seconds), "--concurrency", "32"], metrics)
    article = next(r for r in result["results"] if r["url"].endswith("/"))
    # wrk (when installed) reports p50/p75/p90/p99, httpx p95 as well: p99 is in both.
    return {"requests_per_s": article["requests_per_s"], "p99_ms": article["p99_ms"],
            "server_cpu_ms": article.get("server_cpu_ms")}


def chat(args, metrics: bool) -> dict:
    result = _run("chat_load.py", ["--conversations", str(args.chat_conversations),
                                   "--rate", str(args.chat_rate), "--seconds", str(args.chat_seconds)],
                  metrics)
    return {key: result.get(key) for key in
            ("messages_per_s", "p99_ms", "lost", "duplicated", "server_cpu_ms_per_msg")}


_DIRECT = r"""
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
import django
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from helpline.common.metrics import MetricsMiddleware
from helpline.chat.metrics import MESSAGES

request = RequestFactory().get("/en/articles/x/")
plain = lambda r: HttpResponse("ok")
counted = MetricsMiddleware(plain)
n = 5000


def best(fn):
    # the fastest of several runs: what the code costs, not what the machine's neighbours cost
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t0) / n)
    return min(times)


base = best(lambda: plain(request))
with_metrics = best(lambda: counted(request))
message = best(lambda: MESSAGES.labels("visitor").inc())
print(json.dumps({"request_us": 1e6 * (with_metrics - base), "message_us": 1e6 * message}))
"""


def direct_costs(multiprocess: bool) -> dict:
    """Microseconds the metrics add to one request and to one chat message, in a fresh process."""
    import tempfile

    env = dict(os.environ, HELPLINE_TESTING="1")
    with tempfile.TemporaryDirectory() as tmp:
        if multiprocess:
            env["HELPLINE_METRICS_DIR"] = tmp
        done = subprocess.run([sys.executable, "-c", _DIRECT], env=env, capture_output=True,
                              text=True, timeout=300, cwd=BENCH.parent)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return _last_json(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--skip-chat", action="store_true")
    parser.add_argument("--chat-conversations", type=int, default=300)
    parser.add_argument("--chat-rate", type=float, default=300)
    parser.add_argument("--chat-seconds", type=float, default=15)
    args = parser.parse_args()
    runs: dict[str, dict[bool, list[dict]]] = {"pages": {False: [], True: []}, "chat": {False: [], True: []}}
    for n in range(args.rounds):
        order = (False, True) if n % 2 == 0 else (True, False)
        for metrics in order:
            label = "on " if metrics else "off"
            result = pages(args, metrics)
            runs["pages"][metrics].append(result)
            print(f"round {n + 1} metrics {label} pages: {result['requests_per_s']} req/s, "
                  f"p99 {result['p99_ms']} ms, server {result['server_cpu_ms']} ms CPU/request",
                  flush=True)
            if not args.skip_chat:
                result = chat(args, metrics)
                runs["chat"][metrics].append(result)
                print(f"round {n + 1} metrics {label} chat: {result['messages_per_s']} msg/s, "
                      f"p99 {result['p99_ms']} ms, server {result['server_cpu_ms_per_msg']} ms CPU/msg, "
                      f"lost {result['lost']}, duplicated {result['duplicated']}", flush=True)
    summary: dict = {}
    off = statistics.fmean(r["requests_per_s"] for r in runs["pages"][False])
    on = statistics.fmean(r["requests_per_s"] for r in runs["pages"][True])
    summary["pages"] = {"off_requests_per_s": round(off, 1), "on_requests_per_s": round(on, 1),
                        "overhead_pct": round(100 * (off - on) / off, 1) if off else None}
    if not args.skip_chat:
        off = statistics.fmean(r["server_cpu_ms_per_msg"] for r in runs["chat"][False])
        on = statistics.fmean(r["server_cpu_ms_per_msg"] for r in runs["chat"][True])
        summary["chat"] = {"off_server_cpu_ms_per_msg": round(off, 3),
                           "on_server_cpu_ms_per_msg": round(on, 3),
                           "overhead_pct": round(100 * (on - off) / off, 1) if off else None}
    # End-to-end figures swing with whatever else the machine runs; the direct cost does not.
    for mode, multiprocess in (("one process", False), ("several workers", True)):
        costs = direct_costs(multiprocess)
        page_us = 1e6 / max(1e-9, summary["pages"]["off_requests_per_s"])  # 1 busy worker: CPU per page
        entry = {"request_us": round(costs["request_us"], 2), "message_us": round(costs["message_us"], 2),
                 "pct_of_a_page": round(100 * costs["request_us"] / page_us, 3)}
        if "chat" in summary:
            entry["pct_of_a_message"] = round(
                100 * costs["message_us"] / (1000 * summary["chat"]["off_server_cpu_ms_per_msg"]), 3)
        summary[f"direct ({mode})"] = entry
    for name, figures in summary.items():
        print(f"{name}: {figures}")
    print(json.dumps({"rounds": args.rounds, "summary": summary, "runs": {
        k: {"off": v[False], "on": v[True]} for k, v in runs.items()}}))


if __name__ == "__main__":
    main()
