#!/usr/bin/env bash
# Builds strata (release) and opens it on the bundled demo catalog. Extra arguments go to strata.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build -c release --product strata
exec .build/release/strata "$@"
