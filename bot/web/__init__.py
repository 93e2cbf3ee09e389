"""The public web gateway: patient chat API, embeddable widget, staff JSON API, health.

``create_app(settings)`` builds the FastAPI app; ``python -m bot.web`` serves it.
"""

from bot.web.app import create_app
from bot.web.config import GatewaySettings

__all__ = ["GatewaySettings", "create_app"]
