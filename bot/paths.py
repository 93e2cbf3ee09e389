"""Where things live in a checkout: the two environments, Rasa's files, runtime data."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = REPO_ROOT / ".venv-rasa" / "bin" / "python"
APP_PYTHON = REPO_ROOT / ".venv-app" / "bin" / "python"
CONFIG = REPO_ROOT / "config.yml"
CI_CONFIG = REPO_ROOT / "tests" / "config" / "config.ci.yml"
DOMAIN_DIR = REPO_ROOT / "bot" / "domain"
DATA_DIR = REPO_ROOT / "data"
ENDPOINTS = REPO_ROOT / "bot" / "endpoints.yml"
CREDENTIALS = REPO_ROOT / "bot" / "credentials.yml"
MODELS_DIR = REPO_ROOT / "models"
RASA_LOCK = REPO_ROOT / "requirements" / "rasa.lock"
