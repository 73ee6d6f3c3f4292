import Foundation

/// How serious a line is. Continuation lines (traceback frames, wrapped messages) take the
/// level of the record they belong to.
public enum LogLevel: Int, Comparable, Sendable, Codable, CaseIterable {
    case none = 0, trace, debug, info, warning, error, critical

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var name: String {
        switch self {
        case .none: "-"
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }
}

/// The recognised shape of one line: its level (nil when the line has no header of its own),
/// where its message (payload) starts, and its timestamp when it has one.
public struct LineHeader: Equatable, Sendable {
    public var level: LogLevel?
    /// Offset of the message inside the line (after the timestamp, source and level).
    public var payload: Int
    /// Byte range of the timestamp inside the line.
    public var timestamp: Range<Int>?
    public var format: LogFormat
}

/// The families of log the header parser knows.
public enum LogFormat: String, Sendable, Codable {
    case airflow2 = "airflow", airflow3Json = "airflow3-json", dbtLog = "dbt-log", dbtConsole = "dbt-console"
    case log4j = "spark-log4j", pythonLogging = "python-logging", kubernetes = "kubernetes", glog = "glog"
    case plain
}

/// Header parsing on raw bytes: no allocation, looks at the first ~120 bytes of a line.
public enum LineParser {
    typealias Bytes = UnsafeRawBufferPointer

    @inline(__always) static func b(_ p: Bytes, _ i: Int) -> UInt8 { i < p.count ? p[i] : 0 }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }

    /// Does `p` hold `word` at `i`?
    @inline(__always) static func has(_ p: Bytes, _ i: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i >= 0, i + n <= p.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where p[i + k] != w[k] { return false }
        return true
    }

    /// A level word at `i` (`ERROR`, `WARN`, `warning`, `E` for glog is handled apart) and its length.
    static func levelWord(_ p: Bytes, _ i: Int) -> (LogLevel, Int)? {
        let c = b(p, i)
        switch c {
        case 0x49, 0x69: // I i
            if has(p, i, "INFO") || has(p, i, "info") { return (.info, 4) }
        case 0x57, 0x77: // W w
            if has(p, i, "WARNING") || has(p, i, "warning") { return (.warning, 7) }
            if has(p, i, "WARN") || has(p, i, "warn") { return (.warning, 4) }
        case 0x45, 0x65: // E e
            if has(p, i, "ERROR") || has(p, i, "error") { return (.error, 5) }
        case 0x43, 0x63:
            if has(p, i, "CRITICAL") || has(p, i, "critical") { return (.critical, 8) }
        case 0x46, 0x66:
            if has(p, i, "FATAL") || has(p, i, "fatal") { return (.critical, 5) }
        case 0x44, 0x64:
            if has(p, i, "DEBUG") || has(p, i, "debug") { return (.debug, 5) }
        case 0x54, 0x74:
            if has(p, i, "TRACE") || has(p, i, "trace") { return (.trace, 5) }
        default: break
        }
        return nil
    }

    /// Length of a timestamp-like run at `i` (digits and - : . , / T Z + and single spaces
    /// between digits), at least 8 bytes long and holding a ':'; 0 when there is none.
    static func timestampLength(_ p: Bytes, _ i: Int) -> Int {
        var j = i
        var colon = false
        var digits = 0
        while j < p.count && j - i < 40 {
            let c = p[j]
            if isDigit(c) { digits += 1 }
            else if c == 0x3A { colon = true }
            else if c == 0x2D || c == 0x2E || c == 0x2C || c == 0x2F || c == 0x2B { }
            else if c == 0x54 || c == 0x5A { if !(isDigit(b(p, j - 1)) || b(p, j - 1) == 0x2E) { break } }
            else if c == 0x20 { if !(isDigit(b(p, j - 1)) && isDigit(b(p, j + 1))) { break } }
            else { break }
            j += 1
        }
        return (colon && digits >= 6 && j - i >= 8) ? j - i : 0
    }

    /// Parses the header of a line. Recognises Airflow 2 (`[ts] {file.py:N} LEVEL - `), dbt.log
    /// (`hh:mm:ss.ffffff [level] [thread]: `), dbt console (`hh:mm:ss  `), log4j/Spark
    /// (`ts LEVEL Logger: `), Python logging (`LEVEL:name:`, `ts - name - LEVEL - `, `ts LEVEL name: `),
    /// Kubernetes CRI (`ts stdout F `) and glog (`E1122 10:00:00.000000 1 file.go:1] `).
    public static func header(_ p: UnsafeRawBufferPointer) -> LineHeader? {
        let c0 = b(p, 0)
        if c0 == 0x5B { // [
            // Airflow 2: [ts] {src} LEVEL - msg. The usual timestamp is 28 or 23 bytes long:
            // look there first, then search.
            var j: Int
            if b(p, 29) == 0x5D { j = 29 } else if b(p, 24) == 0x5D { j = 24 } else {
                guard let base = p.baseAddress, p.count > 1,
                      let q = memchr(base + 1, 0x5D, min(p.count, 48) - 1) else { return dbtBracket(p) }
                j = base.distance(to: q)
            }
            let ts = 1..<j
            var k = j + 1
            if b(p, k) == 0x20 && b(p, k + 1) == 0x7B { // " {"
                k += 2
                let limit = min(p.count, k + 120)
                guard k < limit, let base = p.baseAddress, let q = memchr(base + k, 0x7D, limit - k) else { return nil }
                k = base.distance(to: q)
                k += 1
                if b(p, k) == 0x20, let (lvl, n) = levelWord(p, k + 1) {
                    var pay = k + 1 + n
                    if has(p, pay, " - ") { pay += 3 } else if b(p, pay) == 0x20 { pay += 1 }
                    return LineHeader(level: lvl, payload: pay, timestamp: ts, format: .airflow2)
                }
                return nil
            }
            // [ts] LEVEL msg (some loggers)
            if b(p, k) == 0x20, let (lvl, n) = levelWord(p, k + 1) {
                var pay = k + 1 + n
                while b(p, pay) == 0x20 || b(p, pay) == 0x3A || b(p, pay) == 0x2D { pay += 1; if pay > k + n + 5 { break } }
                return LineHeader(level: lvl, payload: pay, timestamp: ts, format: .pythonLogging)
            }
            return dbtBracket(p)
        }
        if c0 == 0x7B { // { JSON line
            return jsonHeader(p)
        }
        // glog: E1122 10:00:00.000000 ...] msg
        if (c0 == 0x49 || c0 == 0x57 || c0 == 0x45 || c0 == 0x46) && isDigit(b(p, 1)) && isDigit(b(p, 4)) && b(p, 5) == 0x20 {
            var j = 6
            while j < min(p.count, 80) && p[j] != 0x5D { j += 1 }
            if j < p.count && b(p, j + 1) == 0x20 {
                let lvl: LogLevel = c0 == 0x49 ? .info : c0 == 0x57 ? .warning : c0 == 0x45 ? .error : .critical
                return LineHeader(level: lvl, payload: j + 2, timestamp: 1..<min(p.count, 21), format: .glog)
            }
        }
        // Python's default format: LEVEL:logger:msg
        if isUpper(c0), let (lvl, n) = levelWord(p, 0), b(p, n) == 0x3A {
            var j = n + 1
            while j < min(p.count, n + 80) && p[j] != 0x3A && p[j] != 0x20 { j += 1 }
            if b(p, j) == 0x3A { return LineHeader(level: lvl, payload: j + 1, timestamp: nil, format: .pythonLogging) }
            return LineHeader(level: lvl, payload: n + 1 + (b(p, n + 1) == 0x20 ? 1 : 0), timestamp: nil, format: .plain)
        }
        guard isDigit(c0) else { return nil }
        let t = timestampLength(p, 0)
        guard t > 0 else { return nil }
        var k = t
        // dbt console: hh:mm:ss followed by two spaces
        if t == 8 && has(p, 8, "  ") {
            return LineHeader(level: nil, payload: 10, timestamp: 0..<8, format: .dbtConsole)
        }
        // dbt.log: hh:mm:ss.ffffff [level] [thread]: msg
        if b(p, k) == 0x20 && b(p, k + 1) == 0x5B, let (lvl, n) = levelWord(p, k + 2) {
            var j = k + 2 + n
            while j < min(p.count, k + 120) && !(p[j] == 0x5D && b(p, j + 1) == 0x3A) { j += 1 }
            let pay = j < p.count && p[j] == 0x5D ? j + 2 + (b(p, j + 2) == 0x20 ? 1 : 0) : k + 2 + n + 1
            return LineHeader(level: lvl, payload: min(pay, p.count), timestamp: 0..<t, format: .dbtLog)
        }
        // Kubernetes CRI: ts stdout|stderr F|P msg
        if b(p, k) == 0x20 && (has(p, k + 1, "stdout ") || has(p, k + 1, "stderr ")) {
            var pay = k + 8
            if (b(p, pay) == 0x46 || b(p, pay) == 0x50) && b(p, pay + 1) == 0x20 { pay += 2 }
            return LineHeader(level: nil, payload: pay, timestamp: 0..<t, format: .kubernetes)
        }
        // ts - name - LEVEL - msg (Python logging)
        if has(p, k, " - ") {
            var j = k + 3
            let limit = min(p.count, k + 100)
            while j < limit && !has(p, j, " - ") { j += 1 }
            if j < limit, let (lvl, n) = levelWord(p, j + 3) {
                var pay = j + 3 + n
                if has(p, pay, " - ") { pay += 3 }
                return LineHeader(level: lvl, payload: pay, timestamp: 0..<t, format: .pythonLogging)
            }
        }
        // ts LEVEL [thread] Logger: msg  (log4j, Spark) / ts LEVEL name: msg
        while b(p, k) == 0x20 && k < t + 3 { k += 1 }
        if b(p, k) == 0x5B { // [thread] before the level
            var j = k
            while j < min(p.count, k + 60) && p[j] != 0x5D { j += 1 }
            k = j + 2
        }
        if let (lvl, n) = levelWord(p, k), b(p, k + n) == 0x20 || b(p, k + n) == 0x3A {
            var pay = k + n
            while b(p, pay) == 0x20 { pay += 1 }
            return LineHeader(level: lvl, payload: pay, timestamp: 0..<t, format: .log4j)
        }
        return LineHeader(level: nil, payload: k, timestamp: 0..<t, format: .plain)
    }

    /// `[WARNING]: msg` and similar (dbt console's deprecation notes).
    static func dbtBracket(_ p: Bytes) -> LineHeader? {
        if let (lvl, n) = levelWord(p, 1), b(p, 1 + n) == 0x5D {
            return LineHeader(level: lvl, payload: 0, timestamp: nil, format: .plain)
        }
        return nil
    }

    /// Airflow 3 JSON lines: `{"timestamp": ..., "level": "error", "event": ..., "error_detail": [...]}`.
    static func jsonHeader(_ p: Bytes) -> LineHeader? {
        let limit = min(p.count, 400)
        var i = 1
        while i + 9 < limit {
            if p[i] == 0x22 && has(p, i, "\"level\"") {
                var j = i + 7
                while j < limit && (p[j] == 0x20 || p[j] == 0x3A) { j += 1 }
                if b(p, j) == 0x22, let (lvl, _) = levelWord(p, j + 1) {
                    return LineHeader(level: lvl, payload: 0, timestamp: nil, format: .airflow3Json)
                }
                return LineHeader(level: .info, payload: 0, timestamp: nil, format: .airflow3Json)
            }
            i += 1
        }
        return nil
    }

    /// The level a message implies by its first word, for output relayed through another
    /// logger (`INFO - ERROR: input file missing`, Spark's `26/11/22 03:08:36 WARN ...` inside
    /// an Airflow record, dbt console's `[WARNING]`).
    public static func innerLevel(_ p: UnsafeRawBufferPointer, from i: Int) -> (level: LogLevel?, payload: Int) {
        guard i < p.count else { return (nil, i) }
        // Only these can start a header: a digit (timestamp), [ { and the capitals of level
        // words and glog prefixes. Most messages start otherwise: answer at once.
        switch p[i] {
        case 0x30...0x39, 0x5B, 0x7B, 0x43, 0x44, 0x45, 0x46, 0x49, 0x54, 0x57: break
        default: return (nil, i)
        }
        let rest = UnsafeRawBufferPointer(rebasing: p[i...])
        if let h = header(rest), h.format != .plain || h.level != nil {
            return (h.level, i + h.payload)
        }
        if let (lvl, n) = levelWord(rest, 0), isUpper(rest[0]), b(rest, n) == 0x3A || b(rest, n) == 0x20 && b(rest, n + 1) == 0x2D {
            return (lvl, i)
        }
        return (nil, i)
    }
}

extension LineParser {
    /// Whether a message is the continuation of the record above it (a stack frame, `Caused by:`,
    /// `... 12 more`, an exception line relayed through another logger).
    public static func isContinuation(_ p: UnsafeRawBufferPointer, from i: Int) -> Bool {
        guard i < p.count else { return true }
        let c = p[i]
        if c == 0x20 || c == 0x09 { return true }
        let rest = UnsafeRawBufferPointer(rebasing: p[i..<min(p.count, i + 40)])
        if has(rest, 0, "at ") || has(rest, 0, "Caused by") || has(rest, 0, "...")
            || has(rest, 0, "Driver stacktrace") || has(rest, 0, "Traceback") { return true }
        return isExceptionName(p, from: i)
    }

    /// A dotted or plain class name ending in Exception/Error, followed by ':' or the end.
    static func isExceptionName(_ p: UnsafeRawBufferPointer, from i: Int) -> Bool {
        var j = i
        while j < p.count && j - i < 160 {
            let c = p[j]
            if c == 0x3A || c == 0x20 { break }
            j += 1
        }
        guard j - i > 4, j == p.count || p[j] == 0x3A else { return false }
        let name = UnsafeRawBufferPointer(rebasing: p[i..<j])
        return has(name, name.count - 9, "Exception") || has(name, name.count - 5, "Error")
    }

    /// The level a line states itself; nil for a continuation line, which takes the level of
    /// the record above it (the viewer and the scanner agree on this).
    public static func ownLevel(_ p: UnsafeRawBufferPointer) -> LogLevel? {
        if let h = header(p) {
            let inner = innerLevel(p, from: min(h.payload, p.count))
            if let l = inner.level { return l }
            if let l = h.level { return isContinuation(p, from: inner.payload) ? nil : l }
            if h.format == .dbtConsole {
                let rest = UnsafeRawBufferPointer(rebasing: p[min(h.payload, p.count)...])
                for i in 0..<min(rest.count, 80) {
                    if has(rest, i, " ERROR ") || has(rest, i, "Error in ") || has(rest, i, "Failure in ") { return .error }
                    if has(rest, i, " WARN ") || has(rest, i, "[WARNING]") || has(rest, i, "Warning in ") { return .warning }
                }
                return .info
            }
            return isContinuation(p, from: inner.payload) ? nil : .info
        }
        // A line without a header (a traceback frame, an exception line, a wrapped message)
        // belongs to the record above it, so that a whole traceback folds as one.
        return nil
    }
}
