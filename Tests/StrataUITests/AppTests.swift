import Foundation
import StrataCatalog
import StrataImport
import StrataTerminal
import StrataTestSupport
import Testing
@testable import StrataUI

@Suite struct AppTests {
    @Test func homeShowsStagesInOrderWithTools() throws {
        let text = try makeApp().screenText
        let order = ["1 Sources & extract", "2 Transform", "3 Orchestrate", "4 Serve"].map { text.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(text.contains("Fivetran"))
        #expect(text.contains("Managed connectors that copy"))
    }

    @Test func enterOpensTheSelectedToolAndBackReturns() throws {
        let app = try makeApp()
        app.press("enter")
        #expect(app.screen.kind == .browser)
        #expect(app.screen.selectedEntityID == "fivetran")
        app.press("backspace")
        #expect(app.screen.kind == .home)
        app.press("]")
        #expect(app.screen.kind == .browser)
        app.press("q")
        #expect(app.screen.kind == .home)
        app.press("q")
        #expect(app.takeEffects() == [.quit])
    }

    /// In the navigator, Enter on a DAG opens its page (runs, why it failed); → lists its tasks.
    @Test func enterOnADagOpensItsPage() throws {
        let app = try makeApp()
        app.press(":", "open orders_daily.transform", "enter")
        app.press("k", "k")
        #expect(app.screen.selectedEntityID == "orders_daily")
        app.press("enter")
        #expect(app.screen.kind == .dag)
        app.press("backspace")
        #expect(app.screen.kind == .browser)
    }

    /// The title bar's trail starts again at the stack map: H after a page reads "Stack map".
    @Test func goingHomeStartsTheTrailAgain() throws {
        let app = try makeApp()
        app.press(":", "dag orders_daily", "enter")
        #expect(app.screenText.contains("Stack map › DAG · orders_daily"))
        app.press("H")
        let title = String(app.screenText.split(separator: "\n")[0])
        #expect(title.contains("· Stack map") && !title.contains("›"), "\(title)")
        app.press(":", "owner data-eng", "enter")
        #expect(app.screenText.split(separator: "\n")[0].contains("Stack map › Owner · Data Engineering"))
    }

    /// On a group row the detail says what the group is, not what was selected before.
    @Test func aGroupRowClearsTheDetail() throws {
        let app = try makeApp(width: 120, height: 30)
        app.press(":", "open analytics.fct_orders", "enter")
        #expect(app.screenText.contains("table · analytics.fct_orders"))
        app.press("g")
        #expect(!app.screenText.contains("table · analytics.fct_orders"))
        #expect(app.screenText.contains("← closes the group; ↓ goes through it"))
    }

    @Test func ctrlCQuitsFromAnywhere() throws {
        let app = try makeApp()
        app.press("/", "ord")
        app.press("ctrl-c")      // closes the prompt first
        app.press("b", "ctrl-c")
        #expect(app.takeEffects().contains(.quit))
    }

    @Test func searchAsYouTypeThenEnterOpensTheMatch() throws {
        let app = try makeApp()
        app.press("/", "fct")
        #expect(app.screenText.contains("analytics.fct_orders"))
        app.press("enter")
        #expect(app.screen.selectedEntityID == "analytics.fct_orders")
        // n cycles through the same results.
        app.press("/", "backspace", "backspace", "backspace", "orders", "enter")
        let first = app.screen.selectedEntityID
        app.press("n")
        #expect(app.screen.selectedEntityID != first)
        #expect(app.screenText.contains("result 2 of"))
        app.press("N", "N")
        #expect(app.screenText.contains("(wrapped to the last)"))
    }

    /// `/` recalls the last search selected: typing replaces it, Backspace edits it.
    @Test func aRecalledSearchIsReplacedByTyping() throws {
        let app = try makeApp()
        app.press("/", "fct", "enter")
        app.press("/")
        #expect(app.screenText.contains("/ fct"))
        app.press("s", "t", "g")
        #expect(app.screenText.contains("/ stg▏"))
        #expect(app.screenText.contains("analytics.stg_orders"))
        app.press("esc", "/", "backspace")
        #expect(app.screenText.contains("/ fc▏"))
    }

    @Test func searchOverlayShowsKindAndStage() throws {
        let app = try makeApp()
        app.press("/", "stg")
        let text = app.screenText
        #expect(text.contains("table     analytics.stg_orders"))
        #expect(text.contains("transform"))
    }

    /// An imported stack fills some standard stages: the stack map leaves the empty ones out
    /// and numbers the rest in order.
    @Test func theStackMapOfAnImportShowsItsStagesOnly() throws {
        guard let corpus = sharedCorpus else {
            print("skipped: ../shared/corpus is absent (the dbt manifest lives there)")
            return
        }
        let path = try makeTempDirectory("import-map") + "/dbt.sqlite"
        try CatalogImport.apply(try DbtImporter.plan(manifest: corpus + "/dbt/jaffle_shop/manifest.json"), to: path)
        let app = try makeApp(width: 120, height: 20, catalog: path)
        let text = app.screenText
        #expect(text.contains(" 1 Load & land"), "\(text)")
        #expect(text.contains(" 2 Transform & model"))
        #expect(!text.contains("Serve & activate"))
        #expect(text.contains("2 stages"))
        // The browser's stages are the same two.
        app.press("b")
        let browser = app.screenText
        #expect(browser.contains("▾ By stage (2)"), "\(browser)")
        #expect(browser.contains("Load & land") && !browser.contains("Serve & activate") && !browser.contains("Orchestrate"))
    }

    /// Runs on the same day are told apart by their time of day in the DAG page's header.
    @Test func runsOfOneDayShowTheirTimes() throws {
        let path = try makeTempDirectory("same-day") + "/c.sqlite"
        let catalog = try Catalog(path: path, create: true)
        try catalog.write { w in
            try w.upsert(Entity(id: "hourly", kind: .dag, name: "hourly"))
            try w.setDag("hourly", schedule: "@hourly")
            try w.upsert(Entity(id: "hourly.load", kind: .task, name: "load"))
            try w.setTask("hourly.load", TaskDetail(dagID: "hourly", taskID: "load", operatorName: "BashOperator"))
            for (run, start) in [("a", "2026-11-21T23:00:00Z"), ("b", "2026-11-22T01:00:00Z"), ("c", "2026-11-22T02:00:00Z")] {
                try w.putRun(DagRun(dagID: "hourly", runID: run, state: "success", start: start,
                                    tasks: [TaskRun(taskID: "hourly.load", state: "success")]))
            }
        }
        let app = try makeApp(width: 100, height: 20, catalog: path)
        app.press(":", "dag hourly", "enter")
        #expect(app.screenText.contains("11-21 01:00 02:00"), "\(app.screenText)")
    }

    /// The footer names a task's neighbours; a short downstream list leaves its room to the
    /// upstream one, so three long upstream names fit on 100 columns (half the line held 39
    /// characters: "after load_customer_accounts (+2)").
    @Test func dagFooterNamesUpstreamAndDownstreamTasks() throws {
        let path = try makeTempDirectory("dag-neighbours") + "/c.sqlite"
        let catalog = try Catalog(path: path, create: true)
        try catalog.write { w in
            try w.upsert(Entity(id: "d", kind: .dag, name: "d"))
            try w.setDag("d", schedule: nil)
            for t in ["load_customer_accounts", "load_order_line_items", "load_payment_events", "join", "publish"] {
                try w.upsert(Entity(id: "d.\(t)", kind: .task, name: t))
                try w.setTask("d.\(t)", TaskDetail(dagID: "d", taskID: t, operatorName: "BashOperator"))
            }
            for from in ["load_customer_accounts", "load_order_line_items", "load_payment_events"] {
                try w.addEdge(Edge(from: "d.\(from)", to: "d.join", source: .airflow))
            }
            try w.addEdge(Edge(from: "d.join", to: "d.publish", source: .airflow))
            try w.putRun(DagRun(dagID: "d", runID: "r", state: "failed", start: "2026-11-22T01:00:00Z",
                                tasks: [TaskRun(taskID: "d.join", state: "failed")]))
        }
        let app = try makeApp(width: 100, height: 24, catalog: path)
        app.press(":", "dag d", "enter")
        #expect(app.screenText.contains("after load_customer_accounts, load_order_line_items, load_payment_events · before publish"),
                "\(app.screenText)")
        app.press("G")
        #expect(app.screenText.contains("after join · nothing runs after it"))
        app.press("g")
        #expect(app.screenText.contains("first to run · before join"))
    }

    /// Runs started in the same minute (a failed dbt build and its rerun) are told apart by the
    /// second; the other headers keep their short form.
    @Test func runsOfOneMinuteShowTheirSeconds() {
        let runs = [("a", "2026-11-21T23:00:00Z"), ("b", "2026-11-23T05:39:04.1Z"), ("c", "2026-11-23T05:39:12.9Z"),
                    ("d", "2026-11-23T07:00:00Z"), ("e", "2026-11-24T01:00:00Z")]
            .map { DagRun(dagID: "d", runID: $0.0, state: "success", start: $0.1) }
        #expect(DagScreen.runLabels(runs) == ["11-21", "05:39:04", "05:39:12", "07:00", "11-24"])
        #expect(DagScreen.runLabels([runs[0], runs[4]]) == ["11-21", "11-24"])
    }

    /// A long description wraps at the page's width (it was wrapped at 90 columns and then cut,
    /// losing words on an 80-column terminal), and a long role keeps a gap before the channel.
    @Test func ownerPageWrapsToItsWidth() throws {
        let description = "Builds and runs the shared data infrastructure: ingestion, the warehouse and the lake, "
            + "orchestration, data quality monitoring and what runs underneath. Start here when a load is broken."
        let owners = FixtureFolder.files["owners.yaml"]!
            .replacingOccurrences(of: "description: Runs the pipelines.", with: "description: \"\(description)\"")
            .replacingOccurrences(of: "role: Analyst", with: "role: Senior Analytics Engineer (finance)")
        let catalog = try makeTempDirectory("owner-wrap") + "/fixture.sqlite"
        try CatalogBuild.build(folder: try FixtureFolder(["owners.yaml": owners]).path, output: catalog)
        let app = try makeApp(width: 60, height: 30, catalog: catalog)
        app.press(":", "owner data-eng", "enter")
        let rows = app.screenText.split(separator: "\n").map(String.init)
        let words = rows.filter { $0.hasPrefix("│   ") }.joined(separator: " ")
            .split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│┃ ")) }.filter { !$0.isEmpty }
        for word in description.split(separator: " ") { #expect(words.contains(String(word)), "lost '\(word)'") }
        #expect(app.screenText.contains("Bo Chen             Senior Analytics Engineer (…  "))
    }

    @Test func ownerKeyOpensTheOwnerPage() throws {
        let app = try makeApp()
        app.press(":", "open analytics.fct_orders", "enter", "o")
        #expect(app.screen.kind == .owner)
        let text = app.screenText
        #expect(text.contains("Ana Lima"))
        #expect(text.contains("data-eng-primary (weekly)"))
    }

    @Test func lineageKeysShowUpstreamAndDownstream() throws {
        let app = try makeApp()
        app.press(":", "open analytics.stg_orders", "enter", "u")
        #expect(app.screenText.contains("● table     orders  raw.shop"))
        #expect(app.screenText.contains("lineage · upstream"))
        app.press("d")
        #expect(app.screenText.contains("✗ table     fct_orders  analytics"))
        #expect(app.screenText.contains("lineage · downstream"))
        // Enter re-roots on the selected node; Backspace comes back.
        app.press("enter")
        #expect(app.screen.selectedEntityID == "analytics.fct_orders" || app.screenText.contains("table · analytics.fct_orders"))
        app.press("backspace")
        #expect(app.screenText.contains("table · analytics.stg_orders"))
    }

    @Test func dagPageLandsOnTheRealFailureAndLOpensItsLog() throws {
        let app = try makeApp()
        app.press(":", "dag orders_daily", "enter")
        #expect(app.screen.selectedEntityID == "orders_daily.transform")
        #expect(app.screenText.contains("broke at transform"))
        app.press("L")
        #expect(app.screen.kind == .log)
        #expect(app.screenText.contains("boom again"))
    }

    @Test func upstreamFailedTaskExplainsWhyThereIsNoLog() throws {
        let app = try makeApp()
        app.press(":", "dag orders_daily", "enter", "j", "L")
        #expect(app.screen.kind == .dag)
        #expect(app.screenText.contains("never ran"))
    }

    @Test func helpListsTheKeysOfTheCurrentScreenFromTheRegistry() throws {
        let app = try makeApp(width: 120, height: 60)
        app.press(":", "dag orders_daily", "enter", "?")
        let text = app.screenText
        #expect(text.contains("Keys · DAG page"))
        for spec in app.keymap.specs where spec.screens.contains(.dag) {
            #expect(text.contains(spec.help), "help lacks \(spec.name)")
        }
        #expect(!text.contains("Lineage: open one more level"))   // a browser-only action
        app.press("x")
        #expect(!app.screenText.contains("Keys · DAG page"))
    }

    @Test func commandLineCompletesAndRuns() throws {
        let app = try makeApp()
        app.press(":", "op", "tab")
        #expect(app.screenText.contains(":open ▏"))
        app.press("raw.sh", "tab", "enter")
        #expect(app.screen.selectedEntityID == "raw.shop.orders")
        app.press(":", "theme oth", "tab", "enter")
        #expect(app.theme.name == "other")
        #expect(app.takeEffects().contains(.repaint))
        app.press(":", "nonsense", "enter")
        #expect(app.screenText.contains("unknown command ':nonsense'"))
        app.press(":", "up")
        #expect(app.screenText.contains(":nonsense"))
    }

    @Test func copyUsesTheClipboardEffectAndSaysSo() throws {
        let app = try makeApp()
        app.press(":", "open analytics.fct_orders", "enter", "y")
        #expect(app.takeEffects() == [.copyToClipboard("analytics.fct_orders")])
        #expect(app.screenText.contains("copied analytics.fct_orders"))
    }

    @Test func mouseToggleAndClicks() throws {
        let app = try makeApp(width: 100, height: 30)
        app.press("M")
        #expect(app.takeEffects() == [.setMouse(false)])
        app.press("M")
        _ = app.takeEffects()
        // Double-click on a tool of the stack map opens it.
        let text = app.screenText.components(separatedBy: "\n")
        let y = try #require(text.firstIndex { $0.contains("Airflow") })
        let x = try #require(text[y].range(of: "Airflow")).lowerBound.utf16Offset(in: text[y])
        app.handle(.mouse(MouseEvent(x: x, y: y, action: .doubleClick)))
        #expect(app.screen.selectedEntityID == "airflow")
        app.handle(.mouse(MouseEvent(x: 10, y: 10, action: .wheelDown)))
        _ = app.screenText
    }

    @Test(arguments: [(20, 6), (39, 11), (1, 1), (0, 0), (40, 12), (300, 100)])
    func anySizeRendersWithoutCrashing(_ size: (Int, Int)) throws {
        let app = try makeApp()
        for keys in [[String](), ["b"], [":", "dag orders_daily", "enter"], ["/", "o"], ["?"]] {
            app.press(contentsOf: keys)
            app.handle(.resize(width: size.0, height: size.1))
            let grid = app.render()
            #expect(grid.width == size.0 && grid.height == size.1)
            if size.0 < App.minimumWidth || size.1 < App.minimumHeight, size.0 >= 20, size.1 >= 3 {
                #expect(grid.text.contains("too small"))
            }
            app.handle(.resize(width: 100, height: 30))
        }
    }

    @Test func noColorDrawsWithAttributesOnly() throws {
        let app = try makeApp(noColor: true)
        app.press(":", "dag orders_daily", "enter")
        let grid = app.render()
        #expect(grid.cells.allSatisfy { $0.style.fg == .terminal && $0.style.bg == .terminal })
        #expect(grid.cells.contains { $0.style.reverse })    // the selection is still visible
    }

    @Test func escapeSequencesInCatalogTextAreDrawnInert() throws {
        let folder = try FixtureFolder(FixtureFolder.edit("tables/shop.yaml", "description: Cleaned orders, amounts in euros.",
                                                          "description: \"Cleaned \\e[2J\\e]0;pwned\\a orders\""))
        let out = try makeTempDirectory("inert") + "/c.sqlite"
        try StrataImportBridge.build(folder.path, out)
        let app = try makeApp(catalog: out)
        app.press(":", "open analytics.stg_orders", "enter")
        let grid = app.render()
        #expect(!grid.cells.contains { $0.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 } })
        #expect(grid.text.contains("Cleaned ^[[2J^[]0;pwned^G orders"))
    }

    @Test func inertTextShowsControlCharactersVisibly() {
        #expect("red \u{1B}[31mALERT\u{07}".inert() == "red ^[[31mALERT^G")
        #expect("a\u{9B}b\u{7F}".inert() == "a\\u{9b}b^?")
        #expect("line1\nline2\tx".inert(keepLayout: true) == "line1\nline2\tx")
        #expect("line1\nline2".inert() == "line1^Jline2")
        #expect("目録 📚".inert() == "目録 📚")
    }

    @Test func wideCharactersAlignAndNeverSpill() {
        var grid = Grid(width: 12, height: 1)
        let used = grid.put("目録 📚 Catalog", x: 0, y: 0, .plain, maxWidth: 10)
        #expect(used <= 10)
        #expect(grid.text == "目録 📚 C…")
        #expect(TextWidth.width(of: "目録") == 4)
        #expect(TextWidth.truncate("寿司🍣sushi", to: 6) == "寿司…")
    }
}

extension App {
    func press(contentsOf keys: [String]) { for k in keys { press(k) } }
}

@Suite struct LineagePaneTests {
    @Test func opensOneLevelThenNodesOpenAndCloseAndDepthGrows() throws {
        let app = try makeApp()
        app.press(":", "open analytics.order_summary", "enter", "u")
        var text = app.screenText
        #expect(text.contains("2 direct · 6 in all upstream"))
        #expect(text.contains("lineage · upstream · 1 level open"))
        // Closed nodes say how many neighbours they hide; a task shows its DAG.
        #expect(text.contains("▸ ✗ table     fct_orders  analytics"))
        #expect(text.contains("▲ task      orders_daily.publish"))
        #expect(!text.contains("table     stg_orders  analytics"))
        // → opens the selected node (the first row), ← closes it again.
        app.press("l")
        text = app.screenText
        #expect(text.contains("▾ ✗ table     fct_orders  analytics"))
        #expect(text.contains("  ▸ ✗ table     stg_orders  analytics"))
        app.press("h")
        #expect(!app.screenText.contains("table     stg_orders  analytics"))
        // + opens every node to two levels, - back to one.
        app.press("+")
        #expect(app.screenText.contains("lineage · upstream · 2 levels open"))
        #expect(app.screenText.contains("table     stg_orders  analytics"))
        app.press("-")
        #expect(!app.screenText.contains("table     stg_orders  analytics"))
    }

    @Test func enterReRootsAndBackspaceReturns() throws {
        let app = try makeApp()
        app.press(":", "open analytics.order_summary", "enter", "u", "enter")
        #expect(app.screenText.contains("table · analytics.fct_orders"))
        #expect(app.screenText.contains("lineage · upstream"))
        app.press("backspace")
        #expect(app.screenText.contains("table · analytics.order_summary"))
    }

    @Test func fJumpsToTheLogOfTheDeepestFailureUpstream() throws {
        let app = try makeApp()
        app.press(":", "open analytics.order_summary", "enter", "u", "f")
        #expect(app.screen.kind == .log)
        #expect(app.screen.title.contains("transform"))
        app.press("backspace")
        #expect(app.screen.kind == .browser)
        // Nothing failed upstream of where data enters.
        app.press(":", "open raw.shop.orders", "enter", "u", "f")
        #expect(app.screenText.contains("no failed task upstream"))
    }

    @Test func lineageCommandTakesDbtOperators() throws {
        let app = try makeApp()
        app.press(":", "lineage 2+order_summary", "enter")
        #expect(app.screenText.contains("lineage · upstream · 2 levels open"))
        #expect(app.screenText.contains("table · analytics.order_summary"))
        app.press(":", "lineage raw.shop.orders+1", "enter")
        #expect(app.screenText.contains("lineage · downstream · 1 level open"))
        app.press(":", "lineage raw.shop.orders+", "enter")
        // + on its own opens every level; the title says how many there are.
        #expect(app.screenText.contains("lineage · downstream · all 4 levels open"), "\(app.screenText)")
        // A DAG's lineage is what its tasks read and write outside it.
        app.press(":", "lineage orders_daily", "enter")
        #expect(app.screenText.contains("dag · orders_daily"))
        #expect(app.screenText.contains("● table     orders  raw.shop"))
        #expect(!app.screenText.contains("orders_daily.extract"))
        app.press(":", "lineage fct_ordrs", "enter")
        #expect(app.screenText.contains("no node 'fct_ordrs' in the catalog; did you mean 'fct_orders'?"))
        app.press(":", "lineage tag:orders", "enter")
        #expect(app.screenText.contains("the pane needs one"))
        app.press(":", "lineage @x+", "enter")
        #expect(app.screenText.contains("incompatible"))
    }
}

@Suite struct ColumnLineageTests {
    /// OpenLineage's columnLineage from the corpus (Airflow's build_order_facts CTAS, parsed by
    /// openlineage-sql): a column of order_facts shows the column it derives from.
    @Test func aColumnWithLineageShowsWhereItComesFrom() throws {
        guard let corpus = sharedCorpus else {
            print("skipped: ../shared/corpus is absent (the OpenLineage events with columnLineage live there)")
            return
        }
        let path = try makeTempDirectory("columns") + "/ol.sqlite"
        try CatalogImport.apply(try OpenLineageImporter.plan([corpus + "/openlineage/generated/airflow_backfill.ndjson"]),
                                to: path)
        let app = try makeApp(width: 120, height: 40, catalog: path)
        app.press(":", "open jaffle.airflow_demo.order_facts", "enter")
        #expect(app.screenText.contains("⇠ customer_id"))
        #expect(app.screenText.contains("has column lineage"))
        let browser = try #require(app.screen as? BrowserScreen)
        app.press("tab")
        for _ in 0..<20 where browser.detail.selectedTarget != DetailLines.columnTarget + "customer_id" { app.press("j") }
        app.press("enter")
        let text = app.screenText
        #expect(text.contains("column lineage · customer_id · where it comes from"))
        #expect(text.contains("⇠ user_id  jaffle.analytics.raw_orders"))
        // d: what it feeds (nothing recorded); ← goes back to the columns.
        app.press("d")
        #expect(app.screenText.contains("nothing recorded derives from it"))
        app.press("h")
        #expect(app.screenText.contains("lineage · downstream"))
        // Enter on a source column's table opens that table (← left the detail focused).
        app.press("g")
        for _ in 0..<20 where browser.detail.selectedTarget != DetailLines.columnTarget + "order_id" { app.press("j") }
        app.press("enter", "u")
        #expect(app.screenText.contains("⇠ id  jaffle.analytics.raw_orders"))
        app.press("enter")
        #expect(app.screenText.contains("table · jaffle.analytics.raw_orders"))
    }
}

/// A column's description in a column list: its first sentence on the row, and a Markdown
/// table or list it holds laid out under it instead of run into the sentence.
@Suite struct ColumnDescriptionTests {
    @Test func aTableIsAlignedUnderTheRow() {
        let text = """
            Orders can be one of the following statuses:

            | status         | description                                  |
            |----------------|:--------------------------------------------:|
            | placed         | The order has been placed                    |
            | return_pending | The customer would like to return the order  |
            """
        let (summary, more) = ColumnDescription.layout(text, width: 80)
        #expect(summary == "Orders can be one of the following statuses:")
        #expect(more == ["status          description",
                         "placed          The order has been placed",
                         "return_pending  The customer would like to return the order"])
    }

    @Test func proseStaysOneSentenceAndListsAreKept() {
        #expect(ColumnDescription.layout("The id. Unique per order.\nNever null.", width: 80) == ("The id.", []))
        let (summary, more) = ColumnDescription.layout("Where the order came from\n- web\n- app\n\nSee the docs.", width: 80)
        #expect(summary == "Where the order came from")
        #expect(more == ["- web", "- app"])
        #expect(ColumnDescription.layout("", width: 80) == ("", []))
    }

    @Test func narrowAndLongTablesAreBounded() {
        let rows = (1...20).map { "| value_\($0) | meaning \($0) |" }.joined(separator: "\n")
        let (_, more) = ColumnDescription.layout("Values:\n" + rows, width: 30)
        #expect(more.count == 12)
        #expect(more.last == "… 9 more lines")
        // A first cell wider than a third of the width is cut to it, so the second still shows.
        let (_, wide) = ColumnDescription.layout("| a_very_long_status_value_name | x |", width: 30)
        #expect(wide == ["a_very_lo…  x"])
    }
}
