import Yams

/// Parses one YAML file into its root node, reporting syntax errors with their line.
/// `ifEmpty` is reported (at line 0) when the file holds no document; nil accepts an empty file
/// silently.
public func parseYAML(_ text: String, file: String, sink: DiagnosticSink,
                      ifEmpty: String? = "file is empty") -> Node? {
    do {
        guard let node = try Yams.compose(yaml: text) else {
            if let ifEmpty { sink.add(file, 0, ifEmpty) }
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

extension Node {
    /// 1-based; 0 when the node has no position.
    public var line: Int { mark?.line ?? 0 }

    /// Written as nothing, `~` or `null` (unquoted).
    public var isNull: Bool {
        if case .scalar(let s) = self { return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) }
        return false
    }

    /// How a person would describe this node's type in an error message.
    public var shapeName: String { shapeName(namingScalarType: true) }

    /// Like `shapeName`; with `namingScalarType: false` a scalar is named by its quoted text
    /// alone (`'sometimes'`, not `the text 'sometimes'` or `the number 5`).
    public func shapeName(namingScalarType: Bool) -> String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if isNull { return "nothing" }
            let quoted = "'\(s.string.prefix(40))'"
            guard namingScalarType else { return quoted }
            if s.style == .plain, Int(s.string) != nil { return "the number \(s.string)" }
            return "the text \(quoted)"
        }
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(let context, let problem, let mark, _):
            // An unclosed quote is found at the end of the file; where it opened is more useful.
            if problem.contains("end of stream"), let context { return context.mark.line }
            return mark.line
        case .parser(_, _, let mark, _), .composer(_, _, let mark, _):
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
