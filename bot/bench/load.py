"""Load test of the web gateway (not a test): N patients doing full intakes at once.

    python -m bot.bench.load [--levels 1,10,50] [--database-url URL] [--config PATH]
                             [--retry-rate 0.1] [--json results.json]

Starts its own stack (action server, Rasa, gateway; loopback only) on a scratch
database: a fresh SQLite file under ``var/bench/`` by default, or PostgreSQL
with ``--database-url postgresql+psycopg://postgres@127.0.0.1:5432/intake_load``
(the database is created if missing). For each level it plays that many
concurrent intakes through the gateway's chat API exactly as the widget does
(create a session, then one message at a time with a fresh client message id)
and

- checks every reply's content: the question the intake should ask next
  (texts from :func:`actions.intake.messages.question`) must appear;
- re-sends a share of the messages with the same client message id
  (``--retry-rate``; half right after the answer, half racing the original)
  and checks the replay is identical;
- counts lost and duplicated turns by reading every conversation's tracker
  from Rasa: exactly one user event per client message id must exist;
- reports per-message latency p50/p95/p99 (ms) and messages per second.

With ``--compare-direct`` each level is also played straight against Rasa's
REST webhook (no gateway, no idempotency), which shows what the gateway adds.

Every request has a timeout and every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from actions.intake.messages import question
from actions.intake.messages import text as message_text
from bot.bench.stats import percentile
from bot.paths import CONFIG, REPO_ROOT
from bot.stack import Stack, StackConfigError
from bot.store.engine import make_engine

__all__ = ["STEPS", "LevelResult", "bench_stack", "main", "run_level"]

BENCH_DIR = REPO_ROOT / "var" / "bench"
REQUEST_TIMEOUT_S = 60.0
TRACKER_TIMEOUT_S = 30.0
#: How the final confirmation is recognised (the referral was stored).
REFERENCE_TEXT = message_text("submit.reference").split("{", 1)[0]

#: (what the patient types, the slot whose question must come next; None = the end).
STEPS: list[tuple[str, str | None]] = [
    ("hi", "consent"),
    ("yes", "patient_name"),
    ("Maria Lopez", "age"),
    ("42", "contact"),
    ("maria.lopez@example.com", "chief_complaint"),
    ("my lower back aches and gets stiff after sitting", "urgency_check_checklist"),
    ("/deny", "pain_level"),
    ("about a 6", "pain_duration"),
    ("why do you need this?", "pain_duration"),
    ("3 weeks", "onset_cause"),
    ("from sitting at a desk all day", "diagnosis"),
    ("no", "physician_referral"),
    ("no", "medical_history"),
    ("none", "medications"),
    ("none", "goals"),
    ("less pain", "pressure_preference"),
    ("medium", "insurance"),
    ("self-pay", "summary_confirmed"),
    ("yes", None),
]


def expected_text(slot: str | None) -> str:
    """The text that must appear in the replies after a step."""
    return question(slot)[0] if slot else REFERENCE_TEXT


@dataclass
class PatientLog:
    """What one simulated patient sent and saw."""

    conversation_id: str = ""
    sent: list[str] = field(default_factory=list)  # client message ids answered with 200
    failed: list[str] = field(default_factory=list)  # client message ids with an error status
    latencies_ms: list[float] = field(default_factory=list)
    #: (what the patient typed, latency) per answered message, for the per-step table.
    steps_ms: list[tuple[int, float]] = field(default_factory=list)
    content_errors: list[str] = field(default_factory=list)
    http_errors: Counter[int] = field(default_factory=Counter)
    replays: int = 0
    replay_mismatches: int = 0


@dataclass
class LevelResult:
    """The figures of one concurrency level."""

    backend: str
    #: "think N s" (patients pause like people) or "back to back" (a stress test).
    pacing: str
    patients: int
    messages: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    messages_per_s: float
    content_errors: int
    http_errors: dict[str, int]
    replays: int
    replay_mismatches: int
    lost_turns: int
    duplicated_turns: int
    untagged_user_events: int
    examples: list[str]
    #: p95 latency (ms) of each step of the script, by what the patient typed.
    step_p95_ms: dict[str, float] = field(default_factory=dict)
    #: CPU milliseconds per answered message, by process (where the time goes).
    cpu_ms_per_message: dict[str, float] = field(default_factory=dict)


def bench_stack(
    model: Path, *, log_dir: Path, database_url: str, workers: int = 1, redis_url: str = ""
) -> Stack:
    """A full stack (action server, Rasa, gateway) on free loopback ports for a benchmark.

    The gateway's rate limits are off: the benchmark is the only client.
    """
    no_limits = {
        f"GATEWAY_RATE_{name}_PER_MIN": "0" for name in ("SESSIONS", "CLIENT", "CONVERSATION")
    }
    return Stack(
        model=model,
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        log_dir=log_dir,
        extra_env={
            "DATABASE_URL": database_url,
            "GATEWAY_LOG_LEVEL": "warning",
            "RASA_WORKERS": str(workers),
            "REDIS_URL": redis_url,
            **no_limits,
        },
    )


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _post(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], token: str
) -> tuple[int, Any, float]:
    started = time.perf_counter()
    try:
        response = await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError:
        return 0, None, (time.perf_counter() - started) * 1000
    elapsed = (time.perf_counter() - started) * 1000
    try:
        payload = response.json()
    except ValueError:
        payload = None
    return response.status_code, payload, elapsed


def _reply_text(payload: Any) -> str:
    replies = payload.get("replies", []) if isinstance(payload, dict) else []
    return "\n".join(str(r.get("text", "")) for r in replies if isinstance(r, dict))


async def play_direct(client: httpx.AsyncClient, rasa_url: str) -> PatientLog:
    """The same intake sent straight to Rasa's REST webhook (the baseline without gateway)."""
    log = PatientLog(conversation_id="direct-" + uuid.uuid4().hex[:16])
    for typed, slot in STEPS:
        client_message_id = uuid.uuid4().hex
        body = {
            "sender": log.conversation_id,
            "message": typed,
            "metadata": {"client_message_id": client_message_id},
        }
        started = time.perf_counter()
        try:
            response = await client.post(f"{rasa_url}/webhooks/rest/webhook", json=body)
            status, replies = response.status_code, response.json()
        except (httpx.HTTPError, ValueError):
            status, replies = 0, None
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or not replies:
            log.http_errors[status] += 1
            log.content_errors.append(
                f"step {typed!r}: HTTP {status}, {len(replies or [])} replies"
            )
            break
        log.sent.append(client_message_id)
        log.latencies_ms.append(elapsed)
        said = _reply_text({"replies": replies})
        if expected_text(slot) not in said:
            log.content_errors.append(f"after {typed!r}: got {said[:160]!r}")
            break
    return log


async def play_patient(
    client: httpx.AsyncClient, rng: random.Random, retry_rate: float, think_s: float = 0.0
) -> PatientLog:
    """One full intake through the gateway, checking each reply.

    ``think_s``: mean pause before each message (uniform 0..2x), like a patient typing.
    """
    log = PatientLog()
    try:
        created = await client.post("/chat/sessions")
    except httpx.HTTPError:
        log.http_errors[0] += 1
        return log
    if created.status_code != 201:
        log.http_errors[created.status_code] += 1
        return log
    session = created.json()
    log.conversation_id = session["conversation_id"]
    token = session["token"]
    url = f"/chat/sessions/{log.conversation_id}/messages"
    for step, (typed, slot) in enumerate(STEPS):
        if think_s > 0:
            await asyncio.sleep(rng.uniform(0, 2 * think_s))
        client_message_id = uuid.uuid4().hex
        body = {"text": typed, "client_message_id": client_message_id}
        mode = rng.choice(["after", "race"]) if rng.random() < retry_rate else None
        replay: tuple[int, Any, float] | None = None
        if mode == "race":  # the widget's retry racing the original request
            (status, payload, elapsed), replay = await asyncio.gather(
                _post(client, url, body, token), _post(client, url, body, token)
            )
        else:
            status, payload, elapsed = await _post(client, url, body, token)
        if status != 200:
            log.http_errors[status] += 1
            log.failed.append(client_message_id)
            log.content_errors.append(f"step {typed!r}: HTTP {status}")
            break
        log.sent.append(client_message_id)
        log.latencies_ms.append(elapsed)
        log.steps_ms.append((step, elapsed))
        if mode == "after":  # a retry after the answer (e.g. the response was lost)
            replay = await _post(client, url, body, token)
        if replay is not None:
            log.replays += 1
            if replay[0] != 200 or replay[1] != payload:
                log.replay_mismatches += 1
        expected = expected_text(slot)
        said = _reply_text(payload)
        if expected not in said:
            log.content_errors.append(
                f"after {typed!r} expected {expected[:50]!r}..., got {said[:160]!r}"
            )
            break  # the conversation is off script: later checks would only repeat it
    return log


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process and, recursively, its children (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12]) + sum(_cpu_ticks(int(c)) for c in children)


def cpu_seconds(stack: Stack, *, postgres_too: bool) -> dict[str, float]:
    """CPU seconds used so far by each service of the stack (and PostgreSQL), from /proc."""
    ticks_per_s = os.sysconf("SC_CLK_TCK")
    used = {s.name: _cpu_ticks(s.process.pid) / ticks_per_s for s in stack.services if s.process}
    if not postgres_too:
        return used
    postgres = 0
    for entry in Path("/proc").glob("[0-9]*/comm"):
        try:
            if entry.read_text().strip() == "postgres":
                postgres += _cpu_ticks(int(entry.parent.name))
        except (OSError, ValueError):
            continue
    used["postgresql"] = postgres / ticks_per_s
    return used


def tracker_counts(stack: Stack, conversation_id: str) -> tuple[Counter[str], int]:
    """Rasa's user events of a conversation: per client message id, and untagged ones."""
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": stack.rasa_token},
        timeout=TRACKER_TIMEOUT_S,
    )
    response.raise_for_status()
    per_id: Counter[str] = Counter()
    untagged = 0
    for event in response.json().get("events", []):
        if event.get("event") != "user":
            continue
        client_message_id = (event.get("metadata") or {}).get("client_message_id")
        if client_message_id:
            per_id[str(client_message_id)] += 1
        else:
            untagged += 1
    return per_id, untagged


async def run_level(
    stack: Stack,
    backend: str,
    patients: int,
    retry_rate: float,
    *,
    direct: bool = False,
    think_s: float = 0.0,
) -> LevelResult:
    """Play ``patients`` concurrent intakes, then audit Rasa's trackers.

    ``direct``: send straight to Rasa instead of through the gateway (baseline).
    """
    limits = httpx.Limits(max_connections=2 * patients + 10, max_keepalive_connections=2 * patients)
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, timeout=REQUEST_TIMEOUT_S, limits=limits, trust_env=False
    ) as client:
        on_postgres = backend.startswith("postgresql")
        cpu_before = cpu_seconds(stack, postgres_too=on_postgres)
        started = time.perf_counter()
        if direct:
            plays = [play_direct(client, stack.rasa_url) for _ in range(patients)]
        else:
            plays = [
                play_patient(client, random.Random(patients * 1000 + n), retry_rate, think_s)
                for n in range(patients)
            ]
        logs = await asyncio.gather(*plays)
        seconds = time.perf_counter() - started
        cpu_after = cpu_seconds(stack, postgres_too=on_postgres)
        backend = f"{backend} (Rasa direct)" if direct else f"{backend} via gateway"

    lost = duplicated = untagged = 0
    for log in logs:
        if not log.conversation_id:
            continue
        per_id, no_id = await asyncio.to_thread(tracker_counts, stack, log.conversation_id)
        untagged += no_id
        lost += sum(1 for cmid in log.sent if per_id[cmid] == 0)
        duplicated += sum(count - 1 for count in per_id.values() if count > 1)

    latencies = [ms for log in logs for ms in log.latencies_ms]
    errors: Counter[int] = Counter()
    for log in logs:
        errors.update(log.http_errors)
    examples = [error for log in logs for error in log.content_errors][:5]
    per_step: dict[int, list[float]] = {}
    for log in logs:
        for step, ms in log.steps_ms:
            per_step.setdefault(step, []).append(ms)
    return LevelResult(
        backend=backend,
        pacing=f"think {think_s:g} s" if think_s and not direct else "back to back",
        patients=patients,
        messages=len(latencies),
        seconds=round(seconds, 2),
        p50_ms=round(percentile(latencies, 50), 1),
        p95_ms=round(percentile(latencies, 95), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        messages_per_s=round(len(latencies) / seconds, 1) if seconds else 0.0,
        content_errors=sum(len(log.content_errors) for log in logs),
        http_errors={str(code): count for code, count in sorted(errors.items())},
        replays=sum(log.replays for log in logs),
        replay_mismatches=sum(log.replay_mismatches for log in logs),
        lost_turns=lost,
        duplicated_turns=duplicated,
        untagged_user_events=untagged,
        examples=examples,
        cpu_ms_per_message={
            name: round((cpu_after[name] - cpu_before.get(name, 0.0)) * 1000 / len(latencies), 1)
            for name in cpu_after
            if latencies
        },
        step_p95_ms={
            f"{step + 1:02d} {STEPS[step][0]!r}": round(percentile(per_step[step], 95), 1)
            for step in sorted(per_step)
        },
    )


def prepare_database(url: str | None) -> tuple[str, str]:
    """The database URL to use and its backend name; creates what is missing."""
    if not url:
        path = BENCH_DIR / "load.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)  # a fresh file every run
        return f"sqlite:///{path}", "sqlite"
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.database:
        admin = make_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"),
                    {"name": parsed.database},
                ).scalar()
                if not exists:
                    try:
                        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
                        print(f"created scratch database {parsed.database}", file=sys.stderr)
                    except ProgrammingError:
                        pass  # created concurrently
        finally:
            admin.dispose()
    return url, backend


def render(results: list[LevelResult]) -> str:
    """A Markdown table of the results."""
    lines = [
        "| backend | pacing | patients | messages | p50 ms | p95 ms | p99 ms | msg/s "
        "| content errors | HTTP errors | replays (mismatched) | lost turns | duplicated turns |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        errors = ", ".join(f"{k}: {v}" for k, v in r.http_errors.items()) or "0"
        lines.append(
            f"| {r.backend} | {r.pacing} | {r.patients} | {r.messages} | {r.p50_ms} | {r.p95_ms} | "
            f"{r.p99_ms} | {r.messages_per_s} | {r.content_errors} | {errors} | "
            f"{r.replays} ({r.replay_mismatches}) | {r.lost_turns} | {r.duplicated_turns} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print the table; exit 1 if any turn was lost or duplicated."""
    from bot.train import ensure_model

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--levels", default="1,10,50", help="concurrent patients per level")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--config", type=Path, default=CONFIG, help="Rasa config to train/use")
    parser.add_argument("--retry-rate", type=float, default=0.1, help="share of messages re-sent")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--think-s",
        default="3,0",
        help="mean pauses before each message to play, comma-separated (default 3,0):\n"
        "3 = patients who read and type (uniform 0-6 s, faster than people on phones);\n"
        "0 = back to back, a stress test of capacity (10 such clients are far more load\n"
        "than 10 people)",
    )
    parser.add_argument(
        "--rasa-workers",
        type=int,
        default=2,
        help="Rasa worker processes (default 2; more than 1 needs Redis, see --redis-url)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        help="Rasa's lock store when --rasa-workers > 1 (default %(default)s)",
    )
    parser.add_argument(
        "--steps", action="store_true", help="also print each step's p95 (which answer is slow)"
    )
    parser.add_argument(
        "--compare-direct",
        action="store_true",
        help="also play each level straight against Rasa (baseline without the gateway)",
    )
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.levels.split(",") if n.strip()]
    if not levels or min(levels) < 1 or max(levels) > 500:
        parser.error("--levels: 1..500 patients per level")
    try:
        pacings = [float(n) for n in args.think_s.split(",") if n.strip()]
    except ValueError:
        parser.error("--think-s: numbers separated by commas")
    if not pacings or not all(0 <= p <= 60 for p in pacings) or not 0 <= args.retry_rate <= 1:
        parser.error("--think-s must be 0..60 seconds and --retry-rate 0..1")
    if not 1 <= args.rasa_workers <= 8:
        parser.error("--rasa-workers: 1..8")

    model, _ = ensure_model(args.config)
    database_url, backend = prepare_database(args.database_url or None)
    backend += f", {args.rasa_workers} Rasa worker" + ("s" if args.rasa_workers > 1 else "")
    stack = bench_stack(
        model,
        log_dir=BENCH_DIR / "load-logs",
        database_url=database_url,
        workers=args.rasa_workers,
        redis_url=args.redis_url if args.rasa_workers > 1 else "",
    )

    def status(service: str, state: str, detail: str) -> None:
        print(f"[{service:>7}] {state:<8} {detail}", file=sys.stderr, flush=True)

    try:
        stack.start(on_status=status)
    except StackConfigError as error:  # e.g. Redis down: say what to do, no traceback
        print(f"error: {error}", file=sys.stderr)
        print("(for one Rasa worker without Redis: --rasa-workers 1)", file=sys.stderr)
        return 2
    results: list[LevelResult] = []
    try:
        print("warm-up: one intake, not measured ...", file=sys.stderr, flush=True)
        asyncio.run(run_level(stack, backend, 1, 0.0))
        dead = None
        for think_s in pacings:
            pacing = f"think {think_s:g} s" if think_s else "back to back"
            for patients in levels:
                print(f"level: {patients} patients, {pacing} ...", file=sys.stderr, flush=True)
                modes = [False, True] if args.compare_direct and not think_s else [False]
                for direct in modes:
                    result = asyncio.run(
                        run_level(
                            stack,
                            backend,
                            patients,
                            args.retry_rate,
                            direct=direct,
                            think_s=think_s,
                        )
                    )
                    results.append(result)
                    for example in result.examples:
                        print(f"  content: {example}", file=sys.stderr)
                    if args.steps:
                        cpu = ", ".join(f"{k} {v:g}" for k, v in result.cpu_ms_per_message.items())
                        print(f"  CPU ms per message: {cpu}", file=sys.stderr)
                        for step, ms in result.step_p95_ms.items():
                            print(f"  p95 {ms:7.1f} ms  {step}", file=sys.stderr)
                if (dead := stack.dead()) is not None:
                    break
            if dead is not None:
                print(f"{dead.name} died; see {dead.log_path}", file=sys.stderr)
                break
    finally:
        stack.stop()
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nmodel: {model.name}; retry rate {args.retry_rate}; "
        f"{os.cpu_count()} CPUs, load average now {load}",
        file=sys.stderr,
    )
    bad = any(r.lost_turns or r.duplicated_turns or r.replay_mismatches for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
