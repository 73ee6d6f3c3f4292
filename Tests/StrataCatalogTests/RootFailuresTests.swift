import GRDB
@testable import StrataCatalog
import Testing

/// The root failing tasks of a run, through lineage edges of any source (task → table → task,
/// dbt models), and the dbt importer's task_run.message read when its column exists.
@Suite struct RootFailuresTests {
    func catalog() throws -> Catalog {
        let c = try Catalog()
        try c.write { w in
            try w.upsert(Entity(id: "d", kind: .dag, name: "d"))
            for t in ["d.load", "d.build", "d.report", "d.notify", "d.other"] {
                try w.upsert(Entity(id: t, kind: .task, name: t))
                try w.setTask(t, TaskDetail(dagID: "d", taskID: String(t.dropFirst(2)), operatorName: nil,
                                            triggerRule: t == "d.report" ? "all_done" : "all_success"))
            }
            try w.upsert(Entity(id: "t.raw", kind: .table, name: "t.raw"))
            // load writes t.raw, build reads it (no direct task edge); report runs after build;
            // notify after report; other is independent.
            try w.addEdge(Edge(from: "d.load", to: "t.raw", source: .openlineage))
            try w.addEdge(Edge(from: "t.raw", to: "d.build", source: .openlineage))
            try w.addEdge(Edge(from: "d.build", to: "d.report", source: .airflow))
            try w.addEdge(Edge(from: "d.report", to: "d.notify", source: .airflow))
            try w.putRun(DagRun(dagID: "d", runID: "r1", state: "failed", start: "2026-01-01", tasks: [
                TaskRun(taskID: "d.load", state: "failed"), TaskRun(taskID: "d.build", state: "upstream_failed"),
                TaskRun(taskID: "d.report", state: "failed"), TaskRun(taskID: "d.notify", state: "upstream_failed"),
                TaskRun(taskID: "d.other", state: "failed"),
            ]))
            try w.putRun(DagRun(dagID: "d", runID: "r0", state: "success", start: "2025-12-31",
                                tasks: [TaskRun(taskID: "d.load", state: "success")]))
        }
        return c
    }

    @Test func rootsSkipConsequencesThroughTables() throws {
        let c = try catalog()
        let roots = try c.read { r in try r.rootFailures(of: try #require(try r.dagRun(dagID: "d", runID: "r1"))) }
        // report (all_done) failed because load failed two hops up, through t.raw and build.
        #expect(roots == ["d.load", "d.other"])
        #expect(try c.read { try $0.latestFailedRunID(dagID: "d") } == "r1")
    }

    /// The navigator's states: a DAG or task is as its latest run left it, and a DAG whose
    /// latest run succeeded is not counted as failed however often it failed before.
    @Test func latestStatesAndFailedDagCount() throws {
        let c = try catalog()
        #expect(try c.read { try $0.latestRunStates(dags: ["d", "missing"]) } == ["d": "failed"])
        #expect(try c.read { try $0.latestRunStates(tasks: ["d.load", "d.build", "d.other"]) }
                == ["d.load": "failed", "d.build": "upstream_failed", "d.other": "failed"])
        #expect(try c.read { try $0.failedDagCount() } == 1)
        try c.write { w in try w.putRun(DagRun(dagID: "d", runID: "r2", state: "success", start: "2026-01-02",
                                               tasks: [TaskRun(taskID: "d.load", state: "success")])) }
        #expect(try c.read { try $0.failedDagCount() } == 0)
        #expect(try c.read { try $0.latestRunStates(tasks: ["d.load", "d.build"]) } == ["d.load": "success", "d.build": "upstream_failed"])
    }

    @Test func messagesOfTheRunsTasks() throws {
        let c = try catalog()
        #expect(try c.read { try $0.taskRunMessages(dagID: "d", runID: "r1") }.isEmpty)
        try c.write { w in
            try w.db.execute(sql: """
                UPDATE task_run SET message = 'Database Error in model load' WHERE task_id = 'd.load'
                """)
        }
        #expect(try c.read { try $0.taskRunMessages(dagID: "d", runID: "r1") } == ["d.load": "Database Error in model load"])
    }
}
