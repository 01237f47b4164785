#!/usr/bin/env bash
# Builds the projects service into go/bin/projects-service. Idempotent: the Go build cache makes a rebuild cheap.
# Modules come from the Go module proxy, pinned by go.sum.
set -euo pipefail
cd "$(dirname "$0")"
go build -mod=readonly -o bin/projects-service .
echo "$(pwd)/bin/projects-service"
