import StrataCatalog
import Testing

@Suite struct SearchTests {
    let catalog: Catalog
    init() throws { catalog = try sampleCatalog() }

    func ids(_ q: String, kind: EntityKind? = nil, limit: Int = 20) throws -> [String] {
        try catalog.read { try $0.search(q, kind: kind, limit: limit) }.map(\.id)
    }

    @Test func exactNameComesFirst() throws {
        #expect(try ids("analytics.orders").first == "analytics.orders")
        #expect(try ids("dbt").first == "dbt")
    }

    @Test func nameMatchesOutrankDescriptionMatches() throws {
        // "customers" is the name of one table and a word in no other name.
        #expect(try ids("customers").first == "analytics.customers")
        // "payments" names one table; "orders" appears in its description only.
        let hits = try ids("orders")
        #expect(Set(hits.prefix(3)) == ["raw.orders", "analytics.orders", "analytics.fct_orders_daily"])
        #expect(hits.contains("analytics.payments"))
        #expect(hits.firstIndex(of: "analytics.payments")! > 2)
    }

    @Test func prefixesMatchAsYouType() throws {
        for q in ["cu", "cus", "cust", "custom", "customers"] {
            #expect(try ids(q).contains("analytics.customers"), "query \(q)")
        }
        #expect(try ids("fct ord") == ["analytics.fct_orders_daily"])
    }

    @Test func everyWordMustMatch() throws {
        #expect(try ids("order pii") == ["analytics.customers"])
        #expect(try ids("orders zzz").isEmpty)
    }

    @Test func searchCoversColumnsTagsAndOwners() throws {
        #expect(try ids("finance") == ["analytics.payments"])           // tag
        #expect(try ids("Pat Doe", kind: .dag) == ["nightly"])           // owner's name
        #expect(try ids("order_id", kind: .table).count == 5)           // column name
    }

    @Test func kindFilterAndLimit() throws {
        #expect(try ids("orders", kind: .dag) == [])
        #expect(try ids("orders", limit: 2).count == 2)
        #expect(try ids("orders", limit: 0).isEmpty)
    }

    @Test(arguments: ["\"", "\"orders", "orders\"", "AND", "OR", "NOT", "orders AND", "*", "(", ")", "(orders",
                      "orders)", "NEAR(a b)", "a:b", "^", "-", "+", "{}", "'; DROP TABLE entity; --", "",
                      "   ", "\\", "%", "_", "ord*", "col:orders", "\u{0}", "目録", "🍣"])
    func hostileQueriesNeverFail(_ q: String) throws {
        _ = try ids(q)
    }

    @Test func operatorsAreTakenAsWords() throws {
        #expect(try ids("orders AND").isEmpty)          // "and" is a word nobody has
        #expect(try ids("\"orders").contains("raw.orders"))
        #expect(try ids("(orders)").contains("raw.orders"))
        #expect(try ids("ord*").contains("raw.orders"))
    }

    @Test func scoresDescend() throws {
        let hits = try catalog.read { try $0.search("orders") }
        #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >))
    }
}
