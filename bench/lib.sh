# Shared by the benchmark scripts (sourced, not run): logging, Debian packages, the bench jar, nginx, CPU accounting.
# Expects ROOT and JAR to be set, and WORK for the functions that start servers.

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

install_packages() { # command:package... -> installs the packages whose command is missing
  command -v java >/dev/null || die "java (17+) is needed"
  local packages=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || packages+=("${pair#*:}")
  done
  ((${#packages[@]} == 0)) && return
  log "installing ${packages[*]} from Debian"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  # nginx-light is enough (static files only); newer Debian releases dropped it for plain nginx. The packages' own
  # services are not used: the scripts start private instances on their own ports with their own configs.
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq
    apt-cache show nginx-light >/dev/null 2>&1 || packages=("${packages[@]/nginx-light/nginx}")
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
}

install_packages_force() { # package... -> installs those of the Debian packages that are not installed
  local packages=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || packages+=("$p")
  done
  ((${#packages[@]} == 0)) && return
  log "installing ${packages[*]} from Debian"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
}

build() {
  if [[ ${BENCH_SKIP_BUILD:-0} == 1 && -f $JAR ]]; then return; fi
  log "building chaos-bench"
  # Only this module: the others come from the local repository (./mvnw install once). BENCH_ALSO_MAKE=1 builds the
  # modules it depends on too, for a fresh checkout.
  local also=()
  [[ ${BENCH_ALSO_MAKE:-0} == 1 ]] && also=(-am)
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl chaos-bench "${also[@]}" package)
  [[ -f $JAR ]] || die "$JAR was not built"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_listening() { # port name pid
  for _ in $(seq 1 300); do
    listening "$1" && return 0
    kill -0 "$3" 2>/dev/null || die "$2 exited at start; see $WORK/$2.log"
    sleep 0.1
  done
  die "$2 is not listening on $1 after 30 s; see $WORK/$2.log"
}

write_nginx_conf() { # port [extra http directives] -> $WORK/nginx/nginx.conf serving $WORK/www, one worker
  mkdir -p "$WORK/nginx/logs"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  tcp_nodelay on;
  ${2:-}
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $WORK/nginx/body;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$1;
    root $WORK/www;
    location / { }
  }
}
CONF
}

cpu_ticks() { # pid... -> user + system CPU clock ticks consumed so far by these processes (0 for one that is gone)
  local total=0 pid ticks
  for pid in "$@"; do
    # Fields 14 and 15 of /proc/PID/stat, counted after the command name, which may contain spaces.
    ticks=$(sed -E 's/^.*\) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')
    total=$((total + ${ticks:-0}))
  done
  echo "$total"
}

verdict() { # value op limit -> met / MISSED / n/a
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
    if (v !~ /^-?[0-9.]+$/) { print "n/a"; exit }
    ok = (op == ">=") ? (v + 0 >= l) : (v + 0 <= l); print ok ? "met" : "MISSED" }'
}

wrk_cpu() { # port seconds pid... -> "req/s CPU-us-per-request errors" of wrk -t1 -c16 on GET /, CPU of those processes
  local port=$1 seconds=$2 out before after
  shift 2
  before=$(cpu_ticks "$@")
  out=$(timeout $((seconds + 30)) wrk -t1 -c16 -d"${seconds}s" "http://127.0.0.1:$port/")
  after=$(cpu_ticks "$@")
  local requests rps errors
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' \n' ' ' || true)
  awk -v r="$rps" -v n="$requests" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v e="${errors:-none}" \
    'BEGIN { printf "%s %.1f %s\n", r, (n > 0) ? t * 1e6 / hz / n : 0, e }'
}

stop_process() { # pid: TERM, wait (bounded, so a JVM's shutdown hook can print), then KILL
  [[ -n ${1:-} ]] || return 0
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
