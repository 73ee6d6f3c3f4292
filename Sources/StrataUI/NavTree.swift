import StrataCatalog
import StrataTerminal

/// The browser's navigator: stages, then a group per kind, each expandable. Children load a
/// page at a time (a "… more" row fetches the next page), so a catalog of a million tables
/// opens as fast as a small one.
struct NavTree {
    final class Node {
        enum Source { case stagesGroup, kindGroup(EntityKind), stage(Entity), dag(Entity), leaf(Entity) }
        let source: Source
        let label: String
        let depth: Int
        var expanded = false
        /// For a DAG or a task: the state of its latest run (nil when it never ran).
        var state: String?
        var children: [Node] = []
        /// Paging window over the children.
        var start = 0
        var total = 0

        init(_ source: Source, label: String, depth: Int) { self.source = source; self.label = label; self.depth = depth }

        var entity: Entity? {
            switch source {
            case .stage(let e), .dag(let e), .leaf(let e): e
            default: nil
            }
        }

        var expandable: Bool {
            switch source {
            case .leaf: false
            default: true
            }
        }
    }

    enum Row {
        case node(Node)
        case earlier(Node)
        case more(Node)
    }

    static let pageSize = 200
    let catalog: Catalog
    var roots: [Node]
    var rows: [Row] = []
    var cursor = ListCursor(count: 0)

    init(catalog: Catalog) throws {
        self.catalog = catalog
        let byName = try catalog.read { try $0.kindCounts() }
        let counts = Dictionary(uniqueKeysWithValues: EntityKind.allCases.map { ($0, byName[$0.rawValue] ?? 0) })
        let stages = try catalog.read { try Self.shownStages($0) }.count
        roots = [Node(.stagesGroup, label: "By stage (\(stages))", depth: 0)]
        for kind in [EntityKind.table, .dag, .dashboard, .tool, .owner, .term] where (counts[kind] ?? 0) > 0 {
            let label = kind == .term ? "Glossary" : kind.plural.prefix(1).uppercased() + kind.plural.dropFirst()
            // The on-call question first: how many DAGs are broken right now.
            let failed = kind == .dag ? try catalog.read { try $0.failedDagCount() } : 0
            let node = Node(.kindGroup(kind), label: "\(label) (\(counts[kind]!)\(failed > 0 ? " · \(failed) failed" : ""))", depth: 0)
            node.total = counts[kind]!
            roots.append(node)
        }
        try expand(roots[0])
        rebuild()
        cursor.set(1)
    }

    /// The stages that hold something, in order, as the stack map shows them: an imported stack
    /// fills only some of the standard stages. All of them when none holds anything.
    static func shownStages(_ r: CatalogReader) throws -> [Entity] {
        let all = try r.stageOrder().map(\.stage)
        let used = try all.filter { try r.count(inStage: $0.id) > 0 }
        return used.isEmpty ? all : used
    }

    var selectedRow: Row? { cursor.index < rows.count ? rows[cursor.index] : nil }

    var selectedNode: Node? {
        if case .node(let n)? = selectedRow { return n }
        return nil
    }

    var selectedEntity: Entity? { selectedNode?.entity }
    var selectedIsExpandable: Bool { selectedNode?.expandable ?? false }

    // MARK: Expanding

    mutating func toggle() throws {
        guard let n = selectedNode else { return }
        if n.expanded { n.expanded = false; rebuild() } else { try expand(n); rebuild() }
    }

    mutating func expand() throws {
        guard let n = selectedNode, n.expandable else { return }
        if n.expanded { cursor.move(1); return }
        try expand(n)
        rebuild()
    }

    mutating func collapseOrParent() {
        guard let n = selectedNode else { return }
        if n.expanded { n.expanded = false; rebuild(); return }
        // Go to the parent row.
        var i = cursor.index - 1
        while i >= 0 {
            if case .node(let p) = rows[i], p.depth < n.depth { cursor.set(i); return }
            i -= 1
        }
    }

    func expand(_ n: Node) throws {
        n.expanded = true
        if n.children.isEmpty { try load(n) }
    }

    /// Loads the page of `n`'s children starting at `n.start`.
    func load(_ n: Node) throws {
        let depth = n.depth + 1
        switch n.source {
        case .stagesGroup:
            n.children = try catalog.read { try Self.shownStages($0) }.map { Node(.stage($0), label: $0.name, depth: depth) }
            n.total = n.children.count
        case .kindGroup(let kind):
            n.children = try catalog.read { try $0.entities(kind: kind, offset: n.start, limit: Self.pageSize) }
                .map { Self.node(for: $0, depth: depth) }
        case .stage(let e):
            n.total = try catalog.read { try $0.count(inStage: e.id) }
            n.children = try catalog.read { try $0.entities(inStage: e.id, offset: n.start, limit: Self.pageSize) }
                .map { Self.node(for: $0, depth: depth) }
        case .dag(let e):
            n.children = try catalog.read { try $0.tasks(ofDag: e.id) }.map { Node(.leaf($0.entity), label: $0.detail.taskID, depth: depth) }
            n.total = n.children.count
        case .leaf:
            break
        }
        try loadStates(n.children)
    }

    /// The latest run state of the DAGs and tasks among `nodes` (one page: at most 200 lookups),
    /// and of tables that ran as tasks themselves (dbt models: run_results has one result each).
    func loadStates(_ nodes: [Node]) throws {
        let dags = nodes.compactMap { n in n.entity.flatMap { $0.kind == .dag ? $0.id : nil } }
        let tasks = nodes.compactMap { n in n.entity.flatMap { $0.kind == .task || $0.kind == .table ? $0.id : nil } }
        guard !dags.isEmpty || !tasks.isEmpty else { return }
        let states = try catalog.read { db in
            try db.latestRunStates(dags: dags).merging(try db.latestRunStates(tasks: tasks)) { a, _ in a }
        }
        for n in nodes { if let id = n.entity?.id { n.state = states[id] } }
    }

    static func node(for e: Entity, depth: Int) -> Node {
        Node(e.kind == .dag ? .dag(e) : .leaf(e), label: e.name, depth: depth)
    }

    /// On a "more" or "earlier" row, loads that page (always when `force`).
    mutating func loadIfMoreRow(force: Bool = false) throws {
        guard force, let row = selectedRow else { return }
        switch row {
        case .more(let n): n.start += Self.pageSize; try load(n); rebuild(); cursor.set(rowIndex(ofFirstChildOf: n))
        case .earlier(let n): n.start = max(0, n.start - Self.pageSize); try load(n); rebuild(); cursor.set(rowIndex(ofFirstChildOf: n))
        case .node: break
        }
    }

    private func rowIndex(ofFirstChildOf n: Node) -> Int {
        rows.firstIndex { if case .node(let c) = $0 { return n.children.first === c }; return false } ?? 0
    }

    /// Expands the way to `e` and puts the cursor on it.
    mutating func reveal(_ e: Entity) throws {
        var target: Node?
        switch e.kind {
        case .stage:
            let stages = roots[0]
            try expand(stages)
            target = stages.children.first { $0.entity?.id == e.id }
            if let target { try expand(target) }
        case .task:
            guard let dagID = try catalog.read({ try $0.taskDetail(e.id)?.dagID }),
                  let dag = try catalog.read({ try $0.entity(dagID) }),
                  let dagNode = try window(on: dag) else { break }
            try expand(dagNode)
            target = dagNode.children.first { $0.entity?.id == e.id }
        default:
            target = try window(on: e)
        }
        rebuild()
        if let target, let i = rows.firstIndex(where: { if case .node(let n) = $0 { return n === target }; return false }) {
            cursor.set(i)
        }
    }

    /// Expands the kind group of `e` with a page that contains it; returns its node.
    private func window(on e: Entity) throws -> Node? {
        guard let group = roots.first(where: { if case .kindGroup(let k) = $0.source { return k == e.kind }; return false }) else {
            return nil
        }
        let position = try catalog.read { try $0.position(of: e) }
        group.start = max(0, position - Self.pageSize / 4)
        group.expanded = true
        try load(group)
        return group.children.first { $0.entity?.id == e.id }
    }

    mutating func rebuild() {
        var out: [Row] = []
        func add(_ n: Node) {
            out.append(.node(n))
            guard n.expanded else { return }
            if n.start > 0 { out.append(.earlier(n)) }
            for c in n.children { add(c) }
            if n.start + n.children.count < n.total { out.append(.more(n)) }
        }
        roots.forEach(add)
        rows = out
        let index = cursor.index
        cursor = ListCursor(count: out.count)
        cursor.set(index)
    }

    // MARK: Drawing

    mutating func render(into grid: inout Grid, area: Rect, context: RenderContext, focused: Bool) {
        let s = context.styles
        cursor.scroll(rows: area.height)
        for i in 0..<min(area.height, max(0, rows.count - cursor.top)) {
            let index = cursor.top + i
            let y = area.y + i
            let selected = index == cursor.index
            let rowStyle: Style? = selected ? (focused ? s.selection : s.base.with(reverse: true)) : nil
            if let rowStyle { grid.fill(Rect(x: area.x, y: y, width: area.width, height: 1), rowStyle) }
            switch rows[index] {
            case .node(let n):
                let indent = String(repeating: "  ", count: n.depth)
                let marker = n.expandable ? (n.expanded ? "▾ " : "▸ ") : "  "
                var style = n.depth == 0 ? s.heading : s.base
                if case .stage(let e) = n.source { style = context.stageStyle(e.id) }
                var x = grid.put(indent + marker, x: area.x, y: y, rowStyle ?? s.muted, maxWidth: area.width)
                if let state = n.state {
                    x += grid.put(stateGlyph(state) + " ", x: area.x + x, y: y, rowStyle ?? s.state(state), maxWidth: area.width - x)
                }
                var label = n.label
                var qualifier = ""
                // Qualified names read best tail first: "fct_orders  analytics.marts".
                if let e = n.entity, e.kind != .task, e.kind != .stage { (label, qualifier) = tailFirst(label) }
                if case .leaf(let e) = n.source, n.depth >= 2, e.kind != .task { label = "\(Self.kindMark(e.kind)) \(label)" }
                let used = grid.put(label, x: area.x + x, y: y, rowStyle ?? style, maxWidth: area.width - x - 1)
                if !qualifier.isEmpty, x + used + 3 < area.width - 1 {
                    grid.put(qualifier, x: area.x + x + used + 2, y: y, rowStyle ?? s.muted, maxWidth: area.width - x - used - 3)
                }
            case .more(let n):
                let left = n.total - n.start - n.children.count
                grid.put(String(repeating: "  ", count: n.depth + 1) + "… \(left) more (Enter)", x: area.x, y: y,
                         rowStyle ?? s.muted, maxWidth: area.width)
            case .earlier(let n):
                grid.put(String(repeating: "  ", count: n.depth + 1) + "… \(n.start) earlier (Enter)", x: area.x, y: y,
                         rowStyle ?? s.muted, maxWidth: area.width)
            }
        }
        grid.scrollbar(x: area.maxX - 1, y: area.y, rows: area.height, total: rows.count, top: cursor.top, style: s.border)
    }

    /// A short mark for an entity's kind inside mixed lists (a stage's members).
    static func kindMark(_ kind: EntityKind) -> String {
        switch kind {
        case .table: "▦"
        case .dag: "⇶"
        case .tool: "⚙"
        case .dashboard: "◩"
        case .owner: "☺"
        case .term: "≡"
        case .task: "•"
        case .stage: "§"
        }
    }
}
