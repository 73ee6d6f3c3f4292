import Foundation
import StrataCatalog
import StrataImport
import StrataTestSupport
import StrataYAML
import Testing

/// Every real input under ../shared/corpus imports, with counts and key facts checked.
@Suite(.enabled(if: sharedCorpus != nil, Comment(rawValue: corpusMissing)))
struct CorpusImportTests {
    struct Project: Sendable, CustomStringConvertible {
        var path: String, models: Int, seeds: Int, sources: Int, exposures: Int, checks: Int
        var description: String { path }
    }

    /// Counts match the manifests (python's json.load of each, counting enabled nodes by
    /// resource_type); mattermost has one singular test that depends on no table.
    @Test(arguments: [
        Project(path: "dbt/jaffle_shop/manifest.json", models: 5, seeds: 3, sources: 0, exposures: 0, checks: 20),
        Project(path: "dbt/jaffle_shop_postgres/manifest.json", models: 5, seeds: 3, sources: 0, exposures: 0, checks: 20),
        Project(path: "dbt/mattermost_analytics/manifest.json.gz", models: 302, seeds: 7, sources: 563, exposures: 12, checks: 459),
        Project(path: "dbt/calitp_warehouse/manifest.json.gz", models: 610, seeds: 16, sources: 218, exposures: 5, checks: 218),
    ])
    func dbtProjectImportsWithItsCounts(_ p: Project) throws {
        let c = try tempCatalog()
        try importDbt(corpus(p.path), into: c)
        func nodes(_ type: String) throws -> Int {
            try count(c, "SELECT count(*) FROM dbt_node n JOIN entity e ON e.id = n.id WHERE n.resource_type = ?", [type])
        }
        #expect(try nodes("model") == p.models)
        #expect(try nodes("seed") == p.seeds)
        #expect(try nodes("source") == p.sources)
        #expect(try nodes("exposure") == p.exposures)
        #expect(try count(c, "SELECT count(DISTINCT check_id) FROM data_check") == p.checks)
        // A test that reads two tables (relationships) is a check on both.
        #expect(try count(c, "SELECT count(*) FROM data_check") >= p.checks)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE kind = 'table'") == p.models + p.seeds + p.sources)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE kind = 'dashboard' AND stage = 'serve'") == p.exposures)
        // Tests are checks, never entities or lineage.
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id LIKE 'test.%'") == 0)
        #expect(try count(c, "SELECT count(*) FROM edge WHERE from_id LIKE 'test.%' OR to_id LIKE 'test.%'") == 0)
        // Every edge is dbt's and both ends exist.
        #expect(try count(c, "SELECT count(*) FROM edge WHERE source <> 'dbt'") == 0)
        #expect(try count(c, """
            SELECT count(*) FROM edge WHERE from_id NOT IN (SELECT id FROM entity) OR to_id NOT IN (SELECT id FROM entity)
            """) == 0)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE kind = 'stage'") >= 4)
    }

    @Test func jaffleShopLineageStagesAndSelectorsTable() throws {
        let c = try tempCatalog()
        try importDbt(corpus("dbt/jaffle_shop_postgres/manifest.json"), into: c)
        let ups: [String] = try query(c, "SELECT from_id FROM edge WHERE to_id = 'model.jaffle_shop.orders' ORDER BY 1")
        #expect(ups == ["model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments"])
        let row: [String] = try query(c, """
            SELECT n.resource_type || '|' || n.package_name || '|' || n.fqn || '|' || n.original_file_path || '|' || e.stage
            || '|' || d.relation FROM dbt_node n JOIN entity e ON e.id = n.id JOIN data_table d ON d.id = n.id
            WHERE n.id = 'model.jaffle_shop.stg_payments'
            """)
        #expect(row == ["model|jaffle_shop|jaffle_shop.staging.stg_payments|models/staging/stg_payments.sql|transform|jaffle.analytics.stg_payments"])
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id LIKE 'seed.%' AND stage = 'load'") == 3)
        // Columns keep the order of the manifest (the project's YAML), not alphabetical.
        let columns: [String] = try query(c, "SELECT name FROM table_column WHERE table_id = 'model.jaffle_shop.orders' ORDER BY position")
        #expect(columns == ["order_id", "customer_id", "order_date", "status", "amount", "credit_card_amount",
                            "coupon_amount", "bank_transfer_amount", "gift_card_amount"])
        let detail = try Catalog(path: c).read { try $0.importDetail("model.jaffle_shop.orders") }
        #expect(detail.checks.count == 10)
        #expect(detail.sources.map(\.importer) == ["dbt"])
    }

    /// The failed `dbt build` (postgres): stg_payments failed with the database's message, the
    /// 17 nodes dbt skipped because of it are upstream_failed, and the log is on the failure.
    @Test(arguments: [("jaffle_shop_postgres", "Database Error in model stg_payments"),
                      ("jaffle_shop", "Runtime Error in model stg_payments")])
    func failedDbtBuildRootNodeAndMessage(_ project: String, _ error: String) throws {
        let c = try tempCatalog()
        let dir = corpus("dbt/\(project)/failed")
        try importDbt(dir + "/manifest.json", runResults: dir + "/run_results.json", log: dir + "/dbt.log", into: c)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'dbt.jaffle_shop' AND kind = 'dag' AND tool = 'dbt'") == 1)
        let runs: [String] = try query(c, "SELECT state FROM dag_run WHERE dag_id = 'dbt.jaffle_shop'")
        #expect(runs == ["failed"])
        let failed: [String] = try query(c, "SELECT task_id FROM task_run WHERE state = 'failed'")
        #expect(failed == ["model.jaffle_shop.stg_payments"])
        let message: [String] = try query(c, "SELECT message FROM task_run WHERE task_id = 'model.jaffle_shop.stg_payments'")
        #expect(message.first?.contains(error) == true)
        #expect(message.first?.contains("amount_cents") == true)
        #expect(try count(c, "SELECT count(*) FROM task_run WHERE state = 'upstream_failed'") == 17)
        #expect(try count(c, "SELECT count(*) FROM task_run WHERE state = 'upstream_failed' AND message IS NOT NULL") == 0)
        // The root of the failure: a failed node none of whose upstream nodes failed.
        let roots: [String] = try query(c, """
            SELECT t.task_id FROM task_run t WHERE t.state = 'failed' AND NOT EXISTS (
              SELECT 1 FROM edge e JOIN task_run u ON u.task_id = e.from_id AND u.run_num = t.run_num
              WHERE e.to_id = t.task_id AND u.state = 'failed')
            """)
        #expect(roots == ["model.jaffle_shop.stg_payments"])
        let logs: [String] = try query(c, "SELECT path FROM task_log WHERE task_id = 'model.jaffle_shop.stg_payments'")
        #expect(logs == [dir + "/dbt.log"])
    }

    /// The Airflow backfill run: validate_payments is the root failure (2 attempts, both logs),
    /// export_report failed after it through trigger_rule all_done, the rest never ran.
    @Test func airflowBackfillRootTask() throws {
        let c = try tempCatalog()
        try importAirflow([corpus("airflow/api"), corpus("airflow/logs")], into: c)
        #expect(try count(c, "SELECT count(*) FROM task WHERE dag_id = 'orders_daily_pipeline'") == 10)
        #expect(try count(c, "SELECT count(*) FROM edge WHERE source = 'airflow'") == 11)
        let run = "backfill__2024-06-04T00:00:00+00:00"
        let state: [String] = try query(c, "SELECT state FROM dag_run WHERE run_id = ?", [run])
        #expect(state == ["failed"])
        let failed: [String] = try query(c, """
            SELECT t.task_id FROM task_run t JOIN dag_run r ON r.num = t.run_num WHERE r.run_id = ? AND t.state = 'failed' ORDER BY 1
            """, [run])
        #expect(failed == ["orders_daily_pipeline.export_report", "orders_daily_pipeline.validate_payments"])
        let rule: [String] = try query(c, "SELECT trigger_rule FROM task WHERE id = 'orders_daily_pipeline.export_report'")
        #expect(rule == ["all_done"])
        // Root: failed, with no failed task upstream of it (transitively) in the same run.
        let roots: [String] = try query(c, """
            WITH RECURSIVE up(task, anc) AS (
              SELECT to_id, from_id FROM edge WHERE source = 'airflow'
              UNION SELECT up.task, e.from_id FROM up JOIN edge e ON e.to_id = up.anc AND e.source = 'airflow')
            SELECT t.task_id FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE r.run_id = ?1 AND t.state = 'failed' AND NOT EXISTS (
              SELECT 1 FROM up JOIN task_run u ON u.task_id = up.anc AND u.run_num = t.run_num
              WHERE up.task = t.task_id AND u.state = 'failed')
            """, [run])
        #expect(roots == ["orders_daily_pipeline.validate_payments"])
        let logs: [String] = try query(c, """
            SELECT l.path FROM task_log l JOIN dag_run r ON r.num = l.run_num
            WHERE r.run_id = ? AND l.task_id = 'orders_daily_pipeline.validate_payments' ORDER BY l.attempt
            """, [run])
        #expect(logs.count == 2)
        let text = try String(contentsOfFile: try #require(logs.last), encoding: .utf8)
        #expect(text.contains("PaymentValidationError: payments extract payments_20240604.csv failed validation: malformed amount"))
        #expect(try count(c, "SELECT count(*) FROM task_run WHERE state = 'upstream_failed'") == 4)
    }

    /// OpenLineage's view of the same run adds the error message; the API's task instances stay.
    @Test(arguments: [true, false])
    func airflowAndOpenLineageMergeOneRun(_ airflowFirst: Bool) throws {
        let c = try tempCatalog()
        if airflowFirst {
            try importAirflow([corpus("airflow/api"), corpus("airflow/logs")], into: c)
            try importOL([corpus("openlineage/generated/airflow_backfill.ndjson")], into: c)
        } else {
            try importOL([corpus("openlineage/generated/airflow_backfill.ndjson")], into: c)
            try importAirflow([corpus("airflow/api"), corpus("airflow/logs")], into: c)
        }
        let run = "backfill__2024-06-04T00:00:00+00:00"
        #expect(try count(c, "SELECT count(*) FROM dag_run WHERE run_id = ?", [run]) == 1)
        #expect(try count(c, "SELECT count(*) FROM task_run t JOIN dag_run r ON r.num = t.run_num WHERE r.run_id = ?", [run]) == 10)
        let message: [String] = try query(c, """
            SELECT t.message FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE r.run_id = ? AND t.task_id = 'orders_daily_pipeline.validate_payments'
            """, [run])
        #expect(message.first?.hasPrefix("payments extract payments_20240604.csv failed validation: malformed amount") == true)
        #expect(message.first?.contains("Traceback") == true)
        #expect(try count(c, "SELECT count(*) FROM task_log l JOIN dag_run r ON r.num = l.run_num WHERE r.run_id = ?", [run]) == 9)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE kind = 'task'") == 10)
        // build_order_facts' column lineage.
        #expect(try count(c, "SELECT count(*) FROM column_edge WHERE to_table = 'jaffle.airflow_demo.order_facts'") == 4)
        let from: [String] = try query(c, """
            SELECT from_table || '.' || from_column FROM column_edge WHERE to_table = 'jaffle.airflow_demo.order_facts'
            AND to_column = 'customer_id'
            """)
        #expect(from == ["jaffle.analytics.raw_orders.user_id"])
    }

    /// dbt's and OpenLineage's (dbt-ol, another target schema) views of jaffle_shop_postgres are
    /// one set of tables, whichever was imported first; Airflow's events read the same seeds.
    @Test(arguments: [true, false])
    func dbtAndOpenLineageMergeIntoOneSetOfTables(_ dbtFirst: Bool) throws {
        let c = try tempCatalog()
        let ol = ["dbt_ol_build_success", "dbt_ol_build_failed", "dbt_ol_structured_build_failed"]
            .map { corpus("openlineage/generated/\($0).ndjson") }
        if dbtFirst {
            try importDbt(corpus("dbt/jaffle_shop_postgres/manifest.json"), into: c)
            try importOL(ol, into: c)
        } else {
            try importOL(ol, into: c)
            try importDbt(corpus("dbt/jaffle_shop_postgres/manifest.json"), into: c)
        }
        let tables: [String] = try query(c, "SELECT id FROM entity WHERE kind = 'table' ORDER BY id")
        #expect(tables == ["model.jaffle_shop.customers", "model.jaffle_shop.orders", "model.jaffle_shop.stg_customers",
                           "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments", "seed.jaffle_shop.raw_customers",
                           "seed.jaffle_shop.raw_orders", "seed.jaffle_shop.raw_payments"])
        let sources: [String] = try query(c, """
            SELECT DISTINCT importer FROM entity_source WHERE entity_id = 'model.jaffle_shop.stg_payments' ORDER BY 1
            """)
        #expect(sources == ["dbt", "openlineage"])
        // dbt's description and columns win over the events'.
        let orders = try #require(try Catalog(path: c).read { try $0.entity("model.jaffle_shop.orders") })
        #expect(orders.description.hasPrefix("This table has basic information about orders"))
        #expect(orders.stage == "transform")
        // dbt-ol's real-time run: the failing node with its error, 17 aborted nodes upstream_failed.
        let structured: [String] = try query(c, """
            SELECT t.message FROM task_run t WHERE t.task_id = 'model.jaffle_shop.stg_payments' AND t.state = 'failed'
            AND t.message IS NOT NULL
            """)
        #expect(structured.first?.contains("amount_cents") == true)
        #expect(try count(c, "SELECT count(*) FROM dag_run WHERE dag_id = 'dbt.jaffle_shop'") == 3)
        // Only dbt nodes run in those DAG runs: dbt-ol's per-model test jobs are not nodes.
        #expect(try count(c, "SELECT count(*) FROM task_run WHERE task_id LIKE '%.build.test'") == 0)
        let artifactFailed: [String] = try query(c, """
            SELECT t.task_id FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE r.run_id = '62e5c602-d88a-4d23-9f6a-34bd2ed85d5b' AND t.state = 'failed'
            """)
        #expect(artifactFailed == ["model.jaffle_shop.stg_payments"])

        try importOL([corpus("openlineage/generated/airflow_backfill.ndjson")], into: c)
        let seed: [String] = try query(c, """
            SELECT DISTINCT importer FROM entity_source WHERE entity_id = 'seed.jaffle_shop.raw_orders' ORDER BY 1
            """)
        #expect(seed == ["dbt", "openlineage"])
        #expect(try count(c, "SELECT count(*) FROM edge WHERE from_id = 'seed.jaffle_shop.raw_orders' AND to_id = 'orders_daily_pipeline.build_order_facts'") == 1)
    }

    /// Airflow's task facet puts an OpenLineage-only DAG's tasks in order with their operators
    /// and trigger rules, so why finds the root failure (validate_payments) and leaves the
    /// all_done export_report as its consequence.
    @Test func airflowTaskFacetsGiveTaskOrderAndTheRootFailure() throws {
        let c = try tempCatalog()
        try importOL([corpus("openlineage/generated/airflow_backfill.ndjson")], into: c)
        let tasks: [String] = try query(c, """
            SELECT id || '|' || coalesce(operator, '-') || '|' || trigger_rule FROM task WHERE dag_id = 'orders_daily_pipeline' ORDER BY id
            """)
        #expect(tasks.contains("orders_daily_pipeline.export_report|BashOperator|all_done"), "\(tasks)")
        #expect(tasks.contains("orders_daily_pipeline.validate_payments|PythonOperator|all_success"), "\(tasks)")
        let order: [String] = try query(c, """
            SELECT from_id || ' > ' || to_id FROM edge WHERE source = 'openlineage' AND from_id LIKE 'orders_daily_pipeline.%'
            AND to_id LIKE 'orders_daily_pipeline.%' ORDER BY 1
            """)
        #expect(order.contains("orders_daily_pipeline.validate_payments > orders_daily_pipeline.export_report"))
        #expect(order.contains("orders_daily_pipeline.start > orders_daily_pipeline.extract_orders"))
        // The same order as the Airflow REST API's own tasks file gives.
        let api = try tempCatalog("api")
        try importAirflow([corpus("airflow/api/dags__orders_daily_pipeline__tasks.json")], into: api)
        let fromAPI: [String] = try query(api, """
            SELECT from_id || ' > ' || to_id FROM edge WHERE source = 'airflow' AND from_id LIKE 'orders_daily_pipeline.%'
            AND to_id LIKE 'orders_daily_pipeline.%' ORDER BY 1
            """)
        // Two tasks never ran in that backfill, so OpenLineage never saw them.
        let seen = Set(tasks.map { String($0.split(separator: "|")[0]) })
        #expect(order == fromAPI.filter { $0.components(separatedBy: " > ").allSatisfy(seen.contains) })
        #expect(order.count == 9)
        let run = try #require(try Catalog(path: c).read { r in
            try r.dagRun(dagID: "orders_daily_pipeline", runID: "backfill__2024-06-04T00:00:00+00:00")
        })
        #expect(try Catalog(path: c).read { try $0.rootFailures(of: run) } == ["orders_daily_pipeline.validate_payments"])
    }

    /// The API's dagRuns have no start_date for the backfill (strata orders it by its logical
    /// date); OpenLineage saw it start. In either order of import, the real start is kept.
    @Test(arguments: [true, false])
    func aRealStartWinsOverTheLogicalDateInEitherOrder(openLineageFirst: Bool) throws {
        let c = try tempCatalog()
        let ol = { try importOL([corpus("openlineage/generated/airflow_backfill.ndjson")], into: c) }
        let api = { try importAirflow([corpus("airflow/api")], into: c) }
        if openLineageFirst { _ = try ol(); _ = try api() } else { _ = try api(); _ = try ol() }
        let runs: [String] = try query(c, """
            SELECT run_id || '|' || coalesce(start_time, '-') || '|' || start_estimated FROM dag_run
            WHERE dag_id = 'orders_daily_pipeline' ORDER BY run_id
            """)
        #expect(runs == ["backfill__2024-06-04T00:00:00+00:00|2026-11-23T05:44:52.503250Z|0",
                         "manual__2024-06-03T00:00:00+00:00|2024-06-03T00:00:00Z|1"], "\(runs)")
        // Task instances keep the times OpenLineage saw.
        #expect(try count(c, """
            SELECT count(*) FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE r.run_id LIKE 'backfill%' AND t.task_id = 'orders_daily_pipeline.validate_payments' AND t.start_time LIKE '2026-11-23T05:4%'
            """) == 1)
    }

    @Test func everyOpenLineageFileImportsAndFacetExamplesAreSkippedWithAWarning() throws {
        let c = try tempCatalog()
        let plan = try OpenLineageImporter.plan([corpus("openlineage/generated"), corpus("openlineage/openlineage_repo")])
        let skipped = plan.warnings.filter { $0.contains("facet example") }
        #expect(skipped.count == 3)
        #expect(skipped.allSatisfy { $0.contains("spec__tests__") })
        #expect(plan.warnings.contains { $0.contains("console.log") })
        #expect(plan.batch.files.count == 5 + 8)
        let summary = try CatalogImport.apply(plan, to: c)
        #expect(summary.total.added > 50)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'myjob.mytask'") == 1)
        // No run starts after one of its tasks, nor ends before it starts.
        #expect(try count(c, """
            SELECT count(*) FROM dag_run r WHERE r.start_time > (SELECT min(t.start_time) FROM task_run t WHERE t.run_num = r.num)
                OR r.end_time < r.start_time
            """) == 0)
        // Named directly, a facet example is an error, not a silent no-op.
        let facet = corpus("openlineage/openlineage_repo/spec__tests__ErrorMessageRunFacet__1.json")
        let error = try #require(throws: InputProblems.self) { try OpenLineageImporter.plan([facet]) }
        #expect(error.description.contains("spec__tests__ErrorMessageRunFacet__1.json"))
        #expect(error.description.contains("facet example"))
    }

    @Test func reimportingTheCorpusChangesNothing() throws {
        let c = try tempCatalog()
        try importDbt(corpus("dbt/jaffle_shop_postgres/failed/manifest.json"),
                      runResults: corpus("dbt/jaffle_shop_postgres/failed/run_results.json"),
                      log: corpus("dbt/jaffle_shop_postgres/failed/dbt.log"), into: c)
        try importOL([corpus("openlineage/generated")], into: c)
        try importAirflow([corpus("airflow/api"), corpus("airflow/logs")], into: c)
        let before = bytes(c)
        #expect(try importDbt(corpus("dbt/jaffle_shop_postgres/failed/manifest.json"),
                              runResults: corpus("dbt/jaffle_shop_postgres/failed/run_results.json"),
                              log: corpus("dbt/jaffle_shop_postgres/failed/dbt.log"), into: c).isEmpty)
        #expect(try importOL([corpus("openlineage/generated")], into: c).isEmpty)
        #expect(try importAirflow([corpus("airflow/api"), corpus("airflow/logs")], into: c).isEmpty)
        #expect(bytes(c) == before)
    }
}
