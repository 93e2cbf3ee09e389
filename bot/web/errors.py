"""Errors as friendly JSON: ``{"error": "<code>", "message": "<text a patient can read>"}``.

Every error the gateway returns has this shape, so the widget can show
``message`` as is. Validation errors name the fields but never echo their
values (they may be health information).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["INTERNAL_ERROR", "ApiError", "error_response", "install_error_handlers"]

_STATUS_TEXT = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "You need to sign in to do that."),
    403: ("forbidden", "You are not allowed to do that."),
    404: ("not_found", "There is nothing here."),
    405: ("method_not_allowed", "That method is not allowed here."),
    413: ("too_large", "That request is too large."),
    415: ("unsupported_media_type", "Please send JSON."),
    429: ("rate_limited", "Too many requests. Please wait a moment and try again."),
}
#: Code and message of an unexpected failure (see :mod:`bot.web.middleware.errors`).
INTERNAL_ERROR = ("internal_error", "Sorry, something went wrong on our side. Please try again.")


class ApiError(Exception):
    """An error with an HTTP status, a stable code and a friendly message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """The JSON error response every handler returns."""
    return JSONResponse(
        {"error": code, "message": message, **(extra or {})},
        status_code=status,
        headers=dict(headers or {}),
    )


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _problem(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return "is required"
    if kind.startswith("string") or kind == "str_type":
        return "must be text"
    if kind.startswith("int"):
        return "must be a whole number"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "must be a JSON object"
    if kind == "json_invalid":
        return "is not valid JSON"
    return "is not valid"


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {"field": _field(tuple(e.get("loc", ()))), "problem": _problem(e)} for e in exc.errors()
    ]
    summary = "; ".join(f"{f['field']} {f['problem']}" for f in fields[:5])
    return error_response(
        422,
        "invalid_request",
        f"Please check your request: {summary}." if summary else "Please check your request.",
        extra={"fields": fields},
    )


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, headers=exc.headers, extra=exc.extra)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _STATUS_TEXT.get(exc.status_code, ("error", "The request failed."))
    return error_response(exc.status_code, code, message, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
