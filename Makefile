# Benchmarks only. The tests do not go through make (they run `bash scripts/test.sh`), and the
# benchmark package in Benchmarks/ is separate, so `swift build` / `swift test` never build it.
#
#   make bench        search latency report (demo + 1,000,000-entity catalog + sqlite3 shell peers);
#                     the first run generates Benchmarks/data/synthetic-1000000.sqlite (~2 min, 2.4 GB)
#   make bench-data   only generate (or check) the 1M catalog
#   make bench-ordo   the same searches under ordo-one/benchmark (first build ~2-3 min)
#
# Pass options with BENCH_ARGS, e.g. `make bench BENCH_ARGS="--budget 0.5 --no-peers"`
# (`Benchmarks/.build/release/search-latency --help` lists them).

SHELL := /bin/bash
BENCH_DIR := Benchmarks
BENCH_ARGS ?=

.PHONY: bench bench-data bench-ordo bench-build

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
