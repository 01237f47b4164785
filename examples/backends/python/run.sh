#!/usr/bin/env bash
# Prepares the venv if needed, then runs the inventory service in the foreground. Environment: PORT, DATABASE_URL, BUG.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
exec .venv/bin/python app.py
