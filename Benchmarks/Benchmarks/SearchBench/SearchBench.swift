// ordo-one/benchmark view of the same searches as `make bench`, for regression tracking:
//   make bench-ordo                                  # run and print
//   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark baseline update main
//   cd Benchmarks && swift package benchmark baseline check main
// The 1M-entity catalog must exist first (`make bench` or `make bench-data` creates it); when it
// does not, only the demo benchmarks run. Percentiles here are ordo-one's (p0...p100, no p95).
import Benchmark
import BenchSupport
import Foundation
import StrataCatalog
import StrataImport

enum Fixture {
    static let dataDir: String = {
        // Benchmarks/Benchmarks/SearchBench/SearchBench.swift -> Benchmarks/data
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data").path
    }()

    static let demo: Catalog? = {
        let folder = URL(fileURLWithPath: dataDir).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("catalog").path
        let path = dataDir + "/demo-ordo.sqlite"
        do {
            try CatalogBuild.build(folder: folder, output: path)
            return try Catalog(path: path, readOnly: true)
        } catch {
            FileHandle.standardError.write(Data("demo catalog unavailable: \(error)\n".utf8))
            return nil
        }
    }()

    static let big: Catalog? = {
        let path = dataDir + "/synthetic-1000000.sqlite"
        guard SyntheticCatalog.isCurrent(path: path, total: 1_000_000, seed: 42) else {
            FileHandle.standardError.write(Data("no 1M catalog at \(path): run `make bench-data`\n".utf8))
            return nil
        }
        return try? Catalog(path: path, readOnly: true)
    }()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 200
    )
    let queries: [(String, EntityKind?)] = ["o", "or", "ord", "orders", "orders cu", "orders customer",
                                            "churn", "zorder", "daily revenue by region", "zzyzx"].map { ($0, nil) }
        + [("o", .table), ("o", .owner), ("orders", .table)]
    for (label, catalog) in [("demo", Fixture.demo), ("1M", Fixture.big)] {
        guard let catalog else { continue }
        for (text, kind) in queries {
            let name = "\(label) search \(text.debugDescription)" + (kind.map { " kind=\($0.rawValue)" } ?? "")
            Benchmark(name) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try catalog.read { try $0.search(text, kind: kind, limit: 20) })
                }
            }
        }
    }
}
