#!/usr/bin/env bash
# Benchmark: the producer dashboard of `closedset demo --large` against /readyz, with wrk at 1
# and 64 connections, on a fresh private cluster in a temporary directory.
#   bench/run.sh                 (DURATION=10s PORT=18080 to change)
# Prints requests/s, p50 and p99 per run, the dashboard/readyz throughput ratio and the
# server's peak resident memory (VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
PORT=${PORT:-18080}
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

cargo build --release --quiet
BIN=$PWD/target/release/closedset

WORK=$(mktemp -d -t closedset-bench-XXXXXX)
chmod 755 "$WORK"   # the private cluster may run as an unprivileged user when we are root
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "load: $(uptime)"
CLOSEDSET_DATA_DIR="$WORK/data" CLOSEDSET_LISTEN="127.0.0.1:$PORT" CLOSEDSET_BASE_URL="$BASE" \
    RUST_LOG=warn "$BIN" demo --large >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 300); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
    sleep 0.2
done
grep -h "ready in" "$WORK/server.log" || true
PRODUCTION=$(sed -n 's/^Production \([0-9]*\) ready.*/\1/p' "$WORK/server.log")
[ -n "$PRODUCTION" ] || { echo "no production id in the log" >&2; cat "$WORK/server.log"; exit 1; }

# Sign in as the large production's producer, as a browser would.
JAR="$WORK/cookies"
CSRF=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/signin" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fsS -o /dev/null -c "$JAR" -b "$JAR" -H "Origin: $BASE" \
    --data-urlencode "email=producer@large.test" --data-urlencode "password=closedset-demo" \
    --data-urlencode "csrf=$CSRF" "$BASE/signin"
COOKIE=$(awk '$6 ~ /closedset$/ { print $6 "=" $7 }' "$JAR")
[ -n "$COOKIE" ] || { echo "sign-in failed" >&2; exit 1; }
DASHBOARD="$BASE/productions/$PRODUCTION"
STATUS=$(curl -s -o "$WORK/dashboard.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$DASHBOARD")
[ "$STATUS" = 200 ] && grep -q "The next 14 days" "$WORK/dashboard.html" \
    || { echo "the dashboard answered $STATUS" >&2; exit 1; }
echo "dashboard: $(wc -c <"$WORK/dashboard.html") bytes"

declare -A RPS
run() { # name url connections
    local out
    out=$(wrk -t "$(( $3 < 2 ? 1 : 2 ))" -c "$3" -d "$DURATION" --latency -H "Cookie: $COOKIE" "$2")
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
    RPS[$1-$3]=$rps
    printf '%-10s c=%-3s %10s req/s   p50 %-9s p99 %-9s%s\n' "$1" "$3" "$rps" "$p50" "$p99" \
        "${non2xx:+  NON-2XX: $non2xx}"
}
# Resident memory while the load runs, sampled every 200 ms (the peak since start also counts the
# 19 MiB argon2 uses for each password check at start-up and sign-in, before the load).
RSS_MAX="$WORK/rss-max"
echo 0 >"$RSS_MAX"
( while kill -0 "$SERVER_PID" 2>/dev/null; do
      rss=$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$(cat "$RSS_MAX")" ] && echo "$rss" >"$RSS_MAX"
      sleep 0.2
  done ) &
SAMPLER=$!
for c in 1 64; do
    run readyz "$BASE/readyz" "$c"
    run dashboard "$DASHBOARD" "$c"
done
kill "$SAMPLER" 2>/dev/null || true
for c in 1 64; do
    awk -v d="${RPS[dashboard-$c]}" -v r="${RPS[readyz-$c]}" -v c="$c" \
        'BEGIN { printf "ratio dashboard/readyz at c=%s: %.0f%%\n", c, 100 * d / r }'
done
echo "server RSS during the load runs (max of samples): $(cat "$RSS_MAX") kB"
echo "server peak RSS since start (VmHWM): $(awk '/VmHWM/ { print $2, $3 }' "/proc/$SERVER_PID/status")"
echo "load: $(uptime)"
