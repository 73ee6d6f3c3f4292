import Foundation
import StrataTerminal
import Yams

/// A theme file that cannot be used, located to the line to fix.
public struct ThemeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The path as it was given (e.g. `themes/light.yaml`).
    public var file: String
    /// 1-based; 0 only when the file as a whole cannot be read.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    /// `FILE:LINE: message` (`FILE: message` when the file could not be read at all).
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// One theme that `--theme NAME` can pick.
public struct ThemeInfo: Sendable, Equatable {
    public enum Source: String, Sendable { case bundled, user }

    /// The file name without `.yaml`, which a valid file's `name:` must equal.
    public var name: String
    public var description: String
    public var path: String
    public var source: Source
    /// Why the file does not load; it is still listed so it can be found and fixed.
    public var problem: ThemeError?

    public init(name: String, description: String, path: String, source: Source, problem: ThemeError? = nil) {
        self.name = name; self.description = description; self.path = path; self.source = source
        self.problem = problem
    }
}

/// Reads themes from YAML (format: themes/README.md). Bundled themes live in `themes/`; user
/// themes in `$XDG_CONFIG_HOME/strata/themes/` override bundled ones of the same name.
public enum ThemeLoader {
    public static let defaultName = "default-dark"

    /// Every key `colors:` must have, in the order the format documents them.
    public static let colorRoles = [
        "background", "text", "muted", "accent", "selection_fg", "selection_bg", "border", "title",
        "ok", "warn", "fail", "running", "skipped", "upstream_failed",
        "log_debug", "log_info", "log_warning", "log_error", "log_critical",
    ]

    static let topLevelKeys = ["name", "description", "monochrome", "colors", "stages"]

    // MARK: Parsing

    /// Parses one theme file. `file` is the path shown in errors; when it ends in `.yaml` or
    /// `.yml`, the theme's `name:` must equal the file name without the extension.
    public static func parse(_ text: String, file: String) throws -> Theme {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ThemeError(file: file, line: 1, message: "file is empty; a theme needs name, colors and stages")
            }
            root = node
        } catch let error as ThemeError {
            throw error
        } catch let error as YamlError {
            throw ThemeError(file: file, line: max(1, error.themeLine ?? 1),
                             message: "YAML syntax error: \(error.themeProblem)")
        } catch {
            throw ThemeError(file: file, line: 1, message: "YAML syntax error: \(error)")
        }

        var problems = Problems(file: file)
        guard let top = Entries(root, what: "the theme", problems: &problems) else { throw problems.first! }
        top.allowOnly(topLevelKeys, unknown: "unknown key", problems: &problems)

        // name
        var name = ""
        if let entry = top["name"], !entry.node.isNullValue {
            let line = entry.line, node = entry.node
            if let s = node.scalar?.string, !s.trimmingCharacters(in: .whitespaces).isEmpty {
                name = s
                if let stem = fileStem(file), stem != s {
                    problems.add(line, "theme name '\(s)' does not match the file name '\(stem)'; "
                                 + "rename one so `--theme \(stem)` finds it")
                }
            } else {
                problems.add(line, "'name' must be a word like \(fileStem(file) ?? "my-theme"), found \(node.shapeName)")
            }
        } else {
            problems.add(top["name"]?.line ?? top.line, "missing required key 'name'", missing: true)
        }

        // description
        var description = ""
        if let entry = top["description"], !entry.node.isNullValue {
            let line = entry.line, node = entry.node
            if let s = node.scalar?.string { description = s }
            else { problems.add(line, "'description' must be one line of text, found \(node.shapeName)") }
        }

        // monochrome
        var monochrome = false
        if let entry = top["monochrome"], !entry.node.isNullValue {
            let line = entry.line, node = entry.node
            switch node.scalar?.string.lowercased() {
            case "true", "yes": monochrome = true
            case "false", "no": monochrome = false
            default: problems.add(line, "'monochrome' must be true or false, found \(node.shapeName)")
            }
        }

        // colors
        var colors: [String: Color] = [:]
        if let entry = top["colors"], !entry.node.isNullValue {
            let line = entry.line, node = entry.node
            if let roles = Entries(node, what: "'colors'", problems: &problems, keyLine: line) {
                roles.allowOnly(colorRoles, unknown: "unknown colour role", problems: &problems)
                for role in colorRoles {
                    guard let found = roles[role] else {
                        problems.add(line, "missing colour role '\(role)' in 'colors' (every role is required)",
                                     missing: true)
                        continue
                    }
                    if let c = color(found.node, line: found.line, what: "colour role '\(role)'", problems: &problems) {
                        colors[role] = c
                    }
                }
            }
        } else {
            problems.add(top["colors"]?.line ?? top.line,
                         "missing required key 'colors' (roles: \(colorRoles.joined(separator: ", ")))", missing: true)
        }

        // stages
        var stages: [Color] = []
        if let entry = top["stages"], !entry.node.isNullValue {
            let line = entry.line, node = entry.node
            if case .sequence(let seq) = node {
                if seq.isEmpty { problems.add(line, "'stages' must list at least one colour") }
                for (i, item) in seq.enumerated() {
                    let itemLine = item.mark?.line ?? line
                    if let c = color(item, line: itemLine, what: "stage colour \(i + 1)", problems: &problems) {
                        stages.append(c)
                    }
                }
            } else {
                problems.add(line, "'stages' must be a list of colours, one per stage, like [\"#88c0d0\", \"#a3be8c\"]; "
                             + "found \(node.shapeName)")
            }
        } else {
            problems.add(top["stages"]?.line ?? top.line, "missing required key 'stages' (one colour per stage)",
                         missing: true)
        }

        if let first = problems.first { throw first }
        func c(_ role: String) -> Color { colors[role] ?? .terminal }
        return Theme(
            name: name, description: description, background: c("background"), text: c("text"),
            muted: c("muted"), accent: c("accent"), selectionFG: c("selection_fg"), selectionBG: c("selection_bg"),
            border: c("border"), title: c("title"), stages: stages, ok: c("ok"), warn: c("warn"), fail: c("fail"),
            running: c("running"), skipped: c("skipped"), upstreamFailed: c("upstream_failed"),
            logDebug: c("log_debug"), logInfo: c("log_info"), logWarning: c("log_warning"),
            logError: c("log_error"), logCritical: c("log_critical"), monochrome: monochrome)
    }

    /// Reads and parses one file; errors name `path` as given.
    public static func parseFile(_ path: String) throws -> Theme {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ThemeError(file: path, line: 0, message: "cannot read theme file (\(error.localizedDescription))")
        }
        return try parse(text, file: path)
    }

    // MARK: Finding themes

    /// Every theme in the two folders by name, user themes replacing bundled ones of the same
    /// name, sorted by name. Broken files are listed with their `problem`.
    public static func available(bundledDir: String, userDir: String?) -> [ThemeInfo] {
        var byName: [String: ThemeInfo] = [:]
        for (name, found) in themeFiles(bundledDir: bundledDir, userDir: userDir) {
            guard let first = found.first else { continue }
            let (path, source) = first
            do {
                let theme = try parseFile(path)
                byName[name] = ThemeInfo(name: name, description: theme.description, path: path, source: source)
            } catch {
                byName[name] = ThemeInfo(name: name, description: "", path: path, source: source,
                                         problem: error as? ThemeError
                                             ?? ThemeError(file: path, line: 0, message: "\(error)"))
            }
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// The theme called `name`. When it is unknown or broken: the default theme (or, if that is
    /// broken too, `Theme.fallback`) and a warning naming the file and line to fix.
    public static func load(name: String, bundledDir: String, userDir: String?) -> (theme: Theme, warning: String?) {
        let files = themeFiles(bundledDir: bundledDir, userDir: userDir)
        var problem: String
        var failedPath: String?
        if let path = files[name]?.first?.0 {
            do { return (try parseFile(path), nil) } catch {
                problem = "\(error)"
                failedPath = path
            }
        } else {
            let names = files.keys.sorted()
            problem = "unknown theme '\(name)' (available: "
                + (names.isEmpty ? "none found in \(bundledDir)" : names.joined(separator: ", ")) + ")"
        }
        // The default: the user's copy first, then the bundled one.
        for (path, _) in files[defaultName] ?? [] where path != failedPath {
            do { return (try parseFile(path), problem + "; using \(defaultName)") } catch {
                problem += "; \(defaultName) does not load either (\(error))"
            }
        }
        if files[defaultName] == nil { problem += "; \(defaultName) not found" }
        return (Theme.fallback, problem + "; using the built-in theme")
    }

    /// `$XDG_CONFIG_HOME/strata/themes`, else `~/.config/strata/themes` (nil without a home).
    public static func userThemesDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return join(xdg, "strata/themes") }
        if let home = environment["HOME"], !home.isEmpty { return join(home, ".config/strata/themes") }
        return nil
    }

    /// Theme files by name (file stem), each with its candidates best first: user, then bundled.
    /// Within a folder `NAME.yaml` wins over `NAME.yml`.
    static func themeFiles(bundledDir: String, userDir: String?) -> [String: [(String, ThemeInfo.Source)]] {
        var result: [String: [(String, ThemeInfo.Source)]] = [:]
        for (dir, source) in [(bundledDir, ThemeInfo.Source.bundled)] + (userDir.map { [($0, .user)] } ?? []) {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            var inDir: [String: String] = [:]
            for entry in entries.sorted() where !entry.hasPrefix(".") {
                guard let stem = fileStem(entry) else { continue }
                if inDir[stem] == nil || entry.hasSuffix(".yaml") { inDir[stem] = entry }
            }
            for (stem, entry) in inDir { result[stem, default: []].insert((join(dir, entry), source), at: 0) }
        }
        return result
    }

    // MARK: Helpers

    /// `light` for `themes/light.yaml`; nil when the name does not end in .yaml or .yml.
    static func fileStem(_ path: String) -> String? {
        let last = (path as NSString).lastPathComponent
        for ext in [".yaml", ".yml"] where last.hasSuffix(ext) && last.count > ext.count {
            return String(last.dropLast(ext.count))
        }
        return nil
    }

    private static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    private static func color(_ node: Node, line: Int, what: String, problems: inout Problems) -> Color? {
        let expected = "write \"#rrggbb\" (in quotes: an unquoted # starts a YAML comment) or terminal"
        if node.isNullValue {
            problems.add(line, "\(what) has no value; \(expected)")
            return nil
        }
        guard let s = node.scalar?.string.trimmingCharacters(in: .whitespaces) else {
            problems.add(line, "\(what) must be a colour, found \(node.shapeName); \(expected)")
            return nil
        }
        if s.lowercased() == "terminal" { return .terminal }
        let digits = s.dropFirst()
        if s.hasPrefix("#"), digits.count == 6 || digits.count == 3, digits.allSatisfy(\.isHexDigit),
           let c = Color(hex: s) {
            return c
        }
        problems.add(line, "bad colour '\(s.prefix(40))' for \(what); \(expected)")
        return nil
    }
}

/// Problems found in one file. Missing keys rank after everything else, so a typo is reported
/// at the misspelt key rather than as the role it failed to provide.
private struct Problems {
    let file: String
    var items: [(missing: Bool, error: ThemeError)] = []

    init(file: String) { self.file = file }

    mutating func add(_ line: Int, _ message: String, missing: Bool = false) {
        items.append((missing, ThemeError(file: file, line: max(1, line), message: message)))
    }

    var first: ThemeError? {
        items.enumerated().min { a, b in
            (a.element.missing ? 1 : 0, a.element.error.line, a.offset)
                < (b.element.missing ? 1 : 0, b.element.error.line, b.offset)
        }?.element.error
    }
}

/// A YAML mapping's entries with the line of each key.
private struct Entries {
    let line: Int
    private var values: [String: (line: Int, node: Node)] = [:]
    private(set) var keys: [(String, Int)] = []

    init?(_ node: Node, what: String, problems: inout Problems, keyLine: Int? = nil) {
        line = keyLine ?? node.mark?.line ?? 1
        guard case .mapping(let mapping) = node else {
            problems.add(line, "\(what) must be a mapping of keys to values, found \(node.shapeName)")
            return nil
        }
        for (k, v) in mapping {
            let kLine = k.mark?.line ?? line
            guard let key = k.scalar?.string else {
                problems.add(kLine, "keys in \(what) must be plain words, found \(k.shapeName)")
                continue
            }
            if let first = values[key] {
                problems.add(kLine, "duplicate key '\(key)' in \(what) (first at line \(first.line))")
                continue
            }
            values[key] = (kLine, v)
            keys.append((key, kLine))
        }
    }

    subscript(key: String) -> (line: Int, node: Node)? { values[key] }

    func allowOnly(_ allowed: [String], unknown: String, problems: inout Problems) {
        for (key, kLine) in keys where !allowed.contains(key) {
            let near = allowed.min { editDistance(key, $0) < editDistance(key, $1) }
            let hint = near.flatMap { editDistance(key, $0) <= 2 ? " (did you mean '\($0)'?)" : nil }
                ?? "; allowed: \(allowed.joined(separator: ", "))"
            problems.add(kLine, "\(unknown) '\(key)'\(hint)")
        }
    }
}

private extension Node {
    var isNullValue: Bool {
        if case .scalar(let s) = self { return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) }
        return false
    }

    var shapeName: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s): return isNullValue ? "nothing" : "'\(s.string.prefix(40))'"
        }
    }
}

private extension YamlError {
    var themeLine: Int? {
        switch self {
        case .scanner(let context, let problem, let mark, _):
            // An unclosed quote is found at the end of the file; where it opened is more useful.
            if problem.contains("end of stream"), let context { return context.mark.line }
            return mark.line
        case .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    var themeProblem: String {
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

/// Levenshtein distance, for "did you mean" hints.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    for i in 1...a.count {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return prev[b.count]
}
