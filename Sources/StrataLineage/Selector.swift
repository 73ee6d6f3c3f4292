import StrataYAML

/// A node selection in dbt's grammar: members separated by spaces are united, atoms joined
/// by commas inside a member are intersected. `+x`, `x+`, `2+x`, `x+1`, `+x+`, `@x`, and
/// `method:value` with the methods below.
public struct Selection: Sendable, Equatable, CustomStringConvertible {
    /// Union of intersections.
    public var members: [[SelectorAtom]]

    public init(members: [[SelectorAtom]]) { self.members = members }

    public var description: String {
        members.map { $0.map(\.description).joined(separator: ",") }.joined(separator: " ")
    }

    /// Parses one or more selector strings (each may itself hold several space-separated
    /// members, as a shell-quoted `--select "a b"` does).
    public static func parse(_ texts: [String]) throws(SelectorError) -> Selection {
        var members: [[SelectorAtom]] = []
        for text in texts {
            for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                var atoms: [SelectorAtom] = []
                for part in word.split(separator: ",", omittingEmptySubsequences: false) {
                    atoms.append(try SelectorAtom.parse(String(part), in: String(word)))
                }
                members.append(atoms)
            }
        }
        if members.isEmpty { throw SelectorError(text: texts.joined(separator: " "), message: "empty selector") }
        return Selection(members: members)
    }
}

/// How far a graph operator reaches: `+` alone is every generation, `2+` two.
public enum Reachance: Sendable, Equatable {
    case none
    case all
    case upTo(Int)
}

/// One selector atom: an optional method, a value, and graph operators around it.
public struct SelectorAtom: Sendable, Equatable, CustomStringConvertible {
    public var method: SelectorMethod
    /// The dotted arguments of a method (`config.materialized:table` has `["materialized"]`).
    public var arguments: [String] = []
    /// Whether the method was written (`tag:x`) or implied (`x`).
    public var explicitMethod: Bool
    public var value: String
    public var parents: Reachance = .none
    public var children: Reachance = .none
    /// `@x`: x, its descendants, and every ancestor of those.
    public var childrensParents = false

    public var description: String {
        var s = childrensParents ? "@" : ""
        switch parents { case .none: break; case .all: s += "+"; case .upTo(let n): s += "\(n)+" }
        s += explicitMethod ? ([method.rawValue] + arguments).joined(separator: ".") + ":\(value)" : value
        switch children { case .none: break; case .all: s += "+"; case .upTo(let n): s += "+\(n)" }
        return s
    }

    static func parse(_ raw: String, in word: String) throws(SelectorError) -> SelectorAtom {
        func fail(_ message: String) -> SelectorError { SelectorError(text: raw.isEmpty ? word : raw, message: message) }
        guard !raw.isEmpty else { throw fail("empty part between commas in '\(word)'") }
        var rest = Substring(raw)
        var childrensParents = false
        if rest.hasPrefix("@") { childrensParents = true; rest = rest.dropFirst() }
        // Leading "N+" or "+".
        var parents = Reachance.none
        let digits = rest.prefix(while: \.isASCIIDigit)
        if rest.dropFirst(digits.count).hasPrefix("+") {
            parents = digits.isEmpty ? .all : .upTo(Int(digits) ?? Int.max)
            rest = rest.dropFirst(digits.count + 1)
        }
        // Trailing "+N" or "+".
        var children = Reachance.none
        let tailDigits = String(rest.reversed().prefix(while: \.isASCIIDigit).reversed())
        if rest.dropLast(tailDigits.count).hasSuffix("+") {
            children = tailDigits.isEmpty ? .all : .upTo(Int(tailDigits) ?? Int.max)
            rest = rest.dropLast(tailDigits.count + 1)
        }
        if childrensParents && children != .none {
            throw fail("\"@\" prefix and \"+\" suffix are incompatible (as in dbt): @x already selects every descendant of x")
        }
        var method = SelectorMethod.fqn
        var explicit = false
        var arguments: [String] = []
        if let colon = rest.firstIndex(of: ":"),
           rest[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }), colon > rest.startIndex {
            // method(.argument)*: only config takes arguments.
            let parts = rest[..<colon].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            arguments = Array(parts.dropFirst())
            guard let m = SelectorMethod(rawValue: name) else {
                if let reason = SelectorMethod.unanswered[name] { throw fail("dbt's '\(name):' \(reason)") }
                let known = SelectorMethod.allCases.map(\.rawValue)
                throw fail("unknown selector method '\(name):'"
                           + (closest(name, in: known, maxDistance: 3).map { "; did you mean '\($0):'?" } ?? "")
                           + " (methods: " + known.joined(separator: ", ") + ")")
            }
            method = m; explicit = true
            rest = rest[rest.index(after: colon)...]
            if m == .config && (arguments.isEmpty || arguments.contains("")) {
                throw fail(arguments.isEmpty
                    ? "config: needs the config key to compare, as in config.materialized:table (dbt compares the whole config object and selects nothing)"
                    : "config.\(arguments.joined(separator: ".")): an empty key between dots")
            }
            if m != .config && !arguments.isEmpty {
                throw fail("'\(name):' takes no '.\(arguments.joined(separator: "."))' (only config does, as in config.materialized:table)")
            }
        }
        guard !rest.isEmpty else { throw fail("nothing to select in '\(raw)': a name or method:value is missing") }
        // A value given to a method keeps them, as dbt reads it (config.incremental_strategy:delete+insert);
        // in a bare name they are a misplaced operator.
        if !explicit && (rest.contains("+") || rest.contains("@")) {
            throw fail("'+' and '@' go around a name ('+x', 'x+', '2+x', 'x+1', '@x'), not inside it")
        }
        if !explicit {
            if rest.contains("/") { method = .path }
            else if [".sql", ".py", ".csv"].contains(where: { rest.lowercased().hasSuffix($0) }) { method = .file }
        }
        if method == .source, rest.split(separator: ".", omittingEmptySubsequences: false).count > 3 {
            throw fail("invalid source selector '\(rest)': source_name, source_name.table or package.source_name.table")
        }
        if method == .exposure, rest.split(separator: ".", omittingEmptySubsequences: false).count > 2 {
            throw fail("invalid exposure selector '\(rest)': name or package.name")
        }
        if method == .version, !["latest", "prerelease", "old", "none"].contains(String(rest)) {
            // dbt's own words for it.
            throw fail("Invalid version type selector \(rest): expected one of: \"latest\", \"prerelease\", \"old\", or \"none\"")
        }
        if method == .testType, !["generic", "singular", "data", "unit"].contains(String(rest)) {
            throw fail("invalid test_type '\(rest)' (generic, singular, data or unit)")
        }
        if method == .resourceType, !SelectorMethod.resourceTypes.contains(String(rest)) {
            throw fail("invalid resource_type '\(rest)' (one of " + SelectorMethod.resourceTypes.joined(separator: ", ") + ")")
        }
        return SelectorAtom(method: method, arguments: arguments, explicitMethod: explicit, value: String(rest),
                            parents: parents, children: children, childrensParents: childrensParents)
    }
}

/// How an atom's value finds nodes.
public enum SelectorMethod: String, Sendable, CaseIterable {
    /// A name, a dotted id or a prefix of one; dbt's default.
    case fqn
    case tag, owner, stage, kind, source, path, file, package, exposure
    /// dbt's `group:` (globbed), `access:` (a model's access level, exact) and `version:`
    /// (`latest`, `prerelease`, `old` or `none`, against each model's latest version).
    case group, access, version
    /// `config.materialized:X`: tables materialized as X (dbt's seeds are `seed`, snapshots
    /// `snapshot`; dbt sources have no materialization).
    case config
    case resourceType = "resource_type"
    /// Data tests, which strata keeps as checks on tables: with `+` they select what they test.
    case testName = "test_name"
    case testType = "test_type"

    /// dbt's methods strata cannot answer, and why: said instead of a "did you mean" (`state:`
    /// is one letter from `stage:`).
    static let unanswered: [String: String] = [
        "state": "compares with an earlier manifest (dbt's --state), which a catalog does not keep",
        "result": "reads an earlier invocation's run_results.json through dbt's --state, which a catalog does not keep; "
            + "strata shows each node's latest run instead",
        "source_status": "compares two sources.json files from dbt source freshness, which strata does not import",
        "metric": "selects metrics, which strata does not import",
        "semantic_model": "selects semantic models, which strata does not import",
        "saved_query": "selects saved queries, which strata does not import",
        "unit_test": "selects unit tests, which strata does not import",
    ]

    /// dbt's resource types, the values `resource_type:` accepts.
    static let resourceTypes = ["model", "seed", "snapshot", "source", "exposure", "test", "unit_test", "analysis",
                                "metric", "semantic_model", "saved_query", "function", "operation", "sql_operation", "rpc"]
}

public struct SelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var message: String
    public var description: String { "selector '\(text)': \(message)" }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

