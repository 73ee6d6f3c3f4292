import GRDB

/// Writes into a catalog inside one transaction (see `Catalog.write`). Importers call these;
/// they never write SQL themselves.
public struct CatalogWriter {
    let db: Database

    public func setMeta(_ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
    }

    /// Inserts an entity, or replaces the one with the same id. Kind-specific details go
    /// through the functions below.
    public func upsert(_ e: Entity) throws {
        try db.execute(sql: """
            INSERT INTO entity(id, kind, name, stage, owner, tool, description, tags)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                stage = excluded.stage, owner = excluded.owner, tool = excluded.tool,
                description = excluded.description, tags = excluded.tags
            """, arguments: [e.id, e.kind.rawValue, e.name, e.stage, e.owner, e.tool, e.description,
                             Self.joinList(e.tags)])
    }

    public func setStage(_ id: String, position: Int) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO stage(id, position) VALUES (?, ?)",
                       arguments: [id, position])
    }

    public func setTool(_ id: String, _ d: ToolDetail) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO tool(id, used_for, docs_url) VALUES (?, ?, ?)",
                       arguments: [id, d.usedFor, d.docsURL])
    }

    public func setOwner(_ id: String, _ d: OwnerDetail) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO owner(id, type, role, team, channel, email, oncall, ask_me_about)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, d.type.rawValue, d.role, d.team, d.channel, d.email, d.oncall,
                             Self.joinList(d.askMeAbout)])
    }

    public func setTable(_ id: String, _ d: TableDetail) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO data_table(id, platform, materialization) VALUES (?, ?, ?)",
                       arguments: [id, d.platform, d.materialization])
        try db.execute(sql: "DELETE FROM table_column WHERE table_id = ?", arguments: [id])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO table_column(table_id, position, name, type, description) VALUES (?, ?, ?, ?, ?)
            """)
        for (i, c) in d.columns.enumerated() {
            try insert.execute(arguments: [id, i, c.name, c.type, c.description])
        }
    }

    public func setDashboard(_ id: String, url: String?) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO dashboard(id, url) VALUES (?, ?)", arguments: [id, url])
    }

    public func setDag(_ id: String, schedule: String?) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO dag(id, schedule) VALUES (?, ?)", arguments: [id, schedule])
    }

    public func setTask(_ id: String, _ d: TaskDetail) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO task(id, dag_id, task_id, operator, trigger_rule, retries)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [id, d.dagID, d.taskID, d.operatorName, d.triggerRule, d.retries])
    }

    public func setTerm(_ id: String, seeAlso: [String]) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO term(id, see_also) VALUES (?, ?)",
                       arguments: [id, Self.joinList(seeAlso)])
    }

    public func addEdge(_ e: Edge) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO edge(from_id, to_id, source) VALUES (?, ?, ?)")
            .execute(arguments: [e.from, e.to, e.source.rawValue])
    }

    /// Records (or replaces) a DAG run with its task instances and their log files.
    public func putRun(_ run: DagRun) throws {
        let num = try resetRun(run)
        for t in run.tasks {
            try db.execute(sql: """
                INSERT INTO task_run(run_num, task_id, state, tries, start_time, end_time)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [num, t.taskID, t.state, t.tries, t.start, t.end])
            for (i, path) in t.logs.enumerated() {
                try db.execute(sql: "INSERT INTO task_log(run_num, task_id, attempt, path) VALUES (?, ?, ?, ?)",
                               arguments: [num, t.taskID, i + 1, path])
            }
        }
    }

    /// Inserts or updates a run's own row and empties its task instances and logs, ready to be
    /// written again. Returns the run's number.
    func resetRun(_ run: DagRun) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO dag_run(dag_id, run_id, state, start_time, end_time) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(dag_id, run_id) DO UPDATE SET state = excluded.state,
                start_time = excluded.start_time, end_time = excluded.end_time
            """, arguments: [run.dagID, run.runID, run.state, run.start, run.end])
        let num = try Int64.fetchOne(db, sql: "SELECT num FROM dag_run WHERE dag_id = ? AND run_id = ?",
                                     arguments: [run.dagID, run.runID])!
        try db.execute(sql: "DELETE FROM task_run WHERE run_num = ?", arguments: [num])
        try db.execute(sql: "DELETE FROM task_log WHERE run_num = ?", arguments: [num])
        return num
    }

    /// Notes that `importer` saw `entityID` in `file`.
    public func recordSource(entityID: String, importer: String, file: String, at time: String) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO entity_source(entity_id, importer, file, imported_at) VALUES (?, ?, ?, ?)
            """, arguments: [entityID, importer, file, time])
    }

    /// Rebuilds the full-text index from the entities. Cheaper than keeping it in step row by row
    /// during a bulk build: one pass, one sort.
    public func rebuildSearchIndex() throws {
        try Self.useLargeSearchBuffer(db)
        try db.execute(sql: "DELETE FROM search")
        try Self.fillSearchIndex(db)
    }

    /// The search row of an entity `e` whose owner is joined as `o`: the columns of the index,
    /// shared by full re-indexing and an import's re-indexing of what it touched.
    static let searchRow = """
        SELECT e.num, e.name, replace(replace(e.id, '.', ' '), '_', ' '), e.tags,
                   coalesce(o.name || ' ' || o.id, ''),
                   coalesce((SELECT group_concat(c.name || ' ' || c.description, ' ')
                             FROM table_column c WHERE c.table_id = e.id), ''),
                   e.description
        """

    /// Fills the (empty) full-text index from every entity: one row per entity, rowid = num.
    /// Shared by `rebuildSearchIndex` and the schema migration that recreates the index.
    static func fillSearchIndex(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO search(rowid, name, ident, tags, owner, columns, description)
            \(searchRow)
            FROM entity e LEFT JOIN entity o ON o.id = e.owner;
            """)
    }

    /// FTS5 holds new index entries in memory and writes them out as a segment whenever they pass
    /// its `hashsize` (1 MB by default), merging segments as they pile up. With eight prefix
    /// indexes a 20,000-model import passes 1 MB hundreds of times: indexing it took 0.77 s with
    /// 1 MB, 0.60 s with 4 MB and 0.52 s with 16 MB (no gain beyond). The setting is kept in the
    /// index's own config table (`search_config`), so it is written once and holds for every
    /// later write as well. (Not part of a migration: set by the first build or import.)
    static func useLargeSearchBuffer(_ db: Database) throws {
        let size = 16 << 20
        guard try Int.fetchOne(db, sql: "SELECT v FROM search_config WHERE k = 'hashsize'") != size else { return }
        try db.execute(sql: "INSERT INTO search(search, rank) VALUES ('hashsize', ?)", arguments: [size])
    }

    /// Lists are stored as newline-separated text: readable in the sqlite3 shell, searchable
    /// by FTS, and free of any quoting rules.
    static func joinList(_ items: [String]) -> String { items.joined(separator: "\n") }
}

extension CatalogReader {
    static func splitList(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}
