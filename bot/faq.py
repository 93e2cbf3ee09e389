"""Clinic staff's FAQs: list them, add one; ``intake train`` then teaches the bot.

An FAQ is a retrieval intent ``faq/<key>``: example questions in the NLU data and
one answer in the domain. Entries added here go to their own files
(``data/nlu/faq_clinic.yml`` and ``bot/domain/faq_clinic.yml``) so the shipped
ones stay untouched and reviewable.

    intake faq list
    intake faq add KEY --answer TEXT --question Q --question Q --question Q
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.paths import DATA_DIR, DOMAIN_DIR

CLINIC_NLU = DATA_DIR / "nlu" / "faq_clinic.yml"
CLINIC_DOMAIN = DOMAIN_DIR / "faq_clinic.yml"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,40}$")
MIN_QUESTIONS = 3
MAX_QUESTION_CHARS = 200
MAX_ANSWER_CHARS = 1000


class FaqError(ValueError):
    """An FAQ entry that can't be added, with a message for staff."""


@dataclass(frozen=True)
class Faq:
    """One FAQ: its key, example questions and answer."""

    key: str
    questions: list[str]
    answer: str


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def _examples(block: dict[str, Any]) -> list[str]:
    lines = str(block.get("examples") or "").splitlines()
    return [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]


def list_faqs(*, nlu_dir: Path = DATA_DIR / "nlu", domain_dir: Path = DOMAIN_DIR) -> list[Faq]:
    """Every FAQ the bot is trained on, sorted by key."""
    questions: dict[str, list[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in _load(path).get("nlu") or []:
            intent = str(block.get("intent") or "")
            if intent.startswith("faq/"):
                questions.setdefault(intent[4:], []).extend(_examples(block))
    answers: dict[str, str] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        for name, variants in (_load(path).get("responses") or {}).items():
            if str(name).startswith("utter_faq/") and variants:
                answers[str(name)[len("utter_faq/") :]] = str(variants[0].get("text") or "")
    keys = sorted(set(questions) | set(answers))
    return [Faq(key, questions.get(key, []), answers.get(key, "")) for key in keys]


def _clean(text: str, *, limit: int, what: str) -> str:
    cleaned = re.sub(r"\s+", " ", text or "").strip()
    if not cleaned:
        raise FaqError(f"{what} is empty")
    if len(cleaned) > limit:
        raise FaqError(f"{what} is longer than {limit} characters")
    return cleaned


def add_faq(
    faq: Faq,
    *,
    nlu_file: Path = CLINIC_NLU,
    domain_file: Path = CLINIC_DOMAIN,
    existing: list[Faq] | None = None,
) -> Faq:
    """Validate ``faq`` and append it to the clinic's FAQ files; return what was stored."""
    if not KEY_PATTERN.match(faq.key):
        raise FaqError("the key must be 3-41 lowercase letters, digits or _ (e.g. parking)")
    known = list_faqs() if existing is None else existing
    if any(f.key == faq.key for f in known):
        raise FaqError(f"an FAQ called {faq.key!r} already exists")
    questions = list(
        dict.fromkeys(_clean(q, limit=MAX_QUESTION_CHARS, what="a question") for q in faq.questions)
    )
    if len(questions) < MIN_QUESTIONS:
        raise FaqError(f"give at least {MIN_QUESTIONS} different ways to ask the question")
    taken = {q.lower() for f in known for q in f.questions}
    clash = [q for q in questions if q.lower() in taken]
    if clash:
        raise FaqError(f"this question already belongs to another FAQ: {clash[0]!r}")
    answer = _clean(faq.answer, limit=MAX_ANSWER_CHARS, what="the answer")
    stored = Faq(faq.key, questions, answer)

    nlu = _load(nlu_file) or {"version": "3.1", "nlu": []}
    nlu.setdefault("nlu", []).append(
        {"intent": f"faq/{stored.key}", "examples": "".join(f"- {q}\n" for q in questions)}
    )
    domain = _load(domain_file) or {"version": "3.1", "responses": {}}
    domain.setdefault("responses", {})[f"utter_faq/{stored.key}"] = [{"text": answer}]
    header = "# FAQs added by clinic staff with `intake faq add`.\n"
    nlu_file.write_text(header + yaml.safe_dump(nlu, sort_keys=False, allow_unicode=True))
    domain_file.write_text(header + yaml.safe_dump(domain, sort_keys=False, allow_unicode=True))
    return stored


def main(argv: list[str] | None = None) -> int:
    """Command line: ``list`` or ``add``."""
    parser = argparse.ArgumentParser(prog="intake faq", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="show every FAQ")
    add = commands.add_parser("add", help="add an FAQ (then run `intake train`)")
    add.add_argument("key", help="short id, e.g. parking")
    add.add_argument("--answer", required=True, help="the answer patients will see")
    add.add_argument(
        "--question", action="append", default=[], help="a way patients ask it (3 or more)"
    )
    args = parser.parse_args(argv)
    if args.command == "list":
        for faq in list_faqs():
            first = faq.questions[0] if faq.questions else "(no example questions)"
            print(f"{faq.key:<24} {len(faq.questions):>3} questions  e.g. {first}")
        return 0
    try:
        stored = add_faq(Faq(args.key, args.question, args.answer))
    except FaqError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"added faq/{stored.key} with {len(stored.questions)} questions;")
    print("run `intake train` (or `make run`) so the bot learns it.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
