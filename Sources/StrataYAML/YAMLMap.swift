import Foundation
import Yams

/// A YAML mapping read with its line numbers, reporting (not throwing) every type error,
/// unknown key and missing field into a sink.
public struct YAMLMap {
    public let file: String
    /// The line of the mapping itself (its first key, for a block mapping).
    public let line: Int
    public let sink: DiagnosticSink
    private let values: [String: Node]
    private let keyLines: [String: Int]
    /// The keys in the order written (duplicates and non-text keys left out, and reported).
    public let keys: [String]

    /// How `allowOnly` lists the allowed keys after an unknown one.
    public enum AllowedList: Sendable {
        /// Always, after any "did you mean".
        case always
        /// Only when there is no "did you mean".
        case unlessSuggesting
    }

    /// `what` names the thing in messages ("table", "task 'load'").
    public init?(_ node: Node, file: String, sink: DiagnosticSink, what: String) {
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

    /// Reports every key not in `allowed`, suggesting the closest allowed one:
    /// "unknown NOUN 'KEY' in WHAT (did you mean 'X'?); allowed: A, B". `what` nil leaves out
    /// the "in WHAT"; `noun` names what the keys are ("colour role").
    public func allowOnly(_ allowed: [String], in what: String? = nil, noun: String = "key",
                          listAllowed: AllowedList = .always) {
        for key in keys where !allowed.contains(key) {
            let near = closest(key, in: allowed, maxDistance: 2)
            var message = "unknown \(noun) '\(key)'"
            if let what { message += " in \(what)" }
            if let near { message += " (did you mean '\(near)'?)" }
            if near == nil || listAllowed == .always { message += "; allowed: \(allowed.joined(separator: ", "))" }
            sink.add(file, keyLine(key), message)
        }
    }

    /// Present with a value (not null).
    public func has(_ key: String) -> Bool { values[key].map { !$0.isNull } ?? false }
    /// The line of the value (else of the key, else of the mapping): where to point at a bad value.
    public func lineOf(_ key: String) -> Int { values[key]?.line ?? keyLines[key] ?? line }
    /// The line of the key (else of the mapping).
    public func keyLine(_ key: String) -> Int { keyLines[key] ?? line }
    /// The value, nil when absent or null.
    public func node(_ key: String) -> Node? { values[key].flatMap { $0.isNull ? nil : $0 } }
    /// The value as written, null included; nil only when the key is absent.
    public func value(_ key: String) -> Node? { values[key] }

    /// A text value; numbers and booleans are taken as their text.
    public func string(_ key: String, required: Bool = false, in what: String) -> String? {
        guard let node = node(key) else {
            if required { missing(key, in: what) }
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

    public func int(_ key: String, in what: String) -> Int? {
        guard let node = node(key) else { return nil }
        guard let s = node.scalar?.string, let n = Int(s) else {
            sink.add(file, node.line, "'\(key)' in \(what) must be a whole number, found \(node.shapeName)")
            return nil
        }
        return n
    }

    /// A list of texts, each with its line (for reference checks).
    public func strings(_ key: String, in what: String) -> [(String, Int)] {
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
    public func list(_ key: String, required: Bool = false, in what: String) -> [Node] {
        guard let node = node(key) else {
            if required { missing(key, in: what) }
            return []
        }
        guard case .sequence(let seq) = node else {
            sink.add(file, node.line, "'\(key)' in \(what) must be a list, found \(node.shapeName)")
            return []
        }
        return Array(seq)
    }

    public func map(_ key: String, required: Bool = false, in what: String) -> YAMLMap? {
        guard let node = node(key) else {
            if required { missing(key, in: what) }
            return nil
        }
        return YAMLMap(node, file: file, sink: sink, what: "'\(key)' in \(what)")
    }

    private func missing(_ key: String, in what: String) {
        sink.add(file, line, "\(what) is missing required key '\(key)'", missing: true)
    }
}
