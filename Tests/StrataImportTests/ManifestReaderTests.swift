import Foundation
@testable import StrataImport
import StrataTestSupport
import Testing

/// The byte-level manifest reader must give exactly what `JSONDecoder` gives, or give up:
/// on every corpus manifest, on a manifest full of escapes and odd-but-valid values, and on
/// thousands of damaged copies (where, whenever it answers, the decoder must agree).
@Suite struct ManifestReaderTests {
    typealias Manifest = DbtImporter.Manifest

    static func decoded(_ data: Data) -> Manifest? { try? JSONDecoder().decode(Manifest.self, from: data) }

    /// The reader keeps columns in the manifest's order, the decoder sorts them by name: compare
    /// both by name. The reader keeps a config's JSON as written, the decoder writes it anew:
    /// compare both as JSON.
    static func byName(_ m: Manifest?) -> Manifest? {
        guard var m else { return nil }
        func canonical(_ json: String?) -> String? {
            guard let json, let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed),
                  let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
            else { return json.map { "unreadable: " + $0 } }
            return String(decoding: data, as: UTF8.self)
        }
        func sortColumns(_ nodes: [String: DbtImporter.Node]) -> [String: DbtImporter.Node] {
            nodes.mapValues { n in
                var n = n
                n.columns?.list.sort { $0.0 < $1.0 }
                let json = canonical(n.config?.json)
                n.config?.json = json
                return n
            }
        }
        m.nodes = sortColumns(m.nodes)
        m.sources = m.sources.map(sortColumns)
        m.columnsInDocumentOrder = false
        return m
    }

    @Test func corpusManifestsReadAsTheDecoderReadsThem() throws {
        guard let corpus = sharedCorpus else {
            print("ManifestReaderTests: skipped, ../shared/corpus is not present beside the repository")
            return
        }
        for project in ["jaffle_shop/manifest.json", "jaffle_shop_postgres/manifest.json",
                        "mattermost_analytics/manifest.json.gz", "calitp_warehouse/manifest.json.gz"] {
            let data = try ImportInput.read(corpus + "/dbt/" + project)
            let reference = try #require(Self.decoded(data), "\(project): the decoder refused it")
            let read = try #require(ManifestReader.read(data), "\(project): the reader gave up")
            #expect(Self.byName(read) == Self.byName(reference), "\(project)")
            // Read on several cores (what manifests of 8 MB and more get): the same.
            let parallel = try #require(ManifestReader.readInParallel(data, parts: 5), "\(project): the parallel read gave up")
            #expect(parallel == read, "\(project)")
            #expect(read.nodes.count > 10)
        }
    }

    /// The reader's column order is the order the decoder path recovers with `columnOrder`.
    @Test func columnOrderIsTheManifestOrder() throws {
        guard let corpus = sharedCorpus else { print("skipped: no shared corpus"); return }
        var compared = 0
        for project in ["jaffle_shop/manifest.json", "mattermost_analytics/manifest.json.gz", "calitp_warehouse/manifest.json.gz"] {
            let data = try ImportInput.read(corpus + "/dbt/" + project)
            let reference = try #require(Self.decoded(data))
            let read = try #require(ManifestReader.read(data))
            let order = DbtImporter.columnOrder(data)
            for (id, node) in reference.nodes where (node.columns?.list.count ?? 0) > 1 {
                let recovered = DbtImporter.ordered(node.columns!.list, order[id]).map(\.0)
                #expect(read.nodes[id]?.columns?.list.map(\.0) == recovered, "\(project) \(id)")
                compared += 1
            }
        }
        #expect(compared > 20)
    }

    /// Escapes of every kind, non-ASCII text, surrogate pairs, braces and quotes inside strings,
    /// numbers of every form, nulls for optional fields, and each shape an owner can take.
    static let oddButValid = #"""
        {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "project_name": null,
                      "adapter_type": "postgres", "env": {"n": [0, -1, 2.5, 1e10, -3.25E-2, 0.0e+0, true, false, null]}},
         "nodes": {
           "model.p.a": {"unique_id": "model.p.a", "resource_type": "model", "package_name": "p", "name": "a",
             "description": "Tab\there \"quoted\" back\\slash sl\/ash \b\f\n\r caf\u00e9 \ud83d\ude00 \u2603 {not: [json]}",
             "raw_code": "select '}' as x, \"]\" as y -- {{ ref(\"b\") }}", "tags": [], "fqn": ["p", "a"],
             "meta": {"owner": ["ana@example.com", "bob"]}, "config": {"meta": {"owner": {"name": null, "email": "c@example.com"}},
             "enabled": true, "materialized": null, "severity": "warn"},
             "columns": {"z": {"name": "z", "description": "last"}, "a": {"name": "A", "data_type": null, "x": [[[]], {}]},
                         "é": {"description": "accented"}},
             "depends_on": {"nodes": ["source.p.s.t"], "macros": ["m"]}, "group": null, "access": "public"},
           "model.p.b": {"unique_id": "model.p.b", "resource_type": "model", "package_name": "p", "name": "b",
             "meta": {"owner": 42}, "config": {"meta": {"owner": [1, 2]}}, "columns": null, "depends_on": null,
             "tags": null, "description": null},
           "model.p.c": {"unique_id": "model.p.c", "resource_type": "model", "package_name": "p", "name": "c",
             "meta": {"owner": {"name": 7}}, "config": {"meta": {"owner": null}, "enabled": false}},
           "test.p.t": {"unique_id": "test.p.t", "resource_type": "test", "package_name": "p", "name": "t",
             "test_metadata": {"name": "relationships", "kwargs": {"column_name": ["id"], "model": "{{ ref('a') }}", "to": "ref('b')"}},
             "attached_node": "model.p.a", "column_name": "id"}
         },
         "sources": {"source.p.s.t": {"unique_id": "source.p.s.t", "resource_type": "source", "package_name": "p", "name": "t",
                     "source_name": "s", "identifier": "T", "database": "DB", "schema": "raw"}},
         "exposures": {"exposure.p.d": {"unique_id": "exposure.p.d", "name": "d", "label": "Dash", "package_name": "p",
                       "owner": {"name": "Ana", "email": "ana@example.com"}, "url": "https://x", "depends_on": {"nodes": ["model.p.a"]}}},
         "groups": {"group.p.g": {"name": "g", "owner": {"email": "g@example.com"}}},
         "macros": {"m": {"macro_sql": "{% macro m() %}\n  {{ return(\"}\") }}\n{% endmacro %}"}},
         "parent_map": {"model.p.a": ["source.p.s.t"]}, "child_map": {}, "semantic_models": {}, "unit_tests": {}
        }
        """#

    @Test func oddButValidValues() throws {
        let data = Data(Self.oddButValid.utf8)
        let reference = try #require(Self.decoded(data))
        let read = try #require(ManifestReader.read(data))
        #expect(Self.byName(read) == Self.byName(reference))
        #expect(ManifestReader.readInParallel(data, parts: 3) == read)
        #expect(read.nodes["model.p.a"]?.description?.contains("café 😀 ☃ {not: [json]}") == true)
        #expect(read.nodes["model.p.a"]?.meta?.owner?.value == "ana@example.com")
        #expect(read.nodes["model.p.a"]?.config?.meta?.owner?.value == "c@example.com")
        #expect(read.nodes["model.p.b"]?.meta?.owner == LenientName(value: nil))
        #expect(read.nodes["model.p.a"]?.columns?.list.map(\.0) == ["z", "a", "é"])
        #expect(reference.nodes["model.p.a"]?.columns?.list.map(\.0) == ["a", "z", "é"])
    }

    /// The decoder's config text must not depend on the order it hands keys over in (it changes
    /// from one process to the next, and the text goes into the import's digest).
    @Test func decodedConfigTextIsCanonical() throws {
        let data = Data(#"{"b": 1, "a": {"d": 2.5, "c": [true, null, "x\"y\u0001"]}, "é": {}}"#.utf8)
        let text = try JSONDecoder().decode(JSONText.self, from: data).text
        #expect(text == #"{"a":{"c":[true,null,"x\"y\u0001"],"d":2.5},"b":1,"é":{}}"#)
    }

    @Test func modelVersionsReadAsTheDecoderReadsThem() throws {
        let nodes = [("a", "1", "2"), ("b", "2.5", "2.0"), ("c", #""v3""#, #""v3""#), ("d", "null", "null"), ("e", "-1e2", "7")]
            .map { name, version, latest in
                #""model.p.\#(name)": {"unique_id": "model.p.\#(name)", "resource_type": "model", "package_name": "p", "name": "\#(name)", "version": \#(version), "latest_version": \#(latest), "access": "public", "group": "g", "config": {"group": "finance"}}"#
            }
        let data = Data(#"{"metadata": {}, "nodes": {\#(nodes.joined(separator: ", "))}}"#.utf8)
        let reference = try #require(Self.decoded(data))
        let read = try #require(ManifestReader.read(data))
        #expect(Self.byName(read) == Self.byName(reference))
        #expect(read.nodes.keys.sorted().map { read.nodes[$0]?.version?.text } == ["1", "2.5", "v3", nil, "-100"])
        #expect(read.nodes.keys.sorted().map { read.nodes[$0]?.latest_version?.text } == ["2", "2", "v3", nil, "7"])
        #expect(read.nodes["model.p.a"]?.config?.group == "finance")
    }

    /// What the reader gives up on: the decoder then decides (and names the error).
    @Test(arguments: [
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "a", "tags": "x"}}}"#,
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p"}}}"#,
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "a"}}"#,
        #"{"metadata": {}, "nodes": {}} x"#,
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "a", "x": 01}}}"#,
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "a", "x": [1,]}}}"#,
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "\ud800"}}}"#,
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "a", "config": {"enabled": "yes"}}}}"#,
        #"{"metadata": {}}"#,
        #"{"metadata": {}, "nodes": {}, "nodes": {}}"#,
        // A field given twice: JSONDecoder keeps the first one.
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "a", "name": "b"}}}"#,
        #"{"metadata": {}, "nodes": {"a": {"unique_id": "a", "resource_type": "model", "package_name": "p", "name": "a", "config": {"materialized": "table", "materialized": "view"}}}}"#,
    ])
    func givesUpWhereTheDecoderMustJudge(_ text: String) {
        #expect(ManifestReader.read(Data(text.utf8)) == nil)
    }

    @Test func invalidUTF8IsLeftToTheDecoder() {
        var bytes = Array(Self.oddButValid.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "T"))!   // inside the first description
        bytes[at] = 0xFF
        #expect(ManifestReader.read(Data(bytes)) == nil)
    }

    /// Damaged copies: a byte dropped, changed or inserted, or the file cut short. Whenever the
    /// reader still answers, the decoder must accept the same bytes and agree.
    @Test func damagedCopiesNeverDisagree() throws {
        var sources = [Data(Self.oddButValid.utf8), Data(syntheticManifest(version: 12, models: ["a", "b", "c"], group: true).utf8)]
        if let corpus = sharedCorpus, let jaffle = FileManager.default.contents(atPath: corpus + "/dbt/jaffle_shop/manifest.json") {
            sources.append(jaffle.prefix(60_000) + Data("}}}}}}}}}}".utf8))
        }
        var rng = UInt64(0x2545F4914F6CDD1D)
        func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(max(1, n))) }
        let alphabet = Array(#"{}[],:"\ 0123456789eE.-+tfnulrsa"#.utf8)
        var answered = 0
        for source in sources {
            let base = [UInt8](source)
            for _ in 0..<700 {
                var bytes = base
                let at = next(bytes.count)
                switch next(4) {
                case 0: bytes.remove(at: at)
                case 1: bytes[at] = alphabet[next(alphabet.count)]
                case 2: bytes.insert(alphabet[next(alphabet.count)], at: at)
                default: bytes = Array(bytes.prefix(at))
                }
                let data = Data(bytes)
                let parallel = ManifestReader.readInParallel(data, parts: 3)
                guard let read = ManifestReader.read(data) else {
                    #expect(parallel == nil, "the parallel read accepted what the reader refuses (change at \(at))")
                    continue
                }
                if let parallel { #expect(parallel == read, "change at \(at)") }
                answered += 1
                let reference = Self.decoded(data)
                #expect(reference != nil, "the reader accepted bytes the decoder refuses (change at \(at))")
                if let reference { #expect(Self.byName(read) == Self.byName(reference), "change at \(at)") }
            }
        }
        #expect(answered > 100)
    }
}
