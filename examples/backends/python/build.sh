#!/usr/bin/env bash
# Prepares python/.venv with the pinned requirements from PyPI. Idempotent: does nothing when the venv already holds
# exactly requirements.txt (a stamp file records its checksum).
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
stamp=.venv/.requirements.sha256
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [[ -x .venv/bin/python && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
rm -rf .venv
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input -r requirements.txt
echo "$want" > "$stamp"
