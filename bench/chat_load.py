"""Live chat load: N visitor + specialist pairs talking over the real websocket endpoints.

    .venv/bin/python bench/chat_load.py --conversations 1000 --seconds 30
    .venv/bin/python bench/chat_load.py --conversations 1000 --seconds 30 --workers 2 --redis
    .venv/bin/python bench/chat_load.py --conversations 1000 --seconds 30 --postgres --workers 2 --redis
    .venv/bin/python bench/chat_load.py --url http://127.0.0.1:8000 --conversations 200 --seconds 20

Without ``--url`` it creates a throw-away database (SQLite file under var/, or
with ``--postgres`` a PostgreSQL database on 127.0.0.1), migrates it, and starts
its own uvicorn server (``--workers`` processes; ``--redis`` gives them the Redis
channel layer on 127.0.0.1:6379 with a private prefix). With ``--url`` it drives
that server, and prepares its data in the database named by ``DATABASE_URL``
(the server must use the same database and the same ``SECRET_KEY``, because
specialists log in with session cookies made here).

Set-up (not timed): N specialists (available, English) with sessions, N
waiting conversations; every visitor and specialist socket connects, and each
specialist accepts its conversation over the socket. Then for ``--seconds``
every pair alternates messages (visitor, specialist, ...) so that all pairs
together offer ``--rate`` messages per second. Each message has a unique
client id; its latency is from the moment it is sent to the moment the other
party's socket receives it. After sending stops the bench waits (up to
``--drain`` seconds) for the last deliveries.

Counted: ``sent`` (frames sent), ``delivered`` (distinct messages received by
the other party), ``lost`` (acknowledged by the server but never delivered),
``duplicated`` (a message id received twice on one socket), plus ``unacked``
and ``errors``; ``messages_per_s`` is delivered ÷ (first send → last delivery).
``--timeline`` prints deliveries and latency for each second. The bench process
holds thousands of sockets too, and a pause of its own garbage collector would be
counted as the server's latency (its full collections took 150-200 ms here), so it
runs the measured seconds with its collector off (``quiet_collector``). The last
line of output is JSON. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SECRET_KEY = "bench-chat-load-secret-key-not-for-production-use-0123456789"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (else one is started)")
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=600,
                        help="messages per second offered by all pairs together")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", action="store_true", help="Redis channel layer (127.0.0.1:6379)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL on 127.0.0.1:5432")
    parser.add_argument("--layer", choices=("project", "pubsub"), default="project",
                        help="with --redis: the project's RedisBroadcastLayer, or channels-redis' "
                             "RedisPubSubChannelLayer (pip install channels-redis)")
    parser.add_argument("--drain", type=float, default=10)
    parser.add_argument("--ws", default="auto", help="uvicorn's websocket implementation")
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--timeline", action="store_true",
                        help="print deliveries and latency per second of the run")
    parser.add_argument("--flat", action="store_true",
                        help="the old flat mode: one specialist per conversation, set up in bulk")
    parser.add_argument("--specialists", type=int, default=100,
                        help="realistic mode: specialists, each with a console socket open")
    parser.add_argument("--drop-share", type=float, default=0.2,
                        help="realistic mode: share of visitors that drop their TCP "
                             "connection mid-run with a message in flight, then resume")
    parser.add_argument("--start-concurrency", type=int, default=20,
                        help="realistic mode: visitors starting their chat over HTTP at once")
    return parser.parse_args()


# --------------------------------------------------------------------------- set-up


def make_database(args, run: str) -> tuple[str, callable]:
    """A fresh database URL and a function that removes it."""
    if args.postgres:
        import psycopg

        name = f"helpline_bench_chat_{run}"
        server = "postgres://postgres@127.0.0.1:5432"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"{server}/{name}", drop
    path = REPO / "var" / f"bench_chat_{run}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return f"sqlite:///{path}", remove


def quiet_collector() -> None:
    """The measuring side adds no collector pauses of its own: what set-up made is
    collected and frozen, and the collector stays off for the measured seconds (a
    run of this length frees what it makes by reference counting, or at exit)."""
    gc.collect()
    gc.freeze()
    gc.disable()


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", SECRET_KEY)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    os.environ.setdefault("HELPLINE_HTTPS", "0")
    import logging

    import django

    django.setup()
    # The site's logging settings log every httpx request at INFO: thousands of lines here.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def prepare(n: int, run: str, migrate: bool) -> list[tuple[str, str]]:
    """Flat mode: N specialists with sessions (``prepare_staff``, two chats each) and N
    waiting conversations, each with its visitor's browser session: [(token, cookie)]."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from helpline.chat.models import Conversation

    cookies = prepare_staff(n, 2, run, migrate)
    now = timezone.now()
    conversations = Conversation.objects.bulk_create(
        [Conversation(language="en", visitor_name=f"V{i}", created_at=now, queued_at=now,
                      visitor_last_seen=now) for i in range(n)]
    )
    tokens = [str(c.token) for c in conversations]
    # Staff sockets name a conversation by its id (the token is the visitor's).
    ids = conversation_ids(tokens)
    # Each visitor socket belongs to the browser session that started its chat.
    visitor_cookies = []
    for token in tokens:
        store = SessionStore()
        store["chat_token"] = token
        store.create()
        visitor_cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return [(f"{token} {ids[token]} {visitor}", cookie)
            for token, visitor, cookie in zip(tokens, visitor_cookies, cookies, strict=True)]


def prepare_staff(n: int, chats_each: int, run: str, migrate: bool) -> list[str]:
    """Realistic mode: N specialists (available, English, limit ``chats_each``) with
    confirmed sessions; their session cookies. Conversations come later, over HTTP."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helpline.chat.models import SpecialistStatus

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name="specialist")
    User.objects.bulk_create(
        [User(username=f"bench-{run}-{i}", first_name=f"S{i}", password="!") for i in range(n)])
    users = list(User.objects.filter(username__startswith=f"bench-{run}-").order_by("id"))
    group.user_set.add(*users)
    now = timezone.now()
    SpecialistStatus.objects.bulk_create(
        [SpecialistStatus(user=u, available=True, languages=["en"], max_concurrent=chats_each,
                          last_seen=now, display_name=u.first_name) for u in users])
    TOTPDevice.objects.bulk_create([TOTPDevice(user=u, name="bench", confirmed=True) for u in users])
    devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=users)}
    backend = settings.AUTHENTICATION_BACKENDS[0]
    cookies = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = devices[user.pk].persistent_id
        store.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return cookies


def conversation_ids(tokens: list[str]) -> dict[str, int]:
    from helpline.chat.models import Conversation

    rows = Conversation.objects.filter(token__in=tokens).values_list("token", "id")
    return {str(token): pk for token, pk in rows}


def start_server(args, database_url: str, run: str):
    from helpline.common.testing import ServerProcess, free_port

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "helpline.settings",
            "DATABASE_URL": database_url,
            # Channels closes "old" connections around every database call; keep them.
            "DATABASE_CONN_MAX_AGE": "600",
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "HELPLINE_HTTPS": "0",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            # The conversations are made in bulk before their visitors connect.
            "HELPLINE_CHAT_ABANDON_GRACE_SECONDS": "3600",
            # Realistic mode: chats start over HTTP whatever the clock says, and each
            # simulated browser has its own address (the start form is limited per address).
            "HELPLINE_HOURS_JSON": '{"chat": {"always_open": true}}',
            "HELPLINE_TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR",
            # Pages render with their static files found in place (no collectstatic run).
            "HELPLINE_STATIC_COLLECTED": "0",
        }
    )
    env.pop("HELPLINE_TESTING", None)
    if args.redis:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        env["HELPLINE_CHANNEL_PREFIX"] = f"bench{run}"
        if args.layer == "pubsub":
            env["HELPLINE_CHANNEL_LAYER"] = "channels_redis_pubsub"
    else:
        env.pop("REDIS_URL", None)
    server = ServerProcess(port=free_port(), env=env, workers=args.workers,
                           extra_args=["--ws-max-size", "65536", "--ws", args.ws])
    return server.start(timeout=60)


# --------------------------------------------------------------------------- load


def process_tree_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its children (Linux /proc)."""
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Stats:
    def __init__(self) -> None:
        self.sent = 0
        self.sent_at: dict[str, float] = {}
        self.acked: set[str] = set()
        self.delivered: set[str] = set()
        self.duplicated = 0
        self.errors = 0
        self.latencies: list[float] = []
        self.received_at: list[float] = []
        self.measuring = False
        self.first_error: dict | None = None
        self.closed = 0


async def reader(ws, side: str, stats: Stats, accepted: asyncio.Event | None) -> None:
    seen: set[str] = set()
    async for raw in ws:
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "message":
            mid = frame.get("id")
            if not mid or not mid.startswith("b"):
                continue
            if mid in seen:
                stats.duplicated += 1
                continue
            seen.add(mid)
            if frame["sender"] != side:  # the other party's message
                sent = stats.sent_at.get(mid)
                if sent is not None:
                    now = time.perf_counter()
                    stats.latencies.append(now - sent)
                    stats.received_at.append(now)
                stats.delivered.add(mid)
        elif kind == "ack":
            stats.acked.add(frame["id"])
        elif kind == "accepted" and accepted is not None:
            accepted.set()
        elif kind == "error":
            stats.errors += 1
            if stats.first_error is None:
                stats.first_error = frame


async def connect(ws_url: str, origin: str, cookie: str | None = None,
                  address: str | None = None):
    from websockets.asyncio.client import connect as ws_connect

    headers = {"Cookie": cookie} if cookie else {}
    if address:  # realistic mode: each simulated browser has its own address
        headers["X-Forwarded-For"] = address
    headers = headers or None
    for attempt in range(5):
        try:
            return await ws_connect(ws_url, origin=origin, additional_headers=headers,
                                    compression=None, proxy=None, open_timeout=30,
                                    ping_interval=None, max_queue=None)
        except (OSError, TimeoutError):
            await asyncio.sleep(0.5 * (attempt + 1))
    raise RuntimeError(f"could not connect to {ws_url}")


async def run_load(args, base_url: str, pairs: list[tuple[str, str]],
                   server_pid: int | None = None) -> dict:
    ws_base = base_url.replace("http://", "ws://").replace("https://", "wss://")
    stats = Stats()
    sem = asyncio.Semaphore(args.connect_concurrency)
    sockets: list[tuple] = []
    tasks: list[asyncio.Task] = []

    failed: list[str] = []

    async def open_pair(visitor_side: str, cookie: str):
        token, conversation_id, visitor_cookie = visitor_side.split(" ", 2)
        try:
            async with sem:
                visitor = await connect(f"{ws_base}/ws/chat/visitor/{token}/", base_url,
                                        visitor_cookie)
                staff = await connect(f"{ws_base}/ws/chat/staff/{conversation_id}/", base_url,
                                      cookie)
                accepted = asyncio.Event()
                tasks.append(asyncio.create_task(reader(visitor, "visitor", stats, None)))
                tasks.append(asyncio.create_task(reader(staff, "specialist", stats, accepted)))
                await staff.send(json.dumps({"type": "accept"}))
                await asyncio.wait_for(accepted.wait(), 120)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            failed.append(repr(exc)[:200])
            return
        sockets.append((visitor, staff))
        if len(sockets) % 200 == 0:
            print(f"  {len(sockets)} pairs ready ({time.perf_counter() - t0:.0f}s)", flush=True)

    t0 = time.perf_counter()
    await asyncio.gather(*(open_pair(t, c) for t, c in pairs))
    setup_s = time.perf_counter() - t0
    print(f"set-up: {len(sockets)} pairs connected and accepted in {setup_s:.1f}s"
          + (f"; {len(failed)} failed, e.g. {failed[0]}" if failed else ""), flush=True)
    await asyncio.sleep(1)

    interval = len(sockets) / args.rate  # each pair sends one message per interval
    stop_at = time.perf_counter() + args.seconds

    async def talk(i: int, visitor, staff) -> None:
        await asyncio.sleep(random.random() * interval)
        turn = 0
        next_at = time.perf_counter()
        while True:
            next_at += interval
            now = time.perf_counter()
            if now >= stop_at:
                return
            ws = visitor if turn % 2 == 0 else staff
            mid = f"b{i}-{turn}"
            stats.sent_at[mid] = time.perf_counter()
            stats.sent += 1
            try:
                await ws.send(json.dumps({"type": "message", "id": mid,
                                          "text": f"message {turn} of pair {i}"}))
            except Exception as exc:  # noqa: BLE001 - a dropped socket ends this pair
                stats.closed += 1
                if stats.first_error is None:
                    stats.first_error = {"type": "closed", "message": repr(exc)[:200]}
                return
            turn += 1
            if next_at >= stop_at:
                return  # no idle wait past the end: the window is the sending time
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)

    quiet_collector()
    started = time.perf_counter()
    cpu_server0, cpu_client0 = process_tree_cpu(server_pid), own_cpu()
    load0 = os.getloadavg()[0]
    await asyncio.gather(*(talk(i, v, s) for i, (v, s) in enumerate(sockets)))
    sending_s = time.perf_counter() - started
    cpu_server = process_tree_cpu(server_pid) - cpu_server0
    cpu_client = own_cpu() - cpu_client0
    deadline = time.perf_counter() + args.drain
    while time.perf_counter() < deadline and len(stats.delivered) < len(stats.sent_at):
        await asyncio.sleep(0.2)
    for visitor, staff in sockets:
        await visitor.close()
        await staff.close()
    for task in tasks:
        task.cancel()

    if args.timeline:
        print_timeline(stats, started)
    lat = sorted(stats.latencies)
    # Throughput over the whole delivery window: first send to last delivery.
    window_s = max([sending_s] + [at - started for at in stats.received_at[-1:]])

    def pct(p: float) -> float:
        if not lat:
            return 0.0
        return round(1000 * lat[min(len(lat) - 1, int(p / 100 * len(lat)))], 1)

    lost = len(stats.acked - stats.delivered)
    return {
        "conversations": len(sockets),
        "seconds": round(sending_s, 1),
        "offered_rate": args.rate,
        "sent": stats.sent,
        "delivered": len(stats.delivered),
        "lost": lost,
        "duplicated": stats.duplicated,
        "unacked": len(set(stats.sent_at) - stats.acked),
        "errors": stats.errors,
        "closed_sockets": stats.closed,
        "first_error": stats.first_error,
        "messages_per_s": round(len(stats.delivered) / window_s, 1) if window_s else 0,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": round(1000 * lat[-1], 1) if lat else 0.0,
        "setup_s": round(setup_s, 1),
        "failed_pairs": len(failed),
        # CPU used while sending, per delivered message (server: all worker processes)
        "server_cpu_ms_per_msg": round(1000 * cpu_server / max(1, len(stats.delivered)), 2)
        if server_pid else None,
        "client_cpu_ms_per_msg": round(1000 * cpu_client / max(1, len(stats.delivered)), 2),
        "load_average_1m": round(max(load0, os.getloadavg()[0]), 1),
    }


class Party:
    """One logical client (a visitor across reconnects, or a specialist's conversation
    socket), keyed by seq as the protocol asks: what it has received, to count true
    redeliveries, disorder and gaps. Its own lines come through its acks; the server may
    send one back after filling a gap, which the protocol allows (an "echo", not a
    duplicate)."""

    def __init__(self, side: str) -> None:
        self.side = side
        self.ws = None
        self.seen_ids: set[str] = set()
        self.received: set[int] = set()
        self.own: set[int] = set()
        self.last_received = 0
        self.contiguous = 0

    def _advance(self) -> None:
        while self.contiguous + 1 in self.received or self.contiguous + 1 in self.own:
            self.contiguous += 1

    def note_own(self, seq: int) -> None:
        """This client's own message (its ack): the server does not echo it back."""
        self.own.add(seq)
        self._advance()

    def note_seq(self, seq: int, stats: RealStats) -> bool:
        """False for a seq this client already has (counted as a duplicate, or an echo of
        its own line); disorder is a seq below one already received."""
        if seq in self.received:
            stats.duplicated_seq += 1
            return False
        if seq in self.own:
            stats.echoes += 1
            return False
        if seq < self.last_received:
            stats.out_of_order += 1
        self.received.add(seq)
        self.last_received = max(self.last_received, seq)
        self._advance()
        return True


class RealStats(Stats):
    def __init__(self) -> None:
        super().__init__()
        self.duplicated_seq = 0
        self.echoes = 0
        self.out_of_order = 0
        self.gaps = 0
        self.drops = 0
        self.resumes = 0
        self.resume_failures = 0
        self.in_flight_at_drop = 0


async def party_reader(party: Party, ws, stats: RealStats, frames: asyncio.Queue | None) -> None:
    try:
        async for raw in ws:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "message":
                if not party.note_seq(frame["seq"], stats):
                    continue
                mid = frame.get("id")
                if not mid or not mid.startswith("b"):
                    continue
                if mid in party.seen_ids:
                    stats.duplicated += 1
                    continue
                party.seen_ids.add(mid)
                if frame["sender"] != party.side:
                    sent = stats.sent_at.get(mid)
                    if sent is not None and stats.measuring:
                        now = time.perf_counter()
                        stats.latencies.append(now - sent)
                        stats.received_at.append(now)
                    stats.delivered.add(mid)
            elif kind == "ack":
                stats.acked.add(frame["id"])
                party.note_own(frame["seq"])
            elif kind == "error":
                stats.errors += 1
                if stats.first_error is None:
                    stats.first_error = frame
            elif frames is not None:
                frames.put_nowait(frame)
    except Exception:  # noqa: BLE001 - a dropped socket ends its reader
        return


def visitor_address(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def specialist_address(i: int) -> str:
    return f"10.200.{(i >> 8) & 255}.{i & 255}"


async def start_visitor(base_url: str, i: int) -> tuple[str, str]:
    """Start a chat as a browser does: GET the form, POST it, follow to the room.
    Returns (token, cookie header)."""
    import re

    import httpx

    address = visitor_address(i)
    headers = {"X-Forwarded-For": address, "Accept-Language": "en"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120,
                                 follow_redirects=True) as client:
        page = await client.get("/en/chat/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        room = await client.post("/en/chat/", data={
            "csrfmiddlewaretoken": csrf, "first_name": "Visitor", "message": ""})
        match = re.search(r"/ws/chat/visitor/([0-9a-f-]{36})/", room.text)
        if room.status_code != 200 or match is None:
            raise RuntimeError(f"chat start failed: HTTP {room.status_code} {room.url}")
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        return match.group(1), cookie


async def run_realistic(args, base_url: str, staff_cookies: list[str], chats_each: int,
                        server_pid: int | None = None) -> dict:
    ws_base = base_url.replace("http://", "ws://")
    stats = RealStats()
    tasks: list[asyncio.Task] = []
    failed: list[str] = []
    t0 = time.perf_counter()

    # 1. Every specialist opens the console (presence); its frames go to a queue.
    consoles = []
    for n, cookie in enumerate(staff_cookies):
        ws = await connect(f"{ws_base}/ws/chat/console/", base_url, cookie, specialist_address(n))
        frames: asyncio.Queue = asyncio.Queue()
        console = Party("console")
        tasks.append(asyncio.create_task(party_reader(console, ws, stats, frames)))
        consoles.append((ws, frames, cookie, specialist_address(n)))
    print(f"  {len(consoles)} consoles open ({time.perf_counter() - t0:.0f}s)", flush=True)

    # 2. Visitors start their chats over HTTP and open their sockets.
    sem = asyncio.Semaphore(args.start_concurrency)
    visitors: dict[str, Party] = {}

    async def start_one(i: int) -> None:
        try:
            async with sem:
                token, cookie = await start_visitor(base_url, i)
                party = Party("visitor")
                party.token, party.cookie, party.address = token, cookie, visitor_address(i)
                party.ws = await connect(f"{ws_base}/ws/chat/visitor/{token}/", base_url, cookie,
                                         party.address)
                party.reader = asyncio.create_task(party_reader(party, party.ws, stats, None))
                visitors[token] = party
        except Exception as exc:  # noqa: BLE001 - counted and reported
            failed.append(repr(exc)[:200])

    await asyncio.gather(*(start_one(i) for i in range(args.conversations)))
    print(f"  {len(visitors)} chats started over HTTP ({time.perf_counter() - t0:.0f}s)"
          + (f"; {len(failed)} failed, e.g. {failed[0]}" if failed else ""), flush=True)

    # 3. Each specialist takes the next chat from their console up to their limit and
    #    opens that conversation's socket.
    staff: dict[int, Party] = {}

    async def fill(ws, frames: asyncio.Queue, cookie: str, address: str) -> None:
        taken, empty = 0, 0
        while taken < chats_each:
            await ws.send(json.dumps({"type": "accept_next"}))
            while True:
                frame = await asyncio.wait_for(frames.get(), 120)
                if frame.get("type") == "accepted":
                    break
            if frame.get("id") is None:
                # Others took what this console saw; a specialist tries again.
                empty += 1
                if empty > 20:
                    return
                await asyncio.sleep(0.2)
                continue
            taken += 1
            party = Party("specialist")
            try:
                party.ws = await connect(f"{ws_base}/ws/chat/staff/{frame['id']}/", base_url,
                                         cookie, address)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failed.append(f"staff socket {frame['id']}: {exc!r}"[:200])
                continue
            tasks.append(asyncio.create_task(party_reader(party, party.ws, stats, None)))
            staff[frame["id"]] = party

    await asyncio.gather(*(fill(*c) for c in consoles))
    ids = await asyncio.to_thread(conversation_ids, list(visitors))
    pairs = [(visitors[token], staff[pk]) for token, pk in ids.items() if pk in staff]
    setup_s = time.perf_counter() - t0
    print(f"set-up: {len(pairs)} conversations accepted, {len(consoles)} consoles, "
          f"in {setup_s:.1f}s" + (f"; {len(failed)} failed, e.g. {failed[0]}" if failed else ""),
          flush=True)
    await asyncio.sleep(1)

    interval = len(pairs) / args.rate
    stop_at = time.perf_counter() + args.seconds
    droppers = set(random.sample(range(len(pairs)), int(args.drop_share * len(pairs))))

    async def resume(visitor: Party, pending: dict) -> None:
        """Reconnect as chat.js does: from the highest contiguous seq; re-send unacked."""
        for attempt in range(10):
            try:
                visitor.ws = await connect(
                    f"{ws_base}/ws/chat/visitor/{visitor.token}/?last_seq={visitor.contiguous}",
                    base_url, visitor.cookie, visitor.address)
                break
            except Exception:  # noqa: BLE001
                await asyncio.sleep(0.5 * (attempt + 1))
        else:
            stats.resume_failures += 1
            return
        visitor.reader = asyncio.create_task(party_reader(visitor, visitor.ws, stats, None))
        stats.resumes += 1
        for mid, text in list(pending.items()):
            if mid not in stats.acked:
                await visitor.ws.send(json.dumps({"type": "message", "id": mid, "text": text}))

    async def talk(i: int, visitor: Party, specialist: Party) -> None:
        await asyncio.sleep(random.random() * interval)
        drop_at = (time.perf_counter() + args.seconds * random.uniform(0.2, 0.7)
                   if i in droppers else None)
        turn = 0
        next_at = time.perf_counter()
        pending: dict[str, str] = {}
        while True:
            next_at += interval
            if time.perf_counter() >= stop_at:
                return
            party = visitor if turn % 2 == 0 else specialist
            mid, text = f"b{i}-{turn}", f"message {turn} of pair {i}"
            stats.sent_at[mid] = time.perf_counter()
            stats.sent += 1
            try:
                await party.ws.send(json.dumps({"type": "message", "id": mid, "text": text}))
            except Exception as exc:  # noqa: BLE001
                stats.closed += 1
                if stats.first_error is None:
                    stats.first_error = {"type": "closed", "message": repr(exc)[:200]}
                return
            if party is visitor:
                pending = {m: t for m, t in pending.items() if m not in stats.acked}
                pending[mid] = text
                if drop_at is not None and time.perf_counter() >= drop_at:
                    # The TCP connection goes, with this message in flight (no close frame).
                    drop_at = None
                    stats.drops += 1
                    stats.in_flight_at_drop += mid not in stats.acked
                    visitor.ws.transport.abort()
                    visitor.reader.cancel()
                    await asyncio.sleep(random.uniform(0.2, 0.6))
                    await resume(visitor, pending)
            turn += 1
            if next_at >= stop_at:
                return
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)

    quiet_collector()
    stats.measuring = True
    started = time.perf_counter()
    cpu_server0, cpu_client0 = process_tree_cpu(server_pid), own_cpu()
    load0 = os.getloadavg()[0]
    await asyncio.gather(*(talk(i, v, s) for i, (v, s) in enumerate(pairs)))
    sending_s = time.perf_counter() - started
    cpu_server = process_tree_cpu(server_pid) - cpu_server0
    cpu_client = own_cpu() - cpu_client0
    deadline = time.perf_counter() + args.drain
    while time.perf_counter() < deadline and len(stats.delivered) < len(stats.sent_at):
        await asyncio.sleep(0.2)
    for visitor, specialist in pairs:
        for ws in (visitor.ws, specialist.ws):
            try:
                await ws.close()
            except Exception:  # noqa: BLE001
                pass
    for ws, *_rest in consoles:
        await ws.close()
    for task in tasks:
        task.cancel()
    for visitor in visitors.values():
        visitor.reader.cancel()
    if args.timeline:
        print_timeline(stats, started)
    # After the drain, a client missing a seq below the highest it holds has a gap.
    for visitor, specialist in pairs:
        for party in (visitor, specialist):
            held = party.received | party.own
            stats.gaps += (max(held) - len(held)) if held else 0
    lat = sorted(stats.latencies)
    window_s = max([sending_s] + [at - started for at in stats.received_at[-1:]])

    def pct(p: float) -> float:
        if not lat:
            return 0.0
        return round(1000 * lat[min(len(lat) - 1, int(p / 100 * len(lat)))], 1)

    return {
        "mode": "realistic",
        "conversations": len(pairs),
        "consoles": len(consoles),
        "seconds": round(sending_s, 1),
        "offered_rate": args.rate,
        "sent": stats.sent,
        "delivered": len(stats.delivered),
        # Sent (and, for a dropped visitor, re-sent on resume) but never delivered.
        "lost": len(set(stats.sent_at) - stats.delivered),
        "lost_acked": len(stats.acked - stats.delivered),
        "duplicated": stats.duplicated + stats.duplicated_seq,
        "out_of_order": stats.out_of_order,
        "gaps": stats.gaps,
        "own_line_echoes": stats.echoes,
        "unacked": len(set(stats.sent_at) - stats.acked),
        "drops": stats.drops,
        "in_flight_at_drop": stats.in_flight_at_drop,
        "resumes": stats.resumes,
        "resume_failures": stats.resume_failures,
        "errors": stats.errors,
        "closed_sockets": stats.closed,
        "first_error": stats.first_error,
        "messages_per_s": round(len(stats.delivered) / window_s, 1) if window_s else 0,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": round(1000 * lat[-1], 1) if lat else 0.0,
        "setup_s": round(setup_s, 1),
        "failed_starts": len(failed),
        "server_cpu_ms_per_msg": round(1000 * cpu_server / max(1, len(stats.delivered)), 2)
        if server_pid else None,
        "client_cpu_ms_per_msg": round(1000 * cpu_client / max(1, len(stats.delivered)), 2),
        "load_average_1m": round(max(load0, os.getloadavg()[0]), 1),
    }


def print_timeline(stats: Stats, started: float) -> None:
    """Deliveries, p50, p99 and max latency for each second of the run (by arrival)."""
    buckets: dict[int, list[float]] = {}
    for at, latency in zip(stats.received_at, stats.latencies, strict=True):
        buckets.setdefault(int(at - started), []).append(latency)
    print("second  delivered  p50_ms  p99_ms  max_ms")
    for second in sorted(buckets):
        values = sorted(buckets[second])
        n = len(values)
        print(f"{second:6d}  {n:9d}  {1000 * values[n // 2]:6.1f}  "
              f"{1000 * values[min(n - 1, int(0.99 * n))]:6.1f}  {1000 * values[-1]:6.1f}")


def chats_each(args) -> int:
    return max(1, args.conversations // max(1, args.specialists))


def prepare_for(args, run: str, migrate: bool):
    if args.flat:
        return prepare(args.conversations, run, migrate)
    return prepare_staff(args.specialists, chats_each(args), run, migrate)


def main() -> None:
    import signal

    # `timeout` and Ctrl-C: leave through the finally blocks so the server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    run = uuid.uuid4().hex[:8]
    server = None
    cleanup = None
    try:
        if args.url:
            database_url = os.environ.get("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'helpline.sqlite3'}")
            django_setup(database_url)
            pairs = prepare_for(args, run, migrate=False)
            base_url = args.url.rstrip("/")
        else:
            database_url, cleanup = make_database(args, run)
            django_setup(database_url)
            pairs = prepare_for(args, run, migrate=True)
            from django.db import connections

            connections.close_all()
            server = start_server(args, database_url, run)
            base_url = server.url
        label = "own server" if server else base_url
        print(f"chat_load ({'flat' if args.flat else 'realistic'}): "
              f"{args.conversations} conversations, {args.seconds}s at "
              f"{args.rate} msg/s offered; {label}, workers={args.workers}, "
              f"layer={(args.layer + ' redis') if args.redis else 'in-memory'}, "
              f"db={'postgresql' if args.postgres or 'postgres' in database_url else 'sqlite'}",
              flush=True)
        pid = server.process.pid if server else None
        if args.flat:
            result = asyncio.run(run_load(args, base_url, pairs, pid))
        else:
            result = asyncio.run(run_realistic(args, base_url, pairs, chats_each(args), pid))
        result.update(workers=args.workers, redis=args.redis,
                      layer=args.layer if args.redis else "in-memory",
                      database="postgresql" if "postgres" in database_url else "sqlite")
    finally:
        if server is not None:
            log = server.log()
            server.stop()
            errors = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
            if errors:
                print(f"server log had {len(errors)} error lines; see {server.log_path}:")
                print("\n".join(log.splitlines()[-15:]))
        if cleanup is not None:
            from django.db import connections

            connections.close_all()
            cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
