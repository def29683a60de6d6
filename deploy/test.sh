#!/usr/bin/env bash
# The README's second command: installs what the build needs (apt-get, via
# deploy/install-deps.sh), builds everything once, and runs every test with
# ctest (unit tests, and integration tests that start the real server on
# 127.0.0.1 port 0). .ci/run calls exactly this.
#
#   bash deploy/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh

# ccache (when installed) is set up by CMakeLists.txt.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 600
