#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer for `make tsan` (tests/sanitize/README.md): Debian's libtbb12 is not
# instrumented, so TSan cannot see the synchronisation inside the task scheduler and reports the hand-over
# of data between a parallel_for's caller and its workers as races. An instrumented oneTBB of the same
# version (2021.8.0, Debian 12's) removes that blind spot.
#
# usage: scripts/build-tbb-tsan.sh CACHE_DIR [SOURCE_DIR]
#   SOURCE_DIR: a oneTBB 2021.8.0 source tree. Without it, Debian's source package of the installed
#   libtbb-dev (onetbb 2021.8.0-2+deb12u1 on Debian 12) is downloaded and unpacked into CACHE_DIR/source:
#   with `apt-get source` where the apt sources have a deb-src line, else through a private apt
#   configuration in CACHE_DIR/apt (a deb-src line for the Debian archive, DEBIAN_MIRROR, default
#   http://deb.debian.org/debian; the system's apt sources and lists are not touched).
# Installs into CACHE_DIR/prefix (CACHE_DIR/prefix/lib/cmake/TBB for find_package). Exit 0 when the
# instrumented library is there (built now or before), 2 when no source could be had.
set -euo pipefail
cache=$(mkdir -p "$1" && cd "$1" && pwd)
src=${2:-}
prefix=$cache/prefix
if [[ -f $prefix/lib/cmake/TBB/TBBConfig.cmake ]]; then
  echo "build-tbb-tsan: using $prefix"
  exit 0
fi

# Debian's source package, unpacked into $cache/source (patches applied); 0 when done
debian_source() {
  local version codename apt_dir
  version=$(dpkg-query -W -f='${source:Version}' libtbb-dev 2>/dev/null) || return 1
  [[ -n $version ]] || return 1
  rm -rf "$cache/download" "$cache/source" && mkdir -p "$cache/download"
  # 1. the system's apt sources, if they have a deb-src line
  if (cd "$cache/download" && apt-get source -qq --download-only "onetbb=$version" >/dev/null 2>&1); then
    :
  else
    # 2. a private apt configuration with a deb-src line (needs the network to the Debian archive)
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || return 1
    apt_dir=$cache/apt
    rm -rf "$apt_dir" && mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DEBIAN_MIRROR:-http://deb.debian.org/debian} $codename main" \
      >"$apt_dir/sources.list"
    local opts=(-qq -o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=$apt_dir/none"
                -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
                -o "Dir::Cache::archives=$apt_dir/archives" -o Debug::NoLocking=1)
    echo "build-tbb-tsan: downloading Debian's source package onetbb $version (private apt configuration in $apt_dir)"
    apt-get "${opts[@]}" update >/dev/null 2>&1 || { rm -rf "$apt_dir"; return 1; }
    (cd "$cache/download" && apt-get "${opts[@]}" source --download-only "onetbb=$version" >/dev/null 2>&1) \
      || { rm -rf "$apt_dir"; return 1; }
    rm -rf "$apt_dir"  # about 20 MB of package lists, not needed again
  fi
  (cd "$cache/download" && dpkg-source -x ./onetbb_*.dsc "$cache/source" >/dev/null 2>&1) || return 1
  rm -rf "$cache/download" "$cache"/onetbb_*.orig.tar.*  # dpkg-source leaves a copy of the tarball beside source/
}

if [[ -z $src ]]; then
  if ! debian_source; then
    echo "build-tbb-tsan: no oneTBB source: Debian's source package could not be downloaded" \
         "(apt-get source onetbb, or the Debian archive through a private deb-src line); pass a" \
         "oneTBB 2021.8.0 source tree as TBB_SOURCE=DIR" >&2
    exit 2
  fi
  src=$cache/source
fi
cmake -S "$src" -B "$cache/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF \
  -DTBB_ENABLE_IPO=OFF -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON >/dev/null
# the compiler's output goes to build.log: GCC warns there that it does not instrument
# std::atomic_thread_fence (-Wtsan, oneTBB's sleep/wake-up protocol; tests/sanitize/README.md)
echo "build-tbb-tsan: building oneTBB from $src with -fsanitize=thread (log: $cache/build.log)"
if ! cmake --build "$cache/build" -j "${JOBS:-$(nproc)}" >"$cache/build.log" 2>&1; then
  tail -n 40 "$cache/build.log" >&2
  exit 1
fi
cmake --install "$cache/build" >/dev/null
echo "build-tbb-tsan: installed $prefix"
