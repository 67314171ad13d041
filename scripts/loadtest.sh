#!/usr/bin/env bash
# Start a Tickwire room server on this machine, run a bot swarm against it, then print the load test
# summary and what the server used (CPU, memory, and its own counters of late or skipped work).
#
#   scripts/loadtest.sh --bots 500 --duration 30s
#   scripts/loadtest.sh --bots 1000 --players-per-room 10 --duration 30s --out build/lt-1000
#
# Every argument goes to the load test (java -jar loadtest/target/tickwire-loadtest.jar --help);
# the script sets --url itself. With --players-per-room N the server gets --max-players N (unless
# SERVER_ARGS names --max-players), so each room holds exactly N bots.
#
# Environment:
#   JAVA                java to run (default: java on the PATH)
#   SERVER_ARGS         extra server options, e.g. "--room-loops 1 --arena-npcs 32"
#   SERVER_JAR          the server jar to run (default server/target/tickwire-server.jar), e.g. an older
#                       build for an A/B in one sitting
#   SERVER_JAVA_OPTS    JVM options of the server added after its default flags, e.g. "-Xmx1g"
#   TICKWIRE_JVM_FLAGS  replaces the server's default JVM flags (scripts/tickwire-server); empty for a
#                       bare `java -jar`
#   LOADTEST_JAR        the load test jar (default loadtest/target/tickwire-loadtest.jar), e.g. an older
#                       build, to A/B the bots' SDK against the same server
#   LOADTEST_JAVA_OPTS  JVM options of the load test
#   REBUILD=1           build the jars even when they exist
#
# Files, next to the reports in the --out directory (default: the working directory):
#   loadtest-report.json, loadtest-report.html   the load test's reports
#   loadtest-server.log                          the server's output
#   loadtest-usage.csv                           about once a second: server and load test CPU % and RSS
#
# Exit code: the load test's (0 passed, 1 no bot joined, 2 bad arguments, 3 gate breached); 4 when
# the server could not be started. The server is stopped on every exit, Ctrl-C included.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_bin="${JAVA:-java}"
server_jar="${SERVER_JAR:-$root/server/target/tickwire-server.jar}"
loadtest_jar="${LOADTEST_JAR:-$root/loadtest/target/tickwire-loadtest.jar}"

out_dir="."
players_per_room=""
want_help=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --out) out_dir="${args[i + 1]:-.}" ;;
        --out=*) out_dir="${args[i]#--out=}" ;;
        --players-per-room) players_per_room="${args[i + 1]:-}" ;;
        --players-per-room=*) players_per_room="${args[i]#--players-per-room=}" ;;
        -h | --help | -V | --version) want_help=1 ;;
    esac
done

if [[ "${REBUILD:-}" == "1" || ! -f "$server_jar" || ! -f "$loadtest_jar" ]]; then
    echo "loadtest.sh: building the server and load test jars (mvn -B -q install -DskipTests)"
    (cd "$root" && mvn -B -q install -DskipTests)
fi

if [[ -n "$want_help" ]]; then
    # shellcheck disable=SC2086
    exec "$java_bin" ${LOADTEST_JAVA_OPTS:-} -jar "$loadtest_jar" "$@"
fi

mkdir -p "$out_dir"
server_log="$out_dir/loadtest-server.log"
usage_csv="$out_dir/loadtest-usage.csv"

# A port nothing listens on right now (bash's /dev/tcp: a refused connect means free).
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "loadtest.sh: no free port found" >&2
    return 1
}

server_pid=""
loadtest_pid=""
sampler_pid=""
run_dir=""

cleanup() {
    local code=$?
    trap - EXIT INT TERM
    if [[ -n "$sampler_pid" ]] && kill -0 "$sampler_pid" 2>/dev/null; then
        kill "$sampler_pid" 2>/dev/null || true
        wait "$sampler_pid" 2>/dev/null || true
    fi
    if [[ -n "$loadtest_pid" ]] && kill -0 "$loadtest_pid" 2>/dev/null; then
        kill -TERM "$loadtest_pid" 2>/dev/null || true
        wait "$loadtest_pid" 2>/dev/null || true
    fi
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "loadtest.sh: server $server_pid did not stop on SIGTERM, killing it" >&2
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

# Run private copies: a rebuild in the work tree during the run must not swap classes under the JVMs.
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/tickwire-loadtest.XXXXXX")"
cp "$server_jar" "$run_dir/tickwire-server.jar"
cp "$loadtest_jar" "$run_dir/tickwire-loadtest.jar"
server_jar="$run_dir/tickwire-server.jar"
loadtest_jar="$run_dir/tickwire-loadtest.jar"

port="$(free_port)"
admin_port="$(free_port)"
while [[ "$admin_port" == "$port" ]]; do admin_port="$(free_port)"; done

server_args=(--host 127.0.0.1 --port "$port" --admin-port "$admin_port")
if [[ -n "$players_per_room" && "$players_per_room" != "0" && "${SERVER_ARGS:-}" != *--max-players* ]]; then
    server_args+=(--max-players "$players_per_room")
fi
# shellcheck disable=SC2206 # SERVER_ARGS is a list of words on purpose
server_args+=(${SERVER_ARGS:-})

echo "loadtest.sh: starting server: scripts/tickwire-server ${server_args[*]} (jar $server_jar)"
# The server's documented launch (scripts/tickwire-server: its JVM flags), with this jar.
# Every bot connects from 127.0.0.1: lift the per-address connection limit of servers that have one.
TICKWIRE_MAX_CONNECTIONS_PER_ADDRESS="${TICKWIRE_MAX_CONNECTIONS_PER_ADDRESS:-100000}" \
    JAVA="$java_bin" TICKWIRE_SERVER_JAR="$server_jar" TICKWIRE_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" \
    "$root/scripts/tickwire-server" "${server_args[@]}" >"$server_log" 2>&1 &
server_pid=$!

for _ in $(seq 1 300); do
    if grep -q "WebSocket ws://" "$server_log" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "loadtest.sh: the server exited during start-up; its log ($server_log):" >&2
        cat "$server_log" >&2
        server_pid=""
        exit 4
    fi
    sleep 0.1
done
if ! grep -q "WebSocket ws://" "$server_log"; then
    echo "loadtest.sh: the server did not come up within 30 s; its log ($server_log):" >&2
    tail -20 "$server_log" >&2
    exit 4
fi
url="ws://127.0.0.1:$port/ws"
echo "loadtest.sh: server pid $server_pid on $url (admin http port $admin_port, log $server_log)"

# shellcheck disable=SC2086
"$java_bin" ${LOADTEST_JAVA_OPTS:-} -jar "$loadtest_jar" --url "$url" "$@" &
loadtest_pid=$!

# Once a second: CPU % since the previous sample (100 = one core) and RSS of both processes, from /proc.
clk_tck="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
sample_usage() {
    local t0 prev_t prev_s prev_l now s l
    t0="$(date +%s.%N)"
    prev_s="$(cpu_ticks "$server_pid")"
    prev_l="$(cpu_ticks "$loadtest_pid")"
    prev_t="$t0"
    echo "epoch_seconds,seconds,server_cpu_percent,server_rss_mb,server_threads,loadtest_cpu_percent,loadtest_rss_mb"
    while kill -0 "$server_pid" 2>/dev/null && kill -0 "$loadtest_pid" 2>/dev/null; do
        sleep 1
        now="$(date +%s.%N)"
        s="$(cpu_ticks "$server_pid")"
        l="$(cpu_ticks "$loadtest_pid")"
        awk -v t="$now" -v t0="$t0" -v pt="$prev_t" -v s="$s" -v ps="$prev_s" -v l="$l" -v pl="$prev_l" \
            -v hz="$clk_tck" -v srss="$(rss_mb "$server_pid")" -v sthr="$(threads_of "$server_pid")" \
            -v lrss="$(rss_mb "$loadtest_pid")" \
            'BEGIN { dt = t - pt; if (dt <= 0) dt = 1;
                     printf "%.1f,%.1f,%.1f,%s,%s,%.1f,%s\n", t, t - t0, 100 * (s - ps) / hz / dt, srss, sthr,
                            100 * (l - pl) / hz / dt, lrss }'
        prev_s="$s"
        prev_l="$l"
        prev_t="$now"
    done
}
sample_usage >"$usage_csv" &
sampler_pid=$!

set +e
wait "$loadtest_pid"
loadtest_exit=$?
set -e
loadtest_pid=""
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""

# The measured window (after ramp-up and warm-up) from the report: startedAt plus the timing section.
json="$out_dir/loadtest-report.json"
window_from=0
window_to=0
if [[ -f "$json" ]]; then
    started_at="$(sed -n 's/^ *"startedAt": "\(.*\)",$/\1/p' "$json" | head -1)"
    ramp_s="$(sed -n 's/^ *"rampSeconds": \([0-9.]*\),*$/\1/p' "$json" | tail -1)"
    warmup_s="$(sed -n 's/^ *"warmupSeconds": \([0-9.]*\),*$/\1/p' "$json" | tail -1)"
    elapsed_s="$(sed -n 's/^ *"elapsedSeconds": \([0-9.]*\),*$/\1/p' "$json" | tail -1)"
    if [[ -n "$started_at" && -n "$ramp_s" && -n "$warmup_s" && -n "$elapsed_s" ]]; then
        start_epoch="$(date -d "$started_at" +%s.%N 2>/dev/null || echo 0)"
        window_from="$(awk -v a="$start_epoch" -v r="$ramp_s" -v w="$warmup_s" 'BEGIN { printf "%.3f", a + r + w }')"
        window_to="$(awk -v a="$start_epoch" -v e="$elapsed_s" 'BEGIN { printf "%.3f", a + e }')"
    fi
fi

echo
echo "== server during the run (loadtest.sh, $usage_csv) =="
# Samples inside the measured window; without a report, every sample taken while the swarm ran.
awk -F, -v from="$window_from" -v to="$window_to" '
    NR > 1 && (from == 0 || ($1 >= from && $1 <= to + 0.5)) {
        n++; sc += $3; if ($3 > smax) smax = $3; sr += $4; if ($4 > srmax) srmax = $4; thr = $5;
        lc += $6; if ($6 > lmax) lmax = $6; if ($7 > lrmax) lrmax = $7 }
    END { if (n == 0) { print "no samples"; exit }
          printf "server      cpu mean %.0f %%, max %.0f %% (100 = one core); rss mean %.0f MB, max %.0f MB; %d threads\n",
                 sc / n, smax, sr / n, srmax, thr
          printf "load test   cpu mean %.0f %%, max %.0f %%; rss max %.0f MB\n", lc / n, lmax, lrmax
          printf "            (%d samples, %s)\n", n, from == 0 ? "whole run" : "measured window" }' "$usage_csv"
if command -v curl >/dev/null 2>&1; then
    metrics="$(curl -s --max-time 3 "http://127.0.0.1:$admin_port/metrics" || true)"
    if [[ -n "$metrics" ]]; then
        echo "$metrics" | awk '
            /^tickwire_(ticks_total|ticks_skipped_total|tick_overruns_total|snapshots_sent_total|snapshots_skipped_total|snapshot_encodes_total|snapshots_throttled_total|ring_refusals_total|inputs_stale_total|inputs_applied_total|disconnects_total)[ {]/ {
                name = $1; sub(/\{.*$/, "", name); sum[name] += $NF }
            END { line = ""; for (k in sum) line = line sprintf("%s %.0f, ", k, sum[k]);
                  if (line != "") print "counters    " substr(line, 1, length(line) - 2) }'
    fi
fi
echo "server log  $server_log"
exit "$loadtest_exit"
