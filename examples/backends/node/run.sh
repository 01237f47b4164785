#!/usr/bin/env bash
# Installs dependencies if needed, then runs the customers service in the foreground. Environment: PORT, REDIS_URL, BUG.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
exec node server.js
