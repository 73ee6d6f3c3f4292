import ArgumentParser
import Foundation
import StrataCatalog
import StrataCurses
import StrataLogs
import StrataUI
import StrataTerminal

/// `strata log FILE`: the viewer on a terminal, the root cause for scripts.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Open a log in the viewer, or print the root cause of its failure.",
        discussion: """
            On a terminal (and without --root-cause or --json) the log opens in the viewer. Otherwise \
            strata prints the root cause: the line at the bottom of the failure, the chain that led \
            to it and a one-line summary; 'no failure found' when the log holds none. FILE may be \
            a .gz file, or - for standard input.
            """)

    @Argument(help: ArgumentHelp("The log file (.gz works; - reads standard input).", valueName: "file"))
    var file: String
    @Flag(name: .customLong("root-cause"), help: "Print the root cause of the failure.")
    var rootCause = false
    @Option(name: .customLong("run"), help: ArgumentHelp(
        "A dbt log holding several invocations: the one to read (its invocation id; default: the last).", valueName: "id"))
    var invocation: String?
    @OptionGroup var out: OutputOptions
    @Option(help: ArgumentHelp("Colour theme for the viewer (see `strata themes`).", valueName: "name")) var theme: String?

    func run() throws {
        let log: LogFile
        do { log = try LogFile(path: file, invocation: invocation) } catch let e as LogFile.Failure {
            printError("strata: \(e)")
            throw ExitCode(1)
        }
        if let invocation, log.invocation == nil {
            printError("strata: \(file) holds no dbt invocation '\(invocation)'")
            throw ExitCode(1)
        }
        // dbt appends every invocation to one dbt.log: the failure asked about is the last one's.
        if invocation == nil {
            let ids = log.invocationIDs()
            if ids.count > 1, let last = ids.last, log.narrow(toInvocation: last) {
                printError("strata: \(file) holds \(ids.count) dbt invocations; reading the last (\(last)); --run ID reads another")
            }
        }
        let interactive = isatty(STDOUT_FILENO) == 1 && (file == "-" || isatty(STDIN_FILENO) == 1)
        if interactive && !rootCause && !out.json {
            return try LogViewerRunner.run(log: log, theme: theme)
        }
        let analysis = RootCauseScanner().analyze(log)
        if out.json { return try printJSON(analysis) }
        printRootCause(analysis)
    }
}

func printRootCause(_ a: LogAnalysis, indent: String = "") {
    guard let r = a.rootCause else {
        say(indent + "no failure found in \(a.file) (\(a.lines) lines, \(a.format))")
        return
    }
    say(indent + r.summary)
    say(indent + "root cause at line \(r.line) (\(r.kind)):")
    say(indent + "  \(r.line): " + r.text)
    if r.chain.count > 1 {
        say(indent + "chain:")
        for c in r.chain { say(indent + "  \(c.line): " + TextWidth.truncate(c.text, to: 200)) }
    }
}

/// The viewer on its own (`strata log FILE` on a terminal): the app starts on the log, `q` quits.
enum LogViewerRunner {
    static func run(log: LogFile, theme: String?) throws {
        if log.path == "-" {
            // Standard input was the log; keys come from the terminal, as in less and tig.
            let tty = open("/dev/tty", O_RDONLY)
            guard tty >= 0 else { printError("strata: no terminal to read keys from"); throw ExitCode(1) }
            dup2(tty, STDIN_FILENO)
            close(tty)
        }
        let catalog = try Catalog(path: try CatalogOptions.demoCatalogPath())
        let env = ProcessInfo.processInfo.environment
        let themes = Themes.locate()
        let chosen = ThemeLoader.load(name: theme ?? ThemeLoader.defaultName, bundledDir: themes.bundled, userDir: themes.user)
        var keymap = Keymap()
        if let text = try? String(contentsOfFile: Keymap.userKeysFile(), encoding: .utf8) {
            _ = keymap.apply(yaml: text, file: Keymap.userKeysFile())
        }
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        let terminal = CursesTerminal(mouse: true, noColor: noColor)
        defer { terminal.end() }
        let (width, height) = terminal.size
        let app = try App(catalog: catalog, width: width, height: height, theme: chosen.theme, noColor: noColor,
                          keymap: keymap, catalogLabel: "log", themeProvider: themes.provider)
        let name = log.path == "-" ? "standard input" : URL(fileURLWithPath: log.path).lastPathComponent
        app.start(on: LogScreen(file: log, title: name))
        if let w = chosen.warning { app.show(message: w) }
        Open.loop(app: app, terminal: terminal)
    }
}
