"""The chat-reply repository on SQLite and PostgreSQL: claims under concurrency, takeover,
and finding a lost turn in Rasa's tracker store."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.store import make_engine, session_scope
from bot.store.chat_replies import (
    claim_message,
    finish_message,
    get_message,
    release_message,
    replies_from_tracker,
    take_over_message,
)
from bot.store.migrate import upgrade_database
from tests.conftest import require_service
from tests.store.factories import RASA_METADATA, add_event

PG_URL = os.environ.get("INTAKE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KEY = {"conversation_id": "web-conv", "client_message_id": "m-1"}


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    """A scratch PostgreSQL database for this module (fails under CI=true if unreachable)."""
    admin_url = make_url(PG_URL)
    admin = make_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"web_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        require_service(
            False, f"PostgreSQL unreachable at {admin_url.render_as_string()}: {exc.orig}"
        )
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database on each backend (PostgreSQL: a fresh schema per test)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'intake.db'}"
        upgrade_database(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    database_url = request.getfixturevalue("pg_database")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(database_url).set(query={"options": f"-csearch_path={schema}"})
    upgrade_database(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_claim_then_finish_then_replay(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert claim_message(session, **KEY).state == "claimed"
    with session_scope(engine) as session:
        assert claim_message(session, **KEY).state == "pending"
        finish_message(session, **KEY, replies=[{"text": "hello"}])
    with session_scope(engine) as session:
        again = claim_message(session, **KEY)
    assert (again.state, again.replies) == ("done", [{"text": "hello"}])


def test_release_allows_a_new_claim_but_never_deletes_done(engine: Engine) -> None:
    with session_scope(engine) as session:
        claim_message(session, **KEY)
        release_message(session, **KEY)
        assert get_message(session, **KEY) is None
        assert claim_message(session, **KEY).state == "claimed"
        finish_message(session, **KEY, replies=[{"text": "kept"}])
        release_message(session, **KEY)
        state = get_message(session, **KEY)
    assert state is not None and state.state == "done"


def test_concurrent_claims_have_exactly_one_winner(engine: Engine) -> None:
    results: list[str] = []
    barrier = threading.Barrier(6)

    def claim() -> None:
        barrier.wait(timeout=10)
        with session_scope(engine) as session:
            results.append(claim_message(session, **KEY).state)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["claimed"] + ["pending"] * 5


def test_only_one_request_takes_over_a_stale_message(engine: Engine) -> None:
    with session_scope(engine) as session:
        claimed = claim_message(session, **KEY)
    seen = claimed.created_at
    with session_scope(engine) as session:
        assert take_over_message(session, **KEY, seen_at=seen)
    with session_scope(engine) as session:
        assert not take_over_message(session, **KEY, seen_at=seen)  # the clock restarted
        state = get_message(session, **KEY)
    assert state is not None and state.created_at - seen < timedelta(minutes=1)
    assert state.created_at > seen


def test_a_turn_rasa_finished_is_found_in_the_tracker(engine: Engine) -> None:
    RASA_METADATA.create_all(engine)
    conversation = KEY["conversation_id"]
    add_event(engine, conversation, "user", 1.0, "hi", metadata={"client_message_id": "m-0"})
    add_event(engine, conversation, "bot", 1.1, "Hello!")
    add_event(engine, conversation, "action", 1.2, name="action_listen")
    add_event(engine, conversation, "user", 2.0, "yes", metadata={"client_message_id": "m-1"})
    add_event(engine, conversation, "action", 2.1, name="intake_form")
    add_event(
        engine,
        conversation,
        "bot",
        2.2,
        "What's your name?",
        data={"buttons": [{"title": "Skip", "payload": "/skip"}]},
    )
    add_event(engine, conversation, "action", 2.3, name="action_listen")
    add_event(engine, conversation, "user", 3.0, "half", metadata={"client_message_id": "m-2"})
    with session_scope(engine) as session:
        found = replies_from_tracker(session, **KEY)
        unfinished = replies_from_tracker(
            session, conversation_id=conversation, client_message_id="m-2"
        )
        unknown = replies_from_tracker(
            session, conversation_id=conversation, client_message_id="m-9"
        )
        other = replies_from_tracker(session, conversation_id="web-other", client_message_id="m-1")
    assert found == [
        {"text": "What's your name?", "buttons": [{"title": "Skip", "payload": "/skip"}]}
    ]
    assert unfinished is None and unknown is None and other is None


def test_ids_with_like_wildcards_match_exactly(engine: Engine) -> None:
    RASA_METADATA.create_all(engine)
    add_event(engine, "web-c", "user", 1.0, "a", metadata={"client_message_id": "a_b%c"})
    add_event(engine, "web-c", "bot", 1.1, "ok")
    add_event(engine, "web-c", "action", 1.2, name="action_listen")
    with session_scope(engine) as session:
        assert replies_from_tracker(session, conversation_id="web-c", client_message_id="a_b%c")
        assert (
            replies_from_tracker(session, conversation_id="web-c", client_message_id="aXbYc")
            is None
        )
