#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer for `make tsan` (tests/sanitize/README.md): Debian's libtbb12 is not
# instrumented, so TSan cannot see the synchronisation inside the task scheduler and reports the hand-over
# of data between a parallel_for's caller and its workers as races. An instrumented oneTBB of the same
# version (2021.8.0, Debian 12's) removes that blind spot.
#
# usage: scripts/build-tbb-tsan.sh CACHE_DIR [SOURCE_DIR]
#   SOURCE_DIR: a oneTBB 2021.8.0 source tree; without it, Debian's source package (`apt-get source
#   onetbb`, needs a deb-src line in the apt sources) is unpacked into CACHE_DIR.
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
if [[ -z $src ]]; then
  if ! (cd "$cache" && apt-get source --download-only onetbb >/dev/null 2>&1 && dpkg-source -x ./*.dsc source >/dev/null); then
    echo "build-tbb-tsan: no oneTBB source (apt-get source onetbb needs a deb-src line); pass a source tree" >&2
    exit 2
  fi
  src=$cache/source
fi
cmake -S "$src" -B "$cache/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF \
  -DTBB_ENABLE_IPO=OFF -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON >/dev/null
cmake --build "$cache/build" -j "${JOBS:-$(nproc)}"
cmake --install "$cache/build" >/dev/null
echo "build-tbb-tsan: installed $prefix"
