import Foundation

/// OpenLineage RunEvents as Airflow's provider writes them, one per line, for the import
/// benchmark: DAGs of ten tasks in a chain, each DAG run a DAG START, a START and a COMPLETE (or,
/// now and then, FAIL with an error message) per task, and the DAG's COMPLETE or FAIL. Like the
/// real provider, every task event carries the whole DAG (each task's settings) in its
/// `airflow` run facet, and inputs and outputs with a schema facet. Deterministic for a seed.
public enum SyntheticOpenLineage {
    public static func write(events wanted: Int, seed: UInt64, to path: String) throws -> (bytes: Int, events: Int) {
        var rng = SplitMix64(seed: seed)
        let dags = 50, tasksPerDag = 10
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let out = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? out.close() }
        var buffer = Data()
        var bytes = 0, events = 0
        func emit(_ object: [String: Any]) throws {
            buffer += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            buffer.append(0x0A)
            events += 1
            if buffer.count > 1 << 20 { bytes += buffer.count; out.write(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        func uuid() -> String {
            let a = rng.next(), b = rng.next()
            let hex = String(format: "%016llx%016llx", a, b)
            let c = Array(hex)
            return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
        }
        let ns = "airflow-bench"
        func dataset(_ dag: Int, _ task: Int) -> [String: Any] {
            let fields = (0..<8).map { ["name": "col_\($0)", "type": $0 % 2 == 0 ? "varchar" : "integer", "description": "Column \($0) of step \(task)."] }
            return ["namespace": "postgres://warehouse:5432", "name": "analytics.dag_\(dag).step_\(task)",
                    "facets": ["schema": ["_producer": "bench", "fields": fields]]]
        }
        // The whole DAG, as the provider repeats it in every task event.
        func dagFacet(_ dag: Int) -> [String: Any] {
            var tasks: [String: Any] = [:]
            for t in 0..<tasksPerDag {
                tasks["task_\(t)"] = ["operator": "airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator",
                                      "downstream_task_ids": t + 1 < tasksPerDag ? ["task_\(t + 1)"] : [],
                                      "emits_ol_events": true, "is_setup": false, "is_teardown": false,
                                      "ui_color": "#cdaaed", "ui_fgcolor": "#000", "ui_label": "task_\(t)",
                                      "retries": 2, "owner": "team-\(dag % 7)", "pool": "default_pool"]
            }
            return ["dag_id": "dag_\(dag)", "fileloc": "/opt/airflow/dags/dag_\(dag).py", "owner": "team-\(dag % 7)",
                    "schedule_interval": "@daily", "tags": ["bench", "team-\(dag % 7)"], "tasks": tasks]
        }
        var run = 0
        while events < wanted {
            let dag = run % dags
            let day = run / dags
            let runID = String(format: "scheduled__2026-%02d-%02dT02:00:00+00:00", 1 + day / 28 % 12, 1 + day % 28)
            let dagRunUUID = uuid()
            let time = String(format: "2026-%02d-%02dT02:00:00Z", 1 + day / 28 % 12, 1 + day % 28)
            let dagJob: [String: Any] = ["namespace": ns, "name": "dag_\(dag)",
                                         "facets": ["jobType": ["jobType": "DAG", "integration": "AIRFLOW", "processingType": "BATCH"]]]
            let dagRunFacet: [String: Any] = ["airflowDagRun": ["dag": ["dag_id": "dag_\(dag)"], "dagRun": ["run_id": runID]]]
            try emit(["eventType": "START", "eventTime": time, "producer": "bench", "job": dagJob,
                      "run": ["runId": dagRunUUID, "facets": dagRunFacet], "inputs": [], "outputs": []])
            var failed = false
            for t in 0..<tasksPerDag where !failed {
                let taskUUID = uuid()
                let parent: [String: Any] = ["job": ["namespace": ns, "name": "dag_\(dag)"], "run": ["runId": dagRunUUID]]
                var runFacets: [String: Any] = [
                    "parent": parent,
                    "airflow": ["dag": dagFacet(dag), "dagRun": ["run_id": runID, "dag_id": "dag_\(dag)"],
                                "taskInstance": ["try_number": 1, "pool": "default_pool", "queue": "default"],
                                "task": ["task_id": "task_\(t)", "operator": "SQLExecuteQueryOperator"]],
                ]
                let job: [String: Any] = ["namespace": ns, "name": "dag_\(dag).task_\(t)",
                                          "facets": ["jobType": ["jobType": "TASK", "integration": "AIRFLOW", "processingType": "BATCH"],
                                                     "ownership": ["owners": [["name": "team-\(dag % 7)"]]]]]
                let inputs = t == 0 ? [] : [dataset(dag, t - 1)]
                let outputs = [dataset(dag, t)]
                try emit(["eventType": "START", "eventTime": time, "producer": "bench", "job": job,
                          "run": ["runId": taskUUID, "facets": runFacets], "inputs": inputs, "outputs": outputs])
                failed = rng.chance(0.01)
                if failed {
                    runFacets["errorMessage"] = ["message": "relation \"analytics.dag_\(dag).step_\(t)\" does not exist",
                                                 "programmingLanguage": "python", "stackTrace": "Traceback (most recent call last):\n  ..."]
                }
                try emit(["eventType": failed ? "FAIL" : "COMPLETE", "eventTime": time, "producer": "bench", "job": job,
                          "run": ["runId": taskUUID, "facets": runFacets], "inputs": inputs, "outputs": outputs])
            }
            try emit(["eventType": failed ? "FAIL" : "COMPLETE", "eventTime": time, "producer": "bench", "job": dagJob,
                      "run": ["runId": dagRunUUID, "facets": dagRunFacet], "inputs": [], "outputs": []])
            run += 1
        }
        bytes += buffer.count
        out.write(buffer)
        return (bytes, events)
    }
}
