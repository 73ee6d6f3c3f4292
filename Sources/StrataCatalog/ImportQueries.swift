import GRDB

/// Where an entity came from: one importer and file.
public struct EntitySource: Sendable, Equatable, Codable {
    public var importer: String
    public var file: String
    public var importedAt: String
}

/// A check on a table with the state of its latest run, when one was imported.
public struct CheckStatus: Sendable, Equatable, Codable {
    public var check: DataCheck
    public var lastState: String?
}

/// What the importers add to an entity's page: its sources, dbt identity, checks and
/// warehouse relation.
public struct ImportDetail: Sendable, Equatable, Codable {
    public var sources: [EntitySource]
    public var dbt: DbtNodeInfo?
    public var relation: String?
    public var checks: [CheckStatus]
}

extension CatalogReader {
    public func importDetail(_ id: String) throws -> ImportDetail {
        let sources = try Row.fetchAll(db, sql: """
            SELECT importer, file, imported_at FROM entity_source WHERE entity_id = ? ORDER BY importer, file
            """, arguments: [id]).map { EntitySource(importer: $0["importer"], file: $0["file"], importedAt: $0["imported_at"]) }
        let dbt = try Row.fetchOne(db, sql: "SELECT * FROM dbt_node WHERE id = ?", arguments: [id]).map {
            DbtNodeInfo(resourceType: $0["resource_type"], packageName: $0["package_name"], fqn: $0["fqn"],
                        originalFilePath: $0["original_file_path"], patchPath: $0["patch_path"], access: $0["access"],
                        group: $0["group_name"], version: $0["version"], latestVersion: $0["latest_version"],
                        config: $0["config"])
        }
        let relation = try String.fetchOne(db, sql: "SELECT relation FROM data_table WHERE id = ?", arguments: [id])
        let checks = try Row.fetchAll(db, sql: """
            SELECT c.*, (SELECT t.state FROM task_run t JOIN dag_run r ON r.num = t.run_num
                         WHERE t.task_id = c.check_id ORDER BY r.start_time DESC LIMIT 1) AS last_state
            FROM data_check c WHERE c.table_id = ? ORDER BY c.column_name, c.name
            """, arguments: [id]).map { row in
            CheckStatus(check: DataCheck(tableID: row["table_id"], checkID: row["check_id"], name: row["name"],
                                         column: row["column_name"], test: row["test"], severity: row["severity"]),
                        lastState: row["last_state"])
        }
        return ImportDetail(sources: sources, dbt: dbt, relation: relation, checks: checks)
    }

    /// The message a task instance's tool reported (dbt message, OpenLineage error).
    public func taskRunMessage(dagID: String, runID: String, taskID: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT t.message FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE r.dag_id = ? AND r.run_id = ? AND t.task_id = ?
            """, arguments: [dagID, runID, taskID])
    }
}
