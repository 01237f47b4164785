#!/usr/bin/env bash
# Learning and generation at scale: a recording of N interactions (a CRUD API with a login: ids, timestamps, tokens,
# 404s, 409s; written first, not timed) is learned into a model and one suite is generated, in a JVM limited to 1 GiB
# of heap. Prints the seconds of each step and the heap's peak.
#
#   bench/learn.sh
#
# Settings (environment):
#   BENCH_INTERACTIONS=100000   interactions in the recording
#   BENCH_LANGUAGE=python       the suite generated
#   BENCH_SKIP_BUILD=0          1: reuse chaos-bench/target/chaos-bench.jar
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_INTERACTIONS:-100000}
LANGUAGE=${BENCH_LANGUAGE:-python}
JAR=$ROOT/chaos-bench/target/chaos-bench.jar

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

[[ ${BENCH_SKIP_BUILD:-0} == 1 && -f $JAR ]] || build
WORK=$(mktemp -d /dev/shm/chaos-learn-bench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log "learning from $N interactions and generating a $LANGUAGE suite (heap limit 1 GiB)"
out=$(java -Xmx1g -cp "$JAR" dev.chaostesting.bench.LearnBench --interactions "$N" --dir "$WORK" \
  --language "$LANGUAGE")
grep -v '^RESULT' <<<"$out" | while read -r l; do log "$l"; done
result=$(grep '^RESULT' <<<"$out")
total=$(sed -E 's/.*total_s=([0-9.]+).*/\1/' <<<"$result")
peak=$(sed -E 's/.*heap_peak_mb=([0-9]+).*/\1/' <<<"$result")
echo
echo "| target | figure | verdict |"
echo "| --- | --- | --- |"
echo "| $N interactions -> model + one suite < 30 s | $total s | $(verdict "$total" '<' 30) |"
echo "| ... with < 1 GiB of heap (-Xmx1g, peak used) | $peak MB | $(verdict "$peak" '<' 1024) |"
