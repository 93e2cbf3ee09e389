"""A finished intake lands in the database (SQLite and PostgreSQL) with its transcript.

Each backend gets its own real stack (action server + Rasa) whose DATABASE_URL
points at a scratch database, so Rasa's tracker store and the intakes share it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.stack import Stack
from bot.store import get_intake, load_transcript, make_engine, session_scope
from tests.conftest import require_service
from tests.e2e.conftest import Patient, free_port
from tests.e2e.test_conversation import ANSWERS, answer_all, asks, start

pytestmark = pytest.mark.slow

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_database() -> Iterator[str]:
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        admin.dispose()
        require_service(False, "PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"intake_e2e_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def stored_stack(
    request: pytest.FixtureRequest, trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, str]]:
    """A stack writing to a scratch SQLite file or PostgreSQL database."""
    folder = tmp_path_factory.mktemp(f"store-{request.param}")
    databases = (
        iter([f"sqlite:///{folder / 'intake.db'}"])
        if request.param == "sqlite"
        else _postgres_database()
    )
    url = next(databases)
    stack = Stack(
        model=trained_model,
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=folder / "logs",
        extra_env={"DATABASE_URL": url},
    )
    stack.start()
    try:
        yield stack, url
    finally:
        stack.stop()
        for _ in databases:  # runs the PostgreSQL clean-up
            pass


def complete_intake(patient: Patient) -> None:
    start(patient)
    answer_all(patient, ANSWERS)
    patient.says("self-pay")


def test_completed_intake_is_stored_with_its_transcript(stored_stack: tuple[Stack, str]) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    complete_intake(patient)
    goodbye = patient.says("yes")
    assert "reference number is MM-" in goodbye, patient.history()

    engine = make_engine(url)
    with session_scope(engine) as session:
        intake = get_intake(session, conversation_id=patient.sender)
        assert intake is not None
        summary = intake.summary
        assert summary["schema_version"] == "1"
        assert summary["patient"] == {
            "name": "Maria Lopez",
            "age": 42,
            "contact": "maria.lopez@example.com",
        }
        assert summary["complaint"]["pain_level"] == 6
        assert summary["complaint"]["duration_days"] == 21
        assert summary["reference"] == intake.reference and intake.reference in goodbye
        assert intake.partial is False
        transcript = load_transcript(session, patient.sender)
    engine.dispose()
    said = [t["text"] for t in transcript if t["sender"] == "patient"]
    assert "Maria Lopez" in said and "maria.lopez@example.com" in said
    assert any(asks("age") == t["text"] for t in transcript if t["sender"] == "bot")


def test_a_replayed_confirmation_stores_one_intake(stored_stack: tuple[Stack, str]) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    complete_intake(patient)
    patient.says("yes")
    patient.says("yes")  # replay after completion: answered, not stored again
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM intakes WHERE conversation_id = :c"), {"c": patient.sender}
        ).scalar_one()
    engine.dispose()
    assert count == 1


def test_database_failure_at_submit_is_told_and_retried(stored_stack: tuple[Stack, str]) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    complete_intake(patient)
    engine = make_engine(url)
    with engine.begin() as connection:  # the intakes table disappears: inserts fail
        connection.execute(text("ALTER TABLE intakes RENAME TO intakes_away"))
    try:
        reply = patient.says("yes")
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE intakes_away RENAME TO intakes"))
    assert "couldn't save your answers" in reply, patient.history()
    with engine.connect() as connection:
        before = connection.execute(
            text("SELECT count(*) FROM intakes WHERE conversation_id = :c"), {"c": patient.sender}
        ).scalar_one()
    assert before == 0  # nothing half-written
    retry = patient.says("yes")
    assert "reference number is MM-" in retry, patient.history()
    with engine.connect() as connection:
        after = connection.execute(
            text("SELECT count(*) FROM intakes WHERE conversation_id = :c"), {"c": patient.sender}
        ).scalar_one()
    engine.dispose()
    assert after == 1


def test_emergency_stop_stores_a_partial_intake_for_staff(stored_stack: tuple[Stack, str]) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    start(patient)
    patient.says("Sam")
    reply = patient.says("my chest feels tight and I can't catch my breath")
    assert "get medical help now" in reply, patient.history()
    engine = make_engine(url)
    with session_scope(engine) as session:
        intake = get_intake(session, conversation_id=patient.sender)
        assert intake is not None
        assert intake.partial is True and intake.needs_staff is True
        assert intake.triage_level == "emergency"
    engine.dispose()
