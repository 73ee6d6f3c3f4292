import Foundation
import StrataCatalog

/// dbt artifacts: `manifest.json` (schema v7 to v12, also gzipped), `run_results.json` and a
/// `dbt.log`.
///
/// Models, seeds, snapshots and sources become tables (id = dbt's unique_id); exposures become
/// serve-stage dashboards; `depends_on.nodes` becomes lineage (dependency -> node); data tests
/// become checks on the table they are attached to. Analyses, operations, unit tests, metrics
/// and semantic models are not imported.
public enum DbtImporter {
    public static let supportedVersions = 7...12

    // MARK: Manifest shape (only the fields strata reads; unknown keys are ignored)

    struct Manifest: Decodable, Equatable {
        var metadata: Metadata
        var nodes: [String: Node]
        var sources: [String: Node]?
        var exposures: [String: Exposure]?
        var groups: [String: Group]?   // v9+
        /// Columns are listed as the manifest lists them (the byte-level reader keeps the
        /// order; `JSONDecoder` does not, and `columnOrder` recovers it).
        var columnsInDocumentOrder = false
        enum CodingKeys: String, CodingKey { case metadata, nodes, sources, exposures, groups }
    }
    struct Metadata: Decodable, Equatable {
        var dbt_schema_version: String?
        var project_name: String?      // v10+
        var adapter_type: String?
    }
    struct Meta: Decodable, Equatable { var owner: LenientName? }
    struct Config: Decodable, Equatable {
        var materialized: String?
        var meta: Meta?
        var group: String?
        var severity: String?
        var enabled: Bool?
        /// The whole config object as JSON text, for dbt's `config.KEY:` selectors.
        var json: String?

        init(materialized: String? = nil, meta: Meta? = nil, group: String? = nil, severity: String? = nil,
             enabled: Bool? = nil, json: String? = nil) {
            self.materialized = materialized; self.meta = meta; self.group = group; self.severity = severity
            self.enabled = enabled; self.json = json
        }

        private enum CodingKeys: String, CodingKey { case materialized, meta, group, severity, enabled }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            materialized = try c.decodeIfPresent(String.self, forKey: .materialized)
            meta = try c.decodeIfPresent(Meta.self, forKey: .meta)
            group = try c.decodeIfPresent(String.self, forKey: .group)
            severity = try c.decodeIfPresent(String.self, forKey: .severity)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
            json = try JSONText(from: decoder).text
        }
    }
    struct DependsOn: Decodable, Equatable { var nodes: [String]? }
    struct TestMetadata: Decodable, Equatable {
        var name: String?
        var kwargs: Kwargs?
        struct Kwargs: Decodable, Equatable { var column_name: LenientName?; var model: String? }
    }
    struct Node: Decodable, Equatable {
        var unique_id: String
        var resource_type: String
        var package_name: String
        var name: String
        var alias: String?
        var identifier: String?        // sources
        var source_name: String?
        var database: String?
        var schema: String?
        var fqn: [String]?
        var original_file_path: String?
        var patch_path: String?        // "project://models/schema.yml"
        var description: String?
        var tags: [String]?
        var meta: Meta?
        var config: Config?
        var columns: OrderedColumns?
        var depends_on: DependsOn?
        var group: String?             // v9+
        var access: String?            // v9+
        var version: LenientVersion?   // v9+: a number or a string
        var latest_version: LenientVersion?
        var column_name: String?       // tests
        var attached_node: String?     // tests, v10+
        var test_metadata: TestMetadata?
    }
    struct Exposure: Decodable, Equatable {
        var unique_id: String
        var name: String
        var label: String?
        var package_name: String
        var fqn: [String]?
        var original_file_path: String?
        var type: String?
        var description: String?
        var tags: [String]?
        var url: String?
        var owner: ExposureOwner?
        var depends_on: DependsOn?
        var meta: Meta?
        struct ExposureOwner: Decodable, Equatable { var name: String?; var email: String? }
    }
    struct Group: Decodable, Equatable {
        var name: String
        var owner: Exposure.ExposureOwner?
    }
    struct ColumnInfo: Decodable, Equatable { var name: String?; var description: String?; var data_type: String? }
    /// Columns by name. (Foundation's decoder does not keep the manifest's key order; the
    /// manifest's order is recovered by `columnOrder` and applied in `plan`.)
    struct OrderedColumns: Decodable, Equatable {
        var list: [(String, ColumnInfo)] = []
        init() {}
        static func == (a: Self, b: Self) -> Bool { a.list.elementsEqual(b.list) { $0.0 == $1.0 && $0.1 == $1.1 } }
        struct Key: CodingKey {
            var stringValue: String; var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            for k in c.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                list.append((k.stringValue, try c.decode(ColumnInfo.self, forKey: k)))
            }
        }
    }

    // MARK: run_results shape

    struct RunResults: Decodable {
        var metadata: RunMetadata
        var results: [Result]
        /// The command line; `which` is the dbt command that wrote the file.
        var args: Args?
        struct Args: Decodable { var which: String? }
        struct RunMetadata: Decodable {
            var dbt_schema_version: String?
            var generated_at: String?
            var invocation_id: String?
            var invocation_started_at: String?
        }
        struct Result: Decodable {
            var unique_id: String
            var status: String
            var message: String?
            var timing: [Timing]?
            var failures: Int?
        }
        struct Timing: Decodable { var name: String?; var started_at: String?; var completed_at: String? }
    }

    // MARK: Reading

    /// The manifest schema version from `dbt_schema_version`, read from the first bytes (dbt
    /// writes metadata first) so an unknown version is refused before decoding the rest.
    static func schemaVersion(_ data: Data, file: String) throws -> Int {
        let head = String(decoding: data.prefix(8192), as: UTF8.self)
        guard let r = head.range(of: #"schemas\.getdbt\.com/dbt/manifest/v(\d+)\.json"#, options: .regularExpression) else {
            if head.contains("\"dbt_schema_version\"") {
                throw ImportInput.problem(file, "metadata.dbt_schema_version is not a dbt manifest schema (is this a manifest.json?)")
            }
            // Not in the first bytes: decode just the metadata.
            struct Probe: Decodable { var metadata: Metadata }
            let probe = try ImportInput.decode(Probe.self, data, file: file)
            guard let v = probe.metadata.dbt_schema_version,
                  let m = v.range(of: #"manifest/v(\d+)"#, options: .regularExpression),
                  let n = Int(v[m].dropFirst("manifest/v".count)) else {
                throw ImportInput.problem(file, "metadata.dbt_schema_version is missing or not a dbt manifest schema")
            }
            return n
        }
        let text = head[r]
        return Int(text.dropFirst("schemas.getdbt.com/dbt/manifest/v".count).dropLast(".json".count)) ?? 0
    }

    static func loadManifest(_ path: String) throws -> (Manifest, Int) {
        let (m, v, _) = try loadManifestData(path)
        return (m, v)
    }

    static func loadManifestData(_ path: String) throws -> (Manifest, Int, Data) {
        let data = try ImportInput.read(path)
        let version = try schemaVersion(data, file: path)
        guard supportedVersions.contains(version) else {
            throw ImportInput.problem(path, "dbt manifest schema v\(version) is not supported (strata reads v\(supportedVersions.lowerBound) to v\(supportedVersions.upperBound)); metadata.dbt_schema_version")
        }
        return (try decodeManifest(data, file: path), version, data)
    }

    /// What one dbt input names: a manifest file, or a folder holding dbt's artifacts.
    public struct Artifacts: Equatable, Sendable {
        public var manifest: String
        /// `run_results.json` beside a manifest found in a folder.
        public var runResults: String?
        /// The project's log: `dbt.log` beside the manifest, or in the project's `logs/` (dbt
        /// appends every invocation to it; the viewer finds the failures at its end).
        public var log: String?

        public init(manifest: String, runResults: String? = nil, log: String? = nil) {
            self.manifest = manifest; self.runResults = runResults; self.log = log
        }
    }

    /// A file is the manifest itself. A folder is a dbt project or its `target/`: the manifest
    /// (`manifest.json`, or `.json.gz`) is looked for in it, then in its `target/`; the
    /// `run_results.json` beside it and the project's log come along, so `strata import dbt .` in
    /// a project imports its models and its latest run (`plan` leaves out run results of a
    /// command that ran nothing).
    public static func artifacts(in input: String) throws -> Artifacts {
        guard ImportInput.isDirectory(input) else { return Artifacts(manifest: input) }
        func file(_ path: String) -> String? {
            FileManager.default.fileExists(atPath: path) && !ImportInput.isDirectory(path) ? path : nil
        }
        let root = input.hasSuffix("/") && input.count > 1 ? String(input.dropLast()) : input
        for folder in [root, root + "/target"] {
            guard let manifest = file(folder + "/manifest.json") ?? file(folder + "/manifest.json.gz") else { continue }
            let runResults = file(folder + "/run_results.json")
            // dbt logs to <project>/logs/dbt.log; a folder of saved artifacts may keep it beside them.
            let project = URL(fileURLWithPath: folder).lastPathComponent == "target"
                ? URL(fileURLWithPath: folder).deletingLastPathComponent().path : folder
            let log = runResults == nil ? nil : file(folder + "/dbt.log") ?? file(project + "/logs/dbt.log")
            return Artifacts(manifest: manifest, runResults: runResults, log: log)
        }
        throw ImportInput.problem(input, "no manifest.json here or in target/ (dbt writes target/manifest.json "
                                  + "on parse, compile, run and build)")
    }

    /// A plan for one manifest, optionally with the run_results of an invocation and its log.
    public static func plan(manifest: String, runResults: String? = nil, log: String? = nil) throws -> ImportPlan {
        var plan = ImportPlan()
        let (m, _, data) = try loadManifestData(manifest)
        PhaseClock.lap("read, parse")
        let order = m.columnsInDocumentOrder ? [:] : columnOrder(data)
        // The file's bytes are not needed past this point: one block, returned to the OS at once
        // (peak memory falls by the file's size).
        _ = consume data
        let file = ImportInput.absolute(manifest)
        var batch = ImportFileBatch(importer: "dbt", file: file)
        let platform = m.metadata.adapter_type
        let project = m.metadata.project_name ?? mostCommonPackage(m)
        batch.sourceName = "manifest of dbt project \(project)"
        StandardStages.ensure(["load", "transform", "orchestrate", "serve"], into: &plan)
        KnownTools.ensure("dbt", into: &plan)

        let groupOwner: [String: ImportedEntity] = (m.groups ?? [:]).values.reduce(into: [:]) { owners, g in
            if let o = Owners.entity(name: g.owner?.name, email: g.owner?.email, type: .team) { owners[g.name] = o }
        }
        // Models, seeds, snapshots and sources become tables, on every core: the manifest's ids
        // sorted (it keys its nodes by unique_id; sorting nodes instead copied a whole node per
        // comparison) and cut into runs converted side by side, then joined in order.
        let ids = m.nodes.keys.sorted().map { ($0, false) } + (m.sources ?? [:]).keys.sorted().map { ($0, true) }
        let runs = ids.count >= 4000 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 8 : 1
        let converted = Parallel.slices(ids, runs: runs) { slice in
            var part = ConvertedNodes()
            for (id, isSource) in slice {
                guard let n = isSource ? m.sources?[id] : m.nodes[id] else { continue }
                part.add(n, platform: platform, columnOrder: order[n.unique_id], groupOwner: groupOwner)
            }
            return part
        }
        var owners: [String: ImportedEntity] = [:]
        for part in converted {
            batch.entities += part.tables
            batch.edges += part.edges
            owners.merge(part.owners) { _, later in later }
        }
        let tables = Set(batch.entities.map(\.entity.id))
        // Tests become checks once every table is known, on every core as well.
        let checks = Parallel.slices(converted, runs: runs) { parts in
            parts.flatMap { part in part.tests.flatMap { Self.checks(of: $0, tables: tables) } }
        }
        batch.checks = Array(checks.joined())
        for x in (m.exposures ?? [:]).values.sorted(by: { $0.unique_id < $1.unique_id }) {
            var owner: String?
            if let o = Owners.entity(name: x.owner?.name, email: x.owner?.email, type: .person) {
                owners[o.entity.id] = o; owner = o.entity.id
            }
            var e = ImportedEntity(Entity(id: x.unique_id, kind: .dashboard, name: x.label ?? x.name, stage: "serve",
                                          owner: owner, tool: "dbt",
                                          description: trimmed(x.description),
                                          tags: x.tags ?? []))
            e.dashboardURL = x.url
            e.dbt = DbtNodeInfo(resourceType: "exposure", packageName: x.package_name,
                                fqn: (x.fqn ?? [x.name]).joined(separator: "."), originalFilePath: x.original_file_path ?? "")
            batch.entities.append(e)
            for dep in x.depends_on?.nodes ?? [] { batch.edges.append(Edge(from: dep, to: x.unique_id, source: .dbt)) }
        }
        batch.entities.append(contentsOf: owners.values.sorted { $0.entity.id < $1.entity.id })
        plan.batch.files.append(batch)

        if let runResults {
            let rr = try readRunResults(runResults)
            if let command = rr.args?.which, !Self.commandsThatRun.contains(command) {
                // dbt writes the file for compile, show or docs generate too, every node "success".
                plan.warnings.append("\(runResults) is from `dbt \(command)`, which runs nothing: no run imported")
            } else {
                plan.batch.files.append(try runBatch(rr, from: runResults, manifest: m, project: project, log: log))
            }
        } else if log != nil {
            throw ImportInput.problem(log!, "--log needs --run-results: a log is attached to the run it belongs to")
        }
        // Freeing the decoded manifest and the copies of its nodes (millions of strings
        // released: 0.19 s for 20,000 models) is left to another core while this one writes.
        let decoded = (consume m, consume converted)
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(decoded) {} }
        return plan
    }

    /// What a run of manifest nodes becomes: tables (with their owners and upstream edges), and
    /// the tests, which are attached to tables once all of them are known.
    struct ConvertedNodes {
        var tables: [ImportedEntity] = []
        var edges: [Edge] = []
        var tests: [Node] = []
        var owners: [String: ImportedEntity] = [:]

        mutating func add(_ n: Node, platform: String?, columnOrder: [String]?, groupOwner: [String: ImportedEntity]) {
            let (stage, materialization): (String, String?)
            switch n.resource_type {
            case "model": (stage, materialization) = ("transform", n.config?.materialized)
            case "snapshot": (stage, materialization) = ("transform", "snapshot")
            case "seed": (stage, materialization) = ("load", "seed")
            case "source": (stage, materialization) = ("load", "source")
            case "test": tests.append(n); return
            default: return
            }
            if n.config?.enabled == false { return }
            let name = n.resource_type == "source" ? "\(n.source_name ?? "").\(n.name)" : n.name
            var tags = n.tags ?? []
            if let access = n.access, access != "protected" { tags.append("access:\(access)") }
            var e = ImportedEntity(Entity(id: n.unique_id, kind: .table, name: name, stage: stage,
                                          owner: owner(of: n, groupOwner: groupOwner), tool: "dbt",
                                          description: trimmed(n.description), tags: tags))
            e.table = TableDetail(platform: platform, materialization: materialization,
                                  columns: ordered(n.columns?.list ?? [], columnOrder).map { key, c in
                                      Column(name: c.name ?? key, type: c.data_type, description: c.description ?? "")
                                  })
            e.relation = relation(n)
            e.dbt = DbtNodeInfo(resourceType: n.resource_type, packageName: n.package_name,
                                fqn: (n.fqn ?? [n.name]).joined(separator: "."), originalFilePath: n.original_file_path ?? "",
                                patchPath: n.patch_path.map { p in p.range(of: "://").map { String(p[$0.upperBound...]) } ?? p } ?? "",
                                access: n.resource_type == "model" ? n.access ?? "" : "",
                                group: n.config?.group ?? n.group ?? "",
                                version: n.version?.text ?? "", latestVersion: n.latest_version?.text ?? "",
                                config: n.config?.json ?? "")
            tables.append(e)
            for dep in n.depends_on?.nodes ?? [] { edges.append(Edge(from: dep, to: n.unique_id, source: .dbt)) }
        }

        /// The node's owner: `meta.owner` (its config's first), else its group's owner.
        mutating func owner(of node: Node, groupOwner: [String: ImportedEntity]) -> String? {
            if let name = node.config?.meta?.owner?.value ?? node.meta?.owner?.value, let o = Owners.entity(name: name) {
                owners[o.entity.id] = o
                return o.entity.id
            }
            if let g = node.config?.group ?? node.group, let o = groupOwner[g] {
                owners[o.entity.id] = o
                return o.entity.id
            }
            return nil
        }
    }

    /// Decodes a manifest's bytes as the importer does and returns its node count: lets the
    /// import benchmark compare this decoder with JSONSerialization on the same bytes.
    public static func decodeOnly(_ data: Data) throws -> Int {
        let m = try JSONDecoder().decode(Manifest.self, from: data)
        return m.nodes.count + (m.sources?.count ?? 0)
    }

    /// Reads a manifest's bytes with the byte-level reader the importer tries first and returns
    /// its node count (nil when the reader gives up): the benchmark's third parser row.
    public static func readOnly(_ data: Data) -> Int? {
        ManifestReader.read(data).map { $0.nodes.count + ($0.sources?.count ?? 0) }
    }

    /// The text without surrounding white space; Foundation's trimming (slow, through NSString)
    /// only when there is some, which is rare.
    static func trimmed(_ text: String?) -> String {
        guard let text, let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return "" }
        let space = CharacterSet.whitespacesAndNewlines
        guard space.contains(first) || space.contains(last) else { return text }
        return text.trimmingCharacters(in: space)
    }

    /// Columns in the manifest's order when it is known, else by name.
    static func ordered(_ columns: [(String, ColumnInfo)], _ order: [String]?) -> [(String, ColumnInfo)] {
        guard let order, columns.count > 1 else { return columns }
        var rank: [String: Int] = [:]
        for (i, k) in order.enumerated() where rank[k] == nil { rank[k] = i }
        return columns.sorted { (rank[$0.0] ?? Int.max, $0.0) < (rank[$1.0] ?? Int.max, $1.0) }
    }

    static func mostCommonPackage(_ m: Manifest) -> String {
        var counts: [String: Int] = [:]
        for n in m.nodes.values { counts[n.package_name, default: 0] += 1 }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? "dbt"
    }

    /// Lower-cased database.schema.name of a table node (sources use their identifier).
    static func relation(_ n: Node) -> String? {
        guard let schema = n.schema else { return nil }
        let name = n.resource_type == "source" ? (n.identifier ?? n.name) : (n.alias ?? n.name)
        return [n.database, schema, name].compactMap { $0 }.joined(separator: ".").lowercased()
    }

    /// A test's checks: one on the table it is attached to, and one on each other table it reads
    /// (relationships: child and parent), so `strata show` lists it on both and `@x` follows it to
    /// the other table as dbt's graph does. None when it checks no table.
    static func checks(of t: Node, tables: Set<String>) -> [DataCheck] {
        guard let table = attachedTable(t, tables: tables) else { return [] }
        let others = (t.depends_on?.nodes ?? []).filter { tables.contains($0) && $0 != table }
        return ([table] + Array(Set(others)).sorted()).enumerated().map { i, on in
            DataCheck(tableID: on, checkID: t.unique_id, name: t.name,
                      column: i == 0 ? t.column_name ?? t.test_metadata?.kwargs?.column_name?.value : nil,
                      test: t.test_metadata?.name ?? "singular",
                      severity: t.config?.severity?.lowercased())
        }
    }

    /// The table a test checks: `attached_node` (v10+), else the model its `model` kwarg refers
    /// to, else its first dependency that is a table.
    static func attachedTable(_ t: Node, tables: Set<String>) -> String? {
        if let a = t.attached_node, tables.contains(a) { return a }
        let deps = (t.depends_on?.nodes ?? []).filter { tables.contains($0) }
        if let model = t.test_metadata?.kwargs?.model {
            for d in deps {
                let name = d.split(separator: ".").last.map(String.init) ?? d
                if model.contains("ref('\(name)')") || model.contains("ref(\"\(name)\")") || model.contains("'\(name)')") {
                    return d
                }
            }
        }
        return deps.first
    }

    // MARK: run_results

    /// dbt commands whose run_results.json records a run (compile, show and docs generate write one too).
    static let commandsThatRun: Set<String> = ["run", "build", "test", "seed", "snapshot"]

    static func readRunResults(_ path: String) throws -> RunResults {
        let data = try ImportInput.read(path)
        let head = String(decoding: data.prefix(4096), as: UTF8.self)
        if head.contains("schemas.getdbt.com/dbt/manifest/") {
            throw ImportInput.problem(path, "this is a manifest, not run_results.json (metadata.dbt_schema_version)")
        }
        return try ImportInput.decode(RunResults.self, data, file: path)
    }

    /// One dag_run of the DAG `dbt.<project>` for the invocation, one task_run per executed node.
    static func runBatch(_ rr: RunResults, from path: String, manifest m: Manifest, project: String,
                         log: String?) throws -> ImportFileBatch {
        var logPath: String?
        if let log {
            _ = try ImportInput.read(log)   // exists and is readable
            logPath = ImportInput.absolute(log)
        }
        var batch = ImportFileBatch(importer: "dbt", file: ImportInput.absolute(path))
        let dagID = "dbt.\(project)"
        batch.entities.append(ImportedEntity(Entity(
            id: dagID, kind: .dag, name: "dbt \(project)", stage: "orchestrate", tool: "dbt",
            description: "dbt invocations (build, run, test, seed) of the project \(project), from run_results.json.")))

        // Which nodes failed, and what each depends on, to tell a skip caused by a failure.
        var deps: [String: [String]] = [:]
        for n in m.nodes.values { deps[n.unique_id] = n.depends_on?.nodes ?? [] }
        var raw: [String: String] = [:]
        for r in rr.results { raw[r.unique_id] = r.status }
        var memo: [String: Bool] = [:]
        func failedUpstream(_ id: String, _ depth: Int = 0) -> Bool {
            if let v = memo[id] { return v }
            guard depth < 500 else { return false }
            memo[id] = false
            let v = (deps[id] ?? []).contains { d in
                let s = raw[d] ?? ""
                return ["error", "fail", "runtime error"].contains(s) || (s == "skipped" && failedUpstream(d, depth + 1))
            }
            memo[id] = v
            return v
        }

        var tasks: [ImportedTaskRun] = []
        var starts: [String] = [], ends: [String] = []
        for r in rr.results {
            let state: String
            switch r.status {
            case "success", "pass", "warn", "no-op": state = "success"
            case "error", "fail", "runtime error": state = "failed"
            case "skipped": state = failedUpstream(r.unique_id) ? "upstream_failed" : "skipped"
            default: state = r.status
            }
            let start = r.timing?.compactMap { $0.started_at.map(UTCTime.normalized) }.min()
            let end = r.timing?.compactMap { $0.completed_at.map(UTCTime.normalized) }.max()
            if let start { starts.append(start) }
            if let end { ends.append(end) }
            let message = r.status == "skipped" ? nil : r.message?.nilIfEmpty
            let logs = state == "failed" ? logPath.map { [$0] } ?? [] : []
            tasks.append(ImportedTaskRun(TaskRun(taskID: r.unique_id, state: state, tries: 1, start: start, end: end, logs: logs),
                                         message: message))
        }
        let runID = rr.metadata.invocation_id ?? rr.metadata.generated_at ?? "run"
        let state = tasks.contains { $0.run.state == "failed" } ? "failed" : "success"
        batch.runs.append(ImportedRun(dagID: dagID, runID: runID, state: state,
                                      start: rr.metadata.invocation_started_at.map(UTCTime.normalized) ?? starts.min(),
                                      end: rr.metadata.generated_at.map(UTCTime.normalized) ?? ends.max(), tasks: tasks))
        return batch
    }
}
