import Foundation
import GRDB
import StrataCatalog
import StrataImport
import StrataTestSupport

/// `../shared/corpus/REL`; the suites that use it are disabled (with the reason printed) when
/// the corpus is not beside the repository.
func corpus(_ rel: String) -> String { (sharedCorpus ?? "/nonexistent") + "/" + rel }
let corpusMissing = "../shared/corpus is not beside the repository: corpus import tests skipped"

func tempCatalog(_ label: String = "import") throws -> String {
    try makeTempDirectory(label) + "/catalog.sqlite"
}

func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

@discardableResult
func importDbt(_ manifest: String, runResults: String? = nil, log: String? = nil, into catalog: String) throws -> ImportSummary {
    try CatalogImport.apply(try DbtImporter.plan(manifest: manifest, runResults: runResults, log: log), to: catalog)
}

@discardableResult
func importOL(_ inputs: [String], into catalog: String) throws -> ImportSummary {
    try CatalogImport.apply(try OpenLineageImporter.plan(inputs), to: catalog)
}

@discardableResult
func importAirflow(_ inputs: [String], into catalog: String) throws -> ImportSummary {
    try CatalogImport.apply(try AirflowImporter.plan(inputs), to: catalog)
}

/// Raw SQL reads for assertions (tests may know the schema).
func query<T: DatabaseValueConvertible>(_ catalog: String, _ sql: String, _ args: StatementArguments = []) throws -> [T] {
    let q = try DatabaseQueue(path: catalog)
    return try q.read { try T.fetchAll($0, sql: sql, arguments: args) }
}

func count(_ catalog: String, _ sql: String, _ args: StatementArguments = []) throws -> Int {
    (try query(catalog, sql, args) as [Int]).first ?? 0
}

func writeFile(_ dir: String, _ name: String, _ text: String) throws -> String {
    let path = dir + "/" + name
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// A small manifest of schema `version` with models `models` (each depends on the previous),
/// in the shape of that version: v7 writes refs as lists and has no groups or attached_node.
func syntheticManifest(version: Int, models: [String], project: String = "shop", group: Bool = false,
                       test: Bool = true) -> String {
    var nodes: [String] = []
    for (i, m) in models.enumerated() {
        let deps = i == 0 ? "" : "\"model.\(project).\(models[i - 1])\""
        let refs = i == 0 ? "[]" : (version <= 9 ? "[[\"\(models[i - 1])\"]]" : "[{\"name\": \"\(models[i - 1])\", \"package\": null, \"version\": null}]")
        let groupKey = version >= 9 && group ? ", \"group\": \"finance\", \"access\": \"public\"" : ""
        nodes.append("""
            "model.\(project).\(m)": {"unique_id": "model.\(project).\(m)", "resource_type": "model", "package_name": "\(project)",
              "name": "\(m)", "alias": "\(m)", "database": "WH", "schema": "Analytics", "fqn": ["\(project)", "marts", "\(m)"],
              "original_file_path": "models/marts/\(m).sql", "description": "The \(m) model.", "tags": ["t"],
              "config": {"materialized": "table", "meta": {}}, "meta": {},
              "columns": {"id": {"name": "id", "description": "Key.", "data_type": "integer"}},
              "refs": \(refs), "depends_on": {"nodes": [\(deps)], "macros": []}\(groupKey)}
            """)
        if test {
            let attached = version >= 10 ? ", \"attached_node\": \"model.\(project).\(m)\"" : ""
            nodes.append("""
                "test.\(project).unique_\(m)_id.abc": {"unique_id": "test.\(project).unique_\(m)_id.abc", "resource_type": "test",
                  "package_name": "\(project)", "name": "unique_\(m)_id", "fqn": ["\(project)", "unique_\(m)_id"],
                  "config": {"severity": "ERROR"}, "column_name": "id",
                  "test_metadata": {"name": "unique", "kwargs": {"column_name": "id", "model": "{{ get_where_subquery(ref('\(m)')) }}"}},
                  "refs": \(version <= 9 ? "[[\"\(m)\"]]" : "[{\"name\": \"\(m)\"}]"),
                  "depends_on": {"nodes": ["model.\(project).\(m)"], "macros": []}\(attached)}
                """)
        }
    }
    let groups = version >= 9 && group
        ? ", \"groups\": {\"group.\(project).finance\": {\"name\": \"finance\", \"owner\": {\"name\": \"Finance Analytics\", \"email\": \"fin@example.com\"}}}"
        : ""
    let projectName = version >= 10 ? ", \"project_name\": \"\(project)\"" : ""
    return """
        {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v\(version).json", "dbt_version": "1.x",
                      "adapter_type": "snowflake"\(projectName)},
         "nodes": {\(nodes.joined(separator: ",\n"))},
         "sources": {}, "exposures": {}\(groups)}
        """
}

/// One OpenLineage event: job `job` reading `inputs` and writing `outputs` (dataset names in
/// the namespace `postgres://db:5432`).
func olEvent(_ type: String = "COMPLETE", job: String, runID: String = "11111111-1111-1111-1111-111111111111",
             inputs: [String] = [], outputs: [String] = [], time: String = "2026-01-01T00:00:00Z") -> String {
    func ds(_ n: String) -> String { "{\"namespace\": \"postgres://db:5432\", \"name\": \"\(n)\"}" }
    return """
        {"eventType": "\(type)", "eventTime": "\(time)", "producer": "test", "run": {"runId": "\(runID)"}, \
        "job": {"namespace": "tests", "name": "\(job)"}, \
        "inputs": [\(inputs.map(ds).joined(separator: ", "))], "outputs": [\(outputs.map(ds).joined(separator: ", "))]}
        """
}
