import StrataTerminal

/// A colour theme: a colour for each role the UI draws. Loaded from YAML in themes/ (see
/// ThemeLoader); `styles(noColor:)` turns it into the cell styles screens use.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var description: String
    public var background: Color
    public var text: Color
    public var muted: Color
    public var accent: Color
    public var selectionFG: Color
    public var selectionBG: Color
    public var border: Color
    public var title: Color
    /// One colour per ELT stage, by stage order (cycled when there are more stages).
    public var stages: [Color]
    public var ok: Color
    public var warn: Color
    public var fail: Color
    public var running: Color
    public var skipped: Color
    public var upstreamFailed: Color
    public var logDebug: Color
    public var logInfo: Color
    public var logWarning: Color
    public var logError: Color
    public var logCritical: Color
    /// Backgrounds of the log viewer's root-cause line (and its chain) and of search matches.
    /// Optional in theme files: without them the viewer uses reverse video.
    public var logRootBG: Color?
    public var logMatchBG: Color?
    /// Monochrome themes draw with attributes only, like NO_COLOR.
    public var monochrome: Bool

    public init(name: String, description: String = "", background: Color = .terminal, text: Color = .terminal,
                muted: Color = .terminal, accent: Color = .terminal, selectionFG: Color = .terminal,
                selectionBG: Color = .terminal, border: Color = .terminal, title: Color = .terminal,
                stages: [Color] = [], ok: Color = .terminal, warn: Color = .terminal, fail: Color = .terminal,
                running: Color = .terminal, skipped: Color = .terminal, upstreamFailed: Color = .terminal,
                logDebug: Color = .terminal, logInfo: Color = .terminal, logWarning: Color = .terminal,
                logError: Color = .terminal, logCritical: Color = .terminal, logRootBG: Color? = nil,
                logMatchBG: Color? = nil, monochrome: Bool = false) {
        self.name = name; self.description = description; self.background = background; self.text = text
        self.muted = muted; self.accent = accent; self.selectionFG = selectionFG; self.selectionBG = selectionBG
        self.border = border; self.title = title; self.stages = stages; self.ok = ok; self.warn = warn
        self.fail = fail; self.running = running; self.skipped = skipped; self.upstreamFailed = upstreamFailed
        self.logDebug = logDebug; self.logInfo = logInfo; self.logWarning = logWarning; self.logError = logError
        self.logCritical = logCritical; self.monochrome = monochrome
        self.logRootBG = logRootBG; self.logMatchBG = logMatchBG
    }

    /// Used when no theme file can be read: readable on dark and light terminals alike.
    public static let fallback = Theme(
        name: "default", description: "built-in fallback",
        text: .terminal, muted: .rgb(0x8a, 0x8f, 0x98), accent: .rgb(0x5f, 0xaf, 0xd7),
        selectionFG: .rgb(0xff, 0xff, 0xff), selectionBG: .rgb(0x30, 0x5f, 0x8f), border: .rgb(0x58, 0x5e, 0x6a),
        title: .rgb(0x87, 0xd7, 0xff),
        stages: [.rgb(0x5f, 0xaf, 0xd7), .rgb(0x87, 0xaf, 0x5f), .rgb(0xd7, 0xaf, 0x5f), .rgb(0xaf, 0x87, 0xd7)],
        ok: .rgb(0x5f, 0xaf, 0x5f), warn: .rgb(0xd7, 0xaf, 0x00), fail: .rgb(0xd7, 0x5f, 0x5f),
        running: .rgb(0x5f, 0xaf, 0xd7), skipped: .rgb(0x8a, 0x8f, 0x98), upstreamFailed: .rgb(0xd7, 0x87, 0x5f),
        logDebug: .rgb(0x8a, 0x8f, 0x98), logInfo: .terminal, logWarning: .rgb(0xd7, 0xaf, 0x00),
        logError: .rgb(0xd7, 0x5f, 0x5f), logCritical: .rgb(0xff, 0x5f, 0x87))

    public func stageColor(_ position: Int) -> Color {
        stages.isEmpty ? accent : stages[(max(1, position) - 1) % stages.count]
    }

    /// The styles screens draw with. With `noColor` (NO_COLOR, or a monochrome theme) every
    /// role is told apart by attributes only: bold, underline, reverse, dim.
    public func styles(noColor: Bool) -> Styles {
        if noColor || monochrome { return Styles.attributesOnly(stageCount: max(1, stages.count)) }
        let base = Style(fg: text, bg: background)
        var styles = Styles(
            base: base, muted: base.with(fg: muted), accent: base.with(fg: accent, bold: true),
            selection: Style(fg: selectionFG, bg: selectionBG, bold: true), border: base.with(fg: border),
            title: base.with(fg: title, bold: true), heading: base.with(fg: accent, bold: true),
            stages: (stages.isEmpty ? [accent] : stages).map { base.with(fg: $0, bold: true) },
            ok: base.with(fg: ok), warn: base.with(fg: warn), fail: base.with(fg: fail, bold: true),
            running: base.with(fg: running), skipped: base.with(fg: skipped),
            upstreamFailed: base.with(fg: upstreamFailed),
            logDebug: base.with(fg: logDebug), logInfo: base.with(fg: logInfo), logWarning: base.with(fg: logWarning),
            logError: base.with(fg: logError, bold: true), logCritical: base.with(fg: logCritical, bold: true))
        styles.logRoot = logRootBG.map { Style(fg: text, bg: $0, bold: true) } ?? base.with(bold: true, reverse: true)
        styles.logMatch = logMatchBG.map { Style(fg: text, bg: $0, bold: true) } ?? base.with(reverse: true)
        return styles
    }
}

/// Cell styles by role, derived from a theme.
public struct Styles: Sendable, Equatable {
    public var base, muted, accent, selection, border, title, heading: Style
    public var stages: [Style]
    public var ok, warn, fail, running, skipped, upstreamFailed: Style
    public var logDebug, logInfo, logWarning, logError, logCritical: Style
    /// The log viewer's root-cause line and chain, and search matches.
    public var logRoot = Style.plain.with(bold: true, reverse: true)
    public var logMatch = Style.plain.with(reverse: true)

    public func stage(_ position: Int) -> Style { stages[(max(1, position) - 1) % stages.count] }

    /// Task/run state → style.
    public func state(_ state: String) -> Style {
        switch state {
        case "success": ok
        case "failed": fail
        case "upstream_failed": upstreamFailed
        case "running", "queued", "scheduled", "deferred", "restarting": running
        case "up_for_retry", "up_for_reschedule": warn
        default: skipped
        }
    }

    static func attributesOnly(stageCount: Int) -> Styles {
        let plain = Style.plain
        return Styles(
            base: plain, muted: plain.with(dim: true), accent: plain.with(bold: true),
            selection: plain.with(reverse: true), border: plain, title: plain.with(bold: true),
            heading: plain.with(bold: true, underline: true), stages: Array(repeating: plain.with(bold: true), count: stageCount),
            ok: plain, warn: plain.with(underline: true), fail: plain.with(bold: true, underline: true), running: plain,
            skipped: plain.with(dim: true), upstreamFailed: plain.with(underline: true),
            logDebug: plain.with(dim: true), logInfo: plain, logWarning: plain.with(underline: true),
            logError: plain.with(bold: true), logCritical: plain.with(bold: true, reverse: true))
    }
}
