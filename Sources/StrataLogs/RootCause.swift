import Foundation

/// One line of a log, 1-based, as text made safe to print by the caller.
public struct LogLineRef: Codable, Equatable, Sendable {
    public var line: Int
    public var text: String
    /// Byte offset of the line's start (for the viewer; not part of the JSON).
    public var offset: Int?
    public init(line: Int, text: String, offset: Int? = nil) { self.line = line; self.text = text; self.offset = offset }
    enum CodingKeys: String, CodingKey { case line, text }
}

/// The line at the bottom of a failure, the lines that led to it, and a one-line summary.
public struct RootCause: Codable, Equatable, Sendable {
    public var line: Int
    public var text: String
    /// python_exception, java_exception, dbt_error, warehouse_error, command_failed, oom,
    /// sigterm, zombie, timeout, error.
    public var kind: String
    public var summary: String
    public var chain: [LogLineRef]
    /// Byte offset of the root line's start (for the viewer; not part of the JSON).
    public var offset: Int?
    enum CodingKeys: String, CodingKey { case line, text, kind, summary, chain }
}

/// What `strata log --root-cause --json` prints.
public struct LogAnalysis: Codable, Equatable, Sendable {
    public var file: String
    public var lines: Int
    public var format: String
    public var rootCause: RootCause?
    public var errors: [LogLineRef]
    /// With a `focus` (`RootCauseScanner.focus`): whether the root cause is the focused one's.
    /// False when the log holds failures of others only, and `rootCause` is the first of those.
    public var focused = false

    enum CodingKeys: String, CodingKey { case file, lines, format, rootCause, errors }

    /// `root_cause` is written as null when there is none (scripts test for it).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(lines, forKey: .lines)
        try c.encode(format, forKey: .format)
        try c.encode(rootCause, forKey: .rootCause)
        try c.encode(errors, forKey: .errors)
    }
}

/// Finds the root cause of a failure in a log in one pass over its bytes. Lines are found
/// with memchr; only the first bytes of a line are parsed (its header), and a line's text is
/// searched only when its level is WARNING or above, or it has no level of its own (traceback
/// frames, relayed tool output). Rules are per family of failure, not per file:
/// Python tracebacks and their chains, Java/Scala `Caused by:` chains (and Py4J wrapping them),
/// dbt's `... Error in model`, warehouse messages, shell exit codes, OOM kills, SIGTERM,
/// zombies and timeouts. An error that was retried and recovered, or that only wraps another
/// (Airflow's "Bash command failed"), is never chosen over a real one; noise never is.
public struct RootCauseScanner: Sendable {
    /// At most this many lines in `errors`.
    public var maxErrors = 200
    /// Text that names one failing thing in a log several share (`dbtFocus(node:)`): a failure
    /// whose lines hold it is chosen before the others.
    public var focus: String?

    /// How dbt's log names a node in its error headers (`Runtime Error in model stg_payments
    /// (models/…)`, `Failure in test not_null_x (models/…)`): ` model stg_payments (` for
    /// `model.jaffle_shop.stg_payments`; nil for an id that is not a dbt node's.
    public static func dbtFocus(node uniqueID: String) -> String? {
        let parts = uniqueID.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, ["model", "test", "seed", "snapshot"].contains(parts[0]), !parts[2].isEmpty else { return nil }
        return " \(parts[0]) \(parts[2]) ("
    }
    /// Worker threads that classify lines; 1 scans on the calling thread only.
    public var threads = min(ProcessInfo.processInfo.activeProcessorCount, 8)
    /// Files smaller than this are scanned on the calling thread (threads cost more than they save).
    public var parallelAbove = 4 << 20
    /// Bytes classified per round of the parallel scan (rounds bound the memory held).
    public var window = 32 << 20
    /// Lines a worker keeps for the merge per slice before it hands the rest of its slice to
    /// the merge to read line by line (bounds memory on logs where hardly any line is inert).
    public var maxCandidates = 1 << 16

    public init() {}

    /// A scanner for the log of `task`: focused on its own failure when it is a dbt node.
    public init(forTask task: String?) {
        focus = task.flatMap(Self.dbtFocus(node:))
    }

    enum Strength: Int, Comparable {
        static func < (a: Strength, b: Strength) -> Bool { a.rawValue < b.rawValue }
        case noise = 0, wrapper, weak, strong }

    struct Incident {
        var root: Int            // 0-based line
        var kind: String
        var chain: [Int]
        var strength: Strength
        var extra: [Int] = []    // lines whose text completes the summary
        var overrideText: String?
        var recovered = false
    }

    struct Line {
        var n: Int
        var start: Int
        var end: Int
        var payload: Int         // absolute offset of the message
        var level: LogLevel      // effective (inherited for continuations)
        var own: Bool            // has a header of its own with a level
    }

    public func analyze(_ file: LogFile) -> LogAnalysis {
        file.withReleasingScan { bytes, progress in
            analyze(bytes: bytes, name: file.path, linesBefore: file.linesBefore, progress: progress)
        }
    }

    /// `linesBefore`: lines of the file before `buf` (a dbt invocation's part of a shared log),
    /// so the line numbers reported are the file's.
    public func analyze(bytes buf: UnsafeRawBufferPointer, name: String, linesBefore: Int = 0,
                        progress: ((Int) -> Void)? = nil) -> LogAnalysis {
        var s = State(buf: buf)
        s.maxErrors = maxErrors
        s.progress = progress
        if threads > 1 && buf.count >= parallelAbove {
            s.runParallel(threads: threads, window: max(1, window), maxCandidates: max(1, maxCandidates))
        } else {
            s.run()
        }
        let all = s.finish()
        let mine = focus.map { f in all.filter { ([$0.root] + $0.chain).contains { n in s.text(n).contains(f) } } } ?? []
        let incidents = mine.isEmpty ? all : mine
        let chosen = incidents.first { $0.strength == .strong && !$0.recovered }
            ?? incidents.first { $0.strength == .weak && !$0.recovered }
            ?? incidents.first { $0.strength == .wrapper && !$0.recovered }
        var root: RootCause?
        // 0-based line in the bytes scanned → the file's 1-based line.
        func fileLine(_ n: Int) -> Int { n + 1 + linesBefore }
        if let c = chosen {
            let text = c.overrideText ?? s.text(c.root)
            var chain = c.chain.filter { $0 != c.root }.map { LogLineRef(line: fileLine($0), text: s.text($0), offset: s.offset($0)) }
            chain.append(LogLineRef(line: fileLine(c.root), text: text, offset: s.offset(c.root)))
            chain += c.extra.map { LogLineRef(line: fileLine($0), text: s.text($0), offset: s.offset($0)) }
            chain.sort { $0.line < $1.line }
            var seen = Set<Int>()
            chain = chain.filter { seen.insert($0.line).inserted }
            root = RootCause(line: fileLine(c.root), text: text, kind: c.kind,
                             summary: Self.summary(kind: c.kind, text: c.overrideText ?? s.message(c.root), extra: c.extra.map { s.message($0) }),
                             chain: chain, offset: s.offset(c.root))
        }
        var analysis = LogAnalysis(file: name, lines: s.lineCount, format: s.dominantFormat.rawValue, rootCause: root,
                                   errors: s.errors.map { LogLineRef(line: fileLine($0), text: s.text($0)) })
        analysis.focused = !mine.isEmpty && root != nil
        return analysis
    }

    static func summary(kind: String, text: String, extra: [String]) -> String {
        var core = text.trimmingCharacters(in: .whitespaces)
        // The JVM's "Caused by: " says nothing the kind does not.
        if core.hasPrefix("Caused by: ") { core = String(core.dropFirst("Caused by: ".count)) }
        // The message of an exception without the module path of its class.
        if let colon = core.range(of: ": "), !core[..<colon.lowerBound].contains(" ") {
            let cls = core[..<colon.lowerBound]
            if let dot = cls.lastIndex(of: ".") { core = String(cls[cls.index(after: dot)...]) + core[colon.lowerBound...] }
        }
        // Snowflake puts the query id between the error code and the message
        // ("100038 (22018): 01b8c6f4-0304-…: Numeric value…"): useful in the log, noise in a
        // one-line summary.
        if kind == "warehouse_error", let id = core.range(of: #"\): [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}: "#,
                                                          options: .regularExpression) {
            core.replaceSubrange(id, with: "): ")
        }
        // SQL quoted by the database keeps its indentation ("LINE 20:         amount_cents"): one
        // space is enough on one line.
        let more = extra.map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }.filter { !$0.isEmpty && !$0.hasPrefix("^") }
        if !more.isEmpty { core += " — " + more.prefix(2).joined(separator: " ") }
        let label: String
        switch kind {
        case "python_exception": label = "Python exception"
        case "java_exception": label = "JVM exception"
        case "dbt_error": label = "dbt error"
        case "warehouse_error": label = "warehouse error"
        case "command_failed": label = "command failed"
        case "oom": label = "out of memory"
        case "sigterm": label = "terminated (SIGTERM)"
        case "zombie": label = "lost heartbeat (zombie)"
        case "timeout": label = "timed out"
        default: label = "error"
        }
        let line = label + ": " + core
        return line.count > 300 ? String(line.prefix(299)) + "…" : line
    }

    // MARK: The scanning state machine

    struct State {
        let buf: UnsafeRawBufferPointer
        var maxErrors = 200
        /// Lines an incident or the error list refers to: n -> (start, end).
        var lines: [Int: (Int, Int, Int)] = [:]
        /// The last 4096 lines seen (n, start, end), so an incident can pin lines it looks back on.
        var ring = [(Int, Int, Int, Int)](repeating: (-1, 0, 0, 0), count: 4096)
        var inOutput = false
        var progress: ((Int) -> Void)?
        var lineCount = 0
        var errors: [Int] = []
        var incidents: [Incident] = []
        var formatVotes: [LogFormat: Int] = [:]

        var prevLevel = LogLevel.none
        var prev: Line?
        // Python traceback
        var tbOpen = false            // inside frames
        var tbException: Int?         // line of the last exception of the current chain
        var tbChain: [Int] = []       // exception lines of the chain, in order
        var tbFirstRoot: Int?
        var tbAwaitChain = false      // saw "The above exception..." / "During handling..."
        var tbContinuation = 0
        var tbExtra: [Int] = []
        var tbLevel = LogLevel.error
        // Java
        var jHead: Int?
        var jCauses: [Int] = []
        var jExecutor: Int?
        var jLast = -1
        var jLevel = LogLevel.error
        // dbt
        var dbtHeader: Int?
        var dbtRoot: Int?
        var dbtExtra: [Int] = []
        // shell output kept since the last "Output:" marker
        var outputLines: [Int] = []
        var recentErrorish: [Int] = []
        // recovery: incidents waiting for a later "succeeded after retry"
        var pending: [Int] = []       // indexes into incidents
        var pendingUntil = -1

        init(buf: UnsafeRawBufferPointer) { self.buf = buf }

        var dominantFormat: LogFormat {
            formatVotes.filter { $0.key != .plain }.max { $0.value < $1.value }?.key ?? .plain
        }

        mutating func keep(_ l: Line) { ring[l.n & 4095] = (l.n, l.start, l.end, l.payload) }

        mutating func pin(_ n: Int) {
            if lines[n] == nil, ring[n & 4095].0 == n { lines[n] = (ring[n & 4095].1, ring[n & 4095].2, ring[n & 4095].3) }
        }

        /// The message of line `n` (after its header), trimmed.
        func message(_ n: Int) -> String {
            let r = ring[n & 4095]
            guard let (_, e, p) = lines[n] ?? (r.0 == n ? (r.1, r.2, r.3) : nil) else { return "" }
            let end = min(e, p + 2000)
            return String(decoding: UnsafeRawBufferPointer(rebasing: buf[p..<max(p, end)]), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func offset(_ n: Int) -> Int? {
            let r = ring[n & 4095]
            return lines[n]?.0 ?? (r.0 == n ? r.1 : nil)
        }

        func text(_ n: Int) -> String {
            let r = ring[n & 4095]
            guard let (s, e, _) = lines[n] ?? (r.0 == n ? (r.1, r.2, r.3) : nil) else { return "" }
            var end = min(e, s + 2000)
            if end > s, buf[end - 1] == 0x0D { end -= 1 }
            var t = String(decoding: UnsafeRawBufferPointer(rebasing: buf[s..<end]), as: UTF8.self)
            if e - s > 2000 { t += "…" }
            return t
        }

        /// The message of a kept line, trimmed.
        func payloadText(_ l: Line) -> Substring {
            let end = min(l.end, l.payload + 2000)
            return Substring(String(decoding: UnsafeRawBufferPointer(rebasing: buf[l.payload..<max(l.payload, end)]), as: UTF8.self))
        }

        /// One line after another: the reference the parallel scan must agree with.
        mutating func run() {
            guard let base = buf.baseAddress else { return }
            let size = buf.count
            var start = 0
            var n = 0
            while start < size {
                let end: Int
                if let p = memchr(base + start, 0x0A, size - start) { end = base.distance(to: p) } else { end = size }
                let f = Self.facts(buf, start, end)
                if n < 2000, let format = f.format { formatVotes[format, default: 0] += 1 }
                line(n, f)
                n += 1
                start = end + 1
                if n & 0xFFFF == 0 { progress?(start) }
            }
            lineCount = n
        }

        var lineCountSoFar = 0

        // MARK: The parallel scan

        /// A slice of the file, classified on a worker thread: the lines that are not inert,
        /// and the formats of its first 2,000 lines (the format vote only counts the file's first
        /// 2,000, and a chunk does not know yet where it starts).
        struct Chunk {
            var start: Int
            var end: Int
            var candidates: [(n: Int, facts: Facts)] = []
            var lines = 0
            /// Classification stopped at this line (too many candidates to keep): from here the
            /// merge goes line by line, so memory stays bounded on logs where no line is inert.
            var denseFrom: (n: Int, pos: Int)?
            var formats: [LogFormat?] = []
        }

        static func classify(_ buf: UnsafeRawBufferPointer, _ c: inout Chunk, maxCandidates: Int) {
            guard let base = buf.baseAddress else { return }
            var start = c.start
            var n = 0
            while start < c.end {
                let end: Int
                if let p = memchr(base + start, 0x0A, c.end - start) { end = base.distance(to: p) } else { end = c.end }
                let f = facts(buf, start, end)
                let inert = isInert(buf, f)
                if !inert && c.candidates.count == maxCandidates { c.denseFrom = (n, start); c.lines = n; return }
                if n < 2000 { c.formats.append(f.format) }
                if !inert { c.candidates.append((n, f)) }
                n += 1
                start = end + 1
            }
            c.lines = n
        }

        /// The same answer as `run()`, in two phases per window of the file: worker threads
        /// classify their slices (finding line ends and parsing headers is nearly all the
        /// work), then the state machine runs here over the lines that are not inert, in
        /// order. Inert lines are skipped only while the state is quiet; while a structure is
        /// open or command output is being collected they are fed one by one, as `run()` does.
        mutating func runParallel(threads: Int, window: Int, maxCandidates: Int = 1 << 16) {
            guard let base = buf.baseAddress, threads > 1 else { return run() }
            let size = buf.count
            /// The start of the line after the one holding `nominal`, or `limit`.
            func lineStart(after nominal: Int, limit: Int) -> Int {
                guard nominal < limit, let p = memchr(base + nominal, 0x0A, limit - nominal) else { return limit }
                return base.distance(to: p) + 1
            }
            var n = 0
            var w0 = 0
            while w0 < size {
                let w1 = lineStart(after: w0 + window, limit: size)
                var bounds = [w0]
                for k in 1..<threads { bounds.append(max(bounds[k - 1], lineStart(after: w0 + (w1 - w0) * k / threads, limit: w1))) }
                bounds.append(w1)
                var chunks = (0..<threads).map { Chunk(start: bounds[$0], end: bounds[$0 + 1]) }.filter { $0.start < $0.end }
                nonisolated(unsafe) let bytes = buf
                chunks.withUnsafeMutableBufferPointer { cs in
                    nonisolated(unsafe) let slots = cs
                    DispatchQueue.concurrentPerform(iterations: slots.count) { i in
                        Self.classify(bytes, &slots[i], maxCandidates: maxCandidates)
                    }
                }
                for c in chunks {
                    if n < 2000 {
                        for (i, format) in c.formats.enumerated() where n + i < 2000 {
                            if let format { formatVotes[format, default: 0] += 1 }
                        }
                    }
                    var next = 0
                    var pos = c.start
                    for (rel, f) in c.candidates {
                        skipInert(to: rel, at: f.start, next: &next, pos: &pos, lineBase: n, limit: c.end)
                        line(n + rel, f)
                        next = rel + 1
                        pos = f.end + 1
                    }
                    if let dense = c.denseFrom {
                        skipInert(to: dense.n, at: dense.pos, next: &next, pos: &pos, lineBase: n, limit: c.end)
                        while pos < c.end {
                            let end: Int
                            if let p = memchr(base + pos, 0x0A, c.end - pos) { end = base.distance(to: p) } else { end = c.end }
                            let f = Self.facts(buf, pos, end)
                            if n + next < 2000, let format = f.format { formatVotes[format, default: 0] += 1 }
                            line(n + next, f)
                            next += 1
                            pos = end + 1
                        }
                        n += next
                    } else {
                        skipInert(to: c.lines, at: c.end, next: &next, pos: &pos, lineBase: n, limit: c.end)
                        n += c.lines
                    }
                }
                progress?(w1)
                w0 = w1
            }
            lineCount = n
        }

        /// Lines `next..<target` of a chunk, which start at `pos` and end before `targetPos`,
        /// are inert. While the state is busy they go through `line` one by one; once it is
        /// quiet, all that the rest would do is leave `prevLevel` and `prev` at the last one.
        mutating func skipInert(to target: Int, at targetPos: Int, next: inout Int, pos: inout Int, lineBase: Int, limit: Int) {
            guard let base = buf.baseAddress else { return }
            while next < target && !(isQuiet && !inOutput) {
                let end: Int
                if let p = memchr(base + pos, 0x0A, limit - pos) { end = base.distance(to: p) } else { end = limit }
                line(lineBase + next, Self.facts(buf, pos, end))
                next += 1
                pos = end + 1
            }
            guard next < target else { return }
            let lastEnd = buf[targetPos - 1] == 0x0A ? targetPos - 1 : targetPos
            var lastStart = lastEnd
            while lastStart > pos && buf[lastStart - 1] != 0x0A { lastStart -= 1 }
            let f = Self.facts(buf, lastStart, lastEnd)
            let level = f.innerLevel ?? f.headerLevel ?? .info
            lineCountSoFar = lineBase + target - 1
            prevLevel = level
            prev = Line(n: lineBase + target - 1, start: lastStart, end: lastEnd, payload: f.payload, level: level, own: true)
            next = target
            pos = targetPos
        }

        /// What a line says about itself whatever came before it: its header, the level the
        /// header or a relayed inner header states, where the message starts, and whether the
        /// message looks like the continuation of a record. Lines can be classified in any
        /// order, on any thread.
        struct Facts {
            var start: Int
            var end: Int
            var payload: Int
            var format: LogFormat?      // nil: no header
            var headerLevel: LogLevel?
            var innerLevel: LogLevel?
            var continuation = false    // only computed for lines with a header
        }

        static func facts(_ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Facts {
            let headLen = min(end - start, 512)
            let head = UnsafeRawBufferPointer(rebasing: buf[start..<(start + headLen)])
            guard let h = LineParser.header(head) else { return Facts(start: start, end: end, payload: start) }
            let inner = LineParser.innerLevel(head, from: min(h.payload, headLen))
            let payload = start + inner.payload
            return Facts(start: start, end: end, payload: payload, format: h.format, headerLevel: h.level,
                         innerLevel: inner.level, continuation: looksLikeContinuation(buf, payload, end))
        }

        /// A line that, while no structure is open, nothing awaits recovery and no command
        /// output is being collected, changes nothing but `prevLevel` and `prev`: a record of
        /// its own at INFO or below whose message starts with none of the prefixes the rules
        /// react to. Nearly every line of a large log is one; the parallel scan skips them.
        static func isInert(_ buf: UnsafeRawBufferPointer, _ f: Facts) -> Bool {
            guard f.format != nil, !f.continuation, let level = f.innerLevel ?? f.headerLevel, level < .warning else { return false }
            return cheapAction(buf, f) == .none
        }

        mutating func line(_ n: Int, _ f: Facts) {
            lineCountSoFar = n
            var level = prevLevel
            var own = false
            if let format = f.format {
                if let l = f.innerLevel {
                    level = l; own = true
                } else if let l = f.headerLevel {
                    // A relayed continuation (a stack frame inside an Airflow record) keeps the
                    // level of the record it continues.
                    if f.continuation && prevLevel >= .warning {
                        level = prevLevel
                    } else {
                        level = l; own = true
                    }
                } else {
                    level = prevLevel == .none ? .info : prevLevel
                    if format == .dbtConsole || format == .kubernetes { level = .info }
                }
            }
            let l = Line(n: n, start: f.start, end: f.end, payload: f.payload, level: level, own: own)
            prevLevel = level
            if own && level >= .error && errors.count < maxErrors {
                errors.append(n); keep(l); pin(n)
            }
            // Cheap path: an INFO (or lower) record with a plain message is looked at only for
            // the few prefixes that matter, unless a structure (traceback, Java trace) is open.
            if own && level < .warning && isQuiet && !f.continuation {
                cheapChecks(l)
                prev = l
                return
            }
            full(l)
            prev = l
        }

        /// No traceback, Java trace or dbt error is open and no incident awaits its recovery.
        var isQuiet: Bool { !(tbOpen || tbException != nil || jHead != nil || dbtHeader != nil) && pending.isEmpty }

        static func looksLikeContinuation(_ buf: UnsafeRawBufferPointer, _ p: Int, _ end: Int) -> Bool {
            guard p < end else { return true }
            let c = buf[p]
            if c == 0x20 || c == 0x09 { return true }
            let rest = UnsafeRawBufferPointer(rebasing: buf[p..<min(end, p + 40)])
            if LineParser.has(rest, 0, "at ") || LineParser.has(rest, 0, "Caused by") || LineParser.has(rest, 0, "...")
                || LineParser.has(rest, 0, "Driver stacktrace") || LineParser.has(rest, 0, "Traceback") { return true }
            // A Java exception head: a dotted class name ending in Exception/Error before ':'
            // (package names start in lower case; py4j prefixes ": ").
            guard (c >= 0x61 && c <= 0x7A) || c == 0x3A else { return LineParser.has(rest, 0, "Exception in thread") }
            var i = p
            var dot = false
            while i < end && i - p < 160 {
                let c = buf[i]
                if c == 0x2E { dot = true } else if c == 0x3A || c == 0x20 { break }
                i += 1
            }
            guard dot, i - p > 6 else { return false }
            let name = UnsafeRawBufferPointer(rebasing: buf[p..<i])
            return LineParser.has(name, name.count - 9, "Exception") || LineParser.has(name, name.count - 5, "Error")
        }

        enum CheapAction { case none, output, full }

        /// What the message of a plain INFO record asks for: nothing, the start of a command's
        /// output, or the full rules.
        static func cheapAction(_ buf: UnsafeRawBufferPointer, _ f: Facts) -> CheapAction {
            let p = UnsafeRawBufferPointer(rebasing: buf[f.payload..<min(f.end, f.payload + 64)])
            // Every prefix below starts with one of these capitals.
            switch p.first ?? 0 {
            case 0x43, 0x44, 0x45, 0x4B, 0x4F, 0x50, 0x52, 0x54: break
            default: return .none
            }
            if LineParser.has(p, 0, "Output:") { return .output }
            if LineParser.has(p, 0, "Command exited with return code") || LineParser.has(p, 0, "Task exited with return code")
                || LineParser.has(p, 0, "Traceback (most recent call last)") || LineParser.has(p, 0, "ERROR")
                || LineParser.has(p, 0, "Killed") || LineParser.has(p, 0, "Process exited with")
                || LineParser.has(p, 0, "Database Error") || LineParser.has(p, 0, "Runtime Error")
                || LineParser.has(p, 0, "Compilation Error") || LineParser.has(p, 0, "Parsing Error") {
                return .full
            }
            return .none
        }

        /// The checks every line gets, however plain.
        mutating func cheapChecks(_ l: Line) {
            switch Self.cheapAction(buf, Facts(start: l.start, end: l.end, payload: l.payload)) {
            case .output: outputLines.removeAll(); recentErrorish.removeAll(); inOutput = true
            case .full: full(l)
            case .none: if inOutput { noteOutput(l) }
            }
        }

        mutating func noteOutput(_ l: Line) {
            keep(l)
            outputLines.append(l.n)
            if outputLines.count > 64 { outputLines.removeFirst(outputLines.count - 64) }
        }

        /// Whether the message of `l` (its first 2000 bytes) contains `needle`, byte for byte;
        /// with `ci`, ignoring ASCII case (the needle is lowercase). Foundation's string search
        /// costs microseconds a call; this costs nanoseconds.
        func has(_ l: Line, _ needle: StaticString, ci: Bool = false) -> Bool {
            Self.find(buf, from: l.payload, to: min(l.end, l.payload + 2000), needle, ci: ci)
        }

        static func find(_ buf: UnsafeRawBufferPointer, from: Int, to: Int, _ needle: StaticString, ci: Bool = false) -> Bool {
            let n = needle.utf8CodeUnitCount
            guard n > 0, to - from >= n else { return false }
            let w = needle.utf8Start
            let first = w[0]
            var i = from
            let last = to - n
            while i <= last {
                let c = buf[i]
                if c == first || ci && c | 0x20 == first {
                    var k = 1
                    while k < n {
                        let d = buf[i + k]
                        if d != w[k] && !(ci && d | 0x20 == w[k] && w[k] >= 0x61 && w[k] <= 0x7A) { break }
                        k += 1
                    }
                    if k == n { return true }
                }
                i += 1
            }
            return false
        }

        mutating func add(_ i: Incident) {
            for k in i.chain + [i.root] + i.extra { pin(k) }
            incidents.append(i)
            if i.strength >= .weak { pending.append(incidents.count - 1); pendingUntil = lineCountSoFar + 400 }
        }

        mutating func full(_ l: Line) {
            keep(l)
            let text = payloadText(l)
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            let isBlank = trimmed.isEmpty

            // Recovery of earlier incidents, including one this very line closes (a traceback
            // ends at the record that says the retry worked).
            if !pending.isEmpty && l.n > pendingUntil { pending.removeAll() }
            defer {
                if !pending.isEmpty && l.level < .error && isRecovery(l) {
                    for i in pending { incidents[i].recovered = true }
                    pending.removeAll()
                }
            }

            // --- Airflow 3 structured lines --------------------------------------------------
            if l.end > l.start, buf[l.start] == 0x7B, l.level >= .error {
                jsonRecord(l)
                return
            }

            // --- Python tracebacks -------------------------------------------------------
            if trimmed.hasPrefix("Traceback (most recent call last)") {
                closeJava()
                if (tbException != nil || tbOpen) && !tbAwaitChain { closeTraceback() }
                if tbChain.isEmpty { tbLevel = l.level == .warning ? .warning : .error }
                tbOpen = true; tbAwaitChain = false; tbException = nil
                return
            }
            if tbException != nil || tbAwaitChain {
                if trimmed.hasPrefix("The above exception was the direct cause") || trimmed.hasPrefix("During handling of the above exception") {
                    tbAwaitChain = true; tbContinuation = 0
                    return
                }
                if tbAwaitChain {
                    if isBlank { return }
                    // anything but a Traceback ends the chain
                    tbAwaitChain = false
                    closeTraceback()
                } else if isBlank {
                    tbContinuation = 99
                } else if !l.own && tbContinuation < 12 && !trimmed.hasPrefix("Traceback") {
                    // A multi-line exception message (SQL compilation error:\nObject ... does not exist).
                    tbContinuation += 1
                    if tbFirstRoot == tbException && tbExtra.count < 3 { tbExtra.append(l.n) }
                    javaLine(l, trimmed)
                    return
                } else {
                    closeTraceback()
                }
            }
            if tbOpen {
                if text.hasPrefix(" ") || text.hasPrefix("\t") || isBlank {
                    return  // frames, source lines, carets
                }
                // The exception line ends the frames.
                tbOpen = false
                tbException = l.n
                tbChain.append(l.n)
                if tbFirstRoot == nil { tbFirstRoot = l.n; tbExtra = [] }
                tbContinuation = 0
                return
            }

            // --- Java / Scala traces ------------------------------------------------------
            if javaLine(l, trimmed) { return }

            // --- dbt ----------------------------------------------------------------------
            if let h = dbtHeader {
                if isBlank || trimmed.hasPrefix("compiled code at") || trimmed.hasPrefix("compiled Code at") || dbtExtra.count >= 4
                    || (l.own && l.level >= .info && !trimmed.isEmpty && dbtRoot != nil && !Self.isDbtMessageLine(text)) {
                    closeDbt()
                    _ = h
                } else {
                    if dbtRoot == nil { dbtRoot = l.n } else { dbtExtra.append(l.n) }
                    return
                }
            }
            if Self.isDbtHeader(trimmed) {
                dbtHeader = l.n; dbtRoot = nil; dbtExtra = []
                return
            }

            // --- shell exit codes -----------------------------------------------------------
            if trimmed.hasPrefix("Command exited with return code") || trimmed.hasPrefix("Process exited with") {
                let code = Self.trailingInt(trimmed)
                if let code, code != 0 {
                    let oom = code == 137 || code == -9 || code == 9
                    let explain = recentErrorish.last ?? outputLines.last(where: { !Self.isBlankLine(self.text($0)) && $0 != l.n })
                    if oom {
                        add(Incident(root: explain ?? l.n, kind: "oom", chain: [l.n], strength: .strong))
                    } else if let e = explain {
                        add(Incident(root: e, kind: "command_failed", chain: [l.n], strength: .strong))
                    } else {
                        add(Incident(root: l.n, kind: "command_failed", chain: [], strength: .weak))
                    }
                }
                outputLines.removeAll(); recentErrorish.removeAll(); inOutput = false
                return
            }
            if trimmed.hasPrefix("Task exited with return code") {
                if let code = Self.trailingInt(trimmed), code == -9 || code == 137 {
                    add(Incident(root: l.n, kind: "oom", chain: [], strength: .strong))
                }
                return
            }
            if trimmed.hasPrefix("Output:") { outputLines.removeAll(); recentErrorish.removeAll(); inOutput = true; return }

            // --- single-line families ----------------------------------------------------------
            if let kind = singleLineKind(l) {
                var chain: [Int] = []
                var root = l.n
                if kind == "sigterm", let before = recentExternal { root = before; chain = [l.n] }
                add(Incident(root: root, kind: kind, chain: chain, strength: .strong))
                return
            }
            if has(l, "externally set to") { recentExternal = l.n }
            // Postgres: ERROR:  message, then LINE n:
            if trimmed.hasPrefix("ERROR:") && l.level >= .error || has(l, "ERROR:  ") {
                pgError = l.n
                if !l.own { add(Incident(root: l.n, kind: "warehouse_error", chain: [], strength: .weak)) }
            }
            if trimmed.hasPrefix("LINE ") && trimmed.contains(":"), let e = pgError, l.n - e <= 3 {
                if let last = incidents.last, last.root == e {
                    pin(l.n)
                    incidents[incidents.count - 1].extra.append(l.n)
                    incidents[incidents.count - 1].kind = "warehouse_error"
                    incidents[incidents.count - 1].strength = .strong
                }
                pgError = nil
                return
            }

            // Relayed tool output: remember lines that explain a failure.
            if l.level >= .error || errorish(l) {
                recentErrorish.append(l.n)
                if recentErrorish.count > 16 { recentErrorish.removeFirst() }
            }
            noteOutput(l)

            // --- generic error records -------------------------------------------------------
            if l.own && l.level >= .error {
                add(Incident(root: l.n, kind: "error", chain: [], strength: isNoise(l) ? .noise : .weak))
            }
        }
        var recentExternal: Int?
        var pgError: Int?

        /// An Airflow 3 JSON record at level error: the innermost exception of `error_detail`
        /// (structlog lists the raised exception first and its causes after it).
        mutating func jsonRecord(_ l: Line) {
            let data = Data(UnsafeRawBufferPointer(rebasing: buf[l.start..<min(l.end, l.start + (4 << 20))]))
            guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                add(Incident(root: l.n, kind: "error", chain: [], strength: .weak))
                return
            }
            if let detail = obj["error_detail"] as? [[String: Any]], let last = detail.last {
                let text = "\(last["exc_type"] as? String ?? "Exception"): \(last["exc_value"] as? String ?? "")"
                add(Incident(root: l.n, kind: Self.exceptionKind(text), chain: [], strength: Self.isWrapper(text) ? .wrapper : .strong,
                             overrideText: text))
            } else {
                let event = obj["event"] as? String ?? ""
                add(Incident(root: l.n, kind: "error", chain: [], strength: Self.isNoise(Substring(event)) ? .noise : .weak,
                             overrideText: event.isEmpty ? nil : event))
            }
        }

        /// Java trace handling; true when the line belongs to one.
        @discardableResult
        mutating func javaLine(_ l: Line, _ trimmed: Substring) -> Bool {
            let isFrame = trimmed.hasPrefix("at ") && trimmed.contains("(")
            let isMore = trimmed.hasPrefix("... ") && trimmed.hasSuffix("more")
            if jHead != nil {
                if trimmed.isEmpty { return true }
                if isFrame || isMore || trimmed.hasPrefix("Driver stacktrace") || trimmed.hasPrefix("Suppressed:") {
                    jLast = l.n; return true
                }
                if trimmed.hasPrefix("Caused by:") {
                    jCauses.append(l.n); jLast = l.n; return true
                }
                if Self.isJavaExceptionHead(trimmed) && l.n == jLast + 1 {
                    // a nested trace printed inside a message
                    if trimmed.contains("most recent failure: Lost task") { jExecutor = l.n }
                    jLast = l.n; return true
                }
                closeJava()
            }
            if isFrame, let p = prev, prevIsHead {
                jHead = p.n; jCauses = []; jExecutor = nil; jLast = l.n
                jLevel = p.level
                let pt = payloadText(p)
                if pt.contains("most recent failure: Lost task") { jExecutor = p.n }
                return true
            }
            prevIsHead = Self.isJavaExceptionHead(trimmed)
            return false
        }
        var prevIsHead = false

        mutating func closeJava() {
            guard let head = jHead else { return }
            jHead = nil
            let root = jCauses.last ?? jExecutor ?? head
            let strength: Strength = jLevel >= .error || jLevel == .none || jLevel == .info ? .strong : .weak
            // A trace inside a WARN record (Spark's "Lost task", to be retried) is not the failure.
            add(Incident(root: root, kind: "java_exception", chain: [head] + jCauses, strength: jLevel == .warning ? .noise : strength))
            // A Python exception (Py4JJavaError) right above: the Java root is deeper.
            if let last = incidents.dropLast().last, last.kind == "python_exception", head - last.root <= 2, head > last.root {
                let j = incidents.removeLast()
                incidents[incidents.count - 1].chain += [incidents[incidents.count - 1].root] + j.chain
                incidents[incidents.count - 1].root = j.root
                incidents[incidents.count - 1].kind = "java_exception"
                incidents[incidents.count - 1].extra = []
            }
        }

        mutating func closeTraceback() {
            defer { tbException = nil; tbChain = []; tbFirstRoot = nil; tbAwaitChain = false; tbOpen = false; tbExtra = [] }
            guard let root = tbFirstRoot else { return }
            let t = text(root)
            let wrapper = Self.isWrapper(t)
            let kind = Self.exceptionKind(t)
            add(Incident(root: root, kind: kind, chain: tbChain, strength: wrapper ? .wrapper : (tbLevel == .warning ? .weak : .strong),
                         extra: tbExtra))
            closeJava()
        }

        mutating func closeDbt() {
            defer { dbtHeader = nil; dbtRoot = nil; dbtExtra = [] }
            guard let h = dbtHeader else { return }
            let root = dbtRoot ?? h
            add(Incident(root: root, kind: "dbt_error", chain: [h], strength: .strong, extra: dbtExtra))
        }

        mutating func finish() -> [Incident] {
            if tbOpen || tbException != nil || tbAwaitChain { closeTraceback() }
            closeJava()
            closeDbt()
            return incidents.sorted { $0.root < $1.root }
        }

        // MARK: Text rules

        func isRecovery(_ l: Line) -> Bool {
            has(l, "succeeded after", ci: true) || has(l, "recovered", ci: true) || has(l, "retry succeeded", ci: true)
                || has(l, "succeeded on retry", ci: true) || has(l, "succeeded on attempt", ci: true) || has(l, "reconnected", ci: true)
        }

        static func isDbtHeader(_ t: Substring) -> Bool {
            for kind in ["Database Error", "Runtime Error", "Compilation Error", "Parsing Error", "Dependency Error", "Env var required"] {
                if t.hasPrefix(kind) && (t.count == kind.count || t.dropFirst(kind.count).hasPrefix(" in ")) { return true }
            }
            return false
        }

        static func isDbtMessageLine(_ t: Substring) -> Bool { t.hasPrefix(" ") }

        static func trailingInt(_ t: Substring) -> Int? {
            let digits = t.reversed().drop { $0 == " " || $0 == "." }.prefix { $0.isNumber || $0 == "-" }
            return Int(String(digits.reversed()))
        }

        static func isBlankLine(_ s: String) -> Bool { s.allSatisfy { $0 == " " || $0 == "\t" } }

        func errorish(_ l: Line) -> Bool {
            has(l, "error", ci: true) || has(l, "fatal", ci: true) || has(l, "failed", ci: true) || has(l, "exception", ci: true)
                || has(l, "denied", ci: true) || has(l, "not found", ci: true) || has(l, "no such file", ci: true)
                || has(l, "cannot", ci: true) || has(l, "can't", ci: true) || has(l, "missing", ci: true)
                || has(l, "killed", ci: true) || has(l, "refused", ci: true)
        }

        func isNoise(_ l: Line) -> Bool {
            has(l, "openlineage", ci: true) || has(l, "Failed to emit") || has(l, "upstream_failed") || has(l, "Marking run <")
                || has(l, "Task failed with exception") || has(l, "Failed to execute job") || has(l, "DeprecationWarning")
                || has(l, "heartbeat", ci: true)
        }

        static func isNoise(_ t: Substring) -> Bool {
            for w in ["OpenLineage", "openlineage", "Failed to emit", "upstream_failed", "Marking run <", "Task failed with exception",
                      "Failed to execute job", "DeprecationWarning", "heartbeat"] where t.contains(w) {
                return true
            }
            return false
        }

        static func isWrapper(_ t: String) -> Bool {
            for w in ["Bash command failed", "non-zero exit code", "BackfillUnfinished", "Cannot execute: spark-submit",
                      "Task failed with exception", "DbtCommandError", "dbt command failed"] where t.contains(w) {
                return true
            }
            return false
        }

        static func exceptionKind(_ t: String) -> String {
            if t.contains("OutOfMemoryError") || t.contains("MemoryError") { return "oom" }
            if t.contains("AirflowSensorTimeout") || t.contains("AirflowTaskTimeout") || t.contains("TimeoutError") { return "timeout" }
            if t.contains("AirflowTaskTerminated") || t.contains("SIGTERM") { return "sigterm" }
            if t.contains("SQL compilation error") || t.contains("snowflake.connector.errors") || t.contains("psycopg2.errors")
                || t.contains("google.api_core.exceptions") || t.contains("BigQuery") || t.contains("400 ") && t.contains("bigquery")
                || t.contains("psycopg2.") { return "warehouse_error" }
            return "python_exception"
        }

        static func isJavaExceptionHead(_ t: Substring) -> Bool {
            var s = t
            if s.hasPrefix(": ") { s = s.dropFirst(2) }
            if s.hasPrefix("Exception in thread ") {
                guard let q = s.range(of: "\" ") else { return false }
                s = s[q.upperBound...]
            }
            let name = s.prefix { $0 != ":" && $0 != " " }
            guard name.contains("."), name.first?.isLetter == true else { return false }
            return name.hasSuffix("Exception") || name.hasSuffix("Error") || name.hasSuffix("Throwable")
                || name.contains("Exception$") || name.hasSuffix("Failure")
        }

        func singleLineKind(_ l: Line) -> String? {
            let level = l.level
            if has(l, "OOMKilled") || has(l, "java.lang.OutOfMemoryError") && !has(l, "Caused by")
                || has(l, "exceeding memory limits") || has(l, "Out of memory: Killed process")
                || has(l, "exit code 137") || has(l, "exit code: 137") || has(l, "exitCode=137") || has(l, "Exit code: 137")
                || level >= .warning && has(l, "SIGKILL") {
                return "oom"
            }
            if has(l, "eceived SIGTERM") || has(l, "Task received SIGTERM") { return "sigterm" }
            if has(l, "zombie", ci: true) {
                return level >= .warning || has(l, "Detected") ? "zombie" : nil
            }
            if level >= .error && has(l, "heartbeat", ci: true)
                && (has(l, "time limit") || has(l, "timed out") || has(l, "exceeded") || has(l, "has not")) {
                return "zombie"
            }
            if has(l, "Sensor has timed out") || level >= .error && has(l, "AirflowSensorTimeout") { return "timeout" }
            return nil
        }
    }
}
