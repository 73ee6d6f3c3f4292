import Foundation
import StrataCatalog
import StrataLineage
import StrataTerminal

/// What the app asks of the terminal backend after an event.
public enum Effect: Equatable, Sendable {
    case copyToClipboard(String)
    case setMouse(Bool)
    /// The theme changed: repaint everything.
    case repaint
    case quit
}

/// The whole UI: a history of screens, an optional overlay (help, search, command line), the
/// theme and the keymap. Every input goes through `handle`, every change of state through
/// `dispatch`; `render` is a function of the state. No terminal in sight: tests drive it with
/// events and read the grid.
public final class App {
    public let catalog: Catalog
    public private(set) var keymap: Keymap
    public private(set) var theme: Theme
    public let noColor: Bool
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var mouseEnabled: Bool
    /// The name the title bar shows for the catalog (e.g. "Basketly demo").
    public var catalogLabel: String

    /// Themes that `:theme` and `T` can switch to, by name.
    let themeProvider: ThemeProvider

    private(set) var back: [Screen] = []
    private(set) var forward: [Screen] = []
    public private(set) var screen: Screen
    var overlay: Overlay?
    var toast: String?
    private var effects: [Effect] = []
    private(set) var context: RenderContext
    /// The results of the last search, for `n` / `N`.
    var lastSearch: (query: String, hits: [SearchHit], index: Int)?
    var commandHistory: [String] = []
    /// Loaded on first use: the stack map never needs the edge graph.
    private var lineageEngineStorage: LineageEngine?

    func lineageEngine() throws -> LineageEngine {
        if let lineageEngineStorage { return lineageEngineStorage }
        let engine = try LineageEngine(catalog: catalog)
        lineageEngineStorage = engine
        return engine
    }

    public static let minimumWidth = 40
    public static let minimumHeight = 12

    public init(catalog: Catalog, width: Int, height: Int, theme: Theme = .fallback, noColor: Bool = false,
                keymap: Keymap = Keymap(), mouse: Bool = true, catalogLabel: String = "",
                themeProvider: ThemeProvider = ThemeProvider(names: [], load: { _ in nil })) throws {
        self.catalog = catalog
        self.width = width; self.height = height
        self.theme = theme; self.noColor = noColor; self.keymap = keymap
        self.mouseEnabled = mouse; self.catalogLabel = catalogLabel; self.themeProvider = themeProvider
        let positions = try catalog.read { r in
            Dictionary(uniqueKeysWithValues: try r.stageOrder().map { ($0.stage.id, $0.position) })
        }
        context = RenderContext(styles: theme.styles(noColor: noColor), stagePositions: positions)
        screen = try HomeScreen(catalog: catalog)
    }

    /// Effects produced since the last call, for the backend to carry out.
    public func takeEffects() -> [Effect] {
        defer { effects = [] }
        return effects
    }

    /// Shows a one-line message in the hint bar until the next key.
    public func show(message: String) { toast = message }

    /// Rows available to the current screen (between the title bar and the hint bar).
    var screenArea: Rect { Rect(x: 0, y: 1, width: width, height: max(0, height - 2)) }

    // MARK: Input

    public func handle(_ event: InputEvent) {
        switch event {
        case .resize(let w, let h):
            width = max(0, w); height = max(0, h)
        case .tick:
            screen.tick()
        case .mouse(let m):
            handleMouse(m)
        case .key(let key):
            toast = nil
            if let overlay {
                handleOverlayKey(key, overlay)
                return
            }
            if let action = keymap.action(for: key, on: screen.kind) {
                dispatch(action)
            }
        }
    }

    /// Applies a named action: the one place where state changes.
    public func dispatch(_ action: String) {
        if tooSmall && action != "app.quit" && action != "app.back" { return }
        switch action {
        case "app.quit": effects.append(.quit)
        case "app.back": goBack(quitAtHome: true)
        case "history.back": goBack(quitAtHome: false)
        case "history.forward":
            if let next = forward.popLast() { back.append(screen); screen = next }
        case "help.toggle": overlay = .help(HelpOverlay(keymap: keymap, screen: screen.kind))
        case "search.open": overlay = .search(SearchOverlay(catalog: catalog, query: lastSearch?.query ?? ""))
        case "search.next", "search.previous": stepSearch(action == "search.next" ? 1 : -1)
        case "command.open": overlay = .command(CommandOverlay(history: commandHistory))
        case "go.home": open(.home)
        case "go.browser": open(.browser(focus: screen.selectedEntityID))
        case "owner.open":
            if let id = screen.selectedEntityID { open(.owner(id)) } else { toast = "nothing selected" }
        case "lineage.upstream", "lineage.downstream":
            if let id = screen.selectedEntityID, screen.kind != .browser {
                open(.lineage(id, upstream: action == "lineage.upstream"))
            } else {
                apply(screen.perform(action, pageSize: screenArea.height))
            }
        case "logs.open":
            if let log = screen.selectedLog { open(.log(log)) }
            else if let outcome = screen.perform(action, pageSize: screenArea.height) { apply(outcome) }
            else { toast = "no log here: select a task run (on a DAG page) or a task" }
        case "dag.why":
            if let dag = screen as? DagScreen {
                guard let run = dag.whyRun else { toast = "no failed run of this DAG"; return }
                why(dagID: run.dagID, runID: run.runID)
            } else if let home = screen as? HomeScreen {
                guard let latest = home.latestFailure else { toast = "no DAG failed in its latest run"; return }
                why(dagID: latest.dagID, runID: latest.runID)
            } else {
                apply(screen.perform(action, pageSize: screenArea.height))
            }
        case "copy.id":
            if let id = screen.selectedEntityID {
                effects.append(.copyToClipboard(id))
                toast = "copied \(id)"
            } else { toast = "nothing selected to copy" }
        case "mouse.toggle":
            mouseEnabled.toggle()
            effects.append(.setMouse(mouseEnabled))
            toast = mouseEnabled ? "mouse on" : "mouse off: the terminal can select text"
        case "theme.next":
            let names = themeProvider.names
            if let i = names.firstIndex(of: theme.name) { setTheme(names[(i + 1) % names.count]) }
            else if let first = names.first { setTheme(first) }
        default:
            apply(screen.perform(action, pageSize: screenArea.height))
        }
    }

    func apply(_ outcome: Outcome?) {
        switch outcome {
        case .none, .handled?: break
        case .open(let d)?: open(d)
        case .message(let m)?: toast = m
        case .prompt(let label, let action, let text)?:
            overlay = .line(LinePrompt(label: label, action: action, prompt: PromptText(text: text)))
        }
    }

    /// Why a run failed (on a DAG page the selected run, or the newest failed one when the
    /// selected run did not fail; on the stack map the latest failure of any DAG): its root
    /// failing task, and that task's log opened on the root-cause line.
    private func why(dagID: String, runID: String) {
        do {
            let report = try WhyReport.make(catalog: catalog, dag: dagID, run: runID)
            guard let task = report.rootTask else { toast = "no failed task in run \(runID)"; return }
            let short = task.split(separator: ".").last.map(String.init) ?? task
            guard let cause = report.causes[task], let log = cause.log, cause.line != nil else {
                // No log to open: the DAG page, and what the run recorded about the failure.
                if !(screen is DagScreen) { open(.dag(dagID)) }
                // On the task that broke it, in that run: L and the footer are then about it.
                (screen as? DagScreen)?.select(task: task, run: runID)
                toast = "\(short) broke the run: " + (report.causes[task]?.summary
                    ?? report.earlierCauses[task].map { "nothing recorded in this run; " + $0.line } ?? "no log or message recorded")
                return
            }
            open(.log(LogLink(path: log, title: "why · \(short) · \(runID)", run: runID, task: task), line: cause.line))
            if screen is LogScreen {
                toast = "\(short) broke the run: " + cause.summary
            }
        } catch {
            toast = "why: \(error)"
        }
    }

    private func goBack(quitAtHome: Bool) {
        if let previous = back.popLast() {
            forward.append(screen); screen = previous
        } else if quitAtHome {
            effects.append(.quit)
        }
    }

    /// Starts on `screen` instead of the stack map, with no history: `q` quits (`strata log FILE`).
    public func start(on screen: Screen) {
        back.removeAll(); forward.removeAll()
        self.screen = screen
    }

    /// Opens a destination on top of the history (forward history is dropped, as in a browser).
    public func open(_ d: Destination) {
        do {
            let next = try makeScreen(d)
            back.append(screen); forward.removeAll(); screen = next
        } catch let error as CatalogError {
            toast = "\(error)"
        } catch {
            toast = "cannot open: \(error)"
        }
    }

    private func makeScreen(_ d: Destination) throws -> Screen {
        switch d {
        case .home: return try HomeScreen(catalog: catalog)
        case .browser(let focus): return try BrowserScreen(catalog: catalog, lineage: lineageEngine, focus: focus)
        case .owner(let id): return try OwnerScreen(catalog: catalog, id: id)
        case .dag(let id): return try DagScreen(catalog: catalog, dagID: id)
        case .lineage(let id, let upstream, let depth):
            return try BrowserScreen(catalog: catalog, lineage: lineageEngine, focus: id, lineageFocus: upstream,
                                     lineageDepth: depth)
        case .log(let link, let line): return try LogScreen(link, line: line)
        case .entity(let id):
            let e = try catalog.read { try $0.require(id) }
            switch e.kind {
            case .owner: return try OwnerScreen(catalog: catalog, id: id)
            case .dag: return try DagScreen(catalog: catalog, dagID: id)
            default: return try BrowserScreen(catalog: catalog, lineage: lineageEngine, focus: id)
            }
        }
    }

    public func setTheme(_ name: String) {
        guard let t = themeProvider.load(name) else {
            toast = "no theme '\(name)'; themes: " + themeProvider.names.joined(separator: ", ")
            return
        }
        if let warning = t.warning { toast = warning }
        theme = t.theme
        context.styles = theme.styles(noColor: noColor)
        effects.append(.repaint)
        if t.warning == nil { toast = "theme \(theme.name)" }
    }

    private func stepSearch(_ delta: Int) {
        guard var s = lastSearch, !s.hits.isEmpty else { toast = "no search yet: press / to search"; return }
        let next = s.index + delta
        s.index = (next + s.hits.count) % s.hits.count
        lastSearch = s
        open(.entity(s.hits[s.index].id))
        // Wrapping round is said, as less and vim do.
        let wrapped = next < 0 ? " (wrapped to the last)" : next >= s.hits.count ? " (wrapped to the first)" : ""
        toast = "result \(s.index + 1) of \(s.hits.count) for '\(s.query)'" + wrapped
    }

    // MARK: Mouse

    private func handleMouse(_ m: MouseEvent) {
        if tooSmall { return }
        if var o = overlay {
            if let outcome = o.mouse(m, app: self) { overlay = nil; apply(outcome) } else { overlay = o }
            if case .help = o, m.action == .click { overlay = nil }
            return
        }
        if m.action == .wheelUp || m.action == .wheelDown {
            if let outcome = screen.mouse(m) { apply(outcome); return }
            let action = m.action == .wheelUp ? "move.up" : "move.down"
            for _ in 0..<3 { apply(screen.perform(action, pageSize: screenArea.height)) }
            return
        }
        if screenArea.contains(x: m.x, y: m.y) { apply(screen.mouse(m)) }
    }

    // MARK: Overlays

    private func handleOverlayKey(_ key: Key, _ current: Overlay) {
        var o = current
        let action = keymap.action(for: key, on: .prompt)
        switch o.key(key, action: action, app: self) {
        case .keepOpen: overlay = o
        case .close: overlay = nil
        case .closeAnd(let outcome): overlay = nil; apply(outcome)
        case .run(let command): overlay = nil; run(command: command)
        case .submit(let action, let text): overlay = nil; apply(screen.submit(action, text: text))
        }
    }

    // MARK: Rendering

    var tooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

    /// Draws the current state into a new grid of the app's size.
    public func render() -> Grid {
        let styles = context.styles
        var grid = Grid(width: width, height: height, fill: Cell(" ", styles.base))
        guard width > 0, height > 0 else { return grid }
        if tooSmall {
            let lines = ["terminal too small", "\(width)x\(height), need \(Self.minimumWidth)x\(Self.minimumHeight)",
                         "q quits"]
            for (i, line) in lines.enumerated() where i < height {
                let x = max(0, (width - TextWidth.width(of: line)) / 2)
                grid.put(line, x: x, y: max(0, height / 2 - 1) + i - (height < 3 ? height / 2 : 0), i == 0 ? styles.title : styles.muted)
            }
            return grid
        }
        renderTitle(&grid)
        screen.render(into: &grid, area: screenArea, context: context)
        renderHints(&grid)
        overlay?.render(into: &grid, app: self)
        return grid
    }

    private func renderTitle(_ grid: inout Grid) {
        let s = context.styles
        // Without colour the title bar stands out in reverse video.
        grid.fill(Rect(x: 0, y: 0, width: width, height: 1), s.title.with(reverse: noColor || theme.monochrome))
        var x = grid.put(" strata ", x: 0, y: 0, s.title)
        if !catalogLabel.isEmpty { x += grid.put("· \(catalogLabel) ", x: x, y: 0, s.muted) }
        // Where you are, from the stack map on: going home (H) starts the trail again.
        let sinceHome = screen.kind == .home ? [] : back.lastIndex { $0.kind == .home }.map { Array(back[$0...]) } ?? back
        let crumbs = (sinceHome.suffix(2).map(\.title) + [screen.title]).joined(separator: " › ")
        let right = "? help"
        let room = width - x - TextWidth.width(of: right) - 2
        if room > 4 { grid.put("· " + crumbs, x: x, y: 0, s.accent, maxWidth: room) }
        grid.put(right, x: width - TextWidth.width(of: right) - 1, y: 0, s.muted)
    }

    private func renderHints(_ grid: inout Grid) {
        let s = context.styles
        let y = height - 1
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), s.base)
        if let toast {
            grid.put(" " + toast, x: 0, y: y, s.accent)
            return
        }
        var x = 1
        for hint in keymap.hints(for: screen.kind) {
            let w = TextWidth.width(of: hint.key) + TextWidth.width(of: hint.label) + 3
            if x + w > width { break }
            x += grid.put(hint.key, x: x, y: y, s.accent)
            x += grid.put(" " + hint.label + "  ", x: x, y: y, s.muted)
        }
    }
}

/// Looks up themes by name for `:theme` and `T`.
public struct ThemeProvider {
    public var names: [String]
    public var load: (String) -> (theme: Theme, warning: String?)?
    public init(names: [String], load: @escaping (String) -> (theme: Theme, warning: String?)?) {
        self.names = names; self.load = load
    }
}
