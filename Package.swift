// swift-tools-version:6.0
import PackageDescription

// Layers, top to bottom (each knows nothing of the ones above it):
//   strata (executable) -> StrataUI, StrataImport, StrataLineage -> StrataCatalog
// StrataYAML (diagnostics and YAML reading with line numbers) serves StrataImport and StrataUI.
// The terminal backend, UI, lineage and log modules join this list as they land.
let package = Package(
    name: "strata",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
        .library(name: "StrataCatalog", targets: ["StrataCatalog"]),
        .library(name: "StrataImport", targets: ["StrataImport"]),
        // The tmux/posix_spawn harness, shared by the end-to-end tests and the UI benchmark.
        .library(name: "StrataTestSupport", targets: ["StrataTestSupport"]),
        .library(name: "StrataYAML", targets: ["StrataYAML"]),
        // For the UI benchmarks in Benchmarks/ (a separate package can only use products).
        .library(name: "StrataUI", targets: ["StrataUI"]),
        .library(name: "StrataTerminal", targets: ["StrataTerminal"]),
        .library(name: "StrataLineage", targets: ["StrataLineage"]),
        // For the log benchmarks in Benchmarks/.
        .library(name: "StrataLogs", targets: ["StrataLogs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.19.7"),
    ],
    targets: [
        // Terminal cells, styles, keys and text width: shared by the UI and the ncurses backend.
        .target(name: "CTextWidth"),
        .target(name: "StrataTerminal", dependencies: ["CTextWidth"]),
        // The only code that touches ncurses.
        .systemLibrary(name: "CNCursesW", providers: [.apt(["libncursesw5-dev"])]),
        .target(name: "CursesShim", dependencies: ["CNCursesW"]),
        .target(name: "StrataCurses", dependencies: ["StrataTerminal", "CNCursesW", "CursesShim"]),
        // zlib, for .gz logs and dbt manifests saved as .json.gz.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Logs: the mapped file and its lazy line index, formats and levels, root cause. No UI, no SQL.
        .target(name: "StrataLogs", dependencies: ["StrataTerminal", "CZlib"]),
        // strata_rows(?), a table-valued function over rows laid out in memory: an import
        // writes each table's new rows with one INSERT … SELECT instead of a statement per row.
        .target(name: "CSQLiteRows", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "StrataCatalog",
            dependencies: ["CSQLiteRows", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Diagnostics (FILE:LINE: message), YAML read with line numbers, "did you mean" hints.
        .target(name: "StrataYAML", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "StrataImport",
            dependencies: ["StrataCatalog", "StrataYAML", "CZlib", .product(name: "Yams", package: "Yams")]
        ),
        // Lineage: the edge graph as arrays, dbt's selector grammar, closures, paths, cycles.
        .target(name: "StrataLineage", dependencies: ["StrataCatalog", "StrataYAML"]),
        // App state, actions, keymap, screens and themes; renders into a Grid, never calls ncurses.
        .target(
            name: "StrataUI",
            dependencies: ["StrataTerminal", "StrataCatalog", "StrataLineage", "StrataLogs", "StrataYAML", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataCatalog", "StrataImport", "StrataLineage", "StrataYAML", "StrataUI", "StrataCurses", "StrataTerminal", "StrataLogs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared fixtures for the test targets (a small catalog folder, temp dirs, paths).
        .target(name: "StrataTestSupport", path: "Tests/StrataTestSupport"),
        .testTarget(name: "StrataCatalogTests", dependencies: [
            "StrataCatalog", "StrataTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "StrataImportTests", dependencies: [
            "StrataImport", "StrataYAML", "StrataCatalog", "StrataTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(
            name: "StrataUITests",
            dependencies: ["StrataUI", "StrataTerminal", "StrataCatalog", "StrataImport", "StrataTestSupport",
                           .product(name: "SnapshotTesting", package: "swift-snapshot-testing")],
            exclude: ["__Snapshots__"]
        ),
        .testTarget(name: "StrataLineageTests", dependencies: [
            "StrataLineage", "StrataCatalog", "StrataImport", "StrataTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "StrataLogsTests", dependencies: ["StrataLogs", "StrataTestSupport"]),
        .testTarget(name: "StrataCursesTests", dependencies: ["StrataCurses"]),
        // Drives the built binary in tmux; depends on it so `swift test` builds it first.
        .testTarget(name: "StrataE2ETests", dependencies: ["strata", "StrataTestSupport"]),
        .testTarget(name: "StrataCLITests", dependencies: ["strata", "StrataCatalog", "StrataImport", "StrataTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
