import Foundation
import StrataTestSupport
import Testing

/// `strata import` as a user runs it: target selection, exit codes, summaries, and bad input
/// leaving the catalog byte-identical.
@Suite struct ImportCLITests {
    func manifest(_ dir: String, models: [String]) throws -> String {
        let path = dir + "/manifest.json"
        var nodes: [String] = []
        for (i, m) in models.enumerated() {
            let deps = i == 0 ? "" : "\"model.shop.\(models[i - 1])\""
            nodes.append("""
                "model.shop.\(m)": {"unique_id": "model.shop.\(m)", "resource_type": "model", "package_name": "shop", "name": "\(m)",
                  "database": "wh", "schema": "analytics", "fqn": ["shop", "\(m)"], "description": "Model \(m).",
                  "columns": {"id": {"name": "id", "description": "Key."}}, "depends_on": {"nodes": [\(deps)]}},
                "test.shop.not_null_\(m)_id.1": {"unique_id": "test.shop.not_null_\(m)_id.1", "resource_type": "test",
                  "package_name": "shop", "name": "not_null_\(m)_id", "column_name": "id", "attached_node": "model.shop.\(m)",
                  "test_metadata": {"name": "not_null"}, "depends_on": {"nodes": ["model.shop.\(m)"]}}
                """)
        }
        try """
            {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "project_name": "shop"},
             "nodes": {\(nodes.joined(separator: ",\n"))}, "sources": {}, "exposures": {}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func importWithoutATargetIsAUsageError() throws {
        let dir = try makeTempDirectory("cli-import")
        let m = try manifest(dir, models: ["a"])
        let r = try strata(["import", "dbt", m], env: ["STRATA_CATALOG": ""])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--catalog FILE or set STRATA_CATALOG"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["manifest.json"])
        #expect(try strata(["import", "parquet", m, "--catalog", dir + "/c.sqlite"]).status == 2)
    }

    @Test func importCreatesTheCatalogThenSecondImportChangesNothing() throws {
        let dir = try makeTempDirectory("cli-import")
        let m = try manifest(dir, models: ["a", "b"])
        let c = dir + "/new/c.sqlite"
        let first = try strata(["import", "dbt", m, "--catalog", c, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let json = try #require(try first.json() as? [String: Any])
        let changes = try #require(json["changes"] as? [String: [String: Int]])
        #expect(changes["table"] == ["added": 2, "updated": 0, "removed": 0])
        #expect(changes["check"]?["added"] == 2)
        #expect(changes["edge"]?["added"] == 1)
        let before = try Data(contentsOf: URL(fileURLWithPath: c))
        // $STRATA_CATALOG is the target when --catalog is not given.
        let second = try strata(["import", "dbt", m], env: ["STRATA_CATALOG": c])
        #expect(second.status == 0)
        #expect(second.stdout.contains("nothing changed (0 added, 0 updated, 0 removed)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: c)) == before)
        // The imported catalog answers the other commands.
        let show = try strata(["show", "model.shop.b", "--catalog", c])
        #expect(show.status == 0)
        #expect(show.stdout.contains("Checks (1)"))
        #expect(show.stdout.contains("not_null_b_id"))
        #expect(show.stdout.contains("Sources"))
        #expect(show.stdout.contains("dbt model shop.b"))
        #expect(show.stdout.contains(m))
        let stages = try strata(["stages", "--catalog", c])
        #expect(stages.stdout.contains("Transform & model"))
    }

    @Test func aProjectFolderImportsItsTargetManifest() throws {
        let project = try makeTempDirectory("cli-project")
        try FileManager.default.createDirectory(atPath: project + "/target", withIntermediateDirectories: true)
        _ = try manifest(project + "/target", models: ["a", "b"])
        let c = project + "/c.sqlite"
        let r = try strata(["import", "dbt", project, "--catalog", c])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("reading \(project)/target/manifest.json"))
        #expect(r.stdout.contains("table  +2"))
        // run_results.json from `dbt compile` is no run: said, not imported.
        try #"{"metadata": {}, "args": {"which": "compile"}, "results": [{"unique_id": "model.shop.a", "status": "success"}]}"#
            .write(toFile: project + "/target/run_results.json", atomically: true, encoding: .utf8)
        let compiled = try strata(["import", "dbt", project, "--catalog", c])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        #expect(compiled.stderr.contains("strata: warning: \(project)/target/run_results.json is from `dbt compile`, which runs nothing"))
        #expect(compiled.stdout.contains("nothing changed"))
        let empty = try makeTempDirectory("cli-empty")
        let none = try strata(["import", "dbt", empty, "--catalog", c])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no manifest.json here or in target/"))
    }

    @Test func textSummaryCountsPerKind() throws {
        let dir = try makeTempDirectory("cli-import")
        let c = dir + "/c.sqlite"
        let m = try manifest(dir, models: ["a", "b", "c"])
        #expect(try strata(["import", "dbt", m, "--catalog", c]).status == 0)
        _ = try manifest(dir, models: ["c"])
        let r = try strata(["import", "dbt", m, "--catalog", c])
        #expect(r.status == 0)
        #expect(r.stdout.contains("0 added, 0 updated, 2 removed") || r.stdout.contains("removed"))
        #expect(r.stdout.contains("table"))
        #expect(r.stdout.contains("-2"))
    }

    @Test(arguments: ["truncated", "missing", "version", "event"])
    func badInputExitsOneNamingTheFileAndKeepsTheCatalog(_ kind: String) throws {
        let dir = try makeTempDirectory("cli-import-bad")
        let c = dir + "/c.sqlite"
        let m = try manifest(dir, models: ["a"])
        #expect(try strata(["import", "dbt", m, "--catalog", c]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: c))
        let bad = dir + "/bad.json"
        var args: [String]
        switch kind {
        case "truncated":
            let text = try String(contentsOfFile: m, encoding: .utf8)
            try String(text.prefix(text.count - 40)).write(toFile: bad, atomically: true, encoding: .utf8)
            args = ["import", "dbt", bad]
        case "missing":
            args = ["import", "dbt", bad]
        case "version":
            try String(contentsOfFile: m, encoding: .utf8).replacingOccurrences(of: "manifest/v12", with: "manifest/v42")
                .write(toFile: bad, atomically: true, encoding: .utf8)
            args = ["import", "dbt", bad]
        default:
            try #"{"eventType": "START", "eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "r"}}"#
                .write(toFile: bad, atomically: true, encoding: .utf8)
            args = ["import", "openlineage", bad]
        }
        let r = try strata(args + ["--catalog", c])
        #expect(r.status == 1, "\(kind): \(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains(bad), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: c)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
                == (kind == "missing" ? ["c.sqlite", "manifest.json"] : ["bad.json", "c.sqlite", "manifest.json"]))
    }

    /// The wrong importer for a file, and a .gz that is not gzip, are named as such rather than
    /// "not valid JSON; is the file truncated?".
    @Test func theWrongKindOfFileIsNamed() throws {
        let dir = try makeTempDirectory("cli-import-kind")
        let c = dir + "/c.sqlite"
        let events = dir + "/events.ndjson"
        try [#"{"eventType": "START", "eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "r"}, "job": {"namespace": "n", "name": "j"}}"#,
             #"{"eventType": "COMPLETE", "eventTime": "2026-01-01T00:01:00Z", "run": {"runId": "r"}, "job": {"namespace": "n", "name": "j"}}"#]
            .joined(separator: "\n").write(toFile: events, atomically: true, encoding: .utf8)
        let r = try strata(["import", "dbt", events, "--catalog", c])
        #expect(r.status == 1)
        #expect(r.stderr.contains("holds one JSON object per line (NDJSON), not one JSON document: OpenLineage events? strata import openlineage"),
                "\(r.stderr)")
        let fake = dir + "/manifest.json.gz"
        try "{}".write(toFile: fake, atomically: true, encoding: .utf8)
        let gz = try strata(["import", "dbt", fake, "--catalog", c])
        #expect(gz.status == 1)
        #expect(gz.stderr.contains("manifest.json.gz: is named .gz but is not gzip data"), "\(gz.stderr)")
    }

    @Test(.enabled(if: sharedCorpus != nil, "../shared/corpus is not beside the repository: corpus CLI test skipped"))
    func corpusImportsThroughTheCLI() throws {
        let corpus = try #require(sharedCorpus)
        let c = try makeTempDirectory("cli-corpus") + "/c.sqlite"
        let f = corpus + "/dbt/jaffle_shop_postgres/failed"
        let dbt = try strata(["import", "dbt", f + "/manifest.json", "--run-results", f + "/run_results.json",
                              "--log", f + "/dbt.log", "--catalog", c])
        #expect(dbt.status == 0, "\(dbt.stderr)")
        // The folder alone brings the same three files: a second import changes nothing.
        let folder = try strata(["import", "dbt", f, "--catalog", c])
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(folder.stderr.contains("reading \(f)/manifest.json, \(f)/run_results.json, \(f)/dbt.log"))
        #expect(folder.stdout.contains("nothing changed"))
        let ol = try strata(["import", "openlineage", corpus + "/openlineage", "--catalog", c])
        #expect(ol.status == 0, "\(ol.stderr)")
        #expect(ol.stderr.contains("facet example"))
        let af = try strata(["import", "airflow", corpus + "/airflow/api", corpus + "/airflow/logs", "--catalog", c])
        #expect(af.status == 0, "\(af.stderr)")
        // The whole airflow folder holds non-API JSON: an error naming it, nothing written.
        let before = try Data(contentsOf: URL(fileURLWithPath: c))
        let mixed = try strata(["import", "airflow", corpus + "/airflow", "--catalog", c])
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("airflow/dag_structure.json") || mixed.stderr.contains("airflow/task_instance_states.json"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: c)) == before)
        let show = try strata(["show", "model.jaffle_shop.stg_payments", "--catalog", c, "--json"])
        let json = try #require(try show.json() as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(Set(sources.compactMap { $0["importer"] as? String }) == ["dbt", "openlineage"])
        #expect((json["checks"] as? [Any])?.count == 3)
    }
}
