"""bot.settings: defaults, environment parsing, refusal of unsafe production settings."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_SECRET_KEY,
    REPO_ROOT,
    Settings,
    SettingsError,
    default_database_url,
    generated_secret,
    get_settings,
    reset_settings,
)


def test_defaults_point_at_var_intake_db_under_the_repo(tmp_path: Path) -> None:
    settings = Settings.from_env({}, var_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'intake.db'}"
    assert settings.database_url.startswith("sqlite:////")  # absolute path
    assert settings.env == "development"
    assert not settings.is_production
    assert settings.secret_key == (tmp_path / "secret_key").read_text().strip()
    assert settings.clinic_emergency_number == "911"
    assert settings.clinic_crisis_line == "988"
    assert (REPO_ROOT / "pyproject.toml").is_file()


def test_values_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql+psycopg://u@db/intake",
            "INTAKE_ENV": "Production",
            "INTAKE_SECRET_KEY": "a-long-random-production-secret",
            "CLINIC_NAME": "Back in Balance",
            "CLINIC_PHONE": "+1 555 0100",
            "CLINIC_EMAIL": "desk@example.org",
            "CLINIC_EMERGENCY_NUMBER": "112",
            "CLINIC_CRISIS_LINE": "116 123",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db/intake"
    assert settings.is_production
    assert settings.secret_key == "a-long-random-production-secret"
    assert (settings.clinic_name, settings.clinic_phone, settings.clinic_email) == (
        "Back in Balance",
        "+1 555 0100",
        "desk@example.org",
    )
    assert (settings.clinic_emergency_number, settings.clinic_crisis_line) == ("112", "116 123")


def test_blank_values_fall_back_to_defaults_in_development(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "  ", "INTAKE_SECRET_KEY": "", "CLINIC_CRISIS_LINE": ""},
        var_dir=tmp_path,
    )
    assert settings.database_url == default_database_url()
    assert settings.secret_key != DEFAULT_SECRET_KEY and len(settings.secret_key) >= 48
    assert settings.clinic_crisis_line == "988"


@pytest.mark.parametrize("secret", [None, "", "   ", DEFAULT_SECRET_KEY])
def test_production_refuses_a_missing_empty_or_default_secret(secret: str | None) -> None:
    environ = {"INTAKE_ENV": "production"}
    if secret is not None:
        environ["INTAKE_SECRET_KEY"] = secret
    with pytest.raises(SettingsError, match="INTAKE_SECRET_KEY"):
        Settings.from_env(environ)


def test_the_development_key_is_generated_once_owner_only_never_from_the_source(
    tmp_path: Path,
) -> None:
    var = tmp_path / "var"
    with ThreadPoolExecutor(max_workers=8) as pool:  # processes starting together
        keys = set(pool.map(lambda _: generated_secret(var), range(16)))
    assert len(keys) == 1
    key = keys.pop()
    assert key != DEFAULT_SECRET_KEY and len(key) >= 48
    assert stat.S_IMODE((var / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert [p.name for p in var.iterdir()] == ["secret_key"]  # no temporary left
    assert Settings.from_env({}, var_dir=var).secret_key == key
    assert generated_secret(tmp_path / "other") != key


def test_the_old_public_key_is_refused_even_in_development() -> None:
    with pytest.raises(SettingsError, match="INTAKE_SECRET_KEY"):
        Settings.from_env({"INTAKE_SECRET_KEY": DEFAULT_SECRET_KEY})


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(SettingsError, match="INTAKE_ENV"):
        Settings.from_env({"INTAKE_ENV": "staging", "INTAKE_SECRET_KEY": "x" * 48})


def test_get_settings_is_cached_until_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_NAME", "First")
    first = get_settings()
    monkeypatch.setenv("CLINIC_NAME", "Second")
    assert get_settings() is first
    reset_settings()
    assert get_settings().clinic_name == "Second"


def test_settings_are_immutable(tmp_path: Path) -> None:
    settings = Settings.from_env({}, var_dir=tmp_path)
    with pytest.raises(AttributeError):
        settings.env = "production"  # type: ignore[misc]
