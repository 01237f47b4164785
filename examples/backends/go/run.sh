#!/usr/bin/env bash
# Builds if needed, then runs the projects service in the foreground. Environment: PORT, DATABASE_URL, BUG.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >/dev/null
exec ./bin/projects-service
