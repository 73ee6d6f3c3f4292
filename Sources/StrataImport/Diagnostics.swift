import Foundation
import StrataCatalog
import Yams

/// One problem in an input, located to a file and line so the user can go straight to it.
public struct Diagnostic: Sendable, Equatable, Codable, CustomStringConvertible, Comparable {
    /// Path as the user gave it (relative to the folder being checked).
    public var file: String
    /// 1-based; 0 when the problem is about the file as a whole.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file; self.line = line; self.message = message
    }

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

/// Collects diagnostics while a whole folder is read, so every problem is reported at once.
final class DiagnosticSink {
    private(set) var items: [Diagnostic] = []
    func add(_ file: String, _ line: Int, _ message: String) {
        items.append(Diagnostic(file: file, line: line, message: message))
    }
}

/// A YAML mapping read with its line numbers, reporting (not throwing) every type error,
/// unknown key and missing field into a sink.
struct YAMLMap {
    let file: String
    let line: Int
    let sink: DiagnosticSink
    private let values: [String: Node]
    private let keyLines: [String: Int]
    let keys: [String]

    /// `what` names the thing in messages ("table", "task 'load'").
    init?(_ node: Node, file: String, sink: DiagnosticSink, what: String) {
        self.file = file
        self.sink = sink
        line = node.line
        guard case .mapping(let mapping) = node else {
            sink.add(file, node.line, "expected \(what) to be a mapping of keys to values, found \(node.shapeName)")
            return nil
        }
        var values: [String: Node] = [:], keyLines: [String: Int] = [:], keys: [String] = []
        for (k, v) in mapping {
            guard let key = k.scalar?.string else {
                sink.add(file, k.line, "keys in \(what) must be plain words, found \(k.shapeName)")
                continue
            }
            if let first = keyLines[key] {
                sink.add(file, k.line, "duplicate key '\(key)' in \(what) (first at line \(first))")
                continue
            }
            values[key] = v; keyLines[key] = k.line; keys.append(key)
        }
        self.values = values; self.keyLines = keyLines; self.keys = keys
    }

    /// Reports every key not in `allowed`, suggesting the closest allowed one.
    func allowOnly(_ allowed: [String], in what: String) {
        for key in keys where !allowed.contains(key) {
            let near = allowed.min { editDistance(key, $0) < editDistance(key, $1) }
            let hint = near.map { editDistance(key, $0) <= 2 ? " (did you mean '\($0)'?)" : "" } ?? ""
            sink.add(file, keyLines[key] ?? line,
                     "unknown key '\(key)' in \(what)\(hint); allowed: \(allowed.joined(separator: ", "))")
        }
    }

    func has(_ key: String) -> Bool { values[key].map { !$0.isNull } ?? false }
    func lineOf(_ key: String) -> Int { values[key]?.line ?? keyLines[key] ?? line }
    func node(_ key: String) -> Node? { values[key].flatMap { $0.isNull ? nil : $0 } }

    /// A text value; numbers and booleans are taken as their text.
    func string(_ key: String, required: Bool = false, in what: String) -> String? {
        guard let node = node(key) else {
            if required { sink.add(file, line, "\(what) is missing required key '\(key)'") }
            return nil
        }
        guard let s = node.scalar?.string else {
            sink.add(file, node.line, "'\(key)' in \(what) must be text, found \(node.shapeName)")
            return nil
        }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty {
            sink.add(file, node.line, "'\(key)' in \(what) must not be empty")
            return nil
        }
        return s
    }

    func int(_ key: String, in what: String) -> Int? {
        guard let node = node(key) else { return nil }
        guard let s = node.scalar?.string, let n = Int(s) else {
            sink.add(file, node.line, "'\(key)' in \(what) must be a whole number, found \(node.shapeName)")
            return nil
        }
        return n
    }

    /// A list of texts, each with its line (for reference checks).
    func strings(_ key: String, in what: String) -> [(String, Int)] {
        guard let node = node(key) else { return [] }
        guard case .sequence(let seq) = node else {
            sink.add(file, node.line, "'\(key)' in \(what) must be a list (like [a, b]), found \(node.shapeName)")
            return []
        }
        return seq.compactMap { item in
            guard let s = item.scalar?.string else {
                sink.add(file, item.line, "items of '\(key)' in \(what) must be text, found \(item.shapeName)")
                return nil
            }
            return (s, item.line)
        }
    }

    /// A list of nodes (each usually a mapping).
    func list(_ key: String, required: Bool = false, in what: String) -> [Node] {
        guard let node = node(key) else {
            if required { sink.add(file, line, "\(what) is missing required key '\(key)'") }
            return []
        }
        guard case .sequence(let seq) = node else {
            sink.add(file, node.line, "'\(key)' in \(what) must be a list, found \(node.shapeName)")
            return []
        }
        return Array(seq)
    }

    func map(_ key: String, required: Bool = false, in what: String) -> YAMLMap? {
        guard let node = node(key) else {
            if required { sink.add(file, line, "\(what) is missing required key '\(key)'") }
            return nil
        }
        return YAMLMap(node, file: file, sink: sink, what: "'\(key)' in \(what)")
    }
}

extension Node {
    var line: Int { mark?.line ?? 0 }

    var isNull: Bool {
        if case .scalar(let s) = self { return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) }
        return false
    }

    /// How a person would describe this node's type in an error message.
    var shapeName: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if isNull { return "nothing" }
            if s.style == .plain, Int(s.string) != nil { return "the number \(s.string)" }
            return "the text '\(s.string.prefix(40))'"
        }
    }
}


/// Parses one YAML file into its root node, reporting syntax errors with their line.
func parseYAML(_ text: String, file: String, sink: DiagnosticSink) -> Node? {
    do {
        guard let node = try Yams.compose(yaml: text) else {
            sink.add(file, 0, "file is empty")
            return nil
        }
        return node
    } catch let error as YamlError {
        sink.add(file, error.line ?? 0, "YAML syntax error: \(error.problemText)")
        return nil
    } catch {
        sink.add(file, 0, "YAML syntax error: \(error)")
        return nil
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .duplicatedKeysInMapping(_, let context):
            return context.mark.line
        default:
            return nil
        }
    }

    var problemText: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            if let c = context?.text, !c.isEmpty { return "\(problem) (\(c))" }
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key " + duplicates.map { "'\($0)'" }.joined(separator: ", ")
        default:
            return "\(self)"
        }
    }
}
