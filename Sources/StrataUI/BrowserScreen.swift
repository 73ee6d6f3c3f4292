import StrataCatalog
import StrataLineage
import StrataTerminal

/// Left, a navigator (by stage, and by kind); right, the detail of the selection and below it
/// its lineage (direct upstream and downstream, deeper with `+`).
public final class BrowserScreen: Screen {
    public let kind = ScreenKind.browser
    let catalog: Catalog
    /// The lineage engine, loaded by the app on first use and shared by every browser.
    let lineageEngine: () throws -> LineageEngine
    var nav: NavTree
    var detail = TextPane()
    var lineage: LineagePane?
    /// Column lineage, when a column was opened from the detail: it replaces the entity tree.
    var columnRoot: ColumnRef?
    var columnPane = TextPane()
    var shownColumnLineage: Set<String> = []
    /// 0 navigator, 1 detail, 2 lineage.
    var focus = 0
    var upstream = true
    /// Levels of the lineage tree that open by themselves.
    var depth = 1
    static let maxDepth = 12

    /// "2 levels open", or "all 2 levels open" when the graph ends before the depth asked for.
    static func levelsOpen(_ depth: Int, deepest: Int?) -> String {
        if let deepest, deepest > 0, deepest < depth { return "all \(deepest) level\(deepest == 1 ? "" : "s") open" }
        return "\(depth) level\(depth == 1 ? "" : "s") open"
    }
    /// The entity shown on the right.
    private(set) var shown: Entity?
    var shownLog: LogLink?
    /// What the detail pane shows, kept so a resize re-wraps it without asking the catalog again.
    var shownDetail: EntityDetail?
    var layout = (nav: Rect(x: 0, y: 0, width: 0, height: 0), detail: Rect(x: 0, y: 0, width: 0, height: 0),
                  lineage: Rect(x: 0, y: 0, width: 0, height: 0))
    var detailWidth = 60

    public init(catalog: Catalog, lineage: @escaping () throws -> LineageEngine, focus id: String? = nil,
                lineageFocus: Bool? = nil, lineageDepth: Int = 1) throws {
        self.catalog = catalog
        self.lineageEngine = lineage
        nav = try NavTree(catalog: catalog)
        if let id {
            let e = try catalog.read { try $0.require(id) }
            try nav.reveal(e)
        }
        try loadSelection()
        if let lineageFocus {
            upstream = lineageFocus
            depth = max(1, min(Self.maxDepth, lineageDepth))
            focus = 2
            try loadLineage()
        }
    }

    public var title: String { shown.map { TextWidth.truncate($0.name, to: 40) } ?? "Browser" }

    public var selectedEntityID: String? {
        switch focus {
        case 1: detail.selectedTarget.flatMap { $0.hasPrefix(DetailLines.columnTarget) ? nil : $0 } ?? shown?.id
        case 2: (columnRoot != nil ? columnPane.selectedTarget : lineage?.selectedID) ?? shown?.id
        default: nav.selectedEntity?.id ?? shown?.id
        }
    }

    public var selectedLog: LogLink? { focus == 0 || focus == 1 ? shownLog : nil }

    // MARK: Actions

    public func perform(_ action: String, pageSize: Int) -> Outcome? {
        do { return try performThrowing(action, pageSize: pageSize) } catch { return .message("\(error)") }
    }

    private func performThrowing(_ action: String, pageSize: Int) throws -> Outcome? {
        switch action {
        case "pane.next": focus = (focus + 1) % 3; return .handled
        case "pane.previous": focus = (focus + 2) % 3; return .handled
        case "lineage.upstream", "lineage.downstream":
            upstream = action == "lineage.upstream"
            focus = 2
            if columnRoot != nil { try loadColumnLineage(); return .handled }
            if lineage == nil { try loadLineage() } else { try lineage?.setDirection(upstream ? .upstream : .downstream) }
            return .handled
        case "lineage.deeper", "lineage.shallower":
            depth = max(1, min(Self.maxDepth, depth + (action == "lineage.deeper" ? 1 : -1)))
            try lineage?.setDepth(depth)
            return .message("lineage opens \(depth) level\(depth == 1 ? "" : "s")")
        case "logs.open":
            // Only reached without a log to open (the app opens `selectedLog` first).
            guard let d = shownDetail, let run = d.runs.first, d.entity.kind == .task || d.entity.kind == .table else { return nil }
            return .message("no log recorded for the latest run of \(d.entity.name) (\(run.runID))")
        case "lineage.failure":
            guard let pane = lineage, let found = try pane.deepestFailure() else {
                return .message("no failed task upstream of \(shown?.name ?? "this")")
            }
            if let log = found.log { return .open(.log(log)) }
            return .open(.lineage(found.id, upstream: true))
        default: break
        }
        switch focus {
        case 0:
            if nav.cursor.perform(action, pageSize: pageSize) {
                try nav.loadIfMoreRow(); try loadSelection(); return .handled
            }
            switch action {
            case "move.right": try nav.expand(); try loadSelection(); return .handled
            case "move.left": nav.collapseOrParent(); try loadSelection(); return .handled
            case "item.open":
                // A DAG opens its page (its runs, why it failed); → lists its tasks here.
                if let e = nav.selectedEntity, e.kind == .dag { return .open(.dag(e.id)) }
                if nav.selectedIsExpandable { try nav.toggle(); try loadSelection(); return .handled }
                if let e = nav.selectedEntity {
                    if e.kind == .owner { return .open(.owner(e.id)) }
                    focus = 1
                    return .handled
                }
                try nav.loadIfMoreRow(force: true); try loadSelection()
                return .handled
            default: return nil
            }
        case 1:
            if detail.perform(action, rows: layout.detail.height) { return .handled }
            if action == "item.open", let target = detail.selectedTarget, let table = shown,
               target.hasPrefix(DetailLines.columnTarget) {
                columnRoot = ColumnRef(table: table.id, column: String(target.dropFirst(DetailLines.columnTarget.count)))
                focus = 2
                try loadColumnLineage()
                return .handled
            }
            if action == "item.open", let target = detail.selectedTarget { return .open(.entity(target)) }
            if action == "move.left" { focus = 0; return .handled }
            return nil
        default:
            if columnRoot != nil {
                if columnPane.perform(action, rows: layout.lineage.height) { return .handled }
                switch action {
                case "item.open": return columnPane.selectedTarget.map { .open(.entity($0)) } ?? .handled
                case "move.left": columnRoot = nil; focus = 1; return .handled
                default: return nil
                }
            }
            guard var pane = lineage else { return nil }
            defer { lineage = pane }
            if pane.text.perform(action, rows: layout.lineage.height) { return .handled }
            switch action {
            case "move.right": return try pane.openSelected() ? .handled : nil
            case "move.left":
                if try !pane.closeSelected() { focus = 0 }
                return .handled
            case "item.open":
                if let target = pane.selectedID, target != shown?.id { return .open(.lineage(target, upstream: upstream)) }
                return .handled
            default: return nil
            }
        }
    }

    public func mouse(_ event: MouseEvent) -> Outcome? {
        let open = event.action == .doubleClick
        if layout.nav.contains(x: event.x, y: event.y) {
            focus = 0
            if event.action == .wheelUp || event.action == .wheelDown {
                return perform(event.action == .wheelUp ? "move.up" : "move.down", pageSize: 0)
            }
            let row = nav.cursor.top + event.y - layout.nav.y
            guard row < nav.rows.count else { return .handled }
            nav.cursor.set(row)
            try? nav.loadIfMoreRow(); try? loadSelection()
            return open ? perform("item.open", pageSize: 0) : .handled
        }
        for (pane, rect) in [(1, layout.detail), (2, layout.lineage)] where rect.contains(x: event.x, y: event.y) {
            focus = pane
            var textPane = pane == 1 ? detail : (lineage?.text ?? TextPane())
            defer { if pane == 1 { detail = textPane } else { lineage?.text = textPane } }
            if event.action == .wheelUp || event.action == .wheelDown {
                _ = textPane.perform(event.action == .wheelUp ? "move.up" : "move.down", rows: rect.height)
                return .handled
            }
            if let i = textPane.lineIndex(atRow: event.y, area: rect), textPane.lines[i].target != nil {
                textPane.selected = i
                if open, let target = textPane.lines[i].target {
                    return pane == 1 ? .open(.entity(target)) : .open(.lineage(target, upstream: upstream))
                }
            }
            return .handled
        }
        return nil
    }

    // MARK: Loading

    /// Shows the navigator's selection on the right (when it is an entity).
    func loadSelection() throws {
        guard let e = nav.selectedEntity else {
            // A group row ("Tables (211)"): say what it holds rather than keep the last item.
            guard let node = nav.selectedNode else { return }
            shown = nil; shownDetail = nil; shownLog = nil; shownColumnLineage = []; columnRoot = nil
            detail = TextPane([Line(node.label, .title), .blank,
                               Line(node.expanded ? "← closes the group; ↓ goes through it" : "→ or Enter opens the group", .muted)])
            lineage = nil
            return
        }
        guard e.id != shown?.id else { return }
        shown = e
        let (d, log) = try catalog.read { r -> (EntityDetail, LogLink?) in
            let d = try r.detail(e.id, runLimit: 5)
            // A task's latest run, or a table's latest build (by a task that writes it, or by
            // itself: a dbt model is its own task).
            let log = d.entity.kind == .task || d.entity.kind == .table ? d.runs.first.flatMap { run in
                run.logs?.last.map { LogLink(path: $0, title: "\(e.name) · \(run.runID)", run: run.runID, task: run.taskID ?? e.id) } } : nil
            return (d, log)
        }
        shownLog = log
        shownDetail = d
        shownColumnLineage = try catalog.read { try $0.columnsWithLineage(table: e.id) }
        columnRoot = nil
        detail = TextPane(DetailLines.lines(for: d, width: detailWidth, columnLineage: shownColumnLineage))
        try loadLineage()
    }

    func loadLineage() throws {
        guard let root = shown else { lineage = nil; return }
        lineage = try LineagePane(engine: lineageEngine(), rootID: root.id, direction: upstream ? .upstream : .downstream,
                                  depth: depth)
    }

    /// The column tree of `columnRoot`: every level (column graphs are small), each column once.
    func loadColumnLineage() throws {
        guard let root = columnRoot else { return }
        var lines = [Line([("\(root.table).\(root.column)", .title),
                           ("  ·  ← back to the columns · Enter opens a table · u d direction", .muted)])]
        var seen: Set<ColumnRef> = [root]
        try catalog.read { r in
            func visit(_ c: ColumnRef, _ level: Int, _ path: Set<ColumnRef>) throws {
                for n in try r.columnNeighbors(of: c, upstream: upstream) where lines.count < 500 {
                    let cycle = path.contains(n)
                    let first = seen.insert(n).inserted
                    var spans: [(String, Line.Role)] = [(String(repeating: "  ", count: level) + (upstream ? "⇠ " : "⇢ "), .muted),
                                                        (n.column, .base), ("  " + n.table, .muted)]
                    if cycle { spans.append(("  (cycle)", .muted)) } else if !first { spans.append(("  (shown above)", .muted)) }
                    lines.append(Line(spans, target: n.table))
                    if first && !cycle && level < 12 { try visit(n, level + 1, path.union([n])) }
                }
            }
            try visit(root, 0, [root])
        }
        if lines.count == 1 {
            lines.append(Line(upstream ? "no recorded source: this column starts here" : "nothing recorded derives from it", .muted))
        }
        columnPane = TextPane(lines)
    }

    // MARK: Drawing

    public func render(into grid: inout Grid, area: Rect, context: RenderContext) {
        let s = context.styles
        let navWidth = min(44, max(24, area.width / 3))
        let navRect = Rect(x: area.x, y: area.y, width: navWidth, height: area.height)
        let right = Rect(x: area.x + navWidth, y: area.y, width: area.width - navWidth, height: area.height)
        let lineageHeight = max(5, right.height * 2 / 5)
        let detailRect = Rect(x: right.x, y: right.y, width: right.width, height: right.height - lineageHeight)
        let lineageRect = Rect(x: right.x, y: detailRect.maxY, width: right.width, height: lineageHeight)

        let navInner = grid.box(navRect, title: "Browse", style: focus == 0 ? s.accent : s.border, titleStyle: s.title)
        nav.render(into: &grid, area: navInner, context: context, focused: focus == 0)
        let detailTitle = shown.map { "\($0.kind.rawValue) · \($0.id)" } ?? "Detail"
        let detailInner = grid.box(detailRect, title: detailTitle, style: focus == 1 ? s.accent : s.border, titleStyle: s.title)
        if detailInner.width - 1 != detailWidth, let d = shownDetail {
            // Re-wrap once for the new width (a resize), not on every frame.
            detailWidth = detailInner.width - 1
            let selected = detail.selected
            detail = TextPane(DetailLines.lines(for: d, width: detailWidth, columnLineage: shownColumnLineage))
            if let selected, selected < detail.lines.count, detail.lines[selected].target != nil { detail.selected = selected }
        }
        detail.render(into: &grid, area: detailInner, context: context, focused: focus == 1)
        let lineageTitle = columnRoot.map { "column lineage · \($0.column) · \(upstream ? "where it comes from" : "what it feeds")" }
            ?? "lineage · \(upstream ? "upstream" : "downstream") · " + Self.levelsOpen(depth, deepest: lineage?.deepestShown)
        let lineageInner = grid.box(lineageRect, title: lineageTitle, style: focus == 2 ? s.accent : s.border, titleStyle: s.title)
        if columnRoot != nil {
            columnPane.render(into: &grid, area: lineageInner, context: context, focused: focus == 2)
        } else {
            lineage?.text.render(into: &grid, area: lineageInner, context: context, focused: focus == 2)
        }
        layout = (navInner, detailInner, lineageInner)
    }
}

/// The detail of one entity as lines.
enum DetailLines {
    /// Targets of column lines (not entity ids): Enter on one shows its column lineage.
    static let columnTarget = "\u{1}column:"


    static func lines(for d: EntityDetail, width: Int, columnLineage: Set<String> = []) -> [Line] {
        let e = d.entity
        var out: [Line] = [Line(e.name, .title)]
        if e.name != e.id { out.append(Line(e.id, .muted)) }
        var facts: [Line] = []
        if let stage = e.stage, e.kind != .stage {
            facts.append(Line([("stage   ", .muted), (d.stageName ?? stage, .stage(stage))], target: stage))
        }
        if let owner = e.owner, e.kind != .owner {
            facts.append(Line([("owner   ", .muted), (d.ownerName ?? owner, .accent), ("  o: who to ask", .muted)], target: owner))
        }
        if let tool = e.tool { facts.append(Line([("tool    ", .muted), (d.toolName ?? tool, .base)], target: tool)) }
        if let t = d.table {
            if let p = t.platform { facts.append(Line([("platform ", .muted), (p + (t.materialization.map { " · \($0)" } ?? ""), .base)])) }
        }
        if let schedule = d.schedule { facts.append(Line([("schedule ", .muted), (schedule, .base)])) }
        if let t = d.task {
            facts.append(Line([("DAG     ", .muted), (t.dagID, .accent), ("  Enter: DAG page", .muted)], target: t.dagID))
            var op = t.operatorName ?? "task"
            if t.triggerRule != "all_success" { op += " · trigger rule \(t.triggerRule)" }
            if t.retries > 0 { op += " · \(t.retries) retr\(t.retries == 1 ? "y" : "ies")" }
            facts.append(Line([("operator ", .muted), (op, .base)]))
        }
        if !e.tags.isEmpty { facts.append(Line([("tags    ", .muted), (e.tags.joined(separator: ", "), .base)])) }
        out += facts
        if !e.description.isEmpty { out.append(.blank); out += paragraph(e.description, width: width) }
        if let tool = d.tool {
            if !tool.usedFor.isEmpty { out.append(.blank); out.append(Line("At this company", .heading)); out += paragraph(tool.usedFor, width: width) }
            if let docs = tool.docsURL { out.append(Line([("docs ", .muted), (docs, .accent)])) }
        }
        if let o = d.owner {
            out.append(.blank)
            for (label, value) in [("role", o.role), ("team", o.team), ("channel", o.channel), ("email", o.email), ("on-call", o.oncall)] {
                if let value { out.append(Line([(label.padding(toLength: 9, withPad: " ", startingAt: 0), .muted), (value, .base)],
                                               target: label == "team" ? value : nil)) }
            }
            if !o.askMeAbout.isEmpty { out.append(Line([("ask about ", .muted), (o.askMeAbout.joined(separator: ", "), .base)])) }
        }
        if let url = d.dashboardURL { out.append(Line([("url ", .muted), (url, .accent)])) }
        if let see = d.seeAlso, !see.isEmpty {
            out.append(.blank); out.append(Line("See also", .heading))
            out += see.map { Line("  " + $0, .accent, target: $0) }
        }
        if let columns = d.table?.columns, !columns.isEmpty {
            out.append(.blank); out.append(Line("Columns (\(columns.count))", .heading))
            if !columnLineage.isEmpty { out.append(Line("  ⇠ has column lineage: Enter shows where it comes from", .muted)) }
            let nameWidth = min(28, columns.map { TextWidth.width(of: $0.name) }.max() ?? 8)
            let typeWidth = min(14, columns.map { TextWidth.width(of: $0.type ?? "") }.max() ?? 4)
            for c in columns {
                let traced = columnLineage.contains(c.name)
                let (summary, more) = ColumnDescription.layout(c.description, width: width - 4)
                out.append(Line([(traced ? "⇠ " : "  ", .accent), (TextWidth.pad(c.name, to: nameWidth) + "  ", .base),
                                 (TextWidth.pad(c.type ?? "", to: typeWidth) + "  ", .muted), (summary, .base)],
                                target: traced ? columnTarget + c.name : nil))
                out += more.map { Line("    " + $0, .muted) }
            }
        }
        if let tasks = d.tasks, !tasks.isEmpty {
            out.append(.blank); out.append(Line("Tasks (\(tasks.count))", .heading))
            for t in tasks {
                out.append(Line([("  " + t.detail.taskID, .base), ("  " + (t.detail.operatorName ?? ""), .muted)], target: t.entity.id))
            }
        }
        if !d.runs.isEmpty {
            out.append(.blank); out.append(Line("Latest runs", .heading))
            for r in d.runs {
                var spans: [(String, Line.Role)] = [("  " + stateGlyph(r.state) + " ", .state(r.state)),
                                                    (TextWidth.pad(r.state, to: 16), .state(r.state)),
                                                    (shortTime(r.start) + "  ", .muted), (r.runID, .base)]
                if let task = r.taskID, d.entity.kind != .task { spans.append(("  " + (task.split(separator: ".").last.map(String.init) ?? task), .muted)) }
                if let tries = r.tries, tries > 1 { spans.append(("  \(tries) tries", .muted)) }
                out.append(Line(spans, target: r.taskID ?? r.dagID))
                if let m = r.message { out += paragraph(WhyReport.summary(ofMessage: m), width: width, .muted, indent: "      ") }
            }
            if d.runs.first?.logs?.last != nil { out.append(Line("  L opens the latest run's log", .muted)) }
        }
        if !d.upstream.isEmpty || !d.downstream.isEmpty {
            out.append(.blank)
            out.append(Line("\(d.upstream.count) upstream · \(d.downstream.count) downstream (below; u/d switch, + deeper)", .muted))
        }
        return out
    }
}

/// A run state as one glyph, so states read apart even without colour.
func stateGlyph(_ state: String?) -> String {
    switch state {
    case "success": "●"
    case "failed": "✗"
    case "upstream_failed": "▲"
    case "skipped": "○"
    case "running", "queued", "scheduled": "▶"
    case "up_for_retry", "up_for_reschedule": "↻"
    case nil: "·"
    default: "?"
    }
}

/// "2026-11-22T02:00:03Z" → "11-22 02:00".
func shortTime(_ iso: String?) -> String {
    guard let iso, iso.count >= 16 else { return iso ?? "" }
    let chars = Array(iso)
    return String(chars[5..<10]) + " " + String(chars[11..<16])
}
