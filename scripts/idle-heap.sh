#!/usr/bin/env bash
# Heap per idle connection: start a server, read its used heap after a full GC, open N WebSocket
# connections that never join (loadtest's IdleConnections), read the used heap again after a full GC
# and divide. Also prints the RSS before and after.
#
#   scripts/idle-heap.sh                       # 5000 connections
#   N=2000 SERVER_JAR=/tmp/old.jar TICKWIRE_JVM_FLAGS= scripts/idle-heap.sh    # A/B, bare java -jar
#
# The server starts through scripts/tickwire-server with join and idle timeouts longer than the run.
# Environment: TIMEOUT_ARGS (default "--join-timeout-ms 600000 --idle-timeout-ms 600000"; builds without a
# join timeout take "--idle-timeout-ms 600000"), N (5000), SERVER_JAR, SERVER_JAVA_OPTS, TICKWIRE_JVM_FLAGS, JAVA, HISTOGRAM (a file: the
# classes with at least N/2 instances go there), HISTOGRAM_DIFF (a file: every class's bytes and instances per
# connection, from class histograms before and after the connections, largest first). Needs jcmd on the PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_bin="${JAVA:-java}"
server_jar="${SERVER_JAR:-$root/server/target/tickwire-server.jar}"
loadtest_jar="$root/loadtest/target/tickwire-loadtest.jar"
n="${N:-5000}"

free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}
port="$(free_port)"
log="$(mktemp "${TMPDIR:-/tmp}/idle-heap.XXXXXX.log")"
server_pid=""
client_pid=""
cleanup() {
    [[ -n "$client_pid" ]] && kill "$client_pid" 2>/dev/null || true
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

TICKWIRE_MAX_CONNECTIONS_PER_ADDRESS=1000000 JAVA="$java_bin" TICKWIRE_SERVER_JAR="$server_jar" \
    TICKWIRE_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" "$root/scripts/tickwire-server" --host 127.0.0.1 --port "$port" \
    --admin-port 0 --max-connections $((n + 100)) \
    ${TIMEOUT_ARGS:---join-timeout-ms 600000 --idle-timeout-ms 600000} --log-level WARN >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
sleep 3

used_kb() {
    jcmd "$server_pid" GC.run >/dev/null
    sleep 1
    # Sum every "used NNNK" of the heap spaces (G1: one line; Serial: new + tenured).
    jcmd "$server_pid" GC.heap_info | grep -E "^ *(garbage-first heap|def new generation|tenured generation|PSYoungGen|ParOldGen)" |
        sed -n 's/.*used \([0-9]*\)K.*/\1/p' | awk '{ s += $1 } END { print s }'
}
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }

before="$(used_kb)"
histogram_before=""
if [[ -n "${HISTOGRAM_DIFF:-}" ]]; then
    histogram_before="$(mktemp "${TMPDIR:-/tmp}/idle-heap-histogram.XXXXXX")"
    jcmd "$server_pid" GC.class_histogram >"$histogram_before"
fi
rss_before="$(rss_mb)"
"$java_bin" -cp "$loadtest_jar" io.tickwire.loadtest.IdleConnections "ws://127.0.0.1:$port/ws" "$n" 600 &
client_pid=$!
open=0
for _ in $(seq 1 120); do
    sleep 1
    open="$(ls "/proc/$server_pid/fd" | wc -l)"
    [[ "$open" -ge "$n" ]] && break
done
sleep 5
after="$(used_kb)"
rss_after="$(rss_mb)"
if [[ -n "${HISTOGRAM:-}" ]]; then
    # What the heap holds per connection: the classes with at least N instances, largest first.
    # (awk stops at 40 lines itself: `| head` would end the pipe early and, with pipefail, the script.)
    jcmd "$server_pid" GC.class_histogram | awk -v n="$n" 'NR > 3 && $2 >= n / 2 && shown < 40 { print; shown++ }' >"$HISTOGRAM"
fi
if [[ -n "$histogram_before" ]]; then
    # Per connection: (instances, bytes) after minus before, divided by N; classes that grew by at least 1 B.
    jcmd "$server_pid" GC.class_histogram | awk -v n="$n" '
        FNR == NR { if ($1 ~ /^[0-9]+:$/) { c[$4] = $2; b[$4] = $3 } next }
        $1 ~ /^[0-9]+:$/ { dc = ($2 - c[$4]) / n; db = ($3 - b[$4]) / n; if (db >= 1) printf "%8.1f B %6.2f  %s\n", db, dc, $4 }
    ' "$histogram_before" - | sort -rn >"$HISTOGRAM_DIFF"
    rm -f "$histogram_before"
fi
echo "idle-heap jar=$server_jar connections=$n server_fds=$open heap_used_kb before=$before after=$after" \
    "per_connection_bytes=$(( (after - before) * 1024 / n )) rss_mb before=$rss_before after=$rss_after"
