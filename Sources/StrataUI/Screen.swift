import StrataCatalog
import StrataTerminal

/// What a screen asks the app to do after handling an action or a click.
public enum Outcome: Equatable {
    case handled
    case open(Destination)
    case message(String)
    /// Ask for a line of text (a search pattern, a time); the answer comes back through
    /// `Screen.submit(action, text:)`.
    case prompt(label: String, action: String, text: String)
}

/// Somewhere the app can go. Entities open on the screen that suits their kind.
public enum Destination: Equatable, Sendable {
    case home
    case browser(focus: String?)
    case entity(String)
    case owner(String)
    case dag(String)
    /// A browser with the lineage pane focused on a node, `depth` levels open.
    case lineage(String, upstream: Bool, depth: Int = 1)
    /// A log file; `line` (1-based) selects that line, otherwise the viewer lands on the root cause.
    case log(LogLink, line: Int? = nil)
}

/// A task run's log as a screen links to it: the file, the viewer's title, the run (whose part
/// of a log shared by several dbt invocations is the one shown) and the task (whose failure is
/// the root cause in a log shared by several dbt nodes).
public struct LogLink: Equatable, Sendable {
    public var path: String
    public var title: String
    public var run: String?
    public var task: String?
    public init(path: String, title: String, run: String? = nil, task: String? = nil) {
        self.path = path; self.title = title; self.run = run; self.task = task
    }
}

/// Everything a screen needs to draw: styles and facts that do not change per frame.
public struct RenderContext {
    public var styles: Styles
    /// Stage id → position, for stage colours.
    public var stagePositions: [String: Int]

    public init(styles: Styles, stagePositions: [String: Int]) {
        self.styles = styles; self.stagePositions = stagePositions
    }

    public func stageStyle(_ stage: String?) -> Style {
        guard let stage, let p = stagePositions[stage] else { return styles.muted }
        return styles.stage(p)
    }
}

/// One full screen of the app. Screens keep their own view state (cursor, scroll, focus) and
/// load what they show from the catalog when they are created or their selection changes,
/// never while drawing.
public protocol Screen: AnyObject {
    var kind: ScreenKind { get }
    /// Shown in the title bar.
    var title: String { get }
    /// The entity under the cursor: what `o`, `u`, `d`, `y` and `L` act on.
    var selectedEntityID: String? { get }
    func render(into grid: inout Grid, area: Rect, context: RenderContext)
    /// Handles a named action; nil when this screen does not use it.
    func perform(_ action: String, pageSize: Int) -> Outcome?
    /// Handles a click or wheel inside the screen's area (coordinates are the grid's).
    func mouse(_ event: MouseEvent) -> Outcome?
    /// The log file of the selection, when it has one (for `L`).
    var selectedLog: LogLink? { get }
    /// The text typed at a prompt the screen asked for with `Outcome.prompt`.
    func submit(_ action: String, text: String) -> Outcome?
    /// Called about once a second while idle (follow mode, background work).
    func tick()
}

extension Screen {
    public var selectedLog: LogLink? { nil }
    public func mouse(_ event: MouseEvent) -> Outcome? { nil }
    public func submit(_ action: String, text: String) -> Outcome? { nil }
    public func tick() {}
}

/// A cursor over a list of rows with scrolling: the motion every list, tree and grid shares.
public struct ListCursor: Equatable {
    public var count: Int
    public var index = 0
    public var top = 0

    public init(count: Int) { self.count = count }

    /// Moves by `delta`, clamped to the list.
    public mutating func move(_ delta: Int) {
        guard count > 0 else { index = 0; return }
        index = min(count - 1, max(0, index + delta))
    }

    public mutating func set(_ i: Int) { index = count == 0 ? 0 : min(count - 1, max(0, i)) }

    /// Keeps the cursor on screen in a viewport of `rows`.
    public mutating func scroll(rows: Int) {
        guard rows > 0 else { return }
        if index < top { top = index }
        if index >= top + rows { top = index - rows + 1 }
        top = max(0, min(top, max(0, count - rows)))
    }

    /// The shared motions; true when `action` was one of them.
    public mutating func perform(_ action: String, pageSize: Int) -> Bool {
        switch action {
        case "move.down": move(1)
        case "move.up": move(-1)
        case "move.top": set(0)
        case "move.bottom": set(count - 1)
        case "page.down": move(max(1, pageSize / 2))
        case "page.up": move(-max(1, pageSize / 2))
        default: return false
        }
        return true
    }
}

extension Grid {
    /// A box with a title on its top border. Returns the inside.
    @discardableResult
    public mutating func box(_ rect: Rect, title: String?, style: Style, titleStyle: Style) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        for x in rect.x..<rect.maxX {
            self[x, rect.y] = Cell("─", style)
            self[x, rect.maxY - 1] = Cell("─", style)
        }
        for y in rect.y..<rect.maxY {
            self[rect.x, y] = Cell("│", style)
            self[rect.maxX - 1, y] = Cell("│", style)
        }
        self[rect.x, rect.y] = Cell("╭", style)
        self[rect.maxX - 1, rect.y] = Cell("╮", style)
        self[rect.x, rect.maxY - 1] = Cell("╰", style)
        self[rect.maxX - 1, rect.maxY - 1] = Cell("╯", style)
        if let title, rect.width > 6 {
            put(" \(title) ", x: rect.x + 2, y: rect.y, titleStyle, maxWidth: rect.width - 4)
        }
        return rect.inset(1)
    }

    /// A scrollbar on column `x` from `y` for `rows`, when `total` exceeds `rows`.
    public mutating func scrollbar(x: Int, y: Int, rows: Int, total: Int, top: Int, style: Style) {
        guard total > rows, rows > 1 else { return }
        let thumb = max(1, rows * rows / total)
        let start = min(rows - thumb, (rows - thumb) * top / max(1, total - rows))
        // Only the thumb is drawn: a track beside a box border reads as a double line.
        for i in start..<(start + thumb) { self[x, y + i] = Cell("┃", style) }
    }
}
