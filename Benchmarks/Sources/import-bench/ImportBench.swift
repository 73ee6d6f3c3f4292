import ArgumentParser
import BenchSupport
import Foundation
import StrataImport

/// `make bench-import`: how long the release `strata import dbt` takes on a generated manifest
/// of 20,000 models (and its peak memory), next to Python's `json.load` of the same file as the
/// floor, measured in the same run; then `strata import openlineage` on 30,000 generated Airflow
/// events, next to Python reading the same lines with `json.loads`. Each command runs under `/usr/bin/time -f "%e %M"` as its own
/// process, so wall time and peak RSS are the whole program's, start to exit.
@main
struct ImportBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-bench",
                                                    abstract: "Time strata import dbt on a generated 20,000-model manifest.")
    @Option(help: "Models in the generated manifest.") var models = 20_000
    @Option(help: "Events in the generated OpenLineage file (0 skips that part).") var events = 30_000
    @Option(help: "Seed for the generator.") var seed: UInt64 = 42
    @Option(help: "Timed runs of each command (the median is reported).") var runs = 3
    @Option(name: .customLong("data"), help: ArgumentHelp("Directory for the manifest and catalogs.", valueName: "dir"))
    var dataDir = "data"
    @Option(help: ArgumentHelp("The strata binary to time.", valueName: "path"))
    var strata = "../.build/release/strata"

    static func main() {
        let command = parseOrExit2()
        do { try command.run() } catch { exit(withError: error) }
    }

    struct Timing { var seconds: Double; var rssKB: Int }

    /// Runs `args` under /usr/bin/time; returns wall seconds and peak RSS.
    func timed(_ args: [String]) throws -> Timing {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        p.arguments = ["-f", "TIME %e %M"] + args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("TIME ") }) else {
            throw ValidationError("\(args.joined(separator: " ")) failed (status \(p.terminationStatus)):\n\(text)")
        }
        let parts = line.split(separator: " ")
        return Timing(seconds: Double(parts[1]) ?? .nan, rssKB: Int(parts[2]) ?? 0)
    }

    /// `runs` rounds of: the Python floor, `strata import KIND INPUT` into a fresh catalog, and
    /// the same import again (nothing changes).
    func alternate(floor: String, kind: String, input: String, catalog: String) throws
        -> (floor: [Timing], fresh: [Timing], again: [Timing]) {
        var python: [Timing] = [], fresh: [Timing] = [], again: [Timing] = []
        for _ in 0..<runs {
            python.append(try timed(["python3", "-c", floor]))
            try? FileManager.default.removeItem(atPath: catalog)
            fresh.append(try timed([strata, "import", kind, input, "--catalog", catalog]))
            again.append(try timed([strata, "import", kind, input, "--catalog", catalog]))
        }
        return (python, fresh, again)
    }

    func timingTable() -> MarkdownTable {
        MarkdownTable(["command", "wall s (median)", "min-max s", "peak RSS MB"], rightAligned: [1, 2, 3])
    }

    /// A command's row: median wall time, the range, and the median run's peak RSS.
    func cells(_ name: String, _ xs: [Timing]) -> [String] {
        let m = median(xs)
        let lo = xs.map(\.seconds).min()!, hi = xs.map(\.seconds).max()!
        return [name, String(format: "%.2f", m.seconds), String(format: "%.2f-%.2f", lo, hi),
                String(format: "%.0f", Double(m.rssKB) / 1024)]
    }

    func median(_ xs: [Timing]) -> Timing {
        let s = xs.sorted { $0.seconds < $1.seconds }
        return s[s.count / 2]
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: strata) else {
            throw ValidationError("no strata binary at \(strata): build it with `swift build -c release --product strata`")
        }
        let manifest = "\(dataDir)/manifest-\(models)-seed\(seed).json"
        var generated = "reused"
        if !FileManager.default.fileExists(atPath: manifest) {
            let clock = ContinuousClock()
            let t0 = clock.now
            let (bytes, nodes) = try SyntheticManifest.write(models: models, seed: seed, to: manifest + ".tmp")
            try FileManager.default.moveItem(atPath: manifest + ".tmp", toPath: manifest)
            generated = String(format: "generated in %.1f s (%d nodes, %.1f MB)", (clock.now - t0).milliseconds / 1000,
                               nodes, Double(bytes) / 1_000_000)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: manifest)[.size] as? Int) ?? 0
        let catalog = "\(dataDir)/import-bench.sqlite"

        let (python, fresh, again) = try alternate(floor: "import json; json.load(open('\(manifest)'))",
                                                   kind: "dbt", input: manifest, catalog: catalog)
        let catalogSize = (try FileManager.default.attributesOfItem(atPath: catalog)[.size] as? Int) ?? 0

        print("# Import benchmark: dbt manifest of \(models) models\n")
        print(Machine.describe())
        print("- manifest: `\(manifest)`, \(String(format: "%.1f", Double(size) / 1_000_000)) MB (\(generated))")
        print("- catalog after import: \(String(format: "%.1f", Double(catalogSize) / 1_000_000)) MB")
        print("- \(runs) runs of each command, alternating; median wall time (min-max), peak RSS of that run\n")
        var table = timingTable()
        func row(_ name: String, _ xs: [Timing]) { table.add(cells(name, xs)) }
        row("`python3 -c 'import json; json.load(open(F))'` (floor)", python)
        row("`strata import dbt F --catalog NEW` (into an empty catalog)", fresh)
        row("`strata import dbt F --catalog SAME` (again: nothing changes)", again)
        print(table.markdown)

        // The parsers side by side on the same bytes, in this process: Foundation's two, and the
        // byte-level reader the importer uses first.
        let data = try Data(contentsOf: URL(fileURLWithPath: manifest))
        let clock = ContinuousClock()
        var serialization: [Double] = [], decoder: [Double] = [], reader: [Double] = []
        for _ in 0..<runs {
            var t0 = clock.now
            _ = try JSONSerialization.jsonObject(with: data)
            serialization.append((clock.now - t0).milliseconds / 1000)
            t0 = clock.now
            let decoded = try DbtImporter.decodeOnly(data)
            decoder.append((clock.now - t0).milliseconds / 1000)
            t0 = clock.now
            let read = DbtImporter.readOnly(data)
            reader.append((clock.now - t0).milliseconds / 1000)
            if read != decoded { print("WARNING: the reader found \(read.map(String.init) ?? "nothing") nodes, the decoder \(decoded)") }
        }
        var parsers = MarkdownTable(["parser (in process, bytes already read)", "median s", "min-max s"], rightAligned: [1, 2])
        for (name, xs) in [("`JSONSerialization.jsonObject` (whole tree)", serialization),
                           ("`JSONDecoder` into the importer's manifest structs", decoder),
                           ("`ManifestReader` (byte-level, what the importer uses first) into the same structs", reader)] {
            let s = xs.sorted()
            parsers.add([name, String(format: "%.2f", s[s.count / 2]), String(format: "%.2f-%.2f", s.first!, s.last!)])
        }
        print(parsers.markdown)
        let goal = median(fresh).seconds < 3
        print("Goal: under 3 s for the first import: \(goal ? "met" : "NOT met") (\(String(format: "%.2f", median(fresh).seconds)) s, "
              + String(format: "%.1f×", median(fresh).seconds / median(python).seconds) + " the json.load floor).")
        if events > 0 { try openLineage() }
    }

    /// The OpenLineage part: no goal in the issue; measured so that changes to that importer
    /// have numbers to stand on.
    func openLineage() throws {
        let file = "\(dataDir)/openlineage-\(events)-seed\(seed).ndjson"
        var generated = "reused"
        if !FileManager.default.fileExists(atPath: file) {
            let (bytes, n) = try SyntheticOpenLineage.write(events: events, seed: seed, to: file + ".tmp")
            try FileManager.default.moveItem(atPath: file + ".tmp", toPath: file)
            generated = String(format: "generated: %d events, %.1f MB", n, Double(bytes) / 1_000_000)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let catalog = "\(dataDir)/import-bench-ol.sqlite"
        let (python, fresh, again) = try alternate(floor: "import json; [json.loads(l) for l in open('\(file)') if l.strip()]",
                                                   kind: "openlineage", input: file, catalog: catalog)
        print("\n## OpenLineage: \(events) Airflow events\n")
        print("- events: `\(file)`, \(String(format: "%.1f", Double(size) / 1_000_000)) MB (\(generated)); DAGs of ten tasks, "
              + "every task event carrying the whole DAG in its `airflow` facet, as Airflow's provider does")
        print("- \(runs) runs of each command, alternating; median wall time (min-max), peak RSS of that run\n")
        var table = timingTable()
        table.add(cells("`python3`: `json.loads` of every line (floor)", python))
        table.add(cells("`strata import openlineage F --catalog NEW`", fresh))
        table.add(cells("`strata import openlineage F --catalog SAME` (again: nothing changes)", again))
        print(table.markdown)
    }
}
