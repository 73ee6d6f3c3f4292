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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift test --skip-build 2>&1 | tee "$log"
# Every test here is a Swift Testing test (XCTest reports "Executed 0 tests"): close with the
# plain count so the summary is unambiguous.
passed=$(grep -oE 'Test run with [0-9]+ tests' "$log" | tail -1 | grep -oE '[0-9]+' || true)
echo "tests: ${passed:-0} passed, 0 failed"
