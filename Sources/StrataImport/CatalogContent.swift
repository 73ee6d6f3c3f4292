import StrataCatalog

/// Everything an importer read, in memory, ready to be written into a catalog in one go.
/// Importers fill it; `write(to:)` is the only place it turns into catalog writes.
public struct CatalogContent: Sendable {
    public var entities: [Entity] = []
    public var stagePositions: [String: Int] = [:]
    public var tools: [String: ToolDetail] = [:]
    public var owners: [String: OwnerDetail] = [:]
    public var tables: [String: TableDetail] = [:]
    public var dashboardURLs: [String: String?] = [:]
    public var dagSchedules: [String: String?] = [:]
    public var tasks: [String: TaskDetail] = [:]
    public var termSeeAlso: [String: [String]] = [:]
    public var edges: [Edge] = []
    public var runs: [DagRun] = []
    /// Folder that relative log paths are resolved against.
    public var logRoot: String?

    public init() {}

    public func count(_ kind: EntityKind) -> Int { entities.lazy.filter { $0.kind == kind }.count }

    /// Writes everything and rebuilds the search index. Call inside `Catalog.write`, so that
    /// the whole import is one transaction.
    public func write(to w: CatalogWriter) throws {
        for e in entities { try w.upsert(e) }
        for (id, position) in stagePositions { try w.setStage(id, position: position) }
        for (id, d) in tools { try w.setTool(id, d) }
        for (id, d) in owners { try w.setOwner(id, d) }
        for (id, d) in tables { try w.setTable(id, d) }
        for (id, url) in dashboardURLs { try w.setDashboard(id, url: url) }
        for (id, schedule) in dagSchedules { try w.setDag(id, schedule: schedule) }
        for (id, d) in tasks { try w.setTask(id, d) }
        for (id, seeAlso) in termSeeAlso { try w.setTerm(id, seeAlso: seeAlso) }
        for e in edges { try w.addEdge(e) }
        for r in runs { try w.putRun(r) }
        if let logRoot { try w.setMeta("log_root", logRoot) }
        try w.rebuildSearchIndex()
    }
}
