import Foundation
@testable import StrataImport
import StrataTestSupport
import Testing

/// The split decode of big manifests gives exactly what one decode gives, whatever the strings
/// hold, and gives up (so the whole decode reports the error) on broken input.
@Suite struct ParallelManifestTests {
    static let tricky = #"Braces { } [ ], commas, \"quotes\", a backslash \\ and \"nodes\": {\"x\": 1} in text."#

    func manifest(_ models: Int) -> Data {
        var text = syntheticManifest(version: 12, models: (0..<models).map { "m\($0)" })
        text = text.replacingOccurrences(of: "\"description\": \"The ", with: "\"description\": \"\(Self.tricky) The ")
        return Data(text.utf8)
    }

    @Test(arguments: [1, 2, 7, 40])
    func splitDecodeEqualsWholeDecode(_ models: Int) throws {
        let data = manifest(models)
        let whole = try JSONDecoder().decode(DbtImporter.Manifest.self, from: data)
        let split = try #require(try DbtImporter.decodeSplit(data, parts: 4))
        #expect(split.nodes.count == whole.nodes.count)
        #expect(split.nodes.count == models * 2)
        for (id, node) in whole.nodes {
            #expect(split.nodes[id]?.description == node.description)
            #expect(split.nodes[id]?.depends_on?.nodes == node.depends_on?.nodes)
        }
        #expect(split.nodes["model.shop.m0"]?.description?.hasPrefix("Braces { } [ ]") == true)
        #expect(split.metadata.project_name == "shop")
    }

    @Test func brokenInputIsLeftToTheWholeDecode() throws {
        var text = String(decoding: manifest(10), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"tags\": [\"t\"]", with: "\"tags\": 7")
        #expect(try DbtImporter.decodeSplit(Data(text.utf8), parts: 4) == nil)
        let truncated = Data(String(decoding: manifest(10), as: UTF8.self).prefix(3000).utf8)
        #expect(try DbtImporter.decodeSplit(truncated, parts: 4) == nil)
    }

    @Test func columnOrderFollowsTheManifest() throws {
        let text = #"""
            {"metadata": {}, "nodes": {
              "model.p.a": {"unique_id": "model.p.a", "description": "has \"columns\": {\"zz\": 1} in text",
                "columns": {"zeta": {"name": "zeta", "meta": {"k": "v"}}, "alpha": {"name": "alpha"}, "mid": {"name": "mid"}},
                "config": {"meta": {}}},
              "model.p.b": {"unique_id": "model.p.b", "columns": {}}}}
            """#
        let order = DbtImporter.columnOrder(Data(text.utf8))
        #expect(order["model.p.a"] == ["zeta", "alpha", "mid"])
        #expect(order["model.p.b"] == nil)
    }
}
