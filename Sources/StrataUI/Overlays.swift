import StrataCatalog
import StrataLineage
import StrataTerminal

enum OverlayResult: Equatable {
    case keepOpen
    case close
    case closeAnd(Outcome)
    case run(String)
    /// The text of a screen's prompt, for `Screen.submit`.
    case submit(action: String, text: String)
}

/// Something drawn over the current screen that takes the keyboard while open.
enum Overlay {
    case help(HelpOverlay)
    case search(SearchOverlay)
    case command(CommandOverlay)
    case line(LinePrompt)

    mutating func key(_ key: Key, action: String?, app: App) -> OverlayResult {
        switch self {
        case .help(var h):
            defer { self = .help(h) }
            return h.key(key) ? .keepOpen : .close
        case .search(var s):
            defer { self = .search(s) }
            return s.key(key, action: action, app: app)
        case .command(var c):
            defer { self = .command(c) }
            return c.key(key, action: action, app: app)
        case .line(var l):
            defer { self = .line(l) }
            return l.key(key, action: action)
        }
    }

    mutating func mouse(_ m: MouseEvent, app: App) -> Outcome? {
        switch self {
        case .search(var s):
            defer { self = .search(s) }
            return s.mouse(m, app: app)
        default: return nil
        }
    }

    func render(into grid: inout Grid, app: App) {
        switch self {
        case .help(let h): h.render(into: &grid, app: app)
        case .search(let s): s.render(into: &grid, app: app)
        case .command(let c): c.render(into: &grid, app: app)
        case .line(let l): l.render(into: &grid, app: app)
        }
    }
}

/// A one-line text field: typed characters, Backspace, Ctrl-U.
struct PromptText: Equatable {
    var text = ""
    /// A recalled text (the last search), shown selected: the first character typed replaces
    /// it, as in a browser's address bar; Backspace or a move keeps it for editing.
    var recalled = false

    /// Applies a key; true when the text changed.
    mutating func edit(_ key: Key, action: String?) -> Bool {
        defer { recalled = false }
        switch action {
        case "prompt.erase":
            guard !text.isEmpty else { return false }
            text.removeLast(); return true
        case "prompt.clear":
            guard !text.isEmpty else { return false }
            text = ""; return true
        default:
            if case .char(let c) = key, action == nil {
                if recalled { text = "" }
                text.append(c); return true
            }
            return false
        }
    }
}

/// A one-line prompt a screen asked for (the log viewer's `/`, `?` and time jump).
struct LinePrompt {
    var label: String
    var action: String
    var prompt: PromptText

    mutating func key(_ key: Key, action: String?) -> OverlayResult {
        switch action {
        case "prompt.cancel": return .close
        case "prompt.accept": return .submit(action: self.action, text: prompt.text)
        default: _ = prompt.edit(key, action: action); return .keepOpen
        }
    }

    func render(into grid: inout Grid, app: App) {
        let s = app.context.styles
        let y = grid.height - 1
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), s.base)
        let x = grid.put(label, x: 0, y: y, s.accent)
        let used = grid.put(prompt.text, x: x, y: y, s.base, maxWidth: grid.width - x - 1)
        grid.put("▏", x: x + used, y: y, s.accent)
    }
}

// MARK: Help

struct HelpOverlay {
    let keymap: Keymap
    let screen: ScreenKind
    /// First line shown, when the keys do not fit.
    var top = 0

    /// Motion keys scroll the help; any other key closes it.
    mutating func key(_ key: Key) -> Bool {
        switch keymap.action(for: key, on: .log) {
        case "move.down": top += 1
        case "move.up": top = max(0, top - 1)
        case "page.down": top += 10
        case "page.up": top = max(0, top - 10)
        default: return false
        }
        return true
    }

    func render(into grid: inout Grid, app: App) {
        let s = app.context.styles
        var lines: [(String, String, Bool)] = []
        for (kind, specs) in keymap.help(for: screen) where !specs.isEmpty {
            if !lines.isEmpty { lines.append(("", "", false)) }
            lines.append((kind.title, "", true))
            for spec in specs where !spec.keys.isEmpty {
                lines.append((spec.keys.map(\.description).joined(separator: " "), spec.help, false))
            }
        }
        let keyWidth = min(24, lines.map { TextWidth.width(of: $0.0) }.max() ?? 10)
        let w = min(grid.width - 4, max(50, keyWidth + 50))
        let h = min(grid.height - 2, lines.count + 2)
        let rect = Rect(x: (grid.width - w) / 2, y: max(1, (grid.height - h) / 2), width: w, height: h)
        grid.fill(rect, s.base)
        let fits = lines.count <= inner(rect).height
        let inner = grid.box(rect, title: "Keys · \(screen.title) · " + (fits ? "any key closes" : "j/k scroll, other keys close"),
                             style: s.border, titleStyle: s.title)
        let first = max(0, min(top, lines.count - inner.height))
        for (i, line) in lines.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + i
            if line.2 { grid.put(line.0, x: inner.x + 1, y: y, s.heading, maxWidth: inner.width - 2); continue }
            grid.put(line.0, x: inner.x + 1, y: y, s.accent, maxWidth: keyWidth)
            grid.put(line.1, x: inner.x + 2 + keyWidth, y: y, s.base, maxWidth: inner.width - keyWidth - 3)
        }
        if first + inner.height < lines.count {
            let y = inner.maxY - 1
            grid.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), s.base)
            grid.put("… \(lines.count - first - inner.height) more (j scrolls)", x: inner.x + 1, y: y, s.muted,
                     maxWidth: inner.width - 2)
        }
    }

    private func inner(_ rect: Rect) -> Rect { rect.inset(1) }
}

// MARK: Search

/// `/`: results update on every keystroke, ranked, across all kinds; Enter opens.
struct SearchOverlay {
    let catalog: Catalog
    var prompt: PromptText
    var hits: [SearchHit] = []
    var cursor = ListCursor(count: 0)
    var error: String?
    static let limit = 50

    init(catalog: Catalog, query: String) {
        self.catalog = catalog
        prompt = PromptText(text: query, recalled: !query.isEmpty)
        refresh()
    }

    mutating func refresh() {
        do {
            hits = try catalog.read { try $0.search(prompt.text, limit: Self.limit) }
            error = nil
        } catch {
            hits = []; self.error = "\(error)"
        }
        cursor = ListCursor(count: hits.count)
    }

    mutating func key(_ key: Key, action: String?, app: App) -> OverlayResult {
        switch action {
        case "prompt.cancel": return .close
        case "prompt.down": cursor.move(1); prompt.recalled = false; return .keepOpen
        case "prompt.up": cursor.move(-1); prompt.recalled = false; return .keepOpen
        case "prompt.accept":
            guard !hits.isEmpty else { return .keepOpen }
            app.lastSearch = (prompt.text, hits, cursor.index)
            return .closeAnd(.open(.entity(hits[cursor.index].id)))
        default:
            if prompt.edit(key, action: action) { refresh() }
            return .keepOpen
        }
    }

    func rect(in grid: Grid) -> Rect {
        let w = min(grid.width - 2, 100)
        let h = min(grid.height - 3, Self.limit + 3)
        return Rect(x: (grid.width - w) / 2, y: 1, width: w, height: max(4, h))
    }

    mutating func mouse(_ m: MouseEvent, app: App) -> Outcome? {
        let inner = rect(in: Grid(width: app.width, height: app.height)).inset(1)
        let row = m.y - (inner.y + 1) + cursor.top
        switch m.action {
        case .wheelDown: cursor.move(3)
        case .wheelUp: cursor.move(-3)
        case .click, .doubleClick:
            guard inner.contains(x: m.x, y: m.y), row >= 0, row < hits.count else { return nil }
            cursor.set(row)
            if m.action == .doubleClick {
                app.lastSearch = (prompt.text, hits, cursor.index)
                return .open(.entity(hits[row].id))
            }
        default: break
        }
        return nil
    }

    func render(into grid: inout Grid, app: App) {
        let s = app.context.styles
        let rect = rect(in: grid)
        grid.fill(rect, s.base)
        let inner = grid.box(rect, title: "Search", style: s.border, titleStyle: s.title)
        let x = grid.put("/ ", x: inner.x, y: inner.y, s.accent)
        let used = grid.put(prompt.text, x: inner.x + x, y: inner.y, prompt.recalled ? s.selection : s.base,
                            maxWidth: inner.width - x - 12)
        grid.put("▏", x: inner.x + x + used, y: inner.y, s.accent)
        let count = hits.count == Self.limit ? "\(Self.limit)+" : "\(hits.count)"
        let status = prompt.text.isEmpty ? "type to search" : "\(count) found"
        grid.put(status, x: inner.maxX - TextWidth.width(of: status), y: inner.y, s.muted)
        let rows = inner.height - 1
        var c = cursor
        c.scroll(rows: rows)
        if let error {
            grid.put(error, x: inner.x, y: inner.y + 1, s.fail, maxWidth: inner.width)
            return
        }
        if hits.isEmpty && !prompt.text.isEmpty {
            grid.put("no match; every word must start a word (try fewer letters)", x: inner.x, y: inner.y + 1, s.muted,
                     maxWidth: inner.width)
        }
        for i in 0..<min(rows, max(0, hits.count - c.top)) {
            let hit = hits[c.top + i]
            let y = inner.y + 1 + i
            let selected = c.top + i == c.index
            let rowStyle = selected ? s.selection : s.base
            grid.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), rowStyle)
            let kindWidth = 10
            grid.put(hit.kind.rawValue, x: inner.x + 1, y: y, selected ? rowStyle : s.muted, maxWidth: kindWidth)
            let stageWidth = min(14, inner.width / 5)
            let nameWidth = inner.width - kindWidth - stageWidth - 3
            grid.put(hit.name == hit.id ? hit.id : "\(hit.name)  \(hit.id)", x: inner.x + 1 + kindWidth, y: y, rowStyle,
                     maxWidth: nameWidth)
            if let stage = hit.stage {
                grid.put(stage, x: inner.maxX - stageWidth, y: y, selected ? rowStyle : app.context.stageStyle(stage),
                         maxWidth: stageWidth)
            }
        }
    }
}

// MARK: Command line

/// `:` with completion (Tab) and history (Up/Down on an empty or recalled line).
struct CommandOverlay {
    var prompt = PromptText()
    var history: [String]
    var historyIndex: Int?
    var completions: [String] = []
    var completionIndex = -1

    init(history: [String]) { self.history = history }

    static let commands: [(name: String, args: String, help: String)] = [
        ("open", "ID", "open an entity"),
        ("owner", "ID", "who owns it"),
        ("theme", "NAME", "switch colour theme"),
        ("lineage", "SELECTOR", "lineage of one node: +x upstream, x+ downstream, 2+x two levels open"),
        ("dag", "ID", "a DAG's tasks and runs"),
        ("search", "QUERY", "search everything"),
        ("home", "", "the stack map"),
        ("help", "", "keys for this screen"),
        ("q", "", "quit strata"),
    ]

    mutating func key(_ key: Key, action: String?, app: App) -> OverlayResult {
        switch action {
        case "prompt.cancel": return .close
        case "prompt.accept":
            let text = prompt.text.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? .close : .run(text)
        case "prompt.down":
            if key == .tab || !completions.isEmpty { cycleCompletion(1, app: app) } else { recall(-1) }
            return .keepOpen
        case "prompt.up":
            if key == .backTab || !completions.isEmpty { cycleCompletion(-1, app: app) } else { recall(1) }
            return .keepOpen
        default:
            if prompt.edit(key, action: action) { completions = []; completionIndex = -1; historyIndex = nil }
            return .keepOpen
        }
    }

    /// Up walks back through earlier commands, Down forward.
    private mutating func recall(_ delta: Int) {
        guard !history.isEmpty else { return }
        let i = (historyIndex ?? history.count) - delta
        guard i >= 0, i <= history.count else { return }
        historyIndex = i
        prompt.text = i == history.count ? "" : history[i]
    }

    private mutating func cycleCompletion(_ delta: Int, app: App) {
        if completions.isEmpty {
            completions = Self.complete(prompt.text, app: app)
            completionIndex = -1
        }
        guard !completions.isEmpty else { return }
        completionIndex = (completionIndex + delta + completions.count) % completions.count
        prompt.text = completions[completionIndex]
    }

    /// Completions for a partial command line: command and action names for the first word,
    /// entity ids (by search) or theme names for the argument.
    static func complete(_ text: String, app: App) -> [String] {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count <= 1 {
            let word = parts.first ?? ""
            // Commands that take an argument complete with a space after them.
            let commandNames = commands.map { $0.args.isEmpty ? $0.name : $0.name + " " }
            return (commandNames + app.keymap.specs.map(\.name)).filter { $0.hasPrefix(word) }
        }
        let (command, arg) = (parts[0], parts[1])
        switch command {
        case "theme":
            return app.themeProvider.names.filter { $0.hasPrefix(arg) }.map { "theme \($0)" }
        case "open", "owner", "lineage", "dag":
            let kind: EntityKind? = command == "dag" ? .dag : nil
            let prefix = arg.hasPrefix("+") ? "+" : ""
            let query = String(arg.dropFirst(prefix.count))
            guard !query.isEmpty else { return [] }
            let hits = (try? app.catalog.read { try $0.search(query, kind: kind, limit: 12) }) ?? []
            let idPrefixed = hits.filter { $0.id.hasPrefix(query) }
            return (idPrefixed + hits.filter { !$0.id.hasPrefix(query) }).map { "\(command) \(prefix)\($0.id)" }
        default:
            return []
        }
    }

    func render(into grid: inout Grid, app: App) {
        let s = app.context.styles
        let y = grid.height - 1
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), s.base)
        let x = grid.put(":", x: 0, y: y, s.accent)
        let used = grid.put(prompt.text, x: x, y: y, s.base, maxWidth: grid.width - 2)
        grid.put("▏", x: x + used, y: y, s.accent)
        // Completion list, or the command summary while nothing is typed.
        var lines: [(String, Bool)] = completions.enumerated().map { ($1, $0 == completionIndex) }
        if lines.isEmpty && prompt.text.isEmpty {
            lines = Self.commands.map { ("\($0.name) \($0.args)".trimmingCharacters(in: .whitespaces)
                                         + "  " + $0.help, false) }
        }
        let shown = lines.prefix(max(0, min(10, grid.height - 3)))
        let w = min(grid.width, max(30, (shown.map { TextWidth.width(of: $0.0) }.max() ?? 0) + 2))
        for (i, line) in shown.enumerated() {
            let row = y - shown.count + i
            let style = line.1 ? s.selection : s.base
            grid.fill(Rect(x: 0, y: row, width: w, height: 1), style)
            grid.put(" " + line.0, x: 0, y: row, line.1 ? style : s.muted, maxWidth: w)
        }
    }
}

extension App {
    /// Where `:lineage SELECTOR` roots the pane: dbt's operators set the direction and how many
    /// levels open (`+x` all of them, `2+x` two); the pane needs exactly one node.
    func lineageTarget(_ text: String) throws -> (id: String, upstream: Bool, depth: Int) {
        let selection = try Selection.parse([text])
        guard selection.members.count == 1, selection.members[0].count == 1, var atom = selection.members.first?.first else {
            throw LineageUIError("the lineage pane shows one node; `strata lineage '\(text)'` prints a whole selection")
        }
        let upstream = atom.children == .none || atom.parents != .none
        let reach = upstream ? atom.parents : atom.children
        let depth = switch reach { case .none: 1; case .all: BrowserScreen.maxDepth; case .upTo(let n): n }
        atom.parents = .none; atom.children = .none; atom.childrensParents = false
        let engine = try lineageEngine()
        if atom.method == .fqn, !atom.value.contains(where: { "*?[]".contains($0) }) {
            // One name: an id, or a name only one node has (a DAG, not the DAG and its tasks).
            guard let node = try engine.nodes([try engine.num(of: atom.value)]).first else {
                throw LineageUIError("no node '\(atom.value)'")
            }
            return (node.id, upstream, depth)
        }
        let nodes = try engine.nodes(try engine.select(Selection(members: [[atom]])).nodes)
        guard nodes.count == 1, let node = nodes.first else {
            throw LineageUIError("'\(atom)' names \(nodes.count) nodes (" + nodes.prefix(3).map(\.id).joined(separator: ", ")
                                 + (nodes.count > 3 ? ", …" : "") + "); the pane needs one: give its id")
        }
        return (node.id, upstream, depth)
    }

    /// Runs a `:` command line.
    func run(command text: String) {
        if commandHistory.last != text { commandHistory.append(text) }
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts[0]
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        func needArg(_ what: String) -> Bool {
            if arg.isEmpty { toast = ":\(name) needs \(what)" }
            return !arg.isEmpty
        }
        switch name {
        case "q", "quit", "q!", "qa": dispatch("app.quit")
        case "home": open(.home)
        case "help": dispatch("help.toggle")
        case "open", "o", "e", "edit": if needArg("an id") { open(.entity(arg)) }
        case "owner": if needArg("an id") { open(.owner(arg)) }
        case "dag": if needArg("a DAG id") { open(.dag(arg)) }
        case "theme": if needArg("a theme name (" + themeProvider.names.joined(separator: ", ") + ")") { setTheme(arg) }
        case "search":
            overlay = .search(SearchOverlay(catalog: catalog, query: arg))
        case "lineage":
            guard needArg("a selector such as +fct_orders, fct_orders+ or 2+fct_orders") else { return }
            do {
                let target = try lineageTarget(arg)
                open(.lineage(target.id, upstream: target.upstream, depth: target.depth))
            } catch {
                toast = "\(error)"
            }
        default:
            if ActionRegistry.spec(name) != nil || keymap.specs.contains(where: { $0.name == name }) {
                dispatch(name)
            } else {
                toast = "unknown command ':\(name)'; try :open, :owner, :theme, :lineage, :dag, :search, :q, or an action name"
            }
        }
    }
}

struct LineageUIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
