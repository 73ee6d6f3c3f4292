/// What an importer (dbt, OpenLineage, Airflow) read from its inputs, in memory, ready to be
/// merged into a catalog by `CatalogWriter.apply`. One `ImportFileBatch` per input file: each
/// file is a source, and re-importing it replaces exactly what it contributed before.

/// A dbt node's identity, for lineage selectors (`path:`, `package:`, fqn).
public struct DbtNodeInfo: Sendable, Equatable, Codable {
    public var resourceType: String
    public var packageName: String
    /// fqn parts joined with '.'.
    public var fqn: String
    public var originalFilePath: String
    /// The properties (.yml) file that describes the node, relative to its project ('' when none):
    /// dbt's `path:` selects a node by it too.
    public var patchPath: String
    /// A model's access level (`protected`, dbt's default, `public`, `private`; '' for other nodes).
    public var access: String
    /// The node's group ('' when none).
    public var group: String
    /// A versioned model's version and its model's latest version, as written ('' when none).
    public var version: String
    public var latestVersion: String
    /// The node's whole config as JSON text ('' when none), for `config.KEY:` selectors. Not in
    /// `strata show --json`: a text of JSON inside JSON would help nobody there.
    public var config: String = ""
    public init(resourceType: String, packageName: String, fqn: String, originalFilePath: String, patchPath: String = "",
                access: String = "", group: String = "", version: String = "", latestVersion: String = "", config: String = "") {
        self.resourceType = resourceType; self.packageName = packageName; self.fqn = fqn
        self.originalFilePath = originalFilePath; self.patchPath = patchPath
        self.access = access; self.group = group; self.version = version; self.latestVersion = latestVersion
        self.config = config
    }

    private enum CodingKeys: String, CodingKey {
        case resourceType, packageName, fqn, originalFilePath, patchPath, access, group, version, latestVersion
    }
}

/// An entity as an importer saw it, with its kind-specific details.
public struct ImportedEntity: Sendable, Equatable {
    public var entity: Entity
    public var table: TableDetail?
    /// Warehouse key: lower-cased database.schema.name. Tables from two sources with the same
    /// relation are one entity.
    public var relation: String?
    public var dbt: DbtNodeInfo?
    public var owner: OwnerDetail?
    public var dashboardURL: String?
    public var schedule: String?
    public var task: TaskDetail?
    /// Resolution hints (not part of the entity): this table is the dbt node with this unique_id...
    public var dbtUniqueID: String?
    /// ... or the node of this dbt project with this name (dbt-ol may run against another schema).
    public var dbtProject: String?

    public init(_ entity: Entity) { self.entity = entity }

    /// A digest of everything written for this entity: equal digests mean nothing to update.
    func digest() -> String {
        var d = Digest()
        let e = entity
        // Not the id: it is the key, and a merge may change it.
        d.mix(e.kind.rawValue); d.mix(e.name); d.mix(e.stage); d.mix(e.owner); d.mix(e.tool)
        d.mix(e.description); d.mix(e.tags.joined(separator: "\n"))
        if let t = table {
            d.mix("T"); d.mix(t.platform); d.mix(t.materialization)
            for c in t.columns { d.mix(c.name); d.mix(c.type); d.mix(c.description) }
        }
        d.mix(relation)
        if let n = dbt {
            d.mix("N"); d.mix(n.resourceType); d.mix(n.packageName); d.mix(n.fqn); d.mix(n.originalFilePath); d.mix(n.patchPath)
            // Only when set, so a node without them keeps the digest it had before v9.
            if !(n.access + n.group + n.version + n.latestVersion).isEmpty {
                d.mix("A"); d.mix(n.access); d.mix(n.group); d.mix(n.version); d.mix(n.latestVersion)
            }
            if !n.config.isEmpty { d.mix("C"); d.mix(n.config) }
        }
        if let o = owner { d.mix("O"); d.mix(o.type.rawValue); d.mix(o.email); d.mix(o.team) }
        d.mix(dashboardURL); d.mix(schedule)
        if let t = task { d.mix("K"); d.mix(t.dagID); d.mix(t.taskID); d.mix(t.operatorName); d.mix(t.triggerRule); d.mix("\(t.retries)") }
        return d.hex
    }
}

/// A data test attached to a table.
public struct DataCheck: Sendable, Equatable, Codable {
    public var tableID: String
    public var checkID: String
    public var name: String
    public var column: String?
    public var test: String?
    public var severity: String?
    public init(tableID: String, checkID: String, name: String, column: String? = nil, test: String? = nil,
                severity: String? = nil) {
        self.tableID = tableID; self.checkID = checkID; self.name = name; self.column = column
        self.test = test; self.severity = severity
    }
}

/// Column-level lineage: `to` (a field of an output table) is computed from `from`.
public struct ColumnEdge: Sendable, Equatable, Hashable, Codable {
    public var fromTable: String
    public var fromColumn: String
    public var toTable: String
    public var toColumn: String
    public var source: EdgeSource
    public init(fromTable: String, fromColumn: String, toTable: String, toColumn: String, source: EdgeSource) {
        self.fromTable = fromTable; self.fromColumn = fromColumn; self.toTable = toTable
        self.toColumn = toColumn; self.source = source
    }
}

/// A task instance with the message its tool reported (dbt message, OpenLineage error).
public struct ImportedTaskRun: Sendable, Equatable {
    public var run: TaskRun
    public var message: String?
    public init(_ run: TaskRun, message: String? = nil) { self.run = run; self.message = message }
}

public struct ImportedRun: Sendable, Equatable {
    public var dagID: String
    public var runID: String
    public var state: String
    public var start: String?
    public var end: String?
    /// `start` stands in for a time the input lacks (Airflow's logical date for a run whose
    /// start_date is missing): it orders the run, but a real start another source recorded wins.
    public var startIsEstimate: Bool
    public var tasks: [ImportedTaskRun]
    public init(dagID: String, runID: String, state: String, start: String? = nil, end: String? = nil,
                startIsEstimate: Bool = false, tasks: [ImportedTaskRun] = []) {
        self.dagID = dagID; self.runID = runID; self.state = state; self.start = start; self.end = end
        self.startIsEstimate = startIsEstimate
        self.tasks = tasks
    }

    func digest() -> String {
        var d = Digest()
        d.mix(dagID); d.mix(runID); d.mix(state); d.mix(start); d.mix(end)
        for t in tasks {
            d.mix(t.run.taskID); d.mix(t.run.state); d.mix("\(t.run.tries)"); d.mix(t.run.start); d.mix(t.run.end)
            d.mix(t.run.logs.joined(separator: "\n")); d.mix(t.message)
        }
        return d.hex
    }
}

/// Everything one input file contributed.
public struct ImportFileBatch: Sendable {
    /// dbt, openlineage, airflow.
    public var importer: String
    /// The file's absolute path: the source's identity.
    public var file: String
    /// What the file is, independent of where it lies ("manifest of dbt project shop"): a later
    /// import under the same name from another path (another checkout, a CI workspace) takes
    /// over the earlier file's facts, so what disappeared from the project is removed.
    public var sourceName: String?
    public var entities: [ImportedEntity] = []
    public var edges: [Edge] = []
    public var columnEdges: [ColumnEdge] = []
    public var checks: [DataCheck] = []
    public var runs: [ImportedRun] = []
    public init(importer: String, file: String) { self.importer = importer; self.file = file }
}

/// One import: its files, plus stages and tools that must exist (created when missing, never
/// updated or removed: they may be the demo's or the user's own).
public struct ImportBatch: Sendable {
    public var files: [ImportFileBatch] = []
    public var ensureStages: [(entity: Entity, position: Int)] = []
    public var ensureTools: [(entity: Entity, detail: ToolDetail)] = []
    public init() {}
}

/// Added, updated and removed counts for one kind.
public struct ChangeCount: Sendable, Equatable, Codable {
    public var added = 0
    public var updated = 0
    public var removed = 0
    public init(added: Int = 0, updated: Int = 0, removed: Int = 0) {
        self.added = added; self.updated = updated; self.removed = removed
    }
    public var isZero: Bool { added == 0 && updated == 0 && removed == 0 }
}

/// What an import changed, per kind: entity kinds (table, dag, task, owner, dashboard, stage,
/// tool) and facts (edge, column_edge, check, run).
public struct ImportSummary: Sendable, Equatable, Codable {
    public var changes: [String: ChangeCount] = [:]
    /// What was already counted in this import: an entity, edge or run that two files of one
    /// import both contribute is one change, not two.
    private var counted: Set<String> = []
    /// False when the import has one file: each key then comes once, and remembering 120,000
    /// keys of a big manifest cost 0.1 s.
    var countsRepeats = true
    enum CodingKeys: String, CodingKey { case changes }
    public init() {}
    public static func == (a: Self, b: Self) -> Bool { a.changes == b.changes }
    mutating func count(_ kind: String, _ key: String, added: Bool) {
        if countsRepeats { guard counted.insert(kind + "\u{1F}" + key).inserted else { return } }
        if added { add(kind) } else { update(kind) }
    }
    public var isEmpty: Bool { changes.values.allSatisfy(\.isZero) }
    mutating func add(_ kind: String) { changes[kind, default: ChangeCount()].added += 1 }
    mutating func update(_ kind: String) { changes[kind, default: ChangeCount()].updated += 1 }
    mutating func remove(_ kind: String) { changes[kind, default: ChangeCount()].removed += 1 }
    public var total: ChangeCount {
        changes.values.reduce(into: ChangeCount()) { $0.added += $1.added; $0.updated += $1.updated; $0.removed += $1.removed }
    }
}

/// FNV-1a 64 over the fields fed to it (with separators): cheap enough for 20,000 entities.
struct Digest {
    private var h: UInt64 = 0xcbf29ce484222325
    mutating func mix(_ s: String?) {
        guard let s else { byte(0xFE); return }
        for b in s.utf8 { byte(b) }
        byte(0xFF)
    }
    private mutating func byte(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    var hex: String { String(h, radix: 16) }
}
