# Benchmarks only. The tests do not go through make (they run `bash scripts/test.sh`), and the
# benchmark package in Benchmarks/ is separate, so `swift build` / `swift test` never build it.
#
#   make bench        search latency report (demo + 1,000,000-entity catalog + sqlite3 shell peers);
#                     the first run generates Benchmarks/data/synthetic-1000000.sqlite (~2 min, 2.4 GB)
#   make bench-data   only generate (or check) the 1M catalog
#   make bench-ordo   the same searches under ordo-one/benchmark (first build ~2-3 min)
#   make bench-ui     UI latency: time to first frame (in process, and the release binary in tmux)
#                     and keystroke to frame, demo + 100,000-table catalog; the first run generates
#                     Benchmarks/data/synthetic-ui-100000-tables.sqlite (~12 s, 313 MB). ~1 min.
#   make bench-lineage  upstream closure (`strata lineage +NODE --ids`) of a typical and a deep node
#                     on a generated stack of ~1,000,000 edges, beside a recursive CTE in the sqlite3
#                     shell and networkx `ancestors`; the first run generates
#                     Benchmarks/data/lineage-200x250-seed42.sqlite (~2.5 min, 640 MB) and its edge
#                     list (105 MB). ~7 min. Builds the release strata into .build-release, and a
#                     fully static one into .build-static (the floor of process start; ~2 min once).
#   make bench-import `strata import dbt` (release) on a generated 20,000-model manifest, wall time
#                     and peak RSS, beside python3's json.load of the same file; then `strata import
#                     openlineage` on 30,000 generated Airflow events beside python3 json.loads of
#                     each line (IMPORT_ARGS; --events 0 skips that part). ~4 min.
#   make bench-logs   log root cause vs grep -c ERROR on a generated 1 GB Airflow log, the viewer's
#                     first screen and memory, lnav beside it (first run writes Benchmarks/data/
#                     airflow-1024mb.log, ~1 GB). LOG_ARGS passes options (--megabytes, --runs).
#   make bench-all    bench, then bench-ui
#
# Pass options with BENCH_ARGS, e.g. `make bench BENCH_ARGS="--budget 0.5 --no-peers"`
# (`Benchmarks/.build/release/search-latency --help` lists them); UI_ARGS for bench-ui
# (`Benchmarks/.build/release/ui-latency --help`); LINEAGE_ARGS for bench-lineage, IMPORT_ARGS for
# bench-import, LOG_ARGS for bench-logs (each tool's `--help` lists its options).

SHELL := /bin/bash
BENCH_DIR := Benchmarks
# The release strata exactly as scripts/strata.sh (the README's first command) builds it.
BUILD_STRATA := swift build -c release --product strata --static-swift-stdlib
BENCH_ARGS ?=
UI_ARGS ?=
LINEAGE_ARGS ?=
IMPORT_ARGS ?=
LOG_ARGS ?=

.PHONY: bench bench-data bench-ordo bench-build bench-ui bench-ui-build bench-lineage bench-lineage-build bench-all bench-import bench-logs bench-logs-build

# The touch makes SwiftPM re-read the manifests: without it, after the main package moves or
# deletes a source file, the benchmark package can keep a stale build plan ("missing inputs").
bench-build:
	touch $(BENCH_DIR)/Package.swift
	cd $(BENCH_DIR) && swift build -c release --product search-latency

bench: bench-build
	cd $(BENCH_DIR) && mkdir -p data && set -o pipefail \
		&& ./.build/release/search-latency $(BENCH_ARGS) | tee data/last-run.md

bench-data: bench-build
	cd $(BENCH_DIR) && ./.build/release/search-latency --generate-only --no-demo

bench-ordo: bench-data
	cd $(BENCH_DIR) && swift package benchmark

# The UI benchmark also starts the release `strata` binary in tmux, so it builds that first.
bench-ui-build:
	touch $(BENCH_DIR)/Package.swift
	$(BUILD_STRATA)
	cd $(BENCH_DIR) && swift build -c release --product ui-latency

bench-ui: bench-ui-build
	cd $(BENCH_DIR) && mkdir -p data && set -o pipefail \
		&& ./.build/release/ui-latency $(UI_ARGS) | tee data/last-ui-run.md

# The lineage benchmark times the release `strata` binary. It is built into its own scratch path
# (.build-release, gitignored) so that it never fights the debug builds over .build.
bench-lineage-build:
	touch $(BENCH_DIR)/Package.swift
	$(BUILD_STRATA) --scratch-path .build-release
	# The floor of process start; optional (it needs the static system libraries): without it the
	# report leaves its rows out.
	-swift build -c release --product strata --scratch-path .build-static -Xswiftc -static-executable -Xlinker -ltinfo
	cd $(BENCH_DIR) && swift build -c release --product lineage-closure

bench-lineage: bench-lineage-build
	cd $(BENCH_DIR) && mkdir -p data && set -o pipefail \
		&& ./.build/release/lineage-closure $(LINEAGE_ARGS) | tee data/last-lineage-run.md

bench-logs-build:
	touch $(BENCH_DIR)/Package.swift
	$(BUILD_STRATA)
	cd $(BENCH_DIR) && swift build -c release --product log-bench

bench-logs: bench-logs-build
	cd $(BENCH_DIR) && mkdir -p data && set -o pipefail \
		&& ./.build/release/log-bench $(LOG_ARGS) | tee data/last-log-run.md \
		&& bash log-tmux.sh data/airflow-1024mb.log ../.build/release/strata | tee -a data/last-log-run.md

bench-all: bench bench-ui

# The import benchmark times the release `strata` binary as a separate process.
bench-import:
	touch $(BENCH_DIR)/Package.swift
	$(BUILD_STRATA)
	cd $(BENCH_DIR) && swift build -c release --product import-bench
	cd $(BENCH_DIR) && mkdir -p data && set -o pipefail \
		&& ./.build/release/import-bench $(IMPORT_ARGS) | tee data/last-import-run.md
