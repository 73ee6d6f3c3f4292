import Foundation

/// A dbt manifest (schema v12 shape) with `models` models, written for the import benchmark.
/// Realistic in what an importer reads: every model has 6-20 documented columns, a description,
/// tags, config with materialization and meta, 1-4 dependencies on earlier models or sources,
/// and two to three generic tests (unique/not_null, sometimes relationships); there is one
/// source per 40 models. Deterministic for a seed.
public enum SyntheticManifest {
    public static func write(models: Int, seed: UInt64, to path: String) throws -> (bytes: Int, nodes: Int) {
        var rng = SplitMix64(seed: seed)
        let domains = Zipf(Vocabulary.domains, exponent: 0.9)
        let qualifiers = Zipf(Vocabulary.qualifiers, exponent: 0.8)
        let columnNames = Zipf(Vocabulary.columns, exponent: 0.7)
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let out = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? out.close() }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        var bytes = 0
        func emit(_ s: String) {
            buffer += s
            if buffer.utf8.count > 1 << 20 { flush() }
        }
        func flush() {
            let d = Data(buffer.utf8); bytes += d.count; out.write(d); buffer.removeAll(keepingCapacity: true)
        }
        func q(_ s: String) -> String { "\"" + s + "\"" }

        emit("""
            {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "1.11.16", \
            "generated_at": "2026-11-23T00:00:00Z", "invocation_id": "bench", "env": {}, "project_name": "bench", \
            "adapter_type": "snowflake"},
            "nodes": {
            """)
        let sourceCount = max(1, models / 40)
        var names: [String] = []
        var nodes = 0
        var first = true
        func sep() { if !first { emit(",\n") }; first = false }
        for i in 0..<models {
            let layer = i < models / 4 ? "stg" : Vocabulary.layerPrefixes[rng.int(0...4)]
            let domain = domains.pick(&rng)
            let name = "\(layer)_\(domain)_\(qualifiers.pick(&rng))_\(i)"
            names.append(name)
            let id = "model.bench.\(name)"
            var deps: [String] = []
            for _ in 0..<rng.int(1...4) {
                if i < models / 4 || rng.chance(0.1) {
                    let src = rng.int(0...(sourceCount - 1))
                    deps.append("source.bench.raw_\(src / 10).src_\(src)")
                } else {
                    deps.append("model.bench.\(names[rng.int(0...(i - 1))])")
                }
            }
            deps = Array(Set(deps)).sorted()
            var cols: [String] = []
            var colNames: [String] = ["id"]
            for _ in 0..<rng.int(5...19) {
                let c = columnNames.pick(&rng)
                if !colNames.contains(c) { colNames.append(c) }
            }
            for c in colNames {
                cols.append("""
                    \(q(c)): {"name": \(q(c)), "description": "The \(c.replacingOccurrences(of: "_", with: " ")) of this \(domain) row.", \
                    "meta": {}, "data_type": \(rng.chance(0.5) ? q("varchar") : "null"), "constraints": [], "quote": null, \
                    "config": {"meta": {}, "tags": []}, "tags": [], "granularity": null, "doc_blocks": []}
                    """)
            }
            let schema = layer == "stg" ? "staging" : "marts_\(domain)"
            sep()
            emit("""
                \(q(id)): {"database": "ANALYTICS", "schema": \(q(schema)), "name": \(q(name)), "resource_type": "model", \
                "package_name": "bench", "path": "\(schema)/\(name).sql", "original_file_path": "models/\(schema)/\(name).sql", \
                "unique_id": \(q(id)), "fqn": ["bench", \(q(schema)), \(q(name))], "alias": \(q(name)), \
                "checksum": {"name": "sha256", "checksum": "\(String(format: "%016llx%016llx", rng.next(), rng.next()))"}, \
                "config": {"enabled": true, "alias": null, "schema": null, "database": null, "tags": ["\(domain)"], \
                "meta": {"owner": "team-\(domain)"}, "group": null, "materialized": "\(rng.chance(0.3) ? "view" : "table")", \
                "incremental_strategy": null, "persist_docs": {}, "post-hook": [], "pre-hook": [], "quoting": {}, \
                "column_types": {}, "full_refresh": null, "unique_key": null, "on_schema_change": "ignore", \
                "on_configuration_change": "apply", "grants": {}, "packages": [], "docs": {"show": true, "node_color": null}, \
                "contract": {"enforced": false, "alias_types": true}, "access": "protected"}, \
                "tags": ["\(domain)"], "description": "One row per \(domain) \(qualifiers.pick(&rng)) record, built from \(deps.count) upstream models. Used by the \(domain) team for reporting.", \
                "columns": {\(cols.joined(separator: ", "))}, "meta": {"owner": "team-\(domain)"}, "group": null, \
                "docs": {"show": true, "node_color": null}, "patch_path": "bench://models/\(schema)/schema.yml", \
                "build_path": null, "unrendered_config": {"materialized": "table"}, "created_at": 1795412440.0, \
                "relation_name": "ANALYTICS.\(schema).\(name)", "raw_code": "select * from {{ ref('x') }}", "doc_blocks": [], \
                "language": "sql", "refs": [\(deps.filter { $0.hasPrefix("model.") }.map { "{\"name\": \(q(String($0.split(separator: ".").last!))), \"package\": null, \"version\": null}" }.joined(separator: ", "))], \
                "sources": [], "metrics": [], "functions": [], "depends_on": {"macros": [], "nodes": [\(deps.map(q).joined(separator: ", "))]}, \
                "compiled_path": null, "contract": {"enforced": false, "alias_types": true, "checksum": null}, "access": "protected", \
                "constraints": [], "version": null, "latest_version": null, "deprecation_date": null, "primary_key": ["id"], "time_spine": null}
                """)
            nodes += 1
            var tests = [("unique", "id"), ("not_null", "id")]
            if rng.chance(0.3), colNames.count > 1 { tests.append(("not_null", colNames[1])) }
            for (t, col) in tests {
                let tname = "\(t)_\(name)_\(col)"
                let tid = "test.bench.\(tname).\(String(format: "%010llx", rng.next() & 0xffffffffff))"
                sep()
                emit("""
                    \(q(tid)): {"database": "ANALYTICS", "schema": "dbt_test__audit", "name": \(q(tname)), "resource_type": "test", \
                    "package_name": "bench", "path": "\(tname).sql", "original_file_path": "models/\(schema)/schema.yml", \
                    "unique_id": \(q(tid)), "fqn": ["bench", \(q(tname))], "alias": \(q(tname)), \
                    "checksum": {"name": "none", "checksum": ""}, "config": {"enabled": true, "severity": "ERROR", \
                    "materialized": "test", "meta": {}, "tags": []}, "tags": [], "description": "", "columns": {}, "meta": {}, \
                    "depends_on": {"macros": ["macro.dbt.test_\(t)"], "nodes": [\(q(id))]}, "column_name": \(q(col)), \
                    "file_key_name": "models.\(name)", "attached_node": \(q(id)), \
                    "test_metadata": {"name": \(q(t)), "kwargs": {"column_name": \(q(col)), "model": "{{ get_where_subquery(ref('\(name)')) }}"}, "namespace": null}}
                    """)
                nodes += 1
            }
        }
        emit("},\n\"sources\": {")
        first = true
        for s in 0..<sourceCount {
            let group = s / 10
            let id = "source.bench.raw_\(group).src_\(s)"
            sep()
            emit("""
                \(q(id)): {"database": "RAW", "schema": "raw_\(group)", "name": "src_\(s)", "resource_type": "source", \
                "package_name": "bench", "path": "models/sources.yml", "original_file_path": "models/sources.yml", \
                "unique_id": \(q(id)), "fqn": ["bench", "raw_\(group)", "src_\(s)"], "source_name": "raw_\(group)", \
                "source_description": "", "loader": "fivetran", "identifier": "src_\(s)", "description": "Raw table \(s).", \
                "columns": {"id": {"name": "id", "description": "Key.", "meta": {}, "data_type": null, "tags": []}}, \
                "meta": {}, "source_meta": {}, "tags": [], "config": {"enabled": true, "meta": {}, "tags": []}}
                """)
            nodes += 1
        }
        emit("},\n\"macros\": {}, \"docs\": {}, \"exposures\": {}, \"metrics\": {}, \"groups\": {}, \"selectors\": {}, \"disabled\": {}, \"parent_map\": {}, \"child_map\": {}, \"group_map\": {}, \"saved_queries\": {}, \"semantic_models\": {}, \"unit_tests\": {}}\n")
        flush()
        return (bytes, nodes)
    }
}
