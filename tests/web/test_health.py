"""``GET /healthz``: each dependency's state, 503 when one is down."""

from __future__ import annotations

from bot.store import make_engine
from tests.web.conftest import Gateway, GatewayFactory, free_port


async def test_healthy_when_database_and_rasa_answer(gateway: Gateway) -> None:
    response = await gateway.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "rasa": "ok"}


async def test_503_when_rasa_is_down(make_gateway: GatewayFactory) -> None:
    async with make_gateway(rasa_url=f"http://127.0.0.1:{free_port()}") as gw:
        response = await gw.client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "rasa": "down"}


async def test_503_when_the_database_is_down(gateway: Gateway) -> None:
    services = gateway.app.state.services
    healthy_engine = services.engine
    # Fault injection: point the gateway at a PostgreSQL port where nothing listens.
    services.engine = make_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none",
        connect_args={"connect_timeout": 2},
    )
    try:
        response = await gateway.client.get("/healthz")
    finally:
        services.engine.dispose()
        services.engine = healthy_engine
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down", "rasa": "ok"}
