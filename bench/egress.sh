#!/usr/bin/env bash
# Egress proxy benchmark: sbx's proxy vs squid vs tinyproxy, side by side, on loopback.
#
# Each proxy gets the same allowlist (only 127.0.0.1:18080, the local nginx upstream) and is
# driven by wrk with keep-alive using absolute-form requests (a Lua script sets the request
# target), plus a direct baseline without a proxy. Then a CONNECT tunnel throughput test
# (curl --proxytunnel downloading a 512 MiB file from the same upstream).
#
# Usage (as root, from the repository root):  bench/egress.sh [SECONDS_PER_RUN] [ROUNDS]
# Needs: wrk squid tinyproxy nginx-light curl (installed below if missing), JDK 17.
# Prints a Markdown table for docs/benchmarks.md. Leaves nothing running.
set -euo pipefail

DUR="${1:-10}"
ROUNDS="${2:-3}"
CONNS=50
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/sbx-egress-bench.XXXXXX)"
chmod 777 "$WORK"
UP=18080; SBX=3129; SQUID=3130; TINY=3131
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

need=()
for t in wrk squid tinyproxy nginx curl; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends wrk squid tinyproxy nginx-light curl
fi

# ---- upstream: nginx, one worker ---------------------------------------------------------------
head -c $((512 * 1024 * 1024)) /dev/zero > "$WORK/big.bin"
cat > "$WORK/nginx.conf" <<NGX
worker_processes 1;
daemon off;
user root;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$UP;
    location = / { return 200 "hello from upstream\n"; }
    location = /big { alias $WORK/big.bin; }
  }
}
NGX
nginx -c "$WORK/nginx.conf" & PIDS+=($!)

# ---- sbx ---------------------------------------------------------------------------------------
(cd "$ROOT" && ./mvnw -B -q -o compile -pl egress -am)
# The proxy needs only Netty at run time: take the pinned version's jars from the local repository.
NETTY=$(sed -n 's:.*<netty.version>\(.*\)</netty.version>.*:\1:p' "$ROOT/pom.xml")
CP="$ROOT/egress/target/classes:$(find "${M2_REPO:-$HOME/.m2/repository}/io/netty" -name "*-$NETTY.jar" -o -name "*-$NETTY-linux-$(uname -m | sed 's/aarch64/aarch_64/').jar" | tr '\n' ':')"
java -Xms256m -Xmx512m -cp "$CP" "$ROOT/bench/EgressBenchServer.java" "127.0.0.1:$SBX" 2 "127.0.0.1:$UP" \
  > "$WORK/sbx.out" 2>&1 & SBX_PID=$!; PIDS+=($SBX_PID)

# ---- squid: no cache, same allowlist -----------------------------------------------------------
cat > "$WORK/squid.conf" <<SQ
http_port 127.0.0.1:$SQUID
acl allowed_dst dst 127.0.0.1/32
acl allowed_port port $UP
http_access allow allowed_dst allowed_port
http_access deny all
cache deny all
cache_mem 8 MB
access_log none
cache_log $WORK/squid-cache.log
pid_filename $WORK/squid.pid
coredump_dir $WORK
via off
forwarded_for delete
shutdown_lifetime 1 seconds
max_filedescriptors 8192
SQ
squid -N -f "$WORK/squid.conf" & SQUID_PID=$!; PIDS+=($SQUID_PID)

# ---- tinyproxy: same allowlist -----------------------------------------------------------------
echo '^127\.0\.0\.1$' > "$WORK/tinyproxy.filter"
cat > "$WORK/tinyproxy.conf" <<TP
User nobody
Group nogroup
Port $TINY
Listen 127.0.0.1
Timeout 600
MaxClients 1024
Allow 127.0.0.1
Filter "$WORK/tinyproxy.filter"
FilterDefaultDeny Yes
ConnectPort $UP
LogLevel Critical
DisableViaHeader Yes
TP
tinyproxy -d -c "$WORK/tinyproxy.conf" >/dev/null 2>&1 & TINY_PID=$!; PIDS+=($TINY_PID)

wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
for p in $UP $SBX $SQUID $TINY; do wait_port "$p"; done

cat > "$WORK/proxy.lua" <<LUA
wrk.path = "http://127.0.0.1:$UP/"
wrk.headers["Host"] = "127.0.0.1:$UP"
LUA

# Sanity: every proxy serves the allowed target and refuses another port.
for p in $SBX $SQUID $TINY; do
  curl -sf -x "http://127.0.0.1:$p" "http://127.0.0.1:$UP/" >/dev/null || { echo "proxy on $p does not forward" >&2; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' -x "http://127.0.0.1:$p" "http://127.0.0.2:$UP/" || true)
  [ "$code" = 403 ] || { echo "proxy on $p did not refuse a non-allowed target ($code)" >&2; exit 1; }
done

cpu_ticks() { # utime+stime of a process and its children, in clock ticks
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)

# run NAME PID CONNS ARGS... -> prints "rps p50_ms p99_ms cpu_s"
run_wrk() {
  local pid=$1 conns=$2; shift 2
  local before after out
  before=$( [ "$pid" = 0 ] && echo 0 || cpu_ticks "$pid")
  out=$(wrk -t1 -c"$conns" -d"${DUR}s" --latency "$@")
  after=$( [ "$pid" = 0 ] && echo 0 || cpu_ticks "$pid")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $(awk -v t=$((after - before)) -v hz="$HZ" 'BEGIN{printf "%.1f", t/hz}') ${errs:+ERR:$errs}"
}
to_ms() { # wrk prints 123.00us / 1.23ms / 1.00s
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.3f", v/1000}
    else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.3f", v}
    else {sub(/s$/,"",v); printf "%.3f", v*1000} }'
}

# Warm-up (JIT for sbx, caches for everyone).
for p in $SBX $SQUID $TINY; do wrk -t1 -c"$CONNS" -d5s -s "$WORK/proxy.lua" "http://127.0.0.1:$p" >/dev/null; done
wrk -t1 -c"$CONNS" -d3s "http://127.0.0.1:$UP/" >/dev/null

# ROUNDS rounds, targets interleaved within each, so background load hits all of them alike;
# the table shows the median round of each metric.
declare -A R L
for round in $(seq 1 "$ROUNDS"); do
  R[direct]+="$(run_wrk 0 "$CONNS" "http://127.0.0.1:$UP/")"$'\n'
  L[direct]+="$(run_wrk 0 1 "http://127.0.0.1:$UP/")"$'\n'
  for name in sbx squid tinyproxy; do
    case $name in sbx) port=$SBX pid=$SBX_PID;; squid) port=$SQUID pid=$SQUID_PID;; tinyproxy) port=$TINY pid=$TINY_PID;; esac
    R[$name]+="$(run_wrk "$pid" "$CONNS" -s "$WORK/proxy.lua" "http://127.0.0.1:$port")"$'\n'
    L[$name]+="$(run_wrk "$pid" 1 -s "$WORK/proxy.lua" "http://127.0.0.1:$port")"$'\n'
  done
done
median() { # median of column $1 over the lines on stdin
  awk -v c="$1" 'NF {print $c}' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}
errors() { grep -o 'ERR:.*' | head -1 || true; }

tunnel() { # CONNECT throughput in MiB/s over a 512 MiB download (best of 3)
  local best=0 s
  for _ in 1 2 3; do
    s=$(curl -s -o /dev/null -w '%{speed_download}' "$@" "http://127.0.0.1:$UP/big")
    best=$(awk -v a="$best" -v b="$s" 'BEGIN{print (b>a)?b:a}')
  done
  awk -v b="$best" 'BEGIN{printf "%.0f", b/1048576}'
}
declare -A T
T[direct]=$(tunnel)
T[sbx]=$(tunnel -p -x "http://127.0.0.1:$SBX")
T[squid]=$(tunnel -p -x "http://127.0.0.1:$SQUID")
T[tinyproxy]=$(tunnel -p -x "http://127.0.0.1:$TINY")

d50=$(median 2 <<<"${L[direct]}"); d99=$(median 3 <<<"${L[direct]}")
echo
echo "wrk -t1, keep-alive, ${DUR}s per run, median of $ROUNDS interleaved rounds; throughput at ${CONNS} connections, latency at 1 connection; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| target | req/s (c=$CONNS) | p50 / p99 ms (c=$CONNS) | proxy CPU s per 100k req | p50 / p99 ms (c=1) | added p50 / p99 ms (c=1) | CONNECT MiB/s |"
echo "|---|---|---|---|---|---|---|"
for name in direct sbx squid tinyproxy; do
  rps=$(median 1 <<<"${R[$name]}"); p50=$(median 2 <<<"${R[$name]}"); p99=$(median 3 <<<"${R[$name]}")
  l50=$(median 2 <<<"${L[$name]}"); l99=$(median 3 <<<"${L[$name]}")
  cpu=$(awk 'NF {printf "%.2f\n", $4 / ($1 * '"$DUR"') * 100000}' <<<"${R[$name]}" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  added=$(awk -v a="$l50" -v b="$d50" -v c="$l99" -v d="$d99" 'BEGIN{printf "%+.3f / %+.3f", a-b, c-d}')
  err=$(errors <<<"${R[$name]}${L[$name]}")
  [ "$name" = direct ] && { added="-"; cpu="-"; }
  echo "| $name | $rps | $p50 / $p99 | $cpu | $l50 / $l99 | $added | ${T[$name]} |${err:+ $err}"
done
