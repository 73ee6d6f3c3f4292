import Foundation
import StrataCatalog
import StrataImport
import StrataTestSupport
import StrataYAML
import Testing

@Suite struct BuildTests {
    @Test func buildWritesACatalogThatAnswers() throws {
        let folder = try FixtureFolder()
        let out = try makeTempDirectory("build") + "/c.sqlite"
        try CatalogBuild.build(folder: folder.path, output: out)
        let catalog = try Catalog(path: out)
        let stats = try catalog.read { try $0.stats() }
        #expect(stats["table"] == 4)
        #expect(stats["run"] == 2)
        #expect(try catalog.read { try $0.search("summary") }.first?.id == "analytics.order_summary")
        let run = try catalog.read { try $0.dagRun(dagID: "orders_daily", runID: "scheduled__2026-11-22T02:00:00+00:00") }
        let log = try #require(run?.tasks.first { $0.taskID == "orders_daily.transform" }?.logs.last)
        #expect(FileManager.default.fileExists(atPath: log))
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("boom again"))
    }

    /// A failed build must leave the previous catalog exactly as it was, byte for byte.
    @Test(arguments: [
        ["tools.yaml": "tools: [\n"],                                                         // syntax error
        FixtureFolder.edit("tables/shop.yaml", "stage: extract", "stag: extract"),            // unknown key
        FixtureFolder.edit("tables/shop.yaml", "[raw.shop.orders]", "[raw.shop.ordrs]"),      // dangling
        ["tables/dup.yaml": "tables:\n  - {id: dbt, owner: data-eng, stage: transform, description: x}\n"], // dup
    ] as [[String: String?]])
    func failedBuildLeavesOldOutputByteIdentical(_ breakage: [String: String?]) throws {
        let out = try makeTempDirectory("atomic") + "/c.sqlite"
        try CatalogBuild.build(folder: try FixtureFolder().path, output: out)
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let broken = try FixtureFolder(breakage)
        #expect(throws: InputProblems.self) { try CatalogBuild.build(folder: broken.path, output: out) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
        // And no temporary file is left beside it.
        let dir = URL(fileURLWithPath: out).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["c.sqlite"])
    }

    /// The demo cache's key sees every regular file below the folder, nested ones included: a
    /// new file, a file touched without a change of size, and nothing else.
    @Test func demoFingerprintSeesNestedFilesAndTouches() throws {
        let folder = try FixtureFolder()
        let first = DemoCatalog.fingerprint(folder.path)
        #expect(DemoCatalog.fingerprint(folder.path) == first)
        #expect(DemoCatalog.fingerprint(folder.path + "/") == first)
        let nested = folder.path + "/notes/deeper"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        #expect(DemoCatalog.fingerprint(folder.path) == first)   // an empty folder is no content
        try "x".write(toFile: nested + "/a.md", atomically: false, encoding: .utf8)
        let withFile = DemoCatalog.fingerprint(folder.path)
        #expect(withFile != first)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)],
                                              ofItemAtPath: nested + "/a.md")
        #expect(DemoCatalog.fingerprint(folder.path) != withFile)
    }

    @Test func demoCacheIsReusedAndRebuiltOnChange() throws {
        let folder = try FixtureFolder()
        let cache = try makeTempDirectory("cache")
        let first = try DemoCatalog.cachedCatalog(folder: folder.path, cacheDir: cache)
        let again = try DemoCatalog.cachedCatalog(folder: folder.path, cacheDir: cache)
        #expect(first == again)
        let file = folder.path + "/glossary.yaml"
        try (String(contentsOfFile: file, encoding: .utf8) + """
              - id: grain
                name: Grain
                description: What one row means.

            """).write(toFile: file, atomically: true, encoding: .utf8)
        let rebuilt = try DemoCatalog.cachedCatalog(folder: folder.path, cacheDir: cache)
        #expect(rebuilt != first)
        #expect(!FileManager.default.fileExists(atPath: first))   // the stale copy is cleaned up
        #expect(try Catalog(path: rebuilt).read { try $0.count(kind: .term) } == 3)
    }
}
