import ArgumentParser
import BenchSupport
import Foundation
import GRDB
import StrataCatalog
import StrataImport

/// `make bench`: search latency as a person typing would see it, on the demo catalog and on a
/// generated catalog of 1,000,000 entities, with the sqlite3 shell running the same FTS5 query
/// beside it. Progress goes to stderr, the report (Markdown) to stdout.
@main
struct SearchLatency {
    struct Options {
        var entities = 1_000_000
        var seed: UInt64 = 42
        var dataDir = "data"
        var demoFolder = "../catalog"
        var budget = 1.0
        var minIterations = 5
        var maxIterations = 200
        var peerRuns = 10
        var peers = true
        var reference = true
        var demo = true
        var big = true
        var limit = 20
        var generateOnly = false
        var show: [String] = []
    }

    /// The command line (swift-argument-parser); `options` turns it into `Options`.
    struct Arguments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search-latency",
            abstract: "Search latency report for strata (Markdown on stdout, progress on stderr).",
            discussion: """
                Measures CatalogReader.search (limit 20) per query: p50/p95/max over at least --min \
                and at most --max runs, stopping once --budget seconds are spent on a query. Runs \
                on the demo catalog and on a generated catalog of --entities entities (kept in \
                --data), with the sqlite3 shell running the same FTS5 query beside it.

                --show prints the top 20 of strata's search and of the reference statement, and \
                exits.

                Usage errors exit with status 2.
                """
        )

        @Option(help: ArgumentHelp("Entities in the generated (big) catalog.", valueName: "n"))
        var entities = 1_000_000
        @Option(help: ArgumentHelp("Time budget per query, in seconds.", valueName: "seconds"))
        var budget = 1.0
        @Option(name: .customLong("min"), help: ArgumentHelp("Minimum timed runs per query.", valueName: "n"))
        var minIterations = 5
        @Option(name: .customLong("max"), help: ArgumentHelp("Maximum timed runs per query.", valueName: "n"))
        var maxIterations = 200
        @Option(help: ArgumentHelp("Runs of the sqlite3 shell peer per query.", valueName: "n"))
        var peerRuns = 10
        @Flag(name: .customLong("no-peers"), help: "Skip the sqlite3 shell peers.")
        var noPeers = false
        @Flag(name: .customLong("no-reference"), help: "Skip the reference (pre-fix) SQL statement.")
        var noReference = false
        @Option(parsing: .unconditionalSingleValue,
                help: ArgumentHelp("Print the top 20 for this query (repeatable; \"QUERY kind=K\" filters by kind) and exit.",
                                   valueName: "query"))
        var show: [String] = []

        @OptionGroup var catalogs: CatalogOptions

        var options: Options {
            Options(entities: entities, seed: catalogs.seed, dataDir: catalogs.dataDir, demoFolder: catalogs.demoFolder, budget: budget,
                    minIterations: minIterations, maxIterations: maxIterations, peerRuns: peerRuns,
                    peers: !noPeers, reference: !noReference, demo: !catalogs.noDemo, big: !catalogs.noBig,
                    generateOnly: catalogs.generateOnly, show: show)
        }
    }

    static func parse() -> Options { Arguments.parseOrExit2().options }

    static func log(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    static func out(_ s: String = "") {
        print(s)
        fflush(nil)
    }

    static func main() throws {
        let o = parse()
        let clock = ContinuousClock()
        let runStart = clock.now
        try FileManager.default.createDirectory(atPath: o.dataDir, withIntermediateDirectories: true)
        let policy = Policy(minIterations: o.minIterations, maxIterations: o.maxIterations,
                            budget: .milliseconds(Int(o.budget * 1000)))

        out("# strata search latency")
        out()
        out(Machine.describe())
        out("- SQLite (in process, via GRDB): \(try sqliteVersion()); sqlite3 shell: \(SQLiteShell.version())")
        out("- policy: limit \(o.limit); per query 1 warm-up run, then at least \(o.minIterations) and at most "
            + "\(o.maxIterations) timed runs, stopping after \(o.budget) s; sqlite3 shell: \(o.peerRuns) runs")
        out()

        var catalogs: [(label: String, path: String)] = []
        if o.demo {
            let path = o.dataDir + "/demo.sqlite"
            let t0 = clock.now
            do {
                let content = try CatalogBuild.build(folder: o.demoFolder, output: path)
                out("- demo catalog: built from `\(o.demoFolder)` in \(fmt((clock.now - t0).milliseconds)) ms, "
                    + "\(content.entities.count) entities, \(fileSize(path))")
                catalogs.append(("demo (\(content.entities.count) entities)", path))
            } catch {
                let lines = "\(error)".split(separator: "\n")
                out("- demo catalog: **could not be built** from `\(o.demoFolder)`: \(lines.first ?? "")"
                    + (lines.count > 1 ? " (and \(lines.count - 1) more problems)" : ""))
            }
        }
        if o.big {
            let path = o.dataDir + "/synthetic-\(o.entities).sqlite"
            let shape = SyntheticCatalog.Shape(total: o.entities)
            if let took = try SyntheticCatalog.ensure(path: path, total: o.entities, seed: o.seed, log: log) {
                out(String(format: "- synthetic catalog: **generated in %.1f s** (%@), ", took.seconds, shape.description)
                    + fileSize(path) + ", `\(path)`")
            } else {
                let took = SyntheticCatalog.recordedGenerationSeconds(path: path).map { "\($0) s" } ?? "not recorded"
                out("- synthetic catalog: reused `\(path)` (\(shape.description), \(fileSize(path))); "
                    + "its generation took \(took) when it was made (delete the file to generate and time it again)")
            }
            catalogs.append(("synthetic (\(o.entities) entities)", path))
        }
        out()
        if o.generateOnly { return }
        if !o.show.isEmpty {
            for (label, path) in catalogs { try showResults(label: label, path: path, queries: o.show, limit: o.limit) }
            return
        }

        for (label, path) in catalogs {
            let (table, peers) = try measureCatalog(label: label, path: path, options: o, policy: policy)
            out("## Search latency: \(label)")
            out()
            out(table.markdown)
            if o.peers {
                out("### Peers on the same file: \(label)")
                out()
                out(peers.markdown)
            }
        }
        out(String(format: "_Whole run: %.0f s._", (clock.now - runStart).seconds))
    }

    /// Side by side: strata's hits and the reference statement's, for reading ranking quality.
    static func showResults(label: String, path: String, queries: [String], limit: Int) throws {
        let catalog = try Catalog(path: path, readOnly: true)
        var config = Configuration()
        config.readonly = true
        let raw = try DatabaseQueue(path: path, configuration: config)
        for text in queries {
            var kind: EntityKind?
            var q = text
            if let r = text.range(of: " kind="), let k = EntityKind(rawValue: String(text[r.upperBound...])) {
                kind = k; q = String(text[..<r.lowerBound])
            }
            let now = try catalog.read { try $0.search(q, kind: kind, limit: limit) }
            let before = try raw.read { db in
                try ReferenceSearch.run(db, BenchQuery("show", q, kind: kind), limit: limit).map { id in
                    (id, try String.fetchOne(db, sql: "SELECT name FROM entity WHERE id = ?", arguments: [id]) ?? "")
                }
            }
            out("### \(label): \(show(q))\(kind.map { " kind \($0.rawValue)" } ?? "")")
            out()
            var t = MarkdownTable(["#", "strata now: name (id)", "score", "before (bm25 over all matches): name (id)"],
                                  rightAligned: [0, 2])
            for i in 0..<Swift.max(now.count, before.count) {
                let a = i < now.count ? "\(now[i].name) (`\(now[i].id)`)" : ""
                let b = i < before.count ? "\(before[i].1) (`\(before[i].0)`)" : ""
                t.add([String(i + 1), a, i < now.count ? String(now[i].score) : "", b])
            }
            out(t.markdown)
        }
    }

    static func sqliteVersion() throws -> String {
        try DatabaseQueue().read { try String.fetchOne($0, sql: "SELECT sqlite_version()") ?? "?" }
    }

    static func fileSize(_ path: String) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return String(format: "%.1f MB", Double(size) / 1_000_000)
    }

    /// Measures every query on one catalog. Returns the latency table and the peer table.
    static func measureCatalog(label: String, path: String, options o: Options,
                               policy: Policy) throws -> (MarkdownTable, MarkdownTable) {
        log("measuring \(label)")
        let catalog = try Catalog(path: path, readOnly: true)
        var config = Configuration()
        config.readonly = true
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -16000") }
        let raw = try DatabaseQueue(path: path, configuration: config)

        // A real table of this catalog, half-way through, for the exact-match queries.
        let sample = try raw.read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, name FROM entity WHERE kind = 'table'
                ORDER BY num LIMIT 1 OFFSET (SELECT count(*) / 2 FROM entity WHERE kind = 'table')
                """)
        }
        let queries = QuerySet.all(exactName: sample?["name"], exactID: sample?["id"])

        var table = MarkdownTable(["group", "query", "kind", "matches", "hits", "p50 ms", "p95 ms", "max ms", "runs",
                           "before p50", "before p95", "top 20 vs before"],
                          rightAligned: [3, 4, 5, 6, 7, 8, 9, 10])
        var peers = MarkdownTable(["query", "matches", "strata p50", "before (1 statement, GRDB) p50",
                           "sqlite3 `.timer` real p50 / max", "sqlite3 `.timer` cpu p50",
                           "sqlite3 process p50 / p95"],
                          rightAligned: [1, 2, 3, 4, 5, 6])
        if o.peers, SQLiteShell.path != nil {
            let start = try SQLiteShell.perProcess(db: path, sql: "SELECT 1;",
                                                   policy: Policy(minIterations: o.peerRuns, maxIterations: o.peerRuns,
                                                                  budget: .zero))
            peers.add(["_`SELECT 1` (process start + open)_", "", "", "", "", "",
                       "\(fmt(start.p50)) / \(fmt(start.p95))"])
        }
        let started = ContinuousClock.now
        var invalid = 0
        for q in queries {
            log(String(format: "  %6.1f s  ", (ContinuousClock.now - started).seconds)
                + "\(q.group): \(q.text.debugDescription)\(q.kind.map { " kind=\($0.rawValue)" } ?? "")")
            let matches = try raw.read { try ReferenceSearch.matchCount($0, q) }
            var hits: [SearchHit] = []
            let strata = try measure(policy) {
                hits = try catalog.read { try $0.search(q.text, kind: q.kind, limit: o.limit) }
            }
            var before = Samples([])
            var verdict = "–"
            if o.reference {
                var ids: [String] = []
                before = try measure(policy) { ids = try raw.read { try ReferenceSearch.run($0, q, limit: o.limit) } }
                let now = hits.map(\.id)
                if now == ids {
                    verdict = "same"
                } else {
                    let overlap = Set(now).intersection(ids).count
                    let head = zip(now, ids).prefix { $0 == $1 }.count
                    verdict = "\(overlap)/\(ids.count) shared, first \(head) same"
                }
            }
            if let problem = try raw.read({ try ReferenceSearch.problems($0, q, hits: hits) }) {
                verdict += " **INVALID: \(problem)**"
                invalid += 1
            }
            table.add([q.group, show(q.text), q.kind?.rawValue ?? "", String(matches), String(hits.count),
                       fmt(strata.p50), fmt(strata.p95), fmt(strata.max), String(strata.count),
                       fmt(before.p50), fmt(before.p95), verdict])

            guard o.peers, q.kind == nil, ["typed", "rare word", "multi-word", "no match", "exact name"].contains(q.group),
                  let sql = ReferenceSearch.literalSQL(q, limit: o.limit) else { continue }
            // Fewer shell runs for slow queries: at least 3, at most --peer-runs, about --budget each.
            let runs = Swift.max(3, Swift.min(o.peerRuns, Int(o.budget * 1000 / Swift.max(strata.p50, 0.01))))
            let timer = try SQLiteShell.timer(db: path, sql: sql, runs: runs)
            let process = try SQLiteShell.perProcess(
                db: path, sql: sql, policy: Policy(minIterations: runs, maxIterations: runs, budget: .zero))
            peers.add([show(q.text), String(matches), fmt(strata.p50), fmt(before.p50),
                       "\(fmt(timer.real.p50)) / \(fmt(timer.real.max))", fmt(timer.cpu.p50),
                       "\(fmt(process.p50)) / \(fmt(process.p95))"])
        }
        try catalog.close()
        try raw.close()
        if invalid > 0 { log("\(invalid) result lists failed the validity check") }
        return (table, peers)
    }
}

