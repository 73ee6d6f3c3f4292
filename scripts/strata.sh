#!/usr/bin/env bash
# Builds strata (release) and opens it on the bundled demo catalog. Extra arguments go to strata.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# Swift's runtime and Foundation linked in (--static-swift-stdlib): every command starts ~3.5 ms
# sooner than with the toolchain's shared libraries (BENCHMARKS.md, "Process start"), and the
# binary runs on a machine without Swift.
swift build -c release --product strata --static-swift-stdlib
exec .build/release/strata "$@"
