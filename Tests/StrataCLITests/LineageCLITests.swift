import Foundation
import StrataTestSupport
import Testing

@Suite struct LineageCLITests {
    @Test func jsonHasNodesWithDepthOwnerStatusAndTheEdgesBetweenThem() throws {
        let r = try strata(["lineage", "+analytics.order_summary", "--catalog", try fixtureCatalog(), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["selector"] as? String == "+analytics.order_summary")
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: nodes.map { ($0["id"] as! String, $0) })
        #expect(Set(byID.keys) == ["analytics.order_summary", "analytics.fct_orders", "orders_daily.publish",
                                   "analytics.stg_orders", "orders_daily.transform", "raw.shop.orders", "orders_daily.extract"])
        #expect(byID["analytics.order_summary"]?["depth"] as? Int == 0)
        #expect(byID["orders_daily.transform"]?["depth"] as? Int == 2)
        #expect(byID["orders_daily.transform"]?["status"] as? String == "failed")
        #expect(byID["orders_daily.publish"]?["status"] as? String == "upstream_failed")
        #expect(byID["orders_daily.extract"]?["status"] as? String == "ok")
        #expect(byID["raw.shop.orders"]?["kind"] as? String == "table")
        #expect(byID["raw.shop.orders"]?["owner"] as? String == "data-eng")
        // Every field on every node: an unknown owner or run state is null, not missing.
        #expect(nodes.allSatisfy { Set($0.keys) == ["id", "kind", "name", "depth", "owner", "status"] })
        let demo = try #require((try strata(["lineage", "+fct_orders", "--json"]).json() as? [String: Any])?["nodes"] as? [[String: Any]])
        #expect(demo.contains { $0["status"] is NSNull })
        #expect(demo.allSatisfy { Set($0.keys) == ["id", "kind", "name", "depth", "owner", "status"] })
        let edges = try #require(json["edges"] as? [[String: String]])
        #expect(edges.contains(["from": "raw.shop.orders", "to": "orders_daily.transform", "source": "declared"]))
        #expect(edges.allSatisfy { byID[$0["from"]!] != nil && byID[$0["to"]!] != nil })
    }

    @Test func textListsNodesThenEdges() throws {
        let r = try strata(["lineage", "1+analytics.fct_orders", "--catalog", try fixtureCatalog()])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("1+analytics.fct_orders: 3 nodes"))
        #expect(r.stdout.contains("edges"))
        #expect(r.stdout.contains("orders_daily.transform  →  analytics.fct_orders"))
    }

    /// dbt and OpenLineage both assert a dbt project's edges: the text lists each edge once
    /// with its sources and counts edges, not assertions; the JSON keeps one entry per source.
    @Test(.enabled(if: sharedCorpus != nil, "../shared/corpus is not beside the repository: edges-by-two-sources test skipped"))
    func anEdgeTwoSourcesAssertIsOneLine() throws {
        let corpus = try #require(sharedCorpus)
        let catalog = try makeTempDirectory("two-sources") + "/c.sqlite"
        #expect(try strata(["import", "dbt", corpus + "/dbt/jaffle_shop/failed", "--catalog", catalog]).status == 0)
        #expect(try strata(["import", "openlineage", corpus + "/openlineage/generated", "--catalog", catalog]).status == 0)
        let text = try strata(["lineage", "+stg_payments+", "--catalog", catalog]).stdout
        #expect(text.hasPrefix("+stg_payments+: 4 nodes, 3 edges"), "\(text)")
        #expect(text.contains("seed.jaffle_shop.raw_payments   →  model.jaffle_shop.stg_payments  dbt, openlineage"), "\(text)")
        let json = try #require((try strata(["lineage", "+stg_payments+", "--catalog", catalog, "--json"]).json() as? [String: Any])?["edges"] as? [Any])
        #expect(json.count == 6)
    }

    @Test func idsAreOnePerLineLikeDbtLs() throws {
        let r = try strata(["lineage", "raw.shop.orders+1", "--catalog", try fixtureCatalog(), "--ids"])
        #expect(r.stdout.split(separator: "\n") == ["analytics.stg_orders", "orders_daily.transform", "raw.shop.orders"])
        let json = try strata(["lineage", "raw.shop.orders+1", "--catalog", try fixtureCatalog(), "--ids", "--json"])
        #expect(try json.json() as? [String] == ["analytics.stg_orders", "orders_daily.transform", "raw.shop.orders"])
    }

    @Test func excludeDepthAndUnion() throws {
        let catalog = try fixtureCatalog()
        let r = try strata(["lineage", "+analytics.order_summary", "--exclude", "kind:task", "--depth", "2", "--catalog", catalog, "--ids"])
        #expect(r.stdout.split(separator: "\n") == ["analytics.fct_orders", "analytics.order_summary", "analytics.stg_orders"])
        let u = try strata(["lineage", "raw.shop.orders", "analytics.order_summary", "--catalog", catalog, "--ids"])
        #expect(u.stdout.split(separator: "\n").count == 2)
    }

    @Test func pathPrintsHowDataFlows() throws {
        let catalog = try fixtureCatalog()
        let r = try strata(["lineage", "--path", "raw.shop.orders", "order_summary", "--catalog", catalog])
        #expect(r.status == 0)
        #expect(r.stdout.contains("raw.shop.orders reaches analytics.order_summary in 3 hops"))
        // Named the other way round, it says so and still answers.
        let back = try strata(["lineage", "--path", "order_summary", "raw.shop.orders", "--catalog", catalog, "--json"])
        let json = try #require(try back.json() as? [String: Any])
        #expect(json["from"] as? String == "raw.shop.orders")
        #expect(json["reversed"] as? Bool == true)
        let paths = try #require(json["paths"] as? [[String]])
        #expect(paths.first?.first == "raw.shop.orders" && paths.first?.last == "analytics.order_summary")
        // In the demo, two marts that share sources but neither feeds the other.
        let none = try strata(["lineage", "--path", "fct_orders", "dim_couriers"])
        #expect(none.status == 1)
        #expect(none.stdout.contains("no lineage path between analytics.marts.fct_orders and analytics.marts.dim_couriers"))
        // JSON agrees: the nodes as given, nothing reversed, exit 1.
        let noneJSON = try strata(["lineage", "--path", "fct_orders", "dim_couriers", "--json"])
        #expect(noneJSON.status == 1)
        let o = try #require(try noneJSON.json() as? [String: Any])
        #expect(o["from"] as? String == "analytics.marts.fct_orders" && o["to"] as? String == "analytics.marts.dim_couriers")
        #expect(o["reversed"] as? Bool == false && (o["paths"] as? [Any])?.isEmpty == true)
    }

    @Test func errorsAndExitCodes() throws {
        let catalog = try fixtureCatalog()
        let bad = try strata(["lineage", "@fct_orders+", "--catalog", catalog])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\"@\" prefix and \"+\" suffix are incompatible"))
        let typo = try strata(["lineage", "+fct_ordres", "--catalog", catalog])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("matches no node; did you mean 'fct_orders'?"))
        let method = try strata(["lineage", "ownr:x", "--catalog", catalog])
        #expect(method.status == 2)
        #expect(method.stderr.contains("did you mean 'owner:'?"))
        #expect(try strata(["lineage", "--catalog", catalog]).status == 2)
        #expect(try strata(["lineage", "--path", "a", "--catalog", catalog]).status == 2)
    }

    @Test func theDemoHasACycleAndSaysSo() throws {
        let r = try strata(["lineage", "+ml.registry.model_versions", "--ids"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("note: cycle:"))
    }

    /// Text columns line up by terminal columns: a name in CJK (two columns a character) pushes
    /// the next column as far as its width, not its character count.
    @Test func columnsLineUpByDisplayWidth() throws {
        var changes: [String: String?] = [:]
        for (file, text) in FixtureFolder.files where text.contains("analytics.order_summary") {
            changes[file] = text.replacingOccurrences(of: "analytics.order_summary", with: "analytics.注文サマリー")
        }
        let r = try strata(["lineage", "+analytics.注文サマリー", "--catalog", try fixtureCatalog(changes)])
        #expect(r.status == 0, "\(r.stderr)")
        func columns(_ s: Substring) -> Int { s.reduce(0) { $0 + ($1.unicodeScalars.first!.value >= 0x3000 ? 2 : 1) } }
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("0 ") || $0.hasPrefix("1 ") }
        let starts = rows.compactMap { row in row.range(of: " data-eng").map { columns(row[..<$0.lowerBound]) } }
        #expect(rows.contains { $0.contains("注文サマリー") })
        #expect(starts.count >= 2 && Set(starts).count == 1, "\(rows)")
    }
}
