"""The conversation benchmark's pure parts: script loading, the simulated patient, scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.conversation import Played, conversation_state, score_batch, score_sentences
from bot.bench.scripts import (
    PatientScript,
    QuestionStreak,
    ScriptedPatient,
    ScriptError,
    Sentence,
    load_patients,
    load_sentences,
)
from bot.paths import REPO_ROOT

BLIND = REPO_ROOT / "tests" / "conversations"


def script(**overrides: object) -> PatientScript:
    values: dict[str, object] = {
        "id": "t-01",
        "expect": "complete",
        "min_triage": "routine",
        "answers": {"patient_name": "Sam Taylor", "age": "40"},
    }
    values.update(overrides)
    return PatientScript(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", sorted(BLIND.glob("batch_*.yml")), ids=lambda p: p.name)
def test_every_blind_batch_loads_with_at_least_40_patients(path: Path) -> None:
    assert len(load_patients(path)) >= 40


def test_the_blind_sentences_load() -> None:
    total = sum(len(load_sentences(p)) for p in sorted(BLIND.glob("sentences*.yml")))
    assert total >= 300


def test_a_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "batch_x.yml"
    bad.write_text("patients:\n  - answers: {}\n    expect: maybe\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="expect 'maybe'"):
        load_patients(bad)
    bad.write_text("sentences: 3\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="sentences"):
        load_sentences(bad)


def test_the_simulated_patient_asks_its_aside_first_then_answers_then_rephrases() -> None:
    patient = ScriptedPatient(
        script(asides={"age": "how long is a session?"}, retry={"age": "forty"})
    )
    assert patient.next_message("", turns=0) == "hi"
    assert patient.next_message("age", turns=1) == "how long is a session?"
    assert patient.answering == ""
    assert patient.next_message("age", turns=2) == "40"
    assert patient.answering == "age"
    assert patient.next_message("age", turns=3) == "forty"


def test_the_urgency_question_is_answered_from_the_script() -> None:
    assert (
        ScriptedPatient(script(happening_now=True)).next_message("urgency_check", turns=5) == "yes"
    )
    said = ScriptedPatient(script(happening_now=False)).next_message("urgency_check", turns=5)
    assert said.startswith("no")


def test_a_streak_counts_only_repeats_with_nothing_learnt() -> None:
    streak = QuestionStreak()
    assert streak.update("age", {"age": None, "requested_slot": "age"}) == 1
    assert streak.update("age", {"age": None, "ask_streak": {"count": 2}}) == 2
    assert streak.update("age", {"age": None, "misunderstandings": 3}) == 3
    assert streak.update("age", {"age": None, "red_flags": [{"id": "x"}]}) == 1
    assert streak.update("contact", {"age": 40}) == 1
    assert streak.longest == 3


def test_conversation_state_reads_endings() -> None:
    said = [{"event": "user", "text": "hi"}]
    running = {
        "active_loop": {"name": "intake_form"},
        "slots": {"requested_slot": "age"},
        "events": said,
    }
    assert conversation_state(running) == ("age", "")
    done = {"slots": {"intake_status": "complete"}, "events": said}
    assert conversation_state(done) == ("", "complete")
    stopped = {"slots": {"intake_status": "emergency"}, "events": said}
    assert conversation_state(stopped) == ("", "emergency_stop")
    declined = {
        "slots": {},
        "events": [*said, {"event": "slot", "name": "consent", "value": False}],
    }
    assert conversation_state(declined) == ("", "declined")
    # Declining deletes the conversation: nothing the patient said is left.
    assert conversation_state({"slots": {}, "events": []}) == ("", "declined")


def test_score_batch_counts_endings_streaks_and_under_triage() -> None:
    good = Played("a", "complete", "routine", outcome="complete", asked=["age", "contact", ""])
    caught = Played("b", "emergency_stop", "emergency", outcome="emergency_stop")
    missed = Played("c", "emergency_stop", "emergency", outcome="complete", triage_level="routine")
    looped = Played("d", "complete", "caution", outcome="stuck", asked=["age"] * 3)
    for _ in range(3):
        looped.streak.update("age", {})
    score = score_batch("t", [good, caught, missed, looped])
    assert (score.finished, score.right_ending, score.stuck_or_error) == (3, 2, 1)
    assert (score.emergencies_expected, score.emergencies_caught) == (2, 1)
    assert score.under_triaged == 1
    assert (score.longest_streak, score.streaks_of_three) == (3, 1)
    assert {f["id"] for f in score.failures} == {"c", "d"}


def test_score_sentences() -> None:
    sentences = [
        Sentence("crushing chest", "chief_complaint", "emergency"),
        Sentence("sore back", "chief_complaint", "routine"),
        Sentence("chest tight on stairs", "chief_complaint", "physician_clearance"),
    ]
    score = score_sentences(
        sentences,
        ["emergency", "emergency", "routine"],
        {0: (True, ""), 1: (False, "chief_complaint"), 2: (True, "")},
        [False, False, True],
    )
    assert (score.emergencies, score.emergencies_caught, score.false_emergencies) == (1, 1, 1)
    assert (score.complaints, score.complaints_taken) == (3, 2)
    assert (score.cardio_respiratory, score.cardio_respiratory_routine) == (2, 1)
    assert (score.urgency_asked, score.urgency_asked_non_emergency) == (1, 1)


def test_emergencies_stopped_only_by_the_checklist_are_counted_apart() -> None:
    words = Played(
        "a", "emergency_stop", "emergency", outcome="emergency_stop", flags=["chest_pain"]
    )
    checklist = Played(
        "b", "emergency_stop", "emergency", outcome="emergency_stop", flags=["reported_emergency"]
    )
    score = score_batch("x", [words, checklist])
    assert (score.emergencies_caught, score.caught_by_checklist) == (2, 1)
