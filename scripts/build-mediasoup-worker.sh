#!/usr/bin/env bash
# Builds mediasoup 3.12.16's worker from the npm package's own sources against Debian bookworm's
# libraries, because mediasoup's installer downloads from GitHub/PyPI, which this network cannot
# reach. libsrtp2 comes from Debian's *source* package configured with --enable-openssl and is
# linked statically: Debian's binary libsrtp2 does its crypto through NSS, which halves a worker's
# capacity (see shared/media/README.md).
#
# The binary is cached outside the repo, keyed by version and this script's hash, so editing the
# script rebuilds and a warm cache returns at once. The last line of stdout is the binary's path.
set -euo pipefail

MS_VERSION=3.12.16
SELF="$(readlink -f "${BASH_SOURCE[0]}")"
HASH="$(sha256sum "$SELF" | cut -c1-12)"
CACHE_ROOT="${SPAZIO_CACHE:-$HOME/.cache/spazio}"
OUT_DIR="$CACHE_ROOT/mediasoup-worker-$MS_VERSION-$HASH"
BIN="$OUT_DIR/mediasoup-worker"

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
# Two callers (say, a test run and a start) may race on a cold cache: one builds, the other waits.
exec 9>"$CACHE_ROOT/.mediasoup-worker-$MS_VERSION-$HASH.lock"
flock 9
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

log() { echo "[build-mediasoup-worker] $*" >&2; }
WORK="$(mktemp -d "$CACHE_ROOT/build-$MS_VERSION-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "building mediasoup-worker $MS_VERSION in $WORK (a few minutes on 2 cores)"
export DEBIAN_FRONTEND=noninteractive
# libsrtp2-dev is deliberately absent: the worker must not pick up Debian's NSS-backed library.
PKGS=(g++ make python3 meson ninja-build pkg-config dpkg-dev ca-certificates
  libuv1-dev libssl-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev)
MISSING=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || MISSING+=("$p"); done
if ((${#MISSING[@]})); then
  # A fresh machine may have no package lists yet: refresh them once if the first try fails.
  apt-get install -y -q --no-install-recommends "${MISSING[@]}" >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${MISSING[@]}" >&2; }
fi

# --- libsrtp2 from Debian's source package, through a private sources list and private lists
# directory so the machine's own apt configuration and indexes are left as they were.
APT_DIR="$WORK/apt"
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/sources.list.d"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
  >"$APT_DIR/sources.list"
APT_OPTS=(-o "Dir::Etc::sourcelist=$APT_DIR/sources.list" -o "Dir::Etc::sourceparts=$APT_DIR/sources.list.d"
  -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
apt-get "${APT_OPTS[@]}" -q update >&2
mkdir -p "$WORK/srtp-src" && cd "$WORK/srtp-src"
apt-get "${APT_OPTS[@]}" -q source libsrtp2 >&2
SRTP_SRC="$(find "$WORK/srtp-src" -mindepth 1 -maxdepth 1 -type d -name 'libsrtp2-*' | head -1)"
[[ -n "$SRTP_SRC" ]] || { log "apt-get source libsrtp2 produced no source tree"; exit 1; }
SRTP_PREFIX="$WORK/srtp"
cd "$SRTP_SRC"
# -fPIC: Debian's compiler makes PIE executables, and a static archive linked into one must be PIC.
CFLAGS="-O2 -fPIC" ./configure --prefix="$SRTP_PREFIX" --enable-openssl --disable-pcap >&2
make -j"$(nproc)" libsrtp2.a >&2
mkdir -p "$SRTP_PREFIX/lib" "$SRTP_PREFIX/include/srtp2"
cp libsrtp2.a "$SRTP_PREFIX/lib/"
cp include/srtp.h include/auth.h include/cipher.h include/crypto_types.h "$SRTP_PREFIX/include/srtp2/" 2>/dev/null \
  || cp include/srtp.h crypto/include/auth.h crypto/include/cipher.h crypto/include/crypto_types.h "$SRTP_PREFIX/include/srtp2/"

# --- mediasoup's sources from the npm registry, build files switched to system libraries.
cd "$WORK"
npm pack "mediasoup@$MS_VERSION" --silent >/dev/null
mkdir src && tar xzf "mediasoup-$MS_VERSION.tgz" -C src
W="$WORK/src/package/worker"
python3 - "$W" "$SRTP_PREFIX" <<'PYEOF'
import sys
root, srtp = sys.argv[1], sys.argv[2]
p = root + '/meson.build'; s = open(p).read()
s = s.replace("meson_version: '>= 1.1.0'", "meson_version: '>= 1.0.0'")
a = s.index("openssl_proj = subproject(")
b = s.index("if host_machine.system() == 'windows'\n  wingetopt_proj")
s = s[:a] + f'''# Debian's libraries instead of meson subprojects (which would download).
openssl_dep = dependency('openssl')
nlohmann_json_dep = dependency('nlohmann_json')
libuv_dep = dependency('libuv')
# libsrtp2 built from Debian's source package against OpenSSL, linked statically; libcrypto
# follows it because a static archive's undefined symbols resolve only from later inputs.
libsrtp2_dep = declare_dependency(
  compile_args: ['-I{srtp}/include/srtp2', '-I{srtp}/include'],
  link_args: ['{srtp}/lib/libsrtp2.a', '-lcrypto'],
)
usrsctp_dep = dependency('usrsctp')
absl_dep = [
  dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'),
  dependency('absl_btree'),
  dependency('absl_inlined_vector'),
  dependency('absl_memory'),
  dependency('absl_optional'),
  dependency('absl_strings'),
]

libwebrtc_include_directories = include_directories('include')
subdir('deps/libwebrtc')

dependencies = absl_dep + [
  openssl_dep,
  nlohmann_json_dep,
  libuv_dep,
  libsrtp2_dep,
  usrsctp_dep,
  libwebrtc_dep,
]

link_whole = [
  libwebrtc,
]

''' + s[b:]
# Test and fuzzer targets need the catch2 subproject; the service needs only the worker.
s = s[:s.index("test_sources = [")]
open(p, 'w').write(s)

p = root + '/deps/libwebrtc/meson.build'; s = open(p).read()
a = s.index("abseil_cpp_proj = subproject(")
b = s.index("local_include_directories = declare_dependency(")
s = s[:a] + s[b:]
old1 = """    openssl_proj.get_variable('openssl_dep'),
    abseil_cpp_proj.get_variable('absl_strings_dep'),
    abseil_cpp_proj.get_variable('absl_types_dep'),
    nlohmann_json_proj.get_variable('nlohmann_json_dep'),
    libuv_proj.get_variable('libuv_dep'),
"""
old2 = """    abseil_cpp_proj.get_variable('absl_strings_dep'),
    abseil_cpp_proj.get_variable('absl_types_dep'),
"""
assert old1 in s and old2 in s
s = s.replace(old1, "    openssl_dep,\n    nlohmann_json_dep,\n    libuv_dep,\n  ] + absl_dep + [\n")
s = s.replace(old2, "  ] + absl_dep + [\n")
open(p, 'w').write(s)
PYEOF
cd "$W"
meson setup build --buildtype=release --wrap-mode=nodownload >&2
ninja -C build -j"$(nproc)" mediasoup-worker >&2
strip build/mediasoup-worker

# The whole point of the source build: refuse a binary that still reaches Debian's NSS-backed srtp.
if ldd build/mediasoup-worker | grep -Eq 'libsrtp2|libnss3'; then
  log "worker links a shared libsrtp2/NSS; refusing it"; exit 1
fi
build/mediasoup-worker --version >/dev/null 2>&1 || true

mkdir -p "$OUT_DIR"
install -m 0755 build/mediasoup-worker "$OUT_DIR/mediasoup-worker.tmp"
mv -f "$OUT_DIR/mediasoup-worker.tmp" "$BIN"
log "built $BIN"
echo "$BIN"
