import StrataCatalog
import StrataTerminal

/// A DAG: its tasks in dependency order, each indented by its depth (the longest chain of
/// upstream tasks before it), and its latest runs as a grid of task states (like Airflow's grid
/// view), newest run on the right. The footer names the selected task's upstream and downstream
/// tasks: a task has many parents, so no tree glyph could show them. Every failed task is one
/// key from its log.
public final class DagScreen: Screen {
    public let kind = ScreenKind.dag
    let detail: EntityDetail
    let tasks: [DagTask]
    let depths: [String: Int]
    /// Per task id, the tasks that run after it (the reverse of `DagTask.upstream`).
    let downstream: [String: [String]]
    /// Oldest first, as the grid shows them.
    let runs: [DagRun]
    /// Per run, its root failing tasks (`RootFailures`), read once when the page opens.
    let rootsPerRun: [[String]]
    var row = ListCursor(count: 0)
    var column = 0
    var gridArea = Rect(x: 0, y: 0, width: 0, height: 0)
    var columnWidth = 6
    var firstColumn = 0

    public init(catalog: Catalog, dagID: String, runLimit: Int = 14) throws {
        (detail, runs, rootsPerRun) = try catalog.read { r in
            let d = try r.detail(dagID, runLimit: runLimit)
            guard d.entity.kind == .dag else { throw CatalogError.unknownEntity(id: dagID, suggestions: []) }
            let runs = try d.runs.reversed().compactMap { try r.dagRun(dagID: dagID, runID: $0.runID) }
            return (d, runs, try runs.map { try r.rootFailures(of: $0) })
        }
        tasks = detail.tasks ?? []
        var depths: [String: Int] = [:]
        for t in tasks { depths[t.entity.id] = (t.upstream.compactMap { depths[$0] }.max() ?? -1) + 1 }
        self.depths = depths
        var downstream: [String: [String]] = [:]
        for t in tasks { for u in t.upstream { downstream[u, default: []].append(t.entity.id) } }
        self.downstream = downstream
        row = ListCursor(count: tasks.count)
        column = max(0, runs.count - 1)
        // Start on the real failure of the newest failed run, if there is one.
        if let root = rootsPerRun.last?.first,
           let i = tasks.firstIndex(where: { $0.entity.id == root }) {
            row.set(i)
        }
    }

    public var title: String { "DAG · \(detail.entity.name)" }

    /// Puts the cursor on `task` in `run` (why's answer), where both are on the page.
    func select(task: String, run: String) {
        if let i = tasks.firstIndex(where: { $0.entity.id == task }) { row.set(i) }
        if let c = runs.lastIndex(where: { $0.runID == run }) { column = c }
    }

    public var selectedEntityID: String? { row.index < tasks.count ? tasks[row.index].entity.id : detail.entity.id }

    var selectedTaskRun: TaskRun? {
        guard column < runs.count, row.index < tasks.count else { return nil }
        return runs[column].tasks.first { $0.taskID == tasks[row.index].entity.id }
    }

    public var selectedLog: LogLink? {
        guard let t = selectedTaskRun, let log = t.logs.last else { return nil }
        return LogLink(path: log, title: "\(tasks[row.index].detail.taskID) · \(runs[column].runID) · attempt \(t.logs.count)",
                       run: runs[column].runID, task: t.taskID)
    }

    /// The run `w` explains: the selected one if it failed, else the newest failed run.
    var whyRun: DagRun? {
        if column < runs.count, runs[column].state == "failed" { return runs[column] }
        return runs.last { $0.state == "failed" }
    }

    public func perform(_ action: String, pageSize: Int) -> Outcome? {
        if row.perform(action, pageSize: pageSize) { return .handled }
        switch action {
        case "move.left": column = max(0, column - 1); return .handled
        case "move.right": column = min(max(0, runs.count - 1), column + 1); return .handled
        case "item.open", "logs.open":
            if let log = selectedLog { return .open(.log(log)) }
            guard let t = selectedTaskRun else { return .message("no run selected") }
            if t.state == "upstream_failed" { return .message("\(t.state): this task never ran, so it has no log; look upstream") }
            return action == "item.open" ? .open(.entity(tasks[row.index].entity.id)) : .message("no log file for this task run")
        case "pane.next", "pane.previous": return .handled
        default: return nil
        }
    }

    public func mouse(_ event: MouseEvent) -> Outcome? {
        guard event.action == .click || event.action == .doubleClick else { return nil }
        let r = row.top + event.y - gridArea.y
        guard r >= 0, r < tasks.count else { return nil }
        row.set(r)
        if event.x >= gridArea.x {
            let c = firstColumn + (event.x - gridArea.x) / columnWidth
            if c < runs.count { column = c }
        }
        return event.action == .doubleClick ? perform("item.open", pageSize: 0) : .handled
    }

    public func render(into grid: inout Grid, area: Rect, context: RenderContext) {
        let s = context.styles
        let inner = grid.box(area, title: title, style: s.border, titleStyle: s.title)
        guard inner.height > 4 else { return }
        // Header: what it is, when it runs, who owns it.
        var x = inner.x + 1
        x += grid.put(detail.schedule.map { "schedule \($0)" } ?? "no schedule", x: x, y: inner.y, s.muted)
        if let owner = detail.entity.owner { x += grid.put("  owner \(detail.ownerName ?? owner)", x: x, y: inner.y, s.accent) }
        grid.put("  " + detail.entity.description.firstSentence, x: x, y: inner.y, s.muted, maxWidth: inner.maxX - x)

        let footerHeight = 4
        let body = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2 - footerHeight)
        let treeWidth = min(44, max(20, body.width * 2 / 5))
        let labels = Self.runLabels(runs)
        columnWidth = (labels.map(\.count).max() ?? 5) + 1
        let gridX = body.x + treeWidth + 1
        let visibleColumns = max(1, (body.maxX - gridX) / columnWidth)
        firstColumn = max(0, min(column - visibleColumns + 1, runs.count - visibleColumns))
        firstColumn = max(0, min(firstColumn, column))
        // Column headers: run dates, newest on the right.
        grid.put("task", x: body.x + 1, y: body.y, s.heading)
        for c in 0..<min(visibleColumns, runs.count - firstColumn) {
            let i = firstColumn + c
            grid.put(labels[i], x: gridX + c * columnWidth, y: body.y, i == column ? s.accent : s.muted)
        }
        let rowsArea = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        gridArea = Rect(x: gridX, y: rowsArea.y, width: visibleColumns * columnWidth, height: rowsArea.height)
        row.scroll(rows: rowsArea.height)
        for i in 0..<min(rowsArea.height, max(0, tasks.count - row.top)) {
            let t = tasks[row.top + i]
            let y = rowsArea.y + i
            let selectedRow = row.top + i == row.index
            let indent = String(repeating: "  ", count: min(6, depths[t.entity.id] ?? 0))
            grid.put(indent + t.detail.taskID, x: body.x + 1, y: y,
                     selectedRow ? s.accent : s.base, maxWidth: treeWidth - 1)
            for c in 0..<min(visibleColumns, runs.count - firstColumn) {
                let run = runs[firstColumn + c]
                let state = run.tasks.first { $0.taskID == t.entity.id }?.state
                let cx = gridX + c * columnWidth
                let selected = selectedRow && firstColumn + c == column
                let style = selected ? s.selection : (state.map { s.state($0) } ?? s.muted)
                grid.put(" " + stateGlyph(state) + String(repeating: " ", count: columnWidth - 4), x: cx, y: y, style)
            }
        }
        renderFooter(into: &grid, area: Rect(x: inner.x, y: inner.maxY - footerHeight, width: inner.width, height: footerHeight), s)
    }

    /// Each run's column header: its date ("11-22"); where a neighbour shares the date, its
    /// time ("05:39"); where a neighbour shares that minute too, the time to the second.
    static func runLabels(_ runs: [DagRun]) -> [String] {
        let times = runs.map { $0.start ?? $0.runID }
        func clashes(_ labels: [String], _ i: Int) -> Bool {
            (i > 0 && labels[i - 1] == labels[i]) || (i + 1 < labels.count && labels[i + 1] == labels[i])
        }
        let days = times.map { String(shortTime($0).prefix(5)) }
        let minutes = times.indices.map { i in
            let t = shortTime(times[i])
            return clashes(days, i) && t.count >= 11 ? String(t.suffix(5)) : days[i]
        }
        let seconds = times.indices.map { i in
            let t = times[i]
            return clashes(minutes, i) && t.count >= 19 ? String(Array(t)[11..<19]) : minutes[i]
        }
        return seconds
    }

    /// "after a, b · before c (+3)": the selected task's neighbours, by task name.
    func neighbourLine(_ t: DagTask, width: Int) -> String {
        // dbt's generated test names run to 80 characters: cut each, so that more of them fit.
        let name = { (id: String) -> String in
            let n = self.tasks.first { $0.entity.id == id }?.detail.taskID ?? id
            return n.count > 28 ? String(n.prefix(27)) + "…" : n
        }
        func list(_ ids: [String], _ room: Int) -> String {
            var out = ""
            for (i, id) in ids.enumerated() {
                let next = (out.isEmpty ? "" : ", ") + name(id)
                let more = ids.count - i
                if out.count + next.count + (more > 1 ? 6 : 0) > room { return out + (out.isEmpty ? "" : " ") + "(+\(more))" }
                out += next
            }
            return out
        }
        let up = t.upstream, down = downstream[t.entity.id] ?? []
        if up.isEmpty && down.isEmpty { return "no upstream or downstream tasks" }
        // The upstream list gets what the downstream one leaves, and at least half the line.
        let downWanted = down.isEmpty ? "nothing runs after it".count : " · before ".count + list(down, .max).count
        let upRoom = max(20, width / 2 - 10, width - " · ".count - downWanted - "after ".count)
        let after = up.isEmpty ? "first to run" : "after " + list(up, down.isEmpty ? width - "after ".count : upRoom)
        let before = down.isEmpty ? "nothing runs after it" : "before " + list(down, max(20, width - after.count - " · before ".count))
        return after + " · " + before
    }

    private func renderFooter(into grid: inout Grid, area: Rect, _ s: Styles) {
        grid.put(String(repeating: "─", count: area.width), x: area.x, y: area.y, s.border)
        guard column < runs.count, row.index < tasks.count else {
            grid.put(runs.isEmpty ? "no runs recorded for this DAG" : "no tasks recorded for this DAG or its runs",
                     x: area.x + 1, y: area.y + 1, s.muted)
            return
        }
        let run = runs[column]
        let t = tasks[row.index]
        let tr = selectedTaskRun
        var x = area.x + 1
        x += grid.put(t.detail.taskID, x: x, y: area.y + 1, s.accent)
        x += grid.put("  " + (t.detail.operatorName ?? ""), x: x, y: area.y + 1, s.muted)
        if let tr {
            x += grid.put("  " + stateGlyph(tr.state) + " " + tr.state, x: x, y: area.y + 1, s.state(tr.state))
            if tr.tries > 1 { x += grid.put("  \(tr.tries) tries", x: x, y: area.y + 1, s.warn) }
            // The key before the times: on a narrow terminal the times are what gets cut.
            if !tr.logs.isEmpty { x += grid.put("  L: log", x: x, y: area.y + 1, s.accent, maxWidth: area.maxX - x) }
            grid.put("  " + [shortTime(tr.start), shortTime(tr.end)].filter { !$0.isEmpty }.joined(separator: " → "),
                     x: x, y: area.y + 1, s.muted, maxWidth: max(0, area.maxX - x))
        }
        var line2 = "run \(run.runID) · \(run.state)"
        let roots = rootsPerRun[column]
        if !roots.isEmpty {
            line2 += " · broke at " + roots.map { $0.split(separator: ".").last.map(String.init) ?? $0 }.joined(separator: ", ")
        }
        let counts = Dictionary(grouping: run.tasks, by: \.state).mapValues(\.count)
        line2 += " · " + counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
        grid.put(neighbourLine(t, width: area.width - 2), x: area.x + 1, y: area.y + 2, s.muted, maxWidth: area.width - 2)
        grid.put(line2, x: area.x + 1, y: area.y + 3, run.state == "failed" ? s.fail : s.muted, maxWidth: area.width - 2)
    }
}
