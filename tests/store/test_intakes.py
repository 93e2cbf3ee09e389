"""Referral summaries: idempotent saves, references under concurrency, listing, status."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot.store import intakes as intakes_module
from bot.store.engine import session_scope
from bot.store.errors import ValidationError
from bot.store.intakes import keep_earlier_danger_signs
from bot.store.models import AuditEvent, Intake, ReferenceCounter
from bot.store.repository import (
    format_reference,
    get_intake,
    list_intakes,
    save_referral,
    set_status,
)
from tests.store.factories import summary_for

REFERENCE = re.compile(r"MM-(\d{4})-(\d{6})")


def count_intakes(engine: Engine, conversation_id: str | None = None) -> int:
    stmt = select(func.count()).select_from(Intake)
    if conversation_id is not None:
        stmt = stmt.where(Intake.conversation_id == conversation_id)
    with session_scope(engine) as session:
        return int(session.execute(stmt).scalar_one())


def run_in_threads(workers: list[Callable[[], None]]) -> None:
    """Run the callables in parallel threads and re-raise the first failure."""
    errors: list[BaseException] = []

    def guard(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # reported to the test below
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guard(work)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    if errors:
        raise errors[0]


def test_save_referral_stores_the_summary_with_reference_and_created_at(engine: Engine) -> None:
    summary = summary_for("conv-1", triage="caution", condition="sciatica")
    with session_scope(engine) as session:
        intake = save_referral(session, summary=summary)

    year = datetime.now(timezone.utc).year
    assert intake.reference == f"MM-{year}-000001"
    assert intake.status == "new"
    assert intake.triage_level == "caution"
    assert intake.top_condition == "sciatica"
    assert not intake.partial
    assert not intake.needs_staff
    assert intake.created_at.tzinfo is not None
    assert "reference" not in summary  # the caller's dict is not modified

    with session_scope(engine) as session:
        stored = get_intake(session, conversation_id="conv-1")
        assert stored is not None
        assert stored.created_at == intake.created_at
        assert stored.created_at.utcoffset() is not None
        assert stored.summary["reference"] == intake.reference
        assert datetime.fromisoformat(stored.summary["created_at"]) == intake.created_at
        assert stored.summary["status"] == "new"
        assert stored.summary["patient"] == summary["patient"]
        assert stored.summary["complaint"] == summary["complaint"]
        assert get_intake(session, conversation_id="unknown") is None


def test_same_conversation_twice_gives_one_intake_and_the_same_reference(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = save_referral(session, summary=summary_for("conv-retry"))
    with session_scope(engine) as session:
        again = save_referral(session, summary=summary_for("conv-retry", name="Changed Name"))
    assert again.id == first.id
    assert again.reference == first.reference
    assert again.summary["patient"]["name"] == "Jane Roe"  # first write wins
    assert count_intakes(engine) == 1


def test_emergency_intake_is_partial_and_needs_staff(engine: Engine) -> None:
    with session_scope(engine) as session:
        intake = save_referral(
            session, summary=summary_for("conv-er", triage="emergency"), partial=True
        )
    assert intake.partial
    assert intake.needs_staff
    assert intake.summary["partial"] is True
    assert intake.summary["needs_staff"] is True


def test_a_complete_summary_replaces_a_partial_one_and_keeps_the_reference(
    engine: Engine,
) -> None:
    with session_scope(engine) as session:
        partial = save_referral(
            session, summary=summary_for("conv-p", complaint="neck"), partial=True, needs_staff=True
        )
    with session_scope(engine) as session:
        complete = save_referral(session, summary=summary_for("conv-p", complaint="neck and jaw"))
    assert complete.id == partial.id
    assert complete.reference == partial.reference
    assert not complete.partial
    assert complete.needs_staff  # a handoff request is not forgotten
    assert complete.summary["complaint"]["text"] == "neck and jaw"
    assert complete.summary["created_at"] == partial.summary["created_at"]
    with session_scope(engine) as session:
        stored = get_intake(session, conversation_id="conv-p")
        assert stored is not None
        assert stored.summary["complaint"]["text"] == "neck and jaw"
        assert stored.summary["reference"] == partial.reference
    # ...and a later partial submit does not undo the complete one.
    with session_scope(engine) as session:
        later = save_referral(session, summary=summary_for("conv-p"), partial=True)
    assert not later.partial
    assert count_intakes(engine) == 1


@pytest.mark.parametrize("bad", [{}, {"conversation_id": ""}, {"conversation_id": 7}])
def test_save_referral_needs_a_conversation_id(engine: Engine, bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="conversation_id"), session_scope(engine) as session:
        save_referral(session, summary=bad)


def race(engine: Engine, conversation_id: str) -> list[str]:
    """Two threads, two sessions, released together by a barrier; return both references."""
    barrier = threading.Barrier(2)
    references: list[str] = []

    def submit() -> None:
        barrier.wait()
        with session_scope(engine) as session:
            intake = save_referral(session, summary=summary_for(conversation_id))
            references.append(intake.reference)

    run_in_threads([submit, submit])
    return references


def test_two_concurrent_submits_create_exactly_one_intake(engine: Engine) -> None:
    for attempt in range(8):
        conversation_id = f"race-{attempt}"
        first, second = race(engine, conversation_id)
        assert first == second
        assert count_intakes(engine, conversation_id) == 1
    assert count_intakes(engine) == 8


def test_a_submit_blocked_by_an_uncommitted_twin_returns_the_twin(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Deterministic version of the race: B inserts while A's row is not committed yet."""
    caplog.set_level(logging.INFO, logger="bot.store")
    a_saved, a_may_commit = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def first() -> None:
        with session_scope(engine) as session:
            results["a"] = save_referral(session, summary=summary_for("twin")).reference
            a_saved.set()
            assert a_may_commit.wait(timeout=10)

    def second() -> None:
        assert a_saved.wait(timeout=10)
        with session_scope(engine) as session:
            results["b"] = save_referral(session, summary=summary_for("twin")).reference

    def release() -> None:
        assert a_saved.wait(timeout=10)
        time.sleep(0.5)  # let B reach its blocking statement
        assert "b" not in results  # B cannot finish before A commits
        a_may_commit.set()

    run_in_threads([first, second, release])
    assert results["a"] == results["b"]
    assert count_intakes(engine, "twin") == 1
    if engine.dialect.name == "postgresql":  # B really hit the UNIQUE constraint
        assert any("concurrent submit" in r.getMessage() for r in caplog.records)


def test_references_are_unique_contiguous_and_well_formed_under_load(engine: Engine) -> None:
    workers, per_worker = 4, 12
    barrier = threading.Barrier(workers)

    def worker(index: int) -> Callable[[], None]:
        def run() -> None:
            barrier.wait()
            for n in range(per_worker):
                with session_scope(engine) as session:
                    save_referral(session, summary=summary_for(f"load-{index}-{n}"))

        return run

    run_in_threads([worker(i) for i in range(workers)])
    with session_scope(engine) as session:
        rows = session.execute(select(Intake.reference, Intake.summary)).all()
    references = [reference for reference, _ in rows]
    year = datetime.now(timezone.utc).year
    assert len(references) == len(set(references)) == workers * per_worker
    assert all(REFERENCE.fullmatch(r) for r in references)
    assert sorted(references) == [
        format_reference(year, n) for n in range(1, workers * per_worker + 1)
    ]
    assert all(summary["reference"] == reference for reference, summary in rows)


def test_each_year_has_its_own_sequence(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def at(year: int) -> None:
        when = datetime(year, 6, 1, 12, 0, tzinfo=timezone.utc)
        monkeypatch.setattr(intakes_module, "utcnow", lambda: when)

    saved = []
    for n, year in enumerate([2030, 2030, 2031, 2030, 2031]):
        at(year)
        with session_scope(engine) as session:
            saved.append(save_referral(session, summary=summary_for(f"y-{n}")).reference)
    assert saved == [
        "MM-2030-000001",
        "MM-2030-000002",
        "MM-2031-000001",
        "MM-2030-000003",
        "MM-2031-000002",
    ]
    with session_scope(engine) as session:
        rows = session.execute(select(ReferenceCounter.year, ReferenceCounter.last_value))
        counters = {year: last for year, last in rows}
    assert counters == {2030: 3, 2031: 2}


def test_format_reference() -> None:
    assert format_reference(2026, 123) == "MM-2026-000123"


@pytest.fixture
def listed(engine: Engine) -> Engine:
    """Four intakes with different names, complaints, triage levels and statuses."""
    rows = [
        (
            "c-anna",
            "Anna Schmidt",
            "Tingling in my right wrist at night",
            "routine",
            "carpal_tunnel_syndrome",
        ),
        (
            "c-bob",
            "Bob Miller",
            "Lower back pain, 100% worse when sitting",
            "caution",
            "low_back_pain",
        ),
        (
            "c-cara",
            "Cara Jones",
            "Headaches behind the eyes",
            "physician_clearance",
            "tension_headache",
        ),
        ("c-dan", "Dan O'Neil", "Stiff neck after a car accident", "caution", "whiplash"),
    ]
    with session_scope(engine) as session:
        for conversation_id, name, complaint, triage, condition in rows:
            save_referral(
                session,
                summary=summary_for(
                    conversation_id,
                    name=name,
                    complaint=complaint,
                    triage=triage,
                    condition=condition,
                ),
            )
        set_status(session, conversation_id="c-cara", status="reviewed", actor="alice")
    return engine


def ids(intakes: list[Intake]) -> list[str]:
    return [i.conversation_id for i in intakes]


def test_list_is_newest_first_and_paginated(listed: Engine) -> None:
    with session_scope(listed) as session:
        assert ids(list_intakes(session)) == ["c-dan", "c-cara", "c-bob", "c-anna"]
        assert ids(list_intakes(session, limit=2)) == ["c-dan", "c-cara"]
        assert ids(list_intakes(session, limit=2, offset=2)) == ["c-bob", "c-anna"]


def test_list_filters_by_status_and_triage(listed: Engine) -> None:
    with session_scope(listed) as session:
        assert ids(list_intakes(session, status="reviewed")) == ["c-cara"]
        assert ids(list_intakes(session, status="new", triage="caution")) == ["c-dan", "c-bob"]
        assert ids(list_intakes(session, triage="emergency")) == []
        assert ids(list_intakes(session, needs_staff=False)) == [
            "c-dan",
            "c-cara",
            "c-bob",
            "c-anna",
        ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("anna", ["c-anna"]),  # patient name, any case
        ("SCHMIDT", ["c-anna"]),
        ("o'neil", ["c-dan"]),
        ("wrist", ["c-anna"]),  # complaint text
        ("car", ["c-dan", "c-cara"]),  # "car accident", "Cara"
        ("100%", ["c-bob"]),  # LIKE wildcards are literal
        ("1_0", []),
        ("c-bob", ["c-bob"]),  # conversation id
        ("nobody", []),
    ],
)
def test_list_searches_name_complaint_and_ids(listed: Engine, q: str, expected: list[str]) -> None:
    with session_scope(listed) as session:
        assert ids(list_intakes(session, q=q)) == expected


def test_list_searches_the_reference(listed: Engine) -> None:
    with session_scope(listed) as session:
        bob = get_intake(session, conversation_id="c-bob")
        assert bob is not None
        assert ids(list_intakes(session, q=bob.reference.lower())) == ["c-bob"]


@pytest.mark.parametrize(
    "kwargs", [{"status": "open"}, {"triage": "urgent"}, {"limit": 0}, {"offset": -1}]
)
def test_list_rejects_bad_arguments(engine: Engine, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError), session_scope(engine) as session:
        list_intakes(session, **kwargs)


def test_set_status_updates_row_and_summary_and_is_audited(listed: Engine) -> None:
    with session_scope(listed) as session:
        intake = set_status(session, conversation_id="c-bob", status="archived", actor="alice")
        assert intake is not None
        assert set_status(session, conversation_id="missing", status="archived") is None
    with session_scope(listed) as session:
        stored = get_intake(session, conversation_id="c-bob")
        cara = get_intake(session, conversation_id="c-cara")
        assert stored is not None
        assert cara is not None
        assert (stored.status, stored.summary["status"]) == ("archived", "archived")
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "intake.status").order_by(AuditEvent.id)
        ).all()
        assert [(a.actor, a.target, a.details) for a in audit] == [
            ("alice", cara.reference, {"from": "new", "to": "reviewed"}),
            ("alice", stored.reference, {"from": "new", "to": "archived"}),
        ]
    with pytest.raises(ValidationError), session_scope(listed) as session:
        set_status(session, conversation_id="c-bob", status="deleted")


def test_no_patient_text_in_logs_at_info_or_above(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    summary = summary_for("conv-phi", name="Zelda Quartermain", complaint="Xylophone-shaped rash")
    with session_scope(engine) as session:
        intake = save_referral(session, summary=summary)
        save_referral(session, summary=summary)
        list_intakes(session, q="Zelda")
        set_status(session, conversation_id="conv-phi", status="reviewed")
    assert "Zelda" not in repr(intake)
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any(intake.reference in message for message in loud)
    assert not [m for m in loud if "Zelda" in m or "Xylophone" in m]


CHEST_PAIN = {
    "id": "chest_pain",
    "level": "emergency",
    "evidence": "my chest feels tight",
    "advice": "Seek care now.",
}
WARFARIN = {"id": "anticoagulants", "level": "caution", "evidence": "I take warfarin"}


def with_flags(summary: dict[str, Any], level: str, *flags: dict[str, Any]) -> dict[str, Any]:
    summary["triage"] = {"level": level, "red_flags": [dict(f) for f in flags]}
    return summary


def test_completing_after_an_emergency_stop_keeps_the_danger_sign(engine: Engine) -> None:
    """Start over after an emergency stop, never mention it again: staff still see it."""
    with session_scope(engine) as session:
        save_referral(
            session,
            summary=with_flags(summary_for("conv-er2"), "emergency", CHEST_PAIN),
            partial=True,
        )
    with session_scope(engine) as session:
        later = with_flags(summary_for("conv-er2", complaint="stiff neck"), "caution", WARFARIN)
        complete = save_referral(session, summary=later)
        assert not complete.partial and complete.needs_staff
        assert complete.triage_level == "emergency"
        assert complete.summary["triage"]["level"] == "emergency"
        flags = {f["id"]: f for f in complete.summary["triage"]["red_flags"]}
        assert set(flags) == {"chest_pain", "anticoagulants"}
        assert flags["chest_pain"]["evidence"] == "my chest feels tight"
        assert complete.summary["complaint"]["text"] == "stiff neck"


@pytest.mark.parametrize(
    ("earlier", "later", "level"),
    [
        ("emergency", "routine", "emergency"),
        ("caution", "physician_clearance", "physician_clearance"),
        ("routine", "routine", "routine"),
        ("nonsense", "caution", "caution"),
        ("caution", None, "caution"),
    ],
)
def test_the_more_urgent_triage_level_wins(earlier: str, later: str | None, level: str) -> None:
    first = with_flags(summary_for("c"), earlier)
    second = summary_for("c")
    if later is None:
        del second["triage"]
    else:
        second["triage"]["level"] = later
    assert keep_earlier_danger_signs(first, second)["triage"]["level"] == level


def test_the_later_evidence_of_the_same_flag_wins_and_nothing_is_mutated() -> None:
    first = with_flags(summary_for("c"), "caution", WARFARIN)
    newer = {**WARFARIN, "evidence": "I'm on blood thinners"}
    second = with_flags(summary_for("c"), "caution", newer)
    merged = keep_earlier_danger_signs(first, second)
    assert merged["triage"]["red_flags"] == [newer]
    assert first["triage"]["red_flags"] == [WARFARIN] and second["triage"]["red_flags"] == [newer]
    merged["triage"]["red_flags"][0]["evidence"] = "changed"
    assert second["triage"]["red_flags"][0]["evidence"] == "I'm on blood thinners"
