#!/usr/bin/env bash
# Runs the whole test suite: unit, screen (snapshot) and end-to-end tests. Snapshots are
# compared, never re-recorded, so a changed screen fails instead of silently passing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export SNAPSHOT_TESTING_RECORD=never
export SWIFT_BACKTRACE=enable=no
export LANG=${LANG:-C.UTF-8}
swift build --build-tests
swift test --skip-build
