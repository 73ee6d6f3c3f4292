import Foundation
import StrataCatalog
import StrataYAML

/// Airflow metadata as its stable REST API returns it, saved as files (`GET /dags`,
/// `/dags/{id}/tasks`, `/dags/{id}/dagRuns`, `/dags/{id}/dagRuns/{run}/taskInstances`), plus a
/// task-log folder in Airflow's layout (`dag_id=…/run_id=…/task_id=…/[map_index=…/]attempt=N.log`).
/// Airflow 2 and 3 field names are both read (`dag_run_id`/`run_id`, `execution_date`/
/// `logical_date`, `schedule_interval`/`timetable_summary`, `dag_display_name`).
///
/// Every input of one command is one source: runs and their task instances usually come from
/// different files, so the files are read together. Directories are walked: `.json` files must be
/// API responses (anything else is an error naming the file), `attempt=N.log` files under a
/// `dag_id=` folder are logs, other files are skipped with a warning.
public enum AirflowImporter {
    struct DagList: Decodable { var dags: [Dag] }
    struct Dag: Decodable {
        var dag_id: String
        var dag_display_name: String?
        var description: String?
        var owners: [String]?
        var tags: [Tag]?
        var schedule_interval: Schedule?
        var timetable_summary: String?       // Airflow 3
        var timetable_description: String?
        var fileloc: String?
        struct Tag: Decodable { var name: String }
        struct Schedule: Decodable { var value: String? }
    }
    struct TaskList: Decodable { var tasks: [Task] }
    struct Task: Decodable {
        var task_id: String
        var task_display_name: String?
        var owner: String?
        var trigger_rule: String?
        var retries: Double?
        var downstream_task_ids: [String]?
        var operator_name: String?
        var class_ref: ClassRef?
        var doc_md: String?
        struct ClassRef: Decodable { var class_name: String? }
    }
    struct RunList: Decodable { var dag_runs: [Run] }
    struct Run: Decodable {
        var dag_id: String
        var dag_run_id: String?
        var run_id: String?                  // Airflow 3 also accepts this
        var state: String?
        var start_date: String?
        var end_date: String?
        var logical_date: String?
        var execution_date: String?
    }
    struct TaskInstanceList: Decodable { var task_instances: [TaskInstance] }
    struct TaskInstance: Decodable {
        var task_id: String
        var dag_id: String
        var dag_run_id: String?
        var run_id: String?
        var state: String?
        var try_number: Int?
        var start_date: String?
        var end_date: String?
        var map_index: Int?
    }

    public static func plan(_ inputs: [String]) throws -> ImportPlan {
        var plan = ImportPlan()
        var jsonFiles: [String] = []
        var logs: [(dag: String, run: String, task: String, attempt: Int, path: String)] = []
        var skipped: [String] = []
        for input in inputs {
            let files: [String]
            if ImportInput.isDirectory(input) {
                files = ImportInput.walk(input)
            } else {
                _ = try ImportInput.read(input)
                files = [input]
            }
            for f in files {
                if f.lowercased().hasSuffix(".json") || f.lowercased().hasSuffix(".json.gz") {
                    jsonFiles.append(f)
                } else if let log = logKey(f) {
                    logs.append((log.dag, log.run, log.task, log.attempt, ImportInput.absolute(f)))
                } else {
                    skipped.append(f)
                }
            }
        }
        if !skipped.isEmpty {
            plan.warnings.append("skipped \(skipped.count) file\(skipped.count == 1 ? "" : "s") that are neither API responses (.json) nor task logs: "
                                 + skipped.prefix(5).map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
                                 + (skipped.count > 5 ? ", …" : ""))
        }
        if jsonFiles.isEmpty && logs.isEmpty {
            throw ImportInput.problem(inputs.joined(separator: ", "), "no Airflow API responses (.json) or task logs found")
        }

        var dags: [Dag] = []
        var tasks: [String: [Task]] = [:]
        var runs: [Run] = []
        var instances: [TaskInstance] = []
        for f in jsonFiles {
            let data = try ImportInput.read(f)
            guard let top = try ImportInput.jsonObject(data, file: f) as? [String: Any] else {
                throw ImportInput.problem(f, "not an Airflow API response (expected a JSON object)")
            }
            if top["dags"] != nil {
                dags += try ImportInput.decode(DagList.self, data, file: f).dags
            } else if top["tasks"] != nil {
                guard let dagID = top["dag_id"] as? String ?? dagIDFromName(f) else {
                    throw ImportInput.problem(f, "a task list does not say its DAG: save it as dags__<dag_id>__tasks.json (as the API path /dags/<dag_id>/tasks)")
                }
                tasks[dagID, default: []] += try ImportInput.decode(TaskList.self, data, file: f).tasks
            } else if top["dag_runs"] != nil {
                runs += try ImportInput.decode(RunList.self, data, file: f).dag_runs
            } else if top["task_instances"] != nil {
                instances += try ImportInput.decode(TaskInstanceList.self, data, file: f).task_instances
            } else {
                throw ImportInput.problem(f, "not an Airflow API response: expected one of the keys dags, tasks, dag_runs, task_instances (found \(top.keys.sorted().prefix(6).joined(separator: ", ")))")
            }
        }

        let source = inputs.map(ImportInput.absolute).sorted().joined(separator: " + ")
        var b = ImportFileBatch(importer: "airflow", file: source)
        StandardStages.ensure(["orchestrate"], into: &plan)
        KnownTools.ensure("airflow", into: &plan)
        var owners: [String: ImportedEntity] = [:]
        func owner(_ name: String?) -> String? {
            // `airflow` is Airflow's default owner: nobody in particular.
            guard let name, name != "airflow", let o = Owners.entity(name: name, type: .team) else { return nil }
            owners[o.entity.id] = o
            return o.entity.id
        }
        var dagOwner: [String: String] = [:]
        var dagIDs = Set<String>()
        for d in dags {
            dagIDs.insert(d.dag_id)
            var e = ImportedEntity(Entity(id: d.dag_id, kind: .dag, name: d.dag_display_name ?? d.dag_id, stage: "orchestrate",
                                          owner: owner(d.owners?.first), tool: "airflow",
                                          description: d.description ?? d.timetable_description.map { "Runs \($0.lowercased())." } ?? "",
                                          tags: (d.tags ?? []).map(\.name)))
            e.schedule = d.schedule_interval?.value ?? d.timetable_summary
            dagOwner[d.dag_id] = e.entity.owner
            b.entities.append(e)
        }
        for (dagID, list) in tasks.sorted(by: { $0.key < $1.key }) {
            if !dagIDs.contains(dagID) {
                dagIDs.insert(dagID)
                b.entities.append(ImportedEntity(Entity(id: dagID, kind: .dag, name: dagID, stage: "orchestrate", tool: "airflow")))
            }
            for t in list {
                let id = dagID + "." + t.task_id
                var e = ImportedEntity(Entity(id: id, kind: .task, name: t.task_display_name ?? t.task_id, stage: "orchestrate",
                                              owner: owner(t.owner) ?? dagOwner[dagID], tool: "airflow",
                                              description: t.doc_md ?? ""))
                e.task = TaskDetail(dagID: dagID, taskID: t.task_id, operatorName: t.class_ref?.class_name ?? t.operator_name,
                                    triggerRule: t.trigger_rule ?? "all_success", retries: Int(t.retries ?? 0))
                b.entities.append(e)
                for down in t.downstream_task_ids ?? [] {
                    b.edges.append(Edge(from: id, to: dagID + "." + down, source: .airflow))
                }
            }
        }
        b.entities += owners.values.sorted { $0.entity.id < $1.entity.id }

        // Runs with their task instances and logs.
        struct RunKey: Hashable { var dag: String; var run: String }
        var byRun: [RunKey: ImportedRun] = [:]
        var order: [RunKey] = []
        for r in runs {
            guard let runID = r.dag_run_id ?? r.run_id else { continue }
            let key = RunKey(dag: r.dag_id, run: runID)
            if byRun[key] == nil { order.append(key) }
            byRun[key] = ImportedRun(dagID: r.dag_id, runID: runID, state: r.state ?? "queued",
                                     start: (r.start_date ?? r.logical_date ?? r.execution_date).map(UTCTime.normalized),
                                     end: r.end_date.map(UTCTime.normalized), startIsEstimate: r.start_date == nil)
        }
        var logsByTI: [String: [(Int, String)]] = [:]
        for l in logs { logsByTI["\(l.dag)\u{1F}\(l.run)\u{1F}\(l.task)", default: []].append((l.attempt, l.path)) }
        for ti in instances {
            guard let runID = ti.dag_run_id ?? ti.run_id else { continue }
            let key = RunKey(dag: ti.dag_id, run: runID)
            if byRun[key] == nil {
                order.append(key)
                byRun[key] = ImportedRun(dagID: ti.dag_id, runID: runID, state: "unknown")
            }
            let taskLogs = (logsByTI["\(ti.dag_id)\u{1F}\(runID)\u{1F}\(ti.task_id)"] ?? []).sorted { $0.0 < $1.0 }.map(\.1)
            byRun[key]!.tasks.append(ImportedTaskRun(TaskRun(
                taskID: ti.dag_id + "." + ti.task_id, state: ti.state ?? "queued", tries: max(ti.try_number ?? 0, taskLogs.count),
                start: ti.start_date.map(UTCTime.normalized), end: ti.end_date.map(UTCTime.normalized), logs: taskLogs)))
        }
        for key in order {
            var run = byRun[key]!
            if run.state == "unknown" {
                run.state = run.tasks.contains { $0.run.state == "failed" } ? "failed" : "success"
            }
            if run.start == nil { run.start = run.tasks.compactMap(\.run.start).min() }
            run.tasks.sort { $0.run.taskID < $1.run.taskID }
            b.runs.append(run)
        }
        let attached = Set(instances.map { "\($0.dag_id)\u{1F}\($0.dag_run_id ?? $0.run_id ?? "")\u{1F}\($0.task_id)" })
        let orphans = logsByTI.keys.filter { !attached.contains($0) }
        if !logs.isEmpty && instances.isEmpty {
            plan.warnings.append("\(logs.count) task log file\(logs.count == 1 ? "" : "s") not attached: logs are attached to task instances, so import the log folder together with the taskInstances responses")
        } else if !orphans.isEmpty {
            plan.warnings.append("\(orphans.count) task log folder\(orphans.count == 1 ? "" : "s") match no imported task instance (import its taskInstances response too)")
        }
        plan.batch.files.append(b)
        return plan
    }

    /// `dags__orders_daily__tasks.json` -> `orders_daily`.
    static func dagIDFromName(_ path: String) -> String? {
        let name = (path as NSString).lastPathComponent
        guard let r = name.range(of: #"^dags__(.+)__tasks\.json"#, options: .regularExpression) else { return nil }
        return String(name[r].dropFirst("dags__".count).dropLast("__tasks.json".count))
    }

    /// The (dag, run, task, attempt) of a log file in Airflow's layout.
    static func logKey(_ path: String) -> (dag: String, run: String, task: String, attempt: Int)? {
        var dag: String?, run: String?, task: String?, attempt: Int?
        for part in path.split(separator: "/") {
            if part.hasPrefix("dag_id=") { dag = String(part.dropFirst(7)) }
            else if part.hasPrefix("run_id=") { run = String(part.dropFirst(7)) }
            else if part.hasPrefix("task_id=") { task = String(part.dropFirst(8)) }
            else if part.hasPrefix("attempt="), part.hasSuffix(".log") { attempt = Int(part.dropFirst(8).dropLast(4)) }
        }
        guard let dag, let run, let task, let attempt else { return nil }
        return (dag, run, task, attempt)
    }
}
