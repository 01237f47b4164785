#!/usr/bin/env bash
# Proxy benchmark: nginx direct vs HAProxy (TCP mode) vs our proxy with recording off and on, all in one run on this
# machine's loopback. Prints a markdown table of the figures and of the targets from docs/performance.md.
#
#   bench/proxy.sh
#
# Settings (environment):
#   BENCH_PORT_BASE=28080   four consecutive loopback ports: nginx, HAProxy, ours (recording off), ours (recording on)
#   BENCH_IO_THREADS=1      I/O threads of our proxy (1 matches HAProxy's nbthread 1 and nginx's single worker)
#   BENCH_DURATION=10       seconds of each wrk run and of each fixed-rate measurement (after its 2 s warm-up)
#   BENCH_RATE=2000         requests/s of the fixed-rate latency test, over 16 keep-alive connections
#   BENCH_ROUNDS=2          rounds of the wrk test, paths interleaved; the best round of each path is kept
#   BENCH_LATENCY_ROUNDS=3  rounds of the fixed-rate test, likewise; the median p50 and the best p99 of each path are kept
#   BENCH_WAIT_IDLE=60      seconds to wait at most for other work on the machine to stop before measuring
#   BENCH_NICE=-10          niceness of everything the benchmark starts (as root), so that other work sharing the
#                           machine (builds, tests) disturbs all paths less; 0 leaves priorities alone
#   BENCH_PIN=0             1: pin nginx and HAProxy to CPU 0, our proxies to CPU 1 (load generators float)
#   BENCH_JFR_DIR=          a directory: our proxies write JFR recordings there, for profiling
#   BENCH_SKIP_BUILD=0      1: reuse chaos-bench/target/chaos-bench.jar
#   BENCH_KEEP=0            1: keep the work directory (configs, logs, recording) instead of deleting it
#
# Every process it starts is stopped on exit (trap). Needs root for apt-get only when a package is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT_BASE=${BENCH_PORT_BASE:-28080}
IO_THREADS=${BENCH_IO_THREADS:-1}
DURATION=${BENCH_DURATION:-10}
RATE=${BENCH_RATE:-2000}
ROUNDS=${BENCH_ROUNDS:-2}
LATENCY_ROUNDS=${BENCH_LATENCY_ROUNDS:-3}
WAIT_IDLE=${BENCH_WAIT_IDLE:-60}
NICE=${BENCH_NICE:--10}
PIN=${BENCH_PIN:-0}
JFR_DIR=${BENCH_JFR_DIR:-}
CONNECTIONS=16
WARMUP=2
JAR=$ROOT/chaos-bench/target/chaos-bench.jar
# Fixed heaps so GC sizing does not differ between runs; the proxy's pooled direct buffers are capped by the default
# (= max heap). The load generator allocates almost nothing, so the serial collector keeps it off the second core.
# AlwaysPreTouch: the heap's first use would otherwise cost page faults inside the measurements.
PROXY_JVM=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch)
LOAD_JVM=(-Xms128m -Xmx128m -XX:+UseSerialGC)

NGINX_PORT=$PORT_BASE
HAPROXY_PORT=$((PORT_BASE + 1))
OFF_PORT=$((PORT_BASE + 2))
ON_PORT=$((PORT_BASE + 3))
PATHS=(direct haproxy ours-off ours-on)
declare -A PORT=([direct]=$NGINX_PORT [haproxy]=$HAPROXY_PORT [ours-off]=$OFF_PORT [ours-on]=$ON_PORT)
declare -A PID=()
DISTURBED=0
declare -A RPS=() CPU=() P50=() P99=() LAT_ERR=() BULK=() ROUND_RPS=() ROUND_P50=() ROUND_P99=()

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

# --- (a) packages and the jar ---------------------------------------------------------------------------------------

# --- (b) the servers ------------------------------------------------------------------------------------------------

busy_percent() { # share of all CPUs busy over one second, from /proc/stat: other work on the machine skews everything
  local a b
  a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
  sleep 1
  b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2];
    printf "%.0f", ((busy + idle) > 0) ? 100 * busy / (busy + idle) : 0 }'
}

pin() { # cpu pid
  if [[ $PIN == 1 ]]; then taskset -a -cp "$1" "$2" >/dev/null; fi
}

cleanup() {
  local status=$?
  for name in "${!PID[@]}"; do
    kill "${PID[$name]}" 2>/dev/null || true
  done
  for name in "${!PID[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "${PID[$name]}" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "${PID[$name]}" 2>/dev/null || true
  done
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$status"
}

make_work_dir() {
  # /dev/shm keeps the 1 GiB file and the recording in memory, so the disk never shows up in the figures.
  local free_kb
  free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
  if [[ -n $free_kb && $free_kb -gt $((3 * 1024 * 1024)) ]]; then
    WORK=$(mktemp -d /dev/shm/chaos-bench.XXXXXX)
  else
    WORK=$(mktemp -d /tmp/chaos-bench.XXXXXX)
  fi
  # nginx's worker runs as an unprivileged user when started as root: it must be able to read the files.
  chmod 755 "$WORK"
  mkdir -p "$WORK/www" "$WORK/nginx/logs"
  printf 'Hello, world!' >"$WORK/www/index.html" # 13 bytes
  dd if=/dev/zero of="$WORK/www/1g.bin" bs=1M count=1024 status=none
}

start_nginx() {
  write_nginx_conf "$NGINX_PORT" "sendfile on; tcp_nopush on;"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
  PID[nginx]=$!
  wait_listening "$NGINX_PORT" nginx "${PID[nginx]}"
  pin 0 "${PID[nginx]}"
  # With PIN, the worker (forked at start) is pinned too: taskset -a covers threads, so pin each process.
  for child in $(pgrep -P "${PID[nginx]}" || true); do pin 0 "$child"; done
}

start_haproxy() {
  cat >"$WORK/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4096
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend bench
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend nginx
backend nginx
  server nginx 127.0.0.1:$NGINX_PORT
EOF
  haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
  PID[haproxy]=$!
  wait_listening "$HAPROXY_PORT" haproxy "${PID[haproxy]}"
  pin 0 "${PID[haproxy]}"
}

start_ours() { # name port record-dir|off
  local jfr=()
  if [[ -n $JFR_DIR ]]; then
    mkdir -p "$JFR_DIR"
    jfr=("-XX:StartFlightRecording=filename=$JFR_DIR/$1.jfr,settings=profile")
  fi
  java "${PROXY_JVM[@]}" "-Xlog:gc:file=$WORK/$1-gc.log" "${jfr[@]}" -cp "$JAR" dev.chaostesting.bench.ProxyMain \
    --target "$NGINX_PORT" --listen "$2" --io-threads "$IO_THREADS" --record "$3" >"$WORK/$1.log" 2>&1 &
  PID[$1]=$!
  wait_listening "$2" "$1" "${PID[$1]}"
  pin 1 "${PID[$1]}"
}

stop() { # name: TERM, then wait (bounded) so a proxy's shutdown hook can print its counters
  local pid=${PID[$1]}
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  unset "PID[$1]"
}

# --- (c) the measurements -------------------------------------------------------------------------------------------

check_paths() {
  for p in "${PATHS[@]}"; do
    local body
    body=$(curl -sf --max-time 5 "http://127.0.0.1:${PORT[$p]}/") || die "GET / through $p failed"
    [[ $body == 'Hello, world!' ]] || die "GET / through $p returned '$body'"
  done
}

serving_pids() { # path -> the processes that do the forwarding for it (nginx's worker for the direct path)
  case $1 in
    direct) pgrep -P "${PID[nginx]}" | tr '\n' ' ' ;;
    *) echo "${PID[$1]}" ;;
  esac
}

run_wrk() { # name seconds -> "req/s CPU-us-per-request" (CPU of the process serving that path)
  local out pids before after
  pids=$(serving_pids "$1")
  # shellcheck disable=SC2086 # a list of pids
  before=$(cpu_ticks $pids)
  out=$(timeout $(($2 + 30)) wrk -t1 -c"$CONNECTIONS" -d"$2s" "http://127.0.0.1:${PORT[$1]}/")
  # shellcheck disable=SC2086
  after=$(cpu_ticks $pids)
  echo "$out" >>"$WORK/wrk.log"
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    log "wrk $1: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ')"
  fi
  local requests rps
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  awk -v r="$rps" -v n="$requests" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%s %.1f\n", r, (n > 0) ? t * 1e6 / hz / n : 0 }'
}

run_fixed_rate() { # name -> "p50-us p99-us errors send-lag-p99-us"
  local out
  out=$(timeout $((WARMUP + DURATION + 30)) java "${LOAD_JVM[@]}" -cp "$JAR" dev.chaostesting.bench.FixedRateLoad \
    --port "${PORT[$1]}" --rate "$RATE" --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION")
  echo "$out" >>"$WORK/fixed-rate.log"
  log "fixed-rate $1: $(grep '^latency' <<<"$out")"
  log "fixed-rate $1: $(grep '^measured' <<<"$out")"
  grep '^RESULT' <<<"$out" |
    sed -E 's/.* p50_us=([^ ]+).* p99_us=([^ ]+).* errors=([^ ]+).* send_lag_p99_us=([^ ]+).*/\1 \2 \3 \4/'
}

bulk_once() { # name -> bytes/s of one download of the 1 GiB file
  local out
  out=$(curl -s --max-time 120 -o /dev/null -w '%{size_download} %{speed_download}' "http://127.0.0.1:${PORT[$1]}/1g.bin")
  [[ ${out%% *} == 1073741824 ]] || die "bulk download through $1 got ${out%% *} bytes"
  echo "${out##* }"
}

above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# Each measurement runs once per path per round, the paths interleaved, and the best round of each path is kept:
# this machine's two cores may be shared with other work, and a burst of it should not decide a comparison.
measure() {
  local round p result rps cpu p50 p99 errors lag
  for round in $(seq 1 "$ROUNDS"); do
    for p in "${PATHS[@]}"; do
      result=$(run_wrk "$p" "$DURATION")
      read -r rps cpu <<<"$result"
      log "round $round wrk $p: $rps req/s, $cpu us CPU per request in its server process"
      ROUND_RPS[$p]+="${ROUND_RPS[$p]:+ / }$(printf '%.0f' "$rps")"
      if [[ -z ${RPS[$p]:-} ]] || above "$rps" "${RPS[$p]}"; then
        RPS[$p]=$rps
        CPU[$p]=$cpu
      fi
    done
  done
  for round in $(seq 1 "$LATENCY_ROUNDS"); do
    for p in "${PATHS[@]}"; do
      result=$(run_fixed_rate "$p")
      [[ -n $result ]] || die "fixed-rate load against $p printed no result"
      read -r p50 p99 errors lag <<<"$result"
      # The generator's own send lag shows interference from outside: past 0.5 ms it could not keep its schedule.
      if above "$lag" 500; then DISTURBED=$((DISTURBED + 1)); fi
      ROUND_P50[$p]+="${ROUND_P50[$p]:+ / }$(printf '%.0f' "$p50")"
      ROUND_P99[$p]+="${ROUND_P99[$p]:+ / }$(printf '%.0f' "$p99")"
      LAT_ERR[$p]=$((${LAT_ERR[$p]:-0} + errors))
      # p99: the best round (a burst of other work hits one round, not the path); p50: the median round.
      if [[ -z ${P99[$p]:-} ]] || above "${P99[$p]}" "$p99"; then
        P99[$p]=$p99
      fi
    done
  done
  for p in "${PATHS[@]}"; do
    P50[$p]=$(tr -d ' ' <<<"${ROUND_P50[$p]}" | tr '/' '\n' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  done
  # Bulk: three downloads per path, interleaved; the median is kept (a single download is short and jittery).
  local -A speeds=()
  for _ in 1 2 3; do
    for p in "${PATHS[@]}"; do
      speeds[$p]+="$(bulk_once "$p") "
    done
  done
  for p in "${PATHS[@]}"; do
    log "bulk $p: ${speeds[$p]}bytes/s"
    BULK[$p]=$(tr ' ' '\n' <<<"${speeds[$p]}" | grep . | sort -g | awk 'NR == 2 { printf "%.2f", $1 / 1e9 }')
  done
}

# --- (d) the table --------------------------------------------------------------------------------------------------

gc_pauses() { # name -> "N pauses, max X ms" from the proxy's -Xlog:gc file
  awk '/Pause/ { n++; v = $NF; sub(/ms$/, "", v); if (v + 0 > max) max = v + 0 }
    END { printf "%d pauses, max %.1f ms", n, max }' "$WORK/$1-gc.log"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a - b }'; }
report() {
  local date
  date=$(date -u +%Y-%m-%d)
  echo
  echo "## Proxy benchmark, $date ($(nproc) cores, ioThreads=$IO_THREADS, pinned=$([[ $PIN == 1 ]] && echo yes || echo no))"
  echo
  echo "| path | req/s (wrk -t1 -c$CONNECTIONS) | vs HAProxy | CPU us/req | p50 us @ $RATE/s | p99 us | added p50 us | added p99 us | bulk GB/s | bulk vs HAProxy |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for p in "${PATHS[@]}"; do
    local added50="-" added99="-"
    if [[ $p != direct ]]; then
      added50=$(minus "${P50[$p]}" "${P50[direct]}")
      added99=$(minus "${P99[$p]}" "${P99[direct]}")
    fi
    printf '| %s | %.0f | %s | %s | %.0f | %.0f | %s | %s | %s | %s |\n' "$p" "${RPS[$p]}" \
      "$(ratio "${RPS[$p]}" "${RPS[haproxy]}")" "${CPU[$p]}" "${P50[$p]}" "${P99[$p]}" "$added50" "$added99" "${BULK[$p]}" \
      "$(ratio "${BULK[$p]}" "${BULK[haproxy]}")"
  done
  echo
  echo "| target | ours-off | ours-on |"
  echo "| --- | --- | --- |"
  local off_ratio on_ratio
  off_ratio=$(ratio "${RPS[ours-off]}" "${RPS[haproxy]}")
  on_ratio=$(ratio "${RPS[ours-on]}" "${RPS[haproxy]}")
  echo "| req/s vs HAProxy >= 0.8 (off), >= 0.65 (on) | $off_ratio $(verdict "$off_ratio" '>=' 0.8) | $on_ratio $(verdict "$on_ratio" '>=' 0.65) |"
  local row="| added p50 <= 100 us |"
  for p in ours-off ours-on; do
    local a
    a=$(minus "${P50[$p]}" "${P50[direct]}")
    row+=" $a us $(verdict "$a" '<=' 100) |"
  done
  echo "$row"
  row="| added p99 <= 1000 us |"
  for p in ours-off ours-on; do
    local a
    a=$(minus "${P99[$p]}" "${P99[direct]}")
    row+=" $a us $(verdict "$a" '<=' 1000) |"
  done
  echo "$row"
  echo "| bulk >= 1 GB/s | ${BULK[ours-off]} $(verdict "${BULK[ours-off]}" '>=' 1) | ${BULK[ours-on]} $(verdict "${BULK[ours-on]}" '>=' 1) |"
  echo
  echo "Rounds: wrk req/s (best kept) direct ${ROUND_RPS[direct]}, haproxy ${ROUND_RPS[haproxy]}," \
    "ours-off ${ROUND_RPS[ours-off]}, ours-on ${ROUND_RPS[ours-on]}; fixed-rate p50 us (median kept)" \
    "direct ${ROUND_P50[direct]}, haproxy ${ROUND_P50[haproxy]}, ours-off ${ROUND_P50[ours-off]}," \
    "ours-on ${ROUND_P50[ours-on]}; fixed-rate p99 us (best kept) direct ${ROUND_P99[direct]}," \
    "haproxy ${ROUND_P99[haproxy]}, ours-off ${ROUND_P99[ours-off]}, ours-on ${ROUND_P99[ours-on]}."
  echo "Latency rounds disturbed from outside (load generator's send lag p99 > 0.5 ms): $DISTURBED of" \
    "$((LATENCY_ROUNDS * ${#PATHS[@]}))."
  echo "Latency errors (non-200, missing or unsent): direct ${LAT_ERR[direct]}, haproxy ${LAT_ERR[haproxy]}," \
    "ours-off ${LAT_ERR[ours-off]}, ours-on ${LAT_ERR[ours-on]}."
  echo "Recording proxy: $RECORDED"
  echo "GC pauses over the whole run: ours-off $(gc_pauses ours-off), ours-on $(gc_pauses ours-on)."
  echo "Software: $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(haproxy -v | head -1 | cut -d' ' -f1-3)," \
    "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(java -version 2>&1 | head -1), Linux $(uname -r)."
  echo "CPU busy before the run (other work on the machine): ${BUSY_BEFORE}%; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
}

main() {
  install_packages nginx:nginx-light haproxy:haproxy wrk:wrk curl:curl
  build
  trap cleanup EXIT INT TERM
  # Every server and load generator is started from here and inherits the niceness: all paths alike.
  if [[ $NICE != 0 ]] && ((EUID == 0)); then
    renice -n "$NICE" -p $$ >/dev/null
  fi
  make_work_dir
  for p in "${PATHS[@]}"; do
    listening "${PORT[$p]}" && die "port ${PORT[$p]} is in use; set BENCH_PORT_BASE"
  done
  log "work directory $WORK"
  BUSY_BEFORE=$(busy_percent)
  local waited=0
  while ((BUSY_BEFORE > 10 && waited < WAIT_IDLE)); do
    log "the CPUs are ${BUSY_BEFORE}% busy with other work; waiting for them to settle (up to ${WAIT_IDLE} s)"
    sleep 4
    waited=$((waited + 5))
    BUSY_BEFORE=$(busy_percent)
  done
  if ((BUSY_BEFORE > 10)); then
    log "warning: the CPUs are already ${BUSY_BEFORE}% busy before the benchmark; figures will be low and noisy"
  fi
  start_nginx
  start_haproxy
  start_ours ours-off "$OFF_PORT" off
  start_ours ours-on "$ON_PORT" "$WORK/recording"
  check_paths

  # Let the JIT compile the proxy path before anything is measured.
  log "warming up our proxies"
  run_wrk ours-off 5 >/dev/null
  run_wrk ours-on 5 >/dev/null

  measure

  # Stopping the recording proxy completes its recording and makes it print how much it stored or dropped.
  stop ours-on
  RECORDED=$(grep '^stopped' "$WORK/ours-on.log" | sed 's/^stopped //') || RECORDED="no counters printed"
  report
}

main "$@"
