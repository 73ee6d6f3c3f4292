import Foundation
import StrataYAML
import StrataCatalog

/// OpenLineage RunEvents: one JSON object per line (NDJSON), a JSON array, or one event per
/// file; directories are walked for `.json`, `.ndjson` and `.jsonl` files.
///
/// Jobs become tasks inside DAGs (the `parent` run facet links a task to its DAG; Airflow's
/// provider names jobs `dag_id` and `dag_id.task_id`, so they meet the Airflow importer's ids).
/// Jobs that are dbt nodes (the `dbt_node` facet, or dbt-ol's `model.pkg.name` job names) are
/// not tasks: their runs are recorded on the node itself, in the DAG `dbt.<project>`, as the
/// dbt importer does; dbt test jobs only give runs (the manifest's tests are the checks), and
/// `.sql.N` sub-jobs are folded into their node. Datasets become tables (merged with dbt's by relation, dbt node or project + name),
/// inputs and outputs become lineage, `schema` columns, `columnLineage` column lineage,
/// `ownership` and `documentation` owners and descriptions, event types run states and
/// `errorMessage` the message of the failed task run.
///
/// A JSON file that holds an OpenLineage facet example (not a RunEvent) is skipped with a
/// warning when met while walking a directory, and is an error when named directly. Any other
/// JSON that is not a RunEvent is an error.
public enum OpenLineageImporter {
    static let facetNames: Set<String> = [
        "columnLineage", "errorMessage", "schema", "documentation", "ownership", "dataSource", "lifecycleStateChange",
        "version", "storage", "symlinks", "sql", "sourceCode", "sourceCodeLocation", "jobType", "parent", "nominalTime",
        "processing_engine", "dataQualityMetrics", "dataQualityAssertions", "outputStatistics", "inputStatistics",
        "environmentVariables", "tags", "extractionError", "externalQuery", "catalog", "datasetType", "hierarchy",
    ]
    static let eventTypes: Set<String> = ["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"]

    struct Event {
        var type: String
        var time: String
        var runID: String
        var jobNamespace: String
        var jobName: String
        var runFacets: [String: Any]
        var jobFacets: [String: Any]
        var inputs: [[String: Any]]
        var outputs: [[String: Any]]
        var parentJob: String? { obj(obj(runFacets["parent"])?["job"])?["name"] as? String }
        var parentRunID: String? { obj(obj(runFacets["parent"])?["run"])?["runId"] as? String }
        var rootJob: String? { obj(obj(obj(runFacets["parent"])?["root"])?["job"])?["name"] as? String }
    }

    public static func plan(_ inputs: [String]) throws -> ImportPlan {
        var plan = ImportPlan()
        var files: [(path: String, explicit: Bool)] = []
        var ignored: [String] = []
        for input in inputs {
            if ImportInput.isDirectory(input) {
                for f in ImportInput.walk(input) {
                    let ext = (f as NSString).pathExtension.lowercased()
                    if ["json", "ndjson", "jsonl"].contains(ext) { files.append((f, false)) } else { ignored.append(f) }
                }
            } else {
                files.append((input, true))
            }
        }
        if !ignored.isEmpty {
            plan.warnings.append("skipped \(ignored.count) file\(ignored.count == 1 ? "" : "s") that are not .json, .ndjson or .jsonl: "
                                 + ignored.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
        }
        var read: [[Event]] = []
        for (path, explicit) in files {
            let (events, facetOnly) = try readEvents(path)
            if let facetOnly {
                let message = "not an OpenLineage RunEvent but a facet example (\(facetOnly)); "
                if explicit { throw ImportInput.problem(path, message + "nothing to import") }
                plan.warnings.append(path + ": " + message + "skipped")
                continue
            }
            read.append(events)
            plan.batch.files.append(batch(for: events, file: ImportInput.absolute(path), plan: &plan))
        }
        if read.isEmpty { throw ImportInput.problem(inputs.joined(separator: ", "), "no OpenLineage RunEvents found") }
        mergeRunsAcrossFiles(read, into: &plan)
        StandardStages.ensure(["load", "transform", "orchestrate"], into: &plan)
        return plan
    }

    /// A run's events are often spread over files: one event per file is a common way to keep
    /// them (START in one, COMPLETE in the next), and the tasks of one DAG run land in files of
    /// their own. Planned file by file, each file would record its own half of the run and the
    /// last one written would win. When the files of one import share a run (its id, or the
    /// parent run of a task), the runs are computed from all their events together and kept by
    /// the last file read, which is the same file on every re-import of the same inputs.
    static func mergeRunsAcrossFiles(_ read: [[Event]], into plan: inout ImportPlan) {
        guard read.count > 1 else { return }
        var seenIn: [String: Int] = [:]
        var shared = false
        for (i, events) in read.enumerated() where !shared {
            for id in Set(events.map(\.runID) + events.compactMap(\.parentRunID)) {
                if let j = seenIn[id], j != i { shared = true; break }
                seenIn[id] = i
            }
        }
        guard shared else { return }
        var scratch = ImportPlan()
        let whole = batch(for: read.flatMap { $0 }, file: "", plan: &scratch)
        for i in plan.batch.files.indices { plan.batch.files[i].runs = [] }
        plan.batch.files[plan.batch.files.count - 1].runs = whole.runs
    }

    // MARK: Reading events

    /// The events of a file, or the facet names when the file is a facet example.
    static func readEvents(_ path: String) throws -> ([Event], String?) {
        let data = try ImportInput.read(path)
        guard let firstByte = data.first(where: { !JSONBytes.isSpace($0) }) else {
            throw ImportInput.problem(path, "empty file: no OpenLineage events")
        }
        var values: [(Any, Int, String)] = []   // value, line, JSON path prefix
        if firstByte == UInt8(ascii: "[") {
            guard let list = try ImportInput.jsonObject(data, file: path) as? [Any] else {
                throw ImportInput.problem(path, "expected a JSON array of events")
            }
            values = list.enumerated().map { ($1, 0, "[\($0)]") }
        } else {
            // NDJSON when the first line is a whole JSON value; otherwise one (pretty) event.
            let lines = JSONBytes.lines(data)
            if (try? JSONSerialization.jsonObject(with: data[lines[0].range])) != nil {
                if lines.count > 1, let events = eventsInParallel(data, lines, file: path) { return (events, nil) }
                values = try lines.map { (try ImportInput.jsonObject(data[$0.range], file: path, line: $0.number), $0.number, "") }
            } else {
                values = [(try ImportInput.jsonObject(data, file: path), 0, "")]
            }
        }
        if values.count == 1, let o = values[0].0 as? [String: Any], o["eventType"] == nil, o["run"] == nil, o["job"] == nil,
           !o.isEmpty, o.keys.allSatisfy({ facetNames.contains($0) || obj(o[$0])?["_producer"] != nil }) {
            return ([], o.keys.sorted().joined(separator: ", "))
        }
        return (try values.map { try event($0.0, file: path, line: $0.1, at: $0.2) }, nil)
    }

    /// The events of NDJSON lines, each line parsed and read on one of the cores (its JSON tree
    /// freed at once: an event keeps a fraction of it). nil when any line is not valid, or the
    /// file is small: the caller then reads the lines in order, which names the first bad one.
    static func eventsInParallel(_ data: Data, _ lines: [(range: Range<Data.Index>, number: Int)], file: String) -> [Event]? {
        guard lines.count >= 2_000, ProcessInfo.processInfo.activeProcessorCount > 1 else { return nil }
        let parsed = Parallel.slices(lines, runs: 8) { slice -> [Event]? in
            var out: [Event] = []
            for line in slice {
                guard let value = try? JSONSerialization.jsonObject(with: data[line.range], options: [.fragmentsAllowed]),
                      let e = try? event(value, file: file, line: line.number, at: "") else { return nil }
                out.append(e)
            }
            return out
        }
        guard parsed.allSatisfy({ $0 != nil }) else { return nil }
        return parsed.flatMap { $0! }
    }

    static func event(_ value: Any, file: String, line: Int, at prefix: String) throws -> Event {
        func fail(_ message: String) -> InputProblems {
            ImportInput.problem(file, (prefix.isEmpty ? "" : "\(prefix): ") + message, line: line)
        }
        guard let o = value as? [String: Any] else { throw fail("expected an OpenLineage RunEvent (a JSON object)") }
        if o["eventType"] == nil && o["run"] == nil && o["job"] == nil {
            throw fail("not an OpenLineage RunEvent (no eventType, run or job)")
        }
        func need(_ key: String, in dict: [String: Any]?, path: String) throws -> String {
            guard let s = dict?[key] as? String, !s.isEmpty else {
                throw fail("OpenLineage event is missing required field \(path)")
            }
            return s
        }
        let type = try need("eventType", in: o, path: "eventType")
        guard eventTypes.contains(type) else {
            throw fail("eventType '\(type)' is not one of \(eventTypes.sorted().joined(separator: ", "))")
        }
        let time = UTCTime.normalized(try need("eventTime", in: o, path: "eventTime"))
        guard let run = obj(o["run"]) else { throw fail("OpenLineage event is missing required field run") }
        guard let job = obj(o["job"]) else { throw fail("OpenLineage event is missing required field job") }
        let runID = try need("runId", in: run, path: "run.runId")
        let ns = try need("namespace", in: job, path: "job.namespace")
        let name = try need("name", in: job, path: "job.name")
        func datasets(_ key: String) throws -> [[String: Any]] {
            guard let v = o[key] else { return [] }
            guard let list = v as? [Any] else { throw fail("\(key) must be a list of datasets") }
            return try list.enumerated().map { i, d in
                guard let d = d as? [String: Any], d["namespace"] is String, d["name"] is String else {
                    throw fail("\(key)[\(i)] is missing required field namespace or name")
                }
                return compactDataset(d)
            }
        }
        return Event(type: type, time: time, runID: runID, jobNamespace: ns, jobName: name,
                     runFacets: kept(obj(run["facets"]) ?? [:], runFacetKeys), jobFacets: kept(obj(job["facets"]) ?? [:], jobFacetKeys),
                     inputs: try datasets("inputs"), outputs: try datasets("outputs"))
    }

    /// What the importer reads of an event, by key, down to the levels it reads (`nil`: the whole
    /// value). The rest is dropped as each event is read: Airflow's facets carry the DAG with every
    /// task's settings in every event, most of a file's memory, and none of it is used.
    final class Keys: Sendable {
        let keys: [String: Keys?]
        init(_ keys: [String: Keys?]) { self.keys = keys }
    }
    static let runFacetKeys = Keys([
        "parent": nil, "dbt_run": nil, "processing_engine": nil, "errorMessage": nil,
        "airflow": Keys(["dagRun": Keys(["run_id": nil]), "taskInstance": Keys(["try_number": nil]),
                         "task": Keys(["upstream_task_ids": nil, "trigger_rule": nil, "operator_class": nil, "retries": nil])]),
        "airflowDagRun": Keys(["dagRun": Keys(["run_id": nil])]),
    ])
    static let jobFacetKeys = Keys(["jobType": nil, "dbt_node": nil, "ownership": nil, "documentation": nil])
    static let datasetKeys = Keys([
        "namespace": nil, "name": nil,
        "facets": Keys(["documentation": nil, "ownership": nil, "columnLineage": nil]),
    ])

    /// A dataset as kept: its facets as read, and its `schema` facet's fields as `Column`s under
    /// "columns" (a field as a dictionary of strings cost about 1.5 KB; an event's datasets were
    /// most of what 30,000 Airflow events held: 1.29 GB).
    static func compactDataset(_ d: [String: Any]) -> [String: Any] {
        var out = kept(d, datasetKeys)
        if let fields = obj(obj(d["facets"])?["schema"])?["fields"] as? [Any] {
            out["columns"] = fields.compactMap(obj).compactMap { f -> Column? in
                guard let n = f["name"] as? String else { return nil }
                return Column(name: n, type: f["type"] as? String, description: (f["description"] as? String) ?? "")
            }
        }
        return out
    }

    /// Airflow's `upstream_task_ids`: a list, or (as the Airflow provider writes it) the
    /// Python repr of one, `"['extract', 'load']"`.
    static func taskIDs(_ value: Any?) -> [String] {
        if let list = value as? [Any] { return list.compactMap { $0 as? String } }
        guard let text = value as? String else { return [] }
        var out: [String] = []
        var quote: Character?
        var current = ""
        for ch in text {
            if let q = quote {
                if ch == q { out.append(current); current = ""; quote = nil } else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
            }
        }
        return out
    }

    static func kept(_ object: [String: Any], _ keys: Keys) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, sub) in keys.keys {
            guard let value = object[key] else { continue }
            if let sub, let inner = value as? [String: Any] { out[key] = kept(inner, sub) } else { out[key] = value }
        }
        return out
    }

    // MARK: Building the batch

    enum Role { case dag, task, dbtNode(String), dbtTest(String), ignored }

    static func batch(for events: [Event], file: String, plan: inout ImportPlan) -> ImportFileBatch {
        var b = ImportFileBatch(importer: "openlineage", file: file)
        let events = events.sorted { $0.time < $1.time }
        // Jobs and what we know of them.
        var jobFacets: [String: [String: Any]] = [:]
        var parentOf: [String: String] = [:]
        var rootOf: [String: String] = [:]
        var parents = Set<String>()
        var project: [String: String] = [:]
        var engine: [String: String] = [:]
        var isAirflow = Set<String>()
        var namespaceOf: [String: String] = [:]   // a job's namespace in its first event
        // Airflow's task facet (its latest): the operator, trigger rule and upstream tasks, which
        // put the DAG's tasks in order and tell a root failure from an all_done consequence.
        var airflowTask: [String: [String: Any]] = [:]
        for e in events {
            if let t = obj(obj(e.runFacets["airflow"])?["task"]), !t.isEmpty { airflowTask[e.jobName] = t }
            if namespaceOf[e.jobName] == nil { namespaceOf[e.jobName] = e.jobNamespace }
            jobFacets[e.jobName, default: [:]].merge(e.jobFacets) { _, new in new }
            if let p = e.parentJob, p != e.jobName { parentOf[e.jobName] = p; parents.insert(p) }
            if let r = e.rootJob, r != e.jobName { rootOf[e.jobName] = r; parents.insert(r) }
            if let p = obj(e.runFacets["dbt_run"])?["project_name"] as? String { project[e.jobName] = p }
            if let n = obj(e.runFacets["processing_engine"])?["name"] as? String { engine[e.jobName] = n.lowercased() }
            if e.runFacets["airflow"] != nil || e.runFacets["airflowDagRun"] != nil { isAirflow.insert(e.jobName) }
        }
        func root(_ job: String) -> String {
            if let r = rootOf[job] { return r }
            var j = job, seen = Set<String>()
            while let p = parentOf[j], seen.insert(p).inserted { j = p }
            return j
        }
        func dbtProject(_ job: String) -> String? { project[job] ?? project[root(job)] }
        func tool(_ job: String) -> String? {
            if dbtProject(job) != nil || engine[job] == "dbt" { return "dbt" }
            if isAirflow.contains(job) || isAirflow.contains(root(job)) || engine[job] == "airflow" { return "airflow" }
            return engine[job]
        }
        func dagID(_ rootJob: String) -> String {
            if let p = project[rootJob] { return "dbt.\(p)" }
            return rootJob
        }
        func role(_ job: String) -> Role {
            let facets = jobFacets[job] ?? [:]
            let jobType = (obj(facets["jobType"])?["jobType"] as? String)?.uppercased()
            if let parent = parentOf[job], job.range(of: #"\.sql\.\d+$"#, options: .regularExpression) != nil,
               case .dbtNode = role(parent) { return .ignored }
            if let parent = parentOf[job], job.range(of: #"\.sql\.\d+$"#, options: .regularExpression) != nil,
               case .dbtTest = role(parent) { return .ignored }
            if job.hasPrefix("test.") || jobType == "TEST" { return .dbtTest(job) }
            if let u = obj(facets["dbt_node"])?["unique_id"] as? String { return .dbtNode(u) }
            if job.range(of: #"^(model|seed|snapshot)\.[^.]+\.[^.]+$"#, options: .regularExpression) != nil { return .dbtNode(job) }
            if parentOf[job] == nil && rootOf[job] == nil { return parents.contains(job) ? .dag : .task }
            return .task
        }
        var roles: [String: Role] = [:]
        for job in jobFacets.keys { roles[job] = role(job) }

        var entities: [String: ImportedEntity] = [:]
        var owners: [String: ImportedEntity] = [:]
        func ownerID(_ facets: [String: Any]) -> String? {
            guard let list = obj(facets["ownership"])?["owners"] as? [Any] else { return nil }
            for item in list {
                guard let name = obj(item)?["name"] as? String else { continue }
                let clean = name.hasPrefix("user:") || name.hasPrefix("team:") ? String(name.split(separator: ":", maxSplits: 1)[1]) : name
                let type: OwnerType? = name.hasPrefix("team:") ? .team : name.hasPrefix("user:") ? .person : nil
                if let o = Owners.entity(name: clean, type: type) { owners[o.entity.id] = o; return o.entity.id }
            }
            return nil
        }
        func documentation(_ facets: [String: Any]) -> String {
            (obj(facets["documentation"])?["description"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        // DAGs and tasks.
        var standaloneDags = Set<String>()
        var taskEdges = Set<Edge>()
        for (job, r) in roles.sorted(by: { $0.key < $1.key }) {
            let facets = jobFacets[job] ?? [:]
            let t = tool(job)
            if let t { KnownTools.ensure(t, into: &plan) }
            switch r {
            case .dag:
                let id = dagID(job)
                var e = ImportedEntity(Entity(id: id, kind: .dag, name: project[job].map { "dbt \($0)" } ?? job,
                                              stage: "orchestrate", owner: ownerID(facets), tool: t,
                                              description: documentation(facets)))
                e.schedule = nil
                entities[id] = e
            case .task:
                let r = root(job)
                let dag: String
                if r == job {
                    // A job on its own: a task of a DAG named after its namespace.
                    let ns = namespaceOf[job] ?? "openlineage"
                    dag = ns
                    if !standaloneDags.contains(ns) && entities[ns] == nil {
                        standaloneDags.insert(ns)
                        entities[ns] = ImportedEntity(Entity(id: ns, kind: .dag, name: ns, stage: "orchestrate", tool: t,
                                                             description: "Jobs of the OpenLineage namespace \(ns)."))
                    }
                } else {
                    dag = dagID(r)
                }
                let taskID = job.hasPrefix(r + ".") ? String(job.dropFirst(r.count + 1)) : job
                var e = ImportedEntity(Entity(id: job, kind: .task, name: taskID, stage: "orchestrate",
                                              owner: ownerID(facets), tool: t, description: documentation(facets)))
                let af = airflowTask[job] ?? [:]
                e.task = TaskDetail(dagID: dag, taskID: taskID, operatorName: af["operator_class"] as? String,
                                    triggerRule: (af["trigger_rule"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "all_success",
                                    retries: (af["retries"] as? Int) ?? Int(af["retries"] as? String ?? "") ?? 0)
                entities[job] = e
                if r != job {
                    for upstream in Self.taskIDs(af["upstream_task_ids"]) where upstream != taskID {
                        taskEdges.insert(Edge(from: r + "." + upstream, to: job, source: .openlineage))
                    }
                }
            default:
                break
            }
        }

        // Task order within a DAG, from Airflow's facets (only between tasks this import knows).
        b.edges += taskEdges.filter { entities[$0.from]?.task != nil }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }

        // Datasets.
        var produced = Set<String>()
        // What each dbt node job writes, found once (looking it up in every event for every
        // dataset was quadratic in the events).
        var dbtNodeOutputs: [String: Set<String>] = [:]
        for e in events { if case .task = roles[e.jobName]! { for d in e.outputs { produced.insert(datasetID(d)) } }
                          if case .dbtNode = roles[e.jobName]! {
                              for d in e.outputs { produced.insert(datasetID(d)); dbtNodeOutputs[e.jobName, default: []].insert(datasetID(d)) }
                          } }
        func addDataset(_ d: [String: Any], job: String) -> String {
            let id = datasetID(d)
            let facets = obj(d["facets"]) ?? [:]
            var e = entities[id] ?? ImportedEntity(Entity(id: id, kind: .table, name: d["name"] as? String ?? id))
            if e.entity.kind != .table { return id }
            e.entity.stage = produced.contains(id) ? "transform" : "load"
            if e.entity.description.isEmpty { e.entity.description = documentation(facets) }
            if e.entity.owner == nil { e.entity.owner = ownerID(facets) }
            let columns = d["columns"] as? [Column] ?? []
            let ns = d["namespace"] as? String ?? ""
            let platform = ns.contains("://") ? String(ns.prefix { $0 != ":" }) : nil
            if e.table == nil || (e.table!.columns.isEmpty && !columns.isEmpty) {
                e.table = TableDetail(platform: platform, materialization: nil, columns: columns)
            }
            let name = (d["name"] as? String ?? "")
            let parts = name.split(separator: ".")
            if parts.count == 3 && !name.contains("/") { e.relation = name.lowercased() }
            if case .dbtNode(let u) = roles[job]!, dbtNodeOutputs[job]?.contains(id) == true {
                e.dbtUniqueID = u
                e.entity.tool = "dbt"
            }
            if e.dbtProject == nil { e.dbtProject = dbtProject(job) }
            entities[id] = e
            return id
        }

        // Lineage and checks.
        for e in events {
            let r = roles[e.jobName]!
            switch r {
            case .ignored:
                continue
            case .dbtTest:
                // dbt tests are checks, and the dbt importer records them from the manifest
                // (dataQualityAssertions repeat them); what they read is already known.
                continue
            case .dbtNode(let node):
                let outs = e.outputs.map { addDataset($0, job: e.jobName) }
                for d in e.inputs {
                    let input = addDataset(d, job: e.jobName)
                    for o in outs { b.edges.append(Edge(from: input, to: o, source: .openlineage)) }
                    if outs.isEmpty { b.edges.append(Edge(from: input, to: node, source: .openlineage)) }
                }
                addColumnLineage(e, into: &b, add: { addDataset($0, job: e.jobName) })
            case .task, .dag:
                let task = r.isDag ? dagID(e.jobName) : e.jobName
                for d in e.inputs { b.edges.append(Edge(from: addDataset(d, job: e.jobName), to: task, source: .openlineage)) }
                for d in e.outputs { b.edges.append(Edge(from: task, to: addDataset(d, job: e.jobName), source: .openlineage)) }
                addColumnLineage(e, into: &b, add: { addDataset($0, job: e.jobName) })
            }
        }

        b.runs = runs(events, roles: roles, root: root, dagID: dagID)
        b.entities = entities.values.sorted { $0.entity.id < $1.entity.id } + owners.values.sorted { $0.entity.id < $1.entity.id }
        return b
    }

    static func addColumnLineage(_ e: Event, into b: inout ImportFileBatch, add: ([String: Any]) -> String) {
        for d in e.outputs {
            guard let fields = obj(obj(obj(d["facets"])?["columnLineage"])?["fields"]) else { continue }
            let to = add(d)
            for (column, spec) in fields.sorted(by: { $0.key < $1.key }) {
                for input in (obj(spec)?["inputFields"] as? [Any] ?? []).compactMap(obj) {
                    guard input["namespace"] is String, input["name"] is String, let field = input["field"] as? String else { continue }
                    let from = add(input)
                    b.columnEdges.append(ColumnEdge(fromTable: from, fromColumn: field, toTable: to, toColumn: column,
                                                    source: .openlineage))
                }
            }
        }
    }

    /// A dataset's entity id: its name, lower-cased when it is a warehouse name
    /// (`db.schema.table`), else `namespace/name`.
    static func datasetID(_ d: [String: Any]) -> String {
        let ns = d["namespace"] as? String ?? ""
        let name = d["name"] as? String ?? ""
        if !name.contains("/") && !name.contains(":") && name.contains(".") { return name.lowercased() }
        return ns.isEmpty ? name : ns + "/" + name.drop { $0 == "/" }
    }

    // MARK: Runs

    static func runs(_ events: [Event], roles: [String: Role], root: (String) -> String,
                     dagID: (String) -> String) -> [ImportedRun] {
        struct R { var job: String; var events: [Event] }
        var byRun: [String: R] = [:]
        var order: [String] = []
        for e in events where e.type != "OTHER" {
            if byRun[e.runID] == nil { order.append(e.runID); byRun[e.runID] = R(job: e.jobName, events: []) }
            byRun[e.runID]!.events.append(e)
        }
        func state(_ r: R) -> String {
            switch r.events.last { case let e? where e.type == "COMPLETE": "success"
                                   case let e? where e.type == "FAIL": "failed"
                                   case let e? where e.type == "ABORT": "aborted"
                                   default: "running" }
        }
        func message(_ r: R) -> String? {
            for e in r.events.reversed() {
                if let m = obj(e.runFacets["errorMessage"]) {
                    let text = (m["message"] as? String ?? "")
                    let trace = (m["stackTrace"] as? String).map { "\n" + $0 } ?? ""
                    return (text + trace).nilIfEmpty
                }
            }
            return nil
        }
        func facetRunID(_ r: R) -> String? {
            for e in r.events {
                for key in ["airflowDagRun", "airflow"] {
                    if let id = obj(obj(e.runFacets[key])?["dagRun"])?["run_id"] as? String { return id }
                }
                if let id = obj(e.runFacets["dbt_run"])?["invocation_id"] as? String { return id }
            }
            return nil
        }
        // DAG runs, keyed by the OpenLineage run id of the DAG job's run.
        var dagRuns: [String: ImportedRun] = [:]
        var dagRunOrder: [String] = []
        func dagRun(olRunID: String, dagJob: String, child: R?, dag: String? = nil) -> String {
            if dagRuns[olRunID] == nil {
                let own = byRun[olRunID]
                let runID = (own.flatMap(facetRunID)) ?? child.flatMap(facetRunID) ?? olRunID
                var run = ImportedRun(dagID: dag ?? dagID(dagJob), runID: runID, state: own.map(state) ?? "running",
                                      start: own?.events.first?.time, end: own.flatMap { r in
                                          ["COMPLETE", "FAIL", "ABORT"].contains(r.events.last!.type) ? r.events.last!.time : nil })
                if run.state == "aborted" { run.state = "failed" }
                dagRuns[olRunID] = run
                dagRunOrder.append(olRunID)
            }
            return olRunID
        }
        for id in order {
            let r = byRun[id]!
            if case .dag = roles[r.job]! { _ = dagRun(olRunID: id, dagJob: r.job, child: nil) }
        }
        // Task runs grouped by (DAG run, task): retries of one Airflow task are separate runs.
        struct Key: Hashable { var dagRun: String; var task: String }
        var grouped: [Key: [R]] = [:]
        var keyOrder: [Key] = []
        for id in order {
            let r = byRun[id]!
            let taskID: String
            switch roles[r.job]! {
            case .task: taskID = r.job
            case .dbtNode(let u): taskID = u
            case .dbtTest(let t) where t.hasPrefix("test."): taskID = t
            case .dbtTest:
                // dbt-ol's artifact mode reports all tests of a model as one job named after the
                // model (`db.schema.pkg.model.build.test`), failed when the model was skipped:
                // not a node of its own, and it would look like a separate root failure.
                continue
            case .dag, .ignored: continue
            }
            let rootJob = root(r.job)
            let key: Key
            if rootJob == r.job {
                // A job on its own: each of its runs is a run of its namespace's DAG.
                let ns = r.events.first!.jobNamespace
                key = Key(dagRun: dagRun(olRunID: "standalone:" + id, dagJob: r.job, child: r, dag: ns), task: taskID)
                dagRuns[key.dagRun]!.runID = id
            } else {
                let parentRun = r.events.compactMap(\.parentRunID).first ?? "?"
                key = Key(dagRun: dagRun(olRunID: parentRun, dagJob: rootJob, child: r), task: taskID)
            }
            if grouped[key] == nil { keyOrder.append(key) }
            grouped[key, default: []].append(r)
        }
        for key in keyOrder {
            let attempts = grouped[key]!
            let last = attempts.last!
            var tries = attempts.count
            for e in last.events {
                if let n = obj(obj(e.runFacets["airflow"])?["taskInstance"])?["try_number"] as? Int { tries = max(tries, n) }
            }
            dagRuns[key.dagRun]!.tasks.append(ImportedTaskRun(
                TaskRun(taskID: key.task, state: state(last), tries: tries, start: attempts.first!.events.first?.time,
                        end: last.events.count > 1 ? last.events.last?.time : nil),
                message: message(last)))
        }
        // An abort in a run with a failure is a skip caused by it.
        var out: [ImportedRun] = []
        for id in dagRunOrder {
            var run = dagRuns[id]!
            let failed = run.tasks.contains { $0.run.state == "failed" }
            for i in run.tasks.indices where run.tasks[i].run.state == "aborted" {
                run.tasks[i].run.state = failed ? "upstream_failed" : "skipped"
            }
            if run.state == "running" && !run.tasks.isEmpty && !run.tasks.contains(where: { $0.run.state == "running" }) {
                run.state = failed ? "failed" : "success"
            }
            // A DAG run starts no later than its first task (its own events may be only the last one).
            if let first = run.tasks.compactMap(\.run.start).min(), run.start.map({ first < $0 }) ?? true { run.start = first }
            if run.end == nil && run.state != "running" { run.end = run.tasks.compactMap(\.run.end).max() }
            out.append(run)
        }
        return out
    }
}

extension OpenLineageImporter.Role {
    var isDag: Bool { if case .dag = self { true } else { false } }
}

func obj(_ any: Any?) -> [String: Any]? { any as? [String: Any] }
