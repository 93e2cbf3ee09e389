"""Every blind patient script, played through real Rasa and the real action server.

The scripts in ``tests/conversations/`` were written by people who had not seen
the NLU data, lexicon or parsers (``tests/conversations/FORMAT.md``). Played here
they check two properties of the form, not accuracy (``make bench-conversation``
measures that): every patient reaches an ending (the summary, an emergency stop
or a polite decline), and no question is ever asked three times in a row (the
``Patient`` helper asserts that after every message).
"""

from __future__ import annotations

import pytest

from bot.bench.conversation import MAX_TURNS, conversation_state
from bot.bench.scripts import OPENING, PatientScript, ScriptedPatient, load_patients
from bot.paths import REPO_ROOT
from bot.stack import Stack
from tests.e2e.conftest import Patient

BLIND = REPO_ROOT / "tests" / "conversations"
SCRIPTS = [script for path in sorted(BLIND.glob("batch_*.yml")) for script in load_patients(path)]


def test_the_regression_set_holds_every_blind_batch() -> None:
    assert len(SCRIPTS) >= 135
    assert len({s.id for s in SCRIPTS}) == len(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.id)
def test_a_blind_patient_reaches_an_ending_without_a_dead_end(
    bot_stack: Stack, script: PatientScript
) -> None:
    patient = Patient(bot_stack)
    player = ScriptedPatient(script)
    message, ended = OPENING, ""
    for turn in range(1, MAX_TURNS + 1):
        patient.say(message)  # asserts: no question three times in a row
        slot, ended = conversation_state(patient.tracker())
        if ended:
            break
        message = player.next_message(slot, turns=turn)
    assert ended in {"complete", "emergency_stop", "declined"}, patient.history()
