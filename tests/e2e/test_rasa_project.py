"""Rasa's own checks: training data validation and the test stories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.paths import CONFIG, DATA_DIR, DOMAIN_DIR, RASA_BIN, REPO_ROOT
from bot.train import rasa_env

pytestmark = pytest.mark.slow

STORIES = REPO_ROOT / "tests" / "stories"


def run_rasa(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the Rasa CLI from the Rasa environment and capture its output."""
    return subprocess.run(
        [str(RASA_BIN), *args],
        cwd=REPO_ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_training_data_is_valid_without_warnings() -> None:
    result = run_rasa(
        "data",
        "validate",
        "--domain",
        str(DOMAIN_DIR),
        "--data",
        str(DATA_DIR),
        "--config",
        str(CONFIG),
        "--fail-on-warnings",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_stories_pass(trained_model: Path, tmp_path: Path) -> None:
    result = run_rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        str(STORIES),
        "--endpoints",
        str(REPO_ROOT / "tests" / "config" / "endpoints.test.yml"),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details[-6000:] + result.stdout[-3000:] + result.stderr[-3000:]
