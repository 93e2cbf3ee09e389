"""The clinic's contact details for patient messages, from configuration."""

from __future__ import annotations

from bot.settings import get_settings


def clinic_values() -> dict[str, str]:
    """Placeholders for messages: clinic name, how to reach it, emergency and crisis lines."""
    settings = get_settings()
    routes = []
    if settings.clinic_phone:
        routes.append(f"call {settings.clinic_phone}")
    if settings.clinic_email:
        routes.append(f"email {settings.clinic_email}")
    contact = " or ".join(routes) if routes else "call the front desk during opening hours"
    return {
        "clinic_name": settings.clinic_name,
        "clinic_contact": contact,
        "emergency_number": settings.clinic_emergency_number,
        "crisis_line": settings.clinic_crisis_line,
    }
