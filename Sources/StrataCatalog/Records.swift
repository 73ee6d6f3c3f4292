/// The kinds of entity the catalog holds. Columns and runs are counted too, but they live
/// inside their table and DAG rather than as entities of their own.
public enum EntityKind: String, CaseIterable, Sendable, Codable, Comparable {
    case stage, tool, owner, table, dashboard, dag, task, term

    /// How a person reads the kind in a list heading.
    public var plural: String {
        switch self {
        case .stage: "stages"
        case .tool: "tools"
        case .owner: "owners"
        case .table: "tables"
        case .dashboard: "dashboards"
        case .dag: "DAGs"
        case .task: "tasks"
        case .term: "glossary terms"
        }
    }

    /// "1 DAG", "3 tables".
    public func counted(_ n: Int) -> String {
        guard n == 1 else { return "\(n) \(plural)" }
        switch self {
        case .dag: return "1 DAG"
        case .term: return "1 glossary term"
        default: return "1 \(rawValue)"
        }
    }

    public static func < (a: EntityKind, b: EntityKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The fields every entity has, whatever its kind.
public struct Entity: Sendable, Equatable, Codable {
    public var id: String
    public var kind: EntityKind
    public var name: String
    public var stage: String?
    public var owner: String?
    public var tool: String?
    public var description: String
    public var tags: [String]

    public init(id: String, kind: EntityKind, name: String, stage: String? = nil,
                owner: String? = nil, tool: String? = nil, description: String = "",
                tags: [String] = []) {
        self.id = id; self.kind = kind; self.name = name; self.stage = stage
        self.owner = owner; self.tool = tool; self.description = description; self.tags = tags
    }
}

public struct ToolDetail: Sendable, Equatable, Codable {
    public var usedFor: String
    public var docsURL: String?
    public init(usedFor: String, docsURL: String?) { self.usedFor = usedFor; self.docsURL = docsURL }
}

public enum OwnerType: String, Sendable, Codable { case team, person }

public struct OwnerDetail: Sendable, Equatable, Codable {
    public var type: OwnerType
    public var role: String?
    public var team: String?
    public var channel: String?
    public var email: String?
    public var oncall: String?
    public var askMeAbout: [String]
    public init(type: OwnerType, role: String? = nil, team: String? = nil, channel: String? = nil,
                email: String? = nil, oncall: String? = nil, askMeAbout: [String] = []) {
        self.type = type; self.role = role; self.team = team; self.channel = channel
        self.email = email; self.oncall = oncall; self.askMeAbout = askMeAbout
    }
}

public struct Column: Sendable, Equatable, Codable {
    public var name: String
    public var type: String?
    public var description: String
    public init(name: String, type: String?, description: String) {
        self.name = name; self.type = type; self.description = description
    }
}

public struct TableDetail: Sendable, Equatable, Codable {
    public var platform: String?
    public var materialization: String?
    public var columns: [Column]
    public init(platform: String?, materialization: String?, columns: [Column]) {
        self.platform = platform; self.materialization = materialization; self.columns = columns
    }
}

public struct TaskDetail: Sendable, Equatable, Codable {
    /// The DAG's entity id.
    public var dagID: String
    /// The task's id inside its DAG (Airflow's task_id).
    public var taskID: String
    public var operatorName: String?
    public var triggerRule: String
    public var retries: Int
    public init(dagID: String, taskID: String, operatorName: String?, triggerRule: String = "all_success",
                retries: Int = 0) {
        self.dagID = dagID; self.taskID = taskID; self.operatorName = operatorName
        self.triggerRule = triggerRule; self.retries = retries
    }
}

/// Where a lineage edge came from.
public enum EdgeSource: String, Sendable, Codable, CaseIterable {
    case declared, dbt, openlineage, airflow
}

public struct Edge: Sendable, Equatable, Hashable, Codable {
    public var from: String
    public var to: String
    public var source: EdgeSource
    public init(from: String, to: String, source: EdgeSource) {
        self.from = from; self.to = to; self.source = source
    }
}

/// A task instance inside a DAG run.
public struct TaskRun: Sendable, Equatable, Codable {
    /// The task's entity id.
    public var taskID: String
    public var state: String
    public var tries: Int
    public var start: String?
    public var end: String?
    /// Log file per attempt, attempt 1 first, absolute paths.
    public var logs: [String]
    public init(taskID: String, state: String, tries: Int = 1, start: String? = nil,
                end: String? = nil, logs: [String] = []) {
        self.taskID = taskID; self.state = state; self.tries = tries
        self.start = start; self.end = end; self.logs = logs
    }
}

public struct DagRun: Sendable, Equatable, Codable {
    public var dagID: String
    public var runID: String
    public var state: String
    public var start: String?
    public var end: String?
    public var tasks: [TaskRun]
    public init(dagID: String, runID: String, state: String, start: String? = nil,
                end: String? = nil, tasks: [TaskRun] = []) {
        self.dagID = dagID; self.runID = runID; self.state = state
        self.start = start; self.end = end; self.tasks = tasks
    }
}

extension EntityKind: CodingKeyRepresentable {}
