import GRDB

/// Where a run really broke: failed task instances none of whose upstream nodes failed.
/// Upstream follows the catalog's lineage edges into a node, from any source and through
/// tables (task → table → task), so it works for Airflow tasks and for dbt runs whose nodes
/// are models. Tasks marked upstream_failed never ran; a task with trigger rule all_done that
/// failed after an upstream failure is a consequence, not a root. The one place this rule
/// lives: the DAG page, `strata why` and the TUI's why key all use it.
public enum RootFailures {
    static let failedStates: Set<String> = ["failed", "upstream_failed"]

    /// Root failing task ids of `run`, in task id order. `upstream` gives the ids of the nodes
    /// with an edge into a node.
    public static func find(_ run: DagRun, upstream: (String) throws -> [String]) rethrows -> [String] {
        let state = Dictionary(run.tasks.map { ($0.taskID, $0.state) }, uniquingKeysWith: { a, _ in a })
        var roots: [String] = []
        for t in run.tasks where t.state == "failed" {
            // Walk every ancestor once; stop at the first failed one.
            var seen: Set<String> = [t.taskID]
            var frontier = try upstream(t.taskID)
            var failedAbove = false
            var steps = 0
            while let next = frontier.popLast(), steps < 100_000 {
                steps += 1
                guard seen.insert(next).inserted else { continue }
                if let s = state[next], failedStates.contains(s) { failedAbove = true; break }
                frontier += try upstream(next)
            }
            if !failedAbove { roots.append(t.taskID) }
        }
        return roots.sorted()
    }
}

extension CatalogReader {
    /// Ids of the nodes with a lineage edge into `id` (any source).
    public func upstreamIDs(of id: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT from_id FROM edge WHERE to_id = ?", arguments: [id])
    }

    /// Root failing tasks of a run (see `RootFailures`).
    public func rootFailures(of run: DagRun) throws -> [String] {
        var cache: [String: [String]] = [:]
        return try RootFailures.find(run) { id in
            if let c = cache[id] { return c }
            let up = try upstreamIDs(of: id)
            cache[id] = up
            return up
        }
    }

    /// The newest failed run of a DAG (by start time), or nil.
    public func latestFailedRunID(dagID: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT run_id FROM dag_run WHERE dag_id = ? AND state = 'failed'
            ORDER BY start_time DESC, run_id DESC LIMIT 1
            """, arguments: [dagID])
    }

    /// Runs of `dagID` that started before `run` and in which `taskID` failed, newest first.
    public func earlierFailedRuns(dagID: String, taskID: String, before run: DagRun, limit: Int) throws -> [String] {
        guard let start = run.start else { return [] }
        return try String.fetchAll(db, sql: """
            SELECT r.run_id FROM dag_run r JOIN task_run t ON t.run_num = r.num
            WHERE r.dag_id = ? AND r.run_id != ? AND r.start_time < ? AND t.task_id = ? AND t.state = 'failed'
            ORDER BY r.start_time DESC, r.run_id DESC LIMIT ?
            """, arguments: [dagID, run.runID, start, taskID, limit])
    }

    /// The DAG of the newest failed run among DAGs whose tool is `tool` (the dbt importer's
    /// `dbt.<project>` DAGs); failing that, among DAGs whose id starts with the tool's name
    /// (an Airflow DAG that runs dbt, such as the demo's dbt_core_nightly). Nil when none failed.
    public func latestFailedRun(tool: String) throws -> (dagID: String, runID: String)? {
        let byTool = try Row.fetchOne(db, sql: """
            SELECT r.dag_id, r.run_id FROM dag_run r JOIN entity e ON e.id = r.dag_id
            WHERE e.tool = ? AND e.kind = 'dag' AND r.state = 'failed'
            ORDER BY r.start_time DESC, r.run_id DESC LIMIT 1
            """, arguments: [tool])
        let row = try byTool ?? Row.fetchOne(db, sql: """
            SELECT r.dag_id, r.run_id FROM dag_run r
            WHERE (r.dag_id LIKE ? ESCAPE '\\' OR r.dag_id LIKE ? ESCAPE '\\') AND r.state = 'failed'
            ORDER BY r.start_time DESC, r.run_id DESC LIMIT 1
            """, arguments: [Self.escapeLike(tool) + "\\_%", Self.escapeLike(tool) + ".%"])
        return row.map { ($0["dag_id"], $0["run_id"]) }
    }

    /// Per task, the run's recorded error message (task_run.message, written by the dbt
    /// and OpenLineage importers).
    public func taskRunMessages(dagID: String, runID: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT t.task_id, t.message FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE r.dag_id = ? AND r.run_id = ? AND t.message IS NOT NULL AND t.message != ''
            """, arguments: [dagID, runID]) {
            out[row["task_id"]] = row["message"]
        }
        return out
    }
}
