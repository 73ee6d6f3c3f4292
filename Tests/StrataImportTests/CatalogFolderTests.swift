import Foundation
import StrataCatalog
import StrataImport
import StrataTestSupport
import StrataYAML
import Testing

@Suite struct CatalogFolderTests {
    func problems(_ changes: [String: String?]) throws -> [Diagnostic] {
        CatalogFolder.load(try FixtureFolder(changes).path).diagnostics
    }

    @Test func goodFolderHasNoProblemsAndReadsEverything() throws {
        let result = CatalogFolder.load(try FixtureFolder().path)
        #expect(result.diagnostics == [])
        let c = result.content
        #expect(c.count(.stage) == 4)
        #expect(c.count(.tool) == 3)
        #expect(c.count(.owner) == 3)
        #expect(c.count(.table) == 4)
        #expect(c.count(.dashboard) == 1)
        #expect(c.count(.dag) == 1)
        #expect(c.count(.task) == 3)
        #expect(c.count(.term) == 2)
        #expect(c.stagePositions == ["extract": 1, "transform": 2, "orchestrate": 3, "serve": 4])
        // Defaults apply unless the table overrides them.
        let fct = c.entities.first { $0.id == "analytics.fct_orders" }
        #expect(fct?.owner == "ana.lima")
        #expect(c.entities.first { $0.id == "raw.shop.orders" }?.owner == "data-eng")
        #expect(c.tables["raw.shop.orders"]?.platform == "snowflake")
        // Lineage: declared table upstreams, task reads/writes and task order.
        let edges = Set(c.edges.map { "\($0.from) -> \($0.to)" })
        #expect(edges.isSuperset(of: ["raw.shop.orders -> analytics.stg_orders",
                                      "orders_daily.extract -> raw.shop.orders",
                                      "raw.shop.orders -> orders_daily.transform",
                                      "orders_daily.transform -> analytics.fct_orders",
                                      "orders_daily.extract -> orders_daily.transform",
                                      "analytics.order_summary -> looker.kpis"]))
        #expect(c.tasks["orders_daily.publish"]?.triggerRule == "all_done")
        #expect(c.tasks["orders_daily.transform"]?.retries == 1)
        // Runs and their logs, attempt by attempt.
        let failed = c.runs.first { $0.state == "failed" }
        let transform = failed?.tasks.first { $0.taskID == "orders_daily.transform" }
        #expect(transform?.tries == 2)
        #expect(transform?.logs.count == 2)
        #expect(transform?.logs.first?.hasSuffix("task_id=transform/attempt=1.log") == true)
    }

    @Test func yamlSyntaxErrorNamesFileAndLine() throws {
        let p = try problems(["tools.yaml": "tools:\n  - id: dbt\n    name: [unclosed\n    stage: transform\n"])
        let syntax = p.filter { $0.file == "tools.yaml" }
        #expect(syntax.count == 1)
        #expect(syntax.first?.message.hasPrefix("YAML syntax error") == true)
        #expect((syntax.first?.line ?? 0) >= 3)
    }

    /// A DAG file that does not parse is one problem: its logs are not each reported as
    /// belonging to no DAG.
    @Test func aBrokenDagFileIsOneProblem() throws {
        let p = try problems(["dags/orders_daily.yaml": "id: orders_daily\n  name: [unclosed\n"])
        #expect(p.count == 1, "\(p.map(\.message))")
        #expect(p.first?.file == "dags/orders_daily.yaml")
        #expect(p.first?.message.hasPrefix("YAML syntax error") == true)
    }

    @Test func unknownKeyNamesFileLineAndSuggests() throws {
        let p = try problems(FixtureFolder.edit("tables/shop.yaml", "    description: Orders as loaded",
                                                "    descripton: Orders as loaded"))
        let d = try #require(p.first { $0.message.contains("unknown key 'descripton'") })
        #expect(d.file == "tables/shop.yaml")
        #expect(d.line == FixtureFolder.line(in: "tables/shop.yaml", "description: Orders as loaded"))
        #expect(d.message.contains("did you mean 'description'?"))
    }

    @Test func danglingReferencesNameFileAndLine() throws {
        var changes = FixtureFolder.edit("tables/shop.yaml", "upstream: [analytics.stg_orders]",
                                         "upstream: [analytics.stg_order]")
        changes.merge(FixtureFolder.edit("dags/orders_daily.yaml", "  owner: data-eng", "  owner: nobody"),
                      uniquingKeysWith: { a, _ in a })
        let p = try problems(changes)
        let table = try #require(p.first { $0.file == "tables/shop.yaml" })
        #expect(table.line == FixtureFolder.line(in: "tables/shop.yaml", "upstream: [analytics.stg_orders]"))
        #expect(table.message.contains("'analytics.stg_order' is not defined anywhere"))
        #expect(table.message.contains("did you mean 'analytics.stg_orders'?"))
        let dag = try #require(p.first { $0.file == "dags/orders_daily.yaml" })
        #expect(dag.line == FixtureFolder.line(in: "dags/orders_daily.yaml", "  owner: data-eng"))
        #expect(dag.message.contains("owner of DAG 'orders_daily': 'nobody' is not defined"))
    }

    @Test func referenceToTheWrongKindIsReported() throws {
        let p = try problems(FixtureFolder.edit("tables/shop.yaml", "owner: ana.lima", "owner: dbt"))
        let line = FixtureFolder.line(in: "tables/shop.yaml", "owner: ana.lima")
        #expect(p.contains { $0.line == line && $0.message.contains("'dbt' is a tool, expected an owner") })
    }

    @Test func duplicateIdNamesBothPlaces() throws {
        let p = try problems(["tables/more.yaml": """
            tables:
              - id: analytics.fct_orders
                owner: data-eng
                stage: transform
                description: A copy.
            """])
        let d = try #require(p.first)
        #expect(p.count == 1)
        #expect(d.file == "tables/shop.yaml" || d.file == "tables/more.yaml")
        #expect(d.message.contains("duplicate id 'analytics.fct_orders'"))
        #expect(d.message.contains("already defined as a table at tables/"))
    }

    @Test func wrongTypesAreReported() throws {
        var changes = FixtureFolder.edit("dags/orders_daily.yaml", "retries: 1", "retries: many")
        changes.merge(FixtureFolder.edit("tables/shop.yaml", "tags: [orders, raw]", "tags: orders"),
                      uniquingKeysWith: { a, _ in a })
        let p = try problems(changes)
        #expect(p.contains { $0.file == "dags/orders_daily.yaml" && $0.message.contains("'retries'") &&
                             $0.message.contains("whole number") })
        #expect(p.contains { $0.file == "tables/shop.yaml" && $0.line == FixtureFolder.line(in: "tables/shop.yaml", "tags: [orders, raw]") && $0.message.contains("must be a list") })
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        var changes = FixtureFolder.edit("tables/shop.yaml", "description: Cleaned orders", "descripton: Cleaned orders")
        changes.merge(FixtureFolder.edit("tools.yaml", "stage: extract", "stage: extrakt"), uniquingKeysWith: { a, _ in a })
        changes.merge(FixtureFolder.edit("owners.yaml", "team: data-eng\n    channel", "team: data-ops\n    channel"),
                      uniquingKeysWith: { a, _ in a })
        let p = try problems(changes)
        #expect(Set(p.map(\.file)) == ["tables/shop.yaml", "tools.yaml", "owners.yaml"])
        #expect(p.count >= 3)
    }

    @Test func tableWithoutOwnerOrStageIsAnError() throws {
        let p = try problems(["tables/bare.yaml": "tables:\n  - id: x.y\n    description: Nothing else.\n"])
        #expect(p.contains { $0.file == "tables/bare.yaml" && $0.line == 2 && $0.message.contains("has no owner") })
        #expect(p.contains { $0.message.contains("has no stage") })
    }

    @Test func runsAndLogsAreChecked() throws {
        var changes = FixtureFolder.edit("dags/orders_daily.yaml", "publish: upstream_failed", "publish: exploded")
        changes["logs/dag_id=orders_daily/run_id=nope/task_id=transform/attempt=1.log"] = "x\n"
        changes["logs/stray.log"] = "x\n"
        let p = try problems(changes)
        #expect(p.contains { $0.message.contains("unknown state 'exploded'") })
        #expect(p.contains { $0.file.hasSuffix("run_id=nope/task_id=transform/attempt=1.log")
                             && $0.message.contains("does not list") })
        #expect(p.contains { $0.file == "logs/stray.log" && $0.message.contains("not in Airflow's log layout") })
    }

    @Test func taskCyclesAreReported() throws {
        let p = try problems(FixtureFolder.edit("dags/orders_daily.yaml", "operator: FivetranOperator",
                                                "operator: FivetranOperator\n    upstream: [publish]"))
        #expect(p.contains { $0.message.contains("dependency cycle") })
    }

    @Test func airflowLogPathsParse() {
        let p = AirflowLogPath("dag_id=d/run_id=manual__2024-06-03T00:00:00+00:00/task_id=t/map_index=2/attempt=3.log")
        #expect(p == AirflowLogPath(dagID: "d", runID: "manual__2024-06-03T00:00:00+00:00", taskID: "t", mapIndex: 2,
                                    attempt: 3))
        #expect(AirflowLogPath("dag_id=d/run_id=r/task_id=t/attempt=0.log") == nil)
        #expect(AirflowLogPath("dag_id=d/task_id=t/attempt=1.log") == nil)
        #expect(AirflowLogPath("dag_id=d/run_id=r/task_id=t/attempt=1.txt") == nil)
    }
}

extension AirflowLogPath {
    init(dagID: String, runID: String, taskID: String, mapIndex: Int?, attempt: Int) {
        self.init("dag_id=\(dagID)/run_id=\(runID)/task_id=\(taskID)/"
                  + (mapIndex.map { "map_index=\($0)/" } ?? "") + "attempt=\(attempt).log")!
    }
}
