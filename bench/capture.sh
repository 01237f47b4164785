#!/usr/bin/env bash
# Passive-capture benchmark: (1) a live capture (LiveCapture: tcpdump on lo streaming pcap into CaptureImport.read, in
# a JVM) of nginx under increasing open-loop load, counting every request against the interactions recorded, the
# kernel's drops and the CPU of the JVM and of tcpdump; (2) the single-thread throughput of importing a large pcap
# (CaptureImport.read into a counting sink, and CaptureImport.toRecording). Prints a markdown table and the targets
# from docs/performance.md ("Passive capture").
#
#   bench/capture.sh
#
# Settings (environment):
#   BENCH_PORT=28180                  loopback port of nginx (one worker, a 13-byte file)
#   BENCH_RATES="5000 10000 20000 30000"  fixed rates (req/s, FixedRateLoad, 16 keep-alive connections), one step each;
#                                     empty (BENCH_RATES=) runs no fixed-rate step
#   BENCH_STEP_SECONDS=5              seconds of each load step
#   BENCH_WRK_STEP=1                  1: a last step with wrk -t1 -c16 as fast as it goes (closed loop), for reference
#   BENCH_PCAP=                       a pcap recorded earlier (e.g. kept with BENCH_KEEP=1) to import instead of recording
#                                     a new one; with BENCH_RATES= and BENCH_WRK_STEP=0 only the import runs
#   BENCH_PCAP_SECONDS=10             seconds of the wrk run recorded with tcpdump for the import measurement
#   BENCH_IMPORT_ROUNDS=3             timed rounds of each import mode (best kept), after one warm-up pass
#   BENCH_NICE=-10                    niceness of everything the benchmark starts (as root); 0 leaves priorities alone
#   BENCH_JFR_DIR=                    a directory: the capture JVMs and the import write JFR recordings there
#   BENCH_SKIP_BUILD=0                1: reuse chaos-bench/target/chaos-bench.jar
#   BENCH_KEEP=0                      1: keep the work directory (config, logs, pcap) instead of deleting it
#
# Every process it starts is stopped on exit (trap). Needs root (tcpdump, apt-get when a package is missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${BENCH_PORT:-28180}
RATES=${BENCH_RATES-5000 10000 20000 30000}
STEP_SECONDS=${BENCH_STEP_SECONDS:-5}
WRK_STEP=${BENCH_WRK_STEP:-1}
PCAP_SECONDS=${BENCH_PCAP_SECONDS:-10}
IMPORT_ROUNDS=${BENCH_IMPORT_ROUNDS:-3}
NICE=${BENCH_NICE:--10}
JFR_DIR=${BENCH_JFR_DIR:-}
CONNECTIONS=16
JAR=$ROOT/chaos-bench/target/chaos-bench.jar
CAPTURE_JVM=(-Xms512m -Xmx512m -XX:+AlwaysPreTouch)
LOAD_JVM=(-Xms128m -Xmx128m -XX:+UseSerialGC)
HZ=$(getconf CLK_TCK)
declare -A PID=()
ROWS=()
BEST_RATE=0

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

stop_pid() { # name: TERM, wait (bounded, so a JVM's shutdown hook can print its counters), then KILL
  local pid=${PID[$1]:-}
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "PID[$1]"
}

cleanup() {
  local status=$?
  for name in "${!PID[@]}"; do stop_pid "$name"; done
  # The capture JVM stops its tcpdump itself; if the JVM had to be killed, tcpdump is stopped here.
  if [[ -n ${TCPDUMP_PID:-} && $TCPDUMP_PID -gt 0 ]] && kill -0 "$TCPDUMP_PID" 2>/dev/null; then kill "$TCPDUMP_PID" || true; fi
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$status"
}

start_nginx() {
  # /dev/shm keeps the pcap and the recording in memory, so the disk never shows up in the figures.
  WORK=$(mktemp -d /dev/shm/chaos-capture-bench.XXXXXX)
  chmod 755 "$WORK" # nginx's worker runs unprivileged and must read the file
  mkdir -p "$WORK/www" "$WORK/nginx/logs"
  printf 'Hello, world!' >"$WORK/www/index.html"
  write_nginx_conf "$PORT"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
  PID[nginx]=$!
  wait_listening "$PORT" nginx "${PID[nginx]}"
}

start_capture() { # step -> sets PID[capture], TCPDUMP_PID
  local jfr=()
  [[ -n $JFR_DIR ]] && mkdir -p "$JFR_DIR" && jfr=("-XX:StartFlightRecording=filename=$JFR_DIR/capture-$1.jfr,settings=profile")
  java "${CAPTURE_JVM[@]}" "${jfr[@]}" -cp "$JAR" dev.chaostesting.bench.CaptureMain --port "$PORT" --interface lo \
    >"$WORK/capture-$1.log" 2>&1 &
  PID[capture]=$!
  for _ in $(seq 1 300); do
    if grep -q '^listening' "$WORK/capture-$1.log"; then
      TCPDUMP_PID=$(awk '/^listening/ { print $2 }' "$WORK/capture-$1.log")
      return 0
    fi
    kill -0 "${PID[capture]}" 2>/dev/null || die "the capture exited at start: $(cat "$WORK/capture-$1.log")"
    sleep 0.1
  done
  die "the capture did not start within 30 s"
}

field() { grep -o "$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2; }

step() { # name rate|wrk
  local name=$1 rate=$2 out completed errors jvm0 tcp0 jvm1 tcp1 logf=$WORK/capture-$1.log
  start_capture "$name"
  jvm0=$(cpu_ticks "${PID[capture]}")
  tcp0=$(cpu_ticks "$TCPDUMP_PID")
  if [[ $rate == wrk ]]; then
    out=$(timeout $((STEP_SECONDS + 30)) wrk -t1 -c"$CONNECTIONS" -d"${STEP_SECONDS}s" "http://127.0.0.1:$PORT/")
    completed=$(awk '/requests in/ { print $1 }' <<<"$out")
    errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)
    rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
    name="wrk -c$CONNECTIONS"
  else
    out=$(timeout $((STEP_SECONDS + 30)) java "${LOAD_JVM[@]}" -cp "$JAR" dev.chaostesting.bench.FixedRateLoad \
      --port "$PORT" --rate "$rate" --connections "$CONNECTIONS" --warmup 0 --duration "$STEP_SECONDS")
    completed=$(field count "$(grep '^RESULT' <<<"$out")")
    errors=$(field errors "$(grep '^RESULT' <<<"$out")")
    log "$name: $(grep '^measured' <<<"$out")"
  fi
  echo "$out" >>"$WORK/load.log"
  sleep 1 # let the capture take in the last packets before its CPU is read
  jvm1=$(cpu_ticks "${PID[capture]}")
  tcp1=$(cpu_ticks "$TCPDUMP_PID")
  stop_pid capture
  local line
  line=$(grep '^stopped' "$logf" || true)
  [[ -n $line ]] || die "the capture printed no counters: $(tail -5 "$logf")"
  log "$name: $line"
  local http dropped diff jvm_s tcp_s
  http=$(field http "$line")
  dropped=$(field droppedByKernel "$line")
  diff=$((completed - http))
  jvm_s=$(awk -v t=$((jvm1 - jvm0)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
  tcp_s=$(awk -v t=$((tcp1 - tcp0)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
  ROWS+=("| $name | $rate | $completed | ${errors:-0} | $http | $(field interactions "$line") | $diff | $dropped | $(field gaps "$line") | $jvm_s | $tcp_s |")
  if [[ $2 != wrk && $diff == 0 && $dropped == 0 && ${errors:-0} == 0 && $2 -gt $BEST_RATE ]]; then BEST_RATE=$2; fi
}

record_pcap() { # -> PCAP, PCAP_DROPS, PCAP_RPS
  PCAP=$WORK/big.pcap
  # Buffered (not immediate) mode with a 64 MiB ring: this file is the import's input, so it should be whole.
  tcpdump -i lo -B 65536 -s 0 -n -w "$PCAP" "tcp port $PORT" 2>"$WORK/tcpdump.log" &
  PID[tcpdump]=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$WORK/tcpdump.log" && break; sleep 0.1; done
  local out
  out=$(timeout $((PCAP_SECONDS + 30)) wrk -t1 -c"$CONNECTIONS" -d"${PCAP_SECONDS}s" "http://127.0.0.1:$PORT/")
  PCAP_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  sleep 1
  stop_pid tcpdump
  PCAP_DROPS=$(awk '/dropped by kernel/ { print $1 }' "$WORK/tcpdump.log")
  log "pcap: $(tr '\n' ' ' <"$WORK/tcpdump.log")"
}


main() {
  install_packages nginx:nginx-light wrk:wrk tcpdump:tcpdump
  build
  trap cleanup EXIT INT TERM
  if [[ $NICE != 0 ]] && ((EUID == 0)); then renice -n "$NICE" -p $$ >/dev/null; fi
  listening "$PORT" && die "port $PORT is in use; set BENCH_PORT"
  start_nginx
  log "work directory $WORK"
  for rate in $RATES; do step "rate-$rate" "$rate"; done
  if [[ $WRK_STEP == 1 ]]; then step wrk wrk; fi

  if [[ -n ${BENCH_PCAP:-} ]]; then
    PCAP=$BENCH_PCAP PCAP_RPS='?' PCAP_DROPS='?'
    [[ -f $PCAP ]] || die "BENCH_PCAP: $PCAP is not a file"
    log "importing $PCAP (recorded earlier)"
  else
    log "recording ${PCAP_SECONDS} s of wrk with tcpdump for the import"
    record_pcap
  fi
  local jfr=()
  [[ -n $JFR_DIR ]] && mkdir -p "$JFR_DIR" && jfr=("-XX:StartFlightRecording=filename=$JFR_DIR/import.jfr,settings=profile")
  local imp
  imp=$(java -Xms1g -Xmx1g "${jfr[@]}" -cp "$JAR" dev.chaostesting.bench.CaptureImportBench --pcap "$PCAP" \
    --port "$PORT" --dir "$WORK" --rounds "$IMPORT_ROUNDS")
  echo "$imp" >"$WORK/import.log"
  grep -v '^RESULT' <<<"$imp" | while read -r l; do log "import: $l"; done
  local read_line rec_line
  read_line=$(grep '^RESULT mode=read-null-sink' <<<"$imp")
  rec_line=$(grep '^RESULT mode=toRecording' <<<"$imp")

  echo
  echo "## Passive capture benchmark, $(date -u +%Y-%m-%d) ($(nproc) cores, nginx 1 worker, capture of 'tcp port $PORT' on lo)"
  echo
  echo "| load | req/s | requests completed | load errors | http interactions recorded | all interactions | completed - http recorded | dropped by kernel | TCP gaps | JVM CPU s | tcpdump CPU s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  ((${#ROWS[@]} == 0)) || printf '%s\n' "${ROWS[@]}"
  echo
  echo "Each step: ${STEP_SECONDS} s, $CONNECTIONS keep-alive connections, a fresh capture JVM (CPU counted from tcpdump listening to 1 s after the load)."
  echo
  echo "| import (one thread, best of $IMPORT_ROUNDS) | pcap MB | wall s | CPU s | MB/s | MB per CPU s | packets/s | interactions/s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for l in "$read_line" "$rec_line"; do
    printf '| %s | %.1f | %s | %s | %s | %s | %s | %s |\n' "$(field mode "$l")" "$(awk -v b="$(field bytes "$l")" 'BEGIN { print b / 1e6 }')" \
      "$(field wall_s "$l")" "$(field cpu_s "$l")" "$(field mb_per_s "$l")" "$(field mb_per_cpu_s "$l")" \
      "$(field packets_per_s "$l")" "$(field interactions_per_s "$l")"
  done
  echo
  echo "pcap: $(field packets "$read_line") packets, $(field interactions "$read_line") interactions, wrk at $PCAP_RPS req/s, ${PCAP_DROPS:-?} dropped by kernel."
  echo
  echo "| target | figure | verdict |"
  echo "| --- | --- | --- |"
  if [[ -n ${RATES// /} ]]; then
    echo "| highest rate with zero loss >= 20000 req/s | $BEST_RATE | $(verdict "$BEST_RATE" '>=' 20000) |"
  else
    echo "| highest rate with zero loss >= 20000 req/s | not run (BENCH_RATES empty) | - |"
  fi
  echo "| import read >= 200 MB per CPU s | $(field mb_per_cpu_s "$read_line") | $(verdict "$(field mb_per_cpu_s "$read_line")" '>=' 200) |"
  echo "| import toRecording >= 200 MB per CPU s | $(field mb_per_cpu_s "$rec_line") | $(verdict "$(field mb_per_cpu_s "$rec_line")" '>=' 200) |"
  echo
  echo "Software: $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(tcpdump --version 2>&1 | head -1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(java -version 2>&1 | head -1), Linux $(uname -r)."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
}

main "$@"
