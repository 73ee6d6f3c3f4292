import Foundation
import StrataCatalog
import StrataYAML
import Yams

/// Reads a catalog folder (the layout in catalog/FORMAT.md) into `CatalogContent`, checking
/// everything on the way: YAML syntax, unknown keys, wrong types, missing fields, duplicate ids
/// and dangling references. Every problem is collected, none stops the reading, so a user fixes
/// a whole folder in one pass.
public enum CatalogFolder {
    public struct Result: Sendable {
        public var content: CatalogContent
        public var diagnostics: [Diagnostic]
        /// Files read, relative to the folder (for fingerprints and messages).
        public var files: [String]
    }

    /// Reads and checks `folder`. Problems come back as diagnostics, sorted by file and line.
    public static func load(_ folder: String) -> Result {
        let reader = Reader(root: URL(fileURLWithPath: folder).standardizedFileURL.path)
        reader.run()
        return Result(content: reader.content, diagnostics: reader.sink.items.sorted(), files: reader.files)
    }

    /// Reads `folder` and throws every problem found, or returns its content.
    public static func loadChecked(_ folder: String) throws -> CatalogContent {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw InputProblems([Diagnostic(file: folder, line: 0, message: "no such catalog folder")])
        }
        let result = load(folder)
        if !result.diagnostics.isEmpty { throw InputProblems(result.diagnostics) }
        return result.content
    }

    static let taskStates: Set<String> = ["success", "failed", "upstream_failed", "skipped", "running",
                                          "queued", "up_for_retry", "up_for_reschedule", "removed",
                                          "scheduled", "deferred", "restarting", "none"]
    static let runStates: Set<String> = ["success", "failed", "running", "queued"]
}

/// A reference from one entity to another, checked once every file has been read.
private struct Reference {
    var id: String
    var kinds: Set<EntityKind>
    var file: String
    var line: Int
    var what: String
}

private final class Reader {
    let root: String
    let sink = DiagnosticSink()
    var content = CatalogContent()
    var files: [String] = []
    /// Files that could not be parsed (their error is reported once; what depends on them is not).
    var unreadable = Set<String>()
    /// Where each id was first defined, for duplicate and reference checks.
    var defined: [String: (kind: EntityKind, file: String, line: Int)] = [:]
    var references: [Reference] = []
    /// Teams referenced by people: must be owners of type team.
    var teamRefs: [(id: String, file: String, line: Int)] = []
    /// Task ids of each DAG, for run and log checks.
    var dagTasks: [String: Set<String>] = [:]
    var runIndex: [String: Int] = [:]   // "dag\u{0}run" -> index in content.runs

    init(root: String) { self.root = root }

    func run() {
        let fm = FileManager.default
        let top = (try? fm.contentsOfDirectory(atPath: root)) ?? []
        let known = ["stages.yaml", "tools.yaml", "owners.yaml", "glossary.yaml"]
        for name in top.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            if !known.contains(name) {
                sink.add(name, 0, "unknown file; top-level YAML files are " + known.joined(separator: ", ")
                         + " (tables, dashboards and DAGs go in tables/, dashboards/ and dags/)")
            }
        }
        if !top.contains("stages.yaml") { sink.add("stages.yaml", 0, "missing: a catalog needs its stages") }
        file("stages.yaml", readStages)
        file("tools.yaml", readTools)
        file("owners.yaml", readOwners)
        file("glossary.yaml", readGlossary)
        for path in yamlFiles(in: "tables") { file(path, readTables) }
        for path in yamlFiles(in: "dashboards") { file(path, readDashboards) }
        for path in yamlFiles(in: "dags") { file(path, readDag) }
        attachLogs()
        checkReferences()
        content.logRoot = root
    }

    private func yamlFiles(in dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { dir + "/" + $0 }
    }

    /// Parses one file, if present, and hands its root mapping to `body`.
    private func file(_ path: String, _ body: (YAMLMap) -> Void) {
        let full = root + "/" + path
        guard FileManager.default.fileExists(atPath: full) else { return }
        files.append(path)
        guard let data = FileManager.default.contents(atPath: full) else {
            sink.add(path, 0, "cannot read file")
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            sink.add(path, 0, "not valid UTF-8 text")
            return
        }
        guard let node = parseYAML(text, file: path, sink: sink),
              let map = YAMLMap(node, file: path, sink: sink, what: "the file") else { unreadable.insert(path); return }
        body(map)
    }

    // MARK: Definitions

    /// Registers an id; reports a duplicate and returns false when it was already taken.
    private func define(_ id: String, _ kind: EntityKind, file: String, line: Int) -> Bool {
        if let first = defined[id] {
            sink.add(file, line, "duplicate id '\(id)' (already defined as \(article(first.kind.rawValue)) at \(first.file):\(first.line))")
            return false
        }
        if id.contains(where: { $0.isWhitespace || $0.isNewline }) {
            sink.add(file, line, "id '\(id)' must not contain spaces")
        }
        defined[id] = (kind, file, line)
        return true
    }

    private func refer(_ id: String?, _ kinds: Set<EntityKind>, _ map: YAMLMap, key: String, what: String) {
        guard let id else { return }
        references.append(Reference(id: id, kinds: kinds, file: map.file, line: map.lineOf(key), what: what))
    }

    private func referAll(_ items: [(String, Int)], _ kinds: Set<EntityKind>, file: String, what: String) {
        for (id, line) in items { references.append(Reference(id: id, kinds: kinds, file: file, line: line, what: what)) }
    }

    /// Each item of `list` as a mapping, with a "what" for messages built from its id.
    private func items(_ nodes: [Node], file: String, noun: String) -> [YAMLMap] {
        nodes.enumerated().compactMap { i, node in
            YAMLMap(node, file: file, sink: sink, what: "\(noun) #\(i + 1)")
        }
    }

    // MARK: Files

    func readStages(_ top: YAMLMap) {
        top.allowOnly(["stages"], in: "stages.yaml")
        for (i, m) in items(top.list("stages", required: true, in: "stages.yaml"), file: top.file, noun: "stage").enumerated() {
            let what = "stage \(m.string("id", in: "stage").map { "'\($0)'" } ?? "#\(i + 1)")"
            m.allowOnly(["id", "name", "description"], in: what)
            guard let id = m.string("id", required: true, in: what) else { continue }
            let name = m.string("name", required: true, in: what) ?? id
            guard define(id, .stage, file: m.file, line: m.line) else { continue }
            content.entities.append(Entity(id: id, kind: .stage, name: name, stage: id,
                                           description: m.string("description", in: what) ?? ""))
            content.stagePositions[id] = i + 1
        }
    }

    func readTools(_ top: YAMLMap) {
        top.allowOnly(["tools"], in: "tools.yaml")
        for m in items(top.list("tools", required: true, in: "tools.yaml"), file: top.file, noun: "tool") {
            let what = "tool \(m.string("id", in: "tool").map { "'\($0)'" } ?? "")"
            m.allowOnly(["id", "name", "stage", "description", "used_for", "docs", "owner"], in: what)
            guard let id = m.string("id", required: true, in: what) else { continue }
            let stage = m.string("stage", required: true, in: what)
            let description = m.string("description", required: true, in: what) ?? ""
            let owner = m.string("owner", in: what)
            refer(stage, [.stage], m, key: "stage", what: "stage of tool '\(id)'")
            refer(owner, [.owner], m, key: "owner", what: "owner of tool '\(id)'")
            guard define(id, .tool, file: m.file, line: m.line) else { continue }
            content.entities.append(Entity(id: id, kind: .tool, name: m.string("name", in: what) ?? id,
                                           stage: stage, owner: owner, description: description))
            content.tools[id] = ToolDetail(usedFor: m.string("used_for", in: what) ?? "",
                                           docsURL: m.string("docs", in: what))
        }
    }

    func readOwners(_ top: YAMLMap) {
        top.allowOnly(["teams", "people"], in: "owners.yaml")
        for m in items(top.list("teams", in: "owners.yaml"), file: top.file, noun: "team") {
            readOwner(m, type: .team)
        }
        for m in items(top.list("people", in: "owners.yaml"), file: top.file, noun: "person") {
            readOwner(m, type: .person)
        }
    }

    private func readOwner(_ m: YAMLMap, type: OwnerType) {
        let noun = type == .team ? "team" : "person"
        let what = "\(noun) \(m.string("id", in: noun).map { "'\($0)'" } ?? "")"
        var allowed = ["id", "name", "description", "channel", "email", "oncall", "ask_me_about"]
        if type == .person { allowed += ["role", "team"] }
        m.allowOnly(allowed, in: what)
        guard let id = m.string("id", required: true, in: what) else { return }
        let name = m.string("name", required: true, in: what) ?? id
        let team = type == .person ? m.string("team", in: what) : nil
        if let team { teamRefs.append((team, m.file, m.lineOf("team"))) }
        guard define(id, .owner, file: m.file, line: m.line) else { return }
        content.entities.append(Entity(id: id, kind: .owner, name: name, owner: type == .team ? id : team,
                                       description: m.string("description", in: what) ?? ""))
        content.owners[id] = OwnerDetail(type: type, role: m.string("role", in: what), team: team,
                                         channel: m.string("channel", in: what), email: m.string("email", in: what),
                                         oncall: m.string("oncall", in: what),
                                         askMeAbout: m.strings("ask_me_about", in: what).map(\.0))
    }

    func readGlossary(_ top: YAMLMap) {
        top.allowOnly(["terms"], in: "glossary.yaml")
        for m in items(top.list("terms", required: true, in: "glossary.yaml"), file: top.file, noun: "term") {
            let what = "term \(m.string("id", in: "term").map { "'\($0)'" } ?? "")"
            m.allowOnly(["id", "name", "description", "see_also"], in: what)
            guard let id = m.string("id", required: true, in: what) else { continue }
            let seeAlso = m.strings("see_also", in: what)
            referAll(seeAlso, [.term], file: m.file, what: "see_also of term '\(id)'")
            guard define(id, .term, file: m.file, line: m.line) else { continue }
            content.entities.append(Entity(id: id, kind: .term, name: m.string("name", in: what) ?? id,
                                           description: m.string("description", required: true, in: what) ?? ""))
            content.termSeeAlso[id] = seeAlso.map(\.0)
        }
    }

    func readTables(_ top: YAMLMap) {
        top.allowOnly(["defaults", "tables"], in: top.file)
        let defaultKeys = ["platform", "stage", "owner", "tool", "tags", "materialization"]
        let defaults = top.map("defaults", in: top.file)
        defaults?.allowOnly(defaultKeys, in: "defaults")
        /// A value from the table, or else from the file's defaults (and the line it came from).
        func value(_ m: YAMLMap, _ key: String, _ what: String) -> (String?, YAMLMap) {
            if m.has(key) { return (m.string(key, in: what), m) }
            if let defaults, defaults.has(key) { return (defaults.string(key, in: "defaults"), defaults) }
            return (nil, m)
        }
        for m in items(top.list("tables", required: true, in: top.file), file: top.file, noun: "table") {
            let what = "table \(m.string("id", in: "table").map { "'\($0)'" } ?? "")"
            m.allowOnly(["id", "name", "description", "tags", "owner", "stage", "platform", "tool",
                         "materialization", "upstream", "columns"], in: what)
            guard let id = m.string("id", required: true, in: what) else { continue }
            let (owner, ownerAt) = value(m, "owner", what)
            let (stage, stageAt) = value(m, "stage", what)
            let (tool, toolAt) = value(m, "tool", what)
            if owner == nil { sink.add(m.file, m.line, "\(what) has no owner (set 'owner', or 'owner' in defaults)") }
            if stage == nil { sink.add(m.file, m.line, "\(what) has no stage (set 'stage', or 'stage' in defaults)") }
            refer(owner, [.owner], ownerAt, key: "owner", what: "owner of \(what)")
            refer(stage, [.stage], stageAt, key: "stage", what: "stage of \(what)")
            refer(tool, [.tool], toolAt, key: "tool", what: "tool of \(what)")
            let upstream = m.strings("upstream", in: what)
            referAll(upstream, [.table], file: m.file, what: "upstream of \(what)")
            let tags = m.has("tags") ? m.strings("tags", in: what) : (defaults?.strings("tags", in: "defaults") ?? [])
            var columns: [Column] = []
            var seen: [String: Int] = [:]
            for c in items(m.list("columns", in: what), file: m.file, noun: "column of \(what)") {
                let cwhat = "column \(c.string("name", in: "column").map { "'\($0)'" } ?? "") of \(what)"
                c.allowOnly(["name", "type", "description"], in: cwhat)
                guard let name = c.string("name", required: true, in: cwhat) else { continue }
                if let first = seen[name.lowercased()] {
                    sink.add(c.file, c.line, "duplicate \(cwhat) (first at line \(first))")
                    continue
                }
                seen[name.lowercased()] = c.line
                columns.append(Column(name: name, type: c.string("type", in: cwhat),
                                      description: c.string("description", in: cwhat) ?? ""))
            }
            guard define(id, .table, file: m.file, line: m.line) else { continue }
            content.entities.append(Entity(id: id, kind: .table, name: m.string("name", in: what) ?? id,
                                           stage: stage, owner: owner, tool: tool,
                                           description: m.string("description", required: true, in: what) ?? "",
                                           tags: tags.map(\.0)))
            content.tables[id] = TableDetail(platform: value(m, "platform", what).0,
                                             materialization: value(m, "materialization", what).0,
                                             columns: columns)
            for (up, _) in upstream { content.edges.append(Edge(from: up, to: id, source: .declared)) }
        }
    }

    func readDashboards(_ top: YAMLMap) {
        top.allowOnly(["dashboards"], in: top.file)
        for m in items(top.list("dashboards", required: true, in: top.file), file: top.file, noun: "dashboard") {
            let what = "dashboard \(m.string("id", in: "dashboard").map { "'\($0)'" } ?? "")"
            m.allowOnly(["id", "name", "tool", "stage", "owner", "description", "url", "tags", "upstream"], in: what)
            guard let id = m.string("id", required: true, in: what) else { continue }
            let owner = m.string("owner", required: true, in: what)
            let stage = m.string("stage", in: what) ?? "serve"
            let tool = m.string("tool", in: what)
            refer(owner, [.owner], m, key: "owner", what: "owner of \(what)")
            refer(stage, [.stage], m, key: "stage", what: "stage of \(what)")
            refer(tool, [.tool], m, key: "tool", what: "tool of \(what)")
            let upstream = m.strings("upstream", in: what)
            referAll(upstream, [.table, .dashboard], file: m.file, what: "upstream of \(what)")
            guard define(id, .dashboard, file: m.file, line: m.line) else { continue }
            content.entities.append(Entity(id: id, kind: .dashboard, name: m.string("name", required: true, in: what) ?? id,
                                           stage: stage, owner: owner, tool: tool,
                                           description: m.string("description", in: what) ?? "",
                                           tags: m.strings("tags", in: what).map(\.0)))
            content.dashboardURLs[id] = m.string("url", in: what)
            for (up, _) in upstream { content.edges.append(Edge(from: up, to: id, source: .declared)) }
        }
    }

    func readDag(_ top: YAMLMap) {
        top.allowOnly(["dag", "tasks", "runs"], in: top.file)
        guard let d = top.map("dag", required: true, in: top.file) else { return }
        d.allowOnly(["id", "name", "description", "schedule", "tool", "owner", "stage", "tags"], in: "dag")
        guard let dagID = d.string("id", required: true, in: "dag") else { return }
        let what = "DAG '\(dagID)'"
        let owner = d.string("owner", required: true, in: what)
        let stage = d.string("stage", in: what) ?? "orchestrate"
        let tool = d.string("tool", in: what)
        refer(owner, [.owner], d, key: "owner", what: "owner of \(what)")
        refer(stage, [.stage], d, key: "stage", what: "stage of \(what)")
        refer(tool, [.tool], d, key: "tool", what: "tool of \(what)")
        guard define(dagID, .dag, file: d.file, line: d.line) else { return }
        content.entities.append(Entity(id: dagID, kind: .dag, name: d.string("name", in: what) ?? dagID,
                                       stage: stage, owner: owner, tool: tool,
                                       description: d.string("description", required: true, in: what) ?? "",
                                       tags: d.strings("tags", in: what).map(\.0)))
        content.dagSchedules[dagID] = d.string("schedule", in: what)

        // Tasks: first their ids (upstream may point forward), then their fields.
        let taskMaps = items(top.list("tasks", required: true, in: top.file), file: top.file, noun: "task")
        var localIDs: [String: Int] = [:]
        var upstreamOf: [String: [String]] = [:]
        for m in taskMaps {
            if let t = m.string("id", in: "task") {
                if let first = localIDs[t] { sink.add(m.file, m.line, "duplicate task id '\(t)' in \(what) (first at line \(first))") }
                else { localIDs[t] = m.line }
            }
        }
        for m in taskMaps {
            let twhat = "task \(m.string("id", in: "task").map { "'\($0)'" } ?? "") of \(what)"
            m.allowOnly(["id", "name", "operator", "description", "upstream", "reads", "writes", "trigger_rule",
                         "retries", "owner"], in: twhat)
            guard let taskID = m.string("id", required: true, in: twhat) else { continue }
            let id = dagID + "." + taskID
            let taskOwner = m.string("owner", in: twhat) ?? owner
            if m.has("owner") { refer(taskOwner, [.owner], m, key: "owner", what: "owner of \(twhat)") }
            let upstream = m.strings("upstream", in: twhat)
            for (up, line) in upstream where localIDs[up] == nil {
                sink.add(m.file, line, "upstream '\(up)' of \(twhat) is not a task of this DAG")
            }
            upstreamOf[taskID] = upstream.map(\.0).filter { localIDs[$0] != nil }
            let reads = m.strings("reads", in: twhat), writes = m.strings("writes", in: twhat)
            referAll(reads, [.table], file: m.file, what: "reads of \(twhat)")
            referAll(writes, [.table], file: m.file, what: "writes of \(twhat)")
            guard define(id, .task, file: m.file, line: m.line) else { continue }
            content.entities.append(Entity(id: id, kind: .task, name: m.string("name", in: twhat) ?? taskID,
                                           stage: stage, owner: taskOwner, tool: tool,
                                           description: m.string("description", in: twhat) ?? ""))
            content.tasks[id] = TaskDetail(dagID: dagID, taskID: taskID, operatorName: m.string("operator", in: twhat),
                                           triggerRule: m.string("trigger_rule", in: twhat) ?? "all_success",
                                           retries: m.int("retries", in: twhat) ?? 0)
            for (up, _) in upstream where localIDs[up] != nil {
                content.edges.append(Edge(from: dagID + "." + up, to: id, source: .declared))
            }
            for (t, _) in reads { content.edges.append(Edge(from: t, to: id, source: .declared)) }
            for (t, _) in writes { content.edges.append(Edge(from: id, to: t, source: .declared)) }
        }
        if let cycle = findCycle(upstreamOf) {
            sink.add(top.file, d.line, "\(what) has a dependency cycle: " + cycle.joined(separator: " -> "))
        }
        dagTasks[dagID] = Set(localIDs.keys)

        for (i, r) in items(top.list("runs", in: top.file), file: top.file, noun: "run").enumerated() {
            readRun(r, index: i, dagID: dagID, tasks: localIDs)
        }
    }

    private func readRun(_ r: YAMLMap, index: Int, dagID: String, tasks: [String: Int]) {
        let what = "run \(r.string("run_id", in: "run").map { "'\($0)'" } ?? "#\(index + 1)") of DAG '\(dagID)'"
        r.allowOnly(["run_id", "state", "start", "end", "tasks"], in: what)
        guard let runID = r.string("run_id", required: true, in: what) else { return }
        let state = r.string("state", required: true, in: what) ?? "success"
        if !CatalogFolder.runStates.contains(state) {
            sink.add(r.file, r.lineOf("state"), "unknown state '\(state)' of \(what); one of "
                     + CatalogFolder.runStates.sorted().joined(separator: ", "))
        }
        var run = DagRun(dagID: dagID, runID: runID, state: state, start: timestamp(r, "start", what),
                         end: timestamp(r, "end", what))
        if let taskMap = r.map("tasks", in: what) {
            for taskID in taskMap.keys {
                let line = taskMap.lineOf(taskID)
                if tasks[taskID] == nil {
                    sink.add(r.file, line, "\(what) lists task '\(taskID)', which is not a task of this DAG")
                    continue
                }
                guard let node = taskMap.node(taskID) else { continue }
                let twhat = "task '\(taskID)' in \(what)"
                var t = TaskRun(taskID: dagID + "." + taskID, state: "")
                if let s = node.scalar?.string {
                    t.state = s
                } else if let m = YAMLMap(node, file: r.file, sink: sink, what: twhat) {
                    m.allowOnly(["state", "tries", "start", "end"], in: twhat)
                    t.state = m.string("state", required: true, in: twhat) ?? ""
                    t.tries = m.int("tries", in: twhat) ?? 1
                    t.start = timestamp(m, "start", twhat)
                    t.end = timestamp(m, "end", twhat)
                }
                if !t.state.isEmpty && !CatalogFolder.taskStates.contains(t.state) {
                    sink.add(r.file, line, "unknown state '\(t.state)' of \(twhat); one of "
                             + CatalogFolder.taskStates.sorted().joined(separator: ", "))
                }
                run.tasks.append(t)
            }
        }
        let key = dagID + "\u{0}" + runID
        if runIndex[key] != nil {
            sink.add(r.file, r.line, "duplicate \(what)")
            return
        }
        runIndex[key] = content.runs.count
        content.runs.append(run)
    }

    private func timestamp(_ m: YAMLMap, _ key: String, _ what: String) -> String? {
        guard let text = m.string(key, in: what) else { return nil }
        if parseTimestamp(text) == nil {
            sink.add(m.file, m.lineOf(key), "'\(key)' of \(what) is not a timestamp like 2026-11-21T02:00:03Z: '\(text)'")
            return nil
        }
        return text
    }

    // MARK: Logs

    /// Attaches `logs/dag_id=…/run_id=…/task_id=…/[map_index=…/]attempt=N.log` files to the
    /// task instances of the runs read from dags/.
    private func attachLogs() {
        let logsDir = root + "/logs"
        guard let walker = FileManager.default.enumerator(atPath: logsDir) else { return }
        var found: [String: [(attempt: Int, path: String)]] = [:]
        while let rel = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: logsDir + "/" + rel, isDirectory: &isDir)
            if isDir.boolValue { continue }
            let path = "logs/" + rel
            guard let loc = AirflowLogPath(rel) else {
                sink.add(path, 0, "not in Airflow's log layout dag_id=DAG/run_id=RUN/task_id=TASK/attempt=N.log")
                continue
            }
            guard let tasks = dagTasks[loc.dagID] else {
                // Its DAG's file is there but broken: that file's own error says what to fix.
                if ["yaml", "yml"].contains(where: { unreadable.contains("dags/\(loc.dagID).\($0)") }) { continue }
                sink.add(path, 0, "log of DAG '\(loc.dagID)', which no file in dags/ defines")
                continue
            }
            guard runIndex[loc.dagID + "\u{0}" + loc.runID] != nil else {
                sink.add(path, 0, "log of run '\(loc.runID)', which DAG '\(loc.dagID)' does not list")
                continue
            }
            guard tasks.contains(loc.taskID) else {
                sink.add(path, 0, "log of task '\(loc.taskID)', which is not a task of DAG '\(loc.dagID)'")
                continue
            }
            found[loc.dagID + "\u{0}" + loc.runID + "\u{0}" + loc.taskID, default: []].append((loc.attempt, path))
        }
        for (key, logs) in found {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            guard let i = runIndex[parts[0] + "\u{0}" + parts[1]] else { continue }
            let taskID = parts[0] + "." + parts[2]
            let sorted = logs.sorted { $0.attempt < $1.attempt }.map(\.path)
            if let t = content.runs[i].tasks.firstIndex(where: { $0.taskID == taskID }) {
                content.runs[i].tasks[t].logs = sorted
            } else {
                sink.add(sorted[0], 0, "log of task '\(parts[2])', which run '\(parts[1])' of DAG '\(parts[0])' does not list")
            }
        }
    }

    // MARK: References

    private func checkReferences() {
        for ref in references {
            guard let target = defined[ref.id] else {
                let near = defined.keys.filter { editDistance($0, ref.id) <= 2 }.sorted().first
                sink.add(ref.file, ref.line, "\(ref.what): '\(ref.id)' is not defined anywhere"
                         + (near.map { " (did you mean '\($0)'?)" } ?? ""))
                continue
            }
            if !ref.kinds.contains(target.kind) {
                let want = ref.kinds.map(\.rawValue).sorted().joined(separator: " or ")
                sink.add(ref.file, ref.line, "\(ref.what): '\(ref.id)' is \(article(target.kind.rawValue)), expected \(article(want))")
            }
        }
        for ref in teamRefs {
            guard let detail = content.owners[ref.id] else {
                sink.add(ref.file, ref.line, "team '\(ref.id)' is not defined in owners.yaml")
                continue
            }
            if detail.type != .team { sink.add(ref.file, ref.line, "'\(ref.id)' is a person, not a team") }
        }
    }
}

/// The parts of a task log path in Airflow's layout.
public struct AirflowLogPath: Sendable, Equatable {
    public var dagID: String
    public var runID: String
    public var taskID: String
    public var mapIndex: Int?
    public var attempt: Int

    /// `rel` is the path below the logs folder.
    public init?(_ rel: String) {
        var fields: [String: String] = [:]
        let parts = rel.split(separator: "/").map(String.init)
        guard let last = parts.last, last.hasPrefix("attempt="), last.hasSuffix(".log"),
              let attempt = Int(last.dropFirst("attempt=".count).dropLast(".log".count)), attempt >= 1 else { return nil }
        for part in parts.dropLast() {
            guard let eq = part.firstIndex(of: "=") else { return nil }
            fields[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        guard parts.count == 4 || parts.count == 5, let dag = fields["dag_id"], let run = fields["run_id"],
              let task = fields["task_id"] else { return nil }
        dagID = dag; runID = run; taskID = task; self.attempt = attempt
        if let m = fields["map_index"] {
            guard let n = Int(m) else { return nil }
            mapIndex = n
        }
    }
}

/// "a table", "an owner".
func article(_ noun: String) -> String {
    ("aeiou".contains(noun.first ?? "x") ? "an " : "a ") + noun
}

/// Parses the ISO 8601 timestamps the catalog uses (with or without fraction and zone).
func parseTimestamp(_ text: String) -> Date? {
    let withFraction = ISO8601DateFormatter()
    withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let plain = ISO8601DateFormatter()
    plain.formatOptions = [.withInternetDateTime]
    let dateOnly = ISO8601DateFormatter()
    dateOnly.formatOptions = [.withFullDate]
    return plain.date(from: text) ?? withFraction.date(from: text) ?? dateOnly.date(from: text)
}

/// A dependency cycle among tasks, as a path of task ids, if there is one.
func findCycle(_ upstreamOf: [String: [String]]) -> [String]? {
    var state: [String: Int] = [:]   // 1 = on the stack, 2 = done
    var stack: [String] = []
    func visit(_ n: String) -> [String]? {
        state[n] = 1; stack.append(n)
        for up in upstreamOf[n] ?? [] {
            if state[up] == 1 { return Array(stack[stack.firstIndex(of: up)!...]) + [up] }
            if state[up] == nil, let c = visit(up) { return c }
        }
        state[n] = 2; stack.removeLast()
        return nil
    }
    for n in upstreamOf.keys.sorted() where state[n] == nil {
        if let c = visit(n) { return c }
    }
    return nil
}
