#!/usr/bin/env bash
# Build the container image's base from this machine's JDK, without a registry: a jlink'ed Java 17
# runtime with the modules the server uses, the shared libraries it loads (glibc, libz, libstdc++ ...,
# as `ldd` lists them), a non-root user and a /tmp, packed as a one-layer `docker save` tarball that
# Jib takes as `tar://...` (`mvn -Pimage` runs this script first; see server/pom.xml).
#
#   scripts/image-base.sh [OUT.tar [JAR...]]   default: server/target/image-base/tickwire-jre-base.tar
#
# Native libraries inside the JARs (META-INF/native/*.so: Netty's epoll transport) are ldd'ed too, so the
# libraries they load (libdl, librt) are in the base; without them Netty falls back to NIO silently.
#
# Environment:
#   JAVA_HOME   the JDK whose jmods, jlink and libraries are used (default: the one `java` on the PATH runs)
#   TICKWIRE_IMAGE_MODULES   replaces the module list below
#
# Modules: `jdeps --print-module-deps` on the shaded jar (module-info files removed) gives java.base,
# java.naming, java.net.http, java.sql (Gson's optional SQL date adapters), jdk.jfr, jdk.management,
# jdk.unsupported (Netty, Agrona), plus java.compiler and java.desktop, which only Agrona's code
# generator, Error Prone's annotations and Micrometer's unused Log4j binder reach: left out. Added by
# hand: jdk.crypto.ec (TLS with EC keys: wss, rediss) and jdk.jcmd (jcmd/jstack in a running pod).
#
# The output is reproducible for one JDK and one set of system libraries: fixed mtimes, owners and
# order. Needs bash, tar, sha256sum, ldd; runs in ~5 s.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/server/target/image-base/tickwire-jre-base.tar}"
[ $# -gt 0 ] && shift
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')"
fi
jlink="$JAVA_HOME/bin/jlink"
[ -x "$jlink" ] || { echo "image-base: no jlink in JAVA_HOME=$JAVA_HOME (need a full JDK)" >&2; exit 1; }
feature="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[ "$feature" = 17 ] || echo "image-base: warning: JDK $feature, the server targets 17" >&2
modules="${TICKWIRE_IMAGE_MODULES:-java.base,java.logging,java.management,java.naming,java.net.http,java.sql,\
jdk.crypto.ec,jdk.jcmd,jdk.jfr,jdk.management,jdk.unsupported}"
java_dir=opt/java

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"

"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$rootfs/$java_dir"

# Debian's JDK keeps some configuration as symlinks into /etc (cacerts, java.security policy files);
# the image must hold the files themselves.
find "$rootfs/$java_dir" -type l | while read -r link; do
  target="$(readlink -f "$link" || true)"
  rm "$link"
  if [ -n "$target" ] && [ -f "$target" ]; then
    cp "$target" "$link"
  fi
done
[ -s "$rootfs/$java_dir/lib/security/cacerts" ] || echo "image-base: warning: no cacerts (TLS to public CAs fails)" >&2

# Every shared library the runtime's executables and libraries load, at the path the loader looks for
# it, plus the loader itself. libgcc_s is dlopen'ed by glibc (thread exit, unwinding): ldd cannot see it.
libs="$work/libs"
mkdir -p "$work/native"
for jar in "$@"; do
  [ -f "$jar" ] || { echo "image-base: no such jar: $jar" >&2; exit 1; }
  jar_abs="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  mapfile -t natives < <("$JAVA_HOME/bin/jar" tf "$jar_abs" | grep '^META-INF/native/.*\.so$' || true)
  [ ${#natives[@]} -eq 0 ] || (cd "$work/native" && "$JAVA_HOME/bin/jar" xf "$jar_abs" "${natives[@]}")
done
find "$rootfs/$java_dir" "$work/native" -type f \( -name '*.so' -o -perm -u+x \) -print0 |
  xargs -0 -n 1 sh -c 'ldd "$0" 2>/dev/null || true' |
  awk '/=> \// { print $3 } /^[ \t]*\/[^ ]*ld-linux/ { print $1 }' | sort -u > "$libs"
ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
"$ldconfig" -p > "$work/ldconfig.txt" || true
libgcc="$(awk '/libgcc_s.so.1 .*x86-64/ { print $NF }' "$work/ldconfig.txt" | sed -n 1p)"
if [ -n "$libgcc" ]; then echo "$libgcc" >> "$libs"; else echo "image-base: warning: no libgcc_s.so.1" >&2; fi
copied=0
while read -r lib; do
  case "$lib" in "$rootfs"* | "$work"*) continue ;; esac
  copied=$((copied + 1))
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done < <(sort -u "$libs")

mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"
chown -R 65532:65532 "$rootfs/home/nonroot" 2>/dev/null || true

image="$work/image"
mkdir -p "$image"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$image/layer.tar" .
# tar --owner above makes /home/nonroot root-owned too; that is fine: the server writes only to /tmp.
diff_id="sha256:$(sha256sum "$image/layer.tar" | cut -d' ' -f1)"
jdk_version="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
cat > "$image/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
"config":{"Env":["PATH=/$java_dir/bin:/usr/bin:/bin","JAVA_HOME=/$java_dir","LANG=C.UTF-8"],
"User":"65532:65532","WorkingDir":"/",
"Labels":{"io.tickwire.base.jdk":"$jdk_version","io.tickwire.base.modules":"$modules"}},
"rootfs":{"type":"layers","diff_ids":["$diff_id"]},
"history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/image-base.sh: jlink $jdk_version + ldd libraries"}]}
EOF
config_name="$(sha256sum "$image/config.json" | cut -d' ' -f1).json"
mv "$image/config.json" "$image/$config_name"
printf '[{"Config":"%s","RepoTags":["tickwire/jre-base:%s"],"Layers":["layer.tar"]}]\n' \
  "$config_name" "$jdk_version" > "$image/manifest.json"
mkdir -p "$(dirname "$out")"
# Member names without "./": Jib refuses to unpack a "./" entry.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$image" -cf "$out.tmp" \
  manifest.json "$config_name" layer.tar
mv "$out.tmp" "$out"
echo "image-base: $out ($(du -h "$out" | cut -f1), runtime $(du -sh "$rootfs/$java_dir" | cut -f1), \
$copied system libraries, JDK $jdk_version)"
