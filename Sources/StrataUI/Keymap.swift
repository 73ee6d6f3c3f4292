import Foundation
import StrataTerminal
import StrataYAML
import Yams

/// Where an action applies. `.global` actions work on every screen.
public enum ScreenKind: String, CaseIterable, Sendable, Hashable {
    case global, home, browser, owner, dag, log, prompt

    public var title: String {
        switch self {
        case .global: "Everywhere"
        case .home: "Stack map"
        case .browser: "Browser"
        case .owner: "Owner page"
        case .dag: "DAG page"
        case .log: "Log"
        case .prompt: "Search and command prompts"
        }
    }
}

/// One user-visible action: a stable name, its default keys, what it does, and where it
/// applies. Declared once in `ActionRegistry.all`; key handling, the hint bar, `?` help, the
/// `:` command line and the README key reference are all generated from that one list.
public struct ActionSpec: Sendable, Hashable {
    public var name: String
    public var keys: [Key]
    public var help: String
    public var screens: Set<ScreenKind>
    /// Shown in the hint bar at the bottom of these screens.
    public var hint: Bool

    init(_ name: String, _ keys: [String], _ help: String, _ screens: Set<ScreenKind>, hint: Bool = false) {
        self.name = name
        self.keys = keys.map { Key(name: $0)! }
        self.help = help
        self.screens = screens
        self.hint = hint
    }
}

public enum ActionRegistry {
    static let lists: Set<ScreenKind> = [.home, .browser, .owner, .dag, .log]

    public static let all: [ActionSpec] = [
        // Everywhere
        ActionSpec("app.quit", ["ctrl-c"], "Quit strata", [.global]),
        ActionSpec("app.back", ["q", "esc"], "Go back (quit from the stack map)", [.global], hint: true),
        ActionSpec("history.back", ["backspace", "[", "alt-left"], "Back in history", [.global]),
        ActionSpec("history.forward", ["]", "alt-right"], "Forward in history", [.global]),
        ActionSpec("help.toggle", ["?", "f1"], "Show the keys that work here", [.global], hint: true),
        ActionSpec("search.open", ["/"], "Search tables, DAGs, owners, tools, terms", [.global], hint: true),
        ActionSpec("search.next", ["n"], "Open the next result of the last search", [.global]),
        ActionSpec("search.previous", ["N"], "Open the previous result of the last search", [.global]),
        ActionSpec("command.open", [":"], "Command line (:open, :owner, :theme, :lineage, :q)", [.global], hint: true),
        ActionSpec("go.home", ["H"], "The stack map (home)", [.global]),
        ActionSpec("go.browser", ["b"], "Browse by stage and by kind", [.global]),
        ActionSpec("owner.open", ["o"], "Owner of the selection: team, people, on-call", [.global], hint: true),
        ActionSpec("lineage.upstream", ["u"], "Lineage of the selection, upstream", [.global], hint: true),
        ActionSpec("lineage.downstream", ["d"], "Lineage of the selection, downstream", [.global]),
        ActionSpec("logs.open", ["L"], "Log of the selected task or run", [.global]),
        ActionSpec("copy.id", ["y"], "Copy the selection's id (OSC 52, works over SSH)", [.global]),
        ActionSpec("mouse.toggle", ["M"], "Mouse capture on/off (off lets the terminal select text)", [.global]),
        ActionSpec("theme.next", ["T"], "Next colour theme", [.global]),
        // Lists, trees and grids
        ActionSpec("move.down", ["j", "down"], "Down", lists),
        ActionSpec("move.up", ["k", "up"], "Up", lists),
        ActionSpec("move.left", ["h", "left"], "Left; collapse in trees", lists),
        ActionSpec("move.right", ["l", "right"], "Right; expand in trees", lists),
        ActionSpec("move.top", ["g", "home"], "First line", lists),
        ActionSpec("move.bottom", ["G", "end"], "Last line", lists),
        ActionSpec("page.down", ["ctrl-d", "pgdn", "space"], "Half a page down", lists),
        ActionSpec("page.up", ["ctrl-u", "pgup"], "Half a page up", lists),
        ActionSpec("pane.next", ["tab"], "Next pane", [.browser], hint: true),
        ActionSpec("pane.previous", ["shift-tab"], "Previous pane", [.browser]),
        ActionSpec("item.open", ["enter"], "Open the selection", [.home, .browser, .owner, .dag], hint: true),
        ActionSpec("lineage.deeper", ["+"], "Lineage: open one more level", [.browser]),
        ActionSpec("lineage.shallower", ["-"], "Lineage: open one level less", [.browser]),
        ActionSpec("lineage.failure", ["f"], "Lineage: open the log of the deepest failed task upstream", [.browser]),
        // DAG page and log viewer (issue #5)
        ActionSpec("dag.why", ["w"], "Why a run failed: the root cause in its log", [.dag, .home], hint: true),
        ActionSpec("log.error.next", ["e"], "Next error", [.log], hint: true),
        ActionSpec("log.error.previous", ["E"], "Previous error", [.log]),
        ActionSpec("log.warning.next", ["w"], "Next warning", [.log]),
        ActionSpec("log.warning.previous", ["W"], "Previous warning", [.log]),
        ActionSpec("log.root", ["r"], "Jump to the root cause of the failure", [.log], hint: true),
        ActionSpec("log.search.forward", ["/"], "Search forward (regex), matches highlighted", [.log], hint: true),
        ActionSpec("log.search.backward", ["?"], "Search backward (regex); F1 shows help here", [.log]),
        ActionSpec("log.match.next", ["n"], "Next match of the search", [.log]),
        ActionSpec("log.match.previous", ["N"], "Previous match of the search", [.log]),
        ActionSpec("log.follow", ["F"], "Follow new lines (up pauses, G resumes)", [.log], hint: true),
        ActionSpec("log.fold", ["z"], "Fold/unfold the record (a whole traceback)", [.log]),
        ActionSpec("log.wrap", ["s"], "Wrap long lines on/off (else h/l scroll)", [.log]),
        ActionSpec("log.filter", ["f"], "Show only WARNING and above / everything", [.log], hint: true),
        ActionSpec("log.time", ["t"], "Jump to a time (2026-11-22T03:14, 03:14:15)", [.log]),
        // Prompts
        ActionSpec("prompt.accept", ["enter"], "Open the result / run the command", [.prompt]),
        ActionSpec("prompt.cancel", ["esc", "ctrl-c"], "Close the prompt", [.prompt]),
        ActionSpec("prompt.down", ["down", "ctrl-n", "tab"], "Next result / completion", [.prompt]),
        ActionSpec("prompt.up", ["up", "ctrl-p", "shift-tab"], "Previous result / completion", [.prompt]),
        ActionSpec("prompt.erase", ["backspace"], "Delete a character", [.prompt]),
        ActionSpec("prompt.clear", ["ctrl-u"], "Clear the prompt", [.prompt]),
    ]

    public static func spec(_ name: String) -> ActionSpec? { all.first { $0.name == name } }
}

/// Keys → action names, per screen, after the user's keys.yaml is applied.
public struct Keymap: Sendable {
    public private(set) var specs: [ActionSpec]

    public init(specs: [ActionSpec] = ActionRegistry.all) { self.specs = specs }

    /// The action bound to `key` on `screen` (screen actions win over global ones).
    public func action(for key: Key, on screen: ScreenKind) -> String? {
        if let s = specs.first(where: { $0.screens.contains(screen) && $0.keys.contains(key) }) { return s.name }
        guard screen != .prompt else { return nil }
        return specs.first { $0.screens.contains(.global) && $0.keys.contains(key) }?.name
    }

    public func keys(of action: String) -> [Key] { specs.first { $0.name == action }?.keys ?? [] }

    /// The actions listed in `?` help for `screen`: its own, then the global ones with the keys
    /// they still have here (in the log viewer `/` searches the log, so "/ search the catalog"
    /// is not listed there, and help is "f1" alone).
    public func help(for screen: ScreenKind) -> [(ScreenKind, [ActionSpec])] {
        let own = specs.filter { $0.screens.contains(screen) && !$0.screens.contains(.global) }
        guard screen != .prompt else { return [(.prompt, own)] }
        let taken = Set(own.flatMap(\.keys))
        let global = specs.filter { $0.screens.contains(.global) }.compactMap { spec -> ActionSpec? in
            var left = spec
            left.keys.removeAll { taken.contains($0) }
            return left.keys.isEmpty ? nil : left
        }
        return [(screen, own), (.global, global)]
    }

    /// Hint-bar entries for `screen`: "key action" pairs, most useful first.
    public func hints(for screen: ScreenKind) -> [(key: String, label: String)] {
        // A global action whose key this screen takes for itself is not offered here.
        let own = Set(specs.filter { $0.screens.contains(screen) && !$0.screens.contains(.global) }.flatMap(\.keys))
        return specs.filter { $0.hint && ($0.screens.contains(screen) || $0.screens.contains(.global)) }
            .compactMap { spec in
                let key = spec.screens.contains(screen) ? spec.keys.first : spec.keys.first { !own.contains($0) }
                return key.map { (Self.keyLabel($0), Self.shortLabel(spec.name)) }
            }
    }

    static func keyLabel(_ k: Key) -> String {
        switch k {
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .function(let n): "F\(n)"
        default: k.description
        }
    }

    static func shortLabel(_ action: String) -> String {
        switch action {
        case "app.back": "back"
        case "help.toggle": "help"
        case "search.open": "search"
        case "command.open": "command"
        case "owner.open": "owner"
        case "lineage.upstream": "lineage"
        case "pane.next": "pane"
        case "item.open": "open"
        case "dag.why": "why"
        case "log.error.next": "error"
        case "log.root": "root cause"
        case "log.search.forward": "search"
        case "log.follow": "follow"
        case "log.filter": "≥warn"
        default: action.split(separator: ".").last.map(String.init) ?? action
        }
    }

    /// Applies a keys.yaml: `action.name: [key, key]` replaces that action's keys. Returns one
    /// warning per problem (with file and line); the rest of the file still applies.
    public mutating func apply(yaml: String, file: String) -> [String] {
        let sink = DiagnosticSink()
        func warn(_ line: Int, _ message: String) { sink.add(file, line, message) }
        guard let root = parseYAML(yaml, file: file, sink: sink, ifEmpty: nil) else {
            return sink.items.map(\.description)
        }
        guard case .mapping(let mapping) = root else {
            warn(root.mark?.line ?? 1, "expected a mapping of action names to key lists")
            return sink.items.map(\.description)
        }
        for (k, v) in mapping {
            let line = k.line
            guard let name = k.scalar?.string, let index = specs.firstIndex(where: { $0.name == name }) else {
                let near = closest(k.scalar?.string ?? "", in: specs.map(\.name))
                warn(line, "unknown action '\(k.scalar?.string ?? "?")'" + (near.map { " (did you mean '\($0)'?)" } ?? ""))
                continue
            }
            let names: [String]
            switch v {
            case .scalar(let s): names = [s.string]
            case .sequence(let seq): names = seq.compactMap { $0.scalar?.string }
            default:
                warn(line, "keys of '\(name)' must be a key or a list of keys")
                continue
            }
            var keys: [Key] = []
            for n in names {
                if let key = Key(name: n) { keys.append(key) } else {
                    warn(line, "'\(n)' is not a key name (examples: j, G, ctrl-d, alt-left, pgdn, enter, f1)")
                }
            }
            specs[index].keys = keys
            // A key can do one thing per screen: take it away from any other action that shares a screen.
            for i in specs.indices where i != index && !specs[i].screens.isDisjoint(with: specs[index].screens) {
                let before = specs[i].keys.count
                specs[i].keys.removeAll { keys.contains($0) }
                if specs[i].keys.count != before {
                    warn(line, "'\(name)' takes keys away from '\(specs[i].name)'")
                }
            }
        }
        return sink.items.map(\.description)
    }

    /// `$XDG_CONFIG_HOME/strata/keys.yaml`, else `~/.config/strata/keys.yaml`.
    public static func userKeysFile() -> String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/strata/keys.yaml" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.config/strata/keys.yaml"
    }

    /// The key reference as a Markdown table, generated from the registry (for the README).
    public func markdownReference() -> String {
        var out = ""
        for screen in ScreenKind.allCases {
            let actions = specs.filter { $0.screens.contains(screen) && (screen == .global || !$0.screens.contains(.global)) }
            guard !actions.isEmpty else { continue }
            // Actions shared by several screens are listed once, under the first of them.
            let first = actions.filter { spec in ScreenKind.allCases.first { spec.screens.contains($0) } == screen }
            guard !first.isEmpty else { continue }
            let others = Set(first.flatMap(\.screens)).subtracting([screen]).sorted { $0.rawValue < $1.rawValue }
            out += "\n**\(screen.title)**" + (others.isEmpty ? "" : " (also " + others.map(\.title).joined(separator: ", ") + ")")
            out += "\n\n| keys | action | does |\n| --- | --- | --- |\n"
            let union = Set(first.flatMap(\.screens))
            for a in first {
                let keys = a.keys.map { "`\($0.description == "|" ? "\\|" : $0.description)`" }.joined(separator: " ")
                // An action that works on some of the group's screens only says which.
                let only = Set(a.screens) == union ? ""
                    : " · " + ScreenKind.allCases.filter(a.screens.contains).map(\.title).joined(separator: ", ") + " only"
                out += "| \(keys) | `\(a.name)` | \(a.help)\(only) |\n"
            }
        }
        return out
    }
}

