import Foundation
import GRDB
import StrataCatalog
import StrataImport
import StrataTestSupport
@testable import StrataLineage
import Testing

/// Two DAGs whose tasks meet through tables, a dashboard, a cycle and names shared by three
/// tables, written the way importers write:
///
///   ext.shop.orders → ingest.extract → ingest.load → raw.orders → nightly.build → analytics.orders
///   ingest.extract → ingest.load (runs after), nightly.build → nightly.report (runs after)
///   analytics.orders, analytics.customers → nightly.report → analytics.report → dash.sales
///   raw.customers → analytics.customers (declared);  loop.a ⇄ loop.b
func lineageCatalog() throws -> Catalog {
    let catalog = try Catalog()
    try catalog.write { w in
        try w.upsert(Entity(id: "team-a", kind: .owner, name: "Team A"))
        try w.setOwner("team-a", OwnerDetail(type: .team))
        try w.upsert(Entity(id: "pat", kind: .owner, name: "Pat", owner: "team-a"))
        try w.setOwner("pat", OwnerDetail(type: .person, team: "team-a"))
        let tables: [(String, String, String?, [String])] = [
            ("ext.shop.orders", "extract", nil, []), ("raw.orders", "load", "pat", ["raw"]),
            ("raw.customers", "load", "pat", ["raw", "pii"]),
            ("analytics.orders", "transform", "team-a", ["core", "tier-1"]),
            ("analytics.customers", "transform", "team-a", ["pii"]),
            ("analytics.report", "serve", "team-a", ["tier-1"]), ("loop.a", "transform", nil, []),
            ("loop.b", "transform", nil, []),
        ]
        for (id, stage, owner, tags) in tables {
            try w.upsert(Entity(id: id, kind: .table, name: id, stage: stage, owner: owner, tags: tags))
        }
        try w.setTable("analytics.orders", TableDetail(platform: "snowflake", materialization: "table", columns: []))
        try w.setTable("analytics.customers", TableDetail(platform: "snowflake", materialization: "view", columns: []))
        try w.upsert(Entity(id: "dash.sales", kind: .dashboard, name: "Sales", stage: "serve", owner: "team-a"))
        for (dag, tasks) in [("ingest", ["extract", "load"]), ("nightly", ["build", "report"])] {
            try w.upsert(Entity(id: dag, kind: .dag, name: dag.capitalized, stage: "orchestrate", owner: "pat"))
            try w.setDag(dag, schedule: "@daily")
            for t in tasks {
                try w.upsert(Entity(id: "\(dag).\(t)", kind: .task, name: t, stage: "orchestrate", owner: "pat"))
                try w.setTask("\(dag).\(t)", TaskDetail(dagID: dag, taskID: t, operatorName: "BashOperator"))
            }
        }
        let edges: [(String, String)] = [
            ("ext.shop.orders", "ingest.extract"), ("ingest.extract", "ingest.load"), ("ingest.load", "raw.orders"),
            ("raw.orders", "nightly.build"), ("nightly.build", "analytics.orders"), ("nightly.build", "nightly.report"),
            ("analytics.orders", "nightly.report"), ("analytics.customers", "nightly.report"),
            ("nightly.report", "analytics.report"), ("analytics.report", "dash.sales"),
            ("raw.customers", "analytics.customers"), ("loop.a", "loop.b"), ("loop.b", "loop.a"),
        ]
        for (a, b) in edges { try w.addEdge(Edge(from: a, to: b, source: .declared)) }
    }
    return catalog
}

@Suite struct SelectorParsingTests {
    @Test func everyOperatorForm() throws {
        let cases: [(String, Reachance, Reachance, Bool, SelectorMethod, String)] = [
            ("x", .none, .none, false, .fqn, "x"),
            ("+x", .all, .none, false, .fqn, "x"),
            ("x+", .none, .all, false, .fqn, "x"),
            ("2+x", .upTo(2), .none, false, .fqn, "x"),
            ("x+3", .none, .upTo(3), false, .fqn, "x"),
            ("+x+", .all, .all, false, .fqn, "x"),
            ("12+x+1", .upTo(12), .upTo(1), false, .fqn, "x"),
            ("@x", .none, .none, true, .fqn, "x"),
            ("+tag:nightly", .all, .none, false, .tag, "nightly"),
            ("resource_type:model", .none, .none, false, .resourceType, "model"),
            ("models/staging", .none, .none, false, .path, "models/staging"),
            ("stg_orders.sql", .none, .none, false, .file, "stg_orders.sql"),
            ("analytics.marts.*", .none, .none, false, .fqn, "analytics.marts.*"),
        ]
        for (text, parents, children, at, method, value) in cases {
            let atom = try #require(try Selection.parse([text]).members.first?.first)
            #expect(atom.parents == parents, "\(text)")
            #expect(atom.children == children, "\(text)")
            #expect(atom.childrensParents == at, "\(text)")
            #expect(atom.method == method, "\(text)")
            #expect(atom.value == value, "\(text)")
            #expect(atom.description == text, "round trip of \(text)")
        }
    }

    @Test func spacesUniteAndCommasIntersect() throws {
        let s = try Selection.parse(["+a b,tag:x", "c"])
        #expect(s.members.count == 3)
        #expect(s.members[1].count == 2)
        #expect(s.description == "+a b,tag:x c")
    }

    @Test func errorsSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("@x+", "\"@\" prefix and \"+\" suffix are incompatible"),
            ("@x+2", "incompatible"),
            ("tga:x", "did you mean 'tag:'?"),
            ("a+b", "go around a name"),
            ("a,", "empty part between commas"),
            ("+", "nothing to select"),
            ("tag:", "nothing to select"),
            ("resource_type:bogus", "invalid resource_type 'bogus'"),
            ("   ", "empty selector"),
            ("config:view", "config: needs the config key"),
            ("config..schema:x", "an empty key between dots"),
            ("tag.x:y", "'tag:' takes no '.x'"),
            // dbt methods strata cannot answer say why, not "did you mean 'stage:'".
            ("state:modified+", "dbt's 'state:' compares with an earlier manifest"),
            ("result:error+", "strata shows each node's latest run instead"),
            ("metric:revenue", "selects metrics, which strata does not import"),
            ("version:newest", "expected one of: \"latest\", \"prerelease\", \"old\", or \"none\""),
        ]
        for (text, message) in cases {
            #expect(throws: SelectorError.self, "\(text)") { try Selection.parse([text]) }
            do { _ = try Selection.parse([text]) } catch {
                #expect(error.description.contains(message), "\(text): \(error.description)")
            }
        }
    }
}

@Suite struct LineageEngineTests {
    let engine: LineageEngine
    init() throws { engine = try LineageEngine(catalog: try lineageCatalog()) }

    /// Selected ids with their depths.
    func select(_ text: String, exclude: String? = nil, depth: Int? = nil) throws -> [String: Int] {
        let r = try engine.select(try Selection.parse([text]), exclude: try exclude.map { try Selection.parse([$0]) },
                                  depthLimit: depth)
        let info = try engine.nodes(r.nodes)
        return Dictionary(uniqueKeysWithValues: info.map { ($0.id, r.depth[$0.num]!) })
    }

    @Test func upstreamComposesTableTaskTableAcrossDags() throws {
        let got = try select("+analytics.report")
        #expect(got == [
            "analytics.report": 0, "nightly.report": 1, "analytics.orders": 2, "nightly.build": 2,
            "analytics.customers": 2, "raw.orders": 3, "raw.customers": 3, "ingest.load": 4,
            "ingest.extract": 5, "ext.shop.orders": 6,
        ])
    }

    @Test func depthLimitsCountEdges() throws {
        #expect(Set(try select("1+analytics.report").keys) == ["analytics.report", "nightly.report"])
        #expect(try select("2+analytics.report").values.max() == 2)
        #expect(try select("+analytics.report", depth: 3).values.max() == 3)
        // --depth caps an explicit depth too.
        #expect(try select("5+analytics.report", depth: 1).count == 2)
        #expect(try select("raw.orders+1").keys.sorted() == ["nightly.build", "raw.orders"])
    }

    @Test func downstreamAndBothWays() throws {
        #expect(Set(try select("raw.orders+").keys) == [
            "raw.orders", "nightly.build", "analytics.orders", "nightly.report", "analytics.report", "dash.sales",
        ])
        let both = try select("+analytics.orders+")
        #expect(both["ingest.extract"] != nil && both["dash.sales"] != nil && both["raw.customers"] == nil)
    }

    @Test func atSelectsDescendantsAndAllTheirAncestors() throws {
        let got = try select("@raw.customers")
        // Descendants, then everything those read from (raw.orders feeds nightly.report too).
        #expect(Set(got.keys) == [
            "raw.customers", "analytics.customers", "nightly.report", "analytics.report", "dash.sales",
            "analytics.orders", "nightly.build", "raw.orders", "ingest.load", "ingest.extract", "ext.shop.orders",
        ])
        // Descendants keep their distance below x (as in x+); an ancestor added on the way up,
        // its distance from the nearest descendant.
        let below = try select("raw.customers+")
        for (id, d) in below { #expect(got[id] == d, "\(id)") }
        #expect(got["raw.orders"] == 2)   // raw.orders → nightly.build → analytics.orders
    }

    /// One node is needed (`--path`): a name two nodes carry says so and lists them.
    @Test func aNameOfSeveralNodesIsAmbiguousWhereOneIsNeeded() throws {
        let error = #expect(throws: LineageError.self) { try engine.num(of: "report") }
        #expect(error == .ambiguousNode("report", ids: ["analytics.report", "nightly.report"], count: 2))
        #expect(error?.description == "'report' names 2 nodes (analytics.report, nightly.report): give one of their ids")
        #expect(try engine.num(of: "analytics.report") >= 0)
    }

    /// As dbt: a part of a union that selects nothing is a note and the rest is answered; all
    /// parts empty is an error; an exclusion that selects nothing is said, not silently kept.
    @Test func unmatchedPartsOfAUnionAndOfAnExclusionAreNoted() throws {
        let r = try engine.select(try Selection.parse(["raw.customers", "nope_x"]))
        #expect(try engine.ids(r.nodes) == ["raw.customers"])
        #expect(r.notes.contains { $0.hasPrefix("selector 'nope_x' matches no node") }, "\(r.notes)")
        #expect(throws: LineageError.self) { try engine.select(try Selection.parse(["nope_x", "nope_y"])) }
        let ex = try engine.select(try Selection.parse(["raw.customers+1"]), exclude: try Selection.parse(["nope_z"]))
        #expect(ex.nodes.count == 2)
        #expect(ex.notes.contains { $0.hasPrefix("--exclude: selector 'nope_z' matches no node") }, "\(ex.notes)")
    }

    @Test func unionIntersectionAndExclude() throws {
        #expect(Set(try select("+analytics.report,tag:tier-1").keys) == ["analytics.orders", "analytics.report"])
        #expect(Set(try select("1+analytics.orders raw.customers").keys) == ["analytics.orders", "nightly.build", "raw.customers"])
        let noTasks = try select("+analytics.report", exclude: "kind:task")
        #expect(noTasks.keys.allSatisfy { !$0.hasPrefix("nightly.") && !$0.hasPrefix("ingest.") })
        #expect(noTasks["raw.orders"] == 3)
    }

    @Test func methods() throws {
        #expect(Set(try select("tag:pii").keys) == ["raw.customers", "analytics.customers"])
        #expect(Set(try select("tag:tier-*").keys) == ["analytics.orders", "analytics.report"])
        #expect(Set(try select("stage:load").keys) == ["raw.orders", "raw.customers"])
        #expect(Set(try select("kind:dashboard").keys) == ["dash.sales"])
        // A team selects what its members own too.
        let team = Set(try select("owner:team-a").keys)
        #expect(team.contains("raw.orders") && team.contains("nightly.build") && team.contains("dash.sales"))
        #expect(Set(try select("owner:pat,kind:table").keys) == ["raw.orders", "raw.customers"])
        // Where data enters: tables with nothing upstream.
        #expect(Set(try select("source:ext").keys) == ["ext.shop.orders"])
        #expect(Set(try select("source:raw").keys) == ["raw.customers"])
        // dbt's config method, on the one config key strata keeps: exact, as dbt compares.
        #expect(Set(try select("config.materialized:view").keys) == ["analytics.customers"])
        #expect(throws: LineageError.self) { try select("config.materialized:tab*") }   // no glob: nothing
        #expect(Set(try select("+config.materialized:view").keys) == ["analytics.customers", "raw.customers"])
        #expect(try Selection.parse(["2+config.materialized:table"]).description == "2+config.materialized:table")
    }

    @Test func namesPrefixesAndGlobs() throws {
        #expect(Set(try select("analytics.orders").keys) == ["analytics.orders"])
        #expect(Set(try select("analytics").keys) == ["analytics.orders", "analytics.customers", "analytics.report"])
        #expect(Set(try select("analytics.*s").keys) == ["analytics.orders", "analytics.customers"])
        #expect(Set(try select("report").keys) == ["analytics.report", "nightly.report"])
        // Without the first part of the id, as dbt matches an fqn without its package.
        #expect(Set(try select("shop").keys) == ["ext.shop.orders"])
        #expect(Set(try select("shop.orders").keys) == ["ext.shop.orders"])
    }

    @Test func anAmbiguousNameSelectsAllAndSaysSo() throws {
        let r = try engine.select(try Selection.parse(["orders"]))
        #expect(r.nodes.count == 3)
        #expect(r.notes.contains { $0.contains("'orders' names 3 nodes") && $0.contains("ext.shop.orders") })
        // A prefix selecting many nodes is not ambiguity.
        #expect(try engine.select(try Selection.parse(["analytics"])).notes.isEmpty)
    }

    @Test func aDagStandsForItsTasks() throws {
        let got = Set(try select("+nightly").keys)
        #expect(got.isSuperset(of: ["nightly", "nightly.build", "nightly.report", "raw.orders", "ingest.load", "ext.shop.orders"]))
        #expect(!got.contains("analytics.report"))
    }

    @Test func cyclesAreReportedAndNeverLoop() throws {
        let r = try engine.select(try Selection.parse(["+loop.a+"]))
        #expect(r.nodes.count == 2)
        #expect(r.notes == ["cycle: loop.a → loop.b → loop.a"])
        #expect(try engine.select(try Selection.parse(["+analytics.report"])).notes.isEmpty)
    }

    @Test func onlyNodesOnCyclesAreCycleCandidates() throws {
        let candidates = try engine.nodes(try engine.catalog.lineageCycleCandidates()).map(\.id).sorted()
        #expect(candidates == ["loop.a", "loop.b"])
    }

    @Test func noMatchSuggests() throws {
        #expect(throws: LineageError.noMatch(selector: "+analytics.reprot", suggestions: [])) {
            try engine.select(try Selection.parse(["+analytics.reprot"]))
        }
        do { _ = try engine.select(try Selection.parse(["reprot"])) } catch {
            #expect("\(error)".contains("did you mean 'report'?"))
        }
        #expect(throws: LineageError.self) { try engine.select(try Selection.parse(["tag:nope"])) }
    }

    @Test func pathsBetweenTwoNodes() throws {
        let a = try engine.num(of: "ext.shop.orders"), b = try engine.num(of: "analytics.report")
        let (paths, between) = try engine.graph.paths(from: a, to: b)
        let ids = try paths.map { try engine.nodes($0).map(\.id) }
        #expect(ids == [["ext.shop.orders", "ingest.extract", "ingest.load", "raw.orders", "nightly.build",
                         "nightly.report", "analytics.report"]])
        #expect(between.count == 8) // analytics.orders lies on a longer path
        #expect(try engine.graph.paths(from: b, to: a).paths.isEmpty)
        #expect(throws: LineageError.self) { try engine.num(of: "orders") } // ambiguous
    }

    @Test func statusesFollowRunsAndStaleness() throws {
        let catalog = engine.catalog
        try catalog.write { w in
            try w.putRun(DagRun(dagID: "nightly", runID: "n1", state: "success", start: "2026-11-20T02:00:00Z",
                                tasks: [TaskRun(taskID: "nightly.build", state: "success"),
                                        TaskRun(taskID: "nightly.report", state: "success")]))
            try w.putRun(DagRun(dagID: "ingest", runID: "i1", state: "failed", start: "2026-11-21T01:00:00Z",
                                tasks: [TaskRun(taskID: "ingest.extract", state: "success"),
                                        TaskRun(taskID: "ingest.load", state: "failed")]))
        }
        let fresh = try LineageEngine(catalog: catalog)
        let r = try fresh.select(try Selection.parse(["+analytics.report"]))
        let status = try fresh.statuses(r.nodes)
        let byID = Dictionary(uniqueKeysWithValues: try fresh.nodes(r.nodes).map { ($0.id, status[$0.num]) })
        #expect(byID["ingest.load"] == "failed")
        #expect(byID["raw.orders"] == "failed") // its writer failed
        #expect(byID["nightly.build"] == "stale") // ran fine on data that did not refresh
        #expect(byID["analytics.report"] == "stale")
        #expect(byID["ingest.extract"] == "ok")
        #expect(byID["analytics.customers"] == .some(nil)) // never ran
        // Big selections read every run once instead of asking per node: same answers.
        let bulk = try fresh.statuses(r.nodes, bulkAbove: 0)
        #expect(bulk == status)
    }

    @Test func theArraysAreCachedAndRebuiltWhenEdgesChange() throws {
        let catalog = try lineageCatalog()
        _ = try catalog.lineageArrays()
        let cached = try catalog.lineageArrays()
        #expect(cached.edgeCount == 13)
        try catalog.write { try $0.addEdge(Edge(from: "dash.sales", to: "loop.a", source: .openlineage)) }
        let after = try LineageEngine(catalog: catalog)
        #expect(try after.graph.edgeCount() == 14)
        let r = try after.select(try Selection.parse(["loop.a"]), depthLimit: nil)
        let up = try after.graph.walk(from: r.nodes, .upstream, maxDepth: 1)
        #expect(try after.nodes(up.nodes).map(\.id).contains("dash.sales"))
        #expect(try after.edges(among: up.nodes).contains { $0.source == "openlineage" })
    }
}

/// A walk answered from the edge indexes must equal the walk over the arrays: same nodes, same
/// depths, for every node, both ways, at every depth limit, on a graph with cycles, self-loops,
/// edges asserted twice and entities without edges.
@Suite struct ProbedWalkTests {
    /// 600 tables in 30 layers; each reads 1-3 tables of the two layers before (seeded), some edges
    /// twice (another source), a long cycle, short ones and a self-loop.
    static func layeredCatalog() throws -> Catalog {
        let catalog = try Catalog()
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        try catalog.write { w in
            for i in 0..<600 { try w.upsert(Entity(id: "t\(i)", kind: .table, name: "t\(i)")) }
            for i in 20..<600 {
                for _ in 0...next(3) {
                    let layer = i - i % 20
                    let from = max(0, layer - 40) + next(min(40, layer))
                    try w.addEdge(Edge(from: "t\(from)", to: "t\(i)", source: .declared))
                    if next(5) == 0 { try w.addEdge(Edge(from: "t\(from)", to: "t\(i)", source: .openlineage)) }
                }
            }
            for (a, b) in [(590, 10), (300, 250), (41, 40), (100, 101), (101, 100), (200, 201), (201, 202), (202, 200)] {
                try w.addEdge(Edge(from: "t\(a)", to: "t\(b)", source: .airflow))
            }
            try w.addEdge(Edge(from: "t77", to: "t77", source: .declared))
        }
        return catalog
    }

    static func depths(_ r: Reach) -> [Int32: Int32] {
        Dictionary(zip(r.nodes, r.depths), uniquingKeysWith: { _, _ in -1 })
    }

    @Test func probesReachWhatTheArraysReach() throws {
        for catalog in [try lineageCatalog(), try Self.layeredCatalog()] {
            let arrays = LineageGraph(try catalog.lineageArrays())
            let nodes = try catalog.read { try $0.lineageIDs() }.map(\.num)
            for direction in [LineageDirection.upstream, .downstream] {
                for limit in [nil, 0, 1, 3] as [Int?] {
                    for node in nodes {
                        let probed = try catalog.probingLineage(upstream: direction == .upstream) { neighbors in
                            try LineageGraph.walk(from: [node], maxDepth: limit, budget: .max, neighbors: neighbors)
                        }
                        let expected = try arrays.walk(from: [node], direction, maxDepth: limit)
                        #expect(probed.map(Self.depths) == Self.depths(expected), "node \(node) \(direction) \(String(describing: limit))")
                        #expect(probed?.count == expected.count)
                    }
                }
            }
        }
    }

    @Test func neighboursAndEdgesFromTheIndexesMatchTheArrays() throws {
        for make in [lineageCatalog, Self.layeredCatalog] {
            let stored = try make()
            let arrays = LineageGraph(try stored.lineageArrays())
            let fresh = try make()
            let nodes = try fresh.read { try $0.lineageIDs() }.map(\.num).sorted()
            for chunk in stride(from: 0, to: nodes.count, by: 200).map({ Array(nodes[$0..<min($0 + 200, nodes.count)]) }) {
                for direction in [LineageDirection.upstream, .downstream] {
                    let probing = LineageGraph(catalog: fresh)
                    #expect(try probing.neighbors(of: chunk, direction) == arrays.neighbors(of: chunk, direction))
                }
                let probing = LineageGraph(catalog: fresh)
                let selection = chunk + (try arrays.neighbors(of: chunk, .downstream).values.flatMap { $0 })
                let probed = try probing.edges(among: Array(Set(selection)).prefix(LineageGraph.probeBudget).map { $0 })
                let expected = try arrays.edges(among: Array(Set(selection)).prefix(LineageGraph.probeBudget).map { $0 })
                #expect(probed.map { "\($0.from) \($0.to) \($0.source)" } == expected.map { "\($0.from) \($0.to) \($0.source)" })
                #expect(!expected.isEmpty)
            }
            #expect(try fresh.storedLineageCycleCandidates() == nil) // nothing was built for this
        }
    }

    @Test func smallSelectionsFindCyclesWithoutTheArrays() throws {
        let stored = try Self.layeredCatalog()
        let arrays = LineageGraph(try stored.lineageArrays(), cycleCandidates: try stored.lineageCycleCandidates())
        let fresh = try Self.layeredCatalog()
        let probing = LineageGraph(catalog: fresh)
        func parts(_ cycles: [[Int32]]) -> Set<Set<Int32>> { Set(cycles.map(Set.init)) }
        var seen: Set<Set<Int32>> = []
        for id in ["t10", "t40", "t77", "t100", "t201", "t250", "t590", "t5"] {
            let node = try fresh.read { try $0.lineageNum(ofID: id) }!
            let around = try arrays.walk(from: [node], .upstream, maxDepth: 2).nodes
                + arrays.walk(from: [node], .downstream, maxDepth: 2).nodes
            let selection = Array(Set(around))
            #expect(selection.count <= LineageGraph.probeBudget)
            let expected = parts(try arrays.cycles(among: selection))
            #expect(parts(try probing.cycles(among: selection)) == expected, "around \(id)")
            // The same lists in the same order, so the note printed does not depend on the cache.
            #expect(try probing.cycles(among: selection) == arrays.cycles(among: selection), "around \(id)")
            #expect(try probing.cycles(among: selection.reversed()) == arrays.cycles(among: selection), "around \(id)")
            seen.formUnion(expected)
        }
        let named = Set(try seen.map { part in Set(try fresh.read { try $0.lineageIDs(Array(part)) }) })
        #expect(named.isSuperset(of: [["t77"], ["t100", "t101"], ["t200", "t201", "t202"]]))
        #expect(try fresh.storedLineageCycleCandidates() == nil) // nothing was built for this
    }

    @Test func aWalkPastTheBudgetReadsTheArraysAndAnswersTheSame() throws {
        let catalog = try Self.layeredCatalog()
        let arrays = LineageGraph(try catalog.lineageArrays())
        let last = try catalog.read { try $0.lineageNum(ofID: "t599") }!
        let expected = try arrays.walk(from: [last], .upstream)
        #expect(expected.count > LineageGraph.probeBudget)
        let probedFirst = try catalog.probingLineage(upstream: true) { neighbors in
            try LineageGraph.walk(from: [last], maxDepth: nil, budget: LineageGraph.probeBudget, neighbors: neighbors)
        }
        #expect(probedFirst == nil)
        let graph = LineageGraph(catalog: catalog)
        #expect(Self.depths(try graph.walk(from: [last], .upstream)) == Self.depths(expected))
        // Seeds alone can exceed the budget.
        let many = try catalog.read { try $0.lineageIDs() }.map(\.num)
        #expect(try Set(LineageGraph(catalog: catalog).walk(from: many, .downstream, maxDepth: 0).nodes) == Set(many))
    }
}

/// dbt's `group:`, `access:` and `version:` on a manifest that uses them (the corpus projects
/// have no groups or versions; their fixtures check the defaults against dbt itself).
@Suite struct DbtGroupAccessVersionTests {
    static func model(_ id: String, _ name: String, _ extra: String) -> String {
        #""\#(id)": {"unique_id": "\#(id)", "resource_type": "model", "package_name": "shop", "name": "\#(name)", "fqn": ["shop", "\#(name)"], "depends_on": {"nodes": []}\#(extra)}"#
    }

    static func engine(_ nodes: [String]) throws -> LineageEngine {
        let dir = try makeTempDirectory("dbt-versions")
        try #"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "project_name": "shop"}, "nodes": {\#(nodes.joined(separator: ", "))}}"#
            .write(toFile: dir + "/manifest.json", atomically: true, encoding: .utf8)
        try CatalogImport.apply(try DbtImporter.plan(manifest: dir + "/manifest.json"), to: dir + "/c.sqlite")
        return try LineageEngine(catalog: try Catalog(path: dir + "/c.sqlite"))
    }

    static func engine() throws -> LineageEngine {
        let nodes = [
            model("model.shop.orders.v1", "orders", #", "version": 1, "latest_version": 2, "access": "public", "config": {"group": "finance"}"#),
            model("model.shop.orders.v2", "orders", #", "version": 2, "latest_version": 2, "access": "public", "config": {"group": "finance"}"#),
            model("model.shop.orders.v3", "orders", #", "version": 3, "latest_version": 2, "access": "protected", "config": {"group": "finance"}"#),
            model("model.shop.customers", "customers", #", "access": "private", "config": {"group": "crm"}"#),
            model("model.shop.stg", "stg", #", "access": "protected""#),
            #""seed.shop.raw": {"unique_id": "seed.shop.raw", "resource_type": "seed", "package_name": "shop", "name": "raw", "fqn": ["shop", "raw"], "config": {"group": "finance"}}"#,
        ]
        return try engine(nodes)
    }

    /// `config.KEY:` on any key, compared as dbt compares (selector_methods.ConfigSelectorMethod).
    @Test func configKeysCompareAsDbtDoes() throws {
        let engine = try Self.engine([
            Self.model("model.shop.a", "a", #", "config": {"enabled": true, "tags": ["nightly", "hourly"], "schema": "mart", "unique_key": ["id"], "meta": {"owner": "ana"}, "contract": {"enforced": true}, "incremental_strategy": "delete+insert", "batch": 5, "grants": {"select": ["x"]}, "flags": [true]}"#),
            Self.model("model.shop.b", "b", #", "config": {"enabled": true, "tags": ["hourly"], "schema": null, "meta": {"owner": "bo"}, "contract": {"enforced": false}}"#),
            Self.model("model.shop.c", "c", #", "config": {"enabled": false, "tags": []}"#),
        ])
        func ids(_ s: String) throws -> [String] {
            do { return try engine.nodes(try engine.select(try Selection.parse([s])).nodes).map(\.id).sorted() }
            catch LineageError.noMatch { return [] }
        }
        #expect(try ids("config.tags:nightly") == ["model.shop.a"])            // a list holding it
        #expect(try ids("config.tags:hourly") == ["model.shop.a", "model.shop.b"])
        #expect(try ids("config.enabled:True") == ["model.shop.a", "model.shop.b"]) // booleans in any case
        #expect(try ids("config.enabled:FALSE").isEmpty)                         // disabled nodes are not nodes, as in dbt
        #expect(try ids("config.tags:hourly,config.enabled:true") == ["model.shop.a", "model.shop.b"])
        #expect(try ids("config.contract.enforced:true") == ["model.shop.a"])    // nested
        #expect(try ids("config.meta.owner:bo") == ["model.shop.b"])
        #expect(try ids("config.unique_key:id") == ["model.shop.a"])
        #expect(try ids("config.flags:TRUE") == ["model.shop.a"])              // true inside a list
        #expect(try ids("config.incremental_strategy:delete+insert") == ["model.shop.a"])
        #expect(try ids("config.schema:MART").isEmpty)                           // strings are exact
        #expect(try ids("config.batch:5").isEmpty)                               // a number never equals typed text
        #expect(try ids("config.grants:select").isEmpty)                         // nor does an object
        #expect(try ids("config.schema:null").isEmpty)
        #expect(try ids("config.materialized:table").isEmpty)                    // still the materialization
    }

    @Test func groupAccessAndVersionSelectAsDbtDoes() throws {
        let engine = try Self.engine()
        func ids(_ s: String) throws -> [String] {
            try engine.nodes(try engine.select(try Selection.parse([s])).nodes).map(\.id).sorted()
        }
        #expect(try ids("group:finance") == ["model.shop.orders.v1", "model.shop.orders.v2", "model.shop.orders.v3", "seed.shop.raw"])
        #expect(try ids("group:c*") == ["model.shop.customers"])
        #expect(try ids("access:public") == ["model.shop.orders.v1", "model.shop.orders.v2"])
        #expect(try ids("access:protected") == ["model.shop.orders.v3", "model.shop.stg"])
        #expect(throws: LineageError.self) { try ids("access:pub*") } // exact, as in dbt
        #expect(try ids("version:latest") == ["model.shop.orders.v2"])
        #expect(try ids("version:prerelease") == ["model.shop.orders.v3"])
        #expect(try ids("version:old") == ["model.shop.orders.v1"])
        #expect(try ids("version:none") == ["model.shop.customers", "model.shop.stg"]) // models only, not the seed
        #expect(try ids("version:latest,group:finance") == ["model.shop.orders.v2"])
        let stored = try engine.catalog.read { try $0.importDetail("model.shop.orders.v3") }.dbt
        #expect(stored?.access == "protected" && stored?.group == "finance" && stored?.version == "3" && stored?.latestVersion == "2")
        do {
            _ = try Selection.parse(["version:newest"])
            Issue.record("version:newest parsed")
        } catch {
            #expect(error.message.contains("expected one of: \"latest\", \"prerelease\", \"old\", or \"none\""))
        }
    }

    /// A catalog whose dbt nodes came from an older strata (migration v10 marks them) cannot
    /// answer these selectors: it says to import again instead of selecting wrongly.
    @Test func nodesImportedByAnOlderStrataAskForAnotherImport() throws {
        let engine = try Self.engine()
        let queue = try DatabaseQueue(path: engine.catalog.path)
        try queue.write { try $0.execute(sql: "UPDATE dbt_node SET config = ?", arguments: [CatalogSchema.importedBeforeConfig]) }
        try queue.close()
        for selector in ["access:public", "group:finance", "version:none", "config.tags:x"] {
            #expect(throws: LineageError.importAgain(selector: selector)) { try engine.select(try Selection.parse([selector])) }
        }
        #expect(try engine.select(try Selection.parse(["stg"])).nodes.count == 1) // other methods still answer
        #expect("\(LineageError.importAgain(selector: "access:public"))".contains("import their manifest again"))
    }

    @Test func versionsCompareAsNumbersWhenBothAre() {
        #expect(LineageEngine.versionMatches("old", version: "9", latest: "10"))        // 9 < 10 as numbers, not as text
        #expect(LineageEngine.versionMatches("latest", version: "2", latest: "2.0"))
        #expect(LineageEngine.versionMatches("prerelease", version: "v3", latest: "v10")) // text: "v3" > "v10"
        #expect(!LineageEngine.versionMatches("none", version: "1", latest: "1"))
        #expect(!LineageEngine.versionMatches("old", version: "1", latest: ""))
    }
}

@Suite struct DbtMatchingRuleTests {
    @Test func fqnRule() {
        let fqn = ["jaffle_shop", "staging", "stg_orders"]
        #expect(LineageEngine.fqnMatches("stg_orders", fqn: fqn))
        #expect(LineageEngine.fqnMatches("jaffle_shop", fqn: fqn))
        #expect(LineageEngine.fqnMatches("jaffle_shop.staging", fqn: fqn))
        #expect(LineageEngine.fqnMatches("jaffle_shop.staging.stg_orders", fqn: fqn))
        // Without the package too, as dbt 1.11 counts it.
        #expect(LineageEngine.fqnMatches("staging", fqn: fqn))
        #expect(LineageEngine.fqnMatches("staging.stg_orders", fqn: fqn))
        #expect(!LineageEngine.fqnMatches("orders", fqn: fqn))
        #expect(!LineageEngine.fqnMatches("jaffle_shop.stg_orders", fqn: fqn))
        #expect(LineageEngine.fqnMatches("stg_*", fqn: fqn))
        #expect(LineageEngine.fqnMatches("jaffle_shop.*.stg_*", fqn: fqn))
        #expect(LineageEngine.fqnMatches("jaffle_shop.stag*", fqn: fqn))
        #expect(!LineageEngine.fqnMatches("jaffle_shop.marts.*", fqn: fqn))
        #expect(!LineageEngine.fqnMatches("a.b.c.d", fqn: fqn))
    }

    @Test func pathRule() {
        let path = "models/staging/stg_orders.sql"
        #expect(LineageEngine.pathMatches("models", path))
        #expect(LineageEngine.pathMatches("models/staging", path))
        #expect(LineageEngine.pathMatches("models/staging/", path))
        #expect(LineageEngine.pathMatches(path, path))
        #expect(LineageEngine.pathMatches("models/*/stg_orders.sql", path))
        #expect(LineageEngine.pathMatches("models/stag*", path))
        #expect(!LineageEngine.pathMatches("models/marts", path))
        #expect(!LineageEngine.pathMatches("staging", path))
    }
}
