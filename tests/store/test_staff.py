"""Staff users, scrypt passwords and API tokens (only hashes stored)."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import Engine, select

from bot.store.engine import session_scope
from bot.store.errors import DuplicateUserError, UnknownUserError, ValidationError
from bot.store.models import ApiToken, AuditEvent, StaffUser
from bot.store.passwords import check_password, hash_password
from bot.store.repository import (
    create_api_token,
    create_user,
    get_user,
    revoke_api_token,
    user_for_token,
    verify_password,
)

PASSWORD = "correct horse battery"
TOKEN = re.compile(r"mmi_[A-Za-z0-9_-]{43}")


def test_password_hash_is_salted_scrypt() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # per-hash random salt
    assert first.startswith("scrypt$16384$8$1$")
    assert PASSWORD not in first
    assert check_password(PASSWORD, first)
    assert check_password(PASSWORD, second)
    assert not check_password("correct horse battery!", first)


@pytest.mark.parametrize(
    "stored", ["", "plain", "md5$x$y", "scrypt$16384$8$1$!!$??", "scrypt$3$8$1$AA==$AA=="]
)
def test_malformed_hashes_never_match(stored: str) -> None:
    assert not check_password(PASSWORD, stored)


@pytest.fixture
def alice(engine: Engine) -> StaffUser:
    with session_scope(engine) as session:
        return create_user(session, username="Alice", role="therapist", password=PASSWORD)


def test_create_user_stores_a_hash_and_is_audited(engine: Engine, alice: StaffUser) -> None:
    assert alice.username == "alice"
    with session_scope(engine) as session:
        user = get_user(session, username="ALICE")
        assert user is not None
        assert (user.role, user.active) == ("therapist", True)
        assert user.password_hash != PASSWORD
        assert check_password(PASSWORD, user.password_hash)
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).one()
        assert (audit.target, audit.details) == ("alice", {"role": "therapist"})


@pytest.mark.parametrize("username", ["alice", "Alice ", "ALICE"])
def test_duplicate_user_is_refused(engine: Engine, alice: StaffUser, username: str) -> None:
    with (
        pytest.raises(DuplicateUserError, match="already exists"),
        session_scope(engine) as session,
    ):
        create_user(session, username=username, role="staff", password=PASSWORD)


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("bob", "boss", PASSWORD, "unknown role"),
        ("bob", "staff", "short", "at least 10"),
        ("b", "staff", PASSWORD, "username"),
        ("bob smith", "staff", PASSWORD, "username"),
        ("", "staff", PASSWORD, "username"),
    ],
)
def test_create_user_validates(
    engine: Engine, username: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message), session_scope(engine) as session:
        create_user(session, username=username, role=role, password=password)


def test_verify_password(engine: Engine, alice: StaffUser) -> None:
    with session_scope(engine) as session:
        user = verify_password(session, username="alice", password=PASSWORD)
        assert user is not None
        assert user.id == alice.id
        assert verify_password(session, username="alice", password=PASSWORD + "x") is None
        assert verify_password(session, username="mallory", password=PASSWORD) is None
        user.active = False
    with session_scope(engine) as session:
        assert verify_password(session, username="alice", password=PASSWORD) is None


def test_token_is_returned_once_and_only_its_hash_is_stored(
    engine: Engine, alice: StaffUser
) -> None:
    with session_scope(engine) as session:
        token = create_api_token(session, username="alice", actor="admin")
    assert TOKEN.fullmatch(token)
    with session_scope(engine) as session:
        row = session.scalars(select(ApiToken)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert row.prefix == token[:12]
        stored_values = [str(getattr(row, c.key)) for c in ApiToken.__table__.columns]
        assert not any(token in value for value in stored_values)
        assert row.last_used_at is None
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "token.create")).one()
        assert (audit.actor, audit.target, audit.details) == (
            "admin",
            "alice",
            {"prefix": row.prefix},
        )


def test_user_for_token_accepts_the_token_and_records_its_use(
    engine: Engine, alice: StaffUser
) -> None:
    with session_scope(engine) as session:
        token = create_api_token(session, username="alice")
    with session_scope(engine) as session:
        user = user_for_token(session, token)
        assert user is not None
        assert user.username == "alice"
    with session_scope(engine) as session:
        assert session.scalars(select(ApiToken.last_used_at)).one() is not None


def test_wrong_tokens_are_rejected(engine: Engine, alice: StaffUser) -> None:
    with session_scope(engine) as session:
        token = create_api_token(session, username="alice")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")  # same prefix, wrong secret
    with session_scope(engine) as session:
        for wrong in (flipped, token[:-1], "", "mmi_", "Bearer " + token, token.upper()):
            assert user_for_token(session, wrong) is None, wrong
        assert session.scalars(select(ApiToken.last_used_at)).one() is None


def test_revoked_token_and_inactive_user_are_rejected(engine: Engine, alice: StaffUser) -> None:
    with session_scope(engine) as session:
        revoked = create_api_token(session, username="alice")
        kept = create_api_token(session, username="alice")
    with session_scope(engine) as session:
        assert revoke_api_token(session, prefix=revoked[:12], actor="admin") == 1
    with session_scope(engine) as session:
        assert user_for_token(session, revoked) is None
        assert user_for_token(session, kept) is not None
        user = get_user(session, username="alice")
        assert user is not None
        user.active = False
    with session_scope(engine) as session:
        assert user_for_token(session, kept) is None
        with pytest.raises(UnknownUserError):
            create_api_token(session, username="alice")


def test_token_for_unknown_user_is_refused(engine: Engine) -> None:
    with pytest.raises(UnknownUserError, match="nobody"), session_scope(engine) as session:
        create_api_token(session, username="nobody")
