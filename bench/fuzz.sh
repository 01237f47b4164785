#!/usr/bin/env bash
# A long seeded mutation run of every codec, on demand (the test suites run a few seconds of it; this runs a million
# inputs per codec). The inputs are real conversations from the corpora of bench/codecs.sh, mutated by
# dev.chaostesting.bench.FuzzMain and fed to the codec through the real ConnectionObserver. Checked for every input: no
# exception escapes the codec or the observer, every byte fed is counted once by the recorded interactions; memory: a
# 256 MiB heap, the heap after GC sampled every 100,000 inputs; a watchdog fails the run on an input stuck for 30 s.
#
#   bench/fuzz.sh
#
# Settings (environment):
#   BENCH_CODECS="http postgresql mysql redis kafka http2 grpc"   codecs to fuzz; each uses the corpus of its name,
#                                 except http2 which uses both the h2c and the gRPC corpus (two runs)
#   BENCH_ITERATIONS=1000000      inputs per codec (per run)
#   BENCH_SEED=1                  the generator's seed: a failure is repeated by running again with the same seed
#   BENCH_HEAP=256m               the fuzzing JVM's heap (-Xms = -Xmx)
#   BENCH_CORPUS_DIR=/dev/shm/chaos-corpora   corpora (NAME.pcap, NAME.port); made by bench/codecs.sh when missing
#   BENCH_DUMP_DIR=/tmp/chaos-fuzz-failures   the first five failing inputs of each run are written there (hex)
#   BENCH_PARALLEL=1              runs at once (2 on two idle cores halves the wall time; inputs per CPU s stays fair)
#   BENCH_SKIP_BUILD=0            1: reuse chaos-bench/target/chaos-bench.jar
#
# Exits with 1 when any check failed in any codec.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CODECS=${BENCH_CODECS:-http postgresql mysql redis kafka http2 grpc}
ITERATIONS=${BENCH_ITERATIONS:-1000000}
SEED=${BENCH_SEED:-1}
HEAP=${BENCH_HEAP:-256m}
PARALLEL=${BENCH_PARALLEL:-1}
CORPUS_DIR=${BENCH_CORPUS_DIR:-/dev/shm/chaos-corpora}
DUMP_DIR=${BENCH_DUMP_DIR:-/tmp/chaos-fuzz-failures}
JAR=$ROOT/chaos-bench/target/chaos-bench.jar
ROWS=()
FAILED=0

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

field() { grep -o " $1=[^ ]*" <<<" $2" | head -1 | cut -d= -f2-; }

job() { # codec corpus -> $OUT/codec-corpus.out (the FuzzMain output) and .status
  local codec=$1 corpus=$2 status=0
  log "$codec on the $corpus corpus: $ITERATIONS inputs, seed $SEED"
  java "-Xms$HEAP" "-Xmx$HEAP" -XX:+UseSerialGC -cp "$JAR" dev.chaostesting.bench.FuzzMain \
    --pcap "$CORPUS_DIR/$corpus.pcap" --port "$(cat "$CORPUS_DIR/$corpus.port")" --codec "$codec" \
    --iterations "$ITERATIONS" --seed "$SEED" --dump "$DUMP_DIR/$codec-on-$corpus" >"$OUT/$codec-$corpus.out" 2>&1 ||
    status=$?
  echo "$status" >"$OUT/$codec-$corpus.status"
  log "$codec on the $corpus corpus: done (exit $status)"
}

row() { # codec corpus -> a table row in ROWS; FAILED=1 on any failure
  local codec=$1 corpus=$2 out result status
  out=$(cat "$OUT/$codec-$corpus.out")
  status=$(cat "$OUT/$codec-$corpus.status")
  grep -v '^RESULT' <<<"$out" | grep -v SLF4J | while read -r l; do log "$codec ($corpus): $l"; done
  result=$(grep '^RESULT' <<<"$out" || true)
  if [[ -z $result ]]; then
    ROWS+=("| $codec | $corpus | crashed (exit $status) | | | | | | | | |")
    FAILED=1
    return
  fi
  local failures
  failures=$(($(field codec_exceptions "$result") + $(field observer_exceptions "$result") + $(field accounting_failures "$result")))
  [[ $(field hung "$result") == true || $failures -gt 0 || $status -ne 0 ]] && FAILED=1
  local share
  share=$(awk -v c="$(field bytes_counted "$result")" -v f="$(field bytes_fed "$result")" 'BEGIN { printf "%.1f%%", (f > 0) ? 100 * c / f : 0 }')
  ROWS+=("| $codec | $corpus | $(field inputs "$result") | $(field inputs_per_s "$result") | $(field inputs_per_cpu_s "$result") | $(field codec_exceptions "$result") / $(field observer_exceptions "$result") | $(field accounting_failures "$result") ($(field accounting "$result"), $share counted) | $(field hung "$result") | $(field inputs_decoded "$result") | $(field inputs_failed_open "$result") | $(field max_heap_after_gc_mb "$result") of $(field max_heap_mb "$result") |")
}

main() {
  local missing=()
  for c in $CODECS; do
    [[ -s $CORPUS_DIR/$c.pcap ]] || missing+=("$c")
  done
  if [[ " ${missing[*]} " == *" http2 "* && ! -s $CORPUS_DIR/grpc.pcap ]]; then missing+=(grpc); fi
  if ((${#missing[@]} > 0)); then
    log "making the missing corpora (${missing[*]}) with bench/codecs.sh"
    BENCH_PROTOCOLS="${missing[*]}" BENCH_CORPUS_ONLY=1 BENCH_REUSE_CORPORA=1 BENCH_CORPUS_DIR=$CORPUS_DIR \
      "$ROOT/bench/codecs.sh"
    export BENCH_SKIP_BUILD=1
  fi
  build
  OUT=$(mktemp -d /tmp/chaos-fuzz.XXXXXX)
  local started=$SECONDS runs=()
  for c in $CODECS; do
    runs+=("$c $c")
    # HTTP/2 also under gRPC traffic: the same frames layer with other headers, bodies and trailers.
    if [[ $c == http2 && -s $CORPUS_DIR/grpc.pcap ]]; then runs+=("http2 grpc"); fi
  done
  local r
  for r in "${runs[@]}"; do
    # shellcheck disable=SC2086 # "codec corpus"
    job $r &
    while (($(jobs -rp | wc -l) >= PARALLEL)); do wait -n || true; done
  done
  wait
  # shellcheck disable=SC2086
  for r in "${runs[@]}"; do row $r; done
  rm -rf "$OUT"
  echo
  echo "## Codec fuzzing, $(date -u +%Y-%m-%d) ($ITERATIONS inputs per run, seed $SEED, heap $HEAP, $PARALLEL at once, $(nproc) cores)"
  echo
  echo "| codec | corpus | inputs | inputs/s | inputs per CPU s | exceptions codec / observer | inputs with bytes not accounted for | hung | inputs decoded by the codec | of which failed open | max heap after GC MB |"
  echo "| --- | --- | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | --- |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Verdict: $([[ $FAILED == 0 ]] && echo 'no exception, no byte unaccounted for, no hang' || echo 'FAILURES (see the log lines above)')."
  echo "Total $((SECONDS - started)) s. Software: $(java -version 2>&1 | head -1), Linux $(uname -r). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  return "$FAILED"
}

main "$@"
