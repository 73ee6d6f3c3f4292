import StrataCatalog
import Testing

/// A small catalog written through CatalogWriter, the way importers write.
func sampleCatalog() throws -> Catalog {
    let catalog = try Catalog()
    try catalog.write { w in
        for (i, (id, name)) in [("extract", "Extract"), ("transform", "Transform"), ("serve", "Serve")].enumerated() {
            try w.upsert(Entity(id: id, kind: .stage, name: name, stage: id))
            try w.setStage(id, position: i + 1)
        }
        try w.upsert(Entity(id: "dbt", kind: .tool, name: "dbt", stage: "transform", description: "SQL models."))
        try w.setTool("dbt", ToolDetail(usedFor: "All models", docsURL: "https://docs.getdbt.com"))
        try w.upsert(Entity(id: "team-a", kind: .owner, name: "Team A", owner: "team-a"))
        try w.setOwner("team-a", OwnerDetail(type: .team, channel: "#a", oncall: "a-primary"))
        try w.upsert(Entity(id: "pat", kind: .owner, name: "Pat Doe", owner: "team-a"))
        try w.setOwner("pat", OwnerDetail(type: .person, role: "Analyst", team: "team-a", channel: "@pat"))
        let tables: [(String, String, [String])] = [
            ("raw.orders", "Orders as loaded from the shop database.", ["raw"]),
            ("analytics.orders", "One row per order; the table most dashboards read.", ["core"]),
            ("analytics.fct_orders_daily", "Orders per day.", []),
            ("analytics.customers", "One row per customer, with their first order date.", ["pii"]),
            ("analytics.payments", "Payments; join to orders on order_id.", ["finance"]),
        ]
        for (id, description, tags) in tables {
            try w.upsert(Entity(id: id, kind: .table, name: id, stage: "transform", owner: "team-a",
                                tool: "dbt", description: description, tags: tags))
            try w.setTable(id, TableDetail(platform: "snowflake", materialization: "table",
                                           columns: [Column(name: "order_id", type: "number", description: "The order.")]))
        }
        try w.upsert(Entity(id: "nightly", kind: .dag, name: "nightly", stage: "transform", owner: "pat",
                            description: "Builds everything."))
        try w.setDag("nightly", schedule: "@daily")
        for (t, up) in [("load", nil), ("build", "load"), ("publish", "build")] as [(String, String?)] {
            try w.upsert(Entity(id: "nightly.\(t)", kind: .task, name: t, stage: "transform", owner: "pat"))
            try w.setTask("nightly.\(t)", TaskDetail(dagID: "nightly", taskID: t, operatorName: "BashOperator"))
            if let up { try w.addEdge(Edge(from: "nightly.\(up)", to: "nightly.\(t)", source: .declared)) }
        }
        try w.addEdge(Edge(from: "raw.orders", to: "nightly.build", source: .declared))
        try w.addEdge(Edge(from: "nightly.build", to: "analytics.orders", source: .declared))
        try w.addEdge(Edge(from: "raw.orders", to: "analytics.orders", source: .dbt))
        try w.addEdge(Edge(from: "raw.orders", to: "analytics.orders", source: .declared))
        try w.putRun(DagRun(dagID: "nightly", runID: "r1", state: "success", start: "2026-11-21T02:00:00Z", tasks: [
            TaskRun(taskID: "nightly.load", state: "success"), TaskRun(taskID: "nightly.build", state: "success"),
            TaskRun(taskID: "nightly.publish", state: "success")]))
        try w.putRun(DagRun(dagID: "nightly", runID: "r2", state: "failed", start: "2026-11-22T02:00:00Z", tasks: [
            TaskRun(taskID: "nightly.load", state: "success"),
            TaskRun(taskID: "nightly.build", state: "failed", tries: 2, logs: ["logs/b1.log", "/abs/b2.log"]),
            TaskRun(taskID: "nightly.publish", state: "upstream_failed")]))
        try w.setMeta("log_root", "/catalog")
        try w.rebuildSearchIndex()
    }
    return catalog
}

@Suite struct QueryTests {
    @Test func statsCountEveryKind() throws {
        let stats = try sampleCatalog().read { try $0.stats() }
        #expect(stats["table"] == 5)
        #expect(stats["stage"] == 3)
        #expect(stats["owner"] == 2)
        #expect(stats["task"] == 3)
        #expect(stats["column"] == 5)
        #expect(stats["run"] == 2)
        #expect(stats["term"] == 0)
        for kind in EntityKind.allCases { #expect(stats[kind.rawValue] != nil) }
    }

    @Test func stagesComeInOrderWithTheirTools() throws {
        let stages = try sampleCatalog().read { try $0.stages() }
        #expect(stages.map(\.stage.id) == ["extract", "transform", "serve"])
        #expect(stages[1].tools.map(\.id) == ["dbt"])
        #expect(stages[1].tableCount == 5)
        #expect(stages[1].dagCount == 1)
    }

    @Test func detailOfATableHasColumnsNeighboursAndWriterRuns() throws {
        let d = try sampleCatalog().read { try $0.detail("analytics.orders") }
        #expect(d.table?.columns.map(\.name) == ["order_id"])
        #expect(d.ownerName == "Team A")
        #expect(d.upstream.map(\.id) == ["raw.orders", "nightly.build"])
        // The same edge seen by two sources is one neighbour that remembers both.
        #expect(Set(d.upstream.first { $0.id == "raw.orders" }!.sources) == [.dbt, .declared])
        #expect(d.runs.first?.state == "failed")
        #expect(d.runs.first?.taskID == "nightly.build")
    }

    @Test func dagDetailListsTasksInDependencyOrderAndRunsNewestFirst() throws {
        let d = try sampleCatalog().read { try $0.detail("nightly") }
        #expect(d.tasks?.map(\.detail.taskID) == ["load", "build", "publish"])
        #expect(d.tasks?[1].upstream == ["nightly.load"])
        #expect(d.runs.map(\.runID) == ["r2", "r1"])
        #expect(d.runs[0].taskStates == ["success": 1, "failed": 1, "upstream_failed": 1])
    }

    @Test func taskRunLogsResolveAgainstTheLogRoot() throws {
        let run = try sampleCatalog().read { try $0.dagRun(dagID: "nightly", runID: "r2") }
        let build = run?.tasks.first { $0.taskID == "nightly.build" }
        #expect(build?.logs == ["/catalog/logs/b1.log", "/abs/b2.log"])
        #expect(build?.tries == 2)
    }

    @Test func unknownIdSuggestsCloseOnes() throws {
        let error = #expect(throws: CatalogError.self) { try sampleCatalog().read { try $0.detail("orders") } }
        #expect(error == .unknownEntity(id: "orders", suggestions: ["raw.orders", "analytics.orders",
                                                                     "analytics.fct_orders_daily"]))
    }

    @Test func ownershipOfATableNamesTeamPeopleAndWhatElseTheyOwn() throws {
        let o = try sampleCatalog().read { try $0.ownership(of: "raw.orders") }
        #expect(o.owner?.entity.id == "team-a")
        #expect(o.team?.detail.oncall == "a-primary")
        #expect(o.people.map(\.entity.id) == ["pat"])
        #expect(o.owns[.table]?.count == 4)   // the subject itself is left out
        #expect(o.owns[.dag]?.map(\.id) == ["nightly"])
        #expect(o.owns[.owner] == nil)
    }

    @Test func stagePagesRunAcrossKindsInOrder() throws {
        let catalog = try sampleCatalog()
        let all = try catalog.read { try $0.entities(inStage: "transform", offset: 0, limit: 50) }.map(\.id)
        #expect(all == ["dbt", "nightly", "analytics.customers", "analytics.fct_orders_daily", "analytics.orders",
                        "analytics.payments", "raw.orders"])
        #expect(try catalog.read { try $0.count(inStage: "transform") } == 7)
        let page = try catalog.read { try $0.entities(inStage: "transform", offset: 1, limit: 3) }.map(\.id)
        #expect(page == Array(all[1..<4]))
        #expect(try catalog.read { try $0.entities(inStage: "transform", offset: 6, limit: 3) }.map(\.id) == ["raw.orders"])
    }

    @Test func ownershipListsAPagePerKindAndCountsAll() throws {
        let o = try sampleCatalog().read { try $0.ownership(of: "raw.orders", perKind: 2) }
        #expect(o.owns[.table]?.map(\.id) == ["analytics.customers", "analytics.fct_orders_daily"])
        #expect(o.ownsCount[.table] == 4)
        #expect(o.ownsCount[.dag] == 1)
    }

    @Test func ownershipOfAPersonGoesThroughTheirTeam() throws {
        let o = try sampleCatalog().read { try $0.ownership(of: "nightly") }
        #expect(o.owner?.entity.id == "pat")
        #expect(o.team?.entity.id == "team-a")
    }

    /// dbt's meta.owner is often a person with no team: they are the owner, not their own team.
    @Test func aPersonWithoutATeamHasNone() throws {
        let catalog = try sampleCatalog()
        try catalog.write { w in
            try w.upsert(Entity(id: "sam", kind: .owner, name: "Sam Roe", owner: "sam"))
            try w.setOwner("sam", OwnerDetail(type: .person, email: "sam@example.com"))
            try w.upsert(Entity(id: "analytics.sams", kind: .table, name: "sams", stage: "transform", owner: "sam"))
        }
        let o = try catalog.read { try $0.ownership(of: "analytics.sams") }
        #expect(o.owner?.entity.id == "sam")
        #expect(o.team == nil)
        #expect(o.people.isEmpty)
        let direct = try catalog.read { try $0.ownership(of: "sam") }
        #expect(direct.team == nil)
        #expect(direct.owns[.table]?.map(\.id) == ["analytics.sams"])
    }

}
