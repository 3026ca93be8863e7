#!/usr/bin/env bash
# Benchmark: every production page of `closedset demo --large` against /readyz, on a fresh private
# cluster in a temporary directory (README "Performance").
#   bench/run.sh                      all pages, then 1 and 2 processes behind haproxy
#   DURATION=10s PORT=18080 PROCESSES="1 2" PAGES="dashboard riders" bench/run.sh
# For each page, one run of /readyz and then one of the page, at 64 connections with wrk, so each
# ratio compares neighbours in time on a machine whose load moves. Prints per page: requests/s,
# p99, the ratio to /readyz and whether it meets its target (the cached producer dashboard at
# least 50 % of /readyz, every other page at least 20 % with p99 under 50 ms); then the
# 1-connection latency of the bounded pages on the small demo and on the large production; the
# server's RSS; and the throughput of 1 and 2 server processes behind a TCP balancer (haproxy).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
LATENCY_DURATION=${LATENCY_DURATION:-3s}
PORT=${PORT:-18080}
PROCESSES=${PROCESSES:-1 2}
BASE="http://127.0.0.1:$PORT"

need() { # command package
    command -v "$1" >/dev/null && return
    echo "installing $2" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y "$2" >/dev/null; else sudo apt-get install -y "$2" >/dev/null; fi
}
need wrk wrk
need haproxy haproxy

cargo build --release --quiet
BIN=$PWD/target/release/closedset

WORK=$(mktemp -d -t closedset-bench-XXXXXX)
chmod 755 "$WORK"   # the private cluster may run as an unprivileged user when we are root
PIDS=()
cleanup() {
    local status=$?
    if [ "$status" != 0 ] && [ -f "$WORK/server.log" ]; then
        echo "exit $status; the server's log ends:" >&2
        tail -20 "$WORK/server.log" >&2
    fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

export CLOSEDSET_DATA_DIR="$WORK/data" CLOSEDSET_LOG_KEY="$WORK/log.key" RUST_LOG=warn
echo "load before: $(uptime)"
echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"

# The large production first (it prints its id), then the small demo, served by one process.
"$BIN" demo --large --no-serve >"$WORK/large.log" 2>&1 || { cat "$WORK/large.log"; exit 1; }
LARGE=$(sed -n 's/^Production \([0-9]*\) ready.*/\1/p' "$WORK/large.log")
[ -n "$LARGE" ] || { echo "no production id in the log" >&2; cat "$WORK/large.log"; exit 1; }
# The command's PostgreSQL may still be stopping; the server waits for it.
sleep 2
CLOSEDSET_LISTEN="127.0.0.1:$PORT" CLOSEDSET_BASE_URL="$BASE" "$BIN" demo >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_ready() { # base pid log
    for _ in $(seq 1 300); do
        curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || { cat "$3"; exit 1; }
        sleep 0.2
    done
    echo "$1 never became ready" >&2; cat "$3"; exit 1
}
wait_ready "$BASE" "$SERVER_PID" "$WORK/server.log"
# Statistics, as a database that has lived a while has them: the loader runs as the server's
# role, which may not analyze tables it does not own.
PSQL=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -1)
"$PSQL" -X -q "postgresql:///closedset?host=$WORK/data/postgres&user=closedset" -c analyze

# Sign in as a browser would; prints the session cookie.
sign_in() { # email
    local jar="$WORK/jar-$1" csrf
    csrf=$(curl -fsS -c "$jar" -b "$jar" "$BASE/signin" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -fsS -o /dev/null -c "$jar" -b "$jar" -H "Origin: $BASE" \
        --data-urlencode "email=$1" --data-urlencode "password=closedset-demo" \
        --data-urlencode "csrf=$csrf" "$BASE/signin"
    awk '$6 ~ /closedset$/ { print $6 "=" $7 }' "$jar"
}
get() { # cookie path
    curl -fsS -H "Cookie: $1" "$BASE$2"
}
PRODUCER=$(sign_in producer@large.test)
COORDINATOR=$(sign_in coordinator@large.test)
DIRECTOR=$(sign_in director@large.test)
PERFORMER=$(sign_in performer@large.test)
SMALL_PRODUCER=$(sign_in producer@demo.test)
SMALL_COORDINATOR=$(sign_in coordinator@demo.test)
SMALL_PERFORMER=$(sign_in performer1@demo.test)
for c in PRODUCER COORDINATOR DIRECTOR PERFORMER SMALL_PRODUCER SMALL_COORDINATOR SMALL_PERFORMER; do
    [ -n "${!c}" ] || { echo "sign-in failed: $c" >&2; exit 1; }
done
SMALL=$(get "$SMALL_PRODUCER" / | grep -o '/productions/[0-9]*' | grep -v "/productions/$LARGE\$" | head -1 | grep -o '[0-9]*$')

# Ids the URLs need: a shoot day, the performer's rider, a calendar link.
first_id() { grep -o "$1/[0-9][0-9]*\"" | head -1 | sed 's|.*/\([0-9]*\)"$|\1|'; }
DAY=$(get "$COORDINATOR" "/productions/$LARGE/schedule" | first_id "/productions/$LARGE/schedule")
RIDER=$(get "$PERFORMER" "/productions/$LARGE/riders" | first_id "/productions/$LARGE/riders")
SMALL_DAY=$(get "$SMALL_COORDINATOR" "/productions/$SMALL/schedule" | first_id "/productions/$SMALL/schedule")
SMALL_RIDER=$(get "$SMALL_PERFORMER" "/productions/$SMALL/riders" | first_id "/productions/$SMALL/riders")
calendar_link() { # cookie production
    local csrf
    csrf=$(get "$1" "/productions/$2/calendar" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -fsS -o /dev/null -H "Cookie: $1" -H "Origin: $BASE" --data-urlencode "csrf=$csrf" \
        "$BASE/productions/$2/calendar"
    get "$1" "/productions/$2/calendar" | grep -o "/calendar/[0-9a-f]\{64\}" | head -1
}
CALENDAR=$(calendar_link "$PRODUCER" "$LARGE")
SMALL_CALENDAR=$(calendar_link "$SMALL_PRODUCER" "$SMALL")
echo "large production $LARGE (day $DAY, rider $RIDER); small demo $SMALL (day $SMALL_DAY, rider $SMALL_RIDER)"

# name | cookie variable | path on the large production | path on the small demo (bounded
# pages: their 1-connection latency is compared across sizes) or -
LARGE_PAGES=(
    "dashboard|PRODUCER|/productions/$LARGE|-"
    "rider|PERFORMER|/productions/$LARGE/riders/$RIDER|/productions/$SMALL/riders/$SMALL_RIDER"
    "budget|PRODUCER|/productions/$LARGE/budget|-"
    "shoot-day|COORDINATOR|/productions/$LARGE/schedule/$DAY|/productions/$SMALL/schedule/$SMALL_DAY"
    "scenes|PRODUCER|/productions/$LARGE/scenes|/productions/$SMALL/scenes"
    "calendar|-|$CALENDAR|-"
    "footage-csv|COORDINATOR|/productions/$LARGE/footage-use.csv|-"
    "director|DIRECTOR|/productions/$LARGE|-"
    "performer|PERFORMER|/productions/$LARGE|/productions/$SMALL"
    "call-sheet|COORDINATOR|/productions/$LARGE/schedule/$DAY/call-sheet|/productions/$SMALL/schedule/$SMALL_DAY/call-sheet"
    "riders|COORDINATOR|/productions/$LARGE/riders|/productions/$SMALL/riders"
    "stripboard|COORDINATOR|/productions/$LARGE/schedule|-"
    "coordinator|COORDINATOR|/productions/$LARGE|-"
    "conversations|COORDINATOR|/productions/$LARGE/conversations|-"
    "on-set|COORDINATOR|/productions/$LARGE/schedule/$DAY/on-set|/productions/$SMALL/schedule/$SMALL_DAY/on-set"
)
small_cookie() { case "$1" in PRODUCER) echo "$SMALL_PRODUCER" ;; PERFORMER) echo "$SMALL_PERFORMER" ;; *) echo "$SMALL_COORDINATOR" ;; esac; }

# wrk at c connections for DURATION; prints "rps p99_ms non2xx".
measure() { # url cookie connections duration
    local out
    out=$(wrk -t "$(( $3 < 2 ? 1 : 2 ))" -c "$3" -d "$4" --latency ${2:+-H "Cookie: $2"} "$1")
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx/ { bad = $NF }
        END { printf "%s %.2f %.2f %s\n", rps, p50, p99, bad + 0 }' <<<"$out"
}

RSS_MAX="$WORK/rss-max"
echo 0 >"$RSS_MAX"
( while kill -0 "$SERVER_PID" 2>/dev/null; do
      rss=$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$(cat "$RSS_MAX")" ] && echo "$rss" >"$RSS_MAX"
      sleep 0.2
  done ) &
SAMPLER=$!
PIDS+=("$SAMPLER")

echo
echo "Each page at 64 connections for $DURATION, right after /readyz for $DURATION:"
printf '%-14s %9s %9s %9s %9s %7s  %s\n' page "req/s" "p99 ms" "readyz/s" "rz p99" ratio target
FAILED=0
for row in "${LARGE_PAGES[@]}"; do
    IFS='|' read -r name cookie_var path small_path <<<"$row"
    if [ -n "${PAGES:-}" ] && ! grep -qw -- "$name" <<<"$PAGES"; then continue; fi
    cookie=; [ "$cookie_var" != - ] && cookie=${!cookie_var}
    status=$(curl -s -o "$WORK/page.out" -w '%{http_code}' ${cookie:+-H "Cookie: $cookie"} "$BASE$path")
    [ "$status" = 200 ] || { echo "$name answered $status ($path)" >&2; FAILED=1; continue; }
    read -r rz_rps _ rz_p99 _ <<<"$(measure "$BASE/readyz" "" 64 "$DURATION")"
    read -r rps _ p99 bad <<<"$(measure "$BASE$path" "$cookie" 64 "$DURATION")"
    ratio=$(awk -v a="$rps" -v b="$rz_rps" 'BEGIN { printf "%.0f", 100 * a / b }')
    if [ "$name" = dashboard ]; then want=50; else want=20; fi
    verdict=$(awk -v r="$ratio" -v w="$want" -v p="$p99" -v d="$name" -v bad="$bad" 'BEGIN {
        ok = r >= w && (d == "dashboard" || p < 50) && bad == 0
        printf "%s (>= %d%%%s)%s", ok ? "met" : "MISSED", w, d == "dashboard" ? "" : ", p99 < 50 ms", bad ? " NON-2XX " bad : "" }')
    [[ "$verdict" == met* ]] || FAILED=1
    printf '%-14s %9s %9s %9s %9s %6s%%  %s  (%s B)\n' "$name" "$rps" "$p99" "$rz_rps" "$rz_p99" \
        "$ratio" "$verdict" "$(wc -c <"$WORK/page.out")"
done

echo
echo "Bounded pages, 1 connection for $LATENCY_DURATION: mean latency on the small demo and on the large production:"
printf '%-14s %12s %12s %7s\n' page "small p50 ms" "large p50 ms" "large/small"
for row in "${LARGE_PAGES[@]}"; do
    IFS='|' read -r name cookie_var path small_path <<<"$row"
    [ "$small_path" = - ] && continue
    if [ -n "${PAGES:-}" ] && ! grep -qw -- "$name" <<<"$PAGES"; then continue; fi
    read -r _ small_p50 _ _ <<<"$(measure "$BASE$small_path" "$(small_cookie "$cookie_var")" 1 "$LATENCY_DURATION")"
    read -r _ large_p50 _ _ <<<"$(measure "$BASE$path" "${!cookie_var}" 1 "$LATENCY_DURATION")"
    printf '%-14s %12s %12s %6sx\n' "$name" "$small_p50" "$large_p50" \
        "$(awk -v s="$small_p50" -v l="$large_p50" 'BEGIN { printf "%.2f", l / s }')"
done
kill "$SAMPLER" 2>/dev/null || true
echo
echo "server RSS during the load runs (max of samples): $(cat "$RSS_MAX") kB (target < 65536 kB)"
echo "server peak RSS since start (VmHWM): $(awk '/VmHWM/ { print $2, $3 }' "/proc/$SERVER_PID/status")"

# Scale out: N processes on the same PostgreSQL (the first server's private cluster, over its
# Unix socket) behind haproxy in TCP mode, round robin per connection.
SOCKET_DIR="$WORK/data/postgres"
LB_PORT=$((PORT + 100))
echo
echo "Scale out: processes behind haproxy on :$LB_PORT, 64 connections for $DURATION each:"
printf '%-10s %-14s %9s %9s\n' processes page "req/s" "p99 ms"
STARTED=1
for n in $PROCESSES; do
    for i in $(seq $((STARTED + 1)) "$n"); do
        port=$((PORT + i))
        DATABASE_URL="postgres:///closedset?host=$SOCKET_DIR&user=closedset_app" \
        CLOSEDSET_MIGRATION_DATABASE_URL="postgres:///closedset?host=$SOCKET_DIR&user=closedset" \
        CLOSEDSET_LISTEN="127.0.0.1:$port" CLOSEDSET_BASE_URL="$BASE" \
            "$BIN" serve >"$WORK/server-$i.log" 2>&1 &
        PIDS+=("$!")
        wait_ready "http://127.0.0.1:$port" "$!" "$WORK/server-$i.log"
    done
    STARTED=$(( n > STARTED ? n : STARTED ))
    servers=("127.0.0.1:$PORT")
    for i in $(seq 2 "$n"); do servers+=("127.0.0.1:$((PORT + i))"); done
    {
        printf 'global\n  maxconn 4096\ndefaults\n  mode tcp\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n'
        printf 'frontend closedset\n  bind 127.0.0.1:%s\n  default_backend servers\n' "$LB_PORT"
        printf 'backend servers\n  balance roundrobin\n'
        for i in "${!servers[@]}"; do printf '  server s%s %s\n' "$i" "${servers[$i]}"; done
    } >"$WORK/haproxy.cfg"
    haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
    HAPROXY=$!
    PIDS+=("$HAPROXY")
    sleep 0.5
    for row in "readyz|-|/readyz" "scenes|PRODUCER|/productions/$LARGE/scenes" "riders|COORDINATOR|/productions/$LARGE/riders" "dashboard|PRODUCER|/productions/$LARGE"; do
        IFS='|' read -r name cookie_var path <<<"$row"
        cookie=; [ "$cookie_var" != - ] && cookie=${!cookie_var}
        read -r rps _ p99 bad <<<"$(measure "http://127.0.0.1:$LB_PORT$path" "$cookie" 64 "$DURATION")"
        [ "$bad" = 0 ] && bad= || bad="  non-2xx: $bad"
        printf '%-10s %-14s %9s %9s%s\n' "$n" "$name" "$rps" "$p99" "$bad"
    done
    kill "$HAPROXY"; wait "$HAPROXY" 2>/dev/null || true
done
echo
echo "load after: $(uptime)"
exit $FAILED
