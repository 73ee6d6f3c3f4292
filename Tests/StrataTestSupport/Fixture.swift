import Foundation

/// A small but complete catalog folder written to a temporary directory, for tests that need
/// real files: one file per kind, lineage across a DAG, a failed run with its log.
public struct FixtureFolder {
    public let path: String

    public static let files: [String: String] = [
        "stages.yaml": """
            stages:
              - id: extract
                name: Sources & extract
                description: Where data leaves its source systems.
              - id: transform
                name: Transform
                description: SQL models that turn raw data into tables people use.
              - id: orchestrate
                name: Orchestrate
                description: Schedulers that run everything in order.
              - id: serve
                name: Serve
                description: Dashboards and reverse ETL.
            """,
        "tools.yaml": """
            tools:
              - id: fivetran
                name: Fivetran
                stage: extract
                description: Managed connectors that copy SaaS data into the warehouse.
                used_for: Stripe and Zendesk syncs.
                docs: https://fivetran.com/docs
              - id: dbt
                name: dbt
                stage: transform
                description: SQL models with tests and docs.
                owner: data-eng
              - id: airflow
                name: Airflow
                stage: orchestrate
                description: Runs DAGs of tasks on a schedule.
            """,
        "owners.yaml": """
            teams:
              - id: data-eng
                name: Data Engineering
                description: Runs the pipelines.
                channel: "#data-eng"
                email: data-eng@example.com
                oncall: data-eng-primary (weekly)
                ask_me_about: [Airflow, dbt]
            people:
              - id: ana.lima
                name: Ana Lima
                role: Data Engineer
                team: data-eng
                channel: "@ana.lima"
                email: ana.lima@example.com
                oncall: primary this week
              - id: bo.chen
                name: Bo Chen
                role: Analyst
                team: data-eng
            """,
        "glossary.yaml": """
            terms:
              - id: dag-term
                name: DAG
                description: A directed acyclic graph of tasks.
                see_also: [upstream-term]
              - id: upstream-term
                name: Upstream
                description: What a thing depends on.
            """,
        "tables/shop.yaml": """
            defaults:
              platform: snowflake
              owner: data-eng
            tables:
              - id: raw.shop.orders
                stage: extract
                tool: fivetran
                description: Orders as loaded from the shop database.
                tags: [orders, raw]
                columns:
                  - {name: id, type: number, description: Order id.}
                  - {name: amount_cents, type: number, description: Total in cents.}
              - id: analytics.stg_orders
                stage: transform
                tool: dbt
                description: Cleaned orders, amounts in euros.
                upstream: [raw.shop.orders]
                columns:
                  - {name: order_id, type: number, description: Order id.}
                  - {name: amount, type: float, description: Total in euros.}
              - id: analytics.fct_orders
                stage: transform
                tool: dbt
                owner: ana.lima
                description: One row per order with customer and payment facts.
                tags: [orders, finance, core]
                upstream: [analytics.stg_orders]
                columns:
                  - {name: order_id, type: number, description: Primary key.}
                  - {name: customer_id, type: number, description: Who ordered.}
              - id: analytics.order_summary
                stage: transform
                description: Orders summed per day, for the KPI dashboard.
                upstream: [analytics.fct_orders]
            """,
        "dashboards/kpi.yaml": """
            dashboards:
              - id: looker.kpis
                name: KPIs
                owner: bo.chen
                description: Daily order KPIs.
                url: https://looker.example.com/1
                upstream: [analytics.order_summary]
            """,
        "dags/orders_daily.yaml": """
            dag:
              id: orders_daily
              description: Loads and models orders every night.
              schedule: "0 2 * * *"
              tool: airflow
              owner: data-eng
            tasks:
              - id: extract
                operator: FivetranOperator
                writes: [raw.shop.orders]
              - id: transform
                operator: BashOperator
                upstream: [extract]
                reads: [raw.shop.orders]
                writes: [analytics.stg_orders, analytics.fct_orders]
                retries: 1
              - id: publish
                operator: BashOperator
                upstream: [transform]
                trigger_rule: all_done
                reads: [analytics.fct_orders]
                writes: [analytics.order_summary]
            runs:
              - run_id: scheduled__2026-11-21T02:00:00+00:00
                state: success
                start: 2026-11-21T02:00:03Z
                end: 2026-11-21T02:10:00Z
                tasks: {extract: success, transform: success, publish: success}
              - run_id: scheduled__2026-11-22T02:00:00+00:00
                state: failed
                start: 2026-11-22T02:00:03Z
                end: 2026-11-22T02:09:00Z
                tasks:
                  extract: success
                  transform: {state: failed, tries: 2, start: 2026-11-22T02:01:00Z, end: 2026-11-22T02:08:00Z}
                  publish: upstream_failed
            """,
        "logs/dag_id=orders_daily/run_id=scheduled__2026-11-22T02:00:00+00:00/task_id=transform/attempt=1.log":
            "[2026-11-22T02:01:00.000+0000] {taskinstance.py:1} ERROR - boom\n",
        "logs/dag_id=orders_daily/run_id=scheduled__2026-11-22T02:00:00+00:00/task_id=transform/attempt=2.log":
            "[2026-11-22T02:05:00.000+0000] {taskinstance.py:1} ERROR - boom again\n",
    ]

    /// Writes the fixture, with `changes` applied (a nil value deletes that file).
    public init(_ changes: [String: String?] = [:]) throws {
        path = try makeTempDirectory("fixture")
        var files: [String: String?] = Self.files.mapValues { $0 }
        for (k, v) in changes { files[k] = v }
        for (rel, text) in files {
            guard let text else { continue }
            let url = URL(fileURLWithPath: path + "/" + rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (text.hasSuffix("\n") ? text : text + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// The 1-based line of the first line of `text` containing `needle`.
    public static func line(_ text: String, _ needle: String) -> Int {
        let lines = text.components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.contains(needle) }) else { preconditionFailure("no '\(needle)'") }
        return i + 1
    }

    /// The 1-based line in fixture file `rel` of the first line containing `needle`.
    public static func line(in rel: String, _ needle: String) -> Int { line(files[rel]!, needle) }

    /// The fixture file `rel` with `old` replaced by `new` (for one-line breakages).
    public static func edit(_ rel: String, _ old: String, _ new: String) -> [String: String?] {
        let text = files[rel]!
        precondition(text.contains(old), "fixture \(rel) has no '\(old)'")
        return [rel: text.replacingOccurrences(of: old, with: new)]
    }
}

/// A fresh, empty directory under the system temp folder.
public func makeTempDirectory(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "strata-test-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The repository root (for the demo catalog/ folder).
public let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// `../shared/corpus` beside the repository, when present.
public let sharedCorpus: String? = {
    let path = URL(fileURLWithPath: repositoryRoot).deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    return FileManager.default.fileExists(atPath: path) ? path : nil
}()
