"""A finished intake lands in the database (SQLite and PostgreSQL) with its transcript.

Each backend gets its own real stack (action server + Rasa) whose DATABASE_URL
points at a scratch database, so Rasa's tracker store and the intakes share it.
The PostgreSQL stack has the production shape: two Rasa workers sharing the
Redis lock store, so every test on it also crosses workers.
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.stack import Stack
from bot.store import get_intake, load_transcript, make_engine, session_scope
from tests.conftest import require_redis, require_service
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
    workers: dict[str, str] = {"RASA_WORKERS": "1"}
    if request.param == "postgresql":
        workers = {"REDIS_URL": require_redis(), "RASA_WORKERS": "2"}
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
        extra_env={"DATABASE_URL": url, **workers},
    )
    try:
        stack.start()
        yield stack, url
    finally:
        stack.stop()
        for _ in databases:  # runs the PostgreSQL clean-up, also when the start failed
            pass


def intake_count(url: str, conversation_id: str) -> int:
    """How many intakes the database holds for one conversation."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT count(*) FROM intakes WHERE conversation_id = :c"),
                    {"c": conversation_id},
                ).scalar_one()
            )
    finally:
        engine.dispose()


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
    assert intake_count(url, patient.sender) == 1


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
    engine.dispose()
    assert "couldn't save your answers" in reply, patient.history()
    assert intake_count(url, patient.sender) == 0  # nothing half-written
    retry = patient.says("yes")
    assert "reference number is MM-" in retry, patient.history()
    assert intake_count(url, patient.sender) == 1


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


def test_start_over_after_a_completed_intake_keeps_what_was_sent(
    stored_stack: tuple[Stack, str],
) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    complete_intake(patient)
    goodbye = patient.says("yes")
    reference = goodbye.split("reference number is ", 1)[1].rstrip(".")
    replies = patient.say("start over")
    said = "\n".join(str(r.get("text")) for r in replies)
    assert f"already with the clinic (reference {reference})" in said, patient.history()
    buttons = [b for r in replies for b in r.get("buttons") or []]
    assert {"title": "Start a new chat", "payload": "#new-chat"} in buttons
    assert patient.slot("patient_name") == "Maria Lopez"  # nothing was reset
    assert patient.slot("intake_status") == "complete"
    assert intake_count(url, patient.sender) == 1


def test_an_emergency_stop_then_a_completed_intake_keeps_the_danger_sign(
    stored_stack: tuple[Stack, str],
) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    start(patient)
    patient.says("Sam")
    assert "get medical help now" in patient.says(
        "my chest feels tight and I can't catch my breath"
    )
    assert asks("consent") in patient.says("start over"), patient.history()
    assert asks("patient_name") in patient.says("yes"), patient.history()
    answer_all(patient, ANSWERS)  # this time without a word about the chest
    patient.says("self-pay")
    assert "reference number is MM-" in patient.says("yes"), patient.history()

    engine = make_engine(url)
    with session_scope(engine) as session:
        intake = get_intake(session, conversation_id=patient.sender)
        assert intake is not None and intake.partial is False
        assert intake.needs_staff is True and intake.triage_level == "emergency"
        flags = {f["id"] for f in intake.summary["triage"]["red_flags"]}
        assert "chest_pain" in flags
        assert intake.summary["patient"]["name"] == "Maria Lopez"
    engine.dispose()


def _restart_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
    )


def _say_until_answered(patient: Patient, text: str, attempts: int = 5) -> str:
    """Send ``text`` until the bot answers (a client retrying after an outage)."""
    for _ in range(attempts):
        reply = patient.says(text)
        if reply.strip():
            return reply
        time.sleep(2)
    return ""


@pytest.mark.postgres
@pytest.mark.parametrize("stored_stack", ["postgresql"], indirect=True)
def test_a_database_restart_mid_conversation_loses_no_turns(
    stored_stack: tuple[Stack, str],
) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    start(patient)
    patient.says("Maria Lopez")
    _restart_postgres()
    reply = _say_until_answered(patient, "42")
    assert asks("contact") in reply, patient.history()
    assert patient.slot("patient_name") == "Maria Lopez" and patient.slot("age") == 42
    engine = make_engine(url)
    with session_scope(engine) as session:
        said = [
            t["text"] for t in load_transcript(session, patient.sender) if t["sender"] == "patient"
        ]
    engine.dispose()
    assert said[:3] == ["hi", "yes", "Maria Lopez"] and "42" in said


def _rasa_workers(stack: Stack) -> int:
    """How many worker processes the Rasa server forked (its child processes)."""
    rasa = next(s for s in stack.services if s.name == "rasa")
    assert rasa.process is not None
    children = Path(f"/proc/{rasa.process.pid}/task/{rasa.process.pid}/children")
    return len(children.read_text().split())


@pytest.mark.postgres
@pytest.mark.parametrize("stored_stack", ["postgresql"], indirect=True)
def test_two_rasa_workers_answer_patients_at_once(stored_stack: tuple[Stack, str]) -> None:
    stack, url = stored_stack
    assert _rasa_workers(stack) >= 2
    patients = [Patient(stack) for _ in range(6)]
    with ThreadPoolExecutor(max_workers=len(patients)) as pool:
        list(pool.map(complete_intake, patients))
        goodbyes = list(pool.map(lambda p: p.says("yes"), patients))
    for patient, goodbye in zip(patients, goodbyes, strict=True):
        assert "reference number is MM-" in goodbye, patient.history()
        assert intake_count(url, patient.sender) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("stored_stack", ["postgresql"], indirect=True)
def test_messages_of_one_conversation_sent_at_once_are_all_kept(
    stored_stack: tuple[Stack, str],
) -> None:
    """The Redis lock makes two workers take turns on one conversation.

    Without it both would load the same tracker and the second save would drop
    the first message's events (Rasa stores "events after the stored count").
    """
    stack, _ = stored_stack
    patient = Patient(stack)
    start(patient)
    sent = ["Maria Lopez", "why do you need this?", "what are your opening hours?", "42"]
    barrier = threading.Barrier(len(sent))

    def say_together(text: str) -> str:
        barrier.wait(timeout=30)
        return patient.says(text)

    with ThreadPoolExecutor(max_workers=len(sent)) as pool:
        replies = list(pool.map(say_together, sent))
    assert all(reply.strip() for reply in replies), patient.history()
    said = [e["text"] for e in patient.tracker()["events"] if e["event"] == "user"]
    assert said[:2] == ["hi", "yes"]
    assert sorted(said[2:]) == sorted(sent), said


def _rows(url: str, sql: str, conversation_id: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql), {"c": conversation_id}).scalar_one())
    finally:
        engine.dispose()


def test_declined_consent_deletes_the_conversation_at_once(stored_stack: tuple[Stack, str]) -> None:
    stack, url = stored_stack
    patient = Patient(stack)
    patient.says("hi, I'm Tobias Wexford-Lane, 58, my lower back is killing me")
    events = "SELECT count(*) FROM events WHERE sender_id = :c"
    assert _rows(url, events, patient.sender) > 0  # kept while the patient decides
    reply = patient.says("no")
    assert "haven't kept" in reply, patient.history()
    assert _rows(url, events, patient.sender) == 0
    typed = "SELECT count(*) FROM events WHERE sender_id = :c OR data LIKE '%Wexford%'"
    assert _rows(url, typed, patient.sender) == 0
    assert intake_count(url, patient.sender) == 0
    # The conversation can start again from nothing, and again keeps nothing on "no".
    again = patient.says("hello")
    assert asks("consent") in again, patient.history()
    patient.says("no thanks")
    assert _rows(url, events, patient.sender) == 0
