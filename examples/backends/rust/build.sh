#!/usr/bin/env bash
# Builds the notes service into rust/target/debug/notes-service (dev profile without debug info: a short cold
# build). Idempotent: cargo only rebuilds what changed. Dependencies come from crates.io, pinned by Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --locked --quiet
echo "$(pwd)/target/debug/notes-service"
