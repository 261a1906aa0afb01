#!/usr/bin/env bash
# Load benchmark: Kyoso (a real `kyoso serve` process on a temp SQLite file) against nginx serving the
# very same HTML bytes from files, in one run, rounds alternating so that machine noise hits both.
# See bench/README.md.
#
#   bash bench/run.sh            (`npm run bench` runs bench/render.ts first, then this)
#
# Environment (defaults in brackets):
#   BENCH_DURATION     seconds per wrk round [10]
#   BENCH_ROUNDS       measured rounds per server and page [3]
#   BENCH_CONNECTIONS  wrk connections [16]
#   BENCH_THREADS      wrk threads [1]
#   BENCH_WARMUP       seconds of unmeasured load on each server before a page's rounds [3]
#   BENCH_PIN          auto|off: with 2+ CPUs, pin the servers to CPU 0 and wrk to CPU 1 [auto]
#   BENCH_OUT          the JSON summary [bench/results/latest.json]
#   BENCH_KEEP_TMP     1: keep the temp dir (database, nginx config, page files) for inspection [0]
# Raw wrk reports go to bench/results/tmp/ (gitignored).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-1}
WARMUP=${BENCH_WARMUP:-3}
PIN=${BENCH_PIN:-auto}
OUT=${BENCH_OUT:-$ROOT/bench/results/latest.json}
RAW=$ROOT/bench/results/tmp
# The app's per-address rate limit would answer 429 under load; the benchmark lifts it.
RATE_LIMIT=1000000000

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf 'bench/run.sh: %s\n' "$*" >&2
  exit 1
}

for v in DURATION ROUNDS CONNECTIONS THREADS WARMUP; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "BENCH_$v must be a whole number, got '${!v}'"
done
{ [ "$ROUNDS" -ge 1 ] && [ "$DURATION" -ge 1 ]; } || die "BENCH_ROUNDS and BENCH_DURATION must be at least 1"
[ "$CONNECTIONS" -ge "$THREADS" ] || die "BENCH_CONNECTIONS must be at least BENCH_THREADS"

# --- tools ---------------------------------------------------------------------------------------
PATH=$PATH:/usr/sbin:/sbin # nginx lives in /usr/sbin, which a non-root PATH may lack
missing=()
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} (Debian packages wrk, nginx-light, curl)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light curl >/dev/null
  else
    die "missing ${missing[*]}: install the Debian packages (apt-get install wrk nginx-light curl) and run again"
  fi
fi
[ -x node_modules/.bin/tsx ] || die "node_modules/.bin/tsx not found; run npm ci first"

# --- temp dir, processes, cleanup ------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kyoso-bench-XXXXXX")
KYOSO_PID=
NGINX_PID=
# shellcheck disable=SC2317 # called by the EXIT trap
stop_pid() { # pid name: SIGTERM, then SIGKILL after 10 s
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$2 (pid $pid) did not stop; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
# shellcheck disable=SC2317
cleanup() {
  stop_pid "$KYOSO_PID" kyoso
  stop_pid "$NGINX_PID" nginx
  if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# CPU pinning: on a 2-core machine the load generator and the server otherwise fight for both cores.
NPROC=$(nproc)
SERVER_CPU=()
WRK_CPU=()
PINNING="none"
if [ "$PIN" = auto ] && [ "$NPROC" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  SERVER_CPU=(taskset -c 0)
  WRK_CPU=(taskset -c 1)
  PINNING="servers on CPU 0, wrk on CPU 1"
elif [ "$PIN" != auto ] && [ "$PIN" != off ]; then
  die "BENCH_PIN must be auto or off"
fi

load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" -v n="$NPROC" 'BEGIN{exit !(l > n)}'; then
  log "warning: load average $load1 on $NPROC CPUs: other work is running; absolute figures will be low, compare the ratios"
fi

# --- Kyoso ---------------------------------------------------------------------------------------
KPORT=$(free_port)
log "starting Kyoso on 127.0.0.1:$KPORT (database $TMP/kyoso.sqlite; first start imports the bundled plan)"
DATABASE_URL=$TMP/kyoso.sqlite PORT=$KPORT HOST=127.0.0.1 LOG_LEVEL=warn KYOSO_SEED=on \
  KYOSO_RATE_LIMIT_PER_MINUTE=$RATE_LIMIT NODE_ENV=production \
  "${SERVER_CPU[@]}" node bin/kyoso.js serve >"$TMP/kyoso.log" 2>&1 &
KYOSO_PID=$!
KYOSO=http://127.0.0.1:$KPORT
for i in $(seq 300); do
  kill -0 "$KYOSO_PID" 2>/dev/null || {
    cat "$TMP/kyoso.log" >&2
    die "Kyoso exited during start (log above)"
  }
  curl -fsS -o /dev/null "$KYOSO/healthz" 2>/dev/null && break
  [ "$i" = 300 ] && die "Kyoso did not answer /healthz within 30 s (log: $TMP/kyoso.log)"
  sleep 0.1
done
log "Kyoso is up (pid $KYOSO_PID): $(curl -fsS "$KYOSO/healthz")"

limit=$(curl -fsS -D - -o /dev/null "$KYOSO/healthz" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-ratelimit-limit"{print $2}')
if [ "${limit:-0}" != "$RATE_LIMIT" ]; then
  die "Kyoso's rate limit is ${limit:-unknown} requests/min, not $RATE_LIMIT: the server does not read KYOSO_RATE_LIMIT_PER_MINUTE (src/config.ts → build({ rateLimitMax })), so wrk would measure 429 answers"
fi

# --- the pages: / and the largest measure page, as the running app serves them ---------------------
WWW=$TMP/www
mkdir -p "$WWW"
curl -fsS -o "$WWW/index.html" "$KYOSO/"
mapfile -t measures < <(grep -oE 'href="/plan/[0-9]+/[0-9]+"' "$WWW/index.html" | sed -E 's/^href="(.*)"$/\1/' | sort -u -V)
[ ${#measures[@]} -gt 0 ] || die "the top page links no measure page (/plan/N/M)"
best="" best_bytes=-1
for m in "${measures[@]}"; do
  bytes=$(curl -fsS "$KYOSO$m" | wc -c)
  log "  $m  $bytes bytes"
  if [ "$bytes" -gt "$best_bytes" ]; then best=$m best_bytes=$bytes; fi
done
log "largest measure page: $best ($best_bytes bytes, of ${#measures[@]} measure pages linked from /)"
mkdir -p "$WWW$(dirname "$best")"
curl -fsS -o "$WWW$best" "$KYOSO$best"

# --- nginx, serving those bytes --------------------------------------------------------------------
NPORT=$(free_port)
NG=$TMP/nginx
mkdir -p "$NG/tmp"
user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user root;"; fi # workers would otherwise drop to nobody, who cannot read $TMP
cat >"$NG/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  types { }
  default_type "text/html; charset=utf-8";
  charset off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $NG/tmp/body;
  proxy_temp_path $NG/tmp/proxy;
  fastcgi_temp_path $NG/tmp/fastcgi;
  uwsgi_temp_path $NG/tmp/uwsgi;
  scgi_temp_path $NG/tmp/scgi;
  server {
    listen 127.0.0.1:$NPORT;
    root $WWW;
    location = / { try_files /index.html =404; }
    location / { try_files \$uri =404; }
  }
}
EOF
log "starting nginx on 127.0.0.1:$NPORT (worker_processes 1)"
"${SERVER_CPU[@]}" nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" &
NGINX_PID=$!
NGINX=http://127.0.0.1:$NPORT
for i in $(seq 100); do
  kill -0 "$NGINX_PID" 2>/dev/null || {
    cat "$NG/error.log" >&2 || true
    die "nginx exited during start (log above)"
  }
  curl -fsS -o /dev/null "$NGINX/" 2>/dev/null && break
  [ "$i" = 100 ] && die "nginx did not answer within 10 s (log: $NG/error.log)"
  sleep 0.1
done

# The two servers must return the same bytes with the same content type.
PAGES_TSV=$TMP/pages.tsv
: >"$PAGES_TSV"
for spec in "top /" "measure $best"; do
  read -r name path <<<"$spec"
  for s in kyoso nginx; do
    base=$KYOSO
    [ "$s" = nginx ] && base=$NGINX
    curl -fsS -D "$TMP/$name.$s.headers" -o "$TMP/$name.$s.body" "$base$path"
    ctype=$(tr -d '\r' <"$TMP/$name.$s.headers" | awk -F': ' 'tolower($1)=="content-type"{print $2}')
    [ "$ctype" = "text/html; charset=utf-8" ] || die "$s $path answers content-type '$ctype'"
  done
  cmp -s "$TMP/$name.kyoso.body" "$TMP/$name.nginx.body" || die "nginx's body for $path differs from Kyoso's"
  cmp -s "$TMP/$name.kyoso.body" "$WWW$([ "$path" = / ] && echo /index.html || echo "$path")" ||
    die "Kyoso's body for $path changed between requests; the page is not stable enough to compare"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$path" "$(wc -c <"$TMP/$name.kyoso.body")" \
    "$(wc -c <"$TMP/$name.kyoso.headers")" "$(wc -c <"$TMP/$name.nginx.headers")" >>"$PAGES_TSV"
  log "$path: byte-identical bodies ($(wc -c <"$TMP/$name.kyoso.body") bytes); response headers: Kyoso $(wc -c <"$TMP/$name.kyoso.headers") bytes, nginx $(wc -c <"$TMP/$name.nginx.headers") bytes"
done

# --- load ----------------------------------------------------------------------------------------
rm -rf "$RAW"
mkdir -p "$RAW"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kyoso: $KYOSO  nginx: $NGINX  pinning: $PINNING"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  cat "$PAGES_TSV"
} >"$RAW/run-info.txt"
cp "$NG/nginx.conf" "$RAW/nginx.conf"

run_wrk() { # url seconds outfile
  "${WRK_CPU[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency "$1" </dev/null >"$3" 2>&1 ||
    die "wrk failed on $1: $(cat "$3")"
}

total=$((2 * 2 * ROUNDS * DURATION + 2 * 2 * WARMUP))
log "load: wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s x $ROUNDS rounds x 2 servers x 2 pages (+ warm-up), about ${total}s; pinning: $PINNING"
while IFS=$'\t' read -r name path _; do
  if [ "$WARMUP" -gt 0 ]; then
    for s in kyoso nginx; do
      base=$KYOSO
      [ "$s" = nginx ] && base=$NGINX
      run_wrk "$base$path" "$WARMUP" "$RAW/${name}__${s}__warmup.txt"
    done
  fi
  for r in $(seq "$ROUNDS"); do
    for s in kyoso nginx; do
      base=$KYOSO
      [ "$s" = nginx ] && base=$NGINX
      out=$RAW/${name}__${s}__r$r.txt
      run_wrk "$base$path" "$DURATION" "$out"
      log "$name $path  $s  round $r/$ROUNDS: $(awk '/^Requests\/sec/{print $2}' "$out") req/s, p99 $(awk '$1=="99%"{print $2}' "$out")"
      kill -0 "$KYOSO_PID" 2>/dev/null || die "Kyoso died during the load (log: $TMP/kyoso.log)"
    done
  done
done <"$PAGES_TSV"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/run-info.txt"
cp "$TMP/kyoso.log" "$RAW/kyoso.log"
if grep -q '^{' "$TMP/kyoso.log"; then # pino's JSON lines; the start banner is plain text
  log "Kyoso logged at warn or above during the run: see bench/results/tmp/kyoso.log"
fi

echo
node_modules/.bin/tsx bench/summarize.ts --raw "$RAW" --pages "$PAGES_TSV" --out "$OUT" \
  --meta "nproc=$NPROC" --meta "duration=$DURATION" --meta "rounds=$ROUNDS" \
  --meta "connections=$CONNECTIONS" --meta "threads=$THREADS" --meta "warmup=$WARMUP" \
  --meta "pinning=$PINNING" --meta "nginxVersion=$(nginx -v 2>&1 | sed 's/^nginx version: //')" \
  --meta "wrkVersion=$(wrk -v 2>&1 | head -n1 | awk '{print $1" "$2}')"
