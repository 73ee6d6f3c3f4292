import Foundation
import GRDB
import StrataCatalog
import StrataTestSupport
import Testing

/// The v6-import migration: the exact names other parts of strata read (lineage selectors read
/// dbt_node, column lineage reads column_edge), added to a v5 catalog without touching its data.
@Suite struct ImportSchemaTests {
    /// dbt nodes imported before v10 lack config, access, group and version: marked, so the
    /// selectors that read those can say "import again" instead of answering wrongly.
    @Test func dbtNodesFromBeforeV10AreMarked() throws {
        let path = try SchemaTests.olderCatalog("v10", upTo: "v8-dbt-patch-path", """
            INSERT INTO entity(id, kind, name) VALUES ('model.p.a', 'table', 'a');
            INSERT INTO dbt_node(id, resource_type, package_name, fqn) VALUES ('model.p.a', 'model', 'p', 'p.a');
            """)
        let catalog = try Catalog(path: path)
        #expect(try catalog.read { try $0.dbtNodesLackGovernance() })
        let fresh = try Catalog()
        #expect(try !fresh.read { try $0.dbtNodesLackGovernance() })
    }

    @Test func v5CatalogGainsTheImportTablesAndKeepsItsData() throws {
        let path = try SchemaTests.olderCatalog("v6", upTo: "v5-navigator-indexes", """
            INSERT INTO entity(id, kind, name) VALUES ('raw.orders', 'table', 'raw.orders');
            INSERT INTO data_table(id, platform) VALUES ('raw.orders', 'snowflake');
            INSERT INTO dag_run(dag_id, run_id, state) VALUES ('d', 'r', 'failed');
            INSERT INTO task_run(run_num, task_id, state) VALUES (1, 'd.t', 'failed');
            """)
        let catalog = try Catalog(path: path)
        #expect(try catalog.appliedMigrations().contains("v6-import"))
        let q = try DatabaseQueue(path: path)
        func columns(_ table: String) throws -> [String] { try q.read { try $0.columns(in: table).map(\.name) } }
        #expect(try catalog.appliedMigrations().contains("v8-dbt-patch-path"))
        #expect(try catalog.appliedMigrations().contains("v9-dbt-access-group-version"))
        #expect(try catalog.appliedMigrations().contains("v10-dbt-config"))
        #expect(try columns("dbt_node") == ["id", "resource_type", "package_name", "fqn", "original_file_path", "patch_path",
                                            "access", "group_name", "version", "latest_version", "config"])
        #expect(try columns("column_edge") == ["from_table", "from_column", "to_table", "to_column", "source"])
        #expect(try columns("data_check") == ["table_id", "check_id", "name", "column_name", "test", "severity"])
        #expect(try columns("import_fact") == ["importer", "file", "fact", "key", "digest"])
        #expect(try columns("data_table").contains("relation"))
        #expect(try columns("task_run").contains("message"))
        let indexes = try q.read { try $0.indexes(on: "column_edge") }
        #expect(indexes.contains { $0.columns == ["to_table", "to_column"] })
        #expect(try q.read { try String.fetchOne($0, sql: "SELECT platform FROM data_table WHERE id = 'raw.orders'") } == "snowflake")
        #expect(try q.read { try String.fetchOne($0, sql: "SELECT state FROM task_run WHERE task_id = 'd.t'") } == "failed")
    }
}
