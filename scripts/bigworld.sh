#!/usr/bin/env bash
# The big-world scenario of issue #14: one room with 100 players and ~2,000 moving entities, bots
# wandering across the whole map, and the figures the issue asks for: per-client bytes/s, server ms per
# tick, snapshot encodes per tick, memory. Starts the server jar and the load test on this machine.
#
#   scripts/bigworld.sh                         # bigworld room: 100 bots + 1,900 npcs, 60 s after 10 s warm-up
#   BUDGET=1067 scripts/bigworld.sh             # with a 256 kbit/s per-connection snapshot budget at 30 Hz
#   ROOM_TYPE=arena scripts/bigworld.sh         # the whole-room column: arena, every client sees every entity
#   BOTS=200 DURATION=30s scripts/bigworld.sh --input-rate 10
#
# ROOM_TYPE=bigworld (BigWorldGame: 2 km x 2 km, 100 m interest cells, radius 2) gets
# --bigworld-npcs ENTITIES - BOTS; ROOM_TYPE=arena (100 x 100 units, no interest policy) gets
# --arena-npcs ENTITIES - BOTS, so every client receives every entity: the whole-room figure interest
# management is measured against.
# Extra arguments go to the load test (java -jar loadtest/target/tickwire-loadtest.jar --help); the script
# sets --url, --bots, --players-per-room, --room-type, --behaviour, --duration, --warmup, --ramp-up, --out.
#
# Environment:
#   BOTS             players, all in one room (default 100)
#   ENTITIES         entities in the room, players included (default 2000: --bigworld-npcs / --arena-npcs)
#   ROOM_TYPE        room type the bots join (default bigworld; arena for the whole-room column)
#   BUDGET           per-connection snapshot budget in bytes per tick (--snapshot-budget-bytes; default none)
#   BEHAVIOUR        bot behaviour (default wander: random waypoints across the map)
#   DURATION         measured window (default 60s; keep runs under 2 minutes on shared machines)
#   WARMUP           after the last bot joined, before measuring (default 10s)
#   RAMP_UP          bots connecting per second (default 50)
#   SERVER_ARGS      extra server options; when set, the npc count above is not added
#   SERVER_JAR       server jar (default server/target/tickwire-server.jar)
#   LOADTEST_JAR     load test jar (default loadtest/target/tickwire-loadtest.jar): with SERVER_JAR, an older build
#                    A/B in one sitting
#   SERVER_JAVA_OPTS JVM options of the server, after scripts/tickwire-server's flags (e.g. -Xmx512m)
#   LOADTEST_JAVA_OPTS JVM options of the load test
#   OUT              report directory (default build/bigworld)
#   REBUILD=1        package the jars even when they exist (mvn -o package, never install)
#
# Files in OUT: loadtest-report.json/.html, bigworld-server.log, bigworld-usage.csv (once a second: server
# CPU % and RSS), bigworld-metrics-start.txt and -end.txt (the server's /metrics at both ends of the
# measured window), bigworld-summary.txt (what is printed at the end).
#
# Exit code: the load test's (0 passed, 1 no bot joined, 2 bad arguments, 3 gate breached); 4 when the
# server could not be started. The server is stopped on every exit, Ctrl-C included.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_bin="${JAVA:-java}"
server_jar="${SERVER_JAR:-$root/server/target/tickwire-server.jar}"
loadtest_jar="${LOADTEST_JAR:-$root/loadtest/target/tickwire-loadtest.jar}"
bots="${BOTS:-100}"
entities="${ENTITIES:-2000}"
room_type="${ROOM_TYPE:-bigworld}"
behaviour="${BEHAVIOUR:-wander}"
duration="${DURATION:-60s}"
warmup="${WARMUP:-10s}"
ramp_up="${RAMP_UP:-50}"
out_dir="${OUT:-$root/build/bigworld}"

# Seconds of a load test duration (500ms, 30s, 2m).
seconds_of() {
    awk -v d="$1" 'BEGIN {
        if (d ~ /ms$/) { sub(/ms$/, "", d); print d / 1000 }
        else if (d ~ /s$/) { sub(/s$/, "", d); print d + 0 }
        else if (d ~ /m$/) { sub(/m$/, "", d); print d * 60 }
        else if (d ~ /h$/) { sub(/h$/, "", d); print d * 3600 }
        else print d + 0 }'
}

if [[ "${REBUILD:-}" == "1" || ! -f "$server_jar" || ! -f "$loadtest_jar" ]]; then
    echo "bigworld.sh: packaging the server and load test jars (mvn -o -B -q -pl server,loadtest -am package -DskipTests)"
    (cd "$root" && mvn -o -B -q -pl server,loadtest -am package -DskipTests)
fi

mkdir -p "$out_dir"
server_log="$out_dir/bigworld-server.log"
usage_csv="$out_dir/bigworld-usage.csv"
metrics_start="$out_dir/bigworld-metrics-start.txt"
metrics_end="$out_dir/bigworld-metrics-end.txt"
summary="$out_dir/bigworld-summary.txt"
rm -f "$metrics_start" "$metrics_end"

free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "bigworld.sh: no free port found" >&2
    return 1
}

server_pid=""
loadtest_pid=""
sampler_pid=""
scraper_pid=""
run_dir=""

stop_pid() {
    if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
        kill "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}

cleanup() {
    local code=$?
    trap - EXIT INT TERM
    stop_pid "$sampler_pid"
    stop_pid "$scraper_pid"
    stop_pid "$loadtest_pid"
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "bigworld.sh: server $server_pid did not stop on SIGTERM, killing it" >&2
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n "${run_dir:-}" && -d "$run_dir" ]]; then
        rm -rf "$run_dir"
    fi
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Private copies: a rebuild in the work tree during the run must not swap classes under the JVMs.
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/tickwire-bigworld.XXXXXX")"
cp "$server_jar" "$run_dir/tickwire-server.jar"
cp "$loadtest_jar" "$run_dir/tickwire-loadtest.jar"

port="$(free_port)"
admin_port="$(free_port)"
while [[ "$admin_port" == "$port" ]]; do admin_port="$(free_port)"; done

server_args=(--host 127.0.0.1 --port "$port" --admin-port "$admin_port" --max-players "$bots")
if [[ -n "${SERVER_ARGS+set}" ]]; then
    # shellcheck disable=SC2206 # a list of words on purpose
    server_args+=(${SERVER_ARGS})
else
    npcs=$((entities > bots ? entities - bots : 0))
    case "$room_type" in
        arena) server_args+=(--arena-npcs "$npcs") ;;
        bigworld) server_args+=(--bigworld-npcs "$npcs") ;;
    esac
fi
if [[ -n "${BUDGET:-}" ]]; then
    server_args+=(--snapshot-budget-bytes "$BUDGET")
fi

echo "bigworld.sh: starting server: scripts/tickwire-server ${server_args[*]}"
TICKWIRE_MAX_CONNECTIONS_PER_ADDRESS="${TICKWIRE_MAX_CONNECTIONS_PER_ADDRESS:-100000}" \
    JAVA="$java_bin" TICKWIRE_SERVER_JAR="$run_dir/tickwire-server.jar" TICKWIRE_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" \
    "$root/scripts/tickwire-server" "${server_args[@]}" >"$server_log" 2>&1 &
server_pid=$!

for _ in $(seq 1 300); do
    grep -q "WebSocket ws://" "$server_log" 2>/dev/null && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "bigworld.sh: the server exited during start-up; its log ($server_log):" >&2
        cat "$server_log" >&2
        server_pid=""
        exit 4
    fi
    sleep 0.1
done
if ! grep -q "WebSocket ws://" "$server_log"; then
    echo "bigworld.sh: the server did not come up within 30 s; its log ($server_log):" >&2
    tail -20 "$server_log" >&2
    exit 4
fi
url="ws://127.0.0.1:$port/ws"
metrics_url="http://127.0.0.1:$admin_port/metrics"

# Every bot in one room: the first joins by type, the rest join its room by id.
# shellcheck disable=SC2086
"$java_bin" ${LOADTEST_JAVA_OPTS:-} -jar "$run_dir/tickwire-loadtest.jar" --url "$url" --bots "$bots" \
    --players-per-room "$bots" --room-type "$room_type" --behaviour "$behaviour" --duration "$duration" \
    --warmup "$warmup" --ramp-up "$ramp_up" --out "$out_dir" "$@" &
loadtest_pid=$!
loadtest_started="$(date +%s.%N)"

# The server's counters at both ends of the measured window (ramp-up and warm-up first). The load test's JVM
# start shifts its window by a fraction of a second against this one: negligible over a minute.
ramp_s="$(awk -v b="$bots" -v r="$ramp_up" 'BEGIN { print (r > 0 ? b / r : 0) }')"
window_start_s="$(awk -v r="$ramp_s" -v w="$(seconds_of "$warmup")" 'BEGIN { print r + w + 1 }')"
window_s="$(seconds_of "$duration")"
(
    sleep "$window_start_s"
    curl -s --max-time 5 "$metrics_url" >"$metrics_start" || true
    date +%s.%N >"$metrics_start.at"
    sleep "$(awk -v d="$window_s" 'BEGIN { print (d > 2 ? d - 1 : d / 2) }')"
    curl -s --max-time 5 "$metrics_url" >"$metrics_end" || true
    date +%s.%N >"$metrics_end.at"
) &
scraper_pid=$!

cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
clk_tck="$(getconf CLK_TCK)"
(
    prev_s="$(cpu_ticks "$server_pid")"
    prev_t="$(date +%s.%N)"
    echo "epoch_seconds,server_cpu_percent,server_rss_mb"
    while kill -0 "$server_pid" 2>/dev/null && kill -0 "$loadtest_pid" 2>/dev/null; do
        sleep 1
        now="$(date +%s.%N)"
        s="$(cpu_ticks "$server_pid")"
        awk -v t="$now" -v pt="$prev_t" -v s="$s" -v ps="$prev_s" -v hz="$clk_tck" -v rss="$(rss_mb "$server_pid")" \
            'BEGIN { dt = t - pt; if (dt <= 0) dt = 1; printf "%.1f,%.1f,%s\n", t, 100 * (s - ps) / hz / dt, rss }'
        prev_s="$s"
        prev_t="$now"
    done
) >"$usage_csv" &
sampler_pid=$!

set +e
wait "$loadtest_pid"
loadtest_exit=$?
set -e
loadtest_pid=""
wait "$scraper_pid" 2>/dev/null || true
scraper_pid=""
stop_pid "$sampler_pid"
sampler_pid=""

# Sum of a Prometheus metric's samples (every label set), 0 when absent.
metric() {
    [[ -f "$2" ]] || { echo 0; return; }
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $NF } END { printf "%.6f\n", sum + 0 }' "$2"
}
heap_mb() {
    [[ -f "$1" ]] || { echo 0; return; }
    awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ { sum += $NF } END { printf "%.1f\n", sum / 1048576 }' "$1"
}

json="$out_dir/loadtest-report.json"
json_number() {
    # First "key": number after the given section key, enough for the flat sections read here.
    awk -v section="\"$1\"" -v key="\"$2\"" '
        index($0, section) { inside = 1 }
        inside && index($0, key ":") { gsub(/[",]/, "", $2); print $2; exit }' "$json" 2>/dev/null || true
}

{
    echo
    echo "== big world (bigworld.sh): room type $room_type, $bots bots ($behaviour), $entities entities, budget ${BUDGET:-none}, $duration measured =="
    if [[ -f "$json" ]]; then
        joined="$(json_number bots joined)"
        rooms="$(json_number rooms count)"
        kb_in="$(json_number traffic kBytesInPerSecond)"
        snap_hz="$(json_number snapshots perConnectedBotHz)"
        snap_bytes="$(json_number snapshots bytesPerSnapshot)"
        awk -v j="${joined:-0}" -v r="${rooms:-0}" -v kb="${kb_in:-0}" -v hz="${snap_hz:-0}" -v sb="${snap_bytes:-0}" \
            'BEGIN { printf "clients     %d joined in %d room(s)\n", j, r;
                     printf "per client  %.1f kB/s of snapshots (%.1f/s of %.0f B per connected bot, framing included)\n",
                            hz * sb / 1000, hz, sb;
                     printf "            %.1f kB/s all traffic in per joined bot (%.0f kB/s over the swarm)\n",
                            (j > 0 ? kb / j : 0), kb }'
    else
        echo "per client  no load test report ($json)"
    fi
    if [[ -s "$metrics_start" && -s "$metrics_end" ]]; then
        t0="$(cat "$metrics_start.at")"
        t1="$(cat "$metrics_end.at")"
        ticks="$(awk -v a="$(metric tickwire_ticks_total "$metrics_start")" -v b="$(metric tickwire_ticks_total "$metrics_end")" 'BEGIN { print b - a }')"
        tick_s="$(awk -v a="$(metric tickwire_tick_duration_seconds_sum "$metrics_start")" -v b="$(metric tickwire_tick_duration_seconds_sum "$metrics_end")" 'BEGIN { print b - a }')"
        tick_n="$(awk -v a="$(metric tickwire_tick_duration_seconds_count "$metrics_start")" -v b="$(metric tickwire_tick_duration_seconds_count "$metrics_end")" 'BEGIN { print b - a }')"
        tick_max="$(metric tickwire_tick_duration_seconds_max "$metrics_end")"
        encodes="$(awk -v a="$(metric tickwire_snapshot_encodes_total "$metrics_start")" -v b="$(metric tickwire_snapshot_encodes_total "$metrics_end")" 'BEGIN { print b - a }')"
        snap_out="$(awk -v a="$(metric tickwire_snapshot_bytes_out_total "$metrics_start")" -v b="$(metric tickwire_snapshot_bytes_out_total "$metrics_end")" 'BEGIN { print b - a }')"
        overruns="$(awk -v a="$(metric tickwire_tick_overruns_total "$metrics_start")" -v b="$(metric tickwire_tick_overruns_total "$metrics_end")" 'BEGIN { print b - a }')"
        awk -v t0="$t0" -v t1="$t1" -v ticks="$ticks" -v ts="$tick_s" -v tn="$tick_n" -v tmax="$tick_max" \
            -v enc="$encodes" -v out="$snap_out" -v over="$overruns" -v players="${joined:-$bots}" '
            BEGIN { dt = t1 - t0; if (dt <= 0) dt = 1;
                    printf "server      %.1f kB/s of snapshots per client (tickwire_snapshot_bytes_out over %.0f s)\n",
                           out / dt / 1000 / (players > 0 ? players : 1), dt;
                    printf "server tick mean %.3f ms, max %.3f ms (tickwire_tick_duration); %d ticks, %d overruns\n",
                           (tn > 0 ? 1000 * ts / tn : 0), 1000 * tmax, ticks, over;
                    printf "encodes     %.2f per tick (tickwire_snapshot_encodes / ticks)\n", (ticks > 0 ? enc / ticks : 0) }'
        echo "memory      heap used $(heap_mb "$metrics_end") MB at the end of the window (jvm_memory_used_bytes, heap)"
    else
        echo "server      no /metrics scrape (window too short, or the admin port did not answer)"
    fi
    awk -F, -v from="${t0:-0}" -v to="${t1:-0}" '
        NR > 1 && (from == 0 || ($1 >= from && $1 <= to + 0.5)) {
            n++; c += $2; if ($2 > cmax) cmax = $2; r += $3; if ($3 > rmax) rmax = $3 }
        END { if (n == 0) { print "usage       no samples"; exit }
              printf "memory      server rss mean %.0f MB, max %.0f MB\n", r / n, rmax
              printf "cpu         server mean %.0f %%, max %.0f %% (100 = one core; %d samples)\n", c / n, cmax, n }' "$usage_csv"
    echo "files       $out_dir (loadtest-report.*, bigworld-*)"
} | tee "$summary"
exit "$loadtest_exit"
