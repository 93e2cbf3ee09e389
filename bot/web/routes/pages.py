"""The embeddable widget (``GET /widget.js``) and the demo clinic page (``GET /``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

__all__ = ["STATIC_DIR", "router"]

router = APIRouter(tags=["pages"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@cache
def _asset(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


@router.get("/widget.js", include_in_schema=False)
def widget() -> Response:
    """The chat bubble: one ``<script src=".../widget.js" defer>`` on any clinic page."""
    return Response(
        _asset("widget.js"),
        media_type="text/javascript; charset=utf-8",
        headers={
            "Cache-Control": "public, max-age=300",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@router.get("/", include_in_schema=False)
def demo_page() -> Response:
    """A demo clinic homepage with the widget on it."""
    return Response(
        _asset("demo.html"),
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/static/demo.css", include_in_schema=False)
def demo_styles() -> Response:
    """The demo page's stylesheet (a file, so the page's CSP needs no inline styles)."""
    return Response(
        _asset("demo.css"),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """No icon (saves a 404 in the log)."""
    return Response(status_code=204)
