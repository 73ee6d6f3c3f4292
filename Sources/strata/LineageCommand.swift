import ArgumentParser
import Foundation
import StrataCatalog
import StrataLineage

struct Lineage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Select nodes with dbt's graph operators and print them with the edges between them.",
        discussion: """
            Selectors work as in dbt: +x (x and everything upstream), x+ (downstream), 2+x and x+1 \
            (that many hops), +x+, @x (x, its descendants and all their ancestors); a space unites, a \
            comma intersects. A bare name is an id, a name (the last part of an id or of a dbt fqn) or \
            a dotted prefix such as a dbt package or a schema. Methods: tag:, owner:, stage:, kind:, \
            source:, path:, file:, package:, resource_type:, exposure:, group:, test_name:, test_type:, \
            config.KEY: (any key of a dbt node's config, e.g. config.tags:nightly) and access: (exact), version: \
            (latest, prerelease, old, none). Globs * ? [..] \
            work in the other values.
            Examples: strata lineage +fct_orders · strata lineage 'tag:tier-1,stage:transform' \
            · strata lineage @stg_orders --exclude 'kind:dashboard' · strata lineage --path raw.shop.orders fct_orders
            """)

    @Argument(help: ArgumentHelp("What to select (several are united).", valueName: "selector"))
    var selector: [String] = []
    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Leave these out (same grammar).", valueName: "selector"))
    var exclude: [String] = []
    @Option(name: .long, help: ArgumentHelp("Cap every + and @ at this many hops.", valueName: "n"))
    var depth: Int?
    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Print how data flows from the first node to the second.", valueName: "from to"))
    var path: [String] = []
    @Flag(name: .long, help: "Print only the selected ids, one per line (as dbt ls does).")
    var ids = false
    @OptionGroup var options: CatalogOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if let depth, depth < 0 { throw ValidationError("--depth must be 0 or more") }
        if !path.isEmpty {
            if path.count != 2 { throw ValidationError("--path takes two nodes: --path FROM TO") }
            if !selector.isEmpty { throw ValidationError("give either selectors or --path FROM TO, not both") }
        } else if selector.isEmpty {
            throw ValidationError("name what to select, e.g. `strata lineage +fct_orders` (see --help)")
        }
    }

    struct NodeJSON: Encodable {
        var id: String, kind: String, name: String, depth: Int, owner: String?, status: String?

        enum CodingKeys: String, CodingKey { case id, kind, name, depth, owner, status }
        /// Every node has every field: a missing owner or run state is null, not absent.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(kind, forKey: .kind)
            try c.encode(name, forKey: .name)
            try c.encode(depth, forKey: .depth)
            try c.encode(owner, forKey: .owner)
            try c.encode(status, forKey: .status)
        }
    }
    struct EdgeJSON: Encodable { var from: String, to: String, source: String }
    struct SelectionJSON: Encodable {
        var selector: String
        var exclude: String?
        var nodes: [NodeJSON]
        var edges: [EdgeJSON]
        var notes: [String]
    }
    struct PathJSON: Encodable {
        var from: String, to: String
        /// True when data flows from the second node given to the first (from/to are as it flows).
        var reversed: Bool
        var paths: [[String]]
        var nodesOnPaths: [String]
        var edges: [EdgeJSON]
    }

    func run() throws {
        let engine = try LineageEngine(catalog: try options.open())
        PhaseClock.lap("open")
        if path.count == 2 { return try runPath(engine) }
        let selection = try Selection.parse(selector)
        let excluded = exclude.isEmpty ? nil : try Selection.parse(exclude)
        PhaseClock.lap("parse selectors")
        let result = try engine.select(selection, exclude: excluded, depthLimit: depth)
        PhaseClock.lap("select")
        for note in result.notes { printError("note: " + note) }
        if ids {
            let found = try engine.ids(result.nodes)
            PhaseClock.lap("ids")
            if out.json { return try printJSON(found) }
            sayLines(found)
            PhaseClock.lap("write")
            return
        }
        let info = try engine.nodes(result.nodes)
        let byNum = Dictionary(uniqueKeysWithValues: info.map { ($0.num, $0) })
        let depthOf = result.depth
        let status = try engine.statuses(result.nodes)
        let edges = try engine.edges(among: result.nodes).compactMap { e -> EdgeJSON? in
            guard let f = byNum[e.from], let t = byNum[e.to] else { return nil }
            return EdgeJSON(from: f.id, to: t.id, source: e.source)
        }.sorted { ($0.from, $0.to, $0.source) < ($1.from, $1.to, $1.source) }
        let nodes = info.map {
            NodeJSON(id: $0.id, kind: $0.kind.rawValue, name: $0.name, depth: depthOf[$0.num] ?? 0,
                     owner: $0.owner, status: status[$0.num])
        }.sorted { ($0.depth, $0.id) < ($1.depth, $1.id) }
        if out.json {
            return try printJSON(SelectionJSON(selector: selection.description, exclude: excluded?.description,
                                               nodes: nodes, edges: edges, notes: result.notes))
        }
        // One line per edge with every source that asserts it (dbt and OpenLineage often both do).
        var pairs: [(from: String, to: String, sources: [String])] = []
        for e in edges {
            if let last = pairs.last, last.from == e.from, last.to == e.to { pairs[pairs.count - 1].sources.append(e.source) }
            else { pairs.append((e.from, e.to, [e.source])) }
        }
        say("\(selection.description)\(excluded.map { " --exclude \($0.description)" } ?? ""): "
            + "\(nodes.count) node\(nodes.count == 1 ? "" : "s"), \(pairs.count) edge\(pairs.count == 1 ? "" : "s")")
        let rows = [["depth", "kind", "id", "owner", "status"]]
            + nodes.map { [String($0.depth), $0.kind, $0.id, $0.owner ?? "", $0.status ?? ""] }
        for line in columns(rows) { say(line) }
        if !pairs.isEmpty {
            say()
            say("edges")
            for line in columns(pairs.map { ["  " + $0.from, "→", $0.to, $0.sources.joined(separator: ", ")] }) { say(line) }
        }
    }

    private func runPath(_ engine: LineageEngine) throws {
        let a = try engine.num(of: path[0]), b = try engine.num(of: path[1])
        var (paths, between) = try engine.graph.paths(from: a, to: b)
        var (from, to) = (a, b)
        if paths.isEmpty {
            // Perhaps the user named them downstream first.
            (paths, between) = try engine.graph.paths(from: b, to: a)
            (from, to) = (b, a)
        }
        let info = Dictionary(try engine.nodes(Array(Set(between + [a, b]))).map { ($0.num, $0) }, uniquingKeysWith: { a, _ in a })
        let id = { (n: Int32) in info[n]?.id ?? "#\(n)" }
        let edges = try engine.edges(among: between).map { EdgeJSON(from: id($0.from), to: id($0.to), source: $0.source) }
            .sorted { ($0.from, $0.to, $0.source) < ($1.from, $1.to, $1.source) }
        if paths.isEmpty { (from, to) = (a, b) }
        if out.json {
            try printJSON(PathJSON(from: id(from), to: id(to), reversed: from != a, paths: paths.map { $0.map(id) },
                                   nodesOnPaths: between.map(id).sorted(), edges: edges))
            // As the text: no path in either direction is exit 1.
            if paths.isEmpty { throw ExitCode(1) }
            return
        }
        guard !paths.isEmpty else {
            say("no lineage path between \(id(a)) and \(id(b)) in either direction")
            throw ExitCode(1)
        }
        if from != a { say("\(id(a)) does not reach \(id(b)); it is the other way round:") }
        let hops = paths[0].count - 1
        say("\(id(from)) reaches \(id(to)) in \(hops) hop\(hops == 1 ? "" : "s")"
            + (paths.count > 1 ? " by \(paths.count)\(paths.count >= 10 ? "+" : "") shortest paths" : "")
            + "; \(between.count) nodes lie on some path")
        for (i, p) in paths.enumerated() {
            say()
            if paths.count > 1 { say("path \(i + 1)") }
            for (j, n) in p.enumerated() {
                say(String(repeating: "  ", count: j) + (j == 0 ? "" : "→ ") + id(n) + (info[n].map { "  (\($0.kind.rawValue))" } ?? ""))
            }
        }
    }
}
