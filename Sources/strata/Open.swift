import ArgumentParser
import Foundation
import StrataCatalog
import StrataCurses
import StrataImport
import StrataTerminal
import StrataUI

/// `strata` with no subcommand: the terminal UI.
struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open the terminal UI (the default command).",
        discussion: """
            Keys: ? shows the keys of the current screen. Remap them in \
            $XDG_CONFIG_HOME/strata/keys.yaml (action.name: [key, ...]). Set NO_COLOR for a screen \
            without colour. In tmux, `set -sg escape-time 10` makes Esc instant.
            """)

    @OptionGroup var options: CatalogOptions
    @Option(help: ArgumentHelp("Colour theme (see `strata themes`).", valueName: "name")) var theme: String?
    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (text selection works).")
    var noMouse = false

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            printError("strata: the UI needs a terminal; for scripts use a subcommand (strata --help)")
            throw ExitCode(1)
        }
        let catalog = try options.open()
        let env = ProcessInfo.processInfo.environment
        var warnings: [String] = []
        let themes = Themes.locate()
        let chosen = ThemeLoader.load(name: theme ?? ThemeLoader.defaultName, bundledDir: themes.bundled, userDir: themes.user)
        if let w = chosen.warning { warnings.append(w) }
        var keymap = Keymap()
        let keysFile = Keymap.userKeysFile()
        if let text = try? String(contentsOfFile: keysFile, encoding: .utf8) {
            warnings += keymap.apply(yaml: text, file: keysFile)
        }
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        let terminal = CursesTerminal(mouse: !noMouse, noColor: noColor)
        defer { terminal.end() }
        let (width, height) = terminal.size
        let app = try App(catalog: catalog, width: width, height: height, theme: chosen.theme, noColor: noColor,
                          keymap: keymap, mouse: !noMouse,
                          catalogLabel: options.chosenPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "demo stack",
                          themeProvider: themes.provider)
        if let first = warnings.first { app.show(message: first + (warnings.count > 1 ? " (+\(warnings.count - 1) more)" : "")) }
        Self.loop(app: app, terminal: terminal)
    }

    /// Draws, reads a key, applies it, until the app asks to quit.
    static func loop(app: App, terminal: CursesTerminal) {
        while true {
            terminal.draw(app.render())
            app.handle(terminal.next(timeoutMs: 1000))
            for effect in app.takeEffects() {
                switch effect {
                case .quit: return
                case .copyToClipboard(let text): terminal.copyToClipboard(text)
                case .setMouse(let on): terminal.setMouse(on)
                case .repaint: terminal.invalidate()
                }
            }
        }
    }
}

/// Where themes come from: the bundled themes/ folder and the user's.
enum Themes {
    struct Location {
        var bundled: String
        var user: String?
        var provider: ThemeProvider {
            // Read the theme folders once; a broken theme is still found by name (it loads as the
            // default with a warning) but is left out of `T`'s cycle.
            let themes = ThemeLoader.available(bundledDir: bundled, userDir: user)
            let known = Set(themes.map(\.name))
            return ThemeProvider(names: themes.filter { $0.problem == nil }.map(\.name)) { name in
                known.contains(name) ? ThemeLoader.load(name: name, bundledDir: bundled, userDir: user) : nil
            }
        }
    }

    static func locate() -> Location {
        let bundled = DemoCatalog.locateBundled("themes", marker: ThemeLoader.defaultName + ".yaml",
                                                override: "STRATA_THEMES_DIR",
                                                executable: CatalogOptions.executablePath(),
                                                sourceTree: CatalogOptions.sourceTree) ?? CatalogOptions.sourceTree + "/themes"
        return Location(bundled: bundled, user: ThemeLoader.userThemesDirectory())
    }
}

struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes", abstract: "List the colour themes (bundled, and yours in $XDG_CONFIG_HOME/strata/themes).")
    @OptionGroup var out: OutputOptions

    struct ThemeJSON: Encodable { var name: String, description: String, path: String, source: String, problem: String? }

    func run() throws {
        let location = Themes.locate()
        let themes = ThemeLoader.available(bundledDir: location.bundled, userDir: location.user)
        if out.json {
            return try printJSON(themes.map { ThemeJSON(name: $0.name, description: $0.description, path: $0.path,
                                                        source: $0.source.rawValue, problem: $0.problem?.description) })
        }
        for line in columns(themes.map { t in
            [t.name + (t.name == ThemeLoader.defaultName ? " (default)" : ""), t.source.rawValue,
             t.problem.map { "broken: \($0)" } ?? t.description]
        }) { say(line) }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Print the key reference (Markdown), generated from the action registry.")

    func run() throws {
        var keymap = Keymap()
        if let text = try? String(contentsOfFile: Keymap.userKeysFile(), encoding: .utf8) {
            for w in keymap.apply(yaml: text, file: Keymap.userKeysFile()) { printError(w) }
        }
        print(keymap.markdownReference(), terminator: "")
    }
}
