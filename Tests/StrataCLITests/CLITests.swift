import Foundation
import StrataTestSupport
import Testing

/// Runs the real `strata` binary (built next to the test bundle) and captures what it prints.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
}

let strataBinary: String = {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("strata").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return repositoryRoot + "/.build/debug/strata"
}()

func strata(_ args: [String], env: [String: String] = [:]) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: strataBinary)
    process.arguments = args
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    // The caller's own catalog must not stand in for the demo one the tests expect.
    environment["STRATA_CATALOG"] = nil
    for (k, v) in env { environment[k] = v }
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
               stderr: String(decoding: stderr, as: UTF8.self))
}

/// The fixture folder compiled once per test into a catalog file.
func fixtureCatalog(_ changes: [String: String?] = [:]) throws -> String {
    let folder = try FixtureFolder(changes)
    let out = try makeTempDirectory("cli") + "/fixture.sqlite"
    let r = try strata(["build", folder.path, "-o", out])
    precondition(r.status == 0, r.stderr)
    return out
}

@Suite struct CLITests {
    @Test func statsJSONMapsEveryKindToItsCount() throws {
        let r = try strata(["stats", "--catalog", try fixtureCatalog(), "--json"])
        #expect(r.status == 0)
        let stats = try #require(try r.json() as? [String: Int])
        for kind in ["stage", "tool", "owner", "table", "column", "dag", "task", "run", "term"] {
            #expect(stats[kind] != nil, "missing \(kind)")
        }
        #expect(stats["table"] == 4)
        #expect(stats["column"] == 6)
        #expect(stats["run"] == 2)
    }

    /// `export STRATA_CATALOG=…` then `strata import …` and `strata show …`, as the README shows:
    /// every reading command uses it, and --catalog still wins.
    @Test func readingCommandsUseStrataCatalog() throws {
        let fixture = try fixtureCatalog()
        let viaEnv = try strata(["stats", "--json"], env: ["STRATA_CATALOG": fixture])
        let viaFlag = try strata(["stats", "--json", "--catalog", fixture])
        #expect(viaEnv.status == 0)
        #expect(viaEnv.stdout == viaFlag.stdout)
        #expect(try strata(["show", "orders_daily"], env: ["STRATA_CATALOG": fixture]).status == 0)
        let demo = try strata(["stats", "--json"])
        #expect(demo.stdout != viaEnv.stdout)
        let flagWins = try strata(["stats", "--json", "--catalog", fixture], env: ["STRATA_CATALOG": "/nonexistent/x.sqlite"])
        #expect(flagWins.stdout == viaFlag.stdout)
        let missing = try strata(["stats"], env: ["STRATA_CATALOG": "/nonexistent/x.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/x.sqlite"))
    }

    /// show takes a name one entity carries, as lineage does; a name several carry lists them.
    @Test func showResolvesAUniqueShortName() throws {
        let short = try strata(["show", "fct_orders"])
        #expect(short.status == 0, "\(short.stderr)")
        #expect(short.stdout.hasPrefix("analytics.marts.fct_orders  (table)"))
        let several = try strata(["show", "orders"])
        #expect(several.status == 1)
        #expect(several.stderr.contains("did you mean kafka.shop.orders, raw.shop.orders, shopdb.public.orders?"), "\(several.stderr)")
    }

    @Test func stagesJSONListsStagesInOrderWithTools() throws {
        let r = try strata(["stages", "--catalog", try fixtureCatalog(), "--json"])
        #expect(r.status == 0)
        let stages = try #require(try r.json() as? [[String: Any]])
        #expect(stages.map { $0["id"] as? String } == ["extract", "transform", "orchestrate", "serve"])
        #expect(stages.map { $0["order"] as? Int } == [1, 2, 3, 4])
        let tools = try #require(stages[1]["tools"] as? [[String: Any]])
        #expect(tools.first?["id"] as? String == "dbt")
        #expect(tools.first?["name"] as? String == "dbt")
        #expect(tools.first?["description"] as? String == "SQL models with tests and docs.")
        // What a stage serves counts too: the fixture's dashboard sits in "serve".
        #expect(stages.map { $0["dashboard_count"] as? Int } == [0, 0, 0, 1])
        #expect(stages.map { $0["table_count"] as? Int } == [1, 3, 0, 0])
        let text = try strata(["stages", "--catalog", try fixtureCatalog()])
        #expect(text.stdout.contains("4. Serve [serve]  0 tools, 0 tables, 0 DAGs, 1 dashboard\n"))
        #expect(text.stdout.contains("2. Transform [transform]  1 tool, 3 tables, 0 DAGs\n"))
    }

    @Test func searchJSONHasRankedResults() throws {
        let r = try strata(["search", "orders", "--catalog", try fixtureCatalog(), "--json", "--kind", "table",
                            "--limit", "3"])
        #expect(r.status == 0)
        let object = try #require(try r.json() as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.count == 3)
        for hit in results {
            #expect(Set(hit.keys).isSuperset(of: ["id", "kind", "name", "stage", "score"]))
            #expect(hit["kind"] as? String == "table")
        }
        let scores = results.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >))
    }

    @Test func searchTakesHostileInput() throws {
        let catalog = try fixtureCatalog()
        for q in ["\"", "AND", "(orders", "*", "orders\" OR \"x"] {
            let r = try strata(["search", q, "--catalog", catalog, "--json"])
            #expect(r.status == 0, "query \(q): \(r.stderr)")
        }
    }

    @Test func showJSONHasEverything() throws {
        let r = try strata(["show", "analytics.fct_orders", "--catalog", try fixtureCatalog(), "--json"])
        #expect(r.status == 0)
        let d = try #require(try r.json() as? [String: Any])
        let entity = try #require(d["entity"] as? [String: Any])
        #expect(entity["id"] as? String == "analytics.fct_orders")
        #expect(entity["owner"] as? String == "ana.lima")
        let table = try #require(d["table"] as? [String: Any])
        #expect((table["columns"] as? [[String: Any]])?.count == 2)
        #expect((d["upstream"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                    == ["analytics.stg_orders", "orders_daily.transform"])
        #expect((d["downstream"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                    == ["analytics.order_summary", "orders_daily.publish"])
        let runs = try #require(d["runs"] as? [[String: Any]])
        #expect(runs.first?["state"] as? String == "failed")
        #expect((runs.first?["logs"] as? [String])?.count == 2)
    }

    @Test func showTextOfADagListsTasksAndRuns() throws {
        let r = try strata(["show", "orders_daily", "--catalog", try fixtureCatalog()])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Tasks (3, in dependency order)"))
        #expect(r.stdout.contains("transform  BashOperator      after extract"))
        #expect(r.stdout.contains("scheduled__2026-11-22T02:00:00+00:00  failed"))
    }

    @Test func ownersJSONNamesTeamPeopleAndWhatTheyOwn() throws {
        let r = try strata(["owners", "analytics.fct_orders", "--catalog", try fixtureCatalog(), "--json"])
        #expect(r.status == 0)
        let o = try #require(try r.json() as? [String: Any])
        #expect(((o["owner"] as? [String: Any])?["entity"] as? [String: Any])?["id"] as? String == "ana.lima")
        #expect(((o["team"] as? [String: Any])?["detail"] as? [String: Any])?["oncall"] as? String
                    == "data-eng-primary (weekly)")
        #expect((o["people"] as? [[String: Any]])?.count == 2)
        let owns = try #require(o["owns"] as? [String: Any])
        #expect((owns["table"] as? [Any])?.count == 3)
        #expect(owns["dag"] != nil)
    }

    @Test func ownersTextShowsContact() throws {
        let r = try strata(["owners", "orders_daily", "--catalog", try fixtureCatalog()])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Team: Data Engineering (data-eng)"))
        #expect(r.stdout.contains("on-call: data-eng-primary (weekly)"))
        #expect(r.stdout.contains("Ana Lima"))
    }

    @Test func buildAndCheckJSON() throws {
        let folder = try FixtureFolder()
        let out = try makeTempDirectory("cli-build") + "/x.sqlite"
        let b = try strata(["build", folder.path, "-o", out, "--json"])
        #expect(b.status == 0)
        #expect(((try b.json() as? [String: Any])?["counts"] as? [String: Int])?["table"] == 4)
        let c = try strata(["check", folder.path, "--json"])
        #expect(c.status == 0)
        #expect((try c.json() as? [String: Any])?["ok"] as? Bool == true)
    }

    @Test func checkReportsEveryProblemAsFileLineMessage() throws {
        var changes = FixtureFolder.edit("tables/shop.yaml", "stage: extract", "stag: extract")
        changes["tools.yaml"] = "tools: [\n"
        let folder = try FixtureFolder(changes)
        let text = try strata(["check", folder.path])
        #expect(text.status == 1)
        let line = FixtureFolder.line(in: "tables/shop.yaml", "stage: extract")
        #expect(text.stdout.contains("\(folder.path)/tables/shop.yaml:\(line): unknown key 'stag'"))
        #expect(text.stdout.contains("\(folder.path)/tools.yaml:"))
        let json = try strata(["check", folder.path, "--json"])
        #expect(json.status == 1)
        let problems = try #require((try json.json() as? [String: Any])?["problems"] as? [[String: Any]])
        #expect(problems.count >= 2)
        #expect(problems.allSatisfy { $0["file"] != nil && $0["line"] != nil && $0["message"] != nil })
    }

    @Test func failedBuildExitsOneAndKeepsTheOldFile() throws {
        let out = try makeTempDirectory("cli-atomic") + "/x.sqlite"
        #expect(try strata(["build", try FixtureFolder().path, "-o", out]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let broken = try FixtureFolder(FixtureFolder.edit("owners.yaml", "team: data-eng", "team: ghosts"))
        let r = try strata(["build", broken.path, "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("owners.yaml:"))
        #expect(r.stderr.contains("ghosts"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
    }

    @Test func exitCodes() throws {
        let catalog = try fixtureCatalog()
        #expect(try strata(["show", "no.such.thing", "--catalog", catalog]).status == 1)
        #expect(try strata(["stats", "--catalog", "/nonexistent.sqlite"]).status == 1)
        #expect(try strata(["stats", "--bogus-flag"]).status == 2)
        #expect(try strata(["search"]).status == 2)
        #expect(try strata(["search", "x", "--limit", "0", "--catalog", catalog]).status == 2)
        #expect(try strata(["search", "x", "--kind", "galaxy", "--catalog", catalog]).status == 2)
        #expect(try strata(["--help"]).status == 0)
        #expect(try strata(["search", " ", "--catalog", catalog]).status == 2)
        // A mistyped command is named as such (without a command strata opens the UI).
        let typo = try strata(["lineages", "+x"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("unknown command 'lineages'; did you mean 'lineage'?"), "\(typo.stderr)")
        #expect(try strata(["--catalog", catalog, "stats"]).status == 2)   // options of the UI, then a word
        #expect(try strata(["help", "stats"]).status == 0)
        let missing = try strata(["stats", "--catalog", "/nonexistent.sqlite"])
        #expect(missing.stderr.contains("/nonexistent.sqlite: no catalog here"))
    }

    @Test func escapeSequencesInCatalogTextArePrintedInert() throws {
        let catalog = try fixtureCatalog(FixtureFolder.edit(
            "tables/shop.yaml", "description: Cleaned orders, amounts in euros.",
            "description: \"Cleaned \\e[2J\\e]0;pwned\\a orders\""))
        let r = try strata(["show", "analytics.stg_orders", "--catalog", catalog])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("\u{1B}"))
        #expect(!r.stdout.contains("\u{07}"))
        #expect(r.stdout.contains("Cleaned ^[[2J^[]0;pwned^G orders"))
    }
}

extension CLITests {
    @Test func themesJSONListsTheBundledThemes() throws {
        let r = try strata(["themes", "--json"], env: ["XDG_CONFIG_HOME": try makeTempDirectory("cfg")])
        #expect(r.status == 0)
        let themes = try #require(try r.json() as? [[String: Any]])
        let names = themes.compactMap { $0["name"] as? String }
        for name in ["default-dark", "light", "high-contrast", "solarized-dark", "colorblind-safe", "monochrome"] {
            #expect(names.contains(name), "missing theme \(name)")
        }
        #expect(themes.allSatisfy { $0["source"] as? String == "bundled" && $0["problem"] == nil })
    }

    @Test func aUserThemeOverridesAndABrokenOneIsListedWithItsLine() throws {
        let config = try makeTempDirectory("cfg")
        try FileManager.default.createDirectory(atPath: config + "/strata/themes", withIntermediateDirectories: true)
        let light = try String(contentsOfFile: repositoryRoot + "/themes/light.yaml", encoding: .utf8)
        try light.write(toFile: config + "/strata/themes/light.yaml", atomically: true, encoding: .utf8)
        try "name: broken\ncolors:\n  acent: \"#fff\"\n".write(toFile: config + "/strata/themes/broken.yaml",
                                                               atomically: true, encoding: .utf8)
        let r = try strata(["themes"], env: ["XDG_CONFIG_HOME": config])
        #expect(r.status == 0)
        #expect(r.stdout.contains("light") && r.stdout.contains("user"))
        #expect(r.stdout.contains("broken.yaml:3: unknown colour role 'acent'"))
    }

    @Test func keysPrintsTheReferenceWithRemaps() throws {
        let config = try makeTempDirectory("cfg")
        try FileManager.default.createDirectory(atPath: config + "/strata", withIntermediateDirectories: true)
        try "lineage.upstream: [U]\n".write(toFile: config + "/strata/keys.yaml", atomically: true, encoding: .utf8)
        let r = try strata(["keys"], env: ["XDG_CONFIG_HOME": config])
        #expect(r.status == 0)
        #expect(r.stdout.contains("| `U` | `lineage.upstream` |"))
    }

    @Test func theUINeedsATerminal() throws {
        let r = try strata(["--catalog", try fixtureCatalog()])
        #expect(r.status == 1)
        #expect(r.stderr.contains("needs a terminal"))
    }
}
