import ArgumentParser
import BenchSupport
import Foundation
import GRDB
import StrataCatalog
import StrataLineage
import StrataTerminal

/// `make bench-lineage`: the full upstream closure (`+NODE`) of a typical and of a deep node on
/// a generated stack of ~1,000,000 edges, measured in one run for: the release `strata lineage
/// +NODE --ids` binary (process start included), the lineage engine in process, a recursive CTE
/// in the sqlite3 shell on the same file, and networkx `ancestors` on the same edge list. Checks
/// that all of them select the same nodes. Progress goes to stderr, the report (Markdown) to
/// stdout.
@main
struct LineageClosure {
    struct Arguments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lineage-closure",
            abstract: "Lineage closure report for strata (Markdown on stdout, progress on stderr).",
            discussion: """
                Generates (once, cached in --data) a catalog shaped like a data stack with about \
                1,000,000 edges, picks a typical node (the median closure of 201 sampled \
                intermediate tables) and a deep one (the largest closure of 200 sampled \
                dashboards), then times `strata lineage +NODE --ids` (release binary), the engine \
                in process, `WITH RECURSIVE` in the sqlite3 shell and networkx `ancestors`.

                Usage errors exit with status 2.
                """
        )

        @Option(help: ArgumentHelp("Business domains in the generated stack.", valueName: "n"))
        var domains = 200
        @Option(help: ArgumentHelp("Mean source tables per domain (0.5-2x this).", valueName: "n"))
        var base = 250
        @Option(help: ArgumentHelp("Seed for the generator and the node samples.", valueName: "n"))
        var seed: UInt64 = 42
        @Option(name: .customLong("data"), help: ArgumentHelp("Directory for generated files.", valueName: "dir"))
        var dataDir = "data"
        @Option(help: ArgumentHelp("The release strata binary.", valueName: "path"))
        var strata = "../.build-release/release/strata"
        @Option(help: ArgumentHelp("Python with networkx (resolved to the real interpreter).", valueName: "cmd"))
        var python = "python3"
        @Option(help: ArgumentHelp("Minimum timed runs per fast measurement.", valueName: "n"))
        var min = 15
        @Option(help: ArgumentHelp("Maximum timed runs per measurement.", valueName: "n"))
        var max = 40
        @Option(help: ArgumentHelp("Seconds after which a measurement stops once it has its minimum.", valueName: "s"))
        var budget = 4.0
        @Option(help: ArgumentHelp("Minimum timed runs when one run takes seconds (the deep node).", valueName: "n"))
        var slowMin = 5
        @Option(help: ArgumentHelp("First runs of the binary on an emptied lineage_cache.", valueName: "n"))
        var coldRuns = 3
        @Option(help: ArgumentHelp("networkx processes per node (each loads the graph).", valueName: "n"))
        var pythonRuns = 5
        @Option(help: ArgumentHelp("`ancestors` calls per node inside one networkx process.", valueName: "n"))
        var reps = 10
        @Flag(name: .customLong("no-python"), help: "Skip the networkx peer.")
        var noPython = false
        @Flag(name: .customLong("no-sqlite"), help: "Skip the sqlite3 shell peer.")
        var noSqlite = false
        @Flag(help: "Only generate (or check) the catalog and the edge list, then exit.")
        var generateOnly = false
        // Internal: the per-step probe the benchmark spawns (a fresh process per run).
        @Option(help: .hidden) var probe: String?
        @Option(help: .hidden) var probeNode: String?
        @Option(help: ArgumentHelp("A fully static build of strata, timed beside the release binary when it exists "
                                   + "(make bench-lineage builds it: the floor of a Swift process, not what the README builds).",
                                   valueName: "path"))
        var strataStatic = "../.build-static/release/strata"
    }

    static func main() {
        let a = Arguments.parseOrExit2()
        do {
            if let mode = a.probe {
                try Probe.run(mode: mode, node: a.probeNode ?? "", path: Bench(a).path)
                return
            }
            try Bench(a).run()
        } catch {
            FileHandle.standardError.write(Data("lineage-closure: \(error)\n".utf8))
            exit(1)
        }
    }
}

/// `fmt`, but a sub-microsecond value shows as such rather than as 0.000.
func fmtTiny(_ ms: Double) -> String { ms > 0 && ms < 0.001 ? "< 0.001" : fmt(ms) }

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// In-process timings of one node.
struct InProcess {
    var walk, select, lookup, printing, total: Samples
    var ids: [String]
}

/// One node under test.
struct Node {
    var label: String
    var id: String
    var num: Int32
    var closure: Int
}

final class Bench {
    let a: LineageClosure.Arguments
    let shape: LineageStack.Shape
    let path: String
    let tsv: String
    let scratch: String
    let clock = ContinuousClock()
    var report: [String] = []
    /// CPU time (user + system) of the end-to-end processes: tool -> node label -> samples.
    var cpuOf: [String: [String: Samples]] = [:]
    let env = ["PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"]

    init(_ a: LineageClosure.Arguments) {
        self.a = a
        var s = LineageStack.Shape()
        s.domains = a.domains; s.base = a.base
        shape = s
        path = "\(a.dataDir)/\(s.fileStem)-seed\(a.seed).sqlite"
        tsv = "\(a.dataDir)/\(s.fileStem)-seed\(a.seed)-edges.tsv"
        scratch = "\(a.dataDir)/lineage-out"
    }

    func out(_ s: String = "") { report.append(s) }
    var fast: Policy { Policy(minIterations: a.min, maxIterations: a.max, budget: .seconds(a.budget)) }
    var slow: Policy { Policy(minIterations: a.slowMin, maxIterations: a.max, budget: .seconds(a.budget)) }
    func policy(_ n: Node) -> Policy { n.closure > 10_000 ? slow : fast }

    /// p50 / p95 of samples, formatted.
    func pp(_ s: Samples) -> String { s.count == 0 ? "–" : "\(fmtTiny(s.p50)) / \(fmtTiny(s.p95))" }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").first.map(String.init) ?? "?"
    }

    func run() throws {
        let loadStart = Self.loadAverage()
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // 1. The catalog and the edge list.
        let generated = try LineageStack.ensure(path: path, shape: shape, seed: a.seed, log: log)
        let genNote = generated.map { String(format: "generated in this run: %.1f s", $0.seconds) }
            ?? "reused; generated in \(LineageStack.recordedGenerationSeconds(path: path) ?? "?") s"
        log("catalog \(path): \(genNote)")
        let exported = try LineageStack.ensureEdgeList(tsv: tsv, catalog: path, shape: shape, seed: a.seed)
        log("edge list \(tsv): " + (exported.map { String(format: "exported in %.1f s", $0.seconds) } ?? "reused"))
        if a.generateOnly { return }
        guard FileManager.default.isExecutableFile(atPath: a.strata) else {
            throw BenchError("no strata binary at \(a.strata) (build it: swift build -c release --product strata --scratch-path .build-release)")
        }
        let fileMB = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
        let tsvMB = Double((try FileManager.default.attributesOfItem(atPath: tsv)[.size] as? Int) ?? 0) / 1e6

        // 2. Empty lineage_cache, then build the arrays in process from a read-only catalog
        //    (which does not store them): the in-process cold build, and the node picks.
        try clearCache()
        let t0 = clock.now
        let coldEngine = try LineageEngine(catalog: try Catalog(path: path, readOnly: true))
        let g = coldEngine.graph
        _ = try g.rows(.upstream)
        let coldInProcess = (clock.now - t0).milliseconds
        let edgeCount = try g.edgeCount()
        log(String(format: "arrays built in process in %.0f ms: %d node slots, %d edges", coldInProcess, try g.nodeCount(), edgeCount))
        let entities = try coldEngine.catalog.read { r in try r.lineageIDs() }
        var rng = SplitMix64(seed: a.seed ^ 0x11AE_A6E)
        func sample(_ xs: [(num: Int32, id: String)], _ n: Int) -> [(num: Int32, id: String, closure: Int)] {
            var pool = xs
            var picked: [(Int32, String, Int)] = []
            for _ in 0..<Swift.min(n, pool.count) {
                let i = rng.int(0...(pool.count - 1))
                pool.swapAt(i, pool.count - 1)
                let x = pool.removeLast()
                picked.append((x.num, x.id, (try? g.walk(from: [x.num], .upstream).count) ?? 0))
            }
            return picked.sorted { ($0.2, $0.1) < ($1.2, $1.1) }
        }
        let mids = sample(entities.filter { $0.id.hasPrefix("analytics.intermediate_") }, 201)
        let dashes = sample(entities.filter { $0.id.hasPrefix("dash_") }, 200)
        guard !mids.isEmpty, !dashes.isEmpty else { throw BenchError("no intermediate tables or dashboards in \(path)") }
        let typicalPick = mids[mids.count / 2], deepPick = dashes[dashes.count - 1]
        let nodes = [Node(label: "typical", id: typicalPick.id, num: typicalPick.num, closure: typicalPick.closure),
                     Node(label: "deep", id: deepPick.id, num: deepPick.num, closure: deepPick.closure)]
        func dist(_ xs: [(num: Int32, id: String, closure: Int)]) -> String {
            let s = xs.map(\.closure)
            return "min \(s[0]), p50 \(s[s.count / 2]), p90 \(s[s.count * 9 / 10]), max \(s[s.count - 1])"
        }
        for n in nodes { log("\(n.label): \(n.id), closure \(n.closure) nodes") }
        try coldEngine.catalog.close()

        // 3. The binary's first run on an emptied cache (as any write to the edges leaves it; an
        //    import or `strata build` then rebuilds it, other writers do not). A closure within
        //    the probe budget is answered from the edge indexes and stores nothing; a bigger one
        //    builds the arrays and stores them.
        var cold: [String: Samples] = [:]
        var storedAfterCold: [String: Bool] = [:]
        for n in nodes {
            var runs: [Double] = []
            for i in 0..<a.coldRuns {
                try clearCache()
                let t = clock.now
                try Proc.run(strataArgs(n), stdout: "\(scratch)/cold.txt", env: env)
                runs.append((clock.now - t).milliseconds)
                log(String(format: "\(n.label) cold run %d: %.0f ms", i + 1, runs.last!))
            }
            cold[n.label] = Samples(runs)
            storedAfterCold[n.label] = try cacheRows() > 0
        }
        guard storedAfterCold["deep"] == true else { throw BenchError("the binary did not store lineage_cache for the deep node") }
        let cacheBytes = try cacheSize()

        // 4. Process floor: the same binary doing no catalog work.
        var floorCPU: [Double] = []
        let floor = try measure(fast) { floorCPU.append(try Proc.run([a.strata, "--help"], stdout: "/dev/null", env: env)) }
        log("strata --help: p50 \(fmt(floor.p50)) ms")

        // 5. In process, warm: what one `strata lineage +X --ids` does, step by step.
        let open = try measure(fast) { _ = try Catalog(path: path) }
        let catalog = try Catalog(path: path)
        let load = try measure(fast) { _ = try catalog.lineageRows(upstream: true) }
        let engineInit = try measure(fast) { _ = try LineageEngine(catalog: catalog) }
        let engine = try LineageEngine(catalog: catalog)
        // The TUI's steady state: the arrays are in memory once any big question loaded them.
        _ = try engine.graph.rows(.upstream)
        var inproc: [String: InProcess] = [:]
        for n in nodes {
            let walk = try measure(policy(n)) { _ = try engine.graph.walk(from: [n.num], .upstream) }
            let selection = try Selection.parse(["+" + n.id])
            var result: LineageResult?
            let select = try measure(policy(n)) { result = try engine.select(selection) }
            // As `--ids` does: the ids alone (one pass over entity for a big set), sorted by bytes.
            var found: [String] = []
            let lookup = try measure(policy(n)) { found = try engine.ids(result!.nodes) }
            let null = FileHandle(forWritingAtPath: "/dev/null")!
            let printing = measure(policy(n)) {
                var text = ""
                for id in found {
                    text += id.utf8.contains { $0 < 0x20 || $0 == 0x7f || $0 == 0xC2 } ? id.inert(keepLayout: true) : id
                    text += "\n"
                }
                null.write(Data(text.utf8))
            }
            var ids: [String] = []
            let total = try measure(policy(n)) {
                ids = try engine.ids(try engine.select(try Selection.parse(["+" + n.id])).nodes)
            }
            inproc[n.label] = InProcess(walk: walk, select: select, lookup: lookup, printing: printing, total: total, ids: ids)
            log("\(n.label) in process: walk p50 \(fmt(walk.p50)) ms, select+ids p50 \(fmt(total.p50)) ms")
        }

        // 6. The release binary, warm (lineage_cache stored, file in the page cache).
        var binary: [String: Samples] = [:]
        for n in nodes {
            let outFile = "\(scratch)/strata-\(n.label).txt"
            var cpu: [Double] = []
            binary[n.label] = try measure(policy(n)) { cpu.append(try Proc.run(strataArgs(n), stdout: outFile, env: env)) }
            cpuOf["strata", default: [:]][n.label] = Samples(Array(cpu.dropFirst()))
            log("\(n.label) strata binary: p50 \(fmt(binary[n.label]!.p50)) ms")
        }

        // 6a. The deep answer printed whole: as text (columns) and as JSON, not only the ids.
        var printed: [(String, Samples)] = []
        let deep = nodes[1]
        for (label, extra) in [("text", [String]()), ("--json", ["--json"])] {
            let argv = [a.strata, "lineage", "+" + deep.id, "--catalog", path] + extra
            let samples = try measure(slow) { _ = try Proc.run(argv, stdout: "\(scratch)/strata-deep-\(label).txt", env: env) }
            printed.append((label, samples))
            log("deep printed as \(label): p50 \(fmt(samples.p50)) ms")
        }

        // 6b. The same steps timed inside a fresh process per run (Probe), with page faults.
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var probe: [String: [String: (ms: Samples, faults: Int, cpu: Samples)]] = [:]
        for n in nodes {
            var ms: [String: [Double]] = [:], faults: [String: [Int]] = [:], cpus: [String: [Double]] = [:]
            for mode in ["engine", "arrays"] {
                let runs = n.closure > 10_000 ? a.slowMin : a.min
                for i in 0...runs {
                    try Proc.run([me, "--probe", mode, "--probe-node", n.id, "--domains", String(a.domains),
                                  "--base", String(a.base), "--seed", String(a.seed), "--data", a.dataDir],
                                 stdout: "\(scratch)/probe-\(n.label).txt", stderr: "\(scratch)/probe.json", env: env)
                    guard i > 0 else { continue }   // warm-up
                    for (step, v) in try Probe.parse("\(scratch)/probe.json") where mode == "engine" || step != "open" {
                        ms[step, default: []].append(v.ms); faults[step, default: []].append(v.faults)
                        cpus[step, default: []].append(v.cpu)
                    }
                }
            }
            var steps: [String: (ms: Samples, faults: Int, cpu: Samples)] = [:]
            for (step, v) in ms { steps[step] = (Samples(v), faults[step]!.sorted()[v.count / 2], Samples(cpus[step]!)) }
            probe[n.label] = steps
            log("\(n.label) probe: " + ["open", "engine", "arrays", "graph", "select", "nodes", "print"]
                .map { "\($0) \(fmt(probe[n.label]![$0]?.ms.p50 ?? .nan))" }.joined(separator: ", "))
        }

        // 6c. The fully static build, when there is one: what process start costs Swift at best.
        var staticBinary: [String: Samples] = [:]
        var staticHelp: Samples?
        if FileManager.default.isExecutableFile(atPath: a.strataStatic) {
            staticHelp = try measure(fast) { _ = try Proc.run([a.strataStatic, "--help"], stdout: "/dev/null", env: env) }
            for n in nodes {
                var cpu: [Double] = []
                let outFile = "\(scratch)/static-\(n.label).txt"
                staticBinary[n.label] = try measure(policy(n)) {
                    cpu.append(try Proc.run([a.strataStatic] + strataArgs(n).dropFirst(), stdout: outFile, env: env))
                }
                cpuOf["static", default: [:]][n.label] = Samples(Array(cpu.dropFirst()))
                log("\(n.label) static strata: p50 \(fmt(staticBinary[n.label]!.p50)) ms")
            }
        } else {
            log("no static strata at \(a.strataStatic); its rows are left out")
        }

        // 7. sqlite3 shell: the recursive CTE, one process per run, and `.timer` inside one.
        var shell: [String: (process: Samples, real: Samples, cpu: Samples)] = [:]
        if !a.noSqlite, let sqlite = SQLiteShell.path {
            for n in nodes {
                let sql = cte(n.id)
                let outFile = "\(scratch)/sqlite3-\(n.label).txt"
                var cpu: [Double] = []
                let process = try measure(policy(n)) {
                    cpu.append(try Proc.run([sqlite, "-readonly", path, sql], stdout: outFile, env: ["PATH": "/usr/bin:/bin"]))
                }
                cpuOf["sqlite3", default: [:]][n.label] = Samples(Array(cpu.dropFirst()))
                let timer = try SQLiteShell.timer(db: path, sql: sql, runs: n.closure > 10_000 ? a.slowMin : a.min)
                shell[n.label] = (process, timer.real, timer.cpu)
                log("\(n.label) sqlite3: process p50 \(fmt(process.p50)) ms, .timer real p50 \(fmt(timer.real.p50)) ms")
            }
        }

        // 8. networkx: one process per run (import, load the TSV, one `ancestors`), then one
        //    process calling `ancestors` `reps` times per node on the loaded graph.
        var nx: [String: (process: Samples, importMs: Samples, load: Samples, first: Samples, warm: Samples)] = [:]
        var pythonVersion = "not run"
        if !a.noPython {
            let py = Proc.resolvePython(a.python)
            let script = Self.scriptPath
            try Proc.run([py, "-c", "import sys, networkx; print(sys.version.split()[0], networkx.__version__)"],
                         stdout: "\(scratch)/pyversion.txt", env: pyEnv)
            pythonVersion = (try? String(contentsOfFile: "\(scratch)/pyversion.txt", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: " ", with: ", networkx ") ?? "?"
            pythonVersion = "Python " + pythonVersion + " (\(py))"
            var warmRuns: [String: [Double]] = [:]
            let errFile = "\(scratch)/python-err.json"
            for n in nodes {
                var importMs: [Double] = [], loads: [Double] = [], firsts: [Double] = []
                let p = Policy(minIterations: a.pythonRuns, maxIterations: a.pythonRuns, budget: .seconds(0))
                var cpu: [Double] = []
                let process = try measure(p) {
                    cpu.append(try Proc.run([py, script, tsv, "1", n.id], stdout: "\(scratch)/networkx-\(n.label).txt",
                                            stderr: errFile, env: pyEnv))
                    let j = try Self.timings(errFile)
                    importMs.append(j.importMs); loads.append(j.loadMs); firsts.append(j.ancestors[n.id]?.first ?? .nan)
                }
                cpuOf["networkx", default: [:]][n.label] = Samples(Array(cpu.dropFirst()))
                // measure() runs one untimed warm-up first; drop its inner timings too.
                nx[n.label] = (process, Samples(Array(importMs.dropFirst())), Samples(Array(loads.dropFirst())),
                               Samples(Array(firsts.dropFirst())), Samples([]))
                log("\(n.label) networkx: process p50 \(fmt(process.p50)) ms, load p50 \(fmt(Samples(loads).p50)) ms")
            }
            try Proc.run([py, script, tsv, String(a.reps)] + nodes.map(\.id), stdout: "/dev/null", stderr: errFile, env: pyEnv)
            let j = try Self.timings(errFile)
            for n in nodes { warmRuns[n.label] = j.ancestors[n.id] ?? [] }
            for n in nodes { nx[n.label]!.warm = Samples(warmRuns[n.label]!) }
        }

        // 9. Same nodes everywhere?
        var checks: [String] = []
        var allSame = true
        for n in nodes {
            let reference = Set(try Proc.lines("\(scratch)/strata-\(n.label).txt"))
            var parts = ["strata binary \(reference.count)"]
            func compare(_ name: String, _ ids: [String]) {
                let s = Set(ids)
                let same = s == reference && ids.count == s.count
                allSame = allSame && same
                var note = "\(name) \(ids.count)" + (same ? " (same set)" : " (DIFFERENT")
                if !same {
                    let missing = reference.subtracting(s), extra = s.subtracting(reference)
                    note += ": \(missing.count) missing, \(extra.count) extra, e.g. \(Array(missing.prefix(2)) + Array(extra.prefix(2))))"
                }
                parts.append(note)
            }
            if reference.count != n.closure { allSame = false; parts.append("walk said \(n.closure)!") }
            compare("in process", inproc[n.label]!.ids)
            if staticBinary[n.label] != nil { compare("static strata", try Proc.lines("\(scratch)/static-\(n.label).txt")) }
            if shell[n.label] != nil { compare("sqlite3", try Proc.lines("\(scratch)/sqlite3-\(n.label).txt")) }
            if nx[n.label] != nil { compare("networkx", try Proc.lines("\(scratch)/networkx-\(n.label).txt")) }
            checks.append("- \(n.label) `\(n.id)`: " + parts.joined(separator: ", "))
            log(checks.last!)
        }

        // The report.
        out("### Lineage closure: \(shape.fileStem), seed \(a.seed)")
        out()
        out(Machine.describe())
        out("- load average (1 min) at start \(loadStart), at the end \(Self.loadAverage()): the 2 cores are shared with other "
            + "builds, so wall times include waiting for a core; the CPU column (user + system time of the process, from wait4) does not")
        out("- strata: `\(a.strata)`; SQLite (in process, via GRDB) \(try sqliteVersion()); sqlite3 shell \(SQLiteShell.version()); \(pythonVersion)")
        out("- catalog: `\(path)` (\(String(format: "%.0f", fileMB)) MB; \(genNote)); \(entities.count) lineage entities, "
            + "\(edgeCount) edges; lineage_cache \(String(format: "%.1f", Double(cacheBytes) / 1e6)) MB; edge list `\(tsv)` (\(String(format: "%.0f", tsvMB)) MB)")
        out("- typical node: `\(nodes[0].id)` (the median of 201 sampled intermediate tables: \(dist(mids))): closure \(nodes[0].closure) nodes")
        out("- deep node: `\(nodes[1].id)` (the largest of 200 sampled dashboards: \(dist(dashes))): closure \(nodes[1].closure) nodes")
        out("- runs: at least \(a.min) (\(a.slowMin) when a run takes seconds), up to \(a.max) or \(fmt(a.budget * 1000)) ms, after one untimed warm-up; networkx \(a.pythonRuns) processes per node, `ancestors` \(a.reps) times in one process")
        out()
        var t = MarkdownTable(["measured", "process start included", "typical: p50 / p95 ms", "deep: p50 / p95 ms",
                               "CPU p50 ms (typical / deep)", "runs (typical / deep)"],
                              rightAligned: [2, 3, 4, 5])
        func row(_ what: String, _ e2e: Bool, cpu tool: String? = nil, _ s: (String) -> Samples?) {
            let ty = s("typical"), de = s("deep")
            let cpu = tool.flatMap { cpuOf[$0] }.map { "\($0["typical"].map { fmt($0.p50) } ?? "–") / \($0["deep"].map { fmt($0.p50) } ?? "–")" } ?? "–"
            t.add([what, e2e ? "yes" : "no", ty.map(pp) ?? "–", de.map(pp) ?? "–", cpu,
                   "\(ty.map { String($0.count) } ?? "–") / \(de.map { String($0.count) } ?? "–")"])
        }
        row("**strata** `lineage +NODE --ids > out` (release binary, lineage_cache stored)", true, cpu: "strata") { binary[$0] }
        row("strata, fully static (`-static-executable`; not what the README builds)", true, cpu: "static") { staticBinary[$0] }
        row("sqlite3 shell: `WITH RECURSIVE` CTE `> out`", true, cpu: "sqlite3") { shell[$0]?.process }
        row("python3 + networkx: import, load TSV, `ancestors`, print", true, cpu: "networkx") { nx[$0]?.process }
        row("strata in process: `select(+NODE)` + `ids()` (engine open)", false) { inproc[$0]?.total }
        row("strata in process: `graph.walk(.upstream)` only", false) { inproc[$0]?.walk }
        row("sqlite3 `.timer` real: the CTE alone, in one shell", false) { shell[$0]?.real }
        row("networkx `ancestors` alone (graph loaded, repeated)", false) { nx[$0]?.warm }
        row("networkx: load the TSV into a DiGraph", false) { nx[$0]?.load }
        out("#### Upstream closure `+NODE`, side by side")
        out()
        out(t.markdown)
        func coldNote(_ label: String) -> String {
            guard let c = cold[label] else { return "–" }
            return "p50 \(fmt(c.p50)) ms, max \(fmt(c.max)) ms ("
                + (storedAfterCold[label] == true ? "built the arrays and stored them" : "answered from the edge indexes; stored nothing") + ")"
        }
        out("First run of the binary after `lineage_cache` was emptied, as a write to the edges leaves it (imports and builds "
            + "rebuild it before they finish; \(a.coldRuns) runs each): typical "
            + coldNote("typical") + "; deep " + coldNote("deep") + ". Building the arrays in process from a read-only catalog "
            + "(not stored): \(fmt(coldInProcess)) ms."
            + (staticHelp.map { " `--help` of the static build: p50 \(fmt($0.p50)) ms." } ?? ""))
        out()
        // CPU time is what each step costs; wall time also counts waiting for one of the two
        // shared cores. Page faults: minor faults during the step (fresh memory being touched).
        var b = MarkdownTable(["step (a fresh process per run; p50)", "typical: CPU ms", "wall ms", "page faults",
                               "deep: CPU ms", "wall ms", "page faults", "typical, warm in process: wall ms"],
                              rightAligned: [1, 2, 3, 4, 5, 6, 7])
        let floorCPUs = Samples(Array(floorCPU.dropFirst()))
        func cells(_ label: String, _ step: String) -> [String] {
            guard let v = probe[label]?[step] else { return ["–", "–", "–"] }
            return [fmt(v.cpu.p50), fmt(v.ms.p50), String(v.faults)]
        }
        func line(_ what: String, _ step: String, warm: String) {
            b.add([what] + cells("typical", step) + cells("deep", step) + [warm])
        }
        b.add(["process start, Swift runtime, argument parsing: `strata --help` (a whole process)",
               fmt(floorCPUs.p50), fmt(floor.p50), "–", fmt(floorCPUs.p50), fmt(floor.p50), "–", "–"])
        line("`Catalog(path:)`: open, schema/migration check", "open", warm: fmt(open.p50))
        line("`LineageEngine(catalog:)`: nothing is loaded until first use", "engine", warm: fmt(engineInit.p50))
        line("`lineageRows(upstream:)`, probed apart (the binary does it inside `select` only past 256 nodes): 2 blobs read straight into arrays", "arrays", warm: fmt(load.p50))
        line("`LineageGraph` init, probed apart", "graph", warm: "–")
        line("`select(+NODE)`: resolve the name, walk (edge-index probes up to 256 nodes, else load the upstream arrays), cycle check", "select", warm: fmt(inproc["typical"]!.select.p50))
        b.add(["… of which `graph.walk` (warm, in process)", "–", fmtTiny(inproc["typical"]!.walk.p50), "–",
               "–", fmtTiny(inproc["deep"]!.walk.p50), "–", fmtTiny(inproc["typical"]!.walk.p50)])
        line("`ids()`: point lookups, or one pass over `entity` past 4,000 nodes; sorted by bytes", "nodes", warm: fmt(inproc["typical"]!.lookup.p50))
        line("write the ids in one go (`inert` only where a control byte is)", "print", warm: fmt(inproc["typical"]!.printing.p50))
        func sum(_ l: String, cpu: Bool) -> Double {
            (cpu ? floorCPUs.p50 : floor.p50)
                + ["open", "engine", "select", "nodes", "print"].reduce(0) { $0 + ((cpu ? probe[l]?[$1]?.cpu.p50 : probe[l]?[$1]?.ms.p50) ?? 0) }
        }
        b.add(["sum: `--help` process + the steps", fmt(sum("typical", cpu: true)), fmt(sum("typical", cpu: false)), "",
               fmt(sum("deep", cpu: true)), fmt(sum("deep", cpu: false)), "", "–"])
        b.add(["**the binary end to end** (first table)", fmt(cpuOf["strata"]!["typical"]!.p50), fmt(binary["typical"]!.p50), "",
               fmt(cpuOf["strata"]!["deep"]!.p50), fmt(binary["deep"]!.p50), "", "–"])
        out("#### Where `strata lineage +NODE --ids` spends its time")
        out()
        out(b.markdown)
        out("#### The deep node's whole answer, printed")
        out()
        var pr = MarkdownTable(["`strata lineage +DEEP > out`", "p50 ms", "p95 ms", "runs"], rightAligned: [1, 2, 3])
        for (label, x) in printed { pr.add([label == "text" ? "as text (columns: depth, kind, id, owner, status; then the edges)" : "as `--json`", fmt(x.p50), fmt(x.p95), "\(x.count)"]) }
        out(pr.markdown)
        out()
        out("#### Same nodes?")
        out()
        out(checks.joined(separator: "\n"))
        out()
        out(allSame ? "All measured tools select the same nodes." : "**Some tools disagree (see above).**")
        let goal = binary["typical"]!.p50
        out()
        out("Goal (typical node, process start included, under 50 ms and faster than both peers): "
            + "strata p50 \(fmt(goal)) ms" + (goal < 50 ? " (under 50 ms)" : " (**over** 50 ms)")
            + (shell["typical"].map { "; sqlite3 p50 \(fmt($0.process.p50)) ms" + ($0.process.p50 > goal ? " (slower)" : " (**faster**)") } ?? "")
            + (nx["typical"].map { "; networkx p50 \(fmt($0.process.p50)) ms" + ($0.process.p50 > goal ? " (slower)" : " (**faster**)") } ?? "")
            + ".")
        print(report.joined(separator: "\n"))
    }

    var pyEnv: [String: String] {
        var e = env
        if let home = ProcessInfo.processInfo.environment["HOME"] { e["HOME"] = home }
        return e
    }

    func strataArgs(_ n: Node) -> [String] { [a.strata, "lineage", "+" + n.id, "--ids", "--catalog", path] }

    func cte(_ id: String) -> String {
        let lit = "'" + id.replacingOccurrences(of: "'", with: "''") + "'"
        return "WITH RECURSIVE up(id) AS (SELECT \(lit) UNION SELECT e.from_id FROM edge e JOIN up ON e.to_id = up.id) SELECT id FROM up;"
    }

    func writer() throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }

    /// Empties lineage_cache (as the triggers do on any write to the edges), so the next reader rebuilds it.
    func clearCache() throws {
        let db = try writer()
        try db.write { try $0.execute(sql: "DELETE FROM lineage_cache") }
        try db.close()
    }

    func cacheRows() throws -> Int {
        let db = try writer()
        defer { try? db.close() }
        return try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM lineage_cache") ?? 0 }
    }

    func cacheSize() throws -> Int {
        let db = try writer()
        defer { try? db.close() }
        return try db.read { try Int.fetchOne($0, sql: "SELECT coalesce(sum(length(data)), 0) FROM lineage_cache") ?? 0 }
    }

    func sqliteVersion() throws -> String {
        try DatabaseQueue().read { try String.fetchOne($0, sql: "SELECT sqlite_version()") ?? "?" }
    }

    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("nx_ancestors.py").path
    }

    struct PyTimings: Decodable {
        var importMs: Double
        var loadMs: Double
        var ancestors: [String: [Double]]
        enum CodingKeys: String, CodingKey {
            case importMs = "import_ms", loadMs = "load_ms", ancestors = "ancestors_ms"
        }
    }

    static func timings(_ file: String) throws -> PyTimings {
        let data = FileManager.default.contents(atPath: file) ?? Data()
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        return try JSONDecoder().decode(PyTimings.self, from: Data(line.utf8))
    }
}
