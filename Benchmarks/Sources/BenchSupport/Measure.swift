import Foundation

/// Latency samples of one measured thing, in milliseconds.
public struct Samples: Sendable {
    public var ms: [Double]
    public init(_ ms: [Double]) { self.ms = ms.sorted() }

    /// Nearest-rank percentile (p in 0...100).
    public func percentile(_ p: Double) -> Double {
        guard !ms.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(ms.count)).rounded(.up))
        return ms[Swift.min(Swift.max(rank, 1), ms.count) - 1]
    }
    public var p50: Double { percentile(50) }
    public var p95: Double { percentile(95) }
    public var max: Double { ms.last ?? .nan }
    public var count: Int { ms.count }
}

/// How many times to run each measured thing: at least `minIterations`, then more until
/// `budget` is spent or `maxIterations` are done. One untimed warm-up run comes first.
public struct Policy: Sendable {
    public var minIterations: Int
    public var maxIterations: Int
    public var budget: Duration
    public init(minIterations: Int, maxIterations: Int, budget: Duration) {
        self.minIterations = minIterations; self.maxIterations = maxIterations; self.budget = budget
    }
}

public func measure(_ policy: Policy, _ body: () throws -> Void) rethrows -> Samples {
    let clock = ContinuousClock()
    try body()   // warm-up: page cache, SQLite page cache, statement caches
    var out: [Double] = []
    let start = clock.now
    while out.count < policy.maxIterations
        && (out.count < policy.minIterations || clock.now - start < policy.budget) {
        let t0 = clock.now
        try body()
        out.append((clock.now - t0).milliseconds)
    }
    return Samples(out)
}

/// Formats milliseconds for a table: three significant digits, no scientific notation.
public func fmt(_ ms: Double) -> String {
    if ms.isNaN { return "–" }
    if ms < 1 { return String(format: "%.3f", ms) }
    if ms < 10 { return String(format: "%.2f", ms) }
    if ms < 100 { return String(format: "%.1f", ms) }
    return String(format: "%.0f", ms)
}

/// Shows a query the way a person typed it, made safe for a Markdown table cell.
public func show(_ q: String) -> String {
    let escaped = q.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
    return "`\(escaped)`"
}

/// A Markdown table with right-aligned numeric columns.
public struct MarkdownTable {
    public var header: [String]
    public var rightAligned: Set<Int>
    public var rows: [[String]] = []
    public init(_ header: [String], rightAligned: Set<Int>) {
        self.header = header; self.rightAligned = rightAligned
    }
    public mutating func add(_ row: [String]) { rows.append(row) }
    public var markdown: String {
        var s = "| " + header.joined(separator: " | ") + " |\n|"
        for i in header.indices { s += rightAligned.contains(i) ? " ---: |" : " --- |" }
        s += "\n"
        for r in rows { s += "| " + r.joined(separator: " | ") + " |\n" }
        return s
    }
}
