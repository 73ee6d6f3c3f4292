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

    public var dag: String
    public var run: String
    public var rootTask: String?
    public var rootTasks: [String]
    public var failedTasks: [String]
    public var upstreamFailedTasks: [String]
    public var rootCause: Cause?
    /// Root cause per root task (the JSON's root_cause is the first one's).
    public var causes: [String: Cause]

    enum CodingKeys: String, CodingKey { case dag, run, rootTask, rootTasks, failedTasks, upstreamFailedTasks, rootCause }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dag, forKey: .dag)
        try c.encode(run, forKey: .run)
        try c.encode(rootTask, forKey: .rootTask)
        try c.encode(rootTasks, forKey: .rootTasks)
        try c.encode(failedTasks, forKey: .failedTasks)
        try c.encode(upstreamFailedTasks, forKey: .upstreamFailedTasks)
        try c.encode(rootCause, forKey: .rootCause)
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
        for task in roots {
            guard let tr = dagRun.tasks.first(where: { $0.taskID == task }) else { continue }
            // A dbt log holds every failed node's error: this task's own comes first, and
            // another node's never stands in for it (run_results' message does).
            let scanner = RootCauseScanner(forTask: task)
            if let log = tr.logs.last, let file = try? LogFile(path: log, invocation: runID) {
                let a = scanner.analyze(file)
                if let rc = a.rootCause, scanner.focus == nil || a.focused || messages[task] == nil {
                    causes[task] = Cause(log: log, line: rc.line, text: rc.text, summary: rc.summary)
                    continue
                }
            }
            if let m = messages[task] {
                causes[task] = Cause(log: tr.logs.last, line: nil, text: m, summary: Self.summary(ofMessage: m))
            }
        }
        let ids = dagRun.tasks.sorted { $0.taskID < $1.taskID }
        return WhyReport(dag: dagID, run: runID, rootTask: roots.first, rootTasks: roots,
                         failedTasks: ids.filter { $0.state == "failed" }.map(\.taskID),
                         upstreamFailedTasks: ids.filter { $0.state == "upstream_failed" }.map(\.taskID),
                         rootCause: roots.first.flatMap { causes[$0] }, causes: causes)
    }
}
