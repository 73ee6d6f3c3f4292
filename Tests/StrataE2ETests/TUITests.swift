import Foundation
import StrataTestSupport
import Testing

/// The real binary in tmux, driven as a person would drive it.
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed: end-to-end tests skipped"))
struct TUITests {
    @Test func homeShowsTheStagesOfTheDemoStack() throws {
        let t = try TmuxSession(width: 120, height: 40)
        let screen = try t.waitFor("Stack map")
        for stage in ["1 Sources & extract", "2 Load & streaming", "4 Transform & model", "5 Orchestrate"] {
            #expect(screen.contains(stage), "home lacks \(stage)")
        }
        #expect(screen.contains("Fivetran"))
        try t.send("q")
        try t.waitFor("[exit 0]")
    }

    @Test func searchOpensATableThenUpstreamAndOwner() throws {
        let t = try TmuxSession(width: 120, height: 40)
        try t.waitFor("Stack map")
        try t.send("/")
        try t.type("orders")
        try t.waitFor("shopdb.public.orders")
        try t.send("Enter")
        let opened = try t.waitFor("table · ")
        #expect(["kafka.shop.orders", "shopdb.public.orders", "raw.shop.orders"].contains { opened.contains("table · \($0)") })
        try t.send("u")
        let upstream = try t.waitFor("lineage · upstream")
        #expect(upstream.contains("in all upstream"))
        try t.send("o")
        let owner = try t.waitFor("Owner ·")
        // o acts on the selection: with the lineage pane focused, the upstream node's owner.
        #expect(owner.contains("Who to ask about "))
        #expect(owner.contains("channel"))
    }

    @Test func dagPageShowsTheFailedRunGridAndTheLog() throws {
        let t = try TmuxSession(width: 120, height: 40)
        try t.waitFor("Stack map")
        try t.send(":")
        try t.type("dag dbt_core_nightly")
        try t.send("Enter")
        let grid = try t.waitFor("broke at dbt_build_marts_orders")
        #expect(grid.contains("✗"))
        #expect(grid.contains("▲"))
        #expect(grid.contains("broke at dbt_build_marts_orders"))
        try t.send("L")
        let log = try t.waitFor("dbt_build_marts_orders · scheduled__2026-11-22T03:00:00+00:00 · attempt 1")
        // The viewer lands on the root cause: the warehouse message under dbt's Database Error.
        #expect(log.contains("64▶"))
        #expect(log.contains("SQL compilation error"))
    }

    /// Lineage as an on-call engineer walks it: a mart, its upstream, down to the failed task,
    /// re-rooted there, back again, and `f` straight to the failure's log.
    @Test func lineageWalksFromAMartToTheFailureAndBack() throws {
        let t = try TmuxSession(width: 130, height: 40)
        try t.waitFor("Stack map")
        try t.send(":")
        try t.type("open analytics.marts.agg_orders_daily")
        try t.send("Enter")
        try t.waitFor("table · analytics.marts.agg_orders_daily")
        try t.send("u")
        let pane = try t.waitFor("in all upstream")
        #expect(pane.contains("lineage · upstream · 1 level open"))
        #expect(pane.contains("▸ ✗ table     fct_orders  analytics.marts"))
        // Down to the failed task and re-root on it.
        try t.send("j")
        try t.send("Enter")
        let task = try t.waitFor("task · dbt_core_nightly.dbt_build_marts_orders")
        #expect(task.contains("lineage · upstream"))
        #expect(task.contains("dbt_core_nightly.dbt_build_intermediate"))
        try t.send("BSpace")
        try t.waitFor("table · analytics.marts.agg_orders_daily")
        try t.send("f")
        try t.waitFor("dbt_build_marts_orders · scheduled__2026-11-22T03:00:00+00:00")
        // The viewer lands on the root cause, not on Airflow's wrapper exception.
        let log = try t.waitFor("64▶")
        #expect(log.contains("SQL compilation error"))
        try t.send("BSpace")
        try t.waitFor("table · analytics.marts.agg_orders_daily")
        try t.send("q")
    }

    @Test func helpListsTheKeysOfTheScreen() throws {
        let t = try TmuxSession(width: 120, height: 50)
        try t.waitFor("Stack map")
        try t.send("b")
        try t.waitFor("Browse")
        try t.send("?")
        let help = try t.waitFor("Keys · Browser")
        #expect(help.contains("Lineage: open one more level"))
        #expect(help.contains("Next pane"))
        try t.send("x")
        try t.waitGone("Keys · Browser")
    }

    @Test func resizeToTinyAndBackNeverCrashes() throws {
        let t = try TmuxSession(width: 100, height: 30)
        try t.waitFor("Stack map")
        try t.send("b")
        try t.resize(width: 20, height: 6)
        try t.waitFor("too small")
        try t.resize(width: 100, height: 30)
        try t.waitFor("Browse")
        try t.send("q", "q")
        try t.waitFor("[exit 0]")
    }

    @Test func quitLeavesACleanTerminalAndStatusZero() throws {
        let t = try TmuxSession(width: 100, height: 30)
        try t.waitFor("Stack map")
        #expect(try t.alternateScreenOn())
        try t.send("b")
        try t.waitFor("Browse")
        try t.send("q")
        try t.waitFor("Stack map")
        try t.send("q")
        try t.waitFor("[exit 0]")
        #expect(try !t.alternateScreenOn())
    }

    @Test func ctrlCQuitsCleanly() throws {
        let t = try TmuxSession(width: 100, height: 30)
        try t.waitFor("Stack map")
        try t.send("/")
        try t.send("C-c")
        try t.waitGone("Search")
        try t.send("C-c")
        try t.waitFor("[exit 0]")
        #expect(try !t.alternateScreenOn())
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let t = try TmuxSession(width: 100, height: 30)
        try t.waitFor("Stack map")
        let pid = try t.tmux(["display", "-p", "-t", "app", "#{pane_pid}"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try TmuxSession.run(["pkill", "-TERM", "-P", pid, "-x", "strata"])
        try t.waitFor("[exit 143]")
        #expect(try !t.alternateScreenOn())
    }

    @Test func noColorDrawsNoColour() throws {
        let t = try TmuxSession(width: 100, height: 30, environment: ["NO_COLOR": "1"])
        try t.waitFor("Enter open")
        let colored = try t.screen(colors: true)
        #expect(!colored.contains("38;5;") && !colored.contains("48;5;") && !colored.contains("38;2;"))
        #expect(colored.contains("\u{1B}[7m") || colored.contains(";7m"))   // the selection, in reverse video
        // The same screen without NO_COLOR does have colours (polled: tmux may still be drawing).
        let plain = try TmuxSession(width: 100, height: 30)
        try plain.waitFor("Enter open")
        let deadline = Date().addingTimeInterval(5)
        var withColour = try plain.screen(colors: true)
        while !withColour.contains("38;5;") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            withColour = try plain.screen(colors: true)
        }
        #expect(withColour.contains("38;5;"), "\(withColour.prefix(400).debugDescription)")
    }

    @Test func escapeSequencesInADescriptionShowInert() throws {
        let folder = try FixtureFolder(FixtureFolder.edit(
            "tables/shop.yaml", "description: Cleaned orders, amounts in euros.",
            "description: \"Cleaned \\e[2J\\e]0;pwned\\a\\e[31m orders\""))
        let catalog = try makeTempDirectory("e2e-inert") + "/c.sqlite"
        let build = try TmuxSession.run([TmuxSession.binary, "build", folder.path, "-o", catalog])
        #expect(build.status == 0, "\(build.out)")
        let t = try TmuxSession(width: 100, height: 30, arguments: ["--catalog", catalog])
        try t.waitFor("Stack map")
        try t.send(":")
        try t.type("open analytics.stg_orders")
        try t.send("Enter")
        let screen = try t.waitFor("Cleaned ^[[2J^[]0;pwned^G^[[31m orders")
        #expect(screen.contains("table · analytics.stg_orders"))   // the screen was not cleared
    }

    @Test func worksWithoutLangSet() throws {
        let t = try TmuxSession(width: 100, height: 30, unsetLang: true)
        let screen = try t.waitFor("Stack map")
        #expect(screen.contains("╭") || screen.contains("·"))   // wide/box characters drawn, not lqqk
        #expect(!screen.contains("lqqk"))
    }
}

extension TUITests {
    @Test func eightColourTerminalsGetBasicColours() throws {
        let t = try TmuxSession(width: 100, height: 30, environment: ["TERM": "xterm"])
        try t.waitFor("? help")
        let colored = try t.screen(colors: true)
        #expect(!colored.contains("38;5;") && !colored.contains("38;2;"))
        #expect(colored.contains("\u{1B}[3") || colored.contains(";3"), "\(colored.prefix(600).debugDescription)")
    }
}
