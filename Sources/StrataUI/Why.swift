import Foundation
import StrataCatalog
import StrataLogs

/// Why a DAG run failed: its root failing tasks (`RootFailures`), then the last attempt's log
/// of each and the root cause in it. Shared by `strata why` and the DAG page's why key.
public struct WhyReport: Encodable, Sendable {
    public struct Cause: Encodable, Sendable {
        public var log: String?
        public var line: Int?
        public var text: String
        public var summary: String

        enum CodingKeys: String, CodingKey { case log, line, text, summary }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(log, forKey: .log)
            try c.encode(line, forKey: .line)
            try c.encode(text, forKey: .text)
            try c.encode(summary, forKey: .summary)
        }
    }

    /// A root task's cause found in an earlier failed run of the same DAG, when this run
    /// recorded none for it (an OpenLineage run without a log after a dbt run with one).
    public struct EarlierCause: Encodable, Sendable {
        public var run: String
        public var start: String?
        public var cause: Cause

        /// "earlier failed run RUN (11-23 05:40): what went wrong".
        public var line: String {
            "earlier failed run \(run)\(start.map { " (" + shortTime($0) + ")" } ?? ""): \(cause.summary)"
        }
    }

    public var dag: String
    public var run: String
    public var rootTask: String?
    public var rootTasks: [String]
    public var failedTasks: [String]
    public var upstreamFailedTasks: [String]
    public var rootCause: Cause?
    /// Root cause per root task (the JSON's root_cause is the first one's).
    public var causes: [String: Cause]
    /// Per root task without a cause in this run: the newest earlier failed run of the task
    /// that has one (the JSON's earlier_root_cause is the first root task's).
    public var earlierCauses: [String: EarlierCause] = [:]

    enum CodingKeys: String, CodingKey { case dag, run, rootTask, rootTasks, failedTasks, upstreamFailedTasks, rootCause, earlierRootCause }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dag, forKey: .dag)
        try c.encode(run, forKey: .run)
        try c.encode(rootTask, forKey: .rootTask)
        try c.encode(rootTasks, forKey: .rootTasks)
        try c.encode(failedTasks, forKey: .failedTasks)
        try c.encode(upstreamFailedTasks, forKey: .upstreamFailedTasks)
        try c.encode(rootCause, forKey: .rootCause)
        try c.encode(rootTask.flatMap { earlierCauses[$0] }, forKey: .earlierRootCause)
    }

    public enum Problem: Error, CustomStringConvertible {
        case noFailedRun(String)
        case noSuchRun(String, String)
        case noDbtRun
        /// A task, table or other entity where a DAG was expected; `dags` are the ones it belongs to.
        case notADag(String, kind: String?, dags: [String])
        public var description: String {
            switch self {
            case .notADag(let id, let kind, let dags):
                "\(id) is \(kind.map { ("aeiou".contains($0.prefix(1)) ? "an " : "a ") + $0 } ?? "not an entity"), not a DAG: "
                    + (dags.isEmpty ? "give a DAG id (strata why alone lists every DAG whose latest run failed)"
                                    : "try " + dags.map { "strata why \($0)" }.joined(separator: " or "))
            case .noFailedRun(let d): "\(d) has no failed run"
            case .noSuchRun(let d, let r): "\(d) has no run '\(r)'"
            case .noDbtRun: "no failed run of a DAG whose tool is dbt"
            }
        }
    }

    /// One line for a task's stored message. dbt's first line only names the node (`Database
    /// Error in model stg_payments (models/…)`); what went wrong is on the next, so both are kept.
    public static func summary(ofMessage message: String) -> String {
        let lines = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first else { return message }
        guard lines.count > 1 else { return first.count > 300 ? String(first.prefix(299)) + "…" : first }
        // dbt's header names the node and its file, which the screen already shows: keep the
        // kind of error and the node's name, so what went wrong survives a narrow line.
        let header = first.replacingOccurrences(of: #"^(.+ Error in (?:model|test|seed|snapshot) \S+) \(.*\)$"#, with: "$1",
                                                options: .regularExpression)
        let line = header + ": " + lines[1]
        return line.count > 300 ? String(line.prefix(299)) + "…" : line
    }

    /// Builds the report. `dag` "dbt" means the latest failed run of any dbt DAG.
    public static func make(catalog: Catalog, dag: String, run: String?) throws -> WhyReport {
        let (dagID, runID, dagRun, roots, messages): (String, String, DagRun, [String], [String: String]) = try catalog.read { r in
            var dagID = dag
            var runID = run
            if dag == "dbt", (try r.entity("dbt"))?.kind != .dag {
                guard let latest = try r.latestFailedRun(tool: "dbt") else { throw Problem.noDbtRun }
                dagID = latest.dagID
                if runID == nil { runID = latest.runID }
            } else {
                let entity = try r.entity(dag)
                // Runs may name a DAG no import described (Airflow task instances on their own,
                // OpenLineage parents): its runs still explain themselves.
                let runsOnly = try entity == nil && !r.latestRunStates(dags: [dag]).isEmpty
                if entity?.kind != .dag && !runsOnly {
                    let dags = try r.dags(of: dag)
                    if entity == nil && dags.isEmpty { _ = try r.require(dag) }   // unknown: with suggestions
                    throw Problem.notADag(dag, kind: entity?.kind.rawValue, dags: dags)
                }
            }
            if runID == nil { runID = try r.latestFailedRunID(dagID: dagID) }
            guard let runID else { throw Problem.noFailedRun(dagID) }
            guard let dagRun = try r.dagRun(dagID: dagID, runID: runID) else { throw Problem.noSuchRun(dagID, runID) }
            return (dagID, runID, dagRun, try r.rootFailures(of: dagRun), try r.taskRunMessages(dagID: dagID, runID: runID))
        }
        var causes: [String: Cause] = [:]
        var earlier: [String: EarlierCause] = [:]
        for task in roots {
            guard let tr = dagRun.tasks.first(where: { $0.taskID == task }) else { continue }
            if let c = cause(of: tr, runID: runID, message: messages[task]) { causes[task] = c; continue }
            // Nothing recorded here: the on-call's next question is whether the task broke the
            // same way before. A few earlier failures of it are enough to find one with a log.
            let before = try catalog.read { try $0.earlierFailedRuns(dagID: dagID, taskID: task, before: dagRun, limit: 5) }
            for run in before {
                guard let (old, message) = try catalog.read({ r -> (DagRun, String?)? in
                    guard let old = try r.dagRun(dagID: dagID, runID: run) else { return nil }
                    return (old, try r.taskRunMessages(dagID: dagID, runID: run)[task])
                }), let oldTask = old.tasks.first(where: { $0.taskID == task }),
                      let c = cause(of: oldTask, runID: run, message: message) else { continue }
                earlier[task] = EarlierCause(run: run, start: old.start, cause: c)
                break
            }
        }
        let ids = dagRun.tasks.sorted { $0.taskID < $1.taskID }
        return WhyReport(dag: dagID, run: runID, rootTask: roots.first, rootTasks: roots,
                         failedTasks: ids.filter { $0.state == "failed" }.map(\.taskID),
                         upstreamFailedTasks: ids.filter { $0.state == "upstream_failed" }.map(\.taskID),
                         rootCause: roots.first.flatMap { causes[$0] }, causes: causes, earlierCauses: earlier)
    }

    /// A failed task instance's root cause: the line in its last attempt's log, else the
    /// message its source recorded. A dbt log holds every failed node's error: this task's own
    /// comes first, and another node's never stands in for it (run_results' message does).
    private static func cause(of task: TaskRun, runID: String, message: String?) -> Cause? {
        let scanner = RootCauseScanner(forTask: task.taskID)
        if let log = task.logs.last, let file = try? LogFile(path: log, invocation: runID) {
            let a = scanner.analyze(file)
            if let rc = a.rootCause, scanner.focus == nil || a.focused || message == nil {
                return Cause(log: log, line: rc.line, text: rc.text, summary: rc.summary)
            }
        }
        return message.map { Cause(log: task.logs.last, line: nil, text: $0, summary: Self.summary(ofMessage: $0)) }
    }
}
