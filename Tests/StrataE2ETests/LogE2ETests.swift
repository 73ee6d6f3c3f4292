import Foundation
import StrataTestSupport
import Testing

/// From a failed DAG to the line at the bottom of its failure, in the real binary under tmux.
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed: end-to-end tests skipped"))
struct LogE2ETests {
    @Test func failedDagWhyLandsOnTheRootCauseLine() throws {
        let t = try TmuxSession(width: 120, height: 40)
        try t.waitFor("Stack map")
        try t.send(":")
        try t.type("dag ab_metrics_logged_out")
        try t.send("Enter")
        try t.waitFor("broke at build_exposures")
        try t.send("w")
        let screen = try t.waitFor("why · build_exposures")
        // The viewer opened on the root-cause line of the root task's last attempt (not on
        // publish_to_growthbook, the all_done task that failed as a consequence).
        let rows = screen.split(separator: "\n").map(String.init)
        let root = try #require(rows.first { $0.contains("75▶") })
        #expect(root.contains("snowflake.connector.errors.ProgrammingError: 100038 (22018)"))
        #expect(screen.contains("root cause line 75: warehouse_error"))
        #expect(screen.contains("build_exposures broke the run"))
        // e moves on to the next error; r comes back to the root cause.
        try t.send("g")
        try t.waitFor("│   1  [2026-11-22T06:05:")
        try t.send("r")
        let back = try t.waitFor("root cause: warehouse error")
        #expect(back.contains("75▶"))
        try t.send("q")
        try t.waitFor("broke at build_exposures")
    }

    @Test func logCommandOpensTheViewerAndQQuits() throws {
        let log = repositoryRoot + "/catalog/logs/dag_id=dbt_core_nightly/run_id=scheduled__2026-11-22T03:00:00+00:00/task_id=dbt_build_marts_orders/attempt=1.log"
        let t = try TmuxSession(width: 120, height: 40, arguments: ["log", log])
        try t.waitFor("root cause line 64: dbt_error")
        // The status line can reach the terminal before the rest of the frame: wait for the row.
        let screen = try t.waitFor("INFO -   000904 (42000): SQL compilation")
        #expect(screen.contains("64▶"))
        try t.send("/")
        try t.type("DISCOUNT")
        try t.send("Enter")
        try t.waitFor("/DISCOUNT")
        try t.send("q")
        try t.waitFor("[exit 0]")
    }

    /// A log piped in (`cat FILE | strata log -`): the viewer reads the log from the pipe and
    /// the keys from the terminal, as tig does.
    @Test func pipedLogReadsKeysFromTheTerminal() throws {
        let log = repositoryRoot + "/catalog/logs/dag_id=dbt_core_nightly/run_id=scheduled__2026-11-22T03:00:00+00:00/task_id=dbt_build_marts_orders/attempt=1.log"
        let t = try TmuxSession(width: 120, height: 40, arguments: ["log", "-"], pipeFrom: log)
        let screen = try t.waitFor("root cause line 64: dbt_error")
        #expect(screen.contains("64▶"))
        try t.send("g")
        try t.waitFor("│   1  [")
        try t.send("G")
        let bottom = try t.waitFor("0 downstream tasks scheduled from follow-on")
        #expect(!bottom.contains("│   1  ["))
        try t.send("r")
        try t.waitFor("64▶")
        try t.send("q")
        try t.waitFor("[exit 0]")
    }
}
