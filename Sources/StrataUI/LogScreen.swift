import Foundation
import StrataLogs
import StrataTerminal

/// The log viewer: line numbers, a colour per level, the root cause and its chain marked, next
/// and previous error/warning, regex search that highlights matches in context, follow mode,
/// folding of multi-line records, wrap and horizontal scroll, a level filter and a jump to a
/// timestamp. Positions are byte offsets into the mapped file, so opening a file, `G` and `r`
/// never wait for a full scan; line numbers appear as the lazy index reaches them, and the
/// root cause of a big file is found on a background thread.
public final class LogScreen: Screen {
    public let kind = ScreenKind.log
    public let title: String
    let file: LogFile
    /// Offsets of the selected line and of the first line on screen.
    var cursor = 0
    var top = 0
    var wrap = false
    var hscroll = 0
    /// Show only lines at this level or above (WARNING filter); nil shows everything.
    var minLevel: LogLevel?
    /// Start offsets of folded records (a header line and its continuation lines).
    var folded: Set<Int> = []
    var search: NSRegularExpression?
    /// A search for plain printable text (no regex syntax) is looked for in the file's bytes:
    /// the whole file per key press instead of `scanLimit` lines.
    var searchBytes: [UInt8]?
    var searchText = ""
    var searchForward = true
    /// `F`: follow the end as the file grows. Scrolling up pauses it; `G` resumes.
    var followWanted = false
    var following = false
    let root: RootBox
    /// Jump to the root cause as soon as it is known (when opened by "why", or on `r`).
    var jumpToRoot: Bool
    var userMoved = false
    /// The next frame puts the cursor in the middle of the screen (after a jump).
    var center = true
    var viewRows = 20
    /// The last line drawn in the previous frame.
    var bottomShown = 0
    private var levelCache: [Int: LogLevel?] = [:]
    private var recordStartCache: [Int: Int] = [:]
    /// Files up to this size get their root cause before the first frame.
    static let syncRootLimit = 16 << 20
    /// At most this many lines are examined per keystroke by a search or a jump.
    var scanLimit = 2_000_000

    /// The result of the root-cause scan, filled in by a background thread for big files.
    final class RootBox: @unchecked Sendable {
        private let lock = NSLock()
        private var _analysis: LogAnalysis?
        private var _done = false
        var analysis: LogAnalysis? { lock.lock(); defer { lock.unlock() }; return _analysis }
        var done: Bool { lock.lock(); defer { lock.unlock() }; return _done }
        func set(_ a: LogAnalysis) { lock.lock(); _analysis = a; _done = true; lock.unlock() }
    }

    /// Opens `path`; `line` (1-based) selects that line, otherwise the viewer lands on the root
    /// cause once it is known (or stays at the top of a log without a failure).
    /// A task run's log: a dbt log shared by several invocations shows the run's part only
    /// (see `LogFile.init(path:invocation:)`), and its root cause is the task's own failure.
    public convenience init(_ link: LogLink, line: Int? = nil) throws {
        let file: LogFile
        do { file = try LogFile(path: link.path, invocation: link.run) } catch let e as LogFile.Failure {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: link.path, NSLocalizedDescriptionKey: e.description])
        }
        self.init(file: file, title: link.title, line: line, scanner: RootCauseScanner(forTask: link.task))
    }

    public init(file: LogFile, title: String, line: Int? = nil, scanner: RootCauseScanner = RootCauseScanner()) {
        self.file = file
        self.title = title
        root = RootBox()
        jumpToRoot = line == nil
        file.indexMore(budget: 1 << 20)
        if let line, let o = file.offset(ofFileLine: line) { cursor = o; userMoved = true }
        if file.size <= Self.syncRootLimit {
            root.set(scanner.analyze(file))
        } else {
            // In the background, and leaving one core to the thread that draws the screen.
            var scanner = scanner
            scanner.threads = max(1, scanner.threads - 1)
            let (box, f) = (root, file)
            Thread.detachNewThread { [scanner] in box.set(scanner.analyze(f)) }
        }
        pickUpRoot()
    }

    public var selectedEntityID: String? { nil }

    /// The 1-based line the cursor is on, when the index has reached it.
    public var cursorLine: Int? { file.fileLine(ofOffset: cursor) }

    var rootCause: RootCause? { root.analysis?.rootCause }

    private func pickUpRoot() {
        guard root.done, jumpToRoot else { return }
        jumpToRoot = false
        if let o = rootCause?.offset, !userMoved { moveTo(o) }
    }

    // MARK: Levels, records, visibility

    private func head(_ o: Int) -> UnsafeRawBufferPointer {
        let bytes = file.bytes
        let end = min(file.lineEnd(from: o), o + 512)
        return UnsafeRawBufferPointer(rebasing: bytes[o..<max(o, end)])
    }

    /// The level the line at `o` states itself (nil: a continuation).
    func ownLevel(_ o: Int) -> LogLevel? {
        if let c = levelCache[o] { return c }
        let l = LineParser.ownLevel(head(o))
        if levelCache.count > 200_000 { levelCache.removeAll(keepingCapacity: true) }
        levelCache[o] = l
        return l
    }

    /// The start of the record the line at `o` belongs to (itself when it states a level).
    func recordStart(_ o: Int) -> Int {
        if let c = recordStartCache[o] { return c }
        var x = o
        var steps = 0
        while ownLevel(x) == nil, let p = file.previousLine(before: x), steps < 2000 { x = p; steps += 1 }
        if recordStartCache.count > 200_000 { recordStartCache.removeAll(keepingCapacity: true) }
        recordStartCache[o] = x
        return x
    }

    func level(_ o: Int) -> LogLevel { ownLevel(recordStart(o)) ?? .none }

    /// Whether the line at `o` belongs to the root cause's record. dbt writes a failed node's
    /// error in full only at [debug] (its [error] lines name the node), so the level filter
    /// keeps that record: hiding the answer to "why" would defeat the filter's purpose.
    func inRootCauseRecord(_ o: Int) -> Bool {
        guard let r = rootCause?.offset else { return false }
        return recordStart(o) == recordStart(r)
    }

    func hidden(_ o: Int) -> Bool {
        if let minLevel, level(o) < minLevel, !inRootCauseRecord(o) { return true }
        if !folded.isEmpty, ownLevel(o) == nil, folded.contains(recordStart(o)) { return true }
        return false
    }

    func nextVisible(after o: Int) -> Int? {
        var x = o
        for _ in 0..<scanLimit {
            guard let n = file.nextLine(after: x) else { return nil }
            if !hidden(n) { return n }
            x = n
        }
        return nil
    }

    func previousVisible(before o: Int) -> Int? {
        var x = o
        for _ in 0..<scanLimit {
            guard let p = file.previousLine(before: x) else { return nil }
            if !hidden(p) { return p }
            x = p
        }
        return nil
    }

    /// Continuation lines of the record starting at `start` (bounded).
    func recordLength(_ start: Int) -> Int {
        var n = 0
        var x = start
        while let next = file.nextLine(after: x), ownLevel(next) == nil, n < 100_000 { n += 1; x = next }
        return n
    }

    private func moveTo(_ o: Int) {
        cursor = o
        center = true
        if hidden(o) {
            minLevel = nil
            folded.remove(recordStart(o))
        }
    }

    private func firstVisible() -> Int { hidden(0) ? (nextVisible(after: 0) ?? 0) : 0 }
    private func lastVisible() -> Int {
        let last = file.lastLineStart
        return hidden(last) ? (previousVisible(before: last) ?? last) : last
    }

    // MARK: Actions

    public func perform(_ action: String, pageSize: Int) -> Outcome? {
        let before = cursor
        defer {
            if cursor != before { userMoved = true }
            if cursor < before { following = false }
        }
        switch action {
        case "move.down": if let n = nextVisible(after: cursor) { cursor = n }
        case "move.up": if let p = previousVisible(before: cursor) { cursor = p }
        case "page.down":
            for _ in 0..<max(1, pageSize / 2) { guard let n = nextVisible(after: cursor) else { break }; cursor = n }
        case "page.up":
            for _ in 0..<max(1, pageSize / 2) { guard let p = previousVisible(before: cursor) else { break }; cursor = p }
        case "move.top": cursor = firstVisible()
        case "move.bottom":
            cursor = lastVisible()
            if followWanted { following = true }
        case "move.left": if !wrap { hscroll = max(0, hscroll - 8) }
        case "move.right": if !wrap { hscroll += 8 }
        case "log.error.next", "log.error.previous", "log.warning.next", "log.warning.previous":
            let forward = action.hasSuffix(".next")
            let wanted: (LogLevel) -> Bool = action.hasPrefix("log.error") ? { $0 >= .error } : { $0 == .warning }
            guard let o = findRecord(forward: forward, where: wanted) else {
                return .message("no \(action.hasPrefix("log.error") ? "error" : "warning") \(forward ? "below" : "above")")
            }
            cursor = o
            if o < top || o > bottomShown { center = true }
        case "log.root":
            if let r = rootCause, let o = r.offset {
                moveTo(o)
                return .message("root cause: " + r.summary)
            }
            if !root.done { jumpToRoot = true; userMoved = false; return .message("finding the root cause…") }
            return .message("no failure found in this log")
        case "log.search.forward", "log.search.backward":
            return .prompt(label: action == "log.search.forward" ? "/" : "?", action: action, text: "")
        case "log.time":
            return .prompt(label: "time ", action: action, text: "")
        case "log.match.next", "log.match.previous":
            return step(match: action == "log.match.next" ? searchForward : !searchForward)
        case "log.follow":
            followWanted.toggle()
            following = followWanted
            if followWanted { file.refresh(); cursor = lastVisible() }
            return .message(followWanted ? "following the end of the file (scroll up pauses, G resumes)" : "follow off")
        case "log.fold":
            let start = recordStart(cursor)
            if folded.remove(start) != nil { return .handled }
            let n = recordLength(start)
            guard n > 0 else { return .message("this line is a record of its own: nothing to fold") }
            folded.insert(start)
            cursor = start
            return .message("folded \(n) lines")
        case "log.wrap":
            wrap.toggle(); hscroll = 0
            return .message(wrap ? "wrap on" : "wrap off: h/l scroll sideways")
        case "log.filter":
            minLevel = minLevel == nil ? .warning : nil
            if hidden(cursor) { cursor = nextVisible(after: cursor) ?? previousVisible(before: cursor) ?? cursor }
            if hidden(top) { top = cursor }
            return .message(minLevel == nil ? "all levels" : "showing WARNING and above, and the root cause")
        default:
            return nil
        }
        return .handled
    }

    private func findRecord(forward: Bool, where wanted: (LogLevel) -> Bool) -> Int? {
        var x = cursor
        // Leave the current record first, so that `e` moves to the next error, not the next line.
        let startLevel = level(x)
        var inStart = wanted(startLevel)
        for _ in 0..<scanLimit {
            guard let n = forward ? nextVisible(after: x) : previousVisible(before: x) else { return nil }
            x = n
            let l = level(x)
            if wanted(l) {
                if inStart && ownLevel(x) == nil { continue }
                // The start of the record, so that a traceback is entered at its first line.
                let s = recordStart(x)
                return hidden(s) ? x : s
            }
            inStart = false
        }
        return nil
    }

    public func submit(_ action: String, text: String) -> Outcome? {
        switch action {
        case "log.search.forward", "log.search.backward":
            guard !text.isEmpty else { search = nil; searchText = ""; return .handled }
            do { search = try NSRegularExpression(pattern: text) } catch {
                return .message("not a regular expression: \(text)")
            }
            searchText = text
            searchBytes = Self.isPlainText(text) ? Array(text.utf8) : nil
            searchForward = action == "log.search.forward"
            return step(match: searchForward)
        case "log.time":
            guard let o = find(time: text) else { return .message("no line at or after '\(text)'") }
            cursor = o; userMoved = true; following = false; center = true
            return .handled
        default:
            return nil
        }
    }

    func matches(_ o: Int) -> [NSRange] {
        guard let search else { return [] }
        let text = file.text(at: o).inert()
        return search.matches(in: text, range: NSRange(text.startIndex..., in: text)).map(\.range)
    }

    /// Printable ASCII with no regular-expression syntax: its matches are its bytes.
    static func isPlainText(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && NSRegularExpression.escapedPattern(for: text) == text
    }

    /// The next (or previous) visible line whose bytes hold `needle`.
    func findPlain(_ needle: [UInt8], forward: Bool) -> Int? {
        if forward {
            var from = file.lineEnd(from: cursor) + 1
            while let at = file.find(needle, from: from, to: file.size) {
                let line = file.lineStart(containing: at)
                if !hidden(line) { return line }
                from = file.lineEnd(from: line) + 1
            }
        } else {
            var to = cursor
            while let at = file.findLast(needle, from: 0, to: to) {
                let line = file.lineStart(containing: at)
                if !hidden(line) { return line }
                to = line
            }
        }
        return nil
    }

    private func step(match forward: Bool) -> Outcome {
        guard search != nil else { return .message("no search yet: / to search forward, ? backward") }
        if let needle = searchBytes {
            guard let x = findPlain(needle, forward: forward) else {
                return .message("'\(searchText)' not found \(forward ? "below" : "above")")
            }
            cursor = x; userMoved = true; if !forward { following = false }
            if x < top || x > bottomShown { center = true }
            return .handled
        }
        var x = cursor
        for _ in 0..<scanLimit {
            guard let n = forward ? nextVisible(after: x) : previousVisible(before: x) else {
                return .message("'\(searchText)' not found \(forward ? "below" : "above")")
            }
            x = n
            if !matches(x).isEmpty {
                cursor = x; userMoved = true; if !forward { following = false }
                if x < top || x > bottomShown { center = true }
                return .handled
            }
        }
        return .message("'\(searchText)' not found in the next \(scanLimit) lines; n continues")
    }

    /// The first line whose timestamp is at or after `query` (a prefix such as `2026-11-22T03:14`,
    /// `03:14:15` or `2026-11-22 03:14`): a binary search over byte offsets, as log lines are in
    /// time order.
    func find(time query: String) -> Int? {
        let q = Self.normalize(query)
        guard !q.isEmpty else { return nil }
        let timeOnly = !q.contains("-")
        func stamp(_ o: Int) -> String? {
            var x = o
            for _ in 0..<200 {
                let h = head(x)
                if let ts = LineParser.header(h)?.timestamp, ts.upperBound <= h.count {
                    var s = Self.normalize(String(decoding: UnsafeRawBufferPointer(rebasing: h[ts]), as: UTF8.self))
                    if timeOnly, let t = s.firstIndex(of: "T") { s = String(s[s.index(after: t)...]) }
                    return s
                }
                guard let n = file.nextLine(after: x) else { return nil }
                x = n
            }
            return nil
        }
        var lo = 0, hi = file.size
        while hi - lo > 4096 {
            let mid = file.lineStart(containing: (lo + hi) / 2)
            guard let s = stamp(mid) else { hi = (lo + hi) / 2; continue }
            if s < q { lo = max(lo + 1, mid) } else { hi = mid }
        }
        var x = file.lineStart(containing: lo)
        for _ in 0..<100_000 {
            if let s = stamp(x), s >= q { return hidden(x) ? nextVisible(after: x) : x }
            guard let n = file.nextLine(after: x) else { return nil }
            x = n
        }
        return nil
    }

    static func normalize(_ t: String) -> String {
        var s = t.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        if s.count > 10, s.dropFirst(10).first == " " { s = String(s.prefix(10)) + "T" + s.dropFirst(11) }
        return s
    }

    public func tick() {
        pickUpRoot()
        if followWanted, file.refresh(), following {
            cursor = lastVisible()
        }
        if !file.fullyIndexed { file.indexMore() }
    }

    public func mouse(_ event: MouseEvent) -> Outcome? {
        switch event.action {
        case .wheelUp: return perform("move.up", pageSize: 0)
        case .wheelDown: return perform("move.down", pageSize: 0)
        default: return nil
        }
    }

    // MARK: Drawing

    /// Rows a line takes on screen.
    private func height(_ o: Int, width: Int) -> Int {
        guard wrap || wrapsAlways(o), width > 0 else { return 1 }
        let w = TextWidth.width(of: file.text(at: o, limit: 8192).inert())
        return min(50, max(1, (w + width - 1) / width))
    }

    /// The root-cause line and its chain are shown whole even with wrap off: the end of a
    /// warehouse error or an exception message is often what says what went wrong.
    private func wrapsAlways(_ o: Int) -> Bool {
        guard let r = rootCause else { return false }
        return r.offset == o || r.chain.contains { $0.offset == o }
    }

    /// Keeps the cursor on screen: moves `top` so that the cursor's line is visible.
    private func scroll(rows: Int, width: Int) {
        if center {
            center = false
            var t = cursor
            var used = height(cursor, width: width)
            while let p = previousVisible(before: t), used + height(p, width: width) <= rows / 2 { used += height(p, width: width); t = p }
            top = t
        }
        if hidden(top) { top = hidden(cursor) ? cursor : min(top, cursor) }
        if cursor < top { top = cursor; return }
        var used = 0
        var x = top
        while true {
            if x == cursor { if used + height(x, width: width) <= rows { return } else { break } }
            used += height(x, width: width)
            if used >= rows { break }
            guard let n = nextVisible(after: x), n <= cursor else { break }
            x = n
        }
        // Put the cursor on the last row.
        var t = cursor
        used = height(cursor, width: width)
        while let p = previousVisible(before: t), used + height(p, width: width) <= rows { used += height(p, width: width); t = p }
        top = t
    }

    public func render(into grid: inout Grid, area: Rect, context: RenderContext) {
        pickUpRoot()
        let s = context.styles
        let inner = grid.box(area, title: title, style: s.border, titleStyle: s.title)
        guard inner.height > 2, inner.width > 10 else { return }
        renderStatus(into: &grid, y: inner.y, x: inner.x, width: inner.width, s)
        let body = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
        viewRows = body.height
        let count = file.indexedLineCount
        let numberWidth = max(4, String(max(1, count + file.linesBefore)).count + (file.fullyIndexed ? 0 : 1))
        let textX = body.x + numberWidth + 2
        let textWidth = body.maxX - textX - 1
        scroll(rows: body.height, width: textWidth)
        let rootOffset = rootCause?.offset
        let chain = Set(rootCause?.chain.compactMap(\.offset) ?? [])
        var y = body.y
        var o: Int? = top
        var bottom = top
        defer { bottomShown = bottom }
        while let line = o, y < body.maxY {
            bottom = line
            let selected = line == cursor
            let lvl = level(line)
            var style: Style
            switch lvl {
            case .trace, .debug: style = s.logDebug
            case .info, .none: style = s.logInfo
            case .warning: style = s.logWarning
            case .error: style = s.logError
            case .critical: style = s.logCritical
            }
            let isRoot = line == rootOffset
            if isRoot || chain.contains(line) { style = s.logRoot }
            let number = file.fileLine(ofOffset: line).map(String.init) ?? "…"
            grid.put(TextWidth.pad(String(repeating: " ", count: max(0, numberWidth - number.count)) + number, to: numberWidth),
                     x: body.x, y: y, selected ? s.selection : s.muted)
            let foldedHere = folded.contains(line)
            let mark = isRoot ? "▶" : chain.contains(line) ? "┃" : foldedHere ? "▸" : " "
            grid.put(mark, x: body.x + numberWidth, y: y, isRoot || chain.contains(line) ? s.logRoot : s.accent)
            var text = file.text(at: line).inert()
            if text.contains("\t") { text = text.replacingOccurrences(of: "\t", with: "    ") }
            if foldedHere { text += "  … \(recordLength(line)) more lines (z unfolds)" }
            let ranges = search == nil ? [] : matches(line)
            let whole = wrap || isRoot || chain.contains(line)
            let rows = whole ? height(line, width: textWidth) : 1
            let segments = layout(text, width: textWidth, rows: rows, skip: whole ? 0 : hscroll)
            for (r, seg) in segments.enumerated() where y + r < body.maxY {
                drawSegment(&grid, seg, x: textX, y: y + r, width: textWidth,
                            style: selected ? style.with(underline: true) : style, match: s.logMatch, ranges: ranges)
            }
            y += max(1, segments.count)
            o = nextVisible(after: line)
        }
        // Scrollbar by byte position: line counts of an unindexed file are unknown.
        let shownEnd = min(file.size, file.lineEnd(from: bottom) + 1)
        guard top > 0 || shownEnd < file.size else { return }
        let rowsPerByte = Double(body.height) / Double(max(1, shownEnd - top))
        grid.scrollbar(x: inner.maxX - 1, y: body.y, rows: body.height,
                       total: max(body.height, Int(Double(file.size) * rowsPerByte)), top: Int(Double(top) * rowsPerByte),
                       style: s.border)
    }

    /// A line cut into rows: (text, UTF-16 offset of its first character) for match highlighting.
    private func layout(_ text: String, width: Int, rows: Int, skip: Int) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var current = ""
        var currentStart = 0
        var col = 0
        var utf16 = 0
        var skipped = 0
        for ch in text {
            let w = TextWidth.width(of: ch)
            if skipped < skip { skipped += max(1, w); utf16 += ch.utf16.count; currentStart = utf16; continue }
            if col + w > width {
                out.append((current, currentStart))
                if out.count >= rows { return out }
                current = ""; col = 0; currentStart = utf16
            }
            current.append(ch); col += w; utf16 += ch.utf16.count
        }
        out.append((current, currentStart))
        return out
    }

    private func drawSegment(_ grid: inout Grid, _ seg: (String, Int), x: Int, y: Int, width: Int, style: Style,
                             match: Style, ranges: [NSRange]) {
        guard !ranges.isEmpty else {
            grid.put(seg.0, x: x, y: y, style, maxWidth: width, ellipsis: false)
            return
        }
        var col = x
        var u = seg.1
        for ch in seg.0 {
            let inMatch = ranges.contains { u >= $0.location && u < $0.location + $0.length }
            col += grid.put(String(ch), x: col, y: y, inMatch ? match : style, maxWidth: x + width - col, ellipsis: false)
            u += ch.utf16.count
        }
    }

    /// The start of a dbt invocation id (a UUID), enough to tell runs apart on a status line.
    static func short(_ id: String) -> String { id.count > 8 ? id.prefix(8) + "…" : id }

    private func renderStatus(into grid: inout Grid, y: Int, x: Int, width: Int, _ s: Styles) {
        var parts: [String] = []
        let count = file.indexedLineCount
        parts.append(file.fullyIndexed ? (count == 1 ? "1 line" : "\(count) lines") : "\(count)+ lines (indexing)")
        if let id = file.invocation {
            parts.append("dbt invocation \(Self.short(id)) only, from line \(file.linesBefore + 1)")
        } else if let id = file.missingInvocation {
            parts.append("invocation \(Self.short(id)) is not in this file (rotated?): whole file")
        }
        if let a = root.analysis {
            if let r = a.rootCause { parts.append("root cause line \(r.line): \(r.kind)  r jumps") } else { parts.append("no failure found") }
        } else {
            parts.append("finding the root cause…")
        }
        if minLevel != nil { parts.append("WARNING and above") }
        if wrap { parts.append("wrap") } else if hscroll > 0 { parts.append("col \(hscroll + 1)") }
        if followWanted { parts.append(following ? "following" : "follow paused (G resumes)") }
        if !searchText.isEmpty { parts.append((searchForward ? "/" : "?") + searchText) }
        let text = " " + parts.joined(separator: " · ")
        let hasRoot = root.analysis?.rootCause != nil
        grid.put(text, x: x, y: y, hasRoot ? s.fail : s.muted, maxWidth: width - 1)
    }
}
