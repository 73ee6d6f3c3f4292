import Foundation
import StrataLogs
import StrataTestSupport
import Testing

/// The root cause of every log in the shared corpus (real Airflow and dbt output) and of the
/// demo's staged failures: the line number a careful engineer would name, or none for a
/// successful run.
@Suite struct CorpusRootCauseTests {
    static func analyze(_ path: String) throws -> LogAnalysis {
        RootCauseScanner().analyze(try LogFile(path: path))
    }

    static let airflowRun = "airflow/logs/dag_id=orders_daily_pipeline/run_id=backfill__2024-06-04T00:00:00+00:00/"

    /// path → (line, a piece of its text), or nil when the log holds no failure.
    static let corpus: [(String, (Int, String)?)] = [
        (airflowRun + "task_id=validate_payments/attempt=1.log", (25, "ValueError: could not convert string to float: '12.5O'")),
        (airflowRun + "task_id=validate_payments/attempt=2.log", (25, "ValueError: could not convert string to float: '12.5O'")),
        (airflowRun + "task_id=export_report/attempt=1.log", (18, "ERROR: input file /opt/airflow/data/validated_payments_20240604.csv is missing or empty")),
        (airflowRun + "task_id=build_order_facts/attempt=1.log", nil),
        (airflowRun + "task_id=extract_customers/attempt=1.log", nil),
        (airflowRun + "task_id=extract_orders/attempt=1.log", nil),
        (airflowRun + "task_id=extract_payments/attempt=1.log", nil),
        (airflowRun + "task_id=refresh_dashboard_cache/attempt=1.log", nil),
        (airflowRun + "task_id=start/attempt=1.log", nil),
        // The first task to fail (validate_payments); export_report failed after it (all_done).
        ("airflow/backfill_console.log", (58, "orders_daily_pipeline.validate_payments backfill__2024-06-04T00:00:00+00:00 [failed]> failed")),
        ("airflow/dags_test_console.log", (150, "ValueError: could not convert string to float: '12.5O'")),
        ("dbt/jaffle_shop/console.log", nil),
        ("dbt/jaffle_shop/dbt.log", nil),
        ("dbt/jaffle_shop_postgres/console.log", nil),
        ("dbt/jaffle_shop_postgres/dbt.log", nil),
        ("dbt/jaffle_shop/failed/console.log", (58, "Binder Error: Referenced column \"amount_cents\" not found in FROM clause!")),
        ("dbt/jaffle_shop/failed/dbt.log", (370, "Binder Error: Referenced column \"amount_cents\" not found in FROM clause!")),
        ("dbt/jaffle_shop_postgres/failed/console.log", (58, "column \"amount_cents\" does not exist")),
        ("dbt/jaffle_shop_postgres/failed/dbt.log", (305, "column \"amount_cents\" does not exist")),
        ("openlineage/generated/dbt_ol_build_failed.console.log", (61, "column \"amount_cents\" does not exist")),
        ("openlineage/generated/dbt_ol_structured_build_failed.console.log", (63, "column \"amount_cents\" does not exist")),
        ("openlineage/generated/dbt_ol_build_success.console.log", nil),
    ]

    @Test(arguments: corpus.indices)
    func corpusLog(_ i: Int) throws {
        guard let root = sharedCorpus else {
            print("skipped: ../shared/corpus is not present beside the repository")
            return
        }
        let (rel, expected) = Self.corpus[i]
        let a = try Self.analyze(root + "/" + rel)
        if let (line, text) = expected {
            let r = try #require(a.rootCause, "\(rel): no root cause")
            #expect(r.line == line, "\(rel): \(r.line) \(r.text)")
            #expect(r.text.contains(text), "\(rel): \(r.text)")
        } else {
            #expect(a.rootCause == nil, "\(rel): \(a.rootCause.map { "\($0.line) \($0.text)" } ?? "")")
        }
    }

    @Test func chainOfTheChainedTraceback() throws {
        guard let root = sharedCorpus else { print("skipped: no shared corpus"); return }
        let r = try #require(try Self.analyze(root + "/" + Self.airflowRun + "task_id=validate_payments/attempt=2.log").rootCause)
        #expect(r.kind == "python_exception")
        #expect(r.chain.map(\.line) == [25, 53])
        #expect(r.summary.hasPrefix("Python exception: ValueError: could not convert string to float"))
    }

    @Test func postgresLineInTheChain() throws {
        guard let root = sharedCorpus else { print("skipped: no shared corpus"); return }
        let r = try #require(try Self.analyze(root + "/dbt/jaffle_shop_postgres/failed/console.log").rootCause)
        #expect(r.kind == "dbt_error")
        #expect(r.chain.map(\.line) == [57, 58, 59, 60])
        #expect(r.chain[2].text.contains("LINE 20:"))
    }

    static func demo(_ glob: String) -> String {
        let dir = repositoryRoot + "/catalog/logs"
        let all = FileManager.default.enumerator(atPath: dir)!.compactMap { $0 as? String }
        return dir + "/" + all.first { $0.contains(glob) }!
    }

    /// The demo catalog's staged failures (catalog/logs).
    static let demoLogs: [(String, (Int, String, String)?)] = [
        ("dbt_core_nightly/run_id=scheduled__2026-11-22T03:00:00+00:00/task_id=dbt_build_marts_orders/attempt=1", (64, "SQL compilation error: error line 14 at position 8", "dbt_error")),
        ("clickstream_sessionize/run_id=scheduled__2026-11-22T03:00:00+00:00/task_id=sessionize_events/attempt=2", (99, "Caused by: org.apache.spark.sql.execution.datasources.SchemaColumnConvertNotSupportedException", "java_exception")),
        ("marketing_attribution/run_id=scheduled__2026-11-22T04:30:00+00:00/task_id=load_platform_conversions/attempt=2", (39, "KeyError: 'purchase_value'", "python_exception")),
        ("ab_metrics_logged_out/run_id=scheduled__2026-11-22T06:00:00+00:00/task_id=build_exposures/attempt=1", (75, "Numeric value 'treatment_b' is not recognized", "warehouse_error")),
        ("ab_metrics_logged_out/run_id=scheduled__2026-11-22T06:00:00+00:00/task_id=publish_to_growthbook/attempt=1", (26, "ERROR: input s3://basketly-exp/growthbook/ab_metrics_logged_out/dt=2026-11-21/metrics.csv is missing or empty", "command_failed")),
        ("finance_daily/run_id=scheduled__2026-11-19T06:30:00+00:00/task_id=build_daily_revenue/attempt=2", (72, "SQL compilation error:", "warehouse_error")),
        ("shop_cdc_ingest/run_id=scheduled__2026-11-23T01:00:00+00:00/task_id=load_orders/attempt=1", (64, "Failed to connect to DB", "warehouse_error")),
        ("shop_cdc_ingest/run_id=scheduled__2026-11-23T01:00:00+00:00/task_id=load_orders/attempt=2", nil),
        ("ml_churn_scoring/run_id=scheduled__2026-11-20T07:00:00+00:00/task_id=sync_churn_to_crm/attempt=2", nil),
        ("fivetran_sync/run_id=scheduled__2026-11-22T18:00:00+00:00/task_id=sync_stripe/attempt=1", nil),
    ]

    @Test(arguments: demoLogs.indices)
    func demoLog(_ i: Int) throws {
        let (glob, expected) = Self.demoLogs[i]
        let a = try Self.analyze(Self.demo(glob))
        if let (line, text, kind) = expected {
            let r = try #require(a.rootCause, "\(glob): no root cause")
            #expect(r.line == line, "\(glob): \(r.line) \(r.text)")
            #expect(r.text.contains(text), "\(glob): \(r.text)")
            #expect(r.kind == kind, "\(glob): \(r.kind)")
        } else {
            #expect(a.rootCause == nil, "\(glob): \(a.rootCause.map { "\($0.line) \($0.text)" } ?? "")")
        }
    }

    @Test func snowflakeSummaryLeavesOutTheQueryID() throws {
        let a = try Self.analyze(Self.demo("ab_metrics_logged_out/run_id=scheduled__2026-11-22T06:00:00+00:00/task_id=build_exposures/attempt=1"))
        let r = try #require(a.rootCause)
        #expect(r.summary == "warehouse error: ProgrammingError: 100038 (22018): Numeric value 'treatment_b' is not recognized")
        #expect(r.text.contains("01b8c6f4-0304-a1e2-0001-4a2e0b7d61c3"))   // the line itself is untouched
    }

    @Test func snowflakeSummaryCarriesTheNextLine() throws {
        let a = try Self.analyze(Self.demo("finance_daily/run_id=scheduled__2026-11-19T06:30:00+00:00/task_id=build_daily_revenue/attempt=2"))
        let r = try #require(a.rootCause)
        #expect(r.summary.contains("does not exist or not authorized"), "\(r.summary)")
    }
}
