import ArgumentParser
import BenchSupport
import Foundation
import GRDB
import StrataCatalog
import StrataImport
import StrataTestSupport
import StrataTerminal
import StrataUI

/// `make bench-ui`: how long strata's terminal UI takes to show its first frame, and to show
/// the next frame after a key, on the demo catalog and on a generated catalog of 100,000
/// tables. Progress goes to stderr, the report (Markdown) to stdout.
@main
struct UILatency {
    struct Options {
        var tables = 100_000
        var runsPerDag = 5
        var seed: UInt64 = 42
        var dataDir = "data"
        var demoFolder = "../catalog"
        var strata = "../.build/release/strata"
        var themes = "../themes"
        var tmuxConf = "../Tests/e2e/tmux.conf"
        var width = 120
        var height = 40
        var frameSamples = 20
        var processRuns = 10
        var reps = 5
        var pollMs = 2.0
        var demo = true
        var big = true
        var process = true
        var keys = true
        var generateOnly = false
    }

    /// The command line (swift-argument-parser); `options` turns it into `Options`.
    struct Arguments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ui-latency",
            abstract: "UI latency report for strata (Markdown on stdout, progress on stderr).",
            discussion: """
                Measures, at 120x40: (a) in process, opening the catalog + App + first render(); \
                (b) the release binary's first frame inside tmux, and `strata stats` as a floor; \
                (c) handle(key) + render() per key along scripted key sequences. Runs on the demo \
                catalog and on a generated catalog of --tables tables (kept in --data).

                Usage errors exit with status 2.
                """
        )

        @Option(help: ArgumentHelp("Tables in the generated (big) catalog.", valueName: "n"))
        var tables = 100_000
        @Option(help: ArgumentHelp("DAG runs per DAG in the generated catalog.", valueName: "n"))
        var runsPerDag = 5
        @Option(help: ArgumentHelp("The release strata binary run inside tmux.", valueName: "path"))
        var strata = "../.build/release/strata"
        @Option(help: ArgumentHelp("In-process first-frame samples per catalog.", valueName: "n"))
        var frameSamples = 20
        @Option(help: ArgumentHelp("Runs of the binary's first frame in tmux per catalog.", valueName: "n"))
        var processRuns = 10
        @Option(help: ArgumentHelp("Timed passes per key sequence (after 1 untimed warm-up).", valueName: "n"))
        var reps = 5
        @Option(help: ArgumentHelp("How often to poll the tmux pane, in milliseconds.", valueName: "ms"))
        var pollMs = 2.0
        @Flag(name: .customLong("no-process"), help: "Skip the release binary's first frame in tmux.")
        var noProcess = false
        @Flag(name: .customLong("no-keys"), help: "Skip the keystroke-to-frame measurements.")
        var noKeys = false

        @OptionGroup var catalogs: CatalogOptions

        var options: Options {
            var o = Options()
            o.tables = tables; o.runsPerDag = runsPerDag; o.seed = catalogs.seed
            o.dataDir = catalogs.dataDir; o.demoFolder = catalogs.demoFolder; o.strata = strata
            o.frameSamples = frameSamples; o.processRuns = processRuns; o.reps = reps; o.pollMs = pollMs
            o.demo = !catalogs.noDemo; o.big = !catalogs.noBig; o.process = !noProcess; o.keys = !noKeys
            o.generateOnly = catalogs.generateOnly
            return o
        }
    }

    static func parse() -> Options { Arguments.parseOrExit2().options }

    static func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
    static func out(_ s: String = "") { print(s); fflush(nil) }

    static func absolute(_ p: String) -> String {
        URL(fileURLWithPath: p, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    struct CatalogUnderTest {
        var label: String
        var path: String
        var lineageTable: String
        var dag: String
        var lastStage: String
    }

    static func main() throws {
        var o = parse()
        o.dataDir = absolute(o.dataDir); o.strata = absolute(o.strata); o.themes = absolute(o.themes)
        o.tmuxConf = absolute(o.tmuxConf)
        let clock = ContinuousClock()
        let runStart = clock.now
        try FileManager.default.createDirectory(atPath: o.dataDir, withIntermediateDirectories: true)

        out("# strata UI latency")
        out()
        out(Machine.describe())
        out("- screen \(o.width)x\(o.height); in-process first frame: \(o.frameSamples) samples per catalog; "
            + "process first frame: \(o.processRuns) runs; keys: 1 untimed warm-up pass + \(o.reps) timed passes per sequence")
        out()

        var catalogs: [CatalogUnderTest] = []
        if o.demo {
            let path = o.dataDir + "/demo-ui.sqlite"
            let t0 = clock.now
            let content = try CatalogBuild.build(folder: o.demoFolder, output: path)
            out("- demo catalog: built from `\(o.demoFolder)` in \(fmt((clock.now - t0).milliseconds)) ms, "
                + "\(content.entities.count) entities, \(fileSize(path))")
            catalogs.append(try describe(label: "demo", path: path))
        }
        if o.big {
            let shape = SyntheticCatalog.Shape(tables: o.tables, runsPerDag: o.runsPerDag)
            let path = o.dataDir + "/synthetic-ui-\(o.tables)-tables.sqlite"
            if let took = try SyntheticCatalog.ensure(path: path, shape: shape, seed: o.seed, log: log) {
                out(String(format: "- synthetic catalog: **generated in %.1f s** (%d entities: %@), ", took.seconds,
                           shape.total, shape.description) + fileSize(path) + ", `\(path)`")
            } else {
                let took = SyntheticCatalog.recordedGenerationSeconds(path: path).map { "\($0) s" } ?? "not recorded"
                out("- synthetic catalog: reused `\(path)` (\(shape.total) entities: \(shape.description), "
                    + "\(fileSize(path))); its generation took \(took)")
            }
            catalogs.append(try describe(label: "\(o.tables / 1000)k tables", path: path))
        }
        for c in catalogs {
            out("- \(c.label): lineage sequence on table `\(c.lineageTable)`, DAG sequence on `\(c.dag)`")
        }
        out()
        if o.generateOnly { return }

        // (a) In process.
        out("## First frame, in process")
        out()
        out("`Catalog(path:)` (as the binary opens it: read-write, migrations checked) + default theme loaded from "
            + "`themes/` + `App(catalog:width:\(o.width),height:\(o.height))` + one `render()`. A new `Catalog` "
            + "for every sample; the OS page cache stays warm. \"first\" is the first sample of the process "
            + "(SQLite and GRDB not yet initialised, no statement cached anywhere).")
        out()
        var t = MarkdownTable(["catalog", "first ms", "p50 ms", "p95 ms", "max ms", "samples",
                               "open p50", "theme p50", "App() p50", "render() p50"],
                              rightAligned: Set(1...9))
        for c in catalogs {
            log("first frame in process: \(c.label)")
            let r = try inProcessFirstFrame(c, o)
            t.add([c.label, fmt(r.first), fmt(r.total.p50), fmt(r.total.p95), fmt(r.total.max), String(r.total.count),
                   fmt(r.open.p50), fmt(r.theme.p50), fmt(r.app.p50), fmt(r.render.p50)])
        }
        out(t.markdown)

        // (b) The real binary.
        if o.process {
            try processFirstFrame(catalogs, o)
        }

        // (c) Keys.
        if o.keys {
            out("## Keystroke to frame, in process")
            out()
            out("`app.handle(.key(k))` + `app.render()` per key, at \(o.width)x\(o.height), along the sequences "
                + "below; each sequence starts from a new `App` on the home screen (one `Catalog` per catalog, "
                + "kept open, as in the binary). `handle` includes every catalog query the key causes; "
                + "`render` only draws.")
            out()
            for c in catalogs {
                log("keys: \(c.label)")
                let (table, problems) = try keystrokes(c, o)
                out("### \(c.label)")
                out()
                out(table.markdown)
                for p in problems { out("- **check failed:** \(p)") }
                if !problems.isEmpty { out() }
            }
        }
        out(String(format: "_Whole run: %.0f s._", (clock.now - runStart).seconds))
    }

    // MARK: Catalog facts

    static func describe(label: String, path: String) throws -> CatalogUnderTest {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: path, configuration: config)
        return try db.read { db in
            // The lineage sequence wants a table with a writing task deep in a DAG's chain (so
            // `+` has hops to show) and runs; the demo's best-known table when it is there.
            var table = try String.fetchOne(db, sql: "SELECT id FROM entity WHERE id = 'analytics.marts.fct_orders'")
            if table == nil {
                table = try String.fetchOne(db, sql: """
                    SELECT ed.to_id FROM edge ed JOIN task t ON t.id = ed.from_id
                    JOIN entity e ON e.id = ed.to_id AND e.kind = 'table'
                    ORDER BY CAST(replace(t.task_id, rtrim(t.task_id, '0123456789'), '') AS INTEGER) DESC, ed.to_id
                    LIMIT 1
                    """)
            }
            var dag = try String.fetchOne(db, sql: "SELECT id FROM entity WHERE id = 'dbt_core_nightly' AND kind = 'dag'")
            if dag == nil {
                dag = try String.fetchOne(db, sql: """
                    SELECT dag_id FROM task WHERE dag_id IN (SELECT dag_id FROM dag_run WHERE state = 'failed')
                    GROUP BY dag_id ORDER BY count(*) DESC, dag_id LIMIT 1
                    """)
            }
            let lastStage = try String.fetchOne(db, sql: """
                SELECT e.name FROM entity e JOIN stage s ON s.id = e.id ORDER BY s.position DESC LIMIT 1
                """) ?? ""
            guard let table, let dag else { throw BenchError("\(path): no table with a writer, or no DAG") }
            return CatalogUnderTest(label: label, path: path, lineageTable: table, dag: dag, lastStage: lastStage)
        }
    }

    static func fileSize(_ path: String) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return String(format: "%.1f MB", Double(size) / 1_000_000)
    }

    // MARK: (a) in process

    struct FirstFrame { var first: Double; var total, open, theme, app, render: Samples }

    static func inProcessFirstFrame(_ c: CatalogUnderTest, _ o: Options) throws -> FirstFrame {
        let clock = ContinuousClock()
        var total: [Double] = [], open: [Double] = [], theme: [Double] = [], app: [Double] = [], render: [Double] = []
        for _ in 0..<max(1, o.frameSamples) {
            let t0 = clock.now
            let catalog = try Catalog(path: c.path)
            let t1 = clock.now
            let chosen = ThemeLoader.load(name: ThemeLoader.defaultName, bundledDir: o.themes, userDir: nil)
            let t2 = clock.now
            let a = try App(catalog: catalog, width: o.width, height: o.height, theme: chosen.theme,
                            catalogLabel: URL(fileURLWithPath: c.path).lastPathComponent)
            let t3 = clock.now
            let grid = a.render()
            let t4 = clock.now
            guard grid.text.contains("Stack map"), grid.text.contains(c.lastStage) else {
                throw BenchError("the first frame does not show the stack map:\n\(grid.text)")
            }
            total.append((t4 - t0).milliseconds); open.append((t1 - t0).milliseconds)
            theme.append((t2 - t1).milliseconds); app.append((t3 - t2).milliseconds); render.append((t4 - t3).milliseconds)
            try catalog.close()
        }
        return FirstFrame(first: total[0], total: Samples(total), open: Samples(open), theme: Samples(theme),
                          app: Samples(app), render: Samples(render))
    }

    // MARK: (b) the binary in tmux

    static func processFirstFrame(_ catalogs: [CatalogUnderTest], _ o: Options) throws {
        out("## First frame of the real binary, in tmux")
        out()
        guard FileManager.default.isExecutableFile(atPath: o.strata) else {
            out("_Skipped: no release binary at `\(o.strata)` (build it with `swift build -c release --product strata`)._")
            out()
            return
        }
        let server = try TmuxServer(conf: o.tmuxConf)
        defer { server.close() }
        let home = server.tmpdir
        try FileManager.default.createDirectory(atPath: home + "/config", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home + "/cache", withIntermediateDirectories: true)
        let env = ["TERM=tmux-256color", "LANG=C.UTF-8", "SWIFT_BACKTRACE=enable=no",
                   "XDG_CONFIG_HOME=\(home)/config", "XDG_CACHE_HOME=\(home)/cache", "HOME=\(home)"]
        func command(_ argv: [String]) -> String {
            "exec env " + env.map(TmuxServer.quote).joined(separator: " ") + " " + argv.map(TmuxServer.quote).joined(separator: " ")
        }
        var t = MarkdownTable(["catalog", "what", "p50 ms", "p95 ms", "max ms", "min ms", "runs",
                               "capture-pane round trip ms", "tmux new-session client ms"],
                              rightAligned: Set(2...8))
        var runNumber = 0
        func measureTmux(_ label: String, _ what: String, _ cmd: String, markers: [String]) throws {
            var frames: [Double] = [], polls: [Double] = [], creates: [Double] = []
            _ = try server.timeToText(cmd, markers: markers, width: o.width, height: o.height, name: "w\(runNumber)",
                                     pollEveryMs: o.pollMs)   // warm-up
            runNumber += 1
            for _ in 0..<max(1, o.processRuns) {
                let r = try server.timeToText(cmd, markers: markers, width: o.width, height: o.height, name: "r\(runNumber)",
                                             pollEveryMs: o.pollMs)
                runNumber += 1
                frames.append(r.firstFrame); polls.append(r.pollInterval); creates.append(r.newSession)
            }
            let s = Samples(frames)
            t.add([label, what, fmt(s.p50), fmt(s.p95), fmt(s.max), fmt(s.ms.first ?? .nan), String(s.count),
                   fmt(Samples(polls).p50), fmt(Samples(creates).p50)])
        }
        log("tmux floor")
        try measureTmux("–", "tmux floor: `sh -c 'echo READY; exec sleep 60'` until READY shows",
                        "echo READY; exec sleep 60", markers: ["READY"])
        for c in catalogs {
            log("binary first frame: \(c.label)")
            try measureTmux(c.label, "`strata --catalog FILE` until the stack map shows",
                            command([o.strata, "--catalog", c.path]),
                            markers: ["Stack map", "Enter explains", c.lastStage, "? help"])
            // The floor without a terminal: process start, open, stats queries, exit.
            var stats: [Double] = []
            let clock = ContinuousClock()
            let spawnEnv = ["PATH": "/usr/bin:/bin", "HOME": home, "XDG_CONFIG_HOME": home + "/config",
                            "XDG_CACHE_HOME": home + "/cache", "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no"]
            for i in 0...max(1, o.processRuns) {
                let t0 = clock.now
                let r = try Spawn.run([o.strata, "stats", "--catalog", c.path], env: spawnEnv)
                guard r.status == 0 else { throw BenchError("strata stats failed (\(r.status))") }
                if i > 0 { stats.append((clock.now - t0).milliseconds) }
            }
            let s = Samples(stats)
            t.add([c.label, "`strata stats --catalog FILE` (posix_spawn + waitpid, no tmux)", fmt(s.p50), fmt(s.p95),
                   fmt(s.max), fmt(s.ms.first ?? .nan), String(s.count), "", ""])
            var help: [Double] = []
            for i in 0...max(1, o.processRuns) {
                let t0 = clock.now
                _ = try Spawn.run([o.strata, "--help"], env: spawnEnv)
                if i > 0 { help.append((clock.now - t0).milliseconds) }
            }
            let h = Samples(help)
            t.add([c.label, "`strata --help` (process start only)", fmt(h.p50), fmt(h.p95), fmt(h.max),
                   fmt(h.ms.first ?? .nan), String(h.count), "", ""])
        }
        out("Each run: `tmux -L <private socket> new-session -d -x \(o.width) -y \(o.height) '<command>'` on an "
            + "already running private server (TMUX_TMPDIR private, `Tests/e2e/tmux.conf`), then "
            + "`capture-pane -p` every ~\(o.pollMs) ms until the markers are all on screen (for strata: \"Stack map\", the "
            + "summary line, the last stage and \"? help\"). Each capture is a tmux client process, so the "
            + "real polling interval is at least the capture round trip shown: a frame is seen up to one round "
            + "trip late. One untimed warm-up run per row. The tmux floor row is the same procedure with a shell "
            + "that prints at once: subtract it to get strata's own share.")
        out()
        out(t.markdown)
    }

    // MARK: (c) keys

    struct Step {
        var label: String
        var event: InputEvent
        init(_ label: String, _ key: Key) { self.label = label; event = .key(key) }
    }

    static func chars(_ label: String, _ text: String) -> [Step] {
        text.map { Step(label, .char($0)) }
    }

    static func repeated(_ n: Int, _ label: String, _ key: Key) -> [Step] {
        Array(repeating: Step(label, key), count: n)
    }

    /// A named key sequence, with checks on the screen after given steps (by index).
    struct Sequence {
        var name: String
        var steps: [Step]
        var checks: [Int: [String]] = [:]
    }

    static func sequences(_ c: CatalogUnderTest) -> [Sequence] {
        var seqs: [Sequence] = []
        // Home, then the browser: Enter on a stage, back, Enter on the last tool, then the
        // navigator: over the stage rows, collapse "By stage", expand Tables, walk the tables.
        var s = Sequence(name: "home + browser", steps: [])
        s.steps += repeated(8, "home `j`", .char("j"))
        s.steps += repeated(3, "home `k`", .char("k"))
        s.steps.append(Step("home `g`", .char("g")))
        s.steps += repeated(3, "home `l` (next stage)", .char("l"))   // extract → load → storage → transform
        s.steps.append(Step("home `Enter` on stage Transform → browser (stage expanded)", .enter))
        s.checks[s.steps.count - 1] = ["▾ Transform"]
        s.steps.append(Step("browser `q` → back home", .char("q")))
        s.steps.append(Step("home `G` (last tool)", .char("G")))
        s.steps.append(Step("home `Enter` on a tool → browser", .enter))
        s.steps.append(Step("browser `g` (top)", .char("g")))
        s.steps += repeated(10, "browser `j` over the stage rows", .char("j"))
        s.steps.append(Step("browser `g` (top)", .char("g")))
        s.steps.append(Step("browser `h` collapses \"By stage\"", .char("h")))
        s.steps.append(Step("browser `j` onto Tables", .char("j")))
        s.steps.append(Step("browser `l` expands Tables", .char("l")))
        s.checks[s.steps.count - 1] = ["▾ Tables"]
        s.steps += repeated(30, "browser `j` to the next table (detail + lineage load)", .char("j"))
        s.steps += repeated(5, "browser `k` to the previous table", .char("k"))
        s.steps.append(Step("browser `u` on a table (upstream lineage)", .char("u")))
        s.steps.append(Step("browser `d` on a table (downstream lineage)", .char("d")))
        s.steps.append(Step("browser `+` (one more level open)", .char("+")))
        s.steps += repeated(3, "browser `Tab` (next pane)", .tab)
        s.steps += repeated(3, "browser `ctrl-d` (half page down)", .ctrl("d"))
        s.steps.append(Step("browser `G` (last row)", .char("G")))
        s.steps.append(Step("browser `g` (top)", .char("g")))
        seqs.append(s)

        // Lineage of one table: open it by id, then u, deeper, d.
        var l = Sequence(name: "lineage", steps: [Step("`:` opens the command line", .char(":"))])
        l.steps += chars("command line: typing a character", "open " + c.lineageTable)
        l.steps.append(Step("`:open TABLE` `Enter` → browser on the table", .enter))
        l.checks[l.steps.count - 1] = ["table · " + c.lineageTable]
        l.steps.append(Step("browser `u` on a table (upstream lineage)", .char("u")))
        l.steps.append(Step("browser `+` (one more level open)", .char("+")))
        l.steps.append(Step("browser `+` (one more level open)", .char("+")))
        l.steps.append(Step("browser `+` (one more level open)", .char("+")))
        l.checks[l.steps.count - 1] = ["upstream · 4 levels open"]
        l.steps.append(Step("browser `-` (one level less)", .char("-")))
        l.steps.append(Step("browser `d` on a table (downstream lineage)", .char("d")))
        l.steps += repeated(3, "browser `Tab` (next pane)", .tab)
        seqs.append(l)

        // Search as typed, then open the first hit.
        var q = Sequence(name: "search", steps: [Step("`/` opens search", .char("/"))])
        var typed = ""
        for ch in "orders" {
            typed.append(ch)
            q.steps.append(Step("search: typed `\(typed)`", .char(ch)))
        }
        q.steps.append(Step("search `Enter` opens the first hit", .enter))
        seqs.append(q)

        // A DAG page and its grid.
        var d = Sequence(name: "dag", steps: [Step("`:` opens the command line", .char(":"))])
        d.steps += chars("command line: typing a character", "dag " + c.dag)
        d.steps.append(Step("`:dag X` `Enter` → DAG page", .enter))
        d.checks[d.steps.count - 1] = ["DAG · "]
        d.steps += repeated(4, "DAG `h` (earlier run)", .char("h"))
        d.steps += repeated(4, "DAG `l` (later run)", .char("l"))
        d.steps += repeated(10, "DAG `j` (next task)", .char("j"))
        d.steps += repeated(5, "DAG `k` (previous task)", .char("k"))
        seqs.append(d)
        return seqs
    }

    static func keystrokes(_ c: CatalogUnderTest, _ o: Options) throws -> (MarkdownTable, [String]) {
        let clock = ContinuousClock()
        let catalog = try Catalog(path: c.path)
        defer { try? catalog.close() }
        let theme = ThemeLoader.load(name: ThemeLoader.defaultName, bundledDir: o.themes, userDir: nil).theme
        var order: [String] = []
        var total: [String: [Double]] = [:], render: [String: [Double]] = [:]
        var problems: [String] = []
        for pass in 0...max(1, o.reps) {
            for seq in sequences(c) {
                let app = try App(catalog: catalog, width: o.width, height: o.height, theme: theme,
                                  catalogLabel: URL(fileURLWithPath: c.path).lastPathComponent)
                _ = app.render()
                for (i, step) in seq.steps.enumerated() {
                    let t0 = clock.now
                    app.handle(step.event)
                    let t1 = clock.now
                    let grid = app.render()
                    let t2 = clock.now
                    if pass == 0, let wanted = seq.checks[i] {
                        let text = grid.text
                        for w in wanted where !text.contains(w) {
                            problems.append("\(seq.name), step \(i + 1) (\(step.label)): the screen lacks \"\(w)\"")
                            if ProcessInfo.processInfo.environment["UI_LATENCY_DEBUG"] != nil { log(text) }
                        }
                    }
                    guard pass > 0 else { continue }
                    if total[step.label] == nil { order.append(step.label) }
                    total[step.label, default: []].append((t2 - t0).milliseconds)
                    render[step.label, default: []].append((t2 - t1).milliseconds)
                }
            }
        }
        var t = MarkdownTable(["key", "p50 ms", "p95 ms", "max ms", "n", "of which render() p50"],
                              rightAligned: [1, 2, 3, 4, 5])
        for label in order {
            let s = Samples(total[label]!)
            let flag = s.p95 > 16 ? " **> 16 ms**" : ""
            t.add([label + flag, fmt(s.p50), fmt(s.p95), fmt(s.max), String(s.count), fmt(Samples(render[label]!).p50)])
        }
        return (t, problems)
    }
}

