import Foundation
import StrataTestSupport
import Testing

@Suite struct LogCLITests {
    static let demoLogs = repositoryRoot + "/catalog/logs"

    @Test func rootCauseJSONHasTheDocumentedShape() throws {
        let log = Self.demoLogs + "/dag_id=marketing_attribution/run_id=scheduled__2026-11-22T04:30:00+00:00/task_id=load_platform_conversions/attempt=2.log"
        let r = try strata(["log", log, "--root-cause", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try r.json() as? [String: Any])
        #expect(Set(o.keys) == ["file", "lines", "format", "root_cause", "errors"])
        #expect(o["lines"] as? Int == 146)
        #expect(o["format"] as? String == "airflow")
        let rc = try #require(o["root_cause"] as? [String: Any])
        #expect(Set(rc.keys) == ["line", "text", "kind", "summary", "chain"])
        #expect(rc["line"] as? Int == 39)
        #expect(rc["text"] as? String == "KeyError: 'purchase_value'")
        let chain = try #require(rc["chain"] as? [[String: Any]])
        #expect(chain.map { $0["line"] as? Int } == [39, 67])
        let errors = try #require(o["errors"] as? [[String: Any]])
        #expect(errors.contains { $0["line"] as? Int == 28 })
    }

    @Test func noFailureIsNull() throws {
        let log = Self.demoLogs + "/dag_id=shop_cdc_ingest/run_id=scheduled__2026-11-23T01:00:00+00:00/task_id=load_orders/attempt=2.log"
        let r = try strata(["log", log, "--root-cause", "--json"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("\"root_cause\" : null"))
        let text = try strata(["log", log])
        #expect(text.stdout.hasPrefix("no failure found"))
    }

    @Test func textOutputNamesTheLineAndTheChain() throws {
        let log = Self.demoLogs + "/dag_id=dbt_core_nightly/run_id=scheduled__2026-11-22T03:00:00+00:00/task_id=dbt_build_marts_orders/attempt=1.log"
        let r = try strata(["log", log, "--root-cause"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("root cause at line 64 (dbt_error)"))
        #expect(r.stdout.contains("invalid identifier 'ORDERS.DISCOUNT_CENTS'"))
    }

    @Test func standardInputAndMissingFile() throws {
        let missing = try strata(["log", "/nonexistent/x.log", "--root-cause"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open log /nonexistent/x.log"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strataBinary)
        process.arguments = ["log", "-", "--root-cause", "--json"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input; process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: from stdin\n".utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let o = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((o?["root_cause"] as? [String: Any])?["line"] as? Int == 3)
    }

    @Test func whyFindsTheRootTaskNotTheAllDoneConsequence() throws {
        let r = try strata(["why", "ab_metrics_logged_out", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try r.json() as? [String: Any])
        #expect(Set(o.keys) == ["dag", "run", "root_task", "root_tasks", "failed_tasks", "upstream_failed_tasks", "root_cause",
                               "earlier_root_cause"])
        #expect(o["earlier_root_cause"] is NSNull)   // this run has its own
        #expect(o["root_task"] as? String == "ab_metrics_logged_out.build_exposures")
        #expect(o["failed_tasks"] as? [String] == ["ab_metrics_logged_out.build_exposures", "ab_metrics_logged_out.publish_to_growthbook"])
        #expect((o["upstream_failed_tasks"] as? [String])?.count == 3)
        let rc = try #require(o["root_cause"] as? [String: Any])
        #expect(Set(rc.keys) == ["log", "line", "text", "summary"])
        #expect(rc["line"] as? Int == 75)
        #expect((rc["log"] as? String)?.hasSuffix("task_id=build_exposures/attempt=1.log") == true)
    }

    /// Without a DAG: every DAG whose latest run failed, where it broke and why.
    @Test func whyWithoutADagListsEveryBrokenDag() throws {
        let text = try strata(["why"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("4 DAGs failed in their latest run"))
        #expect(text.stdout.contains("ab_metrics_logged_out · run scheduled__2026-11-22T06:00:00+00:00 · broke at build_exposures"))
        #expect(text.stdout.contains("  warehouse error: ProgrammingError: 100038 (22018): Numeric value 'treatment_b' is not recognized"))
        #expect(text.stdout.contains("  JVM exception: SchemaColumnConvertNotSupportedException: column: [event_properties.price]"))
        // Recovered since (shop_cdc_ingest) or failed only in an older run (finance_daily): not listed.
        #expect(!text.stdout.contains("shop_cdc_ingest"))
        #expect(!text.stdout.contains("finance_daily"))
        let json = try strata(["why", "--json"])
        let o = try #require(try json.json() as? [String: Any])
        let dags = try #require(o["failed_dags"] as? [[String: Any]])
        #expect(Set(dags.compactMap { $0["dag"] as? String })
                == ["dbt_core_nightly", "ab_metrics_logged_out", "marketing_attribution", "clickstream_sessionize"])
        #expect(dags.allSatisfy { ($0["root_cause"] as? [String: Any])?["line"] != nil })
        let run = try strata(["why", "--run", "x"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--run needs a DAG"))
    }

    @Test func whyDbtAndErrors() throws {
        let dbt = try strata(["why", "dbt", "--json"])
        #expect(dbt.status == 0)
        let o = try #require(try dbt.json() as? [String: Any])
        #expect(o["dag"] as? String == "dbt_core_nightly")
        #expect((o["root_cause"] as? [String: Any])?["line"] as? Int == 64)
        let recovered = try strata(["why", "shop_cdc_ingest"])
        #expect(recovered.status == 1)
        #expect(recovered.stderr.contains("shop_cdc_ingest has no failed run"))
        let unknown = try strata(["why", "no_such_dag"])
        #expect(unknown.status == 1)
        let badRun = try strata(["why", "finance_daily", "--run", "nope"])
        #expect(badRun.status == 1)
        #expect(badRun.stderr.contains("has no run 'nope'"))
        // A task or a table where a DAG belongs: which DAG to ask instead.
        let task = try strata(["why", "dbt_core_nightly.dbt_build_marts_orders"])
        #expect(task.status == 1)
        #expect(task.stderr.contains("is a task, not a DAG: try strata why dbt_core_nightly"), "\(task.stderr)")
        let table = try strata(["why", "analytics.marts.fct_orders"])
        #expect(table.stderr.contains("is a table, not a DAG: try strata why dbt_core_nightly"), "\(table.stderr)")
        let owner = try strata(["why", "analytics-engineering"])
        #expect(owner.stderr.contains("analytics-engineering is an owner, not a DAG: give a DAG id"), "\(owner.stderr)")
    }
}

/// `why dbt` on a real failed dbt build brought in by the importer: the failing model, the 17
/// nodes it took down, and the database's message in the attached dbt.log.
@Suite struct WhyDbtImportedCLITests {
    @Test(.enabled(if: sharedCorpus != nil, "../shared/corpus is not beside the repository: imported why test skipped"))
    func whyDbtNamesTheFailedModelAndItsDatabaseMessage() throws {
        let failed = try #require(sharedCorpus) + "/dbt/jaffle_shop_postgres/failed"
        let catalog = try makeTempDirectory("why-dbt") + "/stack.sqlite"
        let imported = try strata(["import", "dbt", failed + "/manifest.json", "--run-results", failed + "/run_results.json",
                                   "--log", failed + "/dbt.log", "--catalog", catalog])
        #expect(imported.status == 0, "\(imported.stderr)")
        let r = try strata(["why", "dbt", "--catalog", catalog, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["dag"] as? String == "dbt.jaffle_shop")
        #expect(json["root_task"] as? String == "model.jaffle_shop.stg_payments")
        #expect((json["upstream_failed_tasks"] as? [String])?.count == 17)
        let cause = try #require(json["root_cause"] as? [String: Any])
        #expect((cause["text"] as? String)?.contains("column \"amount_cents\" does not exist") == true)
        #expect((cause["log"] as? String)?.hasSuffix("failed/dbt.log") == true)
        // Lineage sees the same failure cascade.
        let l = try strata(["lineage", "+customers", "--catalog", catalog, "--json"])
        let nodes = try #require((try l.json() as? [String: Any])?["nodes"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: nodes.map { ($0["id"] as! String, $0["status"] as? String) })
        #expect(status["model.jaffle_shop.stg_payments"] == "failed")
        #expect(status["model.jaffle_shop.customers"] == "upstream_failed")
        // A dbt model is its own task: its page lists the run that failed it.
        let shown = try strata(["show", "model.jaffle_shop.stg_payments", "--catalog", catalog, "--json"])
        let runs = try #require((try shown.json() as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(runs.map { $0["state"] as? String } == ["failed"])
        #expect(runs.first?["run_id"] as? String == "5125218d-d815-4cdf-af42-1e5069223e0d")
        // ...and what the failure said, in one line.
        #expect((runs.first?["message"] as? String)?.contains("column \"amount_cents\" does not exist") == true)
        let text = try strata(["show", "model.jaffle_shop.stg_payments", "--catalog", catalog]).stdout
        #expect(text.contains("5125218d-d815-4cdf-af42-1e5069223e0d: Database Error in model stg_payments: column \"amount_cents\" does not exist"), "\(text)")
        // A column documented with a Markdown table shows the table under its row.
        let orders = try strata(["show", "model.jaffle_shop.orders", "--catalog", catalog]).stdout
        #expect(orders.contains("""
              status                  Orders can be one of the following statuses:
                  status          description
                  placed          The order has been placed but has not yet left the warehouse
            """), "\(orders)")
        // The run's DAG lists what ran in it: every node, in dependency order.
        let dag = try strata(["show", "dbt.jaffle_shop", "--catalog", catalog, "--json"])
        let tasks = try #require((try dag.json() as? [String: Any])?["tasks"] as? [[String: Any]])
        let ids = tasks.compactMap { ($0["entity"] as? [String: Any])?["id"] as? String }
        #expect(ids.count == 28)
        let at = { (id: String) in ids.firstIndex(of: id) ?? -1 }
        #expect(at("seed.jaffle_shop.raw_payments") >= 0 && at("seed.jaffle_shop.raw_payments") < at("model.jaffle_shop.stg_payments"))
        #expect(at("model.jaffle_shop.stg_payments") < at("test.jaffle_shop.unique_stg_payments_payment_id.3744510712"))
    }

    /// Without a log, why answers from run_results' message: the node it names and, from the
    /// next line, what went wrong.
    @Test(.enabled(if: sharedCorpus != nil, "../shared/corpus is not beside the repository: why without a log skipped"))
    func whyWithoutALogSaysWhatWentWrong() throws {
        let failed = try #require(sharedCorpus) + "/dbt/jaffle_shop_postgres/failed"
        let catalog = try makeTempDirectory("why-no-log") + "/stack.sqlite"
        #expect(try strata(["import", "dbt", failed + "/manifest.json", "--run-results", failed + "/run_results.json",
                            "--catalog", catalog]).status == 0)
        let r = try strata(["why", "--catalog", catalog])
        #expect(r.stdout.contains("Database Error in model stg_payments: column \"amount_cents\" does not exist"),
                "\(r.stdout)")
    }

    /// The latest failure came from dbt-ol's OpenLineage events, which carry no log and no
    /// error message; the dbt build that failed 16 minutes earlier on the same model has both.
    /// why says this run recorded nothing, and what the earlier run's log said, with its line.
    @Test(.enabled(if: sharedCorpus != nil, "../shared/corpus is not beside the repository: earlier-cause why skipped"))
    func whyWithoutACauseInThisRunPointsToAnEarlierFailureOfTheTask() throws {
        let corpus = try #require(sharedCorpus)
        let failed = corpus + "/dbt/jaffle_shop_postgres/failed"
        let catalog = try makeTempDirectory("why-earlier") + "/stack.sqlite"
        #expect(try strata(["import", "dbt", failed, "--catalog", catalog]).status == 0)
        #expect(try strata(["import", "openlineage", corpus + "/openlineage/generated/dbt_ol_build_failed.ndjson",
                            "--catalog", catalog]).status == 0)
        let r = try strata(["why", "dbt.jaffle_shop", "--catalog", catalog])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("dbt.jaffle_shop · run 62e5c602-d88a-4d23-9f6a-34bd2ed85d5b\n"), "\(r.stdout)")
        #expect(r.stdout.contains("""
              no log with a root cause for this task in this run
              earlier failed run 5125218d-d815-4cdf-af42-1e5069223e0d (11-23 05:40): dbt error: column "amount_cents" does not exist — LINE 20: amount_cents / 100 as amount
              strata why dbt.jaffle_shop --run 5125218d-d815-4cdf-af42-1e5069223e0d
            """), "\(r.stdout)")
        let json = try #require(try strata(["why", "dbt.jaffle_shop", "--catalog", catalog, "--json"]).json() as? [String: Any])
        #expect(json["root_cause"] is NSNull)
        let earlier = try #require(json["earlier_root_cause"] as? [String: Any])
        #expect(earlier["run"] as? String == "5125218d-d815-4cdf-af42-1e5069223e0d")
        #expect(((earlier["cause"] as? [String: Any])?["log"] as? String)?.hasSuffix("failed/dbt.log") == true)
        let all = try strata(["why", "--catalog", catalog]).stdout
        #expect(all.contains("  no log with a root cause; earlier failed run 5125218d-d815-4cdf-af42-1e5069223e0d (11-23 05:40): "), "\(all)")
        // The run it names answers with its own log.
        let named = try strata(["why", "dbt.jaffle_shop", "--run", "5125218d-d815-4cdf-af42-1e5069223e0d", "--catalog", catalog]).stdout
        #expect(named.contains("dbt.log:305"), "\(named)")
        #expect(!named.contains("earlier failed run"))
    }

    /// Task instances imported on their own name a DAG no import described: why still
    /// explains its run instead of stopping at "no entity".
    @Test(.enabled(if: sharedCorpus != nil, "../shared/corpus is not beside the repository: runs-only why skipped"))
    func whyExplainsARunOfADagKnownFromItsRunsOnly() throws {
        let file = try #require(sharedCorpus)
            + "/airflow/api/dags__orders_daily_pipeline__dagRuns__backfill__2024-06-04T0000000000__taskInstances.json"
        let catalog = try makeTempDirectory("why-runs-only") + "/stack.sqlite"
        #expect(try strata(["import", "airflow", file, "--catalog", catalog]).status == 0)
        let all = try strata(["why", "--catalog", catalog])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("orders_daily_pipeline · run backfill__2024-06-04T00:00:00+00:00"))
        let one = try strata(["why", "orders_daily_pipeline", "--catalog", catalog, "--json"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect((try one.json() as? [String: Any])?["root_tasks"] as? [String] != [])
    }

    /// A project's logs/dbt.log holds every invocation. Here the duckdb failed build sits between
    /// the postgres one (which failed on the same model with another message) and a later
    /// successful build: why answers from the run's own invocation, with the file's line number.
    @Test(.enabled(if: sharedCorpus != nil, "../shared/corpus is not beside the repository: shared dbt.log test skipped"))
    func whyReadsItsOwnInvocationOfASharedDbtLog() throws {
        let corpus = try #require(sharedCorpus) + "/dbt"
        let parts = try ["/jaffle_shop_postgres/failed/dbt.log", "/jaffle_shop/failed/dbt.log", "/jaffle_shop/dbt.log"]
            .map { try String(contentsOfFile: corpus + $0, encoding: .utf8) }
        let dir = try makeTempDirectory("why-shared-log")
        try parts.joined().write(toFile: dir + "/dbt.log", atomically: true, encoding: .utf8)
        let failed = corpus + "/jaffle_shop/failed"
        let catalog = dir + "/stack.sqlite"
        let imported = try strata(["import", "dbt", failed + "/manifest.json", "--run-results", failed + "/run_results.json",
                                   "--log", dir + "/dbt.log", "--catalog", catalog])
        #expect(imported.status == 0, "\(imported.stderr)")
        let r = try strata(["why", "dbt", "--catalog", catalog, "--json"])
        let cause = try #require((try r.json() as? [String: Any])?["root_cause"] as? [String: Any])
        let text = try #require(cause["text"] as? String)
        #expect(text.contains("Binder Error: Referenced column \"amount_cents\" not found"), "\(text)")
        let own = parts[1].split(separator: "\n", omittingEmptySubsequences: false)
        // The error's own line under dbt's `Runtime Error in model` header (not the adapter's debug line).
        let lineInOwn = try #require(own.firstIndex { $0.hasPrefix("  Binder Error: Referenced column") }) + 1
        let linesBefore = parts[0].split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(cause["line"] as? Int == linesBefore + lineInOwn)

        // strata log on the shared file reads the last invocation unless --run names one.
        let last = try strata(["log", dir + "/dbt.log", "--root-cause", "--json"])
        #expect(last.stderr.contains("holds 3 dbt invocations; reading the last (b5c00292-ee07-46d1-a358-8d137b388fac)"), "\(last.stderr)")
        #expect((try last.json() as? [String: Any])?["root_cause"] is NSNull)   // that build passed
        let named = try strata(["log", dir + "/dbt.log", "--root-cause", "--json", "--run", "36b56bcd-d128-4219-becc-41b776740598"])
        #expect(((try named.json() as? [String: Any])?["root_cause"] as? [String: Any])?["line"] as? Int == linesBefore + lineInOwn)
        let unknown = try strata(["log", dir + "/dbt.log", "--root-cause", "--run", "nope"])
        #expect(unknown.status == 1 && unknown.stderr.contains("holds no dbt invocation 'nope'"))
    }
}
