#!/usr/bin/env bash
# Regenerates the key reference in README.md (between <!-- keys:begin --> and <!-- keys:end -->)
# from `strata keys`, the action registry's own Markdown. A test fails when the two drift.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product strata >/dev/null
keys=$(.build/debug/strata keys)
python3 - "$keys" <<'PY'
import re, sys
keys = sys.argv[1]
text = open("README.md").read()
begin, end = "<!-- keys:begin -->", "<!-- keys:end -->"
i, j = text.index(begin) + len(begin), text.index(end)
open("README.md", "w").write(text[:i] + "\n" + keys.strip("\n") + "\n" + text[j:])
PY
