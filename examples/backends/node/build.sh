#!/usr/bin/env bash
# Installs node_modules exactly as package-lock.json says (npm ci), from the npm registry. Idempotent: skipped when
# node_modules already matches the lock file (a stamp records its checksum).
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.package-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
