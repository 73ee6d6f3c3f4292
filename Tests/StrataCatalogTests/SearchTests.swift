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

    /// Every word in the name beats words found elsewhere: "fct user" means fct_active_users,
    /// not the fact table whose user_id column matched (it came first by bm25 alone, on the
    /// real mattermost manifest).
    @Test func namesHoldingEveryWordComeFirst() throws {
        let c = try Catalog()
        try c.write { w in
            // As in the manifest: the users table is long-winded (a long description, twenty
            // documented columns), the calls table short with three user columns. bm25's length
            // normalisation then put the calls table first.
            let long = String(repeating: "Daily and monthly counts per server, with the source of each event. ", count: 8)
            let tables: [(id: String, description: String, columns: [(String, String)])] = [
                ("mart.fct_calls_activity", "Calls started and joined.",
                 [("call_id", "Call."), ("user_id", "The user."), ("users_joined", "Users."), ("user_count", "Users."),
                  ("started_at", "Start."), ("server_id", "Server."), ("duration", "Length.")]),
                ("mart.fct_board_activity", "Boards.", [("user_id", "The user."), ("board_id", "Board.")]),
                ("mart.fct_active_users", "Active users. " + long,
                 (0..<20).map { ("metric_\($0)", "A measure of activity over a rolling window of days, per server. " + long) }),
            ]
            for t in tables {
                try w.upsert(Entity(id: t.id, kind: .table, name: String(t.id.split(separator: ".").last!), stage: "transform",
                                    description: t.description))
                try w.setTable(t.id, TableDetail(platform: nil, materialization: nil,
                                                 columns: t.columns.map { Column(name: $0.0, type: nil, description: $0.1) }))
            }
            for i in 0..<30 {   // other tables, so that "fct" and "user" are common words
                try w.upsert(Entity(id: "mart.fct_other_\(i)", kind: .table, name: "fct_other_\(i)", stage: "transform",
                                    description: i % 3 == 0 ? "Per user." : "Facts."))
            }
            try w.rebuildSearchIndex()
        }
        for q in ["fct_user", "fct user", "user fct", "fct us"] {
            let hits = try c.read { try $0.search(q) }
            #expect(hits.first?.id == "mart.fct_active_users", "query \(q)")
            #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >), "query \(q)")
        }
    }

    @Test func scoresDescend() throws {
        let hits = try catalog.read { try $0.search("orders") }
        #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >))
    }
}
