/// One problem in an input, located to a file and line so the user can go straight to it.
public struct Diagnostic: Error, Sendable, Equatable, Codable, CustomStringConvertible, Comparable {
    /// Path as the user gave it (relative to the folder being checked, or as typed).
    public var file: String
    /// 1-based; 0 when the problem is about the file as a whole.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    /// `FILE:LINE: message`, or `FILE: message` when the problem is about the whole file.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.file, a.line, a.message) < (b.file, b.line, b.message)
    }
}

/// Thrown when an input has problems; carries all of them, not just the first.
public struct InputProblems: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sorted() }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics while inputs are read, so every problem is reported at once.
public final class DiagnosticSink {
    /// In the order they were added.
    public private(set) var items: [Diagnostic] = []
    /// Which of `items` say that something required is missing.
    private var missing: [Bool] = []

    public init() {}

    /// `missing`: the problem is a required key or value that is not there. Such problems rank
    /// after all others in `first`, since they are often the echo of a misspelt key.
    public func add(_ file: String, _ line: Int, _ message: String, missing: Bool = false) {
        items.append(Diagnostic(file: file, line: line, message: message))
        self.missing.append(missing)
    }

    /// The one problem to report when only one is shown: the earliest line, but missing-key
    /// problems after every other kind (so a typo is reported at the misspelt key rather than
    /// as the key it failed to provide); ties go to the one added first.
    public var first: Diagnostic? {
        items.indices.min { a, b in
            (missing[a] ? 1 : 0, items[a].file, items[a].line, a) < (missing[b] ? 1 : 0, items[b].file, items[b].line, b)
        }.map { items[$0] }
    }
}
