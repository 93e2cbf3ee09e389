"""Train the Rasa model when its inputs changed; otherwise reuse the current one.

A model is named after a hash of everything it is trained from (config, domain,
training data, Rasa's lock file), so "is the model current?" is a file lookup.

    python -m bot.train [--config FILE] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.paths import CONFIG, DATA_DIR, DOMAIN_DIR, MODELS_DIR, RASA_BIN, RASA_LOCK, REPO_ROOT

KEEP_MODELS = 3


def training_inputs(config: Path) -> list[Path]:
    """Every file the model depends on, in a stable order."""
    files = [config.resolve(), RASA_LOCK]
    for folder in (DOMAIN_DIR, DATA_DIR):
        files.extend(sorted(p for p in folder.rglob("*.yml") if p.is_file()))
    return files


def fingerprint(config: Path) -> str:
    """A short hash of the training inputs (names and contents)."""
    digest = hashlib.sha256()
    for path in training_inputs(config):
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(config: Path) -> Path:
    """Where the model for ``config`` and the current inputs is (or will be) stored."""
    kind = config.stem.replace(".", "_").replace("-", "_")
    stem = "intake" if config.resolve() == CONFIG.resolve() else f"intake-{kind}"
    return MODELS_DIR / f"{stem}-{fingerprint(config)}.tar.gz"


def rasa_env() -> dict[str, str]:
    """Environment for Rasa subprocesses: no telemetry, quiet TensorFlow."""
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONHASHSEED": "0",
        }
    )
    return env


def ensure_model(
    config: Path = CONFIG, *, force: bool = False, log: Path | None = None
) -> tuple[Path, float | None]:
    """Return the current model for ``config``, training it first if needed.

    The second value is the training time in seconds, or None when the model was
    already current. With ``log``, Rasa's output goes to that file, not the terminal.
    """
    target = model_path(config)
    if target.exists() and not force:
        return target, None
    if not RASA_BIN.exists():
        raise SystemExit("Rasa environment missing: run `make install` first.")
    MODELS_DIR.mkdir(exist_ok=True)
    command = [
        str(RASA_BIN),
        "train",
        "--config",
        str(config),
        "--domain",
        str(DOMAIN_DIR),
        "--data",
        str(DATA_DIR),
        "--out",
        str(MODELS_DIR),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
        "--force",
    ]
    started = time.monotonic()
    if log is None:
        subprocess.run(command, cwd=REPO_ROOT, env=rasa_env(), check=True)
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            result = subprocess.run(
                command, cwd=REPO_ROOT, env=rasa_env(), stdout=output, stderr=subprocess.STDOUT
            )
        if result.returncode != 0:
            raise RuntimeError(f"rasa train failed (exit {result.returncode}); see {log}")
    seconds = time.monotonic() - started
    _prune(target)
    return target, seconds


def _prune(keep: Path) -> None:
    """Delete older models of the same kind, keeping the newest few."""
    prefix = keep.name.rsplit("-", 1)[0] + "-"
    same_kind = sorted(
        (
            p
            for p in MODELS_DIR.glob(f"{prefix}*.tar.gz")
            if p.name.count("-") == keep.name.count("-")
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in same_kind[KEEP_MODELS:]:
        old.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: train if needed and print the model path."""
    parser = argparse.ArgumentParser(prog="intake train", description=__doc__)
    parser.add_argument(
        "--config", type=Path, default=CONFIG, help="Rasa config (default config.yml)"
    )
    parser.add_argument("--force", action="store_true", help="train even if the model is current")
    args = parser.parse_args(argv)
    path, seconds = ensure_model(args.config, force=args.force)
    if seconds is None:
        print(f"model is current: {path.relative_to(REPO_ROOT)}", file=sys.stderr)
    else:
        print(f"trained {path.relative_to(REPO_ROOT)} in {seconds:.0f} s", file=sys.stderr)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
