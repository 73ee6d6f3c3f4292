import Foundation
import StrataCatalog
import StrataImport
import StrataTestSupport
import Testing

/// The bundled demo stack in catalog/: clean, big enough to be worth exploring, and staged with
/// the failures the rest of strata is built to explain.
@Suite struct DemoCatalogTests {
    static let loaded = CatalogFolder.load(repositoryRoot + "/catalog")
    var content: CatalogContent { Self.loaded.content }

    @Test func demoFolderChecksClean() {
        #expect(Self.loaded.diagnostics.map(\.description) == [])
    }

    @Test func meetsTheSizesTheProductPromises() {
        #expect(content.count(.stage) >= 8)
        #expect(content.count(.tool) >= 30)
        #expect(content.count(.owner) >= 15)
        #expect(content.count(.table) >= 150)
        #expect(content.count(.dag) >= 12)
        #expect(content.count(.task) >= 80)
        #expect(content.count(.term) >= 25)
        #expect(content.dashboardURLs.count >= 8)
        #expect(content.tables.values.allSatisfy { !$0.columns.isEmpty })
    }

    @Test func stagesComeInELTOrder() {
        let order = content.stagePositions.sorted { $0.value < $1.value }.map(\.key)
        let expected = ["extract", "load", "storage", "transform", "orchestrate", "serve", "ml", "observe"]
        #expect(order.filter(expected.contains) == expected)
    }

    @Test func everyTableHasOwnerAndStageAndEveryToolAStageAndDescription() {
        for e in content.entities where e.kind == .table {
            #expect(e.owner != nil && e.stage != nil, "\(e.id)")
            #expect(!e.description.isEmpty, "\(e.id)")
        }
        for e in content.entities where e.kind == .tool {
            #expect(e.stage != nil && e.description.count > 40, "\(e.id)")
        }
    }

    @Test func theToolsANewcomerWillMeetAreThere() {
        let ids = Set(content.entities.filter { $0.kind == .tool }.map(\.id))
        for tool in ["fivetran", "airbyte", "kafka", "kinesis", "debezium", "s3", "snowflake", "redshift", "bigquery",
                     "hive", "spark", "dbt", "trino", "airflow", "prefect", "dagster", "tableau", "looker", "power-bi",
                     "jupyter", "mlflow", "feast", "great-expectations", "monte-carlo", "datahub", "kubernetes",
                     "terraform"] {
            #expect(ids.contains(tool), "missing tool \(tool)")
        }
    }

    @Test func glossaryCoversTheBasicsAndTheRoles() {
        let names = content.entities.filter { $0.kind == .term }.map { $0.name.lowercased() }.joined(separator: "|")
        for word in ["elt", "etl", "dag", "upstream", "scd type 2", "upsert", "partition", "idempoten", "backfill",
                     "data engineer", "analytics engineer", "analyst", "data scientist", "ml engineer"] {
            #expect(names.contains(word), "glossary lacks \(word)")
        }
    }

    /// Raw events flow through staging and marts to dashboards and ML features, and some of
    /// that flow crosses from one DAG to another.
    @Test func lineageRunsFromRawEventsToDashboardsAndFeaturesAcrossDags() throws {
        var down: [String: [String]] = [:]
        for e in content.edges { down[e.from, default: []].append(e.to) }
        func reachable(from start: String) -> Set<String> {
            var seen: Set<String> = [start], queue = [start]
            while let n = queue.popLast() {
                for m in down[n] ?? [] where seen.insert(m).inserted { queue.append(m) }
            }
            return seen
        }
        let fromEvents = reachable(from: "raw.segment.tracks")
        #expect(fromEvents.contains { $0.hasPrefix("analytics.staging.") })
        #expect(fromEvents.contains { $0.hasPrefix("analytics.marts.") })
        #expect(fromEvents.contains("ml.features.customer_features"))
        #expect(fromEvents.contains { id in content.entities.contains { $0.id == id && $0.kind == .dashboard } })
        let fromOrders = reachable(from: "shopdb.public.orders")
        #expect(fromOrders.contains("ml.predictions.churn_scores"))

        // A table written by a task of one DAG and read by a task of another.
        var writerDag: [String: String] = [:]
        for e in content.edges { if let t = content.tasks[e.from], content.tables[e.to] != nil { writerDag[e.to] = t.dagID } }
        let crossing = content.edges.filter { e in
            guard let reader = content.tasks[e.to], let writer = writerDag[e.from] else { return false }
            return writer != reader.dagID
        }
        #expect(crossing.count >= 5)
    }

    @Test func abTestPipelineForLoggedOutUsersAndScoredPredictionsExist() {
        let experiments = content.entities.filter { $0.kind == .table && $0.id.hasPrefix("analytics.experiments.") }
        #expect(experiments.contains { $0.description.lowercased().contains("logged-out") })
        let scores = content.tables["ml.predictions.churn_scores"]?.columns.map(\.name) ?? []
        #expect(scores.contains("churn_probability"))
    }

    /// At least three failed runs in which one task really failed and others were
    /// upstream_failed, with a log for the failure; among them a chained Python traceback, a
    /// Spark `Caused by:` chain and a dbt database error. And a retried error that recovered.
    @Test func runHistoryHasRealisticFailures() throws {
        let failedRuns = content.runs.filter { run in
            run.state == "failed" && run.tasks.contains { $0.state == "failed" && !$0.logs.isEmpty }
                && run.tasks.contains { $0.state == "upstream_failed" }
        }
        #expect(failedRuns.count >= 3)
        let root = content.logRoot ?? ""
        var failureLogs = ""
        for run in failedRuns {
            for t in run.tasks where t.state == "failed" {
                failureLogs += try String(contentsOfFile: root + "/" + t.logs.last!, encoding: .utf8)
            }
        }
        #expect(failureLogs.contains("The above exception was the direct cause of the following exception"))
        #expect(failureLogs.contains("Caused by: "))
        #expect(failureLogs.contains("Database Error in model"))

        let recovered = content.runs.flatMap(\.tasks).filter { $0.state == "success" && $0.tries >= 2 && $0.logs.count >= 2 }
        #expect(!recovered.isEmpty)
        if let r = recovered.first {
            let first = try String(contentsOfFile: root + "/" + r.logs[0], encoding: .utf8)
            #expect(first.contains("ERROR"))
        }
    }

    @Test func everyLogSitsInAirflowsLayoutAndBelongsToARun() throws {
        let logs = content.runs.flatMap(\.tasks).flatMap(\.logs)
        #expect(logs.count >= 6)
        for log in logs {
            #expect(AirflowLogPath(String(log.dropFirst("logs/".count))) != nil, "\(log)")
        }
    }
}

/// Search ranking on a real-sized catalog: the things a person means come first.
@Suite struct DemoSearchRankingTests {
    static let catalog: Catalog = {
        let out = try! makeTempDirectory("demo-search") + "/demo.sqlite"
        try! CatalogBuild.build(folder: repositoryRoot + "/catalog", output: out)
        return try! Catalog(path: out)
    }()

    func top(_ q: String, _ n: Int = 5) throws -> [String] {
        try Self.catalog.read { try $0.search(q, limit: n) }.map(\.id)
    }

    @Test func aNameThatIsTheQueryComesFirst() throws {
        #expect(Set(try top("orders", 3)) == ["raw.shop.orders", "shopdb.public.orders", "kafka.shop.orders"])
        #expect(try top("fct_orders", 1) == ["analytics.marts.fct_orders"])
        #expect(try top("fct orders", 1) == ["analytics.marts.fct_orders"])
        #expect(try top("dbt", 1) == ["dbt"])
    }

    @Test func namesEndingInTheQueryComeBeforeMentions() throws {
        let hits = try top("payments", 3)
        #expect(hits.contains("analytics.staging.stg_payments"))
        #expect(hits.contains("analytics.marts.fct_payments"))
        #expect(try top("fct sess", 1) == ["analytics.marts.fct_sessions"])
    }
}
