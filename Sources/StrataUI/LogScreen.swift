import Foundation
import StrataTerminal

/// A plain log pager: line numbers, a colour per level, vim motions. The full viewer (lazy index
/// of huge files, root cause, search, follow) builds on this.
public final class LogScreen: Screen {
    public let kind = ScreenKind.log
    public let title: String
    let path: String
    let lines: [Substring]
    let levels: [LogLevel]
    var cursor: ListCursor
    var area = Rect(x: 0, y: 0, width: 0, height: 0)
    /// Files larger than this are shown from their first bytes only, until the real viewer lands.
    static let maxBytes = 64 << 20

    enum LogLevel { case debug, info, warning, error, critical, none }

    public init(path: String, title: String) throws {
        self.path = path
        self.title = title
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path,
                                                             NSLocalizedDescriptionKey: "cannot open log \(path)"])
        }
        let data = handle.readData(ofLength: Self.maxBytes)
        try? handle.close()
        let text = String(decoding: data, as: UTF8.self)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Continuation lines (traceback frames) take the level of the record they belong to.
        var levels: [LogLevel] = []
        var current = LogLevel.none
        for line in lines {
            if let l = Self.level(of: line) { current = l }
            levels.append(current)
        }
        self.levels = levels
        cursor = ListCursor(count: lines.count)
        // Open at the last error: usually the line the reader came for.
        if let last = levels.lastIndex(where: { $0 == .error || $0 == .critical }) { cursor.set(last) }
    }

    static func level(of line: Substring) -> LogLevel? {
        let head = line.prefix(120)
        guard head.hasPrefix("[") || head.first?.isNumber == true || head.contains(" - ") else { return nil }
        for (word, level) in [(" CRITICAL", LogLevel.critical), (" ERROR", .error), (" WARNING", .warning), (" WARN ", .warning),
                              (" INFO", .info), (" DEBUG", .debug)] where head.contains(word) {
            return level
        }
        return nil
    }

    public var selectedEntityID: String? { nil }

    public func perform(_ action: String, pageSize: Int) -> Outcome? {
        cursor.perform(action, pageSize: pageSize) ? .handled : nil
    }

    public func render(into grid: inout Grid, area: Rect, context: RenderContext) {
        let s = context.styles
        let inner = grid.box(area, title: title, style: s.border, titleStyle: s.title)
        self.area = inner
        cursor.scroll(rows: inner.height)
        let numberWidth = max(3, String(lines.count).count)
        for i in 0..<min(inner.height, max(0, lines.count - cursor.top)) {
            let index = cursor.top + i
            let y = inner.y + i
            let selected = index == cursor.index
            let style: Style
            switch levels[index] {
            case .debug: style = s.logDebug
            case .info, .none: style = s.logInfo
            case .warning: style = s.logWarning
            case .error: style = s.logError
            case .critical: style = s.logCritical
            }
            let number = String(index + 1)
            grid.put(String(repeating: " ", count: numberWidth - number.count) + number, x: inner.x, y: y,
                     selected ? s.selection : s.muted)
            grid.put(String(lines[index]), x: inner.x + numberWidth + 1, y: y, selected ? style.with(underline: true) : style,
                     maxWidth: inner.width - numberWidth - 2)
        }
        grid.scrollbar(x: inner.maxX - 1, y: inner.y, rows: inner.height, total: lines.count, top: cursor.top, style: s.border)
    }
}
