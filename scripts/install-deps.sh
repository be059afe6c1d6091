#!/usr/bin/env bash
# Installs the Debian 12 packages courtyard needs to build, test and analyse.
# Idempotent and quiet: installs only what is missing. Needs root (or sudo).
#   scripts/install-deps.sh          build + test + analysis packages
#   scripts/install-deps.sh --check  exit 1 if something is missing, install nothing
#   scripts/install-deps.sh --fuzz   also clang and libFuzzer (`make fuzz`; not needed by `make test`)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libboost-program-options-dev libtbb-dev libhdf5-dev hdf5-tools zlib1g-dev
  libprotobuf-dev protobuf-compiler libgtest-dev libbenchmark-dev librandom123-dev
  libopenmpi-dev openmpi-bin
  python3 python3-h5py python3-numpy python3-matplotlib python3-xarray
  python3-h5netcdf python3-pandas python3-scipy
  fonts-noto-cjk  # Chinese courtyard and community names in the plots (analysis/) and the report
  chromium chromium-driver python3-selenium  # the report's browser test (tests/cli/report_browser_test.py)
)

if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libclang-rt-14-dev)  # clang++-14 -fsanitize=fuzzer,address,undefined (tests/fuzz)
  shift
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing packages: ${missing[*]}" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
