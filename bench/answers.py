"""Load benchmark for POST /api/answers with a 10,000-passage corpus.

    .venv/bin/python bench/answers.py [--passages 10000] [--requests 400] [--concurrency 8]

What it does (all traffic to 127.0.0.1, bounded in count and time):

1. writes a 10,000-record corpus (MedQuAD format) from ../shared/eval/medquad/
   (or --corpus FILE), and measures building the index in this process:
   time (embedding cache warm and cold as found) and resident memory;
2. starts a real uvicorn server on loopback, on a throw-away SQLite database,
   with the corpus indexed next to the bundled articles
   (HELPLINE_ANSWERS_EXTRA_CORPUS) and the rate limit raised for the run;
3. sends --requests questions (MedQuAD dev questions and everyday wording,
   English and Spanish) with --concurrency clients, and prints throughput,
   latency p50/p95/p99, status counts and the server's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
os.environ.setdefault("HELPLINE_TESTING", "1")
# The shared MedQuAD split next to the checkout (../shared), or one level further up.
DEFAULT_SHARED = next((base / "shared" / "eval" / "medquad" for base in (REPO.parent, REPO.parent.parent)
                       if (base / "shared" / "eval" / "medquad").exists()), REPO.parent / "shared" / "eval" / "medquad")
MAX_SECONDS = 240


def rss_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def tree_rss_mb(pid: int) -> float:
    total = rss_mb(pid)
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except OSError:
        children = []
    for child in children:
        total += tree_rss_mb(int(child))
    return total


def build_corpus(n: int, corpus: Path | None, out: Path) -> list[dict]:
    sources = [corpus] if corpus else [DEFAULT_SHARED / "cancergov_dev.jsonl", DEFAULT_SHARED / "other_sources.jsonl"]
    records: list[dict] = []
    for path in sources:
        if not path.exists():
            sys.exit(f"corpus file not found: {path} (pass --corpus FILE in MedQuAD JSONL format)")
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    records.append(json.loads(line))
    records = records[:n]
    with out.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps({"qid": r.get("qid"), "focus": r.get("focus", ""), "answer": r["answer"],
                                 "lang": r.get("lang", "en")}, ensure_ascii=False) + "\n")
    return records


def questions(records: list[dict]) -> list[dict]:
    qs = [{"question": r["question"], "lang": "en"} for r in records if r.get("question")][:300]
    data = REPO / "helpline" / "answers" / "tests" / "data"
    for name in ("spanish_questions.jsonl", "everyday_english.jsonl"):
        path = data / name
        if path.exists():
            qs += [{"question": json.loads(line)["question"], "lang": json.loads(line)["lang"]}
                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    qs += [{"question": q, "lang": lang} for q, lang in [
        ("What is cytokine release syndrome?", "en"),
        ("¿Cuánto tiempo debo quedarme cerca del hospital después de CAR T?", "es"),
        ("How do I renew my passport?", "en"),
    ]]
    return qs


def measure_build(corpus_file: Path) -> None:
    import django

    django.setup()
    from django.conf import settings

    from helpline.answers.evaluation import corpus_passages, read_jsonl
    from helpline.answers.retrieval import Index

    passages = corpus_passages(read_jsonl(corpus_file), source="bench")
    before = rss_mb()
    t0 = time.perf_counter()
    index = Index.build(passages, cache_dir=settings.ANSWERS_INDEX_DIR)
    build = time.perf_counter() - t0
    print(f"index: {len(index)} passages, built in {build:.1f} s "
          f"({index.embedded_count} newly embedded, the rest from the embedding cache)")
    print(f"index memory (RSS growth in the building process): {rss_mb() - before:.0f} MB; "
          f"vectors {index.vectors.nbytes / 1e6:.1f} MB")
    t0 = time.perf_counter()
    index2 = Index.build(passages, cache_dir=settings.ANSWERS_INDEX_DIR)
    print(f"rebuild with a warm cache (what a restart costs): {time.perf_counter() - t0:.1f} s, "
          f"{index2.embedded_count} embedded")
    del index, index2


async def load(url: str, qs: list[dict], total: int, concurrency: int) -> tuple[list[float], dict, float]:
    import httpx

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    deadline = time.monotonic() + MAX_SECONDS
    counter = iter(range(total))
    rng = random.Random(3)

    async def worker(client: httpx.AsyncClient) -> None:
        for _ in counter:
            if time.monotonic() > deadline:
                return
            q = rng.choice(qs)
            t0 = time.perf_counter()
            response = await client.post(f"{url}/api/answers", json=q, timeout=30)
            latencies.append((time.perf_counter() - t0) * 1000)
            key = response.json().get("status", str(response.status_code)) if response.status_code == 200 \
                else str(response.status_code)
            statuses[key] = statuses.get(key, 0) + 1

    async with httpx.AsyncClient() as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, statuses, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()

    import numpy as np

    from helpline.common.testing import ServerProcess, free_port, server_env

    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        tmp_path = Path(tmp)
        corpus_file = tmp_path / "corpus.jsonl"
        records = build_corpus(args.passages, args.corpus, corpus_file)
        measure_build(corpus_file)

        db = tmp_path / "bench.sqlite3"
        env = server_env(
            DATABASE_URL=f"sqlite:///{db}",
            HELPLINE_ANSWERS_EXTRA_CORPUS=str(corpus_file),
            HELPLINE_ANSWERS_API_RATE_LIMIT="1000000",
            LOG_LEVEL="WARNING",
        )
        py = sys.executable
        subprocess.run([py, "-m", "helpline", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
        subprocess.run([py, "-m", "helpline", "loadcontent"], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        server = ServerProcess(port=free_port(), env=env, workers=args.workers)
        server.start(timeout=60)
        try:
            import httpx

            t0 = time.perf_counter()
            first = httpx.post(f"{server.url}/api/answers", json={"question": "What is CAR T?", "lang": "en"},
                               timeout=600)
            first.raise_for_status()
            print(f"server: first request (loads the index: articles + {len(records)} passages) "
                  f"{time.perf_counter() - t0:.1f} s")
            qs = questions(records)
            latencies, statuses, elapsed = asyncio.run(load(server.url, qs, args.requests, args.concurrency))
            lat = np.array(latencies)
            print(f"load: {len(lat)} requests, concurrency {args.concurrency}, {args.workers} worker(s), "
                  f"{elapsed:.1f} s")
            print(f"throughput: {len(lat) / elapsed:.1f} requests/s")
            print(f"latency ms: p50 {np.percentile(lat, 50):.1f}  p95 {np.percentile(lat, 95):.1f}  "
                  f"p99 {np.percentile(lat, 99):.1f}  max {lat.max():.1f}")
            print(f"statuses: {json.dumps(statuses, sort_keys=True)}")
            print(f"server memory (RSS, all processes): {tree_rss_mb(server.process.pid):.0f} MB")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
