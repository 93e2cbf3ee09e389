"""Conversation benchmark (not a test): blind simulated patients play whole intakes.

    python -m bot.bench.conversation [--batch FILE ...] [--sentences FILE]
                                     [--config PATH] [--json results.json]

Starts its own stack (action server, Rasa, gateway; loopback only, a fresh
SQLite file under ``var/bench/``). Each patient script (``bot.bench.scripts``)
is played through the gateway's chat API exactly as the widget does: after
every message the question being asked is read from Rasa's tracker
(``requested_slot``) and the patient answers that question from the script.

Reported per batch: intakes that reached the summary or the right emergency
stop, re-asks per intake, the longest streak of one question, emergencies
caught, false emergency stops, under-triage, and acceptance per question (the
share of first answers the form took). With ``--sentences`` each complaint
sentence is also sent at the complaint question (was it taken as the
complaint?) and every sentence is screened by the danger screen (recall, false
emergencies, cardio-respiratory complaints left ``routine``).

Every request has a timeout and every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from actions.clinical.contract import level_rank
from actions.intake.flow import CHECKLIST_PENDING
from bot.bench.load import BENCH_DIR, bench_stack
from bot.bench.scripts import (
    OPENING,
    URGENCY_SLOT,
    PatientScript,
    QuestionStreak,
    ScriptedPatient,
    ScriptError,
    Sentence,
    load_patients,
    load_sentences,
)
from bot.paths import CONFIG, REPO_ROOT
from bot.stack import Stack

__all__ = ["Played", "conversation_state", "main", "play", "score_batch"]

BLIND_DIR = REPO_ROOT / "tests" / "conversations"
REQUEST_TIMEOUT_S = 60.0
#: A patient gets at most this many messages: far more than an intake needs.
MAX_TURNS = 60
#: The flag a plain "yes" to the safety checklist raises.
CHECKLIST_FLAG = str(CHECKLIST_PENDING["flag"])
#: Patients played at once (bounded so Rasa is not the thing being measured).
CONCURRENCY = 4
#: The fixed answers used to reach the complaint question for single sentences.
TO_COMPLAINT = ("hi", "yes", "Sam Taylor", "40", "sam.taylor@example.com")
#: Cardio-respiratory words: such complaints must never end up ``routine``.
CARDIO_RESPIRATORY = ("chest", "heart", "breath", "breathe", "breathing", "palpitat", "wheez")


@dataclass
class Played:
    """What happened when one script was played."""

    script_id: str
    expect: str
    min_triage: str
    outcome: str = "stuck"  # complete | emergency_stop | declined | stuck | error
    triage_level: str = "routine"
    turns: int = 0
    #: The question open after each patient message ("" = none).
    asked: list[str] = field(default_factory=list)
    #: Runs of one question asked with nothing learnt between (see ``QuestionStreak``).
    streak: QuestionStreak = field(default_factory=QuestionStreak)
    #: Per question: was the first answer taken (the question moved on)?
    first_answer_taken: dict[str, bool] = field(default_factory=dict)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    #: The red flag ids raised when the intake ended.
    flags: list[str] = field(default_factory=list)

    @property
    def stopped_by_checklist(self) -> bool:
        """An emergency stop that only the safety checklist's plain "yes" raised."""
        return self.outcome == "emergency_stop" and self.flags == [CHECKLIST_FLAG]

    @property
    def longest_streak(self) -> int:
        """How many times in a row one question was asked at most, with nothing learnt between."""
        return self.streak.longest

    @property
    def reasks(self) -> int:
        """Questions asked again straight after they were asked."""
        return sum(1 for a, b in zip(self.asked, self.asked[1:], strict=False) if a and a == b)


async def _tracker(client: httpx.AsyncClient, stack: Stack, conversation_id: str) -> dict[str, Any]:
    response = await client.get(
        f"{stack.rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": stack.rasa_token},
    )
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def conversation_state(tracker: dict[str, Any]) -> tuple[str, str]:
    """(the open question or "", how the intake ended or "").

    Asked only after the patient has said something: a conversation with no
    patient message left was forgotten, which happens only after consent was declined.
    """
    events = tracker.get("events") or []
    if not any(e.get("event") == "user" for e in events):
        return "", "declined"
    slots = tracker.get("slots") or {}
    loop = (tracker.get("active_loop") or {}).get("name")
    status = slots.get("intake_status")
    if status == "emergency" or (slots.get("triage_level") == "emergency" and not loop):
        return "", "emergency_stop"
    if status == "complete":
        return "", "complete"
    declined = slots.get("consent") is False or any(
        e.get("event") == "slot" and e.get("name") == "consent" and e.get("value") is False
        for e in events
    )
    if declined and not loop:
        return "", "declined"
    return (str(slots.get("requested_slot") or "") if loop else ""), ""


async def _send(
    client: httpx.AsyncClient, url: str, token: str, text: str
) -> tuple[int, list[dict[str, Any]]]:
    body = {"text": text, "client_message_id": uuid.uuid4().hex}
    try:
        response = await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
        payload = response.json()
    except (httpx.HTTPError, ValueError):
        return 0, []
    replies = payload.get("replies", []) if isinstance(payload, dict) else []
    return response.status_code, [r for r in replies if isinstance(r, dict)]


async def _session(client: httpx.AsyncClient) -> tuple[str, str]:
    created = await client.post("/chat/sessions")
    created.raise_for_status()
    session = created.json()
    return str(session["conversation_id"]), str(session["token"])


async def play(
    client: httpx.AsyncClient, stack: Stack, script: PatientScript, *, words_only: bool = False
) -> Played:
    """Play one patient script to its end (or ``MAX_TURNS``).

    ``words_only``: the patient answers "none of these" to the safety checklist, so
    only what their words give away can stop the intake (the danger screen alone).
    """
    played = Played(script.id, script.expect, script.min_triage)
    try:
        conversation_id, token = await _session(client)
    except (httpx.HTTPError, KeyError, ValueError) as error:
        played.outcome, played.error = "error", f"session: {error}"
        return played
    url = f"/chat/sessions/{conversation_id}/messages"
    patient = ScriptedPatient(script)
    message = OPENING
    for _ in range(MAX_TURNS):
        status, replies = await _send(client, url, token, message)
        played.turns += 1
        played.transcript.append(("patient", message))
        played.transcript.extend(("bot", str(r.get("text") or "")) for r in replies)
        if status != 200:
            played.outcome, played.error = "error", f"HTTP {status} after {message!r}"
            return played
        tracker = await _tracker(client, stack, conversation_id)
        slots = tracker.get("slots") or {}
        played.triage_level = str(slots.get("triage_level") or "routine")
        slot, ended = conversation_state(tracker)
        played.asked.append(slot)
        played.streak.update(slot, slots)
        answered = patient.answering
        if answered and answered not in played.first_answer_taken:
            played.first_answer_taken[answered] = slot != answered
        if ended:
            played.flags = [str(f.get("id")) for f in slots.get("red_flags") or []]
            played.outcome = ended
            return played
        message = patient.next_message(slot, turns=played.turns)
        pending = slots.get("urgency_pending") or {}
        if words_only and slot == URGENCY_SLOT and pending.get("question") == "checklist":
            message = "none of these"
    played.error = f"no ending after {MAX_TURNS} messages"
    return played


async def _bounded(tasks: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(task: Any) -> Any:
        async with gate:
            return await task

    return list(await asyncio.gather(*(one(t) for t in tasks)))


@dataclass
class BatchScore:
    """The figures of one batch."""

    batch: str
    patients: int
    finished: int  # reached the summary, an emergency stop or a polite decline
    right_ending: int  # the ending the writer expected
    stuck_or_error: int
    emergencies_expected: int
    emergencies_caught: int
    #: Of those, stopped only by "yes" to the safety checklist (the words were not enough).
    caught_by_checklist: int
    false_emergencies: int  # an emergency stop the writer did not expect
    under_triaged: int  # completed intakes less urgent than the writer's minimum
    reasks_per_intake: float
    longest_streak: int
    streaks_of_three: int  # conversations that asked one question 3+ times in a row
    acceptance: dict[str, float]
    failures: list[dict[str, Any]]


def score_batch(name: str, played: list[Played]) -> BatchScore:
    """Score the played conversations of one batch."""
    expected_emergency = [p for p in played if p.expect == "emergency_stop"]
    taken: dict[str, list[bool]] = defaultdict(list)
    for p in played:
        for slot, ok in p.first_answer_taken.items():
            taken[slot].append(ok)
    failures = [
        {
            "id": p.script_id,
            "expect": p.expect,
            "outcome": p.outcome,
            "triage": p.triage_level,
            "min_triage": p.min_triage,
            "longest_streak": p.longest_streak,
            "error": p.error,
            "transcript": p.transcript[-12:],
        }
        for p in played
        if p.outcome != p.expect
        or p.longest_streak >= 3
        or (p.outcome == "complete" and level_rank(p.triage_level) > level_rank(p.min_triage))
    ]
    return BatchScore(
        batch=name,
        patients=len(played),
        finished=sum(p.outcome in ("complete", "emergency_stop", "declined") for p in played),
        right_ending=sum(p.outcome == p.expect for p in played),
        stuck_or_error=sum(p.outcome in ("stuck", "error") for p in played),
        emergencies_expected=len(expected_emergency),
        emergencies_caught=sum(p.outcome == "emergency_stop" for p in expected_emergency),
        caught_by_checklist=sum(p.stopped_by_checklist for p in expected_emergency),
        false_emergencies=sum(
            p.outcome == "emergency_stop" and p.expect != "emergency_stop" for p in played
        ),
        under_triaged=sum(
            p.outcome == "complete" and level_rank(p.triage_level) > level_rank(p.min_triage)
            for p in played
        ),
        reasks_per_intake=round(sum(p.reasks for p in played) / max(1, len(played)), 2),
        longest_streak=max((p.longest_streak for p in played), default=0),
        streaks_of_three=sum(p.longest_streak >= 3 for p in played),
        acceptance={
            slot: round(sum(oks) / len(oks), 3) for slot, oks in sorted(taken.items()) if oks
        },
        failures=failures,
    )


async def _complaint_taken(
    client: httpx.AsyncClient, stack: Stack, sentence: Sentence
) -> tuple[bool, str]:
    """Send ``sentence`` at the complaint question: (taken as the complaint?, ending)."""
    conversation_id, token = await _session(client)
    url = f"/chat/sessions/{conversation_id}/messages"
    for message in TO_COMPLAINT:
        await _send(client, url, token, message)
    tracker = await _tracker(client, stack, conversation_id)
    if (tracker.get("slots") or {}).get("requested_slot") != "chief_complaint":
        return False, "setup did not reach the complaint question"
    await _send(client, url, token, sentence.text)
    tracker = await _tracker(client, stack, conversation_id)
    slots = tracker.get("slots") or {}
    slot, ended = conversation_state(tracker)
    urgent = ended == "emergency_stop" or slot == URGENCY_SLOT
    return bool(slots.get("chief_complaint")) or urgent, ended or slot


def screen_sentence(sentence: Sentence) -> tuple[str, bool]:
    """(the triage level the intake ends with for this answer alone, was the urgency asked?).

    When the screen is unsure it asks "is this happening right now?": the
    simulated patient answers from the label (yes for an emergency, else no),
    so the level is what the form would record.
    """
    from actions import clinical

    if not hasattr(clinical, "screen"):  # before the clarifying question existed
        return str(clinical.assess({sentence.field: sentence.text})["triage"]["level"]), False
    result = clinical.screen(sentence.text)
    level = str(result["triage_level"])
    if not result["ask_if_now"]:
        return level, False
    if sentence.min_triage == "emergency":
        return "emergency", True
    # "No": the first question's review flag, if the sign has one, is raised.
    otherwise = result["ask_if_now"][0]["otherwise"]
    if not otherwise:
        return level, True
    return clinical.most_urgent([level, clinical.red_flag(otherwise, "")["level"]]), True


@dataclass
class SentenceScore:
    """The figures of the single-sentence set."""

    sentences: int
    complaints: int
    complaints_taken: int
    emergencies: int
    emergencies_caught: int
    false_emergencies: int
    non_emergencies: int
    under_triaged: int
    cardio_respiratory: int
    cardio_respiratory_routine: int
    urgency_asked: int  # the screen was unsure and asked "is this happening right now?"
    #: The cost of asking: answers without an emergency that still got the question.
    urgency_asked_non_emergency: int
    misses: list[dict[str, str]]


def score_sentences(
    sentences: list[Sentence],
    levels: list[str],
    taken: dict[int, tuple[bool, str]],
    asked: list[bool] | None = None,
) -> SentenceScore:
    """Score the danger screen's ``levels`` (and complaint taking) against the labels."""
    misses: list[dict[str, str]] = []
    for index, (sentence, level) in enumerate(zip(sentences, levels, strict=True)):
        took = taken.get(index)
        if level_rank(level) > level_rank(sentence.min_triage) or (took and not took[0]):
            misses.append(
                {
                    "text": sentence.text,
                    "field": sentence.field,
                    "label": sentence.min_triage,
                    "screen": level,
                    "at_complaint": took[1] if took else "",
                }
            )
        elif level == "emergency" and sentence.min_triage != "emergency":
            misses.append(
                {
                    "text": sentence.text,
                    "field": sentence.field,
                    "label": sentence.min_triage,
                    "screen": level,
                    "at_complaint": "false emergency",
                }
            )
    emergencies = [i for i, s in enumerate(sentences) if s.min_triage == "emergency"]
    others = [i for i, s in enumerate(sentences) if s.min_triage != "emergency"]
    cardio = [
        i
        for i, s in enumerate(sentences)
        if s.field == "chief_complaint"
        and any(w in s.text.lower() for w in CARDIO_RESPIRATORY)
        and s.min_triage != "routine"
    ]
    return SentenceScore(
        sentences=len(sentences),
        complaints=len(taken),
        complaints_taken=sum(1 for ok, _ in taken.values() if ok),
        emergencies=len(emergencies),
        emergencies_caught=sum(levels[i] == "emergency" for i in emergencies),
        false_emergencies=sum(levels[i] == "emergency" for i in others),
        non_emergencies=len(others),
        under_triaged=sum(
            level_rank(levels[i]) > level_rank(sentences[i].min_triage) for i in range(len(levels))
        ),
        cardio_respiratory=len(cardio),
        cardio_respiratory_routine=sum(levels[i] == "routine" for i in cardio),
        urgency_asked=sum(asked or []),
        urgency_asked_non_emergency=sum(
            1 for i, a in enumerate(asked or []) if a and sentences[i].min_triage != "emergency"
        ),
        misses=misses,
    )


async def run_batches(
    stack: Stack, batches: list[Path], sentence_files: list[Path], *, words_only: bool = False
) -> tuple[list[BatchScore], SentenceScore | None]:
    """Play every batch (and the sentences) against a running stack."""
    limits = httpx.Limits(max_connections=2 * CONCURRENCY + 4)
    scores: list[BatchScore] = []
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, timeout=REQUEST_TIMEOUT_S, limits=limits, trust_env=False
    ) as client:
        for path in batches:
            scripts = load_patients(path)
            print(f"batch {path.name}: {len(scripts)} patients ...", file=sys.stderr, flush=True)
            played = await _bounded(
                [play(client, stack, s, words_only=words_only) for s in scripts]
            )
            scores.append(score_batch(path.stem, played))
        if not sentence_files:
            return scores, None
        sentences = [s for path in sentence_files for s in load_sentences(path)]
        print(f"sentences: {len(sentences)} ...", file=sys.stderr, flush=True)
        complaint_indexes = [i for i, s in enumerate(sentences) if s.field == "chief_complaint"]
        results = await _bounded(
            [_complaint_taken(client, stack, sentences[i]) for i in complaint_indexes]
        )
        taken = dict(zip(complaint_indexes, results, strict=True))
    screened = [screen_sentence(s) for s in sentences]
    levels = [level for level, _ in screened]
    return scores, score_sentences(sentences, levels, taken, [a for _, a in screened])


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.3f}" if whole else "-"


def render(scores: list[BatchScore], sentences: SentenceScore | None) -> str:
    """Markdown tables of the results."""
    lines = [
        "| batch | patients | finished | right ending | emergencies caught | of which by the "
        "checklist | false emergencies | under-triaged | re-asks / intake | longest streak "
        "| 3 in a row |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.batch} | {s.patients} | {_ratio(s.finished, s.patients)} | "
            f"{_ratio(s.right_ending, s.patients)} | "
            f"{_ratio(s.emergencies_caught, s.emergencies_expected)} | "
            f"{s.caught_by_checklist} | "
            f"{_ratio(s.false_emergencies, s.patients - s.emergencies_expected)} | "
            f"{s.under_triaged} | {s.reasks_per_intake} | {s.longest_streak} | "
            f"{s.streaks_of_three} |"
        )
    accepted: dict[str, list[float]] = defaultdict(list)
    for s in scores:
        for slot, share in s.acceptance.items():
            accepted[slot].append(share)
    lines += ["", "First answers taken, per question (mean over batches):", ""]
    lines += [f"- {slot}: {sum(v) / len(v):.3f}" for slot, v in accepted.items()]
    if sentences:
        t = sentences
        lines += [
            "",
            f"Single sentences: {t.sentences}",
            f"- complaint answers taken at the complaint question: "
            f"{_ratio(t.complaints_taken, t.complaints)}",
            f"- emergency recall (danger screen): {_ratio(t.emergencies_caught, t.emergencies)}",
            f"- false emergencies: {_ratio(t.false_emergencies, t.non_emergencies)}",
            f"- under-triaged (less urgent than the label): {_ratio(t.under_triaged, t.sentences)}",
            f"- cardio-respiratory complaints left routine: "
            f"{_ratio(t.cardio_respiratory_routine, t.cardio_respiratory)}",
            f'- answers where the screen asked "is this happening right now?" (or the safety '
            f"question): {t.urgency_asked}, of which without an emergency: "
            f"{_ratio(t.urgency_asked_non_emergency, t.non_emergencies)}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    from bot.train import ensure_model

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--batch",
        type=Path,
        action="append",
        help=f"a patient-script file (repeatable; default: every batch_*.yml in {BLIND_DIR})",
    )
    parser.add_argument(
        "--sentences",
        type=Path,
        action="append",
        help=f"a single-sentence file (repeatable; default: every sentences*.yml in {BLIND_DIR}"
        " when no --batch is given)",
    )
    parser.add_argument("--config", type=Path, default=CONFIG, help="Rasa config to train/use")
    parser.add_argument("--json", type=Path, help="also write the results (with failures) here")
    parser.add_argument(
        "--words-only",
        action="store_true",
        help='patients answer "none of these" to the safety checklist: the danger screen alone',
    )
    args = parser.parse_args(argv)
    # --sentences alone scores only the sentences (a new set, first seen).
    batches = args.batch or ([] if args.sentences else sorted(BLIND_DIR.glob("batch_*.yml")))
    sentences: list[Path] = args.sentences or (
        [] if args.batch else sorted(BLIND_DIR.glob("sentences*.yml"))
    )
    if not batches and not sentences:
        parser.error("no patient scripts or sentences to play")
    try:  # every file is checked before anything starts
        for path in batches:
            load_patients(path)
        for path in sentences:
            load_sentences(path)
    except ScriptError as error:
        parser.error(str(error))

    model, _ = ensure_model(args.config)
    db = BENCH_DIR / "conversation.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    stack = bench_stack(
        model, log_dir=BENCH_DIR / "conversation-logs", database_url=f"sqlite:///{db}"
    )
    started = time.perf_counter()
    stack.start()
    try:
        scores, sentence_score = asyncio.run(
            run_batches(stack, batches, sentences, words_only=args.words_only)
        )
    finally:
        stack.stop()
    print(render(scores, sentence_score))
    print(f"\nmodel: {model.name}; {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.json:
        report = {
            "batches": [asdict(s) for s in scores],
            "sentences": asdict(sentence_score) if sentence_score else None,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
