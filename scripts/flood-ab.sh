#!/usr/bin/env bash
# What one hostile connection makes a server hold, old jar against new in one sitting: for each jar,
# start a server with a small heap, run 16 well-behaved SDK bots (the bystanders) for the whole run,
# flood from one connection that never reads (scripts/FloodProbe.java) in the middle of it, and
# report the server's peak RSS, its heap after a full GC, and the bystanders' snapshot rate.
#
#   scripts/flood-ab.sh OLD_JAR NEW_JAR [ws-ping|pb-ping] [FLOOD_SECONDS]
#
# Environment: SERVER_JAVA_OPTS (default -Xmx256m), PORT (default 17070; admin PORT+1).
# Loopback only; every process it starts is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
old_jar="${1:?old server jar}"
new_jar="${2:?new server jar}"
mode="${3:-ws-ping}"
flood_seconds="${4:-10}"
port="${PORT:-17070}"
java_opts="${SERVER_JAVA_OPTS:--Xmx256m}"
loadtest_jar="$root/loadtest/target/tickwire-loadtest.jar"
out="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

run_one() {
    local label="$1" jar="$2"
    # shellcheck disable=SC2086
    java $java_opts --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$jar" \
        --host 127.0.0.1 --port "$port" --admin-port $((port + 1)) --max-players 8 > "$out/$label-server.log" 2>&1 &
    local server=$!
    pids+=("$server")
    for _ in $(seq 1 100); do
        curl -fs -m 1 "http://127.0.0.1:$((port + 1))/ready" > /dev/null 2>&1 && break
        sleep 0.1
    done
    java -jar "$loadtest_jar" --url "ws://127.0.0.1:$port/ws" --bots 16 --players-per-room 8 \
        --duration "$((flood_seconds + 10))s" --warmup 2s --quiet --out "$out/$label-lt" > "$out/$label-lt.txt" 2>&1 &
    local lt=$!
    pids+=("$lt")
    sleep 5
    java "$root/scripts/FloodProbe.java" "ws://127.0.0.1:$port/ws" "$mode" "$flood_seconds" > "$out/$label-flood.txt" 2>&1 &
    local flood=$!
    pids+=("$flood")
    local peak=0 rss
    while kill -0 "$flood" 2>/dev/null; do
        rss=$(ps -o rss= -p "$server" 2>/dev/null | tr -d ' ' || echo 0)
        if [[ -n "$rss" && "$rss" -gt "$peak" ]]; then peak=$rss; fi
        sleep 0.5
    done
    local healthy="yes"
    curl -fs -m 2 "http://127.0.0.1:$((port + 1))/health" > /dev/null 2>&1 || healthy="no (timed out)"
    wait "$lt" || true
    timeout 20 jcmd "$server" GC.run > /dev/null 2>&1 || true
    local heap
    heap=$(timeout 20 jcmd "$server" GC.heap_info 2>/dev/null | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1 || true)
    local oom
    oom=$(grep -c OutOfMemoryError "$out/$label-server.log" || true)
    local rate
    rate=$(sed -n 's/.*per bot over server time \([0-9.]*\) Hz mean (min \([0-9.]*\).*/\1 mean, \2 min/p' "$out/$label-lt.txt" | head -1 || true)
    local connected
    connected=$(sed -n 's/^bots *connected \([0-9]*\/[0-9]*\) at end.*/\1/p' "$out/$label-lt.txt" | head -1 || true)
    printf '%-4s %-8s flood: %s\n' "$label" "$mode" "$(cat "$out/$label-flood.txt")"
    printf '%-4s peak RSS %s MB, heap used after full GC %s MB, OutOfMemoryError lines %s, /health after flood: %s, bystanders connected at end %s, snapshots per bot %s Hz\n' \
        "$label" "$((peak / 1024))" "$(( ${heap:-0} / 1024 ))" "$oom" "$healthy" "${connected:-?}" "${rate:-?}"
    kill "$server" 2>/dev/null || true
    sleep 3
    kill -9 "$server" 2>/dev/null || true   # a server wedged by the flood no longer stops on SIGTERM
    wait "$server" 2>/dev/null || true
}

run_one old "$old_jar"
run_one new "$new_jar"
echo "logs and reports: $out"
