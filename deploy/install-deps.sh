#!/usr/bin/env bash
# Installs every Debian 12 (bookworm) package patentmatch needs to build, test
# and benchmark: compiler and build tools, gRPC/protobuf, Xapian, RocksDB,
# Abseil, ICU, GoogleTest/GoogleMock and Google Benchmark. apt-get only; safe
# to run again (packages already installed are left as they are).
#
#   deploy/install-deps.sh            # as root, or as a user with sudo
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache pkg-config g++
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libxapian-dev librocksdb-dev libabsl-dev libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev liblemon-dev
  ca-certificates git python3
)

if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  if [[ "${ID:-}" != "debian" || "${VERSION_ID:-}" != "12" ]]; then
    echo "warning: written for Debian 12 (bookworm); this is ${PRETTY_NAME:-unknown}" >&2
  fi
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: not root and sudo is not installed; run this script as root" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "patentmatch build dependencies: all installed"
  exit 0
fi
echo "installing: ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install "${APT_OPTS[@]}" --no-install-recommends "${PACKAGES[@]}"

echo "patentmatch build dependencies are installed:"
echo "  cmake -S . -B build -G Ninja && cmake --build build"
