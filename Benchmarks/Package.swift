// swift-tools-version:6.1
// Benchmarks for strata, kept in their own package so that `swift build` / `swift test` in the
// main package never resolve or build them (an in-package benchmark target adds ~38 s to every
// debug build; see shared SWIFT-NOTES.md section 4). Run them with `make bench` from the root.
import PackageDescription

let package = Package(
    name: "strata-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "strata", path: ".."),
        // Same pin as the main package; used directly for the reference (pre-fix) SQL and the
        // FTS5 pattern handed to the sqlite3 shell.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The default "RuntimeInterposer" trait pulls a package the mirror does not have.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        // Same pin as the main package; command-line parsing for search-latency and ui-latency.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Synthetic catalog generator, query list, statistics and the sqlite3-shell peer.
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "StrataCatalog", package: "strata"),
                .product(name: "StrataImport", package: "strata"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench`: the search-latency report (p50/p95/max per query, demo and 1M catalogs,
        // sqlite3 shell peers), timed with ContinuousClock, printed as Markdown tables.
        .executableTarget(
            name: "search-latency",
            dependencies: [
                "BenchSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench-ui`: time to first frame (in process, and the release binary in tmux) and
        // keystroke to frame (handle + render per key), demo and 100,000-table catalogs.
        .executableTarget(
            name: "ui-latency",
            dependencies: [
                "BenchSupport",
                .product(name: "StrataUI", package: "strata"),
                .product(name: "StrataTerminal", package: "strata"),
                .product(name: "StrataTestSupport", package: "strata"),
                .product(name: "StrataCatalog", package: "strata"),
                .product(name: "StrataImport", package: "strata"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench-lineage`: upstream closure of a typical and a deep node on a generated
        // graph of ~1,000,000 edges: the release `strata lineage` binary and the engine in
        // process, beside a recursive CTE in the sqlite3 shell and networkx `ancestors`.
        .executableTarget(
            name: "lineage-closure",
            dependencies: [
                "BenchSupport",
                .product(name: "StrataLineage", package: "strata"),
                .product(name: "StrataCatalog", package: "strata"),
                .product(name: "StrataImport", package: "strata"),
                .product(name: "StrataTerminal", package: "strata"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // sqlite3_blob_read, for the prototype in WhatIf.swift.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["nx_ancestors.py"]
        ),
        // `make bench-import`: the release `strata import dbt` on a generated 20,000-model
        // manifest, wall time and peak RSS, next to python3's json.load of the same file.
        .executableTarget(
            name: "import-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "StrataImport", package: "strata"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench-logs`: root cause on a generated 1 GB Airflow log against grep -c ERROR, the
        // viewer's first screen and memory, and lnav opening the same file.
        .executableTarget(
            name: "log-bench",
            dependencies: [
                .product(name: "StrataLogs", package: "strata"),
                .product(name: "StrataUI", package: "strata"),
                .product(name: "StrataTerminal", package: "strata"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench-ordo`: the same keystroke queries as ordo-one/benchmark benchmarks
        // (wall clock, malloc counts, baselines for regression checks).
        .executableTarget(
            name: "SearchBench",
            dependencies: [
                "BenchSupport",
                .product(name: "StrataCatalog", package: "strata"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SearchBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
