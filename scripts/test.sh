#!/usr/bin/env bash
# Install what is missing, run the test suite against real servers, then lint.
# Arguments go to pytest. Exit code: pytest's when pytest fails, otherwise ruff's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install.sh

# tests.forbid_skips turns any skipped test into a failed run: a missing server must never pass silently.
pytest_status=0
.venv/bin/python -m pytest -p tests.forbid_skips "$@" || pytest_status=$?

ruff_status=0
.venv/bin/ruff check . || ruff_status=$?

if [ "$pytest_status" -ne 0 ]; then
    exit "$pytest_status"
fi
exit "$ruff_status"
