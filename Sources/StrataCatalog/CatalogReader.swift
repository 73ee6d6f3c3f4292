import Foundation
import GRDB

/// Stage with the tools placed in it and what lives there: one column of the stack map.
public struct StageSummary: Sendable, Equatable, Codable {
    public var stage: Entity
    public var position: Int
    public var tools: [Entity]
    public var tableCount: Int
    public var dagCount: Int
    /// Dashboards (and dbt exposures) placed in the stage: usually what "serve" holds.
    public var dashboardCount: Int
}

/// An entity at the other end of a lineage edge.
public struct Neighbor: Sendable, Equatable, Codable {
    public var id: String
    public var kind: EntityKind
    public var name: String
    public var sources: [EdgeSource]
}

/// A DAG run, or one task instance of it, as a line in "latest runs".
public struct RunSummary: Sendable, Equatable, Codable {
    public var dagID: String
    public var runID: String
    /// The run's state, or the task instance's when `taskID` is set.
    public var state: String
    public var taskID: String?
    public var tries: Int?
    public var start: String?
    public var end: String?
    /// Task-instance states of the run and how many tasks are in each (DAG runs only).
    public var taskStates: [String: Int]?
    /// Log files per attempt (task instances only), absolute paths.
    public var logs: [String]?
    /// What the task instance's source said of it (dbt's run_results message, OpenLineage's
    /// errorMessage), when it did not succeed.
    public var message: String?
}

/// A task of a DAG with its detail and upstream tasks: one row of a DAG's task tree.
public struct DagTask: Sendable, Equatable, Codable {
    public var entity: Entity
    public var detail: TaskDetail
    public var upstream: [String]
}

/// Everything `strata show` prints about one entity.
public struct EntityDetail: Sendable, Equatable, Codable {
    public var entity: Entity
    public var stageName: String?
    public var ownerName: String?
    public var toolName: String?
    public var tool: ToolDetail?
    public var owner: OwnerDetail?
    public var table: TableDetail?
    public var task: TaskDetail?
    public var dashboardURL: String?
    public var schedule: String?
    public var seeAlso: [String]?
    public var tasks: [DagTask]?
    public var upstream: [Neighbor]
    public var downstream: [Neighbor]
    public var runs: [RunSummary]
}

/// A person or team, with their contact details.
public struct Contact: Sendable, Equatable, Codable {
    public var entity: Entity
    public var detail: OwnerDetail
}

/// Who to ask about something, and what else they look after.
public struct Ownership: Sendable, Equatable, Codable {
    public var subject: Entity
    /// The direct owner: a team or a person.
    public var owner: Contact?
    /// The owning team (the owner itself, or the team of the owning person); nil (absent from
    /// the JSON) for a person whose team is not recorded.
    public var team: Contact?
    /// The people of that team.
    public var people: [Contact]
    /// What the team or its people own, by kind, the subject and the people excluded: the
    /// first `perKind` by name (all of them when there are fewer).
    public var owns: [EntityKind: [Entity]]
    /// How many of each kind they own in all (more than `owns` lists when a team owns thousands).
    public var ownsCount: [EntityKind: Int]
}

/// Read queries over a catalog (see `Catalog.read`).
public struct CatalogReader {
    let db: Database

    // MARK: Entities

    public func entity(_ id: String) throws -> Entity? {
        try Row.fetchOne(db, sql: "SELECT * FROM entity WHERE id = ?", arguments: [id]).map(Self.entity)
    }

    /// The id of the entity `idOrName` names: its id, or a name only one entity carries
    /// (`stg_payments` for `model.jaffle_shop.stg_payments`, as lineage selectors accept).
    public func resolve(_ idOrName: String) throws -> String {
        if try entity(idOrName) != nil { return idOrName }
        let kinds = EntityKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
        var named = try String.fetchAll(db, sql: "SELECT id FROM entity WHERE kind IN (\(kinds)) AND name = ? ORDER BY id LIMIT 6",
                                        arguments: [idOrName])
        if named.isEmpty {
            // The last part of a dotted id (`fct_orders` for analytics.marts.fct_orders), by its index.
            named = try String.fetchAll(db, sql: """
                SELECT id FROM entity WHERE substr(id, length(rtrim(id, replace(id, '.', ''))) + 1) = ? ORDER BY id LIMIT 6
                """, arguments: [idOrName])
        }
        if named.count == 1 { return named[0] }
        if named.count > 1 { throw CatalogError.unknownEntity(id: idOrName, suggestions: Array(named.prefix(5))) }
        return try require(idOrName).id
    }

    /// The entity with this id, or an error that suggests close ids.
    public func require(_ id: String) throws -> Entity {
        if let e = try entity(id) { return e }
        let like = try String.fetchAll(db, sql: """
            SELECT id FROM entity WHERE id LIKE ? ESCAPE '\\' ORDER BY length(id), id LIMIT 5
            """, arguments: ["%" + Self.escapeLike(id) + "%"])
        throw CatalogError.unknownEntity(id: id, suggestions: like)
    }

    /// The DAGs a task, a dbt node or a table belongs to: the task's DAG, the DAGs whose runs
    /// hold it as a task instance (dbt nodes, tasks known from runs only), and the DAGs of the
    /// tasks that write it.
    public func dags(of id: String) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT dag_id FROM task WHERE id = ?
            UNION SELECT r.dag_id FROM task_run t JOIN dag_run r ON r.num = t.run_num WHERE t.task_id = ?
            UNION SELECT t.dag_id FROM edge e JOIN task t ON t.id = e.from_id WHERE e.to_id = ?
            ORDER BY 1 LIMIT 5
            """, arguments: [id, id, id])
    }

    public func entities(kind: EntityKind) throws -> [Entity] {
        try Row.fetchAll(db, sql: "SELECT * FROM entity WHERE kind = ? ORDER BY name",
                         arguments: [kind.rawValue]).map(Self.entity)
    }

    public func count(kind: EntityKind) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM entity WHERE kind = ?", arguments: [kind.rawValue]) ?? 0
    }

    /// Counts by kind, plus `column`, `run` (DAG runs) and `task_instance`.
    public func stats() throws -> [String: Int] {
        var out = try kindCounts()
        out["column"] = try Int.fetchOne(db, sql: "SELECT count(*) FROM table_column")
        out["run"] = try Int.fetchOne(db, sql: "SELECT count(*) FROM dag_run")
        out["task_instance"] = try Int.fetchOne(db, sql: "SELECT count(*) FROM task_run")
        out["edge"] = try Int.fetchOne(db, sql: "SELECT count(*) FROM edge")
        return out
    }

    /// Entities per kind, keyed by the kind's raw value, every kind present (0 when none): the
    /// part of `stats()` that the stack map shows, without counting columns, runs and edges.
    public func kindCounts() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for kind in EntityKind.allCases { out[kind.rawValue] = 0 }
        for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) AS n FROM entity GROUP BY kind") {
            out[row["kind"]] = row["n"]
        }
        return out
    }

    // MARK: Stack map

    /// The stages in order with their positions, and nothing else: cheap, for colours and
    /// navigators. (`stages()` also counts every stage's tables and DAGs, which reads every
    /// table row: about 130 ms at 100,000 tables.)
    public func stageOrder() throws -> [(stage: Entity, position: Int)] {
        try Row.fetchAll(db, sql: """
            SELECT e.*, s.position FROM entity e JOIN stage s ON s.id = e.id ORDER BY s.position
            """).map { (Self.entity($0), $0["position"]) }
    }

    /// The stack map: the stages in order, with their tools and how many tables, DAGs and
    /// dashboards each has.
    public func stages() throws -> [StageSummary] {
        let stages = try stageOrder()
        let counts = try Row.fetchAll(db, sql: """
            SELECT stage, kind, count(*) AS n FROM entity
            WHERE kind IN ('table', 'dag', 'dashboard') AND stage IS NOT NULL GROUP BY stage, kind
            """)
        var countOf: [String: [String: Int]] = [:]   // kind -> stage -> count
        for row in counts { countOf[row["kind"], default: [:]][row["stage"]] = row["n"] }
        let tools = try Row.fetchAll(db, sql: "SELECT * FROM entity WHERE kind = 'tool' ORDER BY name COLLATE NOCASE")
            .map(Self.entity)
        let toolsByStage = Dictionary(grouping: tools, by: { $0.stage ?? "" })
        return stages.map { e, position in
            StageSummary(stage: e, position: position, tools: toolsByStage[e.id] ?? [],
                         tableCount: countOf["table"]?[e.id] ?? 0, dagCount: countOf["dag"]?[e.id] ?? 0,
                         dashboardCount: countOf["dashboard"]?[e.id] ?? 0)
        }
    }

    // MARK: Detail

    public func detail(_ id: String, runLimit: Int = 5) throws -> EntityDetail {
        let e = try require(id)
        var d = EntityDetail(entity: e, upstream: try neighbors(of: id, upstream: true),
                             downstream: try neighbors(of: id, upstream: false), runs: [])
        d.stageName = try e.stage.flatMap { try name(of: $0) }
        d.ownerName = try e.owner.flatMap { try name(of: $0) }
        d.toolName = try e.tool.flatMap { try name(of: $0) }
        switch e.kind {
        case .tool:
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM tool WHERE id = ?", arguments: [id]) {
                d.tool = ToolDetail(usedFor: row["used_for"], docsURL: row["docs_url"])
            }
        case .owner:
            d.owner = try ownerDetail(id)
        case .table:
            d.table = try tableDetail(id)
            d.runs = try writerRuns(of: id, limit: runLimit)
        case .dashboard:
            d.dashboardURL = try String.fetchOne(db, sql: "SELECT url FROM dashboard WHERE id = ?", arguments: [id])
        case .dag:
            d.schedule = try String.fetchOne(db, sql: "SELECT schedule FROM dag WHERE id = ?", arguments: [id])
            d.tasks = try tasks(ofDag: id)
            d.runs = try dagRuns(id, limit: runLimit)
        case .task:
            d.task = try taskDetail(id)
            d.runs = try taskRuns(id, limit: runLimit)
        case .term:
            d.seeAlso = Self.splitList(try String.fetchOne(db, sql: "SELECT see_also FROM term WHERE id = ?",
                                                           arguments: [id]))
        case .stage:
            break
        }
        return d
    }

    public func name(of id: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT name FROM entity WHERE id = ?", arguments: [id])
    }

    public func ownerDetail(_ id: String) throws -> OwnerDetail? {
        try Row.fetchOne(db, sql: "SELECT * FROM owner WHERE id = ?", arguments: [id]).map { row in
            OwnerDetail(type: OwnerType(rawValue: row["type"]) ?? .team, role: row["role"], team: row["team"],
                        channel: row["channel"], email: row["email"], oncall: row["oncall"],
                        askMeAbout: Self.splitList(row["ask_me_about"]))
        }
    }

    public func tableDetail(_ id: String) throws -> TableDetail? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM data_table WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let columns = try Row.fetchAll(db, sql: """
            SELECT name, type, description FROM table_column WHERE table_id = ? ORDER BY position
            """, arguments: [id]).map { Column(name: $0["name"], type: $0["type"], description: $0["description"]) }
        return TableDetail(platform: row["platform"], materialization: row["materialization"], columns: columns)
    }

    public func taskDetail(_ id: String) throws -> TaskDetail? {
        try Row.fetchOne(db, sql: "SELECT * FROM task WHERE id = ?", arguments: [id]).map(Self.taskDetail)
    }

    /// The tasks of a DAG in dependency order (every task after all of its upstream tasks;
    /// ties by task id), each with its upstream task ids.
    public func tasks(ofDag dagID: String) throws -> [DagTask] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.*, t.dag_id, t.task_id, t.operator, t.trigger_rule, t.retries
            FROM task t JOIN entity e ON e.id = t.id WHERE t.dag_id = ? ORDER BY t.task_id
            """, arguments: [dagID])
        let ids = Set(rows.map { $0["id"] as String })
        var upstream: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT DISTINCT ed.from_id, ed.to_id FROM edge ed JOIN task t ON t.id = ed.to_id
            WHERE t.dag_id = ? ORDER BY ed.from_id
            """, arguments: [dagID]) where ids.contains(row["from_id"]) {
            upstream[row["to_id"], default: []].append(row["from_id"])
        }
        let tasks = rows.map { DagTask(entity: Self.entity($0), detail: Self.taskDetail($0),
                                       upstream: upstream[$0["id"] as String] ?? []) }
        return Self.topologicalOrder(tasks + (try ranOnly(inDag: dagID, tasks: ids)))
    }

    /// What ran in a DAG's runs without being one of its tasks: a dbt run's nodes (run_results
    /// has a result per model, seed, snapshot and test, and a model is a table here, a test a
    /// check). Each is a task of the DAG page, in order by the lineage between them; a test
    /// comes after the tables it checks.
    private func ranOnly(inDag dagID: String, tasks: Set<String>) throws -> [DagTask] {
        let ids = try String.fetchAll(db, sql: """
            SELECT DISTINCT tr.task_id FROM dag_run r JOIN task_run tr ON tr.run_num = r.num
            WHERE r.dag_id = ? ORDER BY tr.task_id
            """, arguments: [dagID]).filter { !tasks.contains($0) }
        guard !ids.isEmpty else { return [] }
        let set = Set(ids)
        var upstream: [String: [String]] = [:]
        var entities: [String: Entity] = [:]
        var resourceType: [String: String] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let args = StatementArguments(chunk)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM entity WHERE id IN (\(marks))", arguments: args) {
                let e = Self.entity(row)
                entities[e.id] = e
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, resource_type FROM dbt_node WHERE id IN (\(marks))", arguments: args) {
                resourceType[row["id"]] = row["resource_type"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT from_id, to_id FROM edge WHERE to_id IN (\(marks)) ORDER BY from_id
                """, arguments: args) where set.contains(row["from_id"]) && row["from_id"] != row["to_id"] as String {
                upstream[row["to_id"], default: []].append(row["from_id"])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT table_id, check_id FROM data_check WHERE check_id IN (\(marks)) ORDER BY table_id
                """, arguments: args) where set.contains(row["table_id"]) {
                upstream[row["check_id"], default: []].append(row["table_id"])
            }
        }
        return ids.map { id in
            let parts = id.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            // dbt ids are resource_type.package.name[.hash]: the name is what dbt prints.
            let isDbtID = parts.count >= 3 && ["model", "seed", "snapshot", "test", "source", "exposure"].contains(parts[0])
            let name = entities[id]?.name ?? (isDbtID ? parts[2] : parts.last ?? id)
            let entity = entities[id] ?? Entity(id: id, kind: .task, name: name)
            let kind = resourceType[id] ?? (isDbtID ? parts[0] : nil)
            return DagTask(entity: entity, detail: TaskDetail(dagID: dagID, taskID: name, operatorName: kind),
                           upstream: upstream[id] ?? [])
        }
    }

    /// Kahn's algorithm; tasks caught in a cycle keep their id order at the end.
    static func topologicalOrder(_ tasks: [DagTask]) -> [DagTask] {
        var remaining = Dictionary(uniqueKeysWithValues: tasks.map { ($0.entity.id, Set($0.upstream)) })
        var out: [DagTask] = []
        var placed = Set<String>()
        while out.count < tasks.count {
            let ready = tasks.filter { !placed.contains($0.entity.id) && remaining[$0.entity.id]!.isEmpty }
            let batch = ready.isEmpty ? tasks.filter { !placed.contains($0.entity.id) } : ready
            for t in batch {
                out.append(t); placed.insert(t.entity.id)
                for key in remaining.keys { remaining[key]!.remove(t.entity.id) }
            }
        }
        return out
    }

    // MARK: Lineage neighbours

    /// Direct neighbours along lineage edges, in either direction.
    public func neighbors(of id: String, upstream: Bool) throws -> [Neighbor] {
        let (mine, other) = upstream ? ("to_id", "from_id") : ("from_id", "to_id")
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.id, e.kind, e.name, group_concat(ed.source, ' ') AS sources
            FROM edge ed JOIN entity e ON e.id = ed.\(other)
            WHERE ed.\(mine) = ? GROUP BY e.id ORDER BY e.kind, e.name
            """, arguments: [id])
        return rows.map { row in
            Neighbor(id: row["id"], kind: EntityKind(rawValue: row["kind"]) ?? .table, name: row["name"],
                     sources: (row["sources"] as String).split(separator: " ").compactMap {
                         EdgeSource(rawValue: String($0)) })
        }
    }

    // MARK: Runs

    /// The state of the latest run of each of these DAGs (DAGs that never ran are left out).
    public func latestRunStates(dags ids: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for id in ids {
            if let s = try String.fetchOne(db.cachedStatement(sql: """
                SELECT state FROM dag_run WHERE dag_id = ? ORDER BY start_time DESC, run_id DESC LIMIT 1
                """), arguments: [id]) { out[id] = s }
        }
        return out
    }

    /// The state of each of these tasks in the latest run that has it.
    public func latestRunStates(tasks ids: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for id in ids {
            if let s = try String.fetchOne(db.cachedStatement(sql: """
                SELECT tr.state FROM task_run tr JOIN dag_run r ON r.num = tr.run_num
                WHERE tr.task_id = ? ORDER BY r.start_time DESC, r.run_id DESC LIMIT 1
                """), arguments: [id]) { out[id] = s }
        }
        return out
    }

    /// The DAGs whose latest run failed, with that run, the most recent first.
    public func failedDags() throws -> [(dagID: String, runID: String)] {
        try Row.fetchAll(db, sql: """
            SELECT r.dag_id, r.run_id FROM dag_run r WHERE r.state = 'failed' AND NOT EXISTS (
                SELECT 1 FROM dag_run l WHERE l.dag_id = r.dag_id
                AND (l.start_time > r.start_time OR l.start_time = r.start_time AND l.run_id > r.run_id))
            ORDER BY r.start_time DESC, r.dag_id
            """).map { ($0[0], $0[1]) }
    }

    /// How many DAGs' latest run failed.
    public func failedDagCount() throws -> Int { try failedDags().count }

    public func dagRuns(_ dagID: String, limit: Int) throws -> [RunSummary] {
        let runs = try Row.fetchAll(db, sql: """
            SELECT * FROM dag_run WHERE dag_id = ? ORDER BY start_time DESC, run_id DESC LIMIT ?
            """, arguments: [dagID, limit])
        return try runs.map { row in
            var states: [String: Int] = [:]
            for s in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM task_run WHERE run_num = ? GROUP BY state",
                                      arguments: [row["num"] as Int64]) {
                states[s["state"]] = s["n"]
            }
            return RunSummary(dagID: row["dag_id"], runID: row["run_id"], state: row["state"],
                              start: row["start_time"], end: row["end_time"], taskStates: states)
        }
    }

    /// A DAG run with every task instance and its logs.
    public func dagRun(dagID: String, runID: String) throws -> DagRun? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM dag_run WHERE dag_id = ? AND run_id = ?",
                                         arguments: [dagID, runID]) else { return nil }
        let num: Int64 = row["num"]
        let root = try logRoot()
        let tasks = try Row.fetchAll(db, sql: "SELECT * FROM task_run WHERE run_num = ? ORDER BY task_id",
                                     arguments: [num]).map { t in
            TaskRun(taskID: t["task_id"], state: t["state"], tries: t["tries"], start: t["start_time"],
                    end: t["end_time"], logs: try logs(run: num, task: t["task_id"], root: root))
        }
        return DagRun(dagID: row["dag_id"], runID: row["run_id"], state: row["state"],
                      start: row["start_time"], end: row["end_time"], tasks: tasks)
    }

    public func taskRuns(_ taskID: String, limit: Int) throws -> [RunSummary] {
        let root = try logRoot()
        return try Row.fetchAll(db, sql: """
            SELECT r.dag_id, r.run_id, r.num, t.state, t.tries, t.end_time, t.message,
                   coalesce(t.start_time, r.start_time) AS start_time
            FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE t.task_id = ? ORDER BY r.start_time DESC, r.run_id DESC LIMIT ?
            """, arguments: [taskID, limit]).map { row in
            RunSummary(dagID: row["dag_id"], runID: row["run_id"], state: row["state"], taskID: taskID,
                       tries: row["tries"], start: row["start_time"], end: row["end_time"],
                       logs: try logs(run: row["num"], task: taskID, root: root),
                       message: row["state"] == "success" ? nil : row["message"])
        }
    }

    /// Latest task instances of the tasks that write a table: "when was this last built, and did it work".
    /// A dbt model is its own task (run_results has one result per node, under the node's id),
    /// so the table's own task instances count too.
    func writerRuns(of tableID: String, limit: Int) throws -> [RunSummary] {
        let writers = try String.fetchAll(db, sql: """
            SELECT ed.from_id FROM edge ed JOIN entity e ON e.id = ed.from_id
            WHERE ed.to_id = ? AND e.kind = 'task'
            """, arguments: [tableID])
        let all = try ([tableID] + writers).flatMap { try taskRuns($0, limit: limit) }
        return Array(all.sorted { ($0.start ?? "", $0.runID) > ($1.start ?? "", $1.runID) }.prefix(limit))
    }

    private func logs(run: Int64, task: String, root: String?) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT path FROM task_log WHERE run_num = ? AND task_id = ? ORDER BY attempt",
                            arguments: [run, task]).map { path in
            guard let root, !path.hasPrefix("/") else { return path }
            return root + "/" + path
        }
    }

    private func logRoot() throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'log_root'")
    }

    // MARK: Owners

    /// Who to ask about `id`: its owner, the owning team and its people, and what else they own.
    /// When `id` is itself a team or person, that is the owner.
    public func ownership(of id: String, perKind: Int = 200) throws -> Ownership {
        let subject = try require(id)
        let ownerID = subject.kind == .owner ? subject.id : subject.owner
        let owner = try ownerID.flatMap { try contact($0) }
        // The owning team: the owner itself when it is a team, a person's team when recorded;
        // a person without one has no team (not themselves).
        var team = owner?.detail.type == .person ? nil : owner
        if let o = owner, o.detail.type == .person, let teamID = o.detail.team {
            team = try contact(teamID)
        }
        let people = try team.map { t in
            try String.fetchAll(db, sql: """
                SELECT o.id FROM owner o JOIN entity e ON e.id = o.id WHERE o.team = ? ORDER BY e.name
                """, arguments: [t.entity.id]).compactMap { try contact($0) }
        } ?? []
        var ownerIDs = people.map(\.entity.id)
        if let team { ownerIDs.append(team.entity.id) }
        if let owner, !ownerIDs.contains(owner.entity.id) { ownerIDs.append(owner.entity.id) }
        var owns: [EntityKind: [Entity]] = [:]
        var ownsCount: [EntityKind: Int] = [:]
        if !ownerIDs.isEmpty {
            // Counted per kind, listed a page per kind: a team can own tens of thousands of tables.
            // Both read only the (owner, kind, name) index; the subject is taken out afterwards.
            let marks = Array(repeating: "?", count: ownerIDs.count).joined(separator: ",")
            let filter = "owner IN (\(marks)) AND kind != 'owner'"
            let args = StatementArguments(ownerIDs)
            let subjectCounted = subject.kind != .owner && subject.owner.map(ownerIDs.contains) == true
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) AS n FROM entity WHERE \(filter) GROUP BY kind",
                                        arguments: args) {
                guard let kind = EntityKind(rawValue: row["kind"]) else { continue }
                let n = (row["n"] as Int) - (subjectCounted && kind == subject.kind ? 1 : 0)
                guard n > 0 else { continue }
                ownsCount[kind] = n
                let page = try Row.fetchAll(db, sql: "SELECT * FROM entity WHERE \(filter) AND kind = ? ORDER BY name LIMIT ?",
                                            arguments: args + [kind.rawValue, perKind + 1]).map(Self.entity)
                owns[kind] = Array(page.filter { $0.id != subject.id }.prefix(perKind))
            }
        }
        return Ownership(subject: subject, owner: owner, team: team, people: people, owns: owns, ownsCount: ownsCount)
    }

    public func contact(_ id: String) throws -> Contact? {
        guard let e = try entity(id), let d = try ownerDetail(id) else { return nil }
        return Contact(entity: e, detail: d)
    }

    // MARK: Row decoding

    static func entity(_ row: Row) -> Entity {
        Entity(id: row["id"], kind: EntityKind(rawValue: row["kind"]) ?? .table, name: row["name"],
               stage: row["stage"], owner: row["owner"], tool: row["tool"],
               description: row["description"], tags: splitList(row["tags"]))
    }

    static func taskDetail(_ row: Row) -> TaskDetail {
        TaskDetail(dagID: row["dag_id"], taskID: row["task_id"], operatorName: row["operator"],
                   triggerRule: row["trigger_rule"], retries: row["retries"])
    }

    static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}

// MARK: Paged listings (for navigators over catalogs of any size)

extension CatalogReader {
    /// One page of the entities of a kind, in name order (served by the kind/name index).
    public func entities(kind: EntityKind, offset: Int, limit: Int) throws -> [Entity] {
        try Row.fetchAll(db, sql: "SELECT * FROM entity WHERE kind = ? ORDER BY name LIMIT ? OFFSET ?",
                         arguments: [kind.rawValue, limit, offset]).map(Self.entity)
    }

    /// The kinds listed under a stage, in the order the navigator shows them.
    static let stageMemberKinds: [EntityKind] = [.tool, .dag, .table, .dashboard, .owner, .term]

    /// One page of what lives in a stage: its tools, then DAGs, tables, dashboards..., each kind
    /// by name. Read kind by kind through the (stage, kind, name) index, so a page costs the
    /// same whether the stage has a hundred members or a hundred thousand.
    public func entities(inStage stage: String, offset: Int, limit: Int) throws -> [Entity] {
        var out: [Entity] = []
        var skip = offset
        for kind in Self.stageMemberKinds where out.count < limit {
            let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM entity WHERE stage = ? AND kind = ?",
                                     arguments: [stage, kind.rawValue]) ?? 0
            if skip >= n { skip -= n; continue }
            out += try Row.fetchAll(db, sql: """
                SELECT * FROM entity WHERE stage = ? AND kind = ? ORDER BY name LIMIT ? OFFSET ?
                """, arguments: [stage, kind.rawValue, limit - out.count, skip]).map(Self.entity)
            skip = 0
        }
        return out
    }

    public func count(inStage stage: String) throws -> Int {
        let kinds = Self.stageMemberKinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM entity WHERE stage = ? AND kind IN (\(kinds))",
                                arguments: [stage]) ?? 0
    }

    /// Where an entity falls in its kind's name order (for opening a navigator on it).
    public func position(of e: Entity) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM entity WHERE kind = ? AND name < ?",
                         arguments: [e.kind.rawValue, e.name]) ?? 0
    }

    /// The state of the latest run that concerns an entity: a DAG's latest run, a task's latest
    /// instance (its own, not its upstream task's in the same run), a table's latest writing
    /// task instance. Nil when nothing ever ran.
    public func latestState(of id: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT state FROM (
                SELECT r.state, r.start_time AS t, r.run_id AS rid FROM dag_run r WHERE r.dag_id = :id
                UNION ALL
                SELECT tr.state, r.start_time, r.run_id FROM task_run tr JOIN dag_run r ON r.num = tr.run_num
                WHERE tr.task_id = :id
                UNION ALL
                SELECT tr.state, r.start_time, r.run_id FROM edge e
                JOIN task_run tr ON tr.task_id = e.from_id JOIN dag_run r ON r.num = tr.run_num
                WHERE e.to_id = :id AND NOT EXISTS (SELECT 1 FROM task k WHERE k.id = :id)
            ) ORDER BY t DESC, rid DESC LIMIT 1
            """, arguments: ["id": id])
    }
}
