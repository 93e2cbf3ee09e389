#!/usr/bin/env bash
# The whole test suite: unit tests, Rasa data validation, Rasa test stories and
# end-to-end conversations against real servers. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
scripts/install.sh
exec .venv-app/bin/pytest "$@"
