import StrataCatalog
import StrataLineage
import StrataTerminal

/// The lineage tree of one root: one hop open by default (a whole closure at once is a
/// hairball), nodes opened and closed one by one, `+`/`-` setting how many levels open by
/// themselves. A node reached again (a diamond) is listed but not opened twice; a node on its
/// own path (a cycle) is marked and never opened. Each row shows the node's state, kind, name,
/// stage, owner and, when closed, how many neighbours it hides.
struct LineagePane {
    struct Row: Equatable {
        /// Nodes from the root's child down to this node.
        var path: [Int32]
        var node: Int32 { path.last! }
        var level: Int { path.count }
        var childCount: Int
        var open: Bool
        var repeated: Bool
        var cycle: Bool
    }

    /// At most this many rows and this many children per node; the rest is counted, not drawn.
    static let maxRows = 2_000
    static let maxChildren = 300

    let engine: LineageEngine
    let root: Int32
    /// When the root is a DAG, its tasks: the DAG's lineage is what its tasks read and write
    /// outside it.
    private let rootTasks: [Int32]
    var direction: LineageDirection
    /// Levels that open by themselves.
    var depth: Int
    /// Nodes opened or closed by hand, by their path.
    private var overrides: [[Int32]: Bool] = [:]
    private(set) var rows: [Row] = []
    /// The deepest level shown: less than the depth asked for when the graph ends sooner.
    var deepestShown: Int { rows.map(\.level).max() ?? 0 }
    /// The drawn lines (a header, then one per row) and the cursor over them.
    var text = TextPane()
    private var info: [Int32: LineageNodeInfo] = [:]
    private var status: [Int32: String] = [:]
    private var counts: [LineageDirection: (direct: Int, total: Int)] = [:]
    private var truncated = false
    private static let headerLines = 1

    init(engine: LineageEngine, rootID: String, direction: LineageDirection, depth: Int) throws {
        self.engine = engine
        let root = try engine.num(of: rootID)
        self.root = root
        rootTasks = try engine.tasks(ofDagsAmong: [root])
        self.direction = direction
        self.depth = depth
        try rebuild()
    }

    var selectedRow: Row? {
        guard let i = text.selected, i >= Self.headerLines, i - Self.headerLines < rows.count else { return nil }
        return rows[i - Self.headerLines]
    }

    var selectedID: String? { selectedRow.flatMap { info[$0.node]?.id } }

    // MARK: Changes

    mutating func setDirection(_ d: LineageDirection) throws {
        guard d != direction else { return }
        direction = d; overrides = [:]
        try rebuild(keeping: nil)
    }

    mutating func setDepth(_ d: Int) throws {
        depth = d; overrides = [:]
        try rebuild(keeping: selectedRow?.path)
    }

    /// Opens the selected node, or steps into its first child when it is open already.
    mutating func openSelected() throws -> Bool {
        guard let row = selectedRow, row.childCount > 0, !row.repeated, !row.cycle else { return false }
        if row.open {
            text.selected = text.selected.map { $0 + 1 }
            return true
        }
        overrides[row.path] = true
        try rebuild(keeping: row.path)
        return true
    }

    /// Closes the selected node, or steps to its parent when it is closed.
    mutating func closeSelected() throws -> Bool {
        guard let row = selectedRow else { return false }
        if row.open {
            overrides[row.path] = false
            try rebuild(keeping: row.path)
            return true
        }
        guard row.level > 1, let parent = rows.firstIndex(where: { $0.path == Array(row.path.dropLast()) }) else { return false }
        text.selected = parent + Self.headerLines
        return true
    }

    // MARK: Building

    private mutating func rebuild(keeping path: [Int32]? = nil) throws {
        rows = []
        truncated = false
        var shown: Set<Int32> = [root]
        var pending: [Int32] = []
        let tasks = Set(rootTasks)
        // Asked once per node: a node shows its neighbours' counts, and the edge indexes answer
        // until a big question has loaded the arrays.
        var known: [Int32: [Int32]] = [:]
        let graph = engine.graph, direction = direction
        func neighbours(of node: Int32) throws -> [Int32] {
            if let found = known[node] { return found }
            let found = try graph.neighbors(of: node, direction)
            known[node] = found
            return found
        }
        func children(of node: Int32) throws -> [Int32] {
            guard node == root, !rootTasks.isEmpty else { return try neighbours(of: node) }
            var out: [Int32] = []
            for t in rootTasks { for n in try neighbours(of: t) where !tasks.contains(n) && !out.contains(n) { out.append(n) } }
            return out
        }
        // Depth first, so a node's subtree follows it.
        func visit(_ node: Int32, _ path: [Int32]) throws {
            var kids = try children(of: node)
            if kids.count > Self.maxChildren { truncated = true; kids = Array(kids.prefix(Self.maxChildren)) }
            pending += kids.filter { info[$0] == nil }
            try? loadInfo(&pending)
            kids.sort { (sortKey($0)) < (sortKey($1)) }
            // A node's own neighbours are claimed before any of them is opened, so a node
            // opens where it is nearest the root, not wherever a deeper branch met it first.
            let claimed = kids.map { shown.insert($0).inserted }
            for (child, isNew) in zip(kids, claimed) {
                guard rows.count < Self.maxRows else { truncated = true; return }
                let childPath = path + [child]
                let cycle = child == root || path.contains(child)
                let repeated = !cycle && !isNew
                let count = try children(of: child).count
                let canOpen = !cycle && !repeated && count > 0
                let open = canOpen && (overrides[childPath] ?? (childPath.count < depth))
                rows.append(Row(path: childPath, childCount: count, open: open, repeated: repeated, cycle: cycle))
                if open { try visit(child, childPath) }
            }
        }
        try visit(root, [])
        try loadStatuses()
        if counts[direction] == nil {
            let reach = try engine.graph.walk(from: [root] + rootTasks, direction)
            counts[direction] = (try children(of: root).count, reach.count - 1 - rootTasks.count)
        }
        let previous = text.selected
        text = TextPane(lines())
        if let path, let i = rows.firstIndex(where: { $0.path == path }) {
            text.selected = i + Self.headerLines
        } else if let previous, previous < text.lines.count, text.lines[previous].target != nil {
            text.selected = previous
        }
    }

    private func sortKey(_ n: Int32) -> (Int, String) {
        guard let i = info[n] else { return (9, "") }
        let order: [EntityKind] = [.table, .task, .dag, .dashboard]
        return (order.firstIndex(of: i.kind) ?? 8, i.name)
    }

    private mutating func loadInfo(_ pending: inout [Int32]) throws {
        guard !pending.isEmpty else { return }
        for n in try engine.nodes(Array(Set(pending))) { info[n.num] = n }
        pending = []
    }

    private mutating func loadStatuses() throws {
        let missing = Array(Set(rows.map(\.node) + [root]).filter { status[$0] == nil })
        guard !missing.isEmpty else { return }
        var pending = [root]
        try loadInfo(&pending)
        let found = try engine.statuses(missing)
        // Remember "never ran" too, so it is not asked again.
        for n in missing { status[n] = found[n] ?? "" }
    }

    private func lines() -> [Line] {
        // Tools, owners, stages and terms have no edges: say so rather than "nothing upstream".
        if let kind = info[root]?.kind, !CatalogReader.lineageKinds.contains(kind) {
            return [Line("a \(kind.rawValue) is not part of lineage, which follows tables, tasks, DAGs and dashboards", .muted)]
        }
        let c = counts[direction] ?? (0, 0)
        let way = direction == .upstream ? "upstream" : "downstream"
        // The root's own state first: where a walk down a failure cascade starts.
        let rootState = status[root].flatMap { $0.isEmpty ? nil : $0 }
        var out = [Line([(rootState.map { lineageGlyph($0) + " " + $0 + " · " } ?? "", rootState.map(lineageRole) ?? .muted),
                         ("\(c.direct) direct · \(c.total) in all \(way)", .muted),
                         ("  ·  → ← open/close · Enter re-root · f deepest failure", .muted)])]
        if rows.isEmpty {
            // Only a table or dashboard with nothing upstream is where data enters; a DAG or a
            // task without edges is one whose inputs no import described.
            let isData = info[root].map { $0.kind == .table || $0.kind == .dashboard } ?? true
            out.append(Line(direction == .upstream
                            ? (isData ? "nothing upstream: this is where data enters" : "no inputs recorded for this \(info[root]?.kind.rawValue ?? "node")")
                            : (isData ? "nothing downstream uses this yet" : "no outputs recorded for this \(info[root]?.kind.rawValue ?? "node")"), .muted))
            return out
        }
        for row in rows {
            guard let node = info[row.node] else { continue }
            let state = status[row.node].flatMap { $0.isEmpty ? nil : $0 }
            let marker = row.cycle ? "↺ " : row.open ? "▾ " : row.childCount > 0 && !row.repeated ? "▸ " : "  "
            // A task's own name ("load") means little without its DAG; a table's reads tail first.
            let (name, qualifier) = node.kind == .task ? (node.id, "") : tailFirst(node.name)
            var spans: [(String, Line.Role)] = [
                (String(repeating: "  ", count: row.level - 1) + marker, .muted),
                (lineageGlyph(state) + " ", state.map(lineageRole) ?? .muted),
                (TextWidth.pad(node.kind.rawValue, to: 10), .muted),
                (name, row.repeated || row.cycle ? .muted : .base),
            ]
            if !qualifier.isEmpty { spans.append(("  " + qualifier, .muted)) }
            if let stage = node.stage { spans.append(("  " + stage, .stage(stage))) }
            if let owner = node.owner { spans.append(("  " + owner, .muted)) }
            if let state, state != "ok" { spans.append(("  " + state, lineageRole(state))) }
            if row.cycle { spans.append(("  (cycle)", .muted)) }
            else if row.repeated { spans.append(("  (shown above)", .muted)) }
            else if !row.open && row.childCount > 0 { spans.append(("  +\(row.childCount)", .accent)) }
            out.append(Line(spans, target: node.id))
        }
        if truncated { out.append(Line("… more than shown: close nodes, lower the depth (-) or re-root", .muted)) }
        return out
    }

    // MARK: The failure at the start of a cascade

    /// The failed task farthest upstream of the root (the start of the cascade the root is
    /// part of), with its latest log; the root itself when nothing upstream failed.
    func deepestFailure() throws -> (id: String, log: LogLink?)? {
        let reach = try engine.graph.walk(from: [root] + rootTasks, .upstream)
        let failed = try engine.catalog.read { r in Set(try r.latestFailedTaskIDs().compactMap { try r.lineageNum(ofID: $0) }) }
        var best: (node: Int32, depth: Int32)?
        for (i, n) in reach.nodes.enumerated() where failed.contains(n) {
            if best == nil || reach.depths[i] > best!.depth { best = (n, reach.depths[i]) }
        }
        guard let best, let node = try engine.nodes([best.node]).first else { return nil }
        let log = try engine.catalog.read { r -> LogLink? in
            guard let run = try r.taskRuns(node.id, limit: 1).first, let path = run.logs?.last else { return nil }
            return LogLink(path: path, title: "\(node.name) · \(run.runID)", run: run.runID, task: node.id)
        }
        return (node.id, log)
    }
}

/// The colour of a lineage status: a run state's, with `ok` as success and `stale` as skipped.
func lineageRole(_ status: String) -> Line.Role {
    .state(status == "ok" ? "success" : status == "stale" ? "skipped" : status)
}

/// A lineage status as one glyph (the run-state glyphs, plus stale).
func lineageGlyph(_ status: String?) -> String {
    switch status {
    case "ok": stateGlyph("success")
    case "stale": "◌"
    default: stateGlyph(status)
    }
}
