import StrataCatalog
import StrataTerminal

/// The stack map: ELT stages in order, each with its tools and a one-line description of each,
/// and how many tables and DAGs live in the stage. A newcomer's first read.
public final class HomeScreen: Screen {
    public let kind = ScreenKind.home
    public let title = "Stack map"
    let stages: [StageSummary]
    let totals: [String: Int]
    /// Cursor items in reading order: a stage header, then its tools.
    let items: [(stage: Int, tool: Int?)]
    var cursor: ListCursor
    /// Scroll offset in rows, and where each item was last drawn (for clicks).
    var scroll = 0
    var hitBoxes: [(rect: Rect, item: Int)] = []

    /// DAGs whose latest run failed: said on the first line, where the on-call looks first.
    let failedDags: Int
    /// The most recent of those runs: `w` explains it.
    let latestFailure: (dagID: String, runID: String)?

    public init(catalog: Catalog) throws {
        let failed: [(dagID: String, runID: String)]
        let all: [StageSummary]
        (all, totals, failed) = try catalog.read { r in (try r.stages(), try r.kindCounts(), try r.failedDags()) }
        // An imported stack fills some of the standard stages only: the empty ones are noise.
        let used = all.filter { !$0.tools.isEmpty || $0.tableCount + $0.dagCount + $0.dashboardCount > 0 }
        stages = used.isEmpty ? all : used
        failedDags = failed.count
        latestFailure = failed.first
        var items: [(Int, Int?)] = []
        for (i, s) in stages.enumerated() {
            items.append((i, nil))
            for t in s.tools.indices { items.append((i, t)) }
        }
        self.items = items
        cursor = ListCursor(count: items.count)
        if items.count > 1 { cursor.set(1) }   // start on the first tool: Enter explains it
    }

    public var selectedEntityID: String? {
        guard cursor.index < items.count else { return nil }
        let item = items[cursor.index]
        let stage = stages[item.stage]
        return item.tool.map { stage.tools[$0].id } ?? stage.stage.id
    }

    public func perform(_ action: String, pageSize: Int) -> Outcome? {
        if cursor.perform(action, pageSize: pageSize) { return .handled }
        switch action {
        case "move.left", "move.right":
            // Jump to the previous or next stage.
            let current = items[cursor.index].stage
            let target = action == "move.right" ? min(stages.count - 1, current + 1) : max(0, current - (items[cursor.index].tool == nil ? 1 : 0))
            if let i = items.firstIndex(where: { $0.stage == target && $0.tool == nil }) { cursor.set(i) }
            return .handled
        case "item.open":
            return selectedEntityID.map { .open(.browser(focus: $0)) }
        default:
            return nil
        }
    }

    public func mouse(_ event: MouseEvent) -> Outcome? {
        guard event.action == .click || event.action == .doubleClick,
              let hit = hitBoxes.first(where: { $0.rect.contains(x: event.x, y: event.y) }) else { return nil }
        cursor.set(hit.item)
        return event.action == .doubleClick ? perform("item.open", pageSize: 0) : .handled
    }

    public func render(into grid: inout Grid, area: Rect, context: RenderContext) {
        let s = context.styles
        hitBoxes = []
        guard area.height > 2 else { return }
        var x = area.x + 1
        if failedDags > 0 {
            let latest = latestFailure.map { (failedDags == 1 ? " (" : " (latest ") + $0.dagID + "; w shows why)" } ?? ""
            let failed = "✗ \(failedDags) DAG\(failedDags == 1 ? "" : "s") failed\(latest) · "
            x += grid.put(failed, x: x, y: area.y, s.state("failed"), maxWidth: area.maxX - 1 - x)
        }
        let summary = [EntityKind.stage, .tool, .table, .dag, .owner]
            .map { $0.counted($0 == .stage ? stages.count : totals[$0.rawValue] ?? 0) }
            .joined(separator: " · ") + " · Enter explains, / searches"
        grid.put(summary, x: x, y: area.y, s.muted, maxWidth: max(0, area.maxX - 1 - x))
        let body = Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2)

        // Newspaper layout, stages flowing down the columns in order: as few columns as hold
        // the map on one screen (wider columns leave room for what each tool is for), at most
        // as many as fit at 38 cells.
        let blockHeights = stages.map { $0.tools.count + 2 }
        let total = blockHeights.reduce(0, +)
        let fitting = max(1, min(4, body.width / 38))
        let needed = max(1, (total + max(1, body.height) - 1) / max(1, body.height))
        let columnCount = min(fitting, needed)
        let gap = 2
        let columnWidth = (body.width - gap * (columnCount - 1) - 2) / columnCount
        let target = (total + columnCount - 1) / columnCount
        var columns: [[Int]] = [[]]
        var height = 0
        for (i, h) in blockHeights.enumerated() {
            if height > 0 && height + h > target + 1 && columns.count < columnCount {
                columns.append([]); height = 0
            }
            columns[columns.count - 1].append(i); height += h
        }
        // Row of each item within its column, then scroll so the cursor stays visible.
        var placement: [Int: (column: Int, row: Int)] = [:]
        var itemIndex = 0
        for (c, blocks) in columns.enumerated() {
            var row = 0
            for b in blocks {
                placement[itemIndex] = (c, row); itemIndex += 1; row += 1
                for _ in stages[b].tools { placement[itemIndex] = (c, row); itemIndex += 1; row += 1 }
                row += 1
            }
        }
        if let p = placement[cursor.index] {
            if p.row < scroll { scroll = max(0, p.row - 1) }
            if p.row >= scroll + body.height { scroll = p.row - body.height + 2 }
        }
        let longestName = stages.flatMap(\.tools).map { TextWidth.width(of: $0.name) }.max() ?? 8
        let nameWidth = min(longestName, max(8, columnWidth / 3))
        itemIndex = 0
        for (c, blocks) in columns.enumerated() {
            let x = body.x + 1 + c * (columnWidth + gap)
            for b in blocks {
                let stage = stages[b]
                let stageStyle = s.stage(stage.position)
                draw(row: placement[itemIndex]!.row, item: itemIndex, x: x, body: body, grid: &grid, width: columnWidth) { g, y, selected in
                    let style = selected ? s.selection : stageStyle
                    if selected { g.fill(Rect(x: x, y: y, width: columnWidth, height: 1), style) }
                    let counts = [stage.tableCount > 0 ? EntityKind.table.counted(stage.tableCount) : nil,
                                  stage.dagCount > 0 ? EntityKind.dag.counted(stage.dagCount) : nil,
                                  stage.dashboardCount > 0 ? EntityKind.dashboard.counted(stage.dashboardCount) : nil]
                        .compactMap { $0 }.joined(separator: " · ")
                    // Numbered in reading order (the stages shown), coloured by their position.
                    let used = g.put("\(b + 1) \(stage.stage.name)", x: x, y: y, style,
                                     maxWidth: columnWidth - TextWidth.width(of: counts) - 1)
                    if used + TextWidth.width(of: counts) + 1 <= columnWidth {
                        g.put(counts, x: x + columnWidth - TextWidth.width(of: counts), y: y, selected ? style : s.muted)
                    }
                }
                itemIndex += 1
                for tool in stage.tools {
                    draw(row: placement[itemIndex]!.row, item: itemIndex, x: x, body: body, grid: &grid, width: columnWidth) { g, y, selected in
                        let style = selected ? s.selection : s.base
                        if selected { g.fill(Rect(x: x, y: y, width: columnWidth, height: 1), style) }
                        g.put("  " + tool.name, x: x, y: y, selected ? style : s.accent.with(bold: false), maxWidth: nameWidth + 2)
                        g.put(toolSummary(tool), x: x + nameWidth + 3, y: y, selected ? style : s.muted,
                              maxWidth: columnWidth - nameWidth - 3)
                    }
                    itemIndex += 1
                }
            }
        }
        let maxRow = placement.values.map(\.row).max() ?? 0
        grid.scrollbar(x: body.maxX - 1, y: body.y, rows: body.height, total: maxRow + 1, top: scroll, style: s.border)
    }

    private func draw(row: Int, item: Int, x: Int, body: Rect, grid: inout Grid, width: Int,
                      _ body_: (inout Grid, Int, Bool) -> Void) {
        let y = body.y + row - scroll
        guard y >= body.y, y < body.maxY else { return }
        hitBoxes.append((Rect(x: x, y: y, width: width, height: 1), item))
        body_(&grid, y, item == cursor.index)
    }
}

/// What a tool is, in the fewest words: its first sentence without the "Fivetran is" that
/// the name beside it already says.
func toolSummary(_ tool: Entity) -> String {
    var sentence = tool.description.firstSentence
    let words = [tool.name, tool.name.split(separator: " ").first.map(String.init) ?? "", tool.id]
    for w in words where !w.isEmpty {
        for verb in [" is ", " are "] where sentence.lowercased().hasPrefix(w.lowercased()) {
            if let r = sentence.range(of: verb), sentence.distance(from: sentence.startIndex, to: r.lowerBound) <= w.count + 24 {
                let rest = sentence[r.upperBound...]
                sentence = rest.prefix(1).uppercased() + rest.dropFirst()
                return sentence
            }
        }
    }
    return sentence
}

