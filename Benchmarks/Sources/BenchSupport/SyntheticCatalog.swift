import Foundation
import StrataCatalog
import StrataImport

/// A synthetic catalog of N entities, written only through strata's public API
/// (`CatalogBuild.writeAtomically` + `Catalog.write` + `CatalogWriter`), so it is exactly what an
/// importer of that size would produce.
///
/// Shape (for N = 1,000,000): ~82% tables with 3-10 columns, 15% Airflow tasks in 5,000 DAGs,
/// 2% dashboards, 2,500 glossary terms, ~1,800 owners (teams and people), the 10 stages and 28
/// tools. Names follow warehouse habits (`analytics.marts_orders.fct_orders_daily_1234`,
/// `orders_daily_load_17.dbt_run_orders_4`); descriptions are 10-30 words. Every word is
/// drawn with Zipf frequencies, so "orders", "the", "of" are everywhere and "zorder" is rare:
/// one- and two-letter prefixes match most of the catalog, as they would in a real one.
public enum SyntheticCatalog {
    /// Bump when the generator's output changes, so cached files are rebuilt.
    public static let generatorVersion = "synthetic-v2"
    static let metaKey = "bench.generator"
    static let generationKey = "bench.generation_seconds"

    public struct Shape: Sendable, CustomStringConvertible {
        public var total: Int
        public var teams, people, terms, dags, tasksPerDag, dashboards, tables: Int
        /// DAG runs per DAG, each with an instance of every task (0: no runs, as in the 1M
        /// search catalog). The UI benchmark uses 5, as the demo catalog has.
        public var runsPerDag = 0
        public var stages: Int { Vocabulary.stages.count }
        public var tools: Int { Vocabulary.tools.count }

        public init(total: Int) {
            self.total = total
            teams = max(3, total / 6_000)
            people = max(5, total / 600)
            terms = max(5, total / 400)
            dags = max(2, total / 200)
            tasksPerDag = 30
            dashboards = max(2, total / 50)
            let fixed = Vocabulary.stages.count + Vocabulary.tools.count
            tables = total - fixed - teams - people - terms - dags - dags * tasksPerDag - dashboards
            precondition(tables > 0, "catalog too small for its shape")
        }

        /// The same proportions, sized by the number of tables instead of the total: the
        /// smallest total whose shape has at least `tables` tables, then exactly `tables` of them.
        public init(tables target: Int, runsPerDag: Int = 0) {
            var total = Int(Double(target) / 0.82)
            while Shape(total: total).tables < target { total += 1 }
            while total > 1, Shape(total: total - 1).tables >= target { total -= 1 }
            self.init(total: total)
            self.total -= tables - target
            tables = target
            self.runsPerDag = runsPerDag
        }

        var isDefault: Bool { runsPerDag == 0 && tables == Shape(total: total).tables }

        public var description: String {
            "\(tables) tables, \(dags * tasksPerDag) tasks, \(dags) DAGs, \(dashboards) dashboards, "
                + "\(terms) terms, \(teams + people) owners, \(stages) stages, \(tools) tools"
                + (runsPerDag > 0 ? ", \(dags * runsPerDag) DAG runs with \(dags * tasksPerDag * runsPerDag) task instances" : "")
        }
    }

    static func fingerprint(total: Int, seed: UInt64) -> String {
        "\(generatorVersion) entities=\(total) seed=\(seed) schema=\(CatalogSchema.currentVersion)"
    }

    /// The default shape keeps the fingerprint it always had, so existing files stay valid.
    static func fingerprint(shape: Shape, seed: UInt64) -> String {
        shape.isDefault ? fingerprint(total: shape.total, seed: seed)
            : fingerprint(total: shape.total, seed: seed) + " tables=\(shape.tables) runs=\(shape.runsPerDag)"
    }

    /// Whether `path` holds this exact synthetic catalog (same generator, size, seed, schema).
    public static func isCurrent(path: String, total: Int, seed: UInt64) -> Bool {
        isCurrent(path: path, shape: Shape(total: total), seed: seed)
    }

    public static func isCurrent(path: String, shape: Shape, seed: UInt64) -> Bool {
        guard FileManager.default.fileExists(atPath: path),
              let catalog = try? Catalog(path: path, readOnly: true),
              let meta = try? catalog.meta(metaKey), meta == fingerprint(shape: shape, seed: seed),
              let stats = try? catalog.read({ try $0.stats() })
        else { return false }
        let entities = EntityKind.allCases.reduce(0) { $0 + (stats[$1.rawValue] ?? 0) }
        return entities == shape.total
    }

    /// Makes sure `path` holds the catalog, generating it when missing or stale.
    /// Returns the generation time, or nil when the existing file was reused.
    @discardableResult
    public static func ensure(path: String, total: Int, seed: UInt64 = 42,
                              log: (String) -> Void) throws -> Duration? {
        try ensure(path: path, shape: Shape(total: total), seed: seed, log: log)
    }

    @discardableResult
    public static func ensure(path: String, shape: Shape, seed: UInt64 = 42,
                              log: (String) -> Void) throws -> Duration? {
        if isCurrent(path: path, shape: shape, seed: seed) { return nil }
        let clock = ContinuousClock()
        let start = clock.now
        try generate(path: path, shape: shape, seed: seed, log: log)
        let took = clock.now - start
        // Kept in the file, so that later runs that reuse it can still say how long it took.
        let catalog = try Catalog(path: path)
        try catalog.write { try $0.setMeta(generationKey, String(format: "%.1f", took.seconds)) }
        try catalog.close()
        return took
    }

    /// Seconds the generation of the catalog at `path` took, when it was recorded.
    public static func recordedGenerationSeconds(path: String) -> String? {
        (try? Catalog(path: path, readOnly: true)).flatMap { try? $0.meta(generationKey) }
    }

    public static func generate(path: String, total: Int, seed: UInt64 = 42,
                                log: (String) -> Void) throws {
        try generate(path: path, shape: Shape(total: total), seed: seed, log: log)
    }

    public static func generate(path: String, shape: Shape, seed: UInt64 = 42,
                                log: (String) -> Void) throws {
        log("generating \(shape.total) entities: \(shape)")
        let clock = ContinuousClock()
        let start = clock.now
        func progress(_ what: String) {
            let s = (clock.now - start).seconds
            log(String(format: "  %6.1f s  %@", s, what))
        }
        try CatalogBuild.writeAtomically(path) { catalog in
            try catalog.write { w in
                var g = Generator(shape: shape, seed: seed)
                try g.write(w, progress: progress)
                progress("rebuilding the search index")
                try w.rebuildSearchIndex()
                try w.setMeta(metaKey, fingerprint(shape: shape, seed: seed))
                progress("committing")
            }
        }
        progress("done")
    }
}

/// Draws the entities; one instance per generation, seeded.
struct Generator {
    let shape: SyntheticCatalog.Shape
    var rng: SplitMix64
    let prose = Zipf(Vocabulary.prose, exponent: 1.0)
    let domains = Zipf(Vocabulary.domains, exponent: 1.0)
    let qualifiers = Zipf(Vocabulary.qualifiers, exponent: 1.0)
    let layers = Zipf(Vocabulary.layerPrefixes, exponent: 1.0)
    let databases = Zipf(Vocabulary.databases, exponent: 1.2)
    let columns = Zipf(Vocabulary.columns, exponent: 0.9)
    let columnTypes = Zipf(Vocabulary.columnTypes, exponent: 1.0)
    let tags = Zipf(Vocabulary.tags, exponent: 1.0)
    let verbs = Zipf(Vocabulary.taskVerbs, exponent: 0.8)
    let operators = Zipf(Vocabulary.operators, exponent: 1.0)
    var teamIDs: [String] = []
    var personIDs: [String] = []
    var tableIDs: [String] = []
    var owners: Zipf<Int> = Zipf([0])
    /// Each DAG's task entity ids in chain order (only kept when runs are generated).
    var dagTasks: [(dag: String, tasks: [String])] = []

    init(shape: SyntheticCatalog.Shape, seed: UInt64) {
        self.shape = shape
        rng = SplitMix64(seed: seed)
    }

    // MARK: Text

    mutating func words(_ range: ClosedRange<Int>) -> [String] {
        (0..<rng.int(range)).map { _ in prose.pick(&rng) }
    }

    /// A description of `range` words, with the entity's own domain word mixed in now and then.
    mutating func sentence(_ range: ClosedRange<Int>, about topic: String? = nil) -> String {
        var w = words(range)
        if let topic, !w.isEmpty, rng.chance(0.6) { w[rng.int(0...(w.count - 1))] = topic }
        guard var s = w.first else { return "" }
        s = s.prefix(1).uppercased() + s.dropFirst()
        return ([s] + w.dropFirst()).joined(separator: " ") + "."
    }

    mutating func pickTags() -> [String] {
        var out: [String] = []
        for _ in 0..<rng.int(0...3) {
            let t = tags.pick(&rng)
            if !out.contains(t) { out.append(t) }
        }
        return out
    }

    mutating func pickOwner() -> String {
        // 70% of things are owned by a team, the rest by a person; a few owners own a lot.
        let i = owners.pick(&rng)
        return i < teamIDs.count ? teamIDs[i] : personIDs[i - teamIDs.count]
    }

    static func title(_ s: String) -> String {
        s.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    // MARK: Entities

    mutating func write(_ w: CatalogWriter, progress: (String) -> Void) throws {
        for (i, id) in Vocabulary.stages.enumerated() {
            try w.upsert(Entity(id: id, kind: .stage, name: Self.title(id),
                                description: sentence(15...30, about: id)))
            try w.setStage(id, position: i)
        }
        for id in Vocabulary.tools {
            try w.upsert(Entity(id: id, kind: .tool, name: Self.title(id), stage: "platform",
                                description: sentence(10...25, about: id)))
            try w.setTool(id, ToolDetail(usedFor: sentence(4...8), docsURL: "https://docs.example/\(id)"))
        }
        try writeOwners(w)
        progress("\(teamIDs.count + personIDs.count) owners")
        try writeTerms(w)
        progress("\(shape.terms) terms")
        try writeTables(w, progress: progress)
        try writeDagsAndTasks(w, progress: progress)
        try writeDashboards(w)
        progress("\(shape.dashboards) dashboards")
        if shape.runsPerDag > 0 {
            try writeRuns(w)
            progress("\(shape.dags * shape.runsPerDag) DAG runs")
        }
    }

    /// `runsPerDag` runs per DAG, one a day, each with an instance of every task. Uses its own
    /// random stream, so that catalogs without runs come out exactly as before. Mostly
    /// successes; some runs fail at one task (the tasks after it are upstream_failed), some
    /// succeed after a retry, and the newest run of a few DAGs is still running.
    mutating func writeRuns(_ w: CatalogWriter) throws {
        var r = SplitMix64(seed: 0x5EED_0F_2A5C ^ UInt64(shape.total))
        for (dag, tasks) in dagTasks {
            for k in 0..<shape.runsPerDag {
                let day = String(format: "2026-11-%02d", 10 + k)
                let roll = r.unit()
                let newest = k == shape.runsPerDag - 1
                let failAt = roll < 0.12 ? r.int(0...(tasks.count - 1)) : nil
                let runningAt = newest && roll >= 0.12 && roll < 0.17 ? r.int(0...(tasks.count - 1)) : nil
                let retried = roll >= 0.17 && roll < 0.22 ? r.int(0...(tasks.count - 1)) : nil
                var instances: [TaskRun] = []
                for (j, task) in tasks.enumerated() {
                    let start = "\(day)T03:\(String(format: "%02d", j % 60)):00Z"
                    let end = "\(day)T03:\(String(format: "%02d", j % 60)):40Z"
                    var state = "success", tries = 1
                    if let f = failAt { state = j < f ? "success" : j == f ? "failed" : "upstream_failed" }
                    if let f = runningAt { state = j < f ? "success" : j == f ? "running" : "scheduled" }
                    if j == retried { tries = 2 }
                    let ran = state != "upstream_failed" && state != "scheduled"
                    if state == "failed" { tries = 1 + r.int(0...2) }
                    instances.append(TaskRun(taskID: task, state: state, tries: tries, start: ran ? start : nil,
                                             end: ran && state != "running" ? end : nil))
                }
                let state = failAt != nil ? "failed" : runningAt != nil ? "running" : "success"
                try w.putRun(DagRun(dagID: dag, runID: "scheduled__\(day)T03:00:00+00:00", state: state,
                                    start: "\(day)T03:00:00Z", end: state == "running" ? nil : "\(day)T04:00:00Z",
                                    tasks: instances))
            }
        }
    }

    mutating func writeOwners(_ w: CatalogWriter) throws {
        let teamWords = Zipf(Vocabulary.teamWords, exponent: 0.8)
        for k in 0..<shape.teams {
            let domain = domains.pick(&rng), word = teamWords.pick(&rng)
            let id = "\(domain)-\(word)-\(k)"
            teamIDs.append(id)
            try w.upsert(Entity(id: id, kind: .owner, name: Self.title(domain) + " " + Self.title(word) + " \(k)",
                                description: sentence(12...30, about: domain), tags: pickTags()))
            try w.setOwner(id, OwnerDetail(type: .team, channel: "#\(id)", email: "\(id)@example.com",
                                           askMeAbout: [sentence(2...5), sentence(2...5)]))
        }
        let firsts = Zipf(Vocabulary.firstNames, exponent: 0.6)
        let lasts = Zipf(Vocabulary.lastNames, exponent: 0.6)
        for k in 0..<shape.people {
            let first = firsts.pick(&rng), last = lasts.pick(&rng)
            let id = "\(first).\(last).\(k)"
            personIDs.append(id)
            let team = teamIDs[rng.int(0...(teamIDs.count - 1))]
            try w.upsert(Entity(id: id, kind: .owner, name: Self.title(first) + " " + Self.title(last),
                                description: sentence(10...20)))
            try w.setOwner(id, OwnerDetail(type: .person, role: "data engineer", team: team,
                                           email: "\(first).\(last)@example.com",
                                           askMeAbout: [sentence(2...4)]))
        }
        // Teams first in the owner distribution: they own most things.
        owners = Zipf(Array(0..<(teamIDs.count + personIDs.count)), exponent: 0.7)
    }

    mutating func writeTerms(_ w: CatalogWriter) throws {
        for k in 0..<shape.terms {
            let a = qualifiers.pick(&rng), b = domains.pick(&rng)
            let id = "\(a)-\(b)-\(k)".replacingOccurrences(of: "_", with: "-")
            try w.upsert(Entity(id: id, kind: .term, name: Self.title(a) + " " + b,
                                owner: pickOwner(), description: sentence(15...30, about: b)))
            try w.setTerm(id, seeAlso: [])
        }
    }

    static let layerSchema: [String: String] = [
        "stg": "staging", "fct": "marts", "dim": "marts", "int": "intermediate", "raw": "raw",
        "agg": "reporting", "rpt": "reporting", "snap": "snapshots", "base": "staging", "tmp": "sandbox",
    ]

    mutating func writeTables(_ w: CatalogWriter, progress: (String) -> Void) throws {
        tableIDs.reserveCapacity(shape.tables)
        for k in 0..<shape.tables {
            let layer = layers.pick(&rng), domain = domains.pick(&rng)
            var name = "\(layer)_\(domain)"
            if rng.chance(0.5) { name += "_" + qualifiers.pick(&rng) }
            name += "_\(k)"
            let db = layer == "raw" ? "raw" : databases.pick(&rng)   // databases has no "raw"
            let id = "\(db).\(Self.layerSchema[layer] ?? "misc")_\(domain).\(name)"
            tableIDs.append(id)
            let stage = layer == "raw" ? "load" : (rng.chance(0.9) ? "transform" : "serve")
            try w.upsert(Entity(id: id, kind: .table, name: name, stage: stage, owner: pickOwner(),
                                tool: layer == "raw" ? "snowpipe" : "dbt",
                                description: sentence(10...30, about: domain), tags: pickTags()))
            var cols: [Column] = []
            var seen: Set<String> = ["id"]
            cols.append(Column(name: "id", type: "bigint", description: "Primary key."))
            for _ in 0..<rng.int(2...9) {
                let c = columns.pick(&rng)
                guard seen.insert(c).inserted else { continue }
                cols.append(Column(name: c, type: columnTypes.pick(&rng),
                                   description: rng.chance(0.4) ? sentence(4...10) : ""))
            }
            try w.setTable(id, TableDetail(platform: "snowflake",
                                           materialization: ["table", "view", "incremental"][rng.int(0...2)],
                                           columns: cols))
            if (k + 1) % 100_000 == 0 { progress("\(k + 1) tables") }
        }
        progress("\(shape.tables) tables")
    }

    mutating func writeDagsAndTasks(_ w: CatalogWriter, progress: (String) -> Void) throws {
        // Tasks per DAG: 10 to 50, adjusted so that the total is exactly dags * tasksPerDag.
        var counts = (0..<shape.dags).map { _ in rng.int((shape.tasksPerDag - 20)...(shape.tasksPerDag + 20)) }
        var excess = counts.reduce(0, +) - shape.dags * shape.tasksPerDag
        while excess != 0 {
            let i = rng.int(0...(counts.count - 1))
            if excess > 0, counts[i] > 1 { counts[i] -= 1; excess -= 1 }
            else if excess < 0 { counts[i] += 1; excess += 1 }
        }
        var tasks = 0
        for k in 0..<shape.dags {
            let domain = domains.pick(&rng), q = qualifiers.pick(&rng), v = verbs.pick(&rng)
            let dagID = "\(domain)_\(q)_\(v)_\(k)"
            let owner = pickOwner()
            try w.upsert(Entity(id: dagID, kind: .dag, name: dagID, stage: "orchestrate", owner: owner,
                                tool: "airflow", description: sentence(10...25, about: domain),
                                tags: pickTags()))
            try w.setDag(dagID, schedule: Vocabulary.schedules[rng.int(0...(Vocabulary.schedules.count - 1))])
            let count = counts[k]
            var previous: String?
            var ids: [String] = []
            for j in 0..<count {
                let taskID = "\(verbs.pick(&rng))_\(domains.pick(&rng))_\(j)"
                let id = "\(dagID).\(taskID)"
                try w.upsert(Entity(id: id, kind: .task, name: taskID, stage: "orchestrate",
                                    owner: owner, tool: "airflow",
                                    description: rng.chance(0.7) ? sentence(8...20, about: domain) : ""))
                try w.setTask(id, TaskDetail(dagID: dagID, taskID: taskID, operatorName: operators.pick(&rng),
                                             retries: rng.int(0...3)))
                if let previous { try w.addEdge(Edge(from: previous, to: id, source: .airflow)) }
                let table = tableIDs[rng.int(0...(tableIDs.count - 1))]
                try w.addEdge(Edge(from: id, to: table, source: .airflow))
                previous = id
                if shape.runsPerDag > 0 { ids.append(id) }
            }
            if shape.runsPerDag > 0 { dagTasks.append((dagID, ids)) }
            tasks += count
            if (k + 1) % 1_000 == 0 { progress("\(k + 1) DAGs, \(tasks) tasks") }
        }
        progress("\(shape.dags) DAGs, \(tasks) tasks")
    }

    mutating func writeDashboards(_ w: CatalogWriter) throws {
        let words = ["overview", "kpis", "deep dive", "monitor", "health", "tracker", "report", "explorer"]
        for k in 0..<shape.dashboards {
            let domain = domains.pick(&rng), q = qualifiers.pick(&rng)
            let word = words[rng.int(0...(words.count - 1))]
            let id = "dash_\(domain)_\(q)_\(k)"
            try w.upsert(Entity(id: id, kind: .dashboard,
                                name: Self.title(domain) + " " + q.replacingOccurrences(of: "_", with: " ")
                                    + " " + word + " \(k)",
                                stage: "serve", owner: pickOwner(), tool: rng.chance(0.7) ? "looker" : "tableau",
                                description: sentence(10...25, about: domain), tags: pickTags()))
            try w.setDashboard(id, url: "https://bi.example/\(id)")
            try w.addEdge(Edge(from: tableIDs[rng.int(0...(tableIDs.count - 1))], to: id, source: .declared))
        }
    }
}

extension Duration {
    public var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
    public var milliseconds: Double { seconds * 1000 }
}
