import Foundation
import StrataTerminal
import StrataYAML
import Yams

/// A theme file that cannot be used, located to the line to fix: `FILE:LINE: message`
/// (`FILE: message`, line 0, only when the file as a whole cannot be read).
public typealias ThemeError = Diagnostic

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

    /// Colour roles a theme may leave out (added after themes were first published).
    public static let optionalColorRoles = ["log_root_bg", "log_match_bg"]

    static let topLevelKeys = ["name", "description", "monochrome", "colors", "stages"]

    // MARK: Parsing

    /// Parses one theme file. `file` is the path shown in errors; when it ends in `.yaml` or
    /// `.yml`, the theme's `name:` must equal the file name without the extension.
    public static func parse(_ text: String, file: String) throws -> Theme {
        // Every problem is collected; the first is thrown, missing keys ranking after the rest so
        // that a typo is reported at the misspelt key rather than as the role it failed to provide.
        let sink = DiagnosticSink()
        func add(_ line: Int, _ message: String, missing: Bool = false) {
            sink.add(file, line, message, missing: missing)
        }
        // A theme problem always names a line: 1 when it is about the whole file (empty, bad syntax).
        func firstProblem() -> ThemeError? {
            sink.first.map { ThemeError(file: $0.file, line: max(1, $0.line), message: $0.message) }
        }

        guard let root = parseYAML(text, file: file, sink: sink,
                                   ifEmpty: "file is empty; a theme needs name, colors and stages"),
              let top = mapping(root, line: root.line, what: "the theme", file: file, sink: sink)
        else { throw firstProblem()! }
        top.allowOnly(topLevelKeys, listAllowed: .unlessSuggesting)

        // name
        var name = ""
        if let node = top.node("name") {
            let line = top.keyLine("name")
            if let s = node.scalar?.string, !s.trimmingCharacters(in: .whitespaces).isEmpty {
                name = s
                if let stem = fileStem(file), stem != s {
                    add(line, "theme name '\(s)' does not match the file name '\(stem)'; "
                        + "rename one so `--theme \(stem)` finds it")
                }
            } else {
                add(line, "'name' must be a word like \(fileStem(file) ?? "my-theme"), found \(shape(node))")
            }
        } else {
            add(top.keyLine("name"), "missing required key 'name'", missing: true)
        }

        // description
        var description = ""
        if let node = top.node("description") {
            if let s = node.scalar?.string { description = s }
            else { add(top.keyLine("description"), "'description' must be one line of text, found \(shape(node))") }
        }

        // monochrome
        var monochrome = false
        if let node = top.node("monochrome") {
            switch node.scalar?.string.lowercased() {
            case "true", "yes": monochrome = true
            case "false", "no": monochrome = false
            default: add(top.keyLine("monochrome"), "'monochrome' must be true or false, found \(shape(node))")
            }
        }

        // colors
        var colors: [String: Color] = [:]
        if let node = top.node("colors") {
            let line = top.keyLine("colors")
            if let roles = mapping(node, line: line, what: "'colors'", file: file, sink: sink) {
                roles.allowOnly(colorRoles + optionalColorRoles, noun: "colour role", listAllowed: .unlessSuggesting)
                for role in optionalColorRoles {
                    if let found = roles.value(role),
                       let c = color(found, line: roles.keyLine(role), what: "colour role '\(role)'", report: { add($0, $1) }) {
                        colors[role] = c
                    }
                }
                for role in colorRoles {
                    guard let found = roles.value(role) else {
                        add(line, "missing colour role '\(role)' in 'colors' (every role is required)", missing: true)
                        continue
                    }
                    if let c = color(found, line: roles.keyLine(role), what: "colour role '\(role)'",
                                     report: { add($0, $1) }) {
                        colors[role] = c
                    }
                }
            }
        } else {
            add(top.keyLine("colors"), "missing required key 'colors' (roles: \(colorRoles.joined(separator: ", ")))",
                missing: true)
        }

        // stages
        var stages: [Color] = []
        if let node = top.node("stages") {
            let line = top.keyLine("stages")
            if case .sequence(let seq) = node {
                if seq.isEmpty { add(line, "'stages' must list at least one colour") }
                for (i, item) in seq.enumerated() {
                    let itemLine = item.mark?.line ?? line
                    if let c = color(item, line: itemLine, what: "stage colour \(i + 1)", report: { add($0, $1) }) {
                        stages.append(c)
                    }
                }
            } else {
                add(line, "'stages' must be a list of colours, one per stage, like [\"#88c0d0\", \"#a3be8c\"]; "
                    + "found \(shape(node))")
            }
        } else {
            add(top.keyLine("stages"), "missing required key 'stages' (one colour per stage)", missing: true)
        }

        if let first = firstProblem() { throw first }
        func c(_ role: String) -> Color { colors[role] ?? .terminal }
        return Theme(
            name: name, description: description, background: c("background"), text: c("text"),
            muted: c("muted"), accent: c("accent"), selectionFG: c("selection_fg"), selectionBG: c("selection_bg"),
            border: c("border"), title: c("title"), stages: stages, ok: c("ok"), warn: c("warn"), fail: c("fail"),
            running: c("running"), skipped: c("skipped"), upstreamFailed: c("upstream_failed"),
            logDebug: c("log_debug"), logInfo: c("log_info"), logWarning: c("log_warning"),
            logError: c("log_error"), logCritical: c("log_critical"), logRootBG: colors["log_root_bg"],
            logMatchBG: colors["log_match_bg"], monochrome: monochrome)
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

    /// A theme message names a value by its quoted text alone (`found 'sometimes'`).
    private static func shape(_ node: Node) -> String { node.shapeName(namingScalarType: false) }

    /// `node` read as a mapping, or nil after reporting at `line` that it is not one.
    private static func mapping(_ node: Node, line: Int, what: String, file: String,
                                sink: DiagnosticSink) -> YAMLMap? {
        guard case .mapping = node else {
            sink.add(file, line, "\(what) must be a mapping of keys to values, found \(shape(node))")
            return nil
        }
        return YAMLMap(node, file: file, sink: sink, what: what)
    }

    private static func color(_ node: Node, line: Int, what: String,
                              report: (_ line: Int, _ message: String) -> Void) -> Color? {
        let expected = "write \"#rrggbb\" (in quotes: an unquoted # starts a YAML comment) or terminal"
        if node.isNull {
            report(line, "\(what) has no value; \(expected)")
            return nil
        }
        guard let s = node.scalar?.string.trimmingCharacters(in: .whitespaces) else {
            report(line, "\(what) must be a colour, found \(shape(node)); \(expected)")
            return nil
        }
        if s.lowercased() == "terminal" { return .terminal }
        let digits = s.dropFirst()
        if s.hasPrefix("#"), digits.count == 6 || digits.count == 3, digits.allSatisfy(\.isHexDigit),
           let c = Color(hex: s) {
            return c
        }
        report(line, "bad colour '\(s.prefix(40))' for \(what); \(expected)")
        return nil
    }
}
