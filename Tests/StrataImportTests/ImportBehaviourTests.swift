import Foundation
import GRDB
import StrataCatalog
import StrataImport
import StrataTestSupport
import StrataYAML
import Testing

/// Import semantics on small synthetic inputs: manifest versions, idempotence, removal per
/// source, merging, and bad input that must leave the catalog byte-identical.
@Suite struct ImportBehaviourTests {
    @Test(arguments: [7, 8, 9, 10, 11, 12])
    func manifestVersionsSevenToTwelveImport(_ version: Int) throws {
        let dir = try makeTempDirectory("dbt-v\(version)")
        let m = try writeFile(dir, "manifest.json", syntheticManifest(version: version, models: ["a", "b"], group: true))
        let c = dir + "/c.sqlite"
        let s = try importDbt(m, into: c)
        #expect(s.changes["table"]?.added == 2)
        #expect(try count(c, "SELECT count(*) FROM edge WHERE from_id = 'model.shop.a' AND to_id = 'model.shop.b'") == 1)
        // v7 has no attached_node: the test is attached through its ref() kwarg.
        let checks: [String] = try query(c, "SELECT table_id || ':' || column_name || ':' || test FROM data_check ORDER BY 1")
        #expect(checks == ["model.shop.a:id:unique", "model.shop.b:id:unique"])
        // Groups (v9+) own their models.
        let owner: [String?] = try query(c, "SELECT owner FROM entity WHERE id = 'model.shop.a'")
        if version >= 9 {
            #expect(owner == ["finance.analytics"])
            #expect(try count(c, "SELECT count(*) FROM owner WHERE id = 'finance.analytics' AND email = 'fin@example.com'") == 1)
            let tags: [String] = try query(c, "SELECT tags FROM entity WHERE id = 'model.shop.a'")
            #expect(tags.first?.contains("access:public") == true)
        } else {
            #expect(owner == [nil])
        }
        // The project's name comes from metadata (v10+) or the nodes' package.
        let relation: [String] = try query(c, "SELECT relation FROM data_table WHERE id = 'model.shop.a'")
        #expect(relation == ["wh.analytics.a"])
    }

    @Test func aDbtFolderBringsItsManifestRunResultsAndLog() throws {
        let project = try makeTempDirectory("dbt-folder")
        func touch(_ path: String) throws { _ = try writeFile(project, String(path.dropFirst(project.count + 1)), "{}") }
        // A file is the manifest, whatever its name.
        try touch(project + "/saved.json")
        #expect(try DbtImporter.artifacts(in: project + "/saved.json") == .init(manifest: project + "/saved.json"))
        // An empty project says where the manifest should be.
        #expect(throws: InputProblems.self) { try DbtImporter.artifacts(in: project) }
        do { _ = try DbtImporter.artifacts(in: project) } catch {
            #expect("\(error)".contains("no manifest.json here or in target/"))
        }
        // A project after `dbt compile`: the manifest alone (a log without run results is not attached).
        try touch(project + "/target/manifest.json")
        try touch(project + "/logs/dbt.log")
        #expect(try DbtImporter.artifacts(in: project) == .init(manifest: project + "/target/manifest.json"))
        // After `dbt build`: the run results and the project's log come along, from the project or its target/.
        try touch(project + "/target/run_results.json")
        let built = DbtImporter.Artifacts(manifest: project + "/target/manifest.json",
                                          runResults: project + "/target/run_results.json", log: project + "/logs/dbt.log")
        #expect(try DbtImporter.artifacts(in: project) == built)
        #expect(try DbtImporter.artifacts(in: project + "/") == built)
        #expect(try DbtImporter.artifacts(in: project + "/target") == built)
        // Saved artifacts keep the log beside them; a gzipped manifest counts.
        let saved = project + "/saved"
        try touch(saved + "/manifest.json.gz")
        try touch(saved + "/run_results.json")
        try touch(saved + "/dbt.log")
        #expect(try DbtImporter.artifacts(in: saved) == .init(manifest: saved + "/manifest.json.gz",
                                                               runResults: saved + "/run_results.json", log: saved + "/dbt.log"))
    }

    /// A newer manifest that changes only a model's owner (or only its stage or tool) updates it:
    /// the digest that decides "nothing changed" covers every written field.
    /// dbt writes run_results.json for compile, show and docs generate too, with every node
    /// "success": such a file records no run, whether found in a folder or named with --run-results.
    @Test func runResultsOfACommandThatRanNothingAreNoRun() throws {
        let dir = try makeTempDirectory("compiled")
        let manifest = try writeFile(dir, "manifest.json", syntheticManifest(version: 12, models: ["a"], test: false))
        func results(_ which: String) throws -> String {
            try writeFile(dir, "run_results.json", #"""
                {"metadata": {"invocation_id": "i1"}, "args": {"which": "\#(which)"},
                 "results": [{"unique_id": "model.shop.a", "status": "success"}]}
                """#)
        }
        let compiled = try DbtImporter.plan(manifest: manifest, runResults: try results("compile"))
        #expect(compiled.batch.files.count == 1)   // the manifest's, no run
        #expect(compiled.warnings.contains { $0.contains("is from `dbt compile`, which runs nothing: no run imported") })
        let built = try DbtImporter.plan(manifest: manifest, runResults: try results("build"))
        #expect(built.batch.files.count == 2 && built.warnings.isEmpty)
    }

    /// Event times in other zones become UTC, so the latest run is the one that ran last: here
    /// a run that failed at 10:00+02:00 (08:00 UTC) before one that succeeded at 09:00 UTC.
    @Test func runsInOtherTimeZonesSortByTheTimeTheyRan() throws {
        let dir = try makeTempDirectory("ol-zones")
        let failed = "66666666-6666-6666-6666-666666666666", ok = "77777777-7777-7777-7777-777777777777"
        _ = try writeFile(dir, "events.ndjson", [
            olEvent("START", job: "load", runID: failed, time: "2024-01-01T09:59:00+02:00"),
            olEvent("FAIL", job: "load", runID: failed, time: "2024-01-01T10:00:00+02:00"),
            olEvent("START", job: "load", runID: ok, time: "2024-01-01T08:59:00Z"),
            // Written before its START in UTC terms, but later on the clock of its own zone.
            olEvent("COMPLETE", job: "load", runID: ok, time: "2024-01-01T04:00:00-05:00"),
        ].joined(separator: "\n"))
        let c = try tempCatalog("zones")
        _ = try importOL([dir + "/events.ndjson"], into: c)
        let runs: [String] = try query(c, "SELECT state || '|' || start_time || '|' || coalesce(end_time, '-') FROM dag_run ORDER BY start_time")
        #expect(runs == ["failed|2024-01-01T07:59:00Z|2024-01-01T08:00:00Z", "success|2024-01-01T08:59:00Z|2024-01-01T09:00:00Z"])
        #expect(try Catalog(path: c).read { try $0.failedDags() }.isEmpty)
    }

    @Test func ownerChangeAloneIsImported() throws {
        let dir = try makeTempDirectory("dbt-owner")
        let c = dir + "/c.sqlite"
        let text = syntheticManifest(version: 12, models: ["a", "b"])
        let m = try writeFile(dir, "manifest.json", text)
        try importDbt(m, into: c)
        let owner: [String?] = try query(c, "SELECT owner FROM entity WHERE id = 'model.shop.a'")
        #expect(owner == [nil])
        // The first model's config (model a) gets an owner.
        var changed = text
        let config = try #require(changed.range(of: "\"config\": {\"materialized\": \"table\", \"meta\": {}}"))
        changed.replaceSubrange(config, with: "\"config\": {\"materialized\": \"table\", \"meta\": {\"owner\": \"ana@example.com\"}}")
        _ = try writeFile(dir, "manifest.json", changed)
        let s = try importDbt(m, into: c)
        #expect(s.changes["table"]?.updated ?? 0 >= 1)
        let after: [String?] = try query(c, "SELECT owner FROM entity WHERE id = 'model.shop.a'")
        #expect(after.first??.contains("ana") == true, "\(after)")
    }

    /// An import leaves the lineage arrays built, so the first big lineage question after it does
    /// not stall to build them; they equal arrays built afresh from the edges.
    @Test func importLeavesTheLineageArraysBuilt() throws {
        let dir = try makeTempDirectory("dbt-lineage-cache")
        let c = dir + "/c.sqlite"
        func storedEqualsFresh() throws {
            let stored = try Catalog(path: c)
            #expect(try stored.storedLineageCycleCandidates() != nil)
            let arrays = try stored.lineageArrays()
            let copy = dir + "/copy.sqlite"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: c, toPath: copy)
            try DatabaseQueue(path: copy).write { try $0.execute(sql: "DELETE FROM lineage_cache") }
            let fresh = try Catalog(path: copy)
            #expect(try fresh.storedLineageCycleCandidates() == nil)
            let rebuilt = try fresh.lineageArrays()
            #expect(arrays.upstream.offsets == rebuilt.upstream.offsets)
            #expect(arrays.upstream.targets == rebuilt.upstream.targets)
            #expect(arrays.downstream.targets == rebuilt.downstream.targets)
            #expect(arrays.upstream.sources == rebuilt.upstream.sources)
            #expect(arrays.sourceNames == rebuilt.sourceNames)
            #expect(arrays.edgeCount > 0)
        }
        try importDbt(try writeFile(dir, "manifest.json", syntheticManifest(version: 12, models: ["a", "b", "c"])), into: c)
        try storedEqualsFresh()
        // A second import that adds edges leaves them built again, with its edges in them.
        let edgesBefore = try Catalog(path: c).lineageArrays().edgeCount
        try importOL([try writeFile(dir, "events.ndjson", olEvent(job: "loader", outputs: ["WH.ANALYTICS.A"]))], into: c)
        try storedEqualsFresh()
        #expect(try Catalog(path: c).lineageArrays().edgeCount > edgesBefore)
    }

    /// A catalog created by an import has 16 KB pages (faster big imports); one that already
    /// exists keeps its page size.
    @Test func importCreatesSixteenKilobytePages() throws {
        let dir = try makeTempDirectory("dbt-pages")
        let m = try writeFile(dir, "manifest.json", syntheticManifest(version: 12, models: ["a"]))
        try importDbt(m, into: dir + "/new.sqlite")
        #expect(try count(dir + "/new.sqlite", "PRAGMA page_size") == 16384)
        let old = dir + "/old.sqlite"
        _ = try Catalog(path: old, create: true)
        try importDbt(m, into: old)
        #expect(try count(old, "PRAGMA page_size") == 4096)
    }

    /// One event per file: a run whose START and COMPLETE are in two files is one run with its
    /// start and end, and a DAG run whose tasks report in files of their own keeps every task.
    /// The summary counts each thing once, and importing the folder again changes nothing.
    @Test func runsSpreadOverFilesAreOneRun() throws {
        let dir = try makeTempDirectory("ol-split") + "/events"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let run = "22222222-2222-2222-2222-222222222222"
        _ = try writeFile(dir, "1-start.json", olEvent("START", job: "load", runID: run, inputs: ["raw.a"], outputs: ["stg.a"],
                                                   time: "2026-01-01T00:00:00Z"))
        _ = try writeFile(dir, "2-complete.json", olEvent("COMPLETE", job: "load", runID: run, inputs: ["raw.a"], outputs: ["stg.a"],
                                                      time: "2026-01-01T00:05:00Z"))
        // A DAG run (parent run P) whose two tasks report in files of their own.
        func task(_ name: String, _ id: String, _ type: String, _ time: String) -> String {
            """
            {"eventType": "\(type)", "eventTime": "\(time)", "producer": "test", \
            "run": {"runId": "\(id)", "facets": {"parent": {"job": {"namespace": "af", "name": "daily"}, \
            "run": {"runId": "33333333-3333-3333-3333-333333333333"}}}}, \
            "job": {"namespace": "af", "name": "daily.\(name)"}, "inputs": [], "outputs": []}
            """
        }
        _ = try writeFile(dir, "3-extract.json", task("extract", "44444444-4444-4444-4444-444444444444", "COMPLETE", "2026-01-01T01:00:00Z"))
        _ = try writeFile(dir, "4-load.json", task("load", "55555555-5555-5555-5555-555555555555", "FAIL", "2026-01-01T01:10:00Z"))
        let c = dir + "/../c.sqlite"
        let s = try importOL([dir], into: c)
        let runs: [String] = try query(c, "SELECT dag_id || '|' || state || '|' || start_time || '|' || coalesce(end_time, '-') FROM dag_run ORDER BY dag_id")
        #expect(runs.contains("tests|success|2026-01-01T00:00:00Z|2026-01-01T00:05:00Z"), "\(runs)")
        let tasks: [String] = try query(c, """
            SELECT t.task_id || '|' || t.state FROM task_run t JOIN dag_run r ON r.num = t.run_num
            WHERE r.dag_id = 'daily' ORDER BY t.task_id
            """)
        #expect(tasks == ["daily.extract|success", "daily.load|failed"])
        #expect(s.changes["run"]?.added == 2)
        #expect(s.changes["edge"]?.added == 2)
        #expect(s.changes["table"]?.updated ?? 0 == 0)
        #expect(try importOL([dir], into: c).isEmpty)
    }

    /// The same dbt project imported from another path (another checkout, a CI workspace) is the
    /// same source: its earlier facts move to the new path, and what the project dropped goes.
    @Test func sameProjectFromAnotherPathIsTheSameSource() throws {
        let root = try makeTempDirectory("dbt-moved")
        let c = root + "/c.sqlite"
        let first = try writeFile(root + "/checkout-1", "manifest.json", syntheticManifest(version: 12, models: ["a", "b"]))
        try importDbt(first, into: c)
        // Same content, new place: only the source moves.
        let same = try writeFile(root + "/checkout-2", "manifest.json", syntheticManifest(version: 12, models: ["a", "b"]))
        let moved = try importDbt(same, into: c)
        #expect(moved.changes.filter { !$0.value.isZero }.keys.sorted() == ["source"])
        #expect(moved.changes["source"]?.updated == 1)
        let files: [String] = try query(c, "SELECT DISTINCT file FROM entity_source ORDER BY 1")
        #expect(files == [same])
        // Model b dropped, imported from a third place: b goes.
        let third = try writeFile(root + "/checkout-3", "manifest.json", syntheticManifest(version: 12, models: ["a"]))
        let s = try importDbt(third, into: c)
        #expect(s.changes["table"]?.removed == 1)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'model.shop.b'") == 0)
        #expect(try count(c, "SELECT count(DISTINCT file) FROM import_fact") == 1)
        #expect(try importDbt(third, into: c).isEmpty)
    }

    /// A folder reused for another project holds that project now: importing the first project
    /// from elsewhere later does not take the second one's facts (and remove its models).
    @Test func aPathReusedForAnotherProjectIsThatProjectsNow() throws {
        let root = try makeTempDirectory("dbt-reused")
        let c = root + "/c.sqlite"
        _ = try writeFile(root + "/p", "manifest.json", syntheticManifest(version: 12, models: ["a"], project: "shop"))
        try importDbt(root + "/p/manifest.json", into: c)
        _ = try writeFile(root + "/p", "manifest.json", syntheticManifest(version: 12, models: ["x"], project: "other"))
        try importDbt(root + "/p/manifest.json", into: c)
        let shopElsewhere = try writeFile(root + "/q", "manifest.json", syntheticManifest(version: 12, models: ["a", "b"], project: "shop"))
        try importDbt(shopElsewhere, into: c)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'model.other.x'") == 1)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'model.shop.b'") == 1)
    }

    /// Text with a NUL character (JSON's \u0000) is stored whole.
    @Test func nulCharactersInTextAreKept() throws {
        let dir = try makeTempDirectory("dbt-nul")
        let text = syntheticManifest(version: 12, models: ["a"]).replacingOccurrences(of: "The a model.", with: "before\\u0000after")
        let m = try writeFile(dir, "manifest.json", text)
        try importDbt(m, into: dir + "/c.sqlite")
        // hex(): SQLite's own text functions stop at the NUL, the stored bytes do not.
        let d: [String] = try query(dir + "/c.sqlite", "SELECT hex(description) FROM entity WHERE id = 'model.shop.a'")
        #expect(d == [Array("before\u{0}after".utf8).map { String(format: "%02X", $0) }.joined()])
    }

    @Test(arguments: [6, 13, 99])
    func unknownManifestVersionIsRefusedAndTheCatalogKept(_ version: Int) throws {
        let dir = try makeTempDirectory("dbt-bad")
        let c = dir + "/c.sqlite"
        try importDbt(try writeFile(dir, "ok.json", syntheticManifest(version: 12, models: ["a"])), into: c)
        let before = bytes(c)
        let m = try writeFile(dir, "manifest.json", syntheticManifest(version: version, models: ["a", "b"]))
        let error = try #require(throws: InputProblems.self) { try importDbt(m, into: c) }
        #expect(error.description.contains(m))
        #expect(error.description.contains("schema v\(version) is not supported"))
        #expect(error.description.contains("v7 to v12"))
        #expect(bytes(c) == before)
    }

    @Test func truncatedJSONNamesFileAndLine() throws {
        let dir = try makeTempDirectory("trunc")
        let c = dir + "/c.sqlite"
        let text = syntheticManifest(version: 12, models: ["a", "b", "c"])
        try importDbt(try writeFile(dir, "ok.json", text), into: c)
        let before = bytes(c)
        let m = try writeFile(dir, "manifest.json", String(text.prefix(text.count / 2)))
        let error = try #require(throws: InputProblems.self) { try importDbt(m, into: c) }
        let d = try #require(error.diagnostics.first)
        #expect(d.file == m)
        #expect(d.message.contains("not valid JSON"))
        #expect(d.line > 1)
        #expect(bytes(c) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["c.sqlite", "manifest.json", "ok.json"])
    }

    @Test func wrongTypeNamesTheJSONPath() throws {
        let dir = try makeTempDirectory("path")
        let text = syntheticManifest(version: 12, models: ["a"]).replacingOccurrences(of: "\"tags\": [\"t\"]", with: "\"tags\": 3")
        let m = try writeFile(dir, "manifest.json", text)
        let error = try #require(throws: InputProblems.self) { try DbtImporter.plan(manifest: m) }
        #expect(error.description.contains("nodes[\"model.shop.a\"].tags"))
        #expect(error.description.contains("expected a list"))
    }

    @Test func missingFileIsAnErrorAndTheCatalogIsNotCreated() throws {
        let dir = try makeTempDirectory("missing")
        let c = dir + "/c.sqlite"
        let error = try #require(throws: InputProblems.self) { try importDbt(dir + "/nope.json", into: c) }
        #expect(error.description == "\(dir)/nope.json: no such file")
        #expect(!FileManager.default.fileExists(atPath: c))
        let e2 = try #require(throws: InputProblems.self) { try OpenLineageImporter.plan([dir + "/nope.ndjson"]) }
        #expect(e2.description.contains("nope.ndjson: no such file"))
    }

    @Test func openLineageEventMissingRequiredFieldsNamesFileAndLine() throws {
        let dir = try makeTempDirectory("ol-bad")
        let c = dir + "/c.sqlite"
        try importOL([try writeFile(dir, "ok.ndjson", olEvent(job: "j", outputs: ["db.s.t"]))], into: c)
        let before = bytes(c)
        let good = olEvent(job: "j", inputs: ["db.s.t"], outputs: ["db.s.u"])
        for (broken, field) in [
            (good.replacingOccurrences(of: "\"eventType\": \"COMPLETE\", ", with: ""), "eventType"),
            (good.replacingOccurrences(of: "\"job\": {\"namespace\": \"tests\", \"name\": \"j\"}, ", with: ""), "job"),
            (good.replacingOccurrences(of: "\"runId\"", with: "\"id\""), "run.runId"),
            (good.replacingOccurrences(of: "\"name\": \"j\"", with: "\"nam\": \"j\""), "job.name"),
        ] {
            let f = try writeFile(dir, "bad.ndjson", good + "\n" + broken + "\n")
            let error = try #require(throws: InputProblems.self) { try importOL([f], into: c) }
            let d = try #require(error.diagnostics.first)
            #expect(d.file == f)
            #expect(d.line == 2)
            #expect(d.message.contains("missing required field \(field)"), "\(d.message)")
            #expect(bytes(c) == before)
        }
    }

    /// NDJSON lines are found in the bytes: blank and white-space lines are skipped, CRLF line
    /// ends are fine, and a file of 2,400 events (read on every core) gives the same catalog as
    /// the same events as a JSON array (read in order). A bad line among them is still named.
    @Test func bigNDJSONReadsAsItsJSONArrayDoes() throws {
        let dir = try makeTempDirectory("ol-lines")
        var events: [String] = []
        for i in 0..<2_400 {
            let run = i / 2
            let type = i % 2 == 0 ? "START" : "COMPLETE"
            let runID = String(format: "00000000-0000-0000-0000-%012d", run)
            let time = String(format: "2026-01-01T%02d:%02d:00Z", run / 60 % 24, run % 60)
            events.append(olEvent(type, job: "job\(run % 40)", runID: runID, inputs: ["db.s.in\(i % 7)"],
                                  outputs: ["db.s.out\(run % 40)"], time: time))
        }
        let ndjson = "\n  \n" + events.joined(separator: "\r\n") + "\r\n\t\n"
        let a = dir + "/a.sqlite", b = dir + "/b.sqlite"
        try importOL([try writeFile(dir, "events.ndjson", ndjson)], into: a)
        try importOL([try writeFile(dir, "events.json", "[" + events.joined(separator: ",\n") + "]")], into: b)
        for sql in ["SELECT id || kind || name FROM entity ORDER BY id", "SELECT from_id || to_id FROM edge ORDER BY 1",
                    "SELECT dag_id || run_id || state || coalesce(start_time, '') FROM dag_run ORDER BY 1",
                    "SELECT task_id || state FROM task_run ORDER BY 1"] {
            let fromLines: [String] = try query(a, sql), fromArray: [String] = try query(b, sql)
            #expect(fromLines == fromArray, "\(sql)")
            #expect(!fromLines.isEmpty, "\(sql)")
        }
        #expect(try count(a, "SELECT count(*) FROM entity WHERE kind = 'table'") == 47)

        var broken = events
        broken[2_000] = broken[2_000].replacingOccurrences(of: "\"runId\"", with: "\"id\"")
        broken[2_200] = String(broken[2_200].dropLast(3))
        let f = try writeFile(dir, "broken.ndjson", broken.joined(separator: "\n"))
        let error = try #require(throws: InputProblems.self) { try OpenLineageImporter.plan([f]) }
        // Every line is parsed before any is read as an event, as in a small file: the JSON
        // error comes first.
        #expect(error.diagnostics.first?.line == 2_201)
        let description = String(describing: error)
        #expect(description.contains("not valid JSON"), "\(description)")
    }

    @Test func directoryOfMixedFilesIsAnErrorNamingTheStrayFile() throws {
        let dir = try makeTempDirectory("mixed")
        let c = dir + "/c.sqlite"
        try importOL([try writeFile(dir, "in/a.ndjson", olEvent(job: "j", outputs: ["db.s.t"]))], into: c)
        let before = bytes(c)
        let stray = try writeFile(dir, "in/manifest.json", syntheticManifest(version: 12, models: ["a"]))
        let error = try #require(throws: InputProblems.self) { try importOL([dir + "/in"], into: c) }
        #expect(error.description.contains(stray))
        #expect(error.description.contains("not an OpenLineage RunEvent"))
        #expect(bytes(c) == before)
        // Airflow: a JSON file that is not an API response.
        let af = try makeTempDirectory("mixed-af")
        _ = try writeFile(af, "dags.json", #"{"dags": [{"dag_id": "d"}], "total_entries": 1}"#)
        let other = try writeFile(af, "notes.json", #"{"hello": 1}"#)
        let e2 = try #require(throws: InputProblems.self) { try AirflowImporter.plan([af]) }
        #expect(e2.description.contains(other))
        #expect(e2.description.contains("not an Airflow API response"))
    }

    @Test func reimportIsANoOpAndLeavesTheFileByteIdentical() throws {
        let dir = try makeTempDirectory("idem")
        let c = dir + "/c.sqlite"
        let m = try writeFile(dir, "manifest.json", syntheticManifest(version: 12, models: ["a", "b", "c"], group: true))
        let first = try importDbt(m, into: c)
        #expect(first.changes["table"] == ChangeCount(added: 3))
        let before = bytes(c)
        let second = try importDbt(m, into: c)
        #expect(second.isEmpty)
        #expect(second.total == ChangeCount())
        #expect(bytes(c) == before)
    }

    /// A newer manifest without `a` and `b` removes `a`; `b` stays because an OpenLineage file
    /// also saw it (as its warehouse relation), and only dbt's source of it goes (an update);
    /// `c` is unchanged.
    @Test func newerInputRemovesOnlyWhatNoOtherSourceHas() throws {
        let dir = try makeTempDirectory("remove")
        let c = dir + "/c.sqlite"
        let m = dir + "/manifest.json"
        try syntheticManifest(version: 12, models: ["a", "b", "c"]).write(toFile: m, atomically: true, encoding: .utf8)
        try importDbt(m, into: c)
        let ol = try writeFile(dir, "events.ndjson", olEvent(job: "loader", outputs: ["WH.ANALYTICS.B"]))
        let olSummary = try importOL([ol], into: c)
        #expect(olSummary.changes["table"] == ChangeCount(updated: 1))
        #expect(try count(c, "SELECT count(*) FROM entity WHERE kind = 'table'") == 3)

        try syntheticManifest(version: 12, models: ["c"]).write(toFile: m, atomically: true, encoding: .utf8)
        let s = try importDbt(m, into: c)
        #expect(s.changes["table"] == ChangeCount(added: 0, updated: 1, removed: 1))
        let tables: [String] = try query(c, "SELECT id FROM entity WHERE kind = 'table' ORDER BY id")
        #expect(tables == ["model.shop.b", "model.shop.c"])
        let sources: [String] = try query(c, "SELECT importer FROM entity_source WHERE entity_id = 'model.shop.b'")
        #expect(sources == ["openlineage"])
        #expect(try count(c, "SELECT count(*) FROM data_check WHERE table_id IN ('model.shop.a', 'model.shop.b')") == 0)
        #expect(try count(c, "SELECT count(*) FROM edge WHERE source = 'dbt'") == 0)
        #expect(try count(c, "SELECT count(*) FROM dbt_node WHERE id = 'model.shop.a'") == 0)
        // A table renamed in place keeps working: the next import of the same files is a no-op.
        #expect(try importDbt(m, into: c).isEmpty)
        #expect(try importOL([ol], into: c).isEmpty)
    }

    /// The search index follows imports entity by entity: added tables are found, removed ones
    /// are not, and what the import did not touch is still found.
    @Test func searchIndexFollowsImportsAndRemovals() throws {
        let dir = try makeTempDirectory("search")
        let c = dir + "/c.sqlite"
        let m = dir + "/manifest.json"
        try syntheticManifest(version: 12, models: ["penguin_orders", "walrus_refunds"]).write(toFile: m, atomically: true, encoding: .utf8)
        try importDbt(m, into: c)
        try importOL([try writeFile(dir, "e.ndjson", olEvent(job: "narwhal_loader", outputs: ["db.s.narwhal_events"]))], into: c)
        func hits(_ q: String) throws -> [String] { try Catalog(path: c).read { try $0.search(q) }.map(\.id) }
        #expect(try hits("penguin") == ["model.shop.penguin_orders"])
        #expect(try hits("narwhal events").contains("db.s.narwhal_events"))
        try syntheticManifest(version: 12, models: ["walrus_refunds"]).write(toFile: m, atomically: true, encoding: .utf8)
        try importDbt(m, into: c)
        #expect(try hits("penguin").isEmpty)
        #expect(try hits("walrus") == ["model.shop.walrus_refunds"])
        #expect(try hits("narwhal events").contains("db.s.narwhal_events"))
    }

    /// A table OpenLineage saw first takes dbt's id when dbt later imports it.
    @Test func dbtIDWinsWhicheverImportRanFirst() throws {
        let dir = try makeTempDirectory("adopt")
        let c = dir + "/c.sqlite"
        let ol = try writeFile(dir, "events.ndjson", olEvent(job: "loader", inputs: ["src.raw.x"], outputs: ["wh.analytics.a"]))
        try importOL([ol], into: c)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'wh.analytics.a'") == 1)
        try importDbt(try writeFile(dir, "manifest.json", syntheticManifest(version: 12, models: ["a"])), into: c)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'wh.analytics.a'") == 0)
        #expect(try count(c, "SELECT count(*) FROM edge WHERE from_id = 'loader' AND to_id = 'model.shop.a'") == 1)
        let sources: [String] = try query(c, "SELECT importer FROM entity_source WHERE entity_id = 'model.shop.a' ORDER BY 1")
        #expect(sources == ["dbt", "openlineage"])
        #expect(try importOL([ol], into: c).isEmpty)
    }

    @Test func openLineageArrayAndSingleEventFilesImport() throws {
        let dir = try makeTempDirectory("ol-shapes")
        let c = dir + "/c.sqlite"
        let array = try writeFile(dir, "a.json", "[" + olEvent("START", job: "p.t", runID: "r1") + ",\n"
                                  + olEvent("FAIL", job: "p.t", runID: "r1", time: "2026-01-01T00:01:00Z") + "]")
        let pretty = try writeFile(dir, "b.json", olEvent(job: "q", outputs: ["db.s.out"]).replacingOccurrences(of: ", ", with: ",\n  "))
        let s = try importOL([array, pretty], into: c)
        #expect(s.changes["task"]?.added == 2)
        // A job without a parent: its run is a run of the namespace's DAG.
        #expect(try count(c, "SELECT count(*) FROM task_run t JOIN dag_run r ON r.num = t.run_num WHERE r.dag_id = 'tests' AND r.run_id = 'r1' AND t.task_id = 'p.t' AND t.state = 'failed'") == 1)
        let dagState: [String] = try query(c, "SELECT state FROM dag_run WHERE run_id = 'r1'")
        #expect(dagState == ["failed"])
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'db.s.out' AND kind = 'table'") == 1)
    }

    @Test func airflowThreeShapesImport() throws {
        let dir = try makeTempDirectory("af3")
        let c = dir + "/c.sqlite"
        _ = try writeFile(dir, "dags.json", #"""
            {"dags": [{"dag_id": "d", "dag_display_name": "Daily D", "timetable_summary": "0 2 * * *", "owners": ["team-x"],
                       "tags": [{"name": "x"}]}], "total_entries": 1}
            """#)
        _ = try writeFile(dir, "dags__d__tasks.json", #"""
            {"tasks": [{"task_id": "a", "operator_name": "BashOperator", "downstream_task_ids": ["b"], "retries": 1.0},
                       {"task_id": "b", "trigger_rule": "all_done", "downstream_task_ids": []}], "total_entries": 2}
            """#)
        _ = try writeFile(dir, "dags__d__dagRuns.json", #"""
            {"dag_runs": [{"dag_id": "d", "dag_run_id": "scheduled__2026-01-01T02:00:00+00:00", "logical_date": "2026-01-01T02:00:00+00:00",
                           "state": "failed", "start_date": "2026-01-01T02:00:01+00:00"}], "total_entries": 1}
            """#)
        _ = try writeFile(dir, "dags__d__dagRuns__scheduled__2026-01-01T0200000000__taskInstances.json", #"""
            {"task_instances": [{"dag_id": "d", "run_id": "scheduled__2026-01-01T02:00:00+00:00", "task_id": "a", "state": "failed",
                                 "try_number": 2},
                                {"dag_id": "d", "run_id": "scheduled__2026-01-01T02:00:00+00:00", "task_id": "b",
                                 "state": "upstream_failed", "try_number": 0}], "total_entries": 2}
            """#)
        _ = try writeFile(dir, "logs/dag_id=d/run_id=scheduled__2026-01-01T02:00:00+00:00/task_id=a/attempt=1.log", "boom 1\n")
        _ = try writeFile(dir, "logs/dag_id=d/run_id=scheduled__2026-01-01T02:00:00+00:00/task_id=a/attempt=2.log", "boom 2\n")
        try importAirflow([dir], into: c)
        let dag: [String] = try query(c, "SELECT e.name || '|' || d.schedule || '|' || e.owner FROM entity e JOIN dag d ON d.id = e.id")
        #expect(dag == ["Daily D|0 2 * * *|team-x"])
        let task: [String] = try query(c, "SELECT operator || '|' || retries FROM task WHERE id = 'd.a'")
        #expect(task == ["BashOperator|1"])
        #expect(try count(c, "SELECT count(*) FROM edge WHERE from_id = 'd.a' AND to_id = 'd.b' AND source = 'airflow'") == 1)
        #expect(try count(c, "SELECT count(*) FROM task_log WHERE task_id = 'd.a'") == 2)
        #expect(try count(c, "SELECT count(*) FROM task_run WHERE task_id = 'd.b' AND state = 'upstream_failed'") == 1)
        // A log folder alone has nothing to attach to, and says so.
        let logsOnly = try AirflowImporter.plan([dir + "/logs"])
        #expect(logsOnly.warnings.contains { $0.contains("2 task log files not attached") })
    }

    /// An owner whose name is another entity's id (a tool, a table) gets an id of its own; the
    /// existing entity keeps its kind.
    @Test func ownerNamedLikeAToolDoesNotReplaceTheTool() throws {
        let dir = try makeTempDirectory("collide")
        let c = dir + "/c.sqlite"
        let text = syntheticManifest(version: 12, models: ["a"])
            .replacingOccurrences(of: "\"meta\": {}}, \"meta\": {}", with: "\"meta\": {\"owner\": \"dbt\"}}, \"meta\": {}")
        try importDbt(try writeFile(dir, "manifest.json", text), into: c)
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'dbt' AND kind = 'tool'") == 1)
        let owner: [String] = try query(c, "SELECT owner FROM entity WHERE id = 'model.shop.a'")
        #expect(owner == ["team.dbt"])
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'team.dbt' AND kind = 'owner'") == 1)
        #expect(try importDbt(dir + "/manifest.json", into: c).isEmpty)
    }

    /// "dbt" is renamed `team.dbt` (the tool has the id `dbt`), which is also the id of the owner
    /// named "Team Dbt": one owner, counted once, the later one's name.
    @Test func aRenamedOwnerMeetingAnotherIsOneOwner() throws {
        let dir = try makeTempDirectory("collide2")
        let c = dir + "/c.sqlite"
        var text = syntheticManifest(version: 12, models: ["a", "b"], test: false)
        let plain = "\"config\": {\"materialized\": \"table\", \"meta\": {}}"
        text.replaceSubrange(text.range(of: plain)!, with: "\"config\": {\"materialized\": \"table\", \"meta\": {\"owner\": \"dbt\"}}")
        text.replaceSubrange(text.range(of: plain)!, with: "\"config\": {\"materialized\": \"table\", \"meta\": {\"owner\": \"Team Dbt\"}}")
        let summary = try importDbt(try writeFile(dir, "manifest.json", text), into: c)
        #expect(summary.changes["owner"]?.added == 1)
        let owners: [String] = try query(c, "SELECT id || '|' || name FROM entity WHERE kind = 'owner' ORDER BY id")
        #expect(owners == ["team.dbt|Team Dbt"])
        let owned: [String] = try query(c, "SELECT owner FROM entity WHERE id IN ('model.shop.a', 'model.shop.b') ORDER BY id")
        #expect(owned == ["team.dbt", "team.dbt"])
        #expect(try count(c, "SELECT count(*) FROM entity WHERE id = 'dbt' AND kind = 'tool'") == 1)
    }

    /// The progress an import reports, in order: entities up to the total, then edges and checks,
    /// the search index (only when something changed) and saving.
    @Test func progressGoesThroughEveryStep() throws {
        let dir = try makeTempDirectory("progress")
        let c = dir + "/c.sqlite"
        let m = try writeFile(dir, "manifest.json", syntheticManifest(version: 12, models: ["a", "b", "c"]))
        var steps: [ImportProgress] = []
        try CatalogImport.apply(try DbtImporter.plan(manifest: m), to: c) { steps.append($0) }
        let total = 3   // three models (the stages and the tool are written before)
        #expect(steps == [.entities(done: total, total: total), .links, .searchIndex, .saving])
        steps = []
        try CatalogImport.apply(try DbtImporter.plan(manifest: m), to: c) { steps.append($0) }
        #expect(steps == [.entities(done: total, total: total), .links, .saving])
    }

    @Test func notACatalogTargetIsRefusedUntouched() throws {
        let dir = try makeTempDirectory("foreign")
        let target = try writeFile(dir, "notes.sqlite", "just text, not SQLite")
        let m = try writeFile(dir, "manifest.json", syntheticManifest(version: 12, models: ["a"]))
        #expect(throws: CatalogError.self) { try importDbt(m, into: target) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "just text, not SQLite")
    }

    @Test func gzippedManifestIsRead() throws {
        let dir = try makeTempDirectory("gz")
        let m = try writeFile(dir, "manifest.json", syntheticManifest(version: 11, models: ["a"]))
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gz.arguments = ["gzip", "-k", m]
        try gz.run(); gz.waitUntilExit()
        try #require(gz.terminationStatus == 0)
        let c = dir + "/c.sqlite"
        #expect(try importDbt(m + ".gz", into: c).changes["table"]?.added == 1)
        // A corrupt gzip is reported as such.
        let bad = try writeFile(dir, "bad.json.gz", "")
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x01]).write(to: URL(fileURLWithPath: bad))
        let error = try #require(throws: InputProblems.self) { try DbtImporter.plan(manifest: bad) }
        #expect(error.description.contains("not a valid gzip file"))
    }
}
