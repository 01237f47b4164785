#!/usr/bin/env bash
# Chaos replay rate: how many recorded requests per second ChaosRun (module chaos-replay) replays against a fast
# service when asked to go as fast as it can. The service is nginx (1 worker, files in /dev/shm); the recording is
# made by our recording proxy in front of it while wrk sends GET /items/0..99 (ReplayMain then replays its first
# BENCH_REQUESTS requests, baseline step only, with --rate 1000000/s).
#
#   bench/replay.sh
#
# Settings (environment):
#   BENCH_PORT_BASE=28400       two loopback ports: nginx, the recording proxy
#   BENCH_REQUESTS=50000        requests to record and replay
#   BENCH_CONCURRENCY="64 256"  ChaosOptions.concurrency values, one replay each (64 is the default of the API)
#   BENCH_RATE=1000000/s        ChaosOptions.rate: far above what can be reached, i.e. as fast as it goes
#   BENCH_NICE=-10              niceness of everything started (as root); 0 leaves priorities alone
#   BENCH_SKIP_BUILD=0          1: reuse chaos-bench/target/chaos-bench.jar
#   BENCH_KEEP=0                1: keep the work directory (recording, logs)
#   BENCH_JFR=                  a file: the replaying JVM writes a JFR recording (settings=profile) there
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT_BASE=${BENCH_PORT_BASE:-28400}
REQUESTS=${BENCH_REQUESTS:-50000}
CONCURRENCY=${BENCH_CONCURRENCY:-64 256}
RATE=${BENCH_RATE:-1000000/s}
NICE=${BENCH_NICE:--10}
JAR=$ROOT/chaos-bench/target/chaos-bench.jar
NGINX_PORT=$PORT_BASE
PROXY_PORT=$((PORT_BASE + 1))
declare -A PID=()
ROWS=()
BEST=0

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

cleanup() {
  local status=$?
  for name in "${!PID[@]}"; do stop_process "${PID[$name]}"; done
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$status"
}

field() { grep -o " $1=[^ ]*" <<<" $2" | head -1 | cut -d= -f2-; }

record() {
  java -Xms512m -Xmx512m -cp "$JAR" dev.chaostesting.bench.ProxyMain --target "$NGINX_PORT" --listen "$PROXY_PORT" \
    --record "$WORK/recording" >"$WORK/proxy.log" 2>&1 &
  PID[proxy]=$!
  wait_listening "$PROXY_PORT" proxy "${PID[proxy]}"
  cat >"$WORK/paths.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/items/" .. (n % 100))
end
LUA
  # wrk cannot stop after a count: it runs long enough for REQUESTS at the proxy's recording rate (>= 10,000 req/s),
  # and the replay takes the first REQUESTS of the recording.
  local seconds=$(((REQUESTS + 9999) / 10000 + 1))
  wrk -t1 -c16 -d"${seconds}s" -s "$WORK/paths.lua" "http://127.0.0.1:$PROXY_PORT/" >"$WORK/wrk.log"
  stop_process "${PID[proxy]}"
  unset "PID[proxy]"
  local stopped
  stopped=$(grep '^stopped' "$WORK/proxy.log" || true)
  log "recorded: ${stopped:-no counters}; wrk: $(grep 'requests in' "$WORK/wrk.log" | xargs)"
  local n
  n=$(field interactions "$stopped")
  [[ -n $n && $n -ge $REQUESTS ]] || log "warning: only ${n:-?} interactions recorded (asked for $REQUESTS)"
}

main() {
  install_packages nginx:nginx-light wrk:wrk
  build
  trap cleanup EXIT INT TERM
  if [[ $NICE != 0 ]] && ((EUID == 0)); then renice -n "$NICE" -p $$ >/dev/null; fi
  WORK=$(mktemp -d /dev/shm/chaos-replay-bench.XXXXXX)
  chmod 755 "$WORK"
  mkdir -p "$WORK/www/items"
  for i in $(seq 0 99); do printf '{"id":%d,"name":"item %d"}' "$i" "$i" >"$WORK/www/items/$i"; done
  for port in "$NGINX_PORT" "$PROXY_PORT"; do
    listening "$port" && die "port $port is in use; set BENCH_PORT_BASE"
  done
  write_nginx_conf "$NGINX_PORT"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
  PID[nginx]=$!
  wait_listening "$NGINX_PORT" nginx "${PID[nginx]}"
  record

  local c out result
  for c in $CONCURRENCY; do
    log "replaying $REQUESTS requests, concurrency $c, rate $RATE"
    local cpu0 cpu1
    cpu0=$(cpu_ticks $(pgrep -P "${PID[nginx]}" | tr '\n' ' '))
    out=$(java -Xms1g -Xmx1g ${BENCH_JFR:+-XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile} -cp "$JAR" dev.chaostesting.bench.ReplayMain --recording "$WORK/recording" \
      --target "http://127.0.0.1:$NGINX_PORT" --requests "$REQUESTS" --concurrency "$c" --rate "$RATE" 2>&1)
    cpu1=$(cpu_ticks $(pgrep -P "${PID[nginx]}" | tr '\n' ' '))
    echo "$out" >"$WORK/replay-$c.log"
    grep -v '^RESULT' <<<"$out" | grep -E '^(log|note):' | while read -r l; do log "replay c=$c: $l"; done
    result=$(grep '^RESULT' <<<"$out") || die "the replay printed no result: $(tail -5 <<<"$out")"
    local nginx_cpu
    nginx_cpu=$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
    ROWS+=("| $c | $(field rate "$result") | $(field replayed "$result") | $(field seconds "$result") | $(field req_per_s "$result") | $(field jvm_cpu_s "$result") | $(field replay_cpu_s "$result") | $(field cpu_us_per_req "$result") | $nginx_cpu | $(field statuses "$result") | $(cut -d' ' -f1 /proc/loadavg) |")
    if awk -v a="$(field req_per_s "$result")" -v b="$BEST" 'BEGIN { exit !(a > b) }'; then BEST=$(field req_per_s "$result"); fi
  done

  echo
  echo "## Chaos replay rate, $(date -u +%Y-%m-%d) ($(nproc) cores, nginx 1 worker, GET /items/0..99, baseline step only)"
  echo
  echo "| concurrency | rate asked | requests replayed | seconds | replayed req/s | replay JVM CPU s (whole run) | replay JVM CPU s (replay only) | CPU us per request (replay only) | nginx CPU s | statuses | load average (1 min) |"
  echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "| target | figure | verdict |"
  echo "| --- | --- | --- |"
  echo "| replayed req/s >= 5000 (best concurrency) | $BEST | $(verdict "$BEST" '>=' 5000) |"
  echo
  echo "Software: $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(java -version 2>&1 | head -1), Linux $(uname -r)."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
}

main "$@"
