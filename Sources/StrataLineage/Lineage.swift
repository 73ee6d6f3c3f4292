import Foundation
import StrataCatalog
import StrataYAML

/// What a selection picked: nodes in order of depth (edges from the nearest node the
/// selector named) with that depth beside each, and notes worth telling the user (an
/// ambiguous name, cycles).
public struct LineageResult: Sendable {
    public var nodes: [Int32]
    public var depths: [Int]
    public var notes: [String]

    /// Depth by node (built on demand: a big closure does not pay for it).
    public var depth: [Int32: Int] { Dictionary(zip(nodes, depths), uniquingKeysWith: min) }
}

public enum LineageError: Error, CustomStringConvertible, Equatable {
    case noMatch(selector: String, suggestions: [String])
    case unknownNode(String, suggestions: [String])
    /// A name where one node is needed (`--path`) that several nodes carry.
    case ambiguousNode(String, ids: [String], count: Int)
    /// `test_name:x` alone: data tests are checks on tables here, not lineage nodes.
    case checksOnly(selector: String)
    /// `access:`, `group:`, `version:` or `config.KEY:` on dbt nodes imported by an older strata.
    case importAgain(selector: String)

    public var description: String {
        switch self {
        case .noMatch(let s, let suggestions):
            "selector '\(s)' matches no node" + Self.hint(suggestions)
        case .unknownNode(let s, let suggestions):
            "no node '\(s)' in the catalog" + Self.hint(suggestions)
        case .ambiguousNode(let s, let ids, let count):
            "'\(s)' names \(count) nodes (" + ids.joined(separator: ", ") + (count > ids.count ? ", …" : "")
                + "): give one of their ids"
        case .importAgain(let s):
            "'\(s)' reads dbt's access, groups, versions and configs, which this catalog's dbt nodes were "
                + "imported without (by an older strata): import their manifest again"
        case .checksOnly(let s):
            "'\(s)' selects data tests, which strata keeps as checks on their tables rather than as "
                + "lineage nodes; '+\(s)' selects the tables they test and everything upstream"
        }
    }

    /// The selector is well formed but selects nothing here.
    var isUnmatched: Bool {
        switch self {
        case .noMatch, .checksOnly: true
        default: false
        }
    }

    private static func hint(_ s: [String]) -> String {
        s.isEmpty ? "" : "; did you mean " + s.map { "'\($0)'" }.joined(separator: ", ") + "?"
    }
}

/// Lineage questions over one catalog: selections in dbt's grammar, closures, paths, cycles.
/// The edge graph is loaded once, as arrays; the catalog is asked only to turn names into
/// nodes and nodes into names.
public final class LineageEngine: @unchecked Sendable {
    public let catalog: Catalog
    public let graph: LineageGraph
    private var dbtNodesCache: [DbtNodeKey]?

    public init(catalog: Catalog) throws {
        self.catalog = catalog
        graph = LineageGraph(catalog: catalog)
    }

    // MARK: Selecting

    /// Evaluates `selection` minus `exclude`. `depthLimit` caps every `+` (and `@`) at that
    /// many edges.
    public func select(_ selection: Selection, exclude: Selection? = nil, depthLimit: Int? = nil) throws -> LineageResult {
        var notes: [String] = []
        var result: Reach
        if selection.members.count == 1, selection.members[0].count == 1 {
            // The common case, one atom: its walk is the answer, already in depth order.
            result = try evaluate(selection.members[0][0], depthLimit: depthLimit, notes: &notes)
        } else {
            var depth: [Int32: Int32] = [:]
            var unmatched: [LineageError] = []
            for member in selection.members {
                var memberDepth: [Int32: Int32]?
                do {
                    for atom in member {
                        let reached = try evaluate(atom, depthLimit: depthLimit, notes: &notes)
                        let map = Dictionary(zip(reached.nodes, reached.depths), uniquingKeysWith: min)
                        memberDepth = memberDepth.map { $0.filter { map[$0.key] != nil } } ?? map
                    }
                } catch let e as LineageError where selection.members.count > 1 && e.isUnmatched {
                    // As dbt: one part of a union that matches nothing is said, not fatal.
                    unmatched.append(e)
                    continue
                }
                for (node, d) in memberDepth ?? [:] { depth[node] = min(d, depth[node] ?? Int32.max) }
            }
            if unmatched.count == selection.members.count, let first = unmatched.first { throw first }
            notes += unmatched.map(\.description)
            let ordered = depth.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            result = Reach(nodes: ordered.map(\.key), depths: ordered.map(\.value))
        }
        if let exclude {
            // What an exclusion does not match is simply not excluded.
            var excluded: Set<Int32> = []
            for member in exclude.members {
                do { excluded.formUnion(try select(Selection(members: [member]), depthLimit: depthLimit).nodes) }
                catch let e as LineageError where e.isUnmatched {
                    // A mistyped exclusion would silently keep what the user meant to drop.
                    notes.append("--exclude: \(e)")
                }
            }
            let kept = result.nodes.indices.filter { !excluded.contains(result.nodes[$0]) }
            result = Reach(nodes: kept.map { result.nodes[$0] }, depths: kept.map { result.depths[$0] })
        }
        for cycle in try graph.cycles(among: result.nodes) {
            let ids = try catalog.read { try $0.lineageNodes(cycle) }.map(\.id)
            notes.append("cycle: " + (ids + [ids[0]]).joined(separator: " → "))
        }
        return LineageResult(nodes: result.nodes, depths: result.depths.map(Int.init), notes: notes)
    }

    /// Nodes an atom reaches, each once, in depth order.
    private func evaluate(_ atom: SelectorAtom, depthLimit: Int?, notes: inout [String]) throws -> Reach {
        func cap(_ r: Reachance) -> Int? {
            switch r {
            case .none: 0
            case .all: depthLimit
            case .upTo(let n): depthLimit.map { min($0, n) } ?? n
            }
        }
        var seeds: [Int32] = []
        var checkNamed: [[Int32]] = []
        if atom.method != .testName && atom.method != .testType {
            do {
                seeds = try resolve(atom, notes: &notes)
            } catch LineageError.noMatch where atom.method == .fqn {
                // A data test's name: dbt selects the test; here it is a check on its tables.
                checkNamed = try catalog.read { try $0.checkTables(named: atom.value) }
                if checkNamed.isEmpty { throw LineageError.noMatch(selector: atom.description, suggestions: try suggestions(for: atom.value)) }
            }
        }
        if atom.method == .testName || atom.method == .testType || !checkNamed.isEmpty {
            // The tests themselves are not nodes; their parents are one hop up from them.
            let tables = !checkNamed.isEmpty ? checkNamed : try catalog.read { r in
                try r.checkTables(testName: atom.method == .testName ? atom.value : nil,
                                  testType: atom.method == .testType ? atom.value : nil)
            }
            guard atom.parents != .none || atom.childrensParents else { throw LineageError.checksOnly(selector: atom.description) }
            let limit = atom.childrensParents ? depthLimit : cap(atom.parents)
            if limit == 0 { return Reach() }
            let up = try graph.walk(from: Array(Set(tables.flatMap { $0 })), .upstream, maxDepth: limit.map { $0 - 1 })
            return Reach(nodes: up.nodes, depths: up.depths.map { $0 + 1 })
        }
        var walks: [Reach]
        if atom.childrensParents {
            let down = try graph.walk(from: seeds, .downstream, maxDepth: depthLimit)
            // dbt's graph holds tests: below x, a test that also reads another table brings
            // that table (and its ancestors) into @x.
            let below = Set(down.nodes)
            let viaChecks = try catalog.read { try $0.multiTableChecks() }
                .filter { $0.contains(where: below.contains) }.flatMap { $0 }.filter { !below.contains($0) }
            let up = try graph.walk(from: down.nodes + Array(Set(viaChecks)), .upstream, maxDepth: depthLimit)
            // x and its descendants keep their distance below x; the walk up starts from all of
            // them at 0, so its depths count only for the ancestors it adds.
            let upOnly = up.nodes.indices.filter { !below.contains(up.nodes[$0]) }
            walks = [down, Reach(nodes: upOnly.map { up.nodes[$0] }, depths: upOnly.map { up.depths[$0] })]
        } else {
            // A walk starts with its seeds at depth 0, so one direction alone is the answer.
            walks = []
            if atom.parents != .none { walks.append(try graph.walk(from: seeds, .upstream, maxDepth: cap(atom.parents))) }
            if atom.children != .none { walks.append(try graph.walk(from: seeds, .downstream, maxDepth: cap(atom.children))) }
            if walks.isEmpty { walks = [Reach(nodes: seeds, depths: Array(repeating: 0, count: seeds.count))] }
        }
        if walks.count == 1 { return walks[0] }
        var depth: [Int32: Int32] = [:]
        for w in walks { for (i, n) in w.nodes.enumerated() { depth[n] = min(w.depths[i], depth[n] ?? Int32.max) } }
        let ordered = depth.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        return Reach(nodes: ordered.map(\.key), depths: ordered.map(\.value))
    }

    /// The nodes a method and value name, before graph operators. A DAG stands for itself and
    /// the tasks it runs, so `+my_dag` is everything its tasks depend on.
    func resolve(_ atom: SelectorAtom, notes: inout [String]) throws -> [Int32] {
        let value = atom.value
        var found: [Int32]
        switch atom.method {
        case .fqn: found = try resolveName(value, notes: &notes)
        case .tag: found = try catalog.read { try $0.lineageNums(tagGlob: value) }
        case .owner: found = try catalog.read { try $0.lineageNums(ownerGlob: value) }
        case .stage: found = try catalog.read { try $0.lineageNums(stageGlob: value) }
        case .kind: found = try catalog.read { try $0.lineageNums(kindGlob: value) }
        case .config where atom.arguments == ["materialized"]:
            found = try catalog.read { try $0.lineageNums(materialization: value) }
        case .config, .group, .access, .version:
            // What dbt's model governance and config keys name; a catalog imported by an older
            // strata lacks them, and says so rather than answer wrongly.
            guard try !catalog.read({ try $0.dbtNodesLackGovernance() }) else {
                throw LineageError.importAgain(selector: atom.description)
            }
            found = try governed(atom)
        case .package:
            let root = try rootPackages()
            found = try dbtNodes().filter { value == "this" ? root.contains($0.package) : glob(value, $0.package) }.map(\.num)
        case .file:
            // A file name, with or without its extension.
            found = try dbtNodes().filter { node in
                let name = node.path.split(separator: "/").last.map(String.init) ?? node.path
                let stem = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
                return glob(value, name) || glob(value, stem)
            }.map(\.num)
        case .resourceType: found = try dbtNodes().filter { $0.resourceType == value }.map(\.num)
        case .path:
            // dbt globs the pattern in the root project's folder first: a folder that exists only
            // inside an installed package matches nothing, though package nodes whose own path
            // lies under a matching root folder are selected.
            let nodes = try dbtNodes()
            let root = try rootPackages()
            // A node is also selected by its properties file (patch_path), matched as a file only.
            func matches(_ n: DbtNodeKey) -> Bool {
                Self.pathMatches(value, n.path) || !n.patchPath.isEmpty && Self.fileMatches(value, n.patchPath)
            }
            let exists = nodes.contains { root.contains($0.package) && matches($0) }
            found = exists ? nodes.filter(matches).map(\.num) : []
            found += try catalog.read { try $0.lineageNums(sourceFileGlob: value) }
        case .source: found = try resolveSource(value)
        case .exposure:
            let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let (package, name) = parts.count == 2 ? (parts[0], parts[1]) : ("*", parts[0])
            found = try dbtNodes().filter { $0.resourceType == "exposure" && glob(package, $0.package)
                && glob(name, $0.fqn.last ?? "") }.map(\.num)
        case .testName, .testType: found = []
        }
        if found.isEmpty { throw LineageError.noMatch(selector: atom.description, suggestions: try suggestions(for: value)) }
        return Array(Set(found + (try tasks(ofDagsAmong: found))))
    }

    /// The nodes `group:`, `access:`, `version:` or `config.KEY:` name, as dbt matches them.
    private func governed(_ atom: SelectorAtom) throws -> [Int32] {
        let value = atom.value
        switch atom.method {
        case .group:
            // dbt's groupable nodes: not sources or exposures, whatever their config says.
            return try dbtNodes().filter {
                !$0.group.isEmpty && $0.resourceType != "source" && $0.resourceType != "exposure" && glob(value, $0.group)
            }.map(\.num)
        case .access:
            return try dbtNodes().filter { $0.resourceType == "model" && $0.access == value }.map(\.num)
        case .version:
            return try dbtNodes().filter {
                $0.resourceType == "model" && Self.versionMatches(value, version: $0.version, latest: $0.latestVersion)
            }.map(\.num)
        default:
            return try catalog.read { try $0.lineageNums(dbtConfig: atom.arguments, equalTo: value) }
        }
    }

    /// The tasks of the DAGs among `nums`: a DAG stands for what it runs. A few nums are asked
    /// about one by one; many are first narrowed to the DAGs among them, so `kind:table` on a
    /// million tables costs one small query, not a million.
    public func tasks(ofDagsAmong nums: [Int32]) throws -> [Int32] {
        if nums.count <= 64 { return try catalog.read { try $0.taskNums(ofDagNums: nums) } }
        let dags = Set(try catalog.read { try $0.lineageNums(kindGlob: "dag") })
        let asked = nums.count < dags.count ? nums.filter(dags.contains) : dags.filter(Set(nums).contains)
        return asked.isEmpty ? [] : try catalog.read { try $0.taskNums(ofDagNums: asked) }
    }

    /// dbt's default lookup: an exact id; else nodes whose name is the value or whose dotted
    /// name starts with it (`jaffle_shop` selects a whole package, `analytics.marts` a schema),
    /// with `*`, `?` and `[...]` as globs. dbt sources answer only to `source:`.
    private func resolveName(_ value: String, notes: inout [String]) throws -> [Int32] {
        if let exact = try catalog.read({ try $0.lineageNum(ofID: value) }) { return [exact] }
        let dbt = try dbtNodes().filter { $0.resourceType != "source" && Self.fqnMatches(value, fqn: $0.fqn) }.map(\.num)
        let all = Array(Set(dbt + (try idMatches(value, unscoped: dbt.isEmpty))))
        if all.count > 1, !value.contains("."), !value.contains(where: { "*?[]".contains($0) }) {
            // Several nodes share the name (a package prefix selecting many is not ambiguity).
            let named = try catalog.read { try $0.lineageNodes(all) }.filter { Self.leaf(of: $0.id) == value }
            if named.count > 1 {
                let ids = named.map(\.id).sorted()
                notes.append("'\(value)' names \(ids.count) nodes (all selected): " + ids.prefix(5).joined(separator: ", ")
                             + (ids.count > 5 ? ", …" : "") + "; give a full id to pick one")
            }
        }
        return all
    }

    /// Entities that are not dbt nodes whose dotted id matches by dbt's fqn rule: the last
    /// part, a prefix, or globs (a scan of the ids). When `unscoped` and nothing else matched,
    /// a prefix without the first part, as dbt counts an fqn without its package.
    private func idMatches(_ value: String, unscoped: Bool) throws -> [Int32] {
        if value.contains(where: { "*?[]".contains($0) }) {
            return try catalog.read { try $0.lineageIDs() }
                .filter { Self.fqnMatches(value, fqn: $0.id.split(separator: ".").map(String.init)) }.map(\.num)
        }
        let found = try catalog.read { r in
            (value.contains(".") ? [] : try r.lineageNums(leaf: value)) + (try r.lineageNums(idPrefix: value))
        }
        if found.isEmpty && unscoped { return try catalog.read { try $0.lineageNums(unscopedPrefix: value) } }
        return found
    }

    /// `source:name`, `source:name.table`, `source:package.name.table` on dbt sources; in a
    /// catalog without dbt, the tables where data enters (nothing upstream) named by the value.
    private func resolveSource(_ value: String) throws -> [Int32] {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var dbt: [Int32] = []
        if parts.count <= 3 {
            let (package, source, table) = parts.count == 3 ? (parts[0], parts[1], parts[2])
                : parts.count == 2 ? ("*", parts[0], parts[1]) : ("*", parts[0], "*")
            dbt = try dbtNodes().filter {
                $0.resourceType == "source" && $0.fqn.count >= 2 && glob(package, $0.package)
                    && glob(source, $0.fqn[$0.fqn.count - 2]) && glob(table, $0.fqn[$0.fqn.count - 1])
            }.map(\.num)
        }
        let up = try graph.rows(.upstream)
        let entering = try nodes(try idMatches(value, unscoped: true))
            .filter { $0.kind == .table && up.neighbors(of: $0.num).isEmpty }.map(\.num)
        return dbt + entering
    }

    /// The dbt project itself, as opposed to installed packages: the package whose run DAG
    /// (`dbt.<project>`) exists, else the package with the most nodes.
    private func rootPackages() throws -> Set<String> {
        let nodes = try dbtNodes()
        let packages = Set(nodes.map(\.package))
        let withRuns = try packages.filter { p in try catalog.read { try $0.lineageNum(ofID: "dbt.\(p)") } != nil }
        if !withRuns.isEmpty { return withRuns }
        var counts: [String: Int] = [:]
        for n in nodes { counts[n.package, default: 0] += 1 }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }.map { [$0.key] } ?? []
    }

    private func dbtNodes() throws -> [DbtNodeKey] {
        if let dbtNodesCache { return dbtNodesCache }
        let nodes = try catalog.read { try $0.dbtNodes() }
        dbtNodesCache = nodes
        return nodes
    }

    private func suggestions(for value: String) throws -> [String] {
        let leaves = try catalog.read { try $0.lineageLeaves(sharingPrefixWith: value) }
        return closest(value, in: leaves, maxDistance: max(2, value.count / 3)).map { [$0] } ?? []
    }

    // MARK: Matching rules (dbt's)

    static func leaf(of id: String) -> String {
        id.split(separator: ".").last.map(String.init) ?? id
    }

    /// dbt's fqn rule: the selector equals the node's name (last fqn part), or its dot-parts are
    /// the first parts of the fqn, counted with or without the package (`staging.stg_orders`
    /// and `jaffle_shop.staging.stg_orders` both work); from the first part with a wildcard on,
    /// the rest is globbed against the rest of the fqn. A wildcard without dots (`stg_*`) is
    /// also tried against the name alone.
    static func fqnMatches(_ selector: String, fqn: [String]) -> Bool {
        if fqn.last == selector { return true }
        let wild = selector.contains(where: { "*?[]".contains($0) })
        if wild, !selector.contains("."), let name = fqn.last, glob(selector, name) { return true }
        let flat = fqn.flatMap { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        let parts = selector.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        func prefixMatch(_ flat: ArraySlice<String>) -> Bool {
            guard parts.count <= flat.count else { return false }
            for (i, part) in parts.enumerated() {
                let at = flat.startIndex + i
                if part.contains(where: { "*?[]".contains($0) }) {
                    return glob(parts[i...].joined(separator: "."), flat[at...].joined(separator: "."))
                }
                if flat[at] != part { return false }
            }
            return true
        }
        return prefixMatch(flat[...]) || (flat.count > 1 && prefixMatch(flat.dropFirst()))
    }

    /// dbt's version rule: `latest` is a version equal to the model's latest, `prerelease` one
    /// above it and `old` one below (compared as numbers when both are, else as text), `none` an
    /// unversioned model.
    static func versionMatches(_ selector: String, version v: String, latest: String) -> Bool {
        if selector == "none" { return v.isEmpty }
        guard !v.isEmpty, !latest.isEmpty else { return false }
        let order: ComparisonResult = if let a = Double(v), let b = Double(latest) {
            a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
        } else {
            v < latest ? .orderedAscending : v > latest ? .orderedDescending : .orderedSame
        }
        switch selector {
        case "latest": return order == .orderedSame
        case "prerelease": return order == .orderedDescending
        case "old": return order == .orderedAscending
        default: return false
        }
    }

    /// dbt's path rule: the node's file, or a folder it lies in, matches the pattern (relative
    /// to the project root; `*` does not cross a slash, as in a shell).
    /// The pattern names this file itself (not a folder above it).
    static func fileMatches(_ pattern: String, _ path: String) -> Bool {
        let wanted = pattern.split(separator: "/").map(String.init)
        let parts = path.split(separator: "/").map(String.init)
        return !wanted.isEmpty && wanted.count == parts.count && zip(wanted, parts).allSatisfy { glob($0, $1) }
    }

    static func pathMatches(_ pattern: String, _ path: String) -> Bool {
        let trimmed = pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern
        let wanted = trimmed.split(separator: "/").map(String.init)
        let parts = path.split(separator: "/").map(String.init)
        guard !wanted.isEmpty, wanted.count <= parts.count else { return false }
        return zip(wanted, parts).allSatisfy { glob($0, $1) }
    }

    // MARK: Facts about nodes

    public func nodes(_ nums: [Int32]) throws -> [LineageNodeInfo] {
        try catalog.read { try $0.lineageNodes(nums) }
    }

    /// Just the ids of nodes, sorted by their bytes (as `dbt ls` prints unique ids).
    public func ids(_ nums: [Int32]) throws -> [String] {
        try catalog.read { try $0.lineageIDs(nums) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func num(of id: String) throws -> Int32 {
        if let n = try catalog.read({ try $0.lineageNum(ofID: id) }) { return n }
        var notes: [String] = []
        let named = try resolveName(id, notes: &notes)
        if named.count == 1 { return named[0] }
        if named.count > 1 {
            let ids = try nodes(named).map(\.id).sorted()
            throw LineageError.ambiguousNode(id, ids: Array(ids.prefix(5)), count: ids.count)
        }
        throw LineageError.unknownNode(id, suggestions: try suggestions(for: id))
    }

    /// Edges between the given nodes, each with who asserted it.
    public func edges(among nums: [Int32]) throws -> [(from: Int32, to: Int32, source: String)] {
        try graph.edges(among: nums)
    }

    /// The state of each node's latest run, in the words lineage shows: ok, failed,
    /// upstream_failed, skipped, running…, and `stale` for a node that last ran fine but reads
    /// from something whose latest run failed (its data did not refresh). Nil: never ran.
    public func statuses(_ nums: [Int32], bulkAbove: Int = 500) throws -> [Int32: String] {
        let upstreamOf = try graph.neighbors(of: nums, .upstream)
        var wanted = Set(nums)
        for n in nums { wanted.formUnion(upstreamOf[n] ?? []) }
        var raw: [Int32: String] = [:]
        if wanted.count > bulkAbove {
            // A quarter million nodes: one pass over the runs beats a query per node.
            let up = try graph.rows(.upstream)
            let latest = try catalog.read { try $0.latestRunStates() }
            guard !latest.isEmpty else { return [:] }
            for node in try nodes(Array(wanted)) {
                if let own = latest[node.num] { raw[node.num] = own.state; continue }
                guard node.kind != .task && node.kind != .dag else { continue }
                // A table's state is that of the latest instance of a task that writes it.
                let writers = up.neighbors(of: node.num).compactMap { latest[$0] }
                if let last = writers.max(by: { ($0.start, $0.runID) < ($1.start, $1.runID) }) { raw[node.num] = last.state }
            }
        } else {
            let info = try nodes(Array(wanted))
            try catalog.read { r in
                for node in info {
                    if let s = try r.latestState(of: node.id) { raw[node.num] = s }
                }
            }
        }
        // Staleness flows downstream: repeat until nothing changes (at most one round per
        // node on the longest chain).
        var status = raw.mapValues { $0 == "success" ? "ok" : $0 }
        let broken: Set<String> = ["failed", "upstream_failed", "stale"]
        var changed = true
        var rounds = 0
        while changed && rounds <= nums.count {
            changed = false; rounds += 1
            for n in nums where status[n] == "ok" && (upstreamOf[n] ?? []).contains(where: { broken.contains(status[$0] ?? "") }) {
                status[n] = "stale"; changed = true
            }
        }
        let asked = Set(nums)
        return status.filter { asked.contains($0.key) }
    }
}

/// Shell-style glob (`*`, `?`, `[...]`), as dbt's fnmatch applies it.
func glob(_ pattern: String, _ text: String) -> Bool {
    if !pattern.contains(where: { "*?[".contains($0) }) { return pattern == text }
    return fnmatch(pattern, text, 0) == 0
}
