import Foundation
import GRDB
import GRDBSQLite

/// One direction of the edge graph as compressed sparse rows over entity nums: the neighbours
/// of node `n` are `targets[offsets[n] ..< offsets[n + 1]]`, and `sources[i]` names who
/// asserted edge `i` (an index into `LineageArrays.sourceNames`; empty when only the shape of
/// the graph was loaded).
public struct AdjacencyRows: Sendable {
    public let offsets: [Int32]
    public let targets: [Int32]
    public let sources: [UInt8]

    public init(offsets: [Int32], targets: [Int32], sources: [UInt8]) {
        self.offsets = offsets; self.targets = targets; self.sources = sources
    }

    /// Number of node slots (the largest entity num + 1).
    public var nodeCount: Int { max(0, offsets.count - 1) }
}

/// The whole edge graph, both directions, keyed by entity num.
public struct LineageArrays: Sendable {
    /// For each node, the nodes it reads from (edges into it).
    public let upstream: AdjacencyRows
    /// For each node, the nodes that read from it (edges out of it).
    public let downstream: AdjacencyRows
    public let sourceNames: [String]

    public var nodeCount: Int { upstream.nodeCount }
    public var edgeCount: Int { upstream.targets.count }
}

/// An entity as the lineage engine shows it.
public struct LineageNodeInfo: Sendable, Equatable {
    public var num: Int32
    public var id: String
    public var kind: EntityKind
    public var name: String
    public var stage: String?
    public var owner: String?
}

extension Catalog {
    /// The edge graph as compact arrays, both directions, with who asserted each edge. Read from the catalog's
    /// `lineage_cache` when it is current; otherwise built from the edges (one pass) and stored
    /// for the next process, unless the catalog was opened read-only.
    public func lineageArrays() throws -> LineageArrays {
        func rows(upstream: Bool) throws -> AdjacencyRows {
            let shape = try lineageRows(upstream: upstream)
            return AdjacencyRows(offsets: shape.offsets, targets: shape.targets, sources: try lineageEdgeSources(upstream: upstream))
        }
        return LineageArrays(upstream: try rows(upstream: true), downstream: try rows(upstream: false),
                             sourceNames: try lineageSourceNames())
    }

    /// The shape of one direction of the edge graph (offsets and targets, no sources). A `+x`
    /// needs only the upstream shape, so a process reads just those two blobs, straight into
    /// the arrays.
    public func lineageRows(upstream: Bool) throws -> AdjacencyRows {
        let prefix = upstream ? "up" : "down"
        if let rows = try db.read({ try LineageCacheCodec.loadRows($0, prefix) }) { return rows }
        let built = try rebuildLineageCache().arrays
        let rows = upstream ? built.upstream : built.downstream
        return AdjacencyRows(offsets: rows.offsets, targets: rows.targets, sources: [])
    }

    /// Who asserted each edge of one direction, parallel to its rows' targets.
    public func lineageEdgeSources(upstream: Bool) throws -> [UInt8] {
        if let data = try db.read({ try LineageCacheCodec.loadData($0, upstream ? "up.sources" : "down.sources") }) {
            return [UInt8](data)
        }
        let built = try rebuildLineageCache().arrays
        return upstream ? built.upstream.sources : built.downstream.sources
    }

    /// Who asserted edges, by the index `AdjacencyRows.sources` holds.
    public func lineageSourceNames() throws -> [String] {
        if let names = try db.read({ try LineageCacheCodec.loadText($0, "sources") }) {
            return names.split(separator: "\n").map(String.init)
        }
        return try rebuildLineageCache().arrays.sourceNames
    }

    /// Nodes that may lie on a cycle (what is left after peeling every node without an
    /// upstream, then every node without a downstream, repeatedly). Usually empty: a
    /// selection checks only its members among these for cycles.
    public func lineageCycleCandidates() throws -> [Int32] {
        try storedLineageCycleCandidates() ?? rebuildLineageCache().cycleCandidates
    }

    /// Runs `body` with a function that answers one node's direct neighbours (duplicates by
    /// source kept, as in the arrays) from the edge indexes: `edge_to` upstream, the primary
    /// key downstream. A small closure is cheaper this way than reading the arrays, and it
    /// reads the edges themselves, so it needs no `lineage_cache` at all.
    public func probingLineage<T>(upstream: Bool, _ body: (_ neighbors: (Int32) throws -> [Int32]) throws -> T) throws -> T {
        try db.read { db in
            let statement = try db.cachedStatement(sql: upstream
                ? "SELECT f.num FROM entity t JOIN edge e ON e.to_id = t.id JOIN entity f ON f.id = e.from_id WHERE t.num = ? ORDER BY e.from_id, e.source"
                : "SELECT t.num FROM entity f JOIN edge e ON e.from_id = f.id JOIN entity t ON t.id = e.to_id WHERE f.num = ? ORDER BY e.to_id, e.source")
            return try body { num in try Int32.fetchAll(statement, arguments: [Int64(num)]) }
        }
    }

    /// The edges out of each of `nums`, with who asserted each, from the edge table's key (in
    /// the order of `nums`, then of `to_id` and `source`).
    public func lineageEdges(from nums: [Int32]) throws -> [(from: Int32, to: Int32, source: String)] {
        try db.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT t.num, e.source FROM entity f JOIN edge e ON e.from_id = f.id JOIN entity t ON t.id = e.to_id
                WHERE f.num = ? ORDER BY e.to_id, e.source
                """)
            var out: [(Int32, Int32, String)] = []
            for n in nums {
                for row in try Row.fetchAll(statement, arguments: [Int64(n)]) { out.append((n, Int32(row[0] as Int64), row[1])) }
            }
            return out
        }
    }

    /// Builds and stores the lineage arrays unless `lineage_cache` already holds them. Imports
    /// and builds call it last, so the first big lineage question after them (a closure past
    /// the probes' 256 nodes, or the TUI's pane on a hub) reads the arrays instead of stalling
    /// to build them: 1.2 s on a 1,000,000-edge stack, 40 ms on a 20,000-model dbt project.
    public func prepareLineage() throws {
        if try storedLineageCycleCandidates() == nil { _ = try rebuildLineageCache() }
    }

    /// The cycle candidates when `lineage_cache` holds them, without building it when not.
    public func storedLineageCycleCandidates() throws -> [Int32]? {
        try db.read { try LineageCacheCodec.loadData($0, "cycle.candidates") }.map(LineageCacheCodec.int32s)
    }

    private func rebuildLineageCache() throws -> (arrays: LineageArrays, cycleCandidates: [Int32]) {
        let built = try db.read { try LineageCacheCodec.build($0) }
        PhaseClock.lap("lineage arrays built")
        let candidates = LineageCacheCodec.cycleCandidates(built)
        // Storing is an optimisation: a read-only catalog (or a busy one) still answers.
        try? db.write { try LineageCacheCodec.store(built, cycleCandidates: candidates, $0) }
        PhaseClock.lap("cycle candidates found, arrays stored")
        return (built, candidates)
    }
}

/// Reads, builds and writes the compact edge arrays kept in `lineage_cache`.
enum LineageCacheCodec {
    static let format = "csr-2"

    static func current(_ db: Database) throws -> Bool {
        try loadText(db, "format") == format
    }

    static func loadText(_ db: Database, _ key: String) throws -> String? {
        try loadData(db, key).map { String(decoding: $0, as: UTF8.self) }
    }

    static func loadData(_ db: Database, _ key: String) throws -> Data? {
        if key != "format", try !current(db) { return nil }
        return try Data.fetchOne(db, sql: "SELECT data FROM lineage_cache WHERE key = ?", arguments: [key])
    }

    static func loadRows(_ db: Database, _ prefix: String) throws -> AdjacencyRows? {
        guard try current(db), let offsets = try readInt32s(db, "\(prefix).offsets"),
              let targets = try readInt32s(db, "\(prefix).targets") else { return nil }
        return AdjacencyRows(offsets: offsets, targets: targets, sources: [])
    }

    /// A blob of Int32s read with SQLite's incremental blob I/O straight into the array: no
    /// trip through the page cache and a row value, which cost a third of a typical `+x`.
    static func readInt32s(_ db: Database, _ key: String) throws -> [Int32]? {
        guard let rowid = try Int64.fetchOne(db, sql: "SELECT rowid FROM lineage_cache WHERE key = ?", arguments: [key])
        else { return nil }
        var handle: OpaquePointer?
        guard sqlite3_blob_open(db.sqliteConnection, "main", "lineage_cache", "data", rowid, 0, &handle) == SQLITE_OK
        else {
            sqlite3_blob_close(handle)
            return try loadData(db, key).map(int32s)
        }
        defer { sqlite3_blob_close(handle) }
        let bytes = Int(sqlite3_blob_bytes(handle))
        var ok = true
        let values = [Int32](unsafeUninitializedCapacity: bytes / 4) { buffer, count in
            if bytes >= 4 {
                ok = sqlite3_blob_read(handle, buffer.baseAddress, Int32(bytes / 4 * 4), 0) == SQLITE_OK
            }
            count = ok ? bytes / 4 : 0
        }
        return ok ? values : nil
    }

    static func build(_ db: Database) throws -> LineageArrays {
        let maxNum = try Int64.fetchOne(db, sql: "SELECT max(num) FROM entity") ?? 0
        guard maxNum < Int64(Int32.max) else {
            throw CatalogError.notACatalog(path: db.description, reason: "entity numbers beyond 2^31")
        }
        let n = Int(maxNum) + 1
        var sourceNames: [String] = []
        var sourceIndex: [String: UInt8] = [:]
        var from: [Int32] = [], to: [Int32] = [], src: [UInt8] = []
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT f.num, t.num, e.source FROM edge e
            JOIN entity f ON f.id = e.from_id JOIN entity t ON t.id = e.to_id
            ORDER BY e.to_id, e.from_id, e.source
            """)
        while let row = try cursor.next() {
            from.append(Int32(row[0] as Int64))
            to.append(Int32(row[1] as Int64))
            let name: String = row[2]
            if let i = sourceIndex[name] {
                src.append(i)
            } else {
                let i = UInt8(truncatingIfNeeded: min(sourceNames.count, 255))
                sourceNames.append(name); sourceIndex[name] = i; src.append(i)
            }
        }
        return LineageArrays(upstream: csr(n, keys: to, values: from, sources: src),
                             downstream: csr(n, keys: from, values: to, sources: src),
                             sourceNames: sourceNames)
    }

    /// Groups `values` by `keys` (a counting sort), keeping each edge's source beside it.
    static func csr(_ n: Int, keys: [Int32], values: [Int32], sources: [UInt8]) -> AdjacencyRows {
        var offsets = [Int32](repeating: 0, count: n + 1)
        for k in keys { offsets[Int(k) + 1] += 1 }
        for i in 0..<n { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var targets = [Int32](repeating: 0, count: keys.count)
        var outSources = [UInt8](repeating: 0, count: keys.count)
        for i in keys.indices {
            let k = Int(keys[i])
            let at = Int(fill[k])
            targets[at] = values[i]; outSources[at] = sources[i]
            fill[k] += 1
        }
        return AdjacencyRows(offsets: offsets, targets: targets, sources: outSources)
    }

    /// Peels sources, then sinks, until neither is left (Kahn's algorithm both ways): every
    /// node on a cycle survives, and in a graph without cycles nothing does.
    static func cycleCandidates(_ a: LineageArrays) -> [Int32] {
        let n = a.nodeCount
        var alive = [Bool](repeating: true, count: n)
        func peel(_ inward: AdjacencyRows, _ outward: AdjacencyRows) -> Bool {
            var degree = [Int32](repeating: 0, count: n)
            var queue: [Int32] = []
            for v in 0..<n where alive[v] {
                for i in Int(inward.offsets[v])..<Int(inward.offsets[v + 1]) where alive[Int(inward.targets[i])] { degree[v] += 1 }
                if degree[v] == 0 { queue.append(Int32(v)) }
            }
            var removed = false
            var head = 0
            while head < queue.count {
                let v = Int(queue[head]); head += 1
                alive[v] = false; removed = true
                for i in Int(outward.offsets[v])..<Int(outward.offsets[v + 1]) {
                    let w = Int(outward.targets[i])
                    guard alive[w] else { continue }
                    degree[w] -= 1
                    if degree[w] == 0 { queue.append(Int32(w)) }
                }
            }
            return removed
        }
        while true {
            let fromSources = peel(a.upstream, a.downstream)
            let fromSinks = peel(a.downstream, a.upstream)
            if !fromSources && !fromSinks { break }
        }
        return (0..<n).filter { alive[$0] }.map { Int32($0) }
    }

    static func store(_ a: LineageArrays, cycleCandidates: [Int32], _ db: Database) throws {
        let rows: [(String, Data)] = [
            ("format", Data(format.utf8)),
            ("sources", Data(a.sourceNames.joined(separator: "\n").utf8)),
            ("up.offsets", data(a.upstream.offsets)), ("up.targets", data(a.upstream.targets)),
            ("up.sources", Data(a.upstream.sources)),
            ("down.offsets", data(a.downstream.offsets)), ("down.targets", data(a.downstream.targets)),
            ("down.sources", Data(a.downstream.sources)),
            ("cycle.candidates", data(cycleCandidates)),
        ]
        try db.execute(sql: "DELETE FROM lineage_cache")
        for (key, value) in rows {
            try db.execute(sql: "INSERT INTO lineage_cache(key, data) VALUES (?, ?)", arguments: [key, value])
        }
    }

    static func data(_ values: [Int32]) -> Data {
        values.withUnsafeBytes { Data($0) }
    }

    /// Copies (a blob's bytes need not be aligned for Int32).
    static func int32s(_ d: Data) -> [Int32] {
        let count = d.count / 4
        return [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            d.withUnsafeBytes { raw in
                if let base = raw.baseAddress, count > 0 {
                    memcpy(buffer.baseAddress!, base, count * 4)
                }
            }
            initialized = count
        }
    }
}

// MARK: Lookups for selectors

/// Glob patterns as dbt's selectors take them (`*`, `?`, `[...]`), matched by SQLite's GLOB.
extension CatalogReader {
    /// Entity kinds that take part in lineage; a bare name never resolves to a stage or a person.
    public static let lineageKinds: [EntityKind] = [.table, .task, .dag, .dashboard]
    private var lineageKindList: String { Self.lineageKinds.map { "'\($0.rawValue)'" }.joined(separator: ", ") }

    /// True when the catalog has dbt's view of nodes (an import from a dbt manifest).
    public func hasDbtNodes() throws -> Bool {
        guard try db.tableExists("dbt_node") else { return false }
        return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dbt_node)") ?? false
    }

    public func lineageNum(ofID id: String) throws -> Int32? {
        try Int64.fetchOne(db, sql: "SELECT num FROM entity WHERE id = ?", arguments: [id]).map { Int32($0) }
    }

    /// Lineage entities (not dbt nodes) whose id ends in `.leaf` or is `leaf`.
    public func lineageNums(leaf: String) throws -> [Int32] {
        try nums("""
            SELECT num FROM entity WHERE \(CatalogSchema.idLeafSQL) = ? AND kind IN (\(lineageKindList))
            \(try dbtExclusion())
            """, [leaf])
    }

    /// Lineage entities (not dbt nodes) whose id starts with `prefix.`.
    public func lineageNums(idPrefix prefix: String) throws -> [Int32] {
        // '/' sorts right after '.', so this range is exactly the ids starting with "prefix.".
        try nums("""
            SELECT num FROM entity WHERE id > ? AND id < ? AND kind IN (\(lineageKindList))
            \(try dbtExclusion())
            """, [prefix + ".", prefix + "/"])
    }

    /// Lineage entities (not dbt nodes) whose id after its first part starts with `prefix.`
    /// (`marts` → `analytics.marts.*`). Scans the ids: asked only when nothing else matched.
    public func lineageNums(unscopedPrefix prefix: String) throws -> [Int32] {
        try nums("""
            SELECT num FROM entity WHERE instr(id, '.') > 0 AND (substr(id, instr(id, '.') + 1) = ?1
                OR (substr(id, instr(id, '.') + 1) > ?2 AND substr(id, instr(id, '.') + 1) < ?3))
            AND kind IN (\(lineageKindList)) \(try dbtExclusion())
            """, [prefix, prefix + ".", prefix + "/"])
    }

    /// Every lineage entity with its id, for glob matching on dotted names.
    public func lineageIDs() throws -> [(num: Int32, id: String)] {
        try Row.fetchAll(db, sql: "SELECT num, id FROM entity WHERE kind IN (\(lineageKindList)) \(try dbtExclusion())")
            .map { (Int32($0[0] as Int64), $0[1]) }
    }

    /// dbt nodes with their fqn, resource type, package and file: what dbt's methods match on.
    public func dbtNodes() throws -> [DbtNodeKey] {
        guard try db.tableExists("dbt_node") else { return [] }
        return try Row.fetchAll(db, sql: """
            SELECT e.num, d.resource_type, d.package_name, d.fqn, d.original_file_path, d.patch_path,
                   d.access, d.group_name, d.version, d.latest_version
            FROM dbt_node d JOIN entity e ON e.id = d.id
            """).map {
            DbtNodeKey(num: Int32($0[0] as Int64), resourceType: $0[1], package: $0[2],
                       fqn: ($0[3] as String).split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                       path: $0[4], patchPath: $0[5], access: $0[6], group: $0[7], version: $0[8], latestVersion: $0[9])
        }
    }

    /// Entities with a tag matching the glob.
    public func lineageNums(tagGlob: String) throws -> [Int32] {
        // Tags are stored one per line.
        try nums("""
            SELECT DISTINCT e.num FROM entity e, json_each('["' || replace(replace(replace(e.tags, '\\', '\\\\'), '"', '\\"'), char(10), '","') || '"]') t
            WHERE e.tags != '' AND t.value GLOB ? AND e.kind IN (\(lineageKindList))
            """, [tagGlob])
    }

    /// Entities owned by an owner matching the glob, or by a member of a team matching it.
    public func lineageNums(ownerGlob: String) throws -> [Int32] {
        try nums("""
            SELECT e.num FROM entity e LEFT JOIN owner o ON o.id = e.owner
            WHERE (e.owner GLOB ?1 OR o.team GLOB ?1) AND e.kind IN (\(lineageKindList))
            """, [ownerGlob])
    }

    public func lineageNums(stageGlob: String) throws -> [Int32] {
        try nums("SELECT num FROM entity WHERE stage GLOB ? AND kind IN (\(lineageKindList))", [stageGlob])
    }

    /// Tables materialized exactly as `value` (dbt compares config values exactly); dbt sources,
    /// which have no materialization in dbt, are left out.
    public func lineageNums(materialization value: String) throws -> [Int32] {
        let dbt = try db.tableExists("dbt_node")
        return try nums("""
            SELECT e.num FROM data_table t JOIN entity e ON e.id = t.id
            \(dbt ? "LEFT JOIN dbt_node n ON n.id = t.id" : "")
            WHERE t.materialization = ? \(dbt ? "AND (n.resource_type IS NULL OR n.resource_type <> 'source')" : "")
            AND e.kind IN (\(lineageKindList))
            """, [value])
    }

    /// True when some dbt node was imported before the catalog kept configs, access, groups and
    /// versions (migration v10): those selectors cannot answer for it until a re-import.
    public func dbtNodesLackGovernance() throws -> Bool {
        guard try db.tableExists("dbt_node") else { return false }
        return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dbt_node WHERE config = ?)",
                                 arguments: [CatalogSchema.importedBeforeConfig]) ?? false
    }

    /// dbt nodes and sources whose config holds `value` at `path` (`config.meta.owner:ana`), as
    /// dbt compares: a string equal to it (`severity` ignoring case), `true`/`false` in any case
    /// for a boolean, or a list holding either. Numbers, objects and nulls never match a value
    /// typed on the command line.
    public func lineageNums(dbtConfig path: [String], equalTo value: String) throws -> [Int32] {
        guard try db.tableExists("dbt_node") else { return [] }
        let jsonPath = "$" + path.map { ".\"" + $0 + "\"" }.joined()
        return try nums("""
            SELECT e.num FROM dbt_node d JOIN entity e ON e.id = d.id
            WHERE d.config <> '' AND d.resource_type <> 'exposure' AND json_valid(d.config) AND (
              (json_type(d.config, ?1) = 'text'
                AND (json_extract(d.config, ?1) = ?2 OR (?3 AND upper(json_extract(d.config, ?1)) = upper(?2))))
              OR (upper(?2) = 'TRUE' AND json_type(d.config, ?1) = 'true')
              OR (upper(?2) = 'FALSE' AND json_type(d.config, ?1) = 'false')
              OR (json_type(d.config, ?1) = 'array' AND EXISTS (
                SELECT 1 FROM json_each(d.config, ?1) j
                WHERE (j.type = 'text' AND j.value = ?2) OR (upper(?2) = 'TRUE' AND j.type = 'true')
                   OR (upper(?2) = 'FALSE' AND j.type = 'false'))))
            """, [jsonPath, value, path == ["severity"]])
    }

    public func lineageNums(kindGlob: String) throws -> [Int32] {
        try nums("SELECT num FROM entity WHERE kind GLOB ? AND kind IN (\(lineageKindList))", [kindGlob])
    }

    /// Entities recorded as coming from a file whose path matches (or lies under) the pattern.
    public func lineageNums(sourceFileGlob glob: String) throws -> [Int32] {
        try nums("""
            SELECT DISTINCT e.num FROM entity_source s JOIN entity e ON e.id = s.entity_id
            WHERE (s.file GLOB ?1 OR s.file GLOB ?1 || '/*') AND e.kind IN (\(lineageKindList))
            """, [glob])
    }

    /// The latest run of every DAG and task instance of every task that ever ran, by entity
    /// num: one pass over the runs, for statuses of big selections.
    public func latestRunStates() throws -> [Int32: (state: String, start: String, runID: String)] {
        var out: [Int32: (state: String, start: String, runID: String)] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT e.num, tr.state, r.start_time, r.run_id FROM task_run tr
            JOIN dag_run r ON r.num = tr.run_num JOIN entity e ON e.id = tr.task_id
            UNION ALL
            SELECT e.num, r.state, r.start_time, r.run_id FROM dag_run r JOIN entity e ON e.id = r.dag_id
            """)
        while let row = try cursor.next() {
            let n = Int32(row[0] as Int64)
            let run = (state: row[1] as String, start: (row[2] as String?) ?? "", runID: row[3] as String)
            if let old = out[n], (old.start, old.runID) >= (run.start, run.runID) { continue }
            out[n] = run
        }
        return out
    }

    /// Tasks whose latest instance failed: where failure cascades can start.
    public func latestFailedTaskIDs() throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT tr.task_id FROM task_run tr JOIN dag_run r ON r.num = tr.run_num
            WHERE tr.state = 'failed' AND NOT EXISTS (
                SELECT 1 FROM task_run t2 JOIN dag_run r2 ON r2.num = t2.run_num
                WHERE t2.task_id = tr.task_id
                  AND (r2.start_time > r.start_time OR (r2.start_time = r.start_time AND r2.run_id > r.run_id)))
            """)
    }

    /// Tasks of the DAGs among `nums`: selecting a DAG selects what it runs.
    public func taskNums(ofDagNums dagNums: [Int32]) throws -> [Int32] {
        var out: [Int32] = []
        let statement = try db.cachedStatement(sql: """
            SELECT t.num FROM entity d JOIN task k ON k.dag_id = d.id JOIN entity t ON t.id = k.id
            WHERE d.num = ? AND d.kind = 'dag'
            """)
        for n in dagNums {
            out += try Int64.fetchAll(statement, arguments: [Int64(n)]).map { Int32($0) }
        }
        return out
    }

    /// The entities behind nums, in the order asked (missing ones left out).
    public func lineageNodes(_ nums: [Int32]) throws -> [LineageNodeInfo] {
        func node(_ row: Row, _ n: Int32) -> LineageNodeInfo {
            LineageNodeInfo(num: n, id: row[1], kind: EntityKind(rawValue: row[2]) ?? .table,
                            name: row[3], stage: row[4], owner: row[5])
        }
        let columns = "SELECT num, id, kind, name, stage, owner FROM entity"
        // Point lookups cost a few µs each; past a few thousand, one pass over the table wins.
        if nums.count > 4_000 {
            var found: [Int32: LineageNodeInfo] = [:]
            found.reserveCapacity(nums.count)
            let wanted = Set(nums)
            let cursor = try Row.fetchCursor(db, sql: columns)
            while let row = try cursor.next() {
                let n = Int32(row[0] as Int64)
                if wanted.contains(n) { found[n] = node(row, n) }
            }
            return nums.compactMap { found[$0] }
        }
        let statement = try db.cachedStatement(sql: columns + " WHERE num = ?")
        var out: [LineageNodeInfo] = []
        out.reserveCapacity(nums.count)
        for n in nums {
            guard let row = try Row.fetchOne(statement, arguments: [Int64(n)]) else { continue }
            out.append(node(row, n))
        }
        return out
    }

    /// Just the ids behind nums (for `--ids`), in no particular order.
    public func lineageIDs(_ nums: [Int32]) throws -> [String] {
        if nums.count > 4_000 {
            let wanted = Set(nums)
            var out: [String] = []
            out.reserveCapacity(nums.count)
            let cursor = try Row.fetchCursor(db, sql: "SELECT num, id FROM entity")
            while let row = try cursor.next() {
                if wanted.contains(Int32(row[0] as Int64)) { out.append(row[1]) }
            }
            return out
        }
        let statement = try db.cachedStatement(sql: "SELECT id FROM entity WHERE num = ?")
        return try nums.compactMap { try String.fetchOne(statement, arguments: [Int64($0)]) }
    }

    /// Last id parts sharing the first letters of `name`: candidates for "did you mean".
    public func lineageLeaves(sharingPrefixWith name: String, limit: Int = 2000) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT DISTINCT \(CatalogSchema.idLeafSQL) FROM entity
            WHERE kind IN (\(lineageKindList)) AND \(CatalogSchema.idLeafSQL) LIKE ? ESCAPE '\\' LIMIT ?
            """, arguments: [Self.escapeLike(String(name.prefix(2))) + "%", limit])
    }

    private func dbtExclusion() throws -> String {
        try db.tableExists("dbt_node") ? "AND id NOT IN (SELECT id FROM dbt_node)" : ""
    }

    private func nums(_ sql: String, _ arguments: StatementArguments) throws -> [Int32] {
        try Int64.fetchAll(db, sql: sql, arguments: arguments).map { Int32($0) }
    }
}

// MARK: Checks as dbt's graph sees them

extension CatalogReader {
    /// The tables each matching check reads (dbt data tests: `test_name:` globs the test's
    /// kind, e.g. `unique`; `test_type:` is `generic` or `singular`). One list per check.
    public func checkTables(testName: String? = nil, testType: String? = nil) throws -> [[Int32]] {
        guard try db.tableExists("data_check") else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT c.check_id, c.test, e.num FROM data_check c JOIN entity e ON e.id = c.table_id
            ORDER BY c.check_id
            """)
        var out: [String: [Int32]] = [:]
        for row in rows {
            let test: String? = row[1]
            if let testName, fnmatch(testName, test ?? "", 0) != 0 { continue }
            if let testType {
                let singular = test == nil || test == "singular"
                if (testType == "singular" || testType == "data") != singular { continue }
            }
            out[row[0], default: []].append(Int32(row[2] as Int64))
        }
        return out.keys.sorted().map { out[$0]! }
    }

    /// The tables a check named `name` reads (dbt: a test's name, e.g.
    /// `unique_stg_orders_order_id`), one list per check.
    public func checkTables(named name: String) throws -> [[Int32]] {
        guard try db.tableExists("data_check") else { return [] }
        var out: [String: [Int32]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT c.check_id, e.num FROM data_check c JOIN entity e ON e.id = c.table_id WHERE c.name = ?
            """, arguments: [name]) {
            out[row[0], default: []].append(Int32(row[1] as Int64))
        }
        return Array(out.values)
    }

    /// Checks that read more than one table, as the tables they read: dbt's `@x` reaches a
    /// test below x and from it every other table that test reads.
    public func multiTableChecks() throws -> [[Int32]] {
        guard try db.tableExists("data_check") else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT c.check_id, e.num FROM data_check c JOIN entity e ON e.id = c.table_id
            WHERE c.check_id IN (SELECT check_id FROM data_check GROUP BY check_id HAVING count(*) > 1)
            ORDER BY c.check_id
            """)
        var out: [String: [Int32]] = [:]
        for row in rows { out[row[0], default: []].append(Int32(row[1] as Int64)) }
        return Array(out.values)
    }
}

// MARK: Column lineage

/// A column of a table.
public struct ColumnRef: Sendable, Hashable, Comparable {
    public var table: String
    public var column: String
    public init(table: String, column: String) { self.table = table; self.column = column }
    public static func < (a: ColumnRef, b: ColumnRef) -> Bool { (a.table, a.column) < (b.table, b.column) }
}

extension CatalogReader {
    /// Columns of `table` that have column-level lineage (from OpenLineage's `columnLineage`),
    /// in either direction. Empty when the catalog has none.
    public func columnsWithLineage(table: String) throws -> Set<String> {
        guard try db.tableExists("column_edge") else { return [] }
        return Set(try String.fetchAll(db, sql: """
            SELECT to_column FROM column_edge WHERE to_table = ?1
            UNION SELECT from_column FROM column_edge WHERE from_table = ?1
            """, arguments: [table]))
    }

    /// The columns a column derives from (upstream) or that derive from it (downstream).
    public func columnNeighbors(of c: ColumnRef, upstream: Bool) throws -> [ColumnRef] {
        guard try db.tableExists("column_edge") else { return [] }
        let sql = upstream
            ? "SELECT DISTINCT from_table, from_column FROM column_edge WHERE to_table = ? AND to_column = ?"
            : "SELECT DISTINCT to_table, to_column FROM column_edge WHERE from_table = ? AND from_column = ?"
        return try Row.fetchAll(db, sql: sql, arguments: [c.table, c.column])
            .map { ColumnRef(table: $0[0], column: $0[1]) }.sorted()
    }
}

/// What dbt's selector methods match a node on.
public struct DbtNodeKey: Sendable {
    public var num: Int32
    public var resourceType: String
    public var package: String
    public var fqn: [String]
    public var path: String
    /// The node's properties file ('' when none).
    public var patchPath: String
    /// A model's access level, the node's group, a versioned model's version and latest version
    /// ('' when not set).
    public var access: String
    public var group: String
    public var version: String
    public var latestVersion: String
}
