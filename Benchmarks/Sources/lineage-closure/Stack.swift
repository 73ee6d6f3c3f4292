import BenchSupport
import Foundation
import GRDB
import StrataCatalog
import StrataImport

/// A generated data stack for the lineage benchmark, written only through strata's public API
/// (`CatalogBuild.writeAtomically` + `Catalog.write` + `CatalogWriter.upsert/addEdge`), so the
/// file is what an importer of that size would leave.
///
/// Shape, per business domain (200 by default, each 0.5-2x `base` = 250 source tables):
/// - sources: `raw.<d>.<d>_src_<i>`, each written by a load task of an ingest DAG;
/// - staging: one `stg_` table per source (20% also read a second source of the domain);
/// - intermediate in three sublevels (1.0x, 0.7x, 0.4x the sources): each reads 2-4 tables of
///   staging or the lower sublevels of its domain, 5% of reads from another domain;
/// - marts (0.5x): each reads 2-6 tables: 70% the domain's staging/intermediate, 20% an
///   earlier mart of the domain, 10% any earlier mart of any domain (cross-DAG reads);
/// - then, across domains, 2,000 reporting tables reading 3-8 marts (20%: an earlier
///   reporting table) and 20,000 dashboards reading 1-4 marts or reporting tables.
///
/// Every derived table is written by its own task (`table -> task -> table`); tasks sit in DAGs
/// of 20-60 per domain and layer, with an ordering edge `task -> task` from the writer of each
/// input built in the same DAG, and otherwise (25%) from the DAG's previous task, as linear
/// Airflow chains do. Dashboards read tables directly (`declared`). The result: ~1,000,000
/// edges over ~610,000 entities; a mid-layer table has tens to hundreds of ancestors, a
/// dashboard on the reporting layer tens or hundreds of thousands.
enum LineageStack {
    /// Bump when the generator's output changes, so cached files are rebuilt.
    static let generatorVersion = "lineage-v1"
    static let metaKey = "bench.generator"
    static let generationKey = "bench.generation_seconds"

    struct Shape: Sendable, CustomStringConvertible {
        var domains = 200
        var base = 250
        var reporting = 2_000
        var dashboards = 20_000

        var description: String {
            "\(domains) domains x ~\(base) source tables, \(reporting) reporting tables, \(dashboards) dashboards"
        }
        var fileStem: String { "lineage-\(domains)x\(base)" }
    }

    static func fingerprint(_ shape: Shape, seed: UInt64) -> String {
        "\(generatorVersion) domains=\(shape.domains) base=\(shape.base) reporting=\(shape.reporting) "
            + "dashboards=\(shape.dashboards) seed=\(seed) schema=\(CatalogSchema.currentVersion)"
    }

    /// Whether `path` holds this exact generated catalog (same generator, shape, seed, schema).
    static func isCurrent(path: String, shape: Shape, seed: UInt64) -> Bool {
        guard FileManager.default.fileExists(atPath: path),
              let catalog = try? Catalog(path: path, readOnly: true),
              let meta = try? catalog.meta(metaKey)
        else { return false }
        return meta == fingerprint(shape, seed: seed)
    }

    /// Makes sure `path` holds the catalog; returns the generation time, or nil when reused.
    static func ensure(path: String, shape: Shape, seed: UInt64, log: (String) -> Void) throws -> Duration? {
        if isCurrent(path: path, shape: shape, seed: seed) { return nil }
        let clock = ContinuousClock()
        let start = clock.now
        log("generating \(shape) (seed \(seed)) into \(path)")
        try CatalogBuild.writeAtomically(path) { catalog in
            try catalog.write { w in
                var g = StackGenerator(shape: shape, seed: seed, writer: w)
                try g.generate { what in log(String(format: "  %6.1f s  %@", (clock.now - start).seconds, what)) }
                try w.setMeta(metaKey, fingerprint(shape, seed: seed))
            }
        }
        let took = clock.now - start
        let catalog = try Catalog(path: path)
        try catalog.write { try $0.setMeta(generationKey, String(format: "%.1f", took.seconds)) }
        try catalog.close()
        return took
    }

    static func recordedGenerationSeconds(path: String) -> String? {
        (try? Catalog(path: path, readOnly: true)).flatMap { try? $0.meta(generationKey) }
    }

    /// The edge list as `from<TAB>to` lines for the networkx peer, rewritten when its first
    /// line (the catalog's fingerprint) does not match. Returns the export time, or nil.
    static func ensureEdgeList(tsv: String, catalog path: String, shape: Shape, seed: UInt64) throws -> Duration? {
        let header = "# " + fingerprint(shape, seed: seed)
        if let h = FileHandle(forReadingAtPath: tsv) {
            let first = String(decoding: h.readData(ofLength: header.utf8.count + 1), as: UTF8.self)
            try? h.close()
            if first == header + "\n" { return nil }
        }
        let clock = ContinuousClock()
        let start = clock.now
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: path, configuration: config)
        var text = header + "\n"
        try db.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT DISTINCT from_id, to_id FROM edge")
            while let row = try cursor.next() {
                text += row[0] as String
                text += "\t"
                text += row[1] as String
                text += "\n"
            }
        }
        try db.close()
        let tmp = tsv + ".tmp"
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        guard rename(tmp, tsv) == 0 else { throw BenchError("cannot move \(tmp) to \(tsv)") }
        return clock.now - start
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Draws the stack; one instance per generation, seeded.
struct StackGenerator {
    let shape: LineageStack.Shape
    var rng: SplitMix64
    let w: CatalogWriter

    static let words = ["orders", "customers", "payments", "products", "sessions", "events", "revenue",
                        "inventory", "shipments", "deliveries", "users", "marketing", "campaigns", "refunds",
                        "invoices", "subscriptions", "carts", "checkout", "clicks", "pageviews", "accounts",
                        "couriers", "stores", "suppliers", "reviews", "ads", "fraud", "support", "tickets",
                        "pricing"]
    static let qualifiers = ["daily", "enriched", "joined", "deduped", "latest", "summary", "by_region",
                             "by_channel", "history", "rollup", "funnel", "active", "net", "gross"]

    /// Layers of a domain's tables, in build order.
    enum Layer: Int, CaseIterable { case raw, stg, int1, int2, int3, mart }
    var pools: [[[String]]]
    var allMarts: [String] = []
    /// The task that writes each derived table, and the DAG (serial) it belongs to.
    var writer: [String: (task: String, dag: Int)] = [:]
    var dagSerial = 0
    var edges = 0
    var entities = 0

    struct Dag {
        var id: String
        var serial: Int
        var size: Int
        var tasks: [String] = []
    }

    init(shape: LineageStack.Shape, seed: UInt64, writer: CatalogWriter) {
        self.shape = shape
        rng = SplitMix64(seed: seed)
        w = writer
        pools = Array(repeating: Array(repeating: [], count: Layer.allCases.count), count: shape.domains)
    }

    func domainName(_ d: Int) -> String { "\(Self.words[d % Self.words.count])_\(d)" }

    mutating func pick<T>(_ a: [T]) -> T { a[rng.int(0...(a.count - 1))] }

    mutating func edge(_ from: String, _ to: String, _ source: EdgeSource) throws {
        try w.addEdge(Edge(from: from, to: to, source: source))
        edges += 1
    }

    mutating func newDag(_ id: String) throws -> Dag {
        dagSerial += 1
        try w.upsert(Entity(id: id, kind: .dag, name: id, stage: "orchestrate", tool: "airflow"))
        try w.setDag(id, schedule: "@daily")
        entities += 1
        return Dag(id: id, serial: dagSerial, size: rng.int(20...60))
    }

    /// Starts the next DAG of a series when the current one is full.
    mutating func dag(_ current: inout Dag?, prefix: String, count: inout Int) throws {
        if let c = current, c.tasks.count < c.size { return }
        current = try newDag("\(prefix)_\(count)")
        count += 1
    }

    /// A table and the task that writes it from `parents`, with the DAG's ordering edges.
    mutating func build(_ table: String, name: String, stage: String, tool: String, verb: String,
                        parents: [String], in dag: inout Dag) throws {
        try w.upsert(Entity(id: table, kind: .table, name: name, stage: stage, tool: tool))
        let taskName = "\(verb)_\(name)"
        let task = "\(dag.id).\(taskName)"
        try w.upsert(Entity(id: task, kind: .task, name: taskName, stage: "orchestrate", tool: "airflow"))
        try w.setTask(task, TaskDetail(dagID: dag.id, taskID: taskName,
                                       operatorName: verb == "load" ? "FivetranOperator" : "DbtRunOperator"))
        entities += 2
        try edge(task, table, .openlineage)
        var ordered = false
        for p in parents {
            try edge(p, task, .openlineage)
            if let wr = writer[p], wr.dag == dag.serial {
                try edge(wr.task, task, .airflow)
                ordered = true
            }
        }
        if !ordered, let previous = dag.tasks.last, rng.chance(0.25) {
            try edge(previous, task, .airflow)
        }
        dag.tasks.append(task)
        writer[table] = (task, dag.serial)
    }

    /// Distinct picks: `count` draws of `draw`, duplicates dropped.
    mutating func distinct(_ count: Int, _ draw: (inout StackGenerator) -> String) -> [String] {
        var out: [String] = []
        for _ in 0..<count {
            let p = draw(&self)
            if !out.contains(p) { out.append(p) }
        }
        return out
    }

    /// A table of domain `d` from the given layers, uniformly over their union.
    mutating func pick(domain d: Int, from layers: [Layer]) -> String {
        let total = layers.reduce(0) { $0 + pools[d][$1.rawValue].count }
        var i = rng.int(0...(total - 1))
        for l in layers {
            let pool = pools[d][l.rawValue]
            if i < pool.count { return pool[i] }
            i -= pool.count
        }
        fatalError("unreachable")
    }

    mutating func generate(progress: (String) -> Void) throws {
        let sizes = (0..<shape.domains).map { _ in max(20, Int(Double(shape.base) * (0.5 + 1.5 * rng.unit()))) }
        // Sources, loaded by ingest DAGs.
        for d in 0..<shape.domains {
            let dom = domainName(d)
            var current: Dag?
            var n = 0
            for i in 0..<sizes[d] {
                try dag(&current, prefix: "\(dom)_ingest", count: &n)
                let name = "\(dom)_src_\(i)"
                let id = "raw.\(dom).\(name)"
                try build(id, name: name, stage: "load", tool: "fivetran", verb: "load", parents: [], in: &current!)
                pools[d][Layer.raw.rawValue].append(id)
            }
        }
        progress("sources: \(entities) entities, \(edges) edges")
        // Staging: one per source, a fifth also read a second source of the domain.
        for d in 0..<shape.domains {
            let dom = domainName(d)
            var current: Dag?
            var n = 0
            let raws = pools[d][Layer.raw.rawValue]
            for i in 0..<sizes[d] {
                try dag(&current, prefix: "\(dom)_staging", count: &n)
                var parents = [raws[i]]
                if rng.chance(0.2) {
                    let other = pick(raws)
                    if other != raws[i] { parents.append(other) }
                }
                let name = "stg_\(dom)_\(i)"
                try build("analytics.staging_\(dom).\(name)", name: name, stage: "transform", tool: "dbt",
                          verb: "dbt_run", parents: parents, in: &current!)
                pools[d][Layer.stg.rawValue].append("analytics.staging_\(dom).\(name)")
            }
        }
        progress("staging: \(entities) entities, \(edges) edges")
        // Intermediate, three sublevels.
        for (j, (layer, fraction)) in [(Layer.int1, 1.0), (.int2, 0.7), (.int3, 0.4)].enumerated() {
            let below = [Layer.stg] + [Layer.int1, .int2].prefix(j)
            for d in 0..<shape.domains {
                let dom = domainName(d)
                var current: Dag?
                var n = 0
                for i in 0..<Int(Double(sizes[d]) * fraction) {
                    try dag(&current, prefix: "\(dom)_int\(j + 1)", count: &n)
                    let parents = distinct(rng.int(2...4)) { g in
                        g.rng.chance(0.05) ? g.pick(domain: g.rng.int(0...(g.shape.domains - 1)), from: below)
                            : g.pick(domain: d, from: below)
                    }
                    let name = "int_\(dom)_\(pick(Self.qualifiers))_\(j + 1)_\(i)"
                    let id = "analytics.intermediate_\(dom).\(name)"
                    try build(id, name: name, stage: "transform", tool: "dbt", verb: "dbt_run", parents: parents,
                              in: &current!)
                    pools[d][layer.rawValue].append(id)
                }
            }
            progress("intermediate \(j + 1): \(entities) entities, \(edges) edges")
        }
        // Marts: mostly the domain's own models, some earlier marts (of the domain, of any).
        let modelLayers: [Layer] = [.stg, .int1, .int2, .int3]
        for d in 0..<shape.domains {
            let dom = domainName(d)
            var current: Dag?
            var n = 0
            for i in 0..<Int(Double(sizes[d]) * 0.5) {
                try dag(&current, prefix: "\(dom)_marts", count: &n)
                let parents = distinct(rng.int(2...6)) { g in
                    let u = g.rng.unit()
                    if u < 0.1, !g.allMarts.isEmpty { return g.pick(g.allMarts) }
                    if u < 0.3, !g.pools[d][Layer.mart.rawValue].isEmpty { return g.pick(g.pools[d][Layer.mart.rawValue]) }
                    return g.pick(domain: d, from: modelLayers)
                }
                let name = "\(rng.chance(0.6) ? "fct" : "dim")_\(dom)_\(i)"
                let id = "analytics.marts_\(dom).\(name)"
                try build(id, name: name, stage: "transform", tool: "dbt", verb: "dbt_run", parents: parents,
                          in: &current!)
                pools[d][Layer.mart.rawValue].append(id)
                allMarts.append(id)
            }
        }
        progress("marts: \(entities) entities, \(edges) edges")
        // Reporting, across domains.
        var reporting: [String] = []
        var current: Dag?
        var n = 0
        for i in 0..<shape.reporting {
            try dag(&current, prefix: "reporting", count: &n)
            let parents = distinct(rng.int(3...8)) { g in
                !reporting.isEmpty && g.rng.chance(0.2) ? g.pick(reporting) : g.pick(g.allMarts)
            }
            let name = "rpt_\(pick(Self.qualifiers))_\(i)"
            let id = "analytics.reporting.\(name)"
            try build(id, name: name, stage: "serve", tool: "dbt", verb: "dbt_run", parents: parents, in: &current!)
            reporting.append(id)
        }
        progress("reporting: \(entities) entities, \(edges) edges")
        // Dashboards read tables directly.
        for i in 0..<shape.dashboards {
            let dom = domainName(rng.int(0...(shape.domains - 1)))
            let id = "dash_\(dom)_\(i)"
            try w.upsert(Entity(id: id, kind: .dashboard, name: "\(dom) dashboard \(i)", stage: "serve",
                                tool: rng.chance(0.7) ? "looker" : "tableau"))
            entities += 1
            for p in distinct(rng.int(1...4), { g in g.rng.chance(0.4) ? g.pick(reporting) : g.pick(g.allMarts) }) {
                try edge(p, id, .declared)
            }
        }
        progress("dashboards: \(entities) entities, \(edges) edges; committing")
    }
}
