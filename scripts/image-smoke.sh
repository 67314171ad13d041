#!/usr/bin/env bash
# Prove the container image runs, without a container engine: unpack the image tarball that
# `mvn -Pimage` built (docker save format), apply its layers in order to a root filesystem, and start
# its entrypoint as its user, with its environment, in a fresh PID and mount namespace chrooted into
# that root (with /proc and /dev mounted, as a container runtime does). The network is the host's, so
# the server listens on loopback ports chosen here; the script then asks GET /health and /ready on the
# admin port and checks the process runs as the image's non-root user.
#
#   scripts/image-smoke.sh [IMAGE.tar]     default: server/target/tickwire-server-image.tar
#
# Needs root (chroot, unshare, mount), curl, tar; about 5-15 s. Exits non-zero with the server's
# output when the image does not start or does not answer within TICKWIRE_SMOKE_TIMEOUT_S (default 60).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
image="${1:-$root/server/target/tickwire-server-image.tar}"
timeout_s="${TICKWIRE_SMOKE_TIMEOUT_S:-60}"
[ -f "$image" ] || { echo "image-smoke: no image at $image (mvn -B -Pimage -pl server -am package -DskipTests)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "image-smoke: needs root (chroot, unshare, mount)" >&2; exit 1; }
start_ns=$(date +%s%N)

work="$(mktemp -d)"
server_pid=""
cleanup()
{
  # Killing unshare kills the namespace's init (--kill-child), and with it everything inside; its mounts
  # were never visible outside, so the rm below cannot reach the host's /dev.
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/image" "$work/rootfs"
tar -xf "$image" -C "$work/image"
manifest="$(cat "$work/image/manifest.json")"
config_file="$(printf '%s' "$manifest" | sed -n 's/.*"Config":"\([^"]*\)".*/\1/p')"
config="$(cat "$work/image/$config_file")"

# JSON string arrays of plain values (no escapes in ours): "key":["a","b"] -> one value per line.
json_array()
{
  printf '%s' "$config" | sed -n "s/.*\"$1\":\[\([^]]*\)\].*/\1/p" | sed 's/^"//; s/"$//; s/","/\n/g'
}
mapfile -t layers < <(printf '%s' "$manifest" | sed -n 's/.*"Layers":\[\([^]]*\)\].*/\1/p' | sed 's/^"//; s/"$//; s/","/\n/g')
mapfile -t entrypoint < <(json_array Entrypoint)
mapfile -t env < <(json_array Env)
user="$(printf '%s' "$config" | sed -n 's/.*"User":"\([^"]*\)".*/\1/p')"

fail() { echo "image-smoke: FAIL: $*" >&2; exit 1; }
[ ${#layers[@]} -gt 0 ] || fail "no layers in manifest.json"
[ ${#entrypoint[@]} -gt 0 ] || fail "no Entrypoint in the image config"
printf '%s\n' "${entrypoint[@]}" | grep -qx -- '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED' ||
  fail "entrypoint lacks --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED: ${entrypoint[*]}"
[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] || fail "image runs as root: User='$user'"

for layer in "${layers[@]}"; do
  tar -xf "$work/image/$layer" -C "$work/rootfs" --numeric-owner --warning=no-unknown-keyword
done
[ -x "$work/rootfs/opt/java/bin/java" ] || [ -n "$(find "$work/rootfs" -path '*/bin/java' -print -quit)" ] ||
  fail "no java in the image"
mkdir -p "$work/rootfs/proc" "$work/rootfs/dev" "$work/rootfs/tmp"
chmod 1777 "$work/rootfs/tmp"

free_port()
{
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}
port="$(free_port)"
admin_port="$(free_port)"
while [ "$admin_port" = "$port" ]; do admin_port="$(free_port)"; done

# The image's environment, then the ports of this run; loopback only.
run_env=("${env[@]}" "TICKWIRE_HOST=127.0.0.1" "TICKWIRE_ADMIN_HOST=127.0.0.1" "TICKWIRE_PORT=$port"
  "TICKWIRE_ADMIN_PORT=$admin_port")
log="$work/server.log"
# shellcheck disable=SC2016 # $0/$1 expand inside the namespace's shell
unshare --mount --pid --fork --kill-child=KILL --propagation private sh -c '
  rootfs=$0
  mount -t proc proc "$rootfs/proc" && mount --rbind /dev "$rootfs/dev" || exit 97
  exec "$@"' "$work/rootfs" \
  env -i "${run_env[@]}" "$(command -v chroot)" --userspec="$user" "$work/rootfs" "${entrypoint[@]}" \
  > "$log" 2>&1 &
server_pid=$!

deadline=$(( $(date +%s) + timeout_s ))
until curl -fsS -m 2 "http://127.0.0.1:$admin_port/health" > "$work/health" 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$log" >&2
    fail "the image's server exited before answering /health"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    cat "$log" >&2
    fail "no answer on /health within ${timeout_s}s"
  fi
  sleep 0.2
done
ready_ns=$(date +%s%N)
curl -fsS -m 2 "http://127.0.0.1:$admin_port/ready" > /dev/null || fail "/ready refused: $(cat "$log")"
# unshare's child execs env, which execs chroot, which execs the entrypoint: that child is the JVM.
java_pid="$(pgrep -P "$server_pid" | sed -n 1p)"
[ -n "$java_pid" ] || fail "no server process under unshare (pid $server_pid)"
uid="$(awk '/^Uid:/ { print $2 }' "/proc/$java_pid/status")"
[ "$uid" = "${user%%:*}" ] || fail "server runs as uid $uid, image says $user"
# The server's own WebSocket port takes connections too.
curl -s -m 2 -o /dev/null "http://127.0.0.1:$port/" || fail "WebSocket port $port closed"

# SIGTERM, as Kubernetes sends it: the server drains and exits by itself.
stop_ns=$(date +%s%N)
kill -TERM "$java_pid"
for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2>/dev/null && fail "server still running 15 s after SIGTERM: $(tail -5 "$log")"
exit_code=0
wait "$server_pid" || exit_code=$?
server_pid=""
[ "$exit_code" = 0 ] || [ "$exit_code" = 143 ] || fail "exit code $exit_code after SIGTERM: $(tail -5 "$log")"
stopped_ns=$(date +%s%N)
# Netty's epoll transport loads its native library only when the base has what that library links to.
grep -q 'transport=epoll' "$log" || fail "server did not use the epoll transport: $(grep -m1 'transport=' "$log")"
# A module left out of the jlink'ed runtime shows as a missing class, not as a failed start.
if grep -E 'NoClassDefFoundError|ClassNotFoundException|UnsatisfiedLinkError|Exception in thread' "$log" >&2; then
  fail "errors in the server's output (above)"
fi
[ -z "${TICKWIRE_SMOKE_VERBOSE:-}" ] || cat "$log"

echo "image-smoke: OK: $(basename "$image") ($(du -h "$image" | cut -f1)), ${#layers[@]} layers, \
$(du -sh "$work/rootfs" | cut -f1) unpacked, uid $uid, /health $(tr -d '\n' < "$work/health" | cut -c1-60) \
after $(( (ready_ns - start_ns) / 1000000 )) ms, \
exit $exit_code $(( (stopped_ns - stop_ns) / 1000000 )) ms after SIGTERM"
