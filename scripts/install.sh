#!/usr/bin/env bash
# Creates (or refreshes) the two Python 3.10 environments from the lock files.
#   .venv-rasa  rasa==3.6.21 only (requirements/rasa.lock)
#   .venv-app   this project + rasa-sdk, spaCy, SQLAlchemy, tests (requirements/app.lock)
# Safe to run again: an environment whose lock file has not changed is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.9.5"
say() { printf '[install] %s\n' "$*"; }

find_python310() {
  if [[ -n "${INTAKE_PYTHON:-}" ]]; then echo "$INTAKE_PYTHON"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    local cand
    for cand in "$root"/versions/3.10.*/bin/python3.10; do
      [[ -x "$cand" ]] && { echo "$cand"; return; }
    done
  fi
  for cand in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10; do
    [[ -x "$cand" ]] && { echo "$cand"; return; }
  done
  command -v python3.10 2>/dev/null || true
}

PY310=$(find_python310)
if [[ -z "$PY310" ]] || ! "$PY310" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  cat >&2 <<'MSG'
[install] Python 3.10 was not found. Rasa 3.6 needs Python 3.10 (it does not run on 3.11+).
[install] Fix it with one of:
[install]   pyenv install 3.10.13                 (then run this command again)
[install]   apt-get install python3.10 python3.10-venv
[install]   INTAKE_PYTHON=/path/to/python3.10 make install
MSG
  exit 1
fi
say "Python 3.10: $PY310"

# uv makes both installs fast; fall back to pip when it cannot be had.
UV=""
if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
elif [[ -x .tools/bin/uv ]]; then
  UV=.tools/bin/uv
else
  say "installing uv into .tools/"
  if "$PY310" -m venv .tools >/dev/null 2>&1 && .tools/bin/pip install -q "uv==$UV_VERSION" >/dev/null 2>&1; then
    UV=.tools/bin/uv
  else
    say "uv unavailable; using pip (slower)"
  fi
fi

lock_hash() { sha256sum "$1" pyproject.toml | sha256sum | cut -c1-16; }

sync_env() {  # sync_env VENV LOCK
  local venv=$1 lock=$2 stamp="$1/.lock-stamp" want
  want=$(lock_hash "$lock")
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" ]]; then
    say "$venv is up to date"
    return
  fi
  say "creating $venv from $lock"
  local t0=$SECONDS
  if [[ -n "$UV" ]]; then
    [[ -x "$venv/bin/python" ]] || "$UV" venv -q --python "$PY310" "$venv"
    VIRTUAL_ENV="$venv" "$UV" pip sync -q --python "$venv/bin/python" "$lock"
  else
    [[ -x "$venv/bin/python" ]] || "$PY310" -m venv "$venv"
    "$venv/bin/pip" install -q -r "$lock"
  fi
  if [[ "$venv" == ".venv-app" ]]; then
    if [[ -n "$UV" ]]; then
      "$UV" pip install -q --python "$venv/bin/python" --no-deps -e .
    else
      "$venv/bin/pip" install -q --no-deps -e .
    fi
  fi
  echo "$want" > "$stamp"
  say "$venv ready in $((SECONDS - t0)) s"
}

sync_env .venv-rasa requirements/rasa.lock
sync_env .venv-app requirements/app.lock
