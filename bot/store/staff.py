"""Staff users, passwords and API tokens."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.audit import SYSTEM_ACTOR, record_audit
from bot.store.columns import utcnow
from bot.store.errors import DuplicateUserError, UnknownUserError, ValidationError
from bot.store.models import ROLES, ApiToken, StaffUser
from bot.store.passwords import MIN_PASSWORD_LENGTH, check_password, hash_password

__all__ = [
    "TOKEN_PREFIX",
    "create_api_token",
    "create_user",
    "get_user",
    "hash_token",
    "revoke_api_token",
    "user_for_token",
    "verify_password",
]

log = logging.getLogger(__name__)

#: Marks our API tokens (easy to spot in a leaked log or a secret scanner).
TOKEN_PREFIX = "mmi_"
_DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")


@functools.cache
def _dummy_hash() -> str:
    """A hash checked when the user does not exist, so both paths cost one scrypt."""
    return hash_password(secrets.token_urlsafe(16))


def _normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise ValidationError(
            "username must be 2-64 characters: lowercase letters, digits, '.', '_', '-', '@'"
        )
    return name


def get_user(session: Session, *, username: str) -> StaffUser | None:
    """Return the staff user called ``username`` (case-insensitive), or None."""
    return session.scalars(
        select(StaffUser).where(StaffUser.username == username.strip().lower())
    ).one_or_none()


def create_user(
    session: Session, *, username: str, role: str, password: str, actor: str = SYSTEM_ACTOR
) -> StaffUser:
    """Create an active staff user; audited as ``user.create``.

    Usernames are stored in lowercase. Raises :class:`ValidationError` for a
    bad username, unknown role or a password shorter than
    :data:`~bot.store.passwords.MIN_PASSWORD_LENGTH`, and
    :class:`DuplicateUserError` when the username is taken.
    """
    name = _normalize_username(username)
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if get_user(session, username=name) is not None:
        raise DuplicateUserError(f"user {name!r} already exists")
    user = StaffUser(username=name, role=role, password_hash=hash_password(password), active=True)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:  # created concurrently
        raise DuplicateUserError(f"user {name!r} already exists") from exc
    record_audit(session, actor=actor, action="user.create", target=name, details={"role": role})
    log.info("staff user %s created (role %s)", name, role)
    return user


def verify_password(session: Session, *, username: str, password: str) -> StaffUser | None:
    """Return the active user if ``password`` is theirs, else None.

    Unknown users cost the same scrypt work, so timing does not reveal
    which usernames exist.
    """
    user = get_user(session, username=username)
    if user is None:
        check_password(password, _dummy_hash())
        return None
    if not check_password(password, user.password_hash) or not user.active:
        return None
    return user


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of an API token (the only form that is stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(session: Session, *, username: str, actor: str = SYSTEM_ACTOR) -> str:
    """Create an API token for an active user and return it; audited as ``token.create``.

    The token is ``mmi_`` + ``secrets.token_urlsafe(32)``; only its hash and
    its first 12 characters (for display) are stored, so it cannot be shown
    again. Raises :class:`UnknownUserError` for a missing or inactive user.
    """
    user = get_user(session, username=username)
    if user is None or not user.active:
        raise UnknownUserError(f"no active user {username.strip().lower()!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = token[:_DISPLAY_PREFIX_LENGTH]
    session.add(ApiToken(user=user, token_hash=hash_token(token), prefix=prefix))
    record_audit(
        session,
        actor=actor,
        action="token.create",
        target=user.username,
        details={"prefix": prefix},
    )
    session.flush()
    log.info("API token %s… created for %s", prefix, user.username)
    return token


def user_for_token(session: Session, token: str) -> StaffUser | None:
    """Return the active user owning a valid, unrevoked ``token``, else None.

    Candidates are looked up by display prefix and their hashes compared in
    constant time. A match records ``last_used_at``.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) <= _DISPLAY_PREFIX_LENGTH:
        return None
    presented = hash_token(token)
    candidates = session.scalars(
        select(ApiToken).where(ApiToken.prefix == token[:_DISPLAY_PREFIX_LENGTH])
    )
    match: ApiToken | None = None
    for candidate in candidates:
        if hmac.compare_digest(candidate.token_hash, presented):
            match = candidate
    if match is None or match.revoked_at is not None or not match.user.active:
        return None
    match.last_used_at = utcnow()
    session.flush()
    return match.user


def revoke_api_token(session: Session, *, prefix: str, actor: str = SYSTEM_ACTOR) -> int:
    """Revoke the unrevoked tokens with display ``prefix``; audited as ``token.revoke``.

    Returns how many were revoked.
    """
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.prefix == prefix, ApiToken.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for token in tokens:
        token.revoked_at = now
    if tokens:
        record_audit(
            session,
            actor=actor,
            action="token.revoke",
            target=tokens[0].user.username,
            details={"prefix": prefix, "count": len(tokens)},
        )
        session.flush()
    return len(tokens)
