import StrataTerminal

/// A line of a detail view: spans of text with styles, optionally pointing at an entity (so the
/// cursor can land on it and Enter opens it).
struct Line {
    enum Role { case base, muted, accent, heading, title, state(String), stage(String?) }
    var spans: [(String, Role)]
    var target: String?

    init(_ spans: [(String, Role)], target: String? = nil) { self.spans = spans; self.target = target }
    init(_ text: String, _ role: Role = .base, target: String? = nil) { self.init([(text, role)], target: target) }
    static let blank = Line("")
}

extension RenderContext {
    func style(_ role: Line.Role) -> Style {
        switch role {
        case .base: styles.base
        case .muted: styles.muted
        case .accent: styles.accent
        case .heading: styles.heading
        case .title: styles.title
        case .state(let s): styles.state(s)
        case .stage(let s): stageStyle(s)
        }
    }
}

/// A scrollable column of lines; lines with a target can be selected.
struct TextPane {
    var lines: [Line] = []
    var top = 0
    /// Index into `lines` of the selected line (only lines with targets are selectable).
    var selected: Int?

    init(_ lines: [Line] = []) {
        self.lines = lines
        selected = lines.firstIndex { $0.target != nil }
    }

    var selectedTarget: String? { selected.flatMap { lines[$0].target } }

    /// Motion: with selectable lines the cursor moves among them; otherwise the view scrolls.
    mutating func perform(_ action: String, rows: Int) -> Bool {
        let targets = lines.indices.filter { lines[$0].target != nil }
        func moveSelection(_ delta: Int) {
            guard !targets.isEmpty else { top = max(0, min(top + delta, lines.count - rows)); return }
            let current = targets.firstIndex(of: selected ?? targets[0]) ?? 0
            selected = targets[max(0, min(targets.count - 1, current + delta))]
        }
        switch action {
        case "move.down": moveSelection(1)
        case "move.up": moveSelection(-1)
        case "page.down": moveSelection(max(1, rows / 2))
        case "page.up": moveSelection(-max(1, rows / 2))
        case "move.top": if targets.isEmpty { top = 0 } else { selected = targets.first }
        case "move.bottom": if targets.isEmpty { top = max(0, lines.count - rows) } else { selected = targets.last }
        default: return false
        }
        return true
    }

    mutating func render(into grid: inout Grid, area: Rect, context: RenderContext, focused: Bool) {
        if let selected {
            if selected < top { top = max(0, selected - 1) }
            if selected >= top + area.height { top = selected - area.height + 2 }
        }
        top = max(0, min(top, max(0, lines.count - area.height)))
        for i in 0..<min(area.height, max(0, lines.count - top)) {
            let index = top + i
            let line = lines[index]
            let y = area.y + i
            let isSelected = index == selected
            let rowStyle = isSelected ? (focused ? context.styles.selection : context.styles.base.with(reverse: true)) : nil
            if let rowStyle { grid.fill(Rect(x: area.x, y: y, width: area.width, height: 1), rowStyle) }
            // The last column is the scrollbar's when the lines overflow.
            let maxX = lines.count > area.height ? area.maxX - 1 : area.maxX
            var x = area.x
            for (text, role) in line.spans {
                guard x < maxX else { break }
                x += grid.put(text, x: x, y: y, rowStyle ?? context.style(role), maxWidth: maxX - x)
            }
        }
        grid.scrollbar(x: area.maxX - 1, y: area.y, rows: area.height, total: lines.count, top: top,
                       style: context.styles.border)
    }

    /// The line at a row of `area`, for clicks.
    func lineIndex(atRow y: Int, area: Rect) -> Int? {
        let i = top + (y - area.y)
        return i >= 0 && i < lines.count ? i : nil
    }
}

/// A qualified name split to read tail first, `fct_orders  analytics.marts`: where a row is
/// cut, what tells two tables of one schema apart survives.
func tailFirst(_ name: String) -> (name: String, qualifier: String) {
    guard let dot = name.lastIndex(of: "."), name.index(after: dot) < name.endIndex else { return (name, "") }
    return (String(name[name.index(after: dot)...]), String(name[..<dot]))
}

/// Word-wrapped paragraph lines.
func paragraph(_ text: String, width: Int, _ role: Line.Role = .base, indent: String = "") -> [Line] {
    TextWidth.wrap(text.trimmingCharacters(in: .whitespacesAndNewlines), to: max(10, width - indent.count))
        .map { Line(indent + $0, role) }
}
