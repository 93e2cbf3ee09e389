"""The Redis lock store that Rasa's workers share (``bot/rasa_plugins/lock_store.py``).

Several processes of the Rasa environment take the lock of one conversation
many times and, while holding it, do a deliberately racy read-pause-write of a
counter in Redis. With a real mutual exclusion no increment is lost; with
Rasa 3.6's own ``RedisLockStore`` some are (two processes get the same ticket).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid

import pytest

from bot.paths import RASA_PYTHON, REPO_ROOT
from tests.conftest import require_redis

pytestmark = pytest.mark.slow

PROCESSES = 4
ROUNDS = 25

# Runs in the Rasa environment: take the lock ROUNDS times, bump the counter inside.
WORKER = """
import asyncio, json, sys, time
import redis
from bot.rasa_plugins.lock_store import AtomicRedisLockStore
from rasa.utils.endpoints import EndpointConfig

conversation, counter, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=6379, db=0))
red = redis.StrictRedis(host="127.0.0.1", port=6379, db=0)

async def main():
    red.incr(counter + ":ready")  # start together: wait (bounded) for every process
    deadline = time.monotonic() + 60
    while int(red.get(counter + ":ready")) < int(sys.argv[4]) and time.monotonic() < deadline:
        time.sleep(0.01)
    errors = 0
    for _ in range(rounds):
        try:
            async with store.lock(conversation, lock_lifetime=30):
                value = int(red.get(counter) or 0)
                time.sleep(0.002)  # widen the window a second holder would race in
                red.set(counter, value + 1)
        except Exception as error:
            errors += 1
            print(type(error).__name__, error, file=sys.stderr)
    print(json.dumps({"errors": errors}))

asyncio.run(main())
"""


def test_processes_never_hold_one_conversations_lock_at_once() -> None:
    require_redis()
    conversation = f"lock-test-{uuid.uuid4().hex[:8]}"
    counter = f"lock-test-counter:{conversation}"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    workers = [
        subprocess.Popen(
            [str(RASA_PYTHON), "-c", WORKER, conversation, counter, str(ROUNDS), str(PROCESSES)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    check = subprocess.run(
        [
            str(RASA_PYTHON),
            "-c",
            "import redis, sys; r = redis.StrictRedis(host='127.0.0.1', port=6379, db=0);"
            "print(int(r.get(sys.argv[1]) or 0)); r.delete(sys.argv[1], sys.argv[1] + ':ready');"
            "print(r.exists('lock:' + sys.argv[2]))",
            counter,
            conversation,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    total, lock_left = (int(line) for line in check.stdout.split())
    assert sum(r["errors"] for r in results) == 0
    assert total == PROCESSES * ROUNDS  # no increment lost: never two holders at once
    assert lock_left == 0  # the last one out deleted the lock
