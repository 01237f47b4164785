#!/usr/bin/env bash
# Builds if needed, then runs the notes service in the foreground. Environment: PORT, REDIS_URL, BUG.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >/dev/null
exec ./target/debug/notes-service
