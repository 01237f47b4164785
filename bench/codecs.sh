#!/usr/bin/env bash
# Codec decode throughput on captured corpora, next to tshark on the same files.
#
#   bench/codecs.sh
#
# For each protocol it runs a real server and a real client on loopback and records their traffic with tcpdump
# (the corpus): nginx + wrk (http), PostgreSQL + pgbench, simple and extended protocol (postgresql), MariaDB +
# mysqlslap (mysql), redis-server + redis-benchmark (redis), an in-JVM Kafka broker + producer and consumer
# (KafkaTraffic, kafka), nginx + h2load over h2c (http2), a python3-grpcio server and client (grpc). Then it decodes
# each corpus with the capture import (CodecCorpusBench: CaptureImport.read into a counting sink, in memory, one
# thread, JIT warmed up) and with tshark (the same protocol forced with -d), and prints MB/s, messages/s per CPU
# second, tshark's time and the ratio, and both message counts.
#
# Settings (environment):
#   BENCH_PROTOCOLS="http postgresql mysql redis kafka http2 grpc"   which corpora to make and measure
#   BENCH_PORT_BASE=28200        loopback ports: +0 http, +1 postgresql, +2 mysql, +3 redis, +4 http2, +5 grpc
#                                (the Kafka broker picks its own port)
#   BENCH_TRAFFIC=3              seconds of traffic per corpus (http, postgresql, http2); the others are sized in
#                                operations: BENCH_REDIS_REQUESTS=30000 (per command type, 7 types), BENCH_MYSQL_QUERIES=40000,
#                                BENCH_KAFKA_RECORDS=20000, BENCH_GRPC_CALLS=20000
#   BENCH_CORPUS_DIR=/dev/shm/chaos-corpora   where the corpora are written (NAME.pcap and NAME.port); kept, and
#                                reused by bench/fuzz.sh
#   BENCH_REUSE_CORPORA=0        1: keep corpora that already exist instead of capturing them again
#   BENCH_CORPUS_ONLY=0          1: make the corpora and stop (bench/fuzz.sh uses this)
#   BENCH_WARMUP=5 BENCH_ROUNDS=3   CodecCorpusBench: seconds of untimed passes, then timed rounds (best kept)
#   BENCH_JMH=0                  1: also run the JMH benchmark CodecDecodeBenchmark on each corpus
#   BENCH_SKIP_BUILD=0           1: reuse chaos-bench/target/chaos-bench.jar
#   BENCH_KEEP=0                 1: keep the work directory (server data, logs)
#
# Every process it starts is stopped on exit (trap). Needs root (tcpdump; PostgreSQL runs as user postgres).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROTOCOLS=${BENCH_PROTOCOLS:-http postgresql mysql redis kafka http2 grpc}
PORT_BASE=${BENCH_PORT_BASE:-28200}
TRAFFIC=${BENCH_TRAFFIC:-3}
REDIS_REQUESTS=${BENCH_REDIS_REQUESTS:-30000}
MYSQL_QUERIES=${BENCH_MYSQL_QUERIES:-40000}
KAFKA_RECORDS=${BENCH_KAFKA_RECORDS:-20000}
GRPC_CALLS=${BENCH_GRPC_CALLS:-20000}
CORPUS_DIR=${BENCH_CORPUS_DIR:-/dev/shm/chaos-corpora}
REUSE=${BENCH_REUSE_CORPORA:-0}
CORPUS_ONLY=${BENCH_CORPUS_ONLY:-0}
WARMUP=${BENCH_WARMUP:-5}
ROUNDS=${BENCH_ROUNDS:-3}
JMH=${BENCH_JMH:-0}
JAR=$ROOT/chaos-bench/target/chaos-bench.jar
PYTHON=/usr/bin/python3 # Debian's, where python3-grpcio is installed
declare -A PORT=([http]=$PORT_BASE [postgresql]=$((PORT_BASE + 1)) [mysql]=$((PORT_BASE + 2)) [redis]=$((PORT_BASE + 3))
  [http2]=$((PORT_BASE + 4)) [grpc]=$((PORT_BASE + 5)) [kafka]=0)
# tshark's dissector for each protocol (forced on the corpus port with -d) and the field counted per client message.
declare -A DISSECTOR=([http]=http [postgresql]=pgsql [mysql]=mysql [redis]=resp [kafka]=kafka [http2]=http2 [grpc]=http2)
declare -A FIELD=([http]=http.request.method [postgresql]=pgsql.type [mysql]=mysql.command [redis]=resp.array.length
  [kafka]=kafka.request_key [http2]=http2.headers.method [grpc]=http2.headers.method)
declare -A PID=()
ROWS=()
COUNT_ROWS=()
NOTES=()

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

stop_pid() { # name: TERM, wait (bounded), then KILL
  local pid=${PID[$1]:-}
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
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
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$status"
}

# --- capturing ------------------------------------------------------------------------------------------------------

capture_start() { # name port
  # Buffered mode with a 64 MiB ring (as bench/capture.sh): the corpus should be whole.
  tcpdump -i lo -B 65536 -s 0 -n -w "$CORPUS_DIR/$1.pcap.part" "tcp port $2" 2>"$WORK/tcpdump-$1.log" &
  PID[tcpdump]=$!
  for _ in $(seq 1 100); do
    grep -q 'listening on' "$WORK/tcpdump-$1.log" && return 0
    sleep 0.1
  done
  die "tcpdump did not start: $(cat "$WORK/tcpdump-$1.log")"
}

capture_stop() { # name port
  sleep 1.5 # the last buffered block
  stop_pid tcpdump
  local dropped
  dropped=$(awk '/dropped by kernel/ { print $1 }' "$WORK/tcpdump-$1.log")
  [[ ${dropped:-0} == 0 ]] || NOTES+=("$1: tcpdump reported $dropped packets dropped by the kernel")
  mv "$CORPUS_DIR/$1.pcap.part" "$CORPUS_DIR/$1.pcap"
  echo "$2" >"$CORPUS_DIR/$1.port"
  log "$1: corpus $(du -h "$CORPUS_DIR/$1.pcap" | cut -f1), $(tr '\n' ' ' <"$WORK/tcpdump-$1.log" | sed 's/.*listening[^)]*)//')"
}

corpus_http() {
  local port=${PORT[http]}
  mkdir -p "$WORK/www"
  printf 'Hello, world!' >"$WORK/www/index.html"
  write_nginx_conf "$port"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
  PID[nginx]=$!
  wait_listening "$port" nginx "${PID[nginx]}"
  capture_start http "$port"
  wrk -t1 -c16 -d"${TRAFFIC}s" "http://127.0.0.1:$port/" >"$WORK/wrk.log"
  capture_stop http "$port"
  stop_pid nginx
  log "http: $(grep 'requests in' "$WORK/wrk.log" | xargs)"
}

corpus_postgresql() {
  local port=${PORT[postgresql]} bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  mkdir -p "$WORK/pg"
  chown postgres "$WORK/pg"
  chmod 755 "$WORK"
  # Debian's PostgreSQL refuses to run as root: initdb and the server run as postgres; trust on loopback only.
  runuser -u postgres -- "$bin/initdb" -D "$WORK/pg/data" -A trust -U postgres >"$WORK/initdb.log" 2>&1
  runuser -u postgres -- "$bin/postgres" -D "$WORK/pg/data" -p "$port" -k "$WORK/pg" -c listen_addresses=127.0.0.1 \
    -c fsync=off -c synchronous_commit=off >"$WORK/postgres.log" 2>&1 &
  PID[postgres]=$!
  wait_listening "$port" postgres "${PID[postgres]}"
  pgbench -h 127.0.0.1 -p "$port" -U postgres -i -s 1 postgres >"$WORK/pgbench-init.log" 2>&1
  capture_start postgresql "$port"
  local half=$(((TRAFFIC + 1) / 2))
  pgbench -h 127.0.0.1 -p "$port" -U postgres -c 4 -T "$half" -M simple postgres >"$WORK/pgbench.log" 2>&1
  pgbench -h 127.0.0.1 -p "$port" -U postgres -c 4 -T "$half" -M extended postgres >>"$WORK/pgbench.log" 2>&1
  capture_stop postgresql "$port"
  stop_pid postgres
  log "postgresql: $(grep -E '^number of transactions actually processed' "$WORK/pgbench.log" | tr '\n' ' ')"
}

corpus_mysql() {
  local port=${PORT[mysql]}
  mkdir -p "$WORK/mysql"
  mariadb-install-db --no-defaults --datadir="$WORK/mysql/data" --user=root --auth-root-authentication-method=normal \
    >"$WORK/mariadb-install.log" 2>&1
  mariadbd --no-defaults --datadir="$WORK/mysql/data" --user=root --port="$port" --bind-address=127.0.0.1 \
    --socket="$WORK/mysql/mysql.sock" --pid-file="$WORK/mysql/mysql.pid" --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
    >"$WORK/mariadbd.log" 2>&1 &
  PID[mariadbd]=$!
  wait_listening "$port" mariadbd "${PID[mariadbd]}"
  capture_start mysql "$port"
  # Primary-key reads, then updates (the "mixed" load re-reads the whole growing table on every SELECT).
  local load
  for load in key update; do
    mysqlslap --no-defaults -h 127.0.0.1 -P "$port" -u root --protocol=tcp --concurrency=4 --iterations=1 \
      --auto-generate-sql --auto-generate-sql-add-autoincrement --auto-generate-sql-load-type="$load" \
      --number-of-queries=$((MYSQL_QUERIES / 2)) >>"$WORK/mysqlslap.log" 2>&1
  done
  capture_stop mysql "$port"
  stop_pid mariadbd
  log "mysql: $(grep -i 'seconds to run' "$WORK/mysqlslap.log" | xargs)"
}

corpus_redis() {
  local port=${PORT[redis]}
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
  PID[redis]=$!
  wait_listening "$port" redis "${PID[redis]}"
  capture_start redis "$port"
  redis-benchmark -h 127.0.0.1 -p "$port" -c 16 -n "$REDIS_REQUESTS" -q -t set,get,incr,lpush,lpop,hset,mset \
    >"$WORK/redis-benchmark.log" 2>&1
  capture_stop redis "$port"
  stop_pid redis
  log "redis: $(tr '\r' '\n' <"$WORK/redis-benchmark.log" | grep 'requests per second' | xargs)"
}

corpus_kafka() {
  # The broker (Kafka's test kit) is not in chaos-bench.jar: Maven resolves its class path from the module's pom.
  local cp line port
  (cd "$ROOT" && ./mvnw -o -q -B -pl chaos-bench dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile="$WORK/kafka.cp") >"$WORK/kafka-cp.log" 2>&1 || die "resolving the Kafka class path: $(tail -5 "$WORK/kafka-cp.log")"
  cp=$ROOT/chaos-bench/target/classes:$(cat "$WORK/kafka.cp")
  java -Xmx1g -cp "$cp" dev.chaostesting.bench.KafkaTraffic --go "$WORK/kafka.go" --records "$KAFKA_RECORDS" \
    >"$WORK/kafka.log" 2>&1 &
  PID[kafka]=$!
  for _ in $(seq 1 600); do
    line=$(grep -m1 '^broker ' "$WORK/kafka.log" || true)
    [[ -n $line ]] && break
    kill -0 "${PID[kafka]}" 2>/dev/null || die "the Kafka broker exited: $(tail -5 "$WORK/kafka.log")"
    sleep 0.1
  done
  [[ -n $line ]] || die "the Kafka broker did not start in 60 s"
  port=${line#broker }
  PORT[kafka]=$port
  capture_start kafka "$port"
  touch "$WORK/kafka.go"
  for _ in $(seq 1 1800); do
    grep -q '^done' "$WORK/kafka.log" && break
    kill -0 "${PID[kafka]}" 2>/dev/null || die "KafkaTraffic exited: $(tail -5 "$WORK/kafka.log")"
    sleep 0.1
  done
  grep -q '^done' "$WORK/kafka.log" || die "KafkaTraffic did not finish in 180 s"
  capture_stop kafka "$port"
  stop_pid kafka
  log "kafka: $(grep '^done' "$WORK/kafka.log")"
}

corpus_http2() {
  local port=${PORT[http2]}
  mkdir -p "$WORK/www"
  printf 'Hello, world!' >"$WORK/www/index.html"
  # nginx 1.22: "listen ... http2" without TLS speaks h2c with prior knowledge, which is what h2load sends.
  write_nginx_conf "$port"
  sed -i "s/listen 127.0.0.1:$port;/listen 127.0.0.1:$port http2;/" "$WORK/nginx/nginx.conf"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx-h2.log" 2>&1 &
  PID[nginx]=$!
  wait_listening "$port" nginx "${PID[nginx]}"
  capture_start http2 "$port"
  h2load -c 16 -m 8 -D "$TRAFFIC" "http://127.0.0.1:$port/" >"$WORK/h2load.log" 2>&1
  capture_stop http2 "$port"
  stop_pid nginx
  log "http2: $(grep -E '^requests:' "$WORK/h2load.log")"
}

corpus_grpc() {
  local port=${PORT[grpc]}
  "$PYTHON" "$ROOT/bench/grpc-traffic.py" server "$port" >"$WORK/grpc-server.log" 2>&1 &
  PID[grpc]=$!
  wait_listening "$port" grpc "${PID[grpc]}"
  capture_start grpc "$port"
  timeout 300 "$PYTHON" "$ROOT/bench/grpc-traffic.py" client "$port" "$GRPC_CALLS" 4 >"$WORK/grpc-client.log" 2>&1 ||
    die "the gRPC client failed: $(tail -3 "$WORK/grpc-client.log")"
  capture_stop grpc "$port"
  stop_pid grpc
  log "grpc: $(cat "$WORK/grpc-client.log")"
}

make_corpora() {
  mkdir -p "$CORPUS_DIR"
  local p
  for p in $PROTOCOLS; do
    if [[ $REUSE == 1 && -s $CORPUS_DIR/$p.pcap && -s $CORPUS_DIR/$p.port ]]; then
      log "$p: reusing $CORPUS_DIR/$p.pcap"
      continue
    fi
    if [[ $p != kafka ]]; then
      listening "${PORT[$p]}" && die "port ${PORT[$p]} is in use; set BENCH_PORT_BASE"
    fi
    log "$p: capturing real traffic"
    "corpus_$p"
  done
}

# --- measuring ------------------------------------------------------------------------------------------------------

field() { grep -o " $1=[^ ]*" <<<" $2" | head -1 | cut -d= -f2-; }

# Client messages as tshark sees them, per protocol, from "tcp.stream<TAB>values" lines (values comma-separated):
# the unit our codec records one interaction per (docs/protocols/NAME.md).
tshark_count() { # protocol file -> "count description"
  case $1 in
    postgresql) # one per Simple query, Execute (extended group), Startup message, Termination, SSL request
      awk -F'\t' '{ n = split($2, v, ","); for (i = 1; i <= n; i++) t[v[i]]++ }
        END { c = t["Simple query"] + t["Execute"] + t["Startup message"] + t["Termination"] + t["SSL request"];
          d = ""; for (k in t) if (k != "") d = d k ":" t[k] ";"; gsub(/ /, "_", d); print c, d }' "$2" ;;
    mysql) # one per command plus one per connection (the handshake)
      awk -F'\t' '{ s[$1] = 1; if ($2 != "") n += split($2, v, ",") } END { c = 0; for (k in s) c++; print n + c, "commands:" n ";connections:" c }' "$2" ;;
    redis) # one per top-level array the client sent (a command); nested arrays are not sent by redis-benchmark
      awk -F'\t' '{ if ($2 != "") n += split($2, v, ",") } END { print n + 0, "client_arrays" }' "$2" ;;
    *) awk -F'\t' '{ if ($2 != "") n += split($2, v, ",") } END { print n + 0, "values" }' "$2" ;;
  esac
}

timed() { # -> "wall user+sys" of the command, in seconds; its output goes to $WORK/timed.out
  local TIMEFORMAT='%R %U %S' t
  t=$({ time "$@" >"$WORK/timed.out" 2>"$WORK/timed.err"; } 2>&1)
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$t"
}

measure() { # protocol
  local p=$1 pcap=$CORPUS_DIR/$1.pcap port out result
  port=$(cat "$CORPUS_DIR/$p.port")
  log "$p: decoding $(du -h "$pcap" | cut -f1) with CodecCorpusBench"
  out=$(java -Xms1g -Xmx1g -cp "$JAR" dev.chaostesting.bench.CodecCorpusBench --pcap "$pcap" --port "$port" \
    --expect "$p" --warmup "$WARMUP" --rounds "$ROUNDS")
  echo "$out" >"$WORK/decode-$p.log"
  grep -v '^RESULT' <<<"$out" | while read -r l; do log "$p: $l"; done
  result=$(grep '^RESULT' <<<"$out")

  local decode="-d tcp.port==$port,${DISSECTOR[$p]}" t_io t_one t_count
  # shellcheck disable=SC2086 # $decode is two words
  t_io=$(timed tshark -n -r "$pcap" $decode -q -z io,stat,0)
  # shellcheck disable=SC2086
  t_one=$(timed tshark -n -r "$pcap" $decode -c 1 -q -z io,stat,0) # start-up cost: loading every dissector
  # shellcheck disable=SC2086
  t_count=$(timed tshark -n -r "$pcap" $decode -Y "tcp.dstport==$port" -T fields -e tcp.stream -e "${FIELD[$p]}" \
    -E occurrence=a -E separator=/t)
  cp "$WORK/timed.out" "$WORK/tshark-$p.tsv"
  local counted ours tshark_msgs desc
  counted=$(tshark_count "$p" "$WORK/tshark-$p.tsv")
  tshark_msgs=${counted%% *}
  desc=${counted#* }
  ours=$(field messages "$result")
  local cpu_pass io_cpu io_net ratio ratio_net ratio_count
  cpu_pass=$(field cpu_s_per_pass "$result")
  io_cpu=${t_io#* }
  io_net=$(awk -v a="$io_cpu" -v b="${t_one#* }" 'BEGIN { d = a - b; printf "%.3f", (d > 0) ? d : 0 }')
  ratio=$(awk -v t="$io_cpu" -v o="$cpu_pass" 'BEGIN { printf "%.1f", (o > 0) ? t / o : 0 }')
  ratio_net=$(awk -v t="$io_net" -v o="$cpu_pass" 'BEGIN { printf "%.1f", (o > 0) ? t / o : 0 }')
  # The counting run builds the protocol tree and extracts the field: the same work as ours (messages decoded).
  ratio_count=$(awk -v t="${t_count#* }" -v s="${t_one#* }" -v o="$cpu_pass" \
    'BEGIN { d = t - s; printf "%.1f", (o > 0) ? ((d > 0) ? d : 0) / o : 0 }')
  ROWS+=("| $p | $(awk -v b="$(field pcap_bytes "$result")" 'BEGIN { printf "%.1f", b / 1e6 }') | $(field packets "$result") | $ours | $(field mb_per_s "$result") | $(field mb_per_cpu_s "$result") | $(field messages_per_cpu_s "$result") | $(awk -v c="$cpu_pass" 'BEGIN { printf "%.3f", c }') | $io_cpu | $io_net | ${t_count#* } | $ratio | $ratio_net | $(verdict "$ratio_net" '>=' 10) | $ratio_count |")
  local agree
  agree=$([[ $ours == "$tshark_msgs" ]] && echo yes || echo "no ($((ours - tshark_msgs)))")
  COUNT_ROWS+=("| $p | $ours | $tshark_msgs | $agree | $(field by_protocol "$result") | $desc | $(field gaps "$result") |")
  log "$p: ours $ours messages, tshark $tshark_msgs ($desc); tshark io,stat ${t_io} s (wall CPU), start-up ${t_one}"

  if [[ $JMH == 1 ]]; then
    java -cp "$JAR" org.openjdk.jmh.Main CodecDecodeBenchmark -p pcap="$pcap" -p port="$port" -f 1 -wi 3 -w 1s -i 5 \
      -r 1s >"$WORK/jmh-$p.log" 2>&1 || die "JMH failed: $(tail -5 "$WORK/jmh-$p.log")"
    local ops
    ops=$(awk '/^CodecDecodeBenchmark.decode/ { print $(NF - 3), $(NF - 1) }' "$WORK/jmh-$p.log")
    JMH_ROWS+=("| $p | ${ops% *} ± ${ops#* } | $(awk -v o="${ops% *}" -v b="$(field pcap_bytes "$result")" 'BEGIN { printf "%.1f", o * b / 1e6 }') |")
  fi
}

main() {
  install_packages tcpdump:tcpdump tshark:tshark nginx:nginx-light wrk:wrk h2load:nghttp2-client \
    pgbench:postgresql-contrib redis-benchmark:redis-tools redis-server:redis-server mariadbd:mariadb-server \
    mysqlslap:mariadb-client
  if ! "$PYTHON" -c 'import grpc' 2>/dev/null; then install_packages_force python3-grpcio; fi
  command -v pgbench >/dev/null || install_packages_force postgresql-client
  [[ -d /usr/lib/postgresql ]] || install_packages_force postgresql
  ((EUID == 0)) || die "needs root (tcpdump, and PostgreSQL runs as user postgres)"
  build
  trap cleanup EXIT INT TERM
  WORK=$(mktemp -d /dev/shm/chaos-codecs-bench.XXXXXX)
  chmod 755 "$WORK"
  mkdir -p "$WORK/nginx/logs"
  log "work directory $WORK, corpora in $CORPUS_DIR"
  make_corpora
  [[ $CORPUS_ONLY == 1 ]] && return 0

  JMH_ROWS=()
  for p in $PROTOCOLS; do measure "$p"; done

  echo
  echo "## Codec decode throughput, $(date -u +%Y-%m-%d) ($(nproc) cores, one decoding thread, corpora in $CORPUS_DIR)"
  echo
  echo "| codec | pcap MB | packets | messages | MB/s | MB per CPU s | messages per CPU s | our CPU s per pass | tshark CPU s | tshark CPU s minus start-up | tshark -Y count CPU s | tshark / ours | same, without tshark's start-up | >= 10x | tshark -Y count / ours, without start-up |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "| codec | our messages | tshark messages | agree | our interactions by protocol | tshark values counted | gaps in capture |"
  echo "| --- | ---: | ---: | --- | --- | --- | ---: |"
  printf '%s\n' "${COUNT_ROWS[@]}"
  if ((${#JMH_ROWS[@]} > 0)); then
    echo
    echo "| codec (JMH, CodecDecodeBenchmark, 1 fork, 3 x 1 s warm-up, 5 x 1 s) | corpora/s | MB/s |"
    echo "| --- | ---: | ---: |"
    printf '%s\n' "${JMH_ROWS[@]}"
  fi
  echo
  for n in "${NOTES[@]}"; do echo "Note: $n"; done
  echo "tshark CPU s: \`tshark -n -r FILE -d tcp.port==PORT,DISSECTOR -q -z io,stat,0\` (user + system); start-up: the same with -c 1; -Y count: \`-Y tcp.dstport==PORT -T fields -e tcp.stream -e FIELD -E occurrence=a\`. Ours: CPU s of one pass of CaptureImport.read over the file in memory (best round, JIT warmed up)."
  echo "Software: $(tshark -v 2>/dev/null | head -1), $(tcpdump --version 2>&1 | head -1), $(java -version 2>&1 | head -1), Linux $(uname -r)."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
}

main "$@"
