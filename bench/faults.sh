#!/usr/bin/env bash
# Fault engine cost: our proxy with the fault engine loaded but no fault active, against the same proxy without the
# engine (-Dchaos.faults=off on its JVM), in one run, same method as bench/proxy.sh (wrk -t1 -c16 keep-alive GET / of
# 13 bytes from nginx, rounds interleaved, best round kept, CPU per request of the proxy JVM from /proc).
#
#   bench/faults.sh
#
# Settings (environment):
#   BENCH_PORT_BASE=28300   three loopback ports: nginx, proxy with the engine, proxy without it
#   BENCH_DURATION=10       seconds of each wrk run
#   BENCH_ROUNDS=3          rounds, the two proxies interleaved (order alternating); the best round of each is kept
#   BENCH_RECORD=off        "on": both proxies also record (HTTP decoding and JSON Lines), to see the cost there
#   BENCH_NICE=-10          niceness of everything started (as root); 0 leaves priorities alone
#   BENCH_SKIP_BUILD=0      1: reuse chaos-bench/target/chaos-bench.jar
#   BENCH_KEEP=0            1: keep the work directory
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT_BASE=${BENCH_PORT_BASE:-28300}
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
RECORD=${BENCH_RECORD:-off}
NICE=${BENCH_NICE:--10}
JAR=$ROOT/chaos-bench/target/chaos-bench.jar
PROXY_JVM=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch)
NGINX_PORT=$PORT_BASE
declare -A PORT=([engine]=$((PORT_BASE + 1)) [no-engine]=$((PORT_BASE + 2)))
declare -A PROPS=([engine]="-Dchaos.faults=on" [no-engine]="-Dchaos.faults=off")
declare -A PID=() RPS=() CPU=() ROUND=()

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

start_proxy() { # name
  local record=off
  [[ $RECORD == on ]] && record=$WORK/recording-$1
  java "${PROXY_JVM[@]}" "${PROPS[$1]}" -cp "$JAR" dev.chaostesting.bench.ProxyMain --target "$NGINX_PORT" \
    --listen "${PORT[$1]}" --io-threads 1 --record "$record" >"$WORK/$1.log" 2>&1 &
  PID[$1]=$!
  wait_listening "${PORT[$1]}" "$1" "${PID[$1]}"
  log "$1: $(grep -m1 '^listening' "$WORK/$1.log")"
}

above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

main() {
  install_packages nginx:nginx-light wrk:wrk curl:curl
  build
  trap cleanup EXIT INT TERM
  if [[ $NICE != 0 ]] && ((EUID == 0)); then renice -n "$NICE" -p $$ >/dev/null; fi
  WORK=$(mktemp -d /dev/shm/chaos-faults-bench.XXXXXX)
  chmod 755 "$WORK"
  mkdir -p "$WORK/www"
  printf 'Hello, world!' >"$WORK/www/index.html"
  for port in "$NGINX_PORT" "${PORT[@]}"; do
    listening "$port" && die "port $port is in use; set BENCH_PORT_BASE"
  done
  write_nginx_conf "$NGINX_PORT"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
  PID[nginx]=$!
  wait_listening "$NGINX_PORT" nginx "${PID[nginx]}"
  start_proxy engine
  start_proxy no-engine
  grep -q 'faults=engine' "$WORK/engine.log" || die "the engine proxy does not report faults=engine"
  grep -q 'faults=off' "$WORK/no-engine.log" || die "the no-engine proxy does not report faults=off"
  for p in engine no-engine; do
    [[ $(curl -sf --max-time 5 "http://127.0.0.1:${PORT[$p]}/") == 'Hello, world!' ]] || die "GET / through $p failed"
  done
  log "warming up (5 s each)"
  for p in engine no-engine; do wrk_cpu "${PORT[$p]}" 5 "${PID[$p]}" >/dev/null; done
  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  local round order p rps cpu errors
  for round in $(seq 1 "$ROUNDS"); do
    # Alternate which proxy goes first, so a drift of the machine's load does not favour one.
    if ((round % 2)); then order="engine no-engine"; else order="no-engine engine"; fi
    for p in $order; do
      read -r rps cpu errors <<<"$(wrk_cpu "${PORT[$p]}" "$DURATION" "${PID[$p]}")"
      log "round $round $p: $rps req/s, $cpu us CPU per request, errors: $errors"
      ROUND[$p]+="${ROUND[$p]:+ / }$(printf '%.0f' "$rps")"
      if [[ -z ${RPS[$p]:-} ]] || above "$rps" "${RPS[$p]}"; then
        RPS[$p]=$rps
        CPU[$p]=$cpu
      fi
    done
  done
  local ratio cpu_ratio
  ratio=$(awk -v a="${RPS[engine]}" -v b="${RPS[no-engine]}" 'BEGIN { printf "%.3f", a / b }')
  cpu_ratio=$(awk -v a="${CPU[engine]}" -v b="${CPU[no-engine]}" 'BEGIN { printf "%.3f", a / b }')
  echo
  echo "## Fault engine cost, $(date -u +%Y-%m-%d) ($(nproc) cores, ioThreads 1, recording $RECORD, wrk -t1 -c16, ${DURATION} s x $ROUNDS rounds)"
  echo
  echo "| proxy | best req/s | CPU us/req (best round) | rounds req/s |"
  echo "| --- | ---: | ---: | --- |"
  echo "| fault engine loaded, no fault | $(printf '%.0f' "${RPS[engine]}") | ${CPU[engine]} | ${ROUND[engine]} |"
  echo "| no fault engine (-Dchaos.faults=off) | $(printf '%.0f' "${RPS[no-engine]}") | ${CPU[no-engine]} | ${ROUND[no-engine]} |"
  echo
  echo "| target | figure | verdict |"
  echo "| --- | --- | --- |"
  echo "| req/s with the engine / without >= 0.95 | $ratio | $(verdict "$ratio" '>=' 0.95) |"
  echo "| CPU per request with the engine / without (for information) | $cpu_ratio | - |"
  echo
  echo "Software: $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(java -version 2>&1 | head -1), Linux $(uname -r)."
  echo "Load average before the rounds: $load_before; at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
}

main "$@"
