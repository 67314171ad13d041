#!/usr/bin/env bash
# What an idle Tickwire server costs: start it on free loopback ports, optionally create N empty rooms
# through the admin API (they tick, nobody is in them), wait for start-up to settle, then read the
# process's CPU time from /proc over a window and print it as % of one core.
#
#   scripts/idle-cpu.sh                  # no rooms, 20 s
#   ROOMS=10 scripts/idle-cpu.sh         # 10 empty rooms ticking
#   SERVER_JAR=/tmp/old.jar ROOMS=10 scripts/idle-cpu.sh   # the same against another build (A/B)
#
# The server starts through scripts/tickwire-server (its documented JVM flags; TICKWIRE_JVM_FLAGS= for a
# bare java -jar). Environment: SERVER_JAR (default server/target/tickwire-server.jar), ROOMS (0),
# SECONDS_MEASURED (20), SETTLE_SECONDS (5), SERVER_JAVA_OPTS, SERVER_ARGS, JAVA. Prints one line:
#   idle-cpu jar=<jar> rooms=<n> seconds=<s> cpu_percent=<p> rss_mb=<m>
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_bin="${JAVA:-java}"
server_jar="${SERVER_JAR:-$root/server/target/tickwire-server.jar}"
rooms="${ROOMS:-0}"
window_s="${SECONDS_MEASURED:-20}"
settle_s="${SETTLE_SECONDS:-5}"
token="idle-cpu-$RANDOM$RANDOM"

free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}
port="$(free_port)"
admin_port="$(free_port)"
log="$(mktemp "${TMPDIR:-/tmp}/idle-cpu.XXXXXX.log")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

# shellcheck disable=SC2086
JAVA="$java_bin" TICKWIRE_SERVER_JAR="$server_jar" TICKWIRE_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" \
    "$root/scripts/tickwire-server" --host 127.0.0.1 --port "$port" --admin-port "$admin_port" \
    --admin-token "$token" --room-linger-ms 3600000 ${SERVER_ARGS:-} >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
    grep -q "WebSocket ws://" "$log" 2>/dev/null && break
    sleep 0.1
done
grep -q "WebSocket ws://" "$log" || { echo "idle-cpu.sh: server did not start" >&2; cat "$log" >&2; exit 4; }
for i in $(seq 1 "$rooms"); do
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$admin_port/rooms?type=arena&id=idle-$i"
done
sleep "$settle_s"
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat"; }
t0="$(ticks)"
sleep "$window_s"
t1="$(ticks)"
rss="$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")"
hosted="$(curl -s "http://127.0.0.1:$admin_port/rooms" | grep -o '"id"' | wc -l || true)"
awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v s="$window_s" -v jar="$server_jar" -v r="$rooms" \
    -v h="$hosted" -v rss="$rss" \
    'BEGIN { printf "idle-cpu jar=%s rooms=%d (listed %d) seconds=%d cpu_percent=%.2f rss_mb=%s\n", jar, r, h, s,
             100 * (b - a) / hz / s, rss }'
