"""Patient chat API (intake contract, section 4): sessions and messages.

POST /chat/sessions                              -> {"conversation_id", "token"}
POST /chat/sessions/{conversation_id}/messages   Authorization: Bearer <token>
     {"text", "client_message_id"}               -> {"replies": [{"text", "buttons"?}]}
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, ConfigDict

from bot.web.deps import ServicesDep, bearer_token, client_address, enforce_rate_limit
from bot.web.errors import ApiError
from bot.web.inputs import PlainText
from bot.web.rasa import RasaError, RasaTimeout, RasaUnavailable
from bot.web.sessions import issue_session, verify_session
from bot.web.turns import TurnBusy, TurnConflict

__all__ = ["CLIENT_MESSAGE_ID", "router"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/chat", tags=["chat"])

#: Accepted client message ids: UUIDs, ULIDs and similar short tokens.
CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


class SessionOut(BaseModel):
    """A new conversation and the token that lets its holder write to it."""

    conversation_id: str
    token: str


class MessageIn(BaseModel):
    """One patient message; ``client_message_id`` makes retries safe."""

    model_config = ConfigDict(extra="ignore")

    text: PlainText
    client_message_id: PlainText


@router.post("/sessions", status_code=201)
async def create_session(request: Request, services: ServicesDep) -> SessionOut:
    """Start a conversation: the gateway picks an unguessable id and signs a token for it."""
    settings = services.settings
    address = client_address(request)
    await enforce_rate_limit(services, f"sessions:{address}", settings.rate_sessions)
    conversation_id, token = issue_session(settings.secret_key)
    log.info("conversation %s: session created", conversation_id)
    return SessionOut(conversation_id=conversation_id, token=token)


async def conversation_access(
    conversation_id: str,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> str:
    """The conversation id, if the bearer token was issued for it; else 401.

    Unknown conversations and wrong tokens get the same answer, so nothing
    reveals whether a conversation exists.
    """
    token = bearer_token(authorization)
    settings = services.settings
    if token is None or not verify_session(
        settings.secret_key, conversation_id, token, ttl_s=settings.session_ttl_s
    ):
        raise ApiError(
            401,
            "invalid_session",
            "This chat session is not valid or has expired. Please start a new chat.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return conversation_id


def _validated(body: MessageIn, max_chars: int) -> tuple[str, str]:
    text = body.text.strip()
    if not text:
        raise ApiError(422, "empty_message", "Please type a message before sending.")
    if len(text) > max_chars:
        raise ApiError(
            413,
            "message_too_long",
            f"That message is too long. Please keep it under {max_chars} characters.",
            extra={"max_chars": max_chars},
        )
    if not CLIENT_MESSAGE_ID.fullmatch(body.client_message_id):
        raise ApiError(
            422,
            "invalid_client_message_id",
            "client_message_id must be 1-100 characters: letters, digits, '.', '_', ':' or '-'.",
        )
    return text, body.client_message_id


def _rasa_failure(error: RasaError) -> ApiError:
    if isinstance(error, RasaTimeout):
        return ApiError(
            504,
            error.code,
            "The assistant is taking too long to answer. Please try again in a moment.",
            headers={"Retry-After": "5"},
        )
    if isinstance(error, RasaUnavailable):
        return ApiError(
            503,
            error.code,
            "The assistant is not available right now. Please try again in a minute.",
            headers={"Retry-After": "10"},
        )
    return ApiError(
        502,
        error.code,
        "Sorry, the assistant ran into a problem. Please try sending your message again.",
        headers={"Retry-After": "2"},
    )


@router.post("/sessions/{conversation_id}/messages")
async def post_message(
    body: MessageIn,
    request: Request,
    services: ServicesDep,
    conversation_id: Annotated[str, Depends(conversation_access)],
) -> dict[str, Any]:
    """Send a message and return the bot's replies; a repeated client_message_id replays them."""
    settings = services.settings
    text, client_message_id = _validated(body, settings.max_message_chars)
    await enforce_rate_limit(services, f"client:{client_address(request)}", settings.rate_client)
    await enforce_rate_limit(
        services, f"conversation:{conversation_id}", settings.rate_conversation
    )
    try:
        result = await services.turns.reply(conversation_id, client_message_id, text)
    except RasaError as error:
        log.warning("conversation %s: turn failed (%s)", conversation_id, type(error).__name__)
        raise _rasa_failure(error) from None
    except TurnConflict:
        raise ApiError(
            409,
            "message_id_reused",
            "This message id was already used for a different message. "
            "Send the new message with a new id.",
        ) from None
    except TurnBusy:
        raise ApiError(
            503,
            "still_working",
            "Still working on your previous message. Please try again in a moment.",
            headers={"Retry-After": "2"},
        ) from None
    log.info(
        "conversation %s: %s %d replies",
        conversation_id,
        "replayed" if result.replayed else "answered with",
        len(result.replies),
    )
    return {"replies": result.replies}
