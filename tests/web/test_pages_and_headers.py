"""Widget, demo page, security headers, CORS and log hygiene."""

from __future__ import annotations

import logging

import pytest

from tests.web.conftest import Gateway, GatewayFactory

CLINIC = "https://www.example-clinic.test"


async def test_widget_js_is_self_contained(gateway: Gateway) -> None:
    response = await gateway.client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    source = response.text
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert "document.write" not in source and "eval(" not in source
    assert "sessionStorage" in source and "client_message_id" in source
    # No request leaves for a third party: the only absolute URL in the code (after the
    # usage comment) is the SVG namespace, and the one fetch goes to the gateway.
    code = source.split("*/", 1)[1]
    assert code.count("fetch(") == 1 and "fetch(GATEWAY + path" in code
    urls = {word for word in code.split('"') if word.startswith(("http://", "https://"))}
    assert urls == {"http://www.w3.org/2000/svg"}


async def test_demo_page_embeds_the_widget_with_a_strict_csp(gateway: Gateway) -> None:
    response = await gateway.client.get("/")
    assert response.status_code == 200
    assert '<script src="/widget.js" defer></script>' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp and "connect-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert (await gateway.client.get("/static/demo.css")).status_code == 200


async def test_csp_follows_allowed_origins(make_gateway: GatewayFactory) -> None:
    async with make_gateway(allowed_origins=(CLINIC,)) as gw:
        csp = (await gw.client.get("/")).headers["content-security-policy"]
    assert f"frame-ancestors 'self' {CLINIC}" in csp
    assert f"connect-src 'self' {CLINIC}" in csp


@pytest.mark.parametrize("path", ["/", "/widget.js", "/healthz", "/chat/sessions", "/api/intakes"])
async def test_security_headers_everywhere(gateway: Gateway, path: str) -> None:
    method = gateway.client.post if path == "/chat/sessions" else gateway.client.get
    response = await method(path)
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "content-security-policy" in headers
    assert "server" not in headers
    if path.startswith(("/chat", "/api", "/healthz")):
        assert headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


async def test_cors_allows_only_configured_origins_on_the_chat_api(
    make_gateway: GatewayFactory,
) -> None:
    async with make_gateway(allowed_origins=(CLINIC,)) as gw:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        }
        allowed = await gw.client.options("/chat/sessions", headers={**preflight, "Origin": CLINIC})
        assert allowed.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == CLINIC
        assert "Authorization" in allowed.headers["access-control-allow-headers"]

        denied = await gw.client.options(
            "/chat/sessions", headers={**preflight, "Origin": "https://evil.test"}
        )
        assert denied.status_code == 403
        assert "access-control-allow-origin" not in denied.headers

        created = await gw.client.post("/chat/sessions", headers={"Origin": CLINIC})
        assert created.headers["access-control-allow-origin"] == CLINIC
        other = await gw.client.post("/chat/sessions", headers={"Origin": "https://evil.test"})
        assert "access-control-allow-origin" not in other.headers
        staff = await gw.client.get("/api/intakes", headers={"Origin": CLINIC})
        assert "access-control-allow-origin" not in staff.headers


async def test_logs_hold_no_message_text_query_strings_or_rasa_token(
    make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_token = "RASA-API-TOKEN-abc123"
    async with make_gateway(rasa_token=secret_token) as gw:
        conversation, token = await gw.session()
        response = await gw.say(conversation, token, "I have PHI-MARKER-pain in my back")
        assert response.status_code == 200
        await gw.client.get("/healthz?token=QUERY-SECRET")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "PHI-MARKER" not in text
    assert secret_token not in text
    assert "QUERY-SECRET" not in text
    assert token not in text
    access = [r.getMessage() for r in caplog.records if r.name == "bot.web.access"]
    assert any(
        line.startswith(f"POST /chat/sessions/{conversation}/messages 200") for line in access
    )
    assert any(line.startswith("GET /healthz 200") for line in access)


async def test_a_request_path_can_never_forge_or_corrupt_a_log_line(
    make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with make_gateway() as gw:
        await gw.client.get("/chat/%0aINFO%20bot.web.access%20GET%20/forged%20200%00" + "x" * 5000)
    access = [r.getMessage() for r in caplog.records if r.name == "bot.web.access"]
    assert len(access) == 1
    line = access[0]
    assert "\n" not in line and "\x00" not in line
    assert "%0aINFO" in line  # logged as it came, still encoded
    assert len(line) < 300


@pytest.mark.parametrize("path", ["/", "/healthz", "/widget.js"])
async def test_head_is_answered_like_get_without_a_body(
    make_gateway: GatewayFactory, path: str
) -> None:
    async with make_gateway() as gw:
        got = await gw.client.get(path)
        head = await gw.client.head(path)
    assert got.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
    assert head.headers.get("content-security-policy") == got.headers.get("content-security-policy")


async def test_a_request_for_another_host_name_is_refused(make_gateway: GatewayFactory) -> None:
    async with make_gateway() as gw:
        evil = await gw.client.get("/healthz", headers={"Host": "attacker.example"})
        ok = await gw.client.get("/healthz")
    assert evil.status_code == 400
    assert ok.status_code == 200


def test_the_host_allow_list_comes_from_the_environment() -> None:
    from bot.settings import SettingsError
    from bot.web.config import LOOPBACK_HOSTS, GatewaySettings

    key = {"INTAKE_SECRET_KEY": "x" * 48}
    assert GatewaySettings.from_env(key).allowed_hosts == LOOPBACK_HOSTS
    configured = GatewaySettings.from_env(
        {**key, "GATEWAY_ALLOWED_HOSTS": "Intake.Example-Clinic.com, *.clinic.test"}
    )
    assert configured.allowed_hosts == ("intake.example-clinic.com", "*.clinic.test")
    with pytest.raises(SettingsError, match="GATEWAY_ALLOWED_HOSTS"):
        GatewaySettings.from_env({**key, "GATEWAY_ALLOWED_HOSTS": "https://intake.example.com"})
