"""NLU and dialogue benchmark (not a test): held-out intent F1, training, load, latency.

    python -m bot.bench.nlu [--skip-train] [--conversations 10]

1. trains the shipped model from ``config.yml`` (timed; ``--skip-train`` reuses it),
2. starts the action server and Rasa (time until Rasa answers = model load),
3. parses every held-out utterance in ``tests/nlu/holdout.yml`` (never trained on)
   through ``/model/parse`` and reports accuracy and macro F1 over intents, FAQ
   sub-intents counted separately ("faq/insurance"),
4. plays a scripted intake conversation through the REST channel and reports
   per-message latency p50/p95.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.bench.stats import percentile
from bot.chat_cli import send
from bot.paths import CONFIG, REPO_ROOT
from bot.stack import Stack
from bot.train import ensure_model

HOLDOUT = REPO_ROOT / "tests" / "nlu" / "holdout.yml"

SCRIPT = [
    "hi",
    "yes",
    "Maria Lopez",
    "42",
    "maria.lopez@example.com",
    "my lower back aches and gets stiff after sitting",
    "/deny",
    "about a 6",
    "why do you need this?",
    "3 weeks",
    "from sitting at a desk all day",
    "no",
    "no",
    "none",
    "none",
    "less pain",
    "medium",
    "self-pay",
    "yes",
]


def load_holdout(path: Path = HOLDOUT) -> list[tuple[str, str]]:
    """(text, gold intent) pairs from a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs: list[tuple[str, str]] = []
    for block in data.get("nlu", []):
        intent = block.get("intent")
        if not intent:
            continue
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), str(intent)))
    return pairs


def parse(stack: Stack, text: str) -> str:
    """The predicted intent (with the FAQ sub-intent) for ``text``."""
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(
        f"{stack.rasa_url}/model/parse?token={stack.rasa_token}",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        result: dict[str, Any] = json.loads(reply.read())
    intent = str((result.get("intent") or {}).get("name"))
    if intent == "faq":
        selector = (result.get("response_selector") or {}).get("faq") or {}
        key = (selector.get("response") or {}).get("intent_response_key")
        if key:
            return str(key)
    return intent


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Unweighted mean of per-label F1 over the gold labels."""
    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    false_neg: Counter[str] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            true_pos[g] += 1
        else:
            false_pos[p] += 1
            false_neg[g] += 1
    scores = []
    for label in sorted(set(gold)):
        tp = true_pos[label]
        precision = tp / (tp + false_pos[label]) if tp + false_pos[label] else 0.0
        recall = tp / (tp + false_neg[label]) if tp + false_neg[label] else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return statistics.fmean(scores)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-train", action="store_true", help="reuse the current model")
    parser.add_argument("--conversations", type=int, default=10)
    args = parser.parse_args(argv)

    model, train_seconds = ensure_model(CONFIG, force=not args.skip_train)
    stack = Stack(
        model=model, rasa_port=5105, action_port=5155, log_dir=REPO_ROOT / "var" / "bench"
    )
    started = time.monotonic()
    stack.start()
    load_seconds = time.monotonic() - started
    try:
        pairs = load_holdout()
        predicted = [parse(stack, text) for text, _ in pairs]
        gold = [intent for _, intent in pairs]
        accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
        f1 = macro_f1(gold, predicted)
        errors = [(t, g, p) for (t, g), p in zip(pairs, predicted, strict=True) if g != p]

        latencies: list[float] = []
        for _ in range(max(1, args.conversations)):
            sender = "bench-" + secrets.token_hex(6)
            for text in SCRIPT:
                t0 = time.perf_counter()
                replies = send(stack.rasa_url, sender, text)
                latencies.append((time.perf_counter() - t0) * 1000)
                if not replies:
                    raise SystemExit(f"empty reply to {text!r}: the bot is not healthy")
    finally:
        stack.stop()

    print(f"held-out utterances        {len(gold)} ({len(set(gold))} intents)")
    print(f"intent accuracy            {accuracy:.3f}")
    print(f"intent macro F1            {f1:.3f}   (target >= 0.95)")
    if train_seconds is not None:
        print(f"training time (config.yml) {train_seconds:.0f} s   (target <= 180 s)")
    print(f"server ready + model load  {load_seconds:.1f} s")
    print(
        f"REST latency per message   p50 {percentile(latencies, 50):.0f} ms, "
        f"p95 {percentile(latencies, 95):.0f} ms over {len(latencies)} messages"
        "   (target p95 <= 150 ms)"
    )
    if errors:
        print("\nmisclassified held-out utterances:")
        for text, want, got in errors:
            print(f"  {want:<28} -> {got:<28} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
