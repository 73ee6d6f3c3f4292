import Foundation
import StrataImport
import StrataLogs
import StrataTerminal
import StrataTestSupport
import Testing
@testable import StrataUI

/// The log viewer driven through the app with keys, read back as screen text.
@Suite struct LogViewerTests {
    static let demoLogs = repositoryRoot + "/catalog/logs"
    static let marketing = demoLogs + "/dag_id=marketing_attribution/run_id=scheduled__2026-11-22T04:30:00+00:00/task_id=load_platform_conversions/attempt=2.log"
    static let spark = demoLogs + "/dag_id=clickstream_sessionize/run_id=scheduled__2026-11-22T03:00:00+00:00/task_id=sessionize_events/attempt=2.log"

    func open(_ path: String, width: Int = 120, height: Int = 30) throws -> App {
        let app = try makeApp(width: width, height: height)
        app.open(.log(LogLink(path: path, title: "test log")))
        return app
    }

    /// The screen row that shows line `n` (its number, then the text), if on screen.
    func row(_ app: App, line n: Int) -> String? {
        let pattern = try! NSRegularExpression(pattern: "^│ *\(n)[ ▶┃▸] ")
        return app.screenText.split(separator: "\n").map(String.init).first {
            pattern.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil
        }
    }


    /// A dbt run's log in a file dbt appended several invocations to: the viewer shows the run's
    /// part, numbered as the file is, and lands on the failing node's own error.
    @Test func aDbtRunsPartOfASharedLog() throws {
        let dir = try makeTempDirectory("viewer-dbt")
        func invocation(_ id: String, _ model: String, _ message: String) -> String {
            "\n\n============================== 05:00:00.000001 | \(id) ==============================\n"
                + "05:00:00.000002 [info ] [MainThread]: Running with dbt=1.11.0\n"
                + "05:00:01.000000 [debug] [Thread-1 (]: Runtime Error in model \(model) (models/\(model).sql)\n  \(message)\n"
                + "05:00:02.000000 [info ] [MainThread]: Done.\n"
        }
        let earlier = invocation("run-a", "stg_orders", "Binder Error: earlier")
        let path = dir + "/dbt.log"
        try (earlier + invocation("run-b", "stg_orders", "Binder Error: other node") + invocation("run-b2", "x", "y"))
            .replacingOccurrences(of: "run-b2", with: "run-c").write(toFile: path, atomically: true, encoding: .utf8)
        let own = invocation("run-d", "stg_orders", "Binder Error: not this node")
            + "05:00:03.000000 [debug] [Thread-2 (]: Runtime Error in model stg_payments (models/stg_payments.sql)\n  Binder Error: mine\n"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile(); handle.write(Data(own.utf8)); try handle.close()
        let app = try makeApp(width: 120, height: 30)
        app.open(.log(LogLink(path: path, title: "dbt", run: "run-d", task: "model.shop.stg_payments")))
        let text = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let mine = try #require(text.firstIndex { $0 == "  Binder Error: mine" }) + 1
        #expect(try #require(row(app, line: mine)).contains("▶   Binder Error: mine"))
        #expect(app.screenText.contains("root cause line \(mine): dbt_error"))
        // The part starts at its header, after the blank lines dbt writes before one.
        #expect(app.screenText.contains("dbt invocation run-d only, from line \(mine - 6)"))
        #expect(!app.screenText.contains("earlier"))
    }

    @Test func opensOnTheRootCauseWithItsChainMarked() throws {
        let app = try open(Self.marketing)
        let root = try #require(row(app, line: 39))
        #expect(root.contains("▶ KeyError: 'purchase_value'"))
        #expect(app.screenText.contains("root cause line 39: python_exception"))
        let screen = try #require(app.screen as? LogScreen)
        #expect(screen.rootCause?.chain.map(\.line) == [39, 67])
    }

    /// With wrap off, a root-cause line wider than the screen is still shown whole (the end of
    /// a warehouse error says what was wrong); other long lines stay cut.
    @Test func rootCauseLineIsShownWhole() throws {
        let log = repositoryRoot + "/catalog/logs/dag_id=ab_metrics_logged_out/run_id=scheduled__2026-11-22T06:00:00+00:00/task_id=build_exposures/attempt=1.log"
        let app = try open(log, width: 100, height: 30)
        let screen = try #require(app.screen as? LogScreen)
        #expect(!screen.wrap)
        let rows = app.screenText.split(separator: "\n").map(String.init)
        let root = try #require(rows.firstIndex { $0.contains("75▶") })
        let whole = rows[root...].prefix(3).joined()
        #expect(whole.contains("is not recognized"), "\(rows[root...].prefix(3))")
        #expect(rows[root + 1].hasPrefix("│      "))
    }

    @Test func errorsWarningsAndRootKeys() throws {
        let app = try open(Self.marketing)
        app.press("g")
        #expect(row(app, line: 1) != nil)
        app.press("w")
        let screen = try #require(app.screen as? LogScreen)
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 11)   // line 12: failed OpenLineage emission (WARNING)
        app.press("e")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 27)   // line 28: Task failed with exception
        app.press("e")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 71)   // line 72: the traceback printed again
        app.press("E")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 27)
        app.press("G", "r")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 38)
        #expect(app.screenText.contains("root cause: Python exception: KeyError: 'purchase_value'"))
    }

    @Test func searchHighlightsMatchesInContext() throws {
        let app = try open(Self.marketing)
        app.press("g", "/", "purchase_value", "enter")
        let screen = try #require(app.screen as? LogScreen)
        let first = try #require(screen.file.lineNumber(ofOffset: screen.cursor))
        #expect(first == 26)   // line 27: the column spec names it
        // Context stays: the lines around the match are still shown.
        #expect(row(app, line: 26) != nil && row(app, line: 28) != nil)
        // The match is drawn in the match style.
        let grid = app.render()
        let y = try #require((0..<grid.height).first { grid.row($0).contains("KeyError: 'purchase_value'") })
        let x = try #require(grid.row(y).range(of: "purchase_value").map { grid.row(y).distance(from: grid.row(y).startIndex, to: $0.lowerBound) })
        #expect(grid[x, y].style == app.context.styles.logMatch)
        app.press("n")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor)! > first)
        app.press("N")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == first)
        app.press("?", "Marketing API", "enter")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 20)
        app.press("/", "([", "enter")
        #expect(app.screenText.contains("not a regular expression"))
    }

    /// Plain text is looked for in the file's bytes: found past the 2,000,000 lines a regular
    /// expression search looks at per key press (it says "not found in the next 2000000
    /// lines; n continues"), forward and backward.
    @Test func plainSearchCrossesTheWholeFile() throws {
        let dir = try makeTempDirectory("bigsearch")
        let path = dir + "/big.log"
        var bytes = Array("[2026-11-22T03:00:00.000+0000] {a.py:1} INFO - first\n".utf8)
        bytes += [UInt8](repeating: 0x0A, count: 5_000)   // empty lines
        bytes += Array("[2026-11-22T03:00:01.000+0000] {a.py:2} ERROR - the needle at the end\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let app = try open(path)
        let screen = try #require(app.screen as? LogScreen)
        screen.scanLimit = 1_000   // what a regular expression looks at per key press, made small
        app.press("g", "/", "needle a[t]", "enter")
        #expect(screen.cursor == 0)
        #expect(app.screenText.contains("not found in the next 1000 lines; n continues"))
        app.press("g", "/", "needle at", "enter")
        #expect(screen.file.text(at: screen.cursor).contains("the needle at the end"))
        app.press("?", "first", "enter")
        #expect(screen.cursor == 0)
    }

    /// Plain-text search lands where the regular-expression search lands, line after line, with
    /// and without a level filter.
    @Test func plainAndRegexSearchAgree() throws {
        for (log, words) in [(Self.marketing, ["purchase_value", "INFO", "Marketing API", "rows"]),
                             (Self.spark, ["Exception", "stage", "WARN", "at org"])] {
            for filter in [false, true] {
                for word in words {
                    var landings: [[Int]] = []
                    for pattern in [word, word.dropLast() + "[" + String(word.last!) + "]"] {
                        let app = try open(log)
                        let screen = try #require(app.screen as? LogScreen)
                        if filter { app.press("f") }
                        app.press("g", "/", pattern, "enter")
                        var seen = [screen.cursor]
                        for _ in 0..<6 { app.press("n"); seen.append(screen.cursor) }
                        for _ in 0..<3 { app.press("N"); seen.append(screen.cursor) }
                        landings.append(seen)
                    }
                    #expect(landings[0] == landings[1], "\(log.suffix(40)) \(word) filter \(filter)")
                }
            }
        }
    }

    /// dbt writes a failed model's error in full only at [debug]; its [error] lines just name
    /// the node. The WARNING filter keeps the root cause's record, and only that one.
    @Test func levelFilterKeepsTheRootCauseOfADbtLog() throws {
        guard let corpus = sharedCorpus else {
            print("skipped: ../shared/corpus is absent (the dbt log lives there)")
            return
        }
        let app = try open(corpus + "/dbt/jaffle_shop/failed/dbt.log", width: 160)
        let screen = try #require(app.screen as? LogScreen)
        #expect(screen.rootCause?.line == 370)
        app.press("f")
        #expect(app.screenText.contains("showing WARNING and above, and the root cause"), "\(app.screenText)")
        #expect(row(app, line: 369)?.contains("[debug] [Thread-4 (]: Runtime Error in model stg_payments") == true, "\(app.screenText)")
        #expect(row(app, line: 370)?.contains("Binder Error: Referenced column \"amount_cents\"") == true)
        #expect(row(app, line: 371) != nil)
        #expect(row(app, line: 368) == nil)        // another [debug] record
        #expect(row(app, line: 373)?.contains("[error]") == true)
    }

    @Test func levelFilterFoldWrapAndSideways() throws {
        let app = try open(Self.spark)
        let screen = try #require(app.screen as? LogScreen)
        app.press("g", "f")
        #expect(app.screenText.contains("WARNING and above"))
        #expect(row(app, line: 1) == nil)          // an INFO line
        #expect(row(app, line: 41) != nil)         // WARN TaskSetManager: Lost task
        #expect(row(app, line: 52) != nil)         // its Caused by (a continuation keeps the level)
        #expect(row(app, line: 60) == nil)         // INFO
        app.press("f", "r", "z")
        // The root line is inside the ERROR record that starts at line 69: folding folds that record.
        #expect(app.screenText.contains("folded 35 lines"))
        #expect(row(app, line: 69)?.contains("▸") == true)
        #expect(row(app, line: 70) == nil)
        app.press("z")
        #expect(row(app, line: 70) != nil)
        app.press("g", "l", "l")
        #expect(app.screenText.contains("col 17"))
        #expect(!(row(app, line: 1) ?? "").contains("[2026"))
        app.press("s")
        #expect(app.screenText.contains("wrap"))
        #expect(screen.wrap)
    }

    @Test func jumpToATimestamp() throws {
        let app = try open(Self.marketing)
        app.press("t", "2026-11-22T04:38", "enter")
        let screen = try #require(app.screen as? LogScreen)
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 22)   // line 23, 04:38:16
        app.press("t", "04:39:17", "enter")
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 25)   // line 26, 04:39:17.305
    }

    @Test func followPicksUpAppendedLines() throws {
        let dir = try makeTempDirectory("follow")
        let path = dir + "/grow.log"
        try "[2026-11-22T04:00:00.000+0000] {x.py:1} INFO - first\n".write(toFile: path, atomically: true, encoding: .utf8)
        let app = try open(path)
        app.press("F")
        let h = try #require(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data("[2026-11-22T04:00:01.000+0000] {x.py:1} ERROR - second\n".utf8))
        try h.close()
        app.handle(.tick)
        #expect(row(app, line: 2)?.contains("ERROR - second") == true)
        let screen = try #require(app.screen as? LogScreen)
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 1)
        app.press("k")
        #expect(app.screenText.contains("follow paused"))
        app.press("G")
        #expect(app.screenText.contains("following"))
    }

    @Test func hostileLogsStayInert() throws {
        let dir = try makeTempDirectory("hostile")
        let path = dir + "/evil.log"
        var bytes = Array("[2026-11-22T04:00:00.000+0000] {x.py:1} ERROR - \u{1b}[2J\u{1b}]0;pwned\u{07} clear".utf8)
        bytes += [0xC3, 0x28, 0xFF, 0x0A]
        bytes += [UInt8](repeating: 0x41, count: 50 << 20) + [0x0A]
        bytes += Array("tail line without newline".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let clock = ContinuousClock()
        var app: App!
        let t = try clock.measure { app = try open(path); _ = app.render() }
        #expect(t < .seconds(5))
        let text = app.screenText
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(text.contains("^[[2J"))
        #expect(text.contains("\u{FFFD}"))
        app.press("G", "s")
        #expect(app.screenText.contains("tail line without newline"))
        app.press("k", "l", "l", "/", "AAAA", "enter")
        _ = app.render()
    }

    @Test func whyOnTheDagPageLandsOnTheRootCause() throws {
        let app = try makeApp(width: 120, height: 30)
        app.press(":", "dag orders_daily", "enter", "w")
        let screen = try #require(app.screen as? LogScreen)
        #expect(screen.title.hasPrefix("why · transform"))
        #expect(screen.file.lineNumber(ofOffset: screen.cursor) == 0)
        #expect(app.screenText.contains("transform broke the run"))
        #expect(app.screenText.contains("▶ [2026-11-22T02:05:00.000+0000] {taskinstance.py:1} ERROR - boom again"))
    }

    /// Without a log to open (OpenLineage events carry the error message, not the log), `w`
    /// lands on the DAG page and says what the run recorded.
    @Test func whyWithoutALogOpensTheDagWithItsMessage() throws {
        guard let corpus = sharedCorpus else {
            print("skipped: ../shared/corpus is absent (the OpenLineage events live there)")
            return
        }
        let path = try makeTempDirectory("why-no-log") + "/ol.sqlite"
        try CatalogImport.apply(try OpenLineageImporter.plan([corpus + "/openlineage/generated/airflow_backfill.ndjson"]), to: path)
        let app = try makeApp(width: 120, height: 30, catalog: path)
        app.press("w")
        #expect(app.screen.kind == .dag)
        #expect(app.screenText.contains("validate_payments broke the run: payments extract payments_20240604.csv failed validation"),
                "\(app.screenText)")
        // The cursor is on the task that broke the run, so the footer and L are about it.
        let dag = try #require(app.screen as? DagScreen)
        #expect(dag.selectedEntityID == "orders_daily_pipeline.validate_payments")
        app.press("g", "w")
        #expect(dag.selectedEntityID == "orders_daily_pipeline.validate_payments")
    }

    /// The newest failure came from dbt-ol's events (no log, no message); the dbt build before
    /// it failed on the same model with a log. `w` stays on the DAG page, on the task, and says
    /// so instead of "no log or message recorded".
    @Test func whyWithNothingRecordedNamesTheEarlierFailure() throws {
        guard let corpus = sharedCorpus else {
            print("skipped: ../shared/corpus is absent (the dbt artifacts and events live there)")
            return
        }
        let path = try makeTempDirectory("why-earlier") + "/comb.sqlite"
        let failed = corpus + "/dbt/jaffle_shop_postgres/failed"
        try CatalogImport.apply(try DbtImporter.plan(manifest: failed + "/manifest.json", runResults: failed + "/run_results.json",
                                                     log: failed + "/dbt.log"), to: path)
        try CatalogImport.apply(try OpenLineageImporter.plan([corpus + "/openlineage/generated/dbt_ol_build_failed.ndjson"]), to: path)
        let app = try makeApp(width: 160, height: 30, catalog: path)
        app.press("w")
        #expect(app.screen.kind == .dag)
        #expect(app.screenText.contains("stg_payments broke the run: nothing recorded in this run; earlier failed run "
                                        + "5125218d-d815-4cdf-af42-1e5069223e0d (11-23 05:40): dbt error: column"), "\(app.screenText)")
        #expect((app.screen as? DagScreen)?.selectedEntityID == "model.jaffle_shop.stg_payments")
    }

    /// A dbt run's DAG page: its nodes are the rows (seeds, models, then their tests), the
    /// failed model is selected, and L opens its log at its own error.
    @Test func aDbtRunsDagPageListsItsNodes() throws {
        guard let corpus = sharedCorpus else {
            print("skipped: ../shared/corpus is absent (the dbt artifacts live there)")
            return
        }
        let failed = corpus + "/dbt/jaffle_shop/failed"
        let path = try makeTempDirectory("dbt-dag") + "/dbt.sqlite"
        try CatalogImport.apply(try DbtImporter.plan(manifest: failed + "/manifest.json", runResults: failed + "/run_results.json",
                                                     log: failed + "/dbt.log"), to: path)
        let app = try makeApp(width: 120, height: 40, catalog: path)
        app.press(":", "dag dbt.jaffle_shop", "enter")
        let text = app.screenText
        #expect(text.contains("raw_payments"))
        #expect(text.contains("\n│   stg_payments  "))   // one level below the seeds
        // A model has several parents, so the footer names them rather than a tree glyph.
        #expect(text.contains("after raw_payments · before customers, orders, accepted_values_stg_payment…"), "\(text)")
        #expect(text.contains("stg_payments  model  ✗ failed"), "\(text)")
        #expect(!text.contains("no runs recorded"))
        app.press("L")
        let log = try #require(app.screen as? LogScreen)
        #expect(log.rootCause?.text == "  Binder Error: Referenced column \"amount_cents\" not found in FROM clause!")
        // From the model's own page too (a dbt model is its own task)...
        app.press("q", ":", "open model.jaffle_shop.stg_payments", "enter")
        #expect(app.screenText.contains("L opens the latest run's log"))
        #expect(app.screenText.contains("      Runtime Error in model stg_payments: Binder Error: Referenced column"))
        // The navigator marks models by their own latest run, as it marks tasks.
        #expect(app.screenText.contains("✗ stg_payments"), "\(app.screenText)")
        #expect(app.screenText.contains("▲ customers"))
        app.press("L")
        #expect((app.screen as? LogScreen)?.rootCause?.line == 370)
        // ...and a model whose run kept no log says so.
        app.press("q", ":", "open model.jaffle_shop.stg_orders", "enter")
        #expect(!app.screenText.contains("L opens the latest run's log"))
        app.press("L")
        #expect(app.screenText.contains("no log recorded for the latest run of stg_orders"))
        // The run's DAG has no edges of its own: its lineage pane does not call it a source.
        app.open(.browser(focus: "dbt.jaffle_shop"))
        #expect(app.screenText.contains("no inputs recorded for this dag"), "\(app.screenText)")
        #expect(!app.screenText.contains("this is where data enters"))
    }

    /// The stack map names the latest failure, and `w` there goes straight to its root cause.
    @Test func whyOnTheStackMapExplainsTheLatestFailure() throws {
        let app = try makeApp(width: 120, height: 30)
        #expect(app.screenText.contains("✗ 1 DAG failed (orders_daily; w shows why)"))
        app.press("w")
        let screen = try #require(app.screen as? LogScreen)
        #expect(screen.title.hasPrefix("why · transform"))
        #expect(app.screenText.contains("transform broke the run"))
        app.press("q")
        #expect(app.screen.kind == .home)
    }
}
