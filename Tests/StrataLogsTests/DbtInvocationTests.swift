import Foundation
import StrataLogs
import StrataTestSupport
import Testing

/// dbt appends every invocation to one `logs/dbt.log`, each opened by a header naming its
/// invocation id (the id run_results.json carries, and the run id strata gives a dbt run).
/// A run's log is that run's part of the file, and a node's root cause is its own error.
@Suite struct DbtInvocationTests {
    static func header(_ id: String, _ time: String) -> String {
        "\n\n============================== \(time) | \(id) ==============================\n"
    }

    static func invocation(_ id: String, _ time: String, failing: [(model: String, message: String)]) -> String {
        var s = header(id, time)
        s += "\(time) [info ] [MainThread]: Running with dbt=1.11.0\n"
        for f in failing {
            s += "\(time) [debug] [Thread-1 (]: Runtime Error in model \(f.model) (models/\(f.model).sql)\n"
            s += "  \(f.message)\n"
            s += "\(time) [error] [Thread-1 (]: 1 of 3 ERROR creating sql view model main.\(f.model)\n"
        }
        s += "\(time) [info ] [MainThread]: Done.\n"
        return s
    }

    func write(_ text: String) throws -> String {
        let path = try makeTempDirectory("dbt-invocations") + "/dbt.log"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aSharedLogNarrowsToOneInvocation() throws {
        let first = Self.invocation("aaaa-1", "01:00:00.000001", failing: [("stg_orders", "Binder Error: no column x")])
        let second = Self.invocation("bbbb-2", "02:00:00.000001", failing: [("stg_payments", "Binder Error: no column y")])
        let third = Self.invocation("cccc-3", "03:00:00.000001", failing: [])
        let path = try write(first + second + third)

        let f = try LogFile(path: path, invocation: "bbbb-2")
        #expect(f.invocation == "bbbb-2")
        #expect(f.missingInvocation == nil)
        // From its header to the next header; the blank lines before a header go with the one before.
        let secondHeader = second.index(second.startIndex, offsetBy: 2)
        #expect(String(decoding: f.bytes, as: UTF8.self) == String(second[secondHeader...]) + "\n\n")
        #expect(f.sectionStart == first.utf8.count + 2)
        #expect(f.linesBefore == first.split(separator: "\n", omittingEmptySubsequences: false).count - 1 + 2)
        #expect(f.text(at: 0).hasPrefix("============================== 02:00:00.000001 | bbbb-2 "))

        // Line numbers are the file's, as an editor shows them.
        let a = RootCauseScanner().analyze(f)
        let root = try #require(a.rootCause)
        #expect(root.text == "  Binder Error: no column y")
        let lines = (first + second + third).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[root.line - 1] == "  Binder Error: no column y")

        // The whole file: the first invocation's error comes first.
        let whole = try LogFile(path: path)
        #expect(RootCauseScanner().analyze(whole).rootCause?.text == "  Binder Error: no column x")

        // The last invocation reaches the end of the file.
        let last = try LogFile(path: path, invocation: "cccc-3")
        #expect(String(decoding: last.bytes, as: UTF8.self) == String(third.dropFirst(2)))
        #expect(RootCauseScanner().analyze(last).rootCause == nil)
    }

    @Test func theInvocationsOfAFileInOrder() throws {
        let text = Self.invocation("aaaa-1", "01:00:00.000001", failing: []) + Self.invocation("bbbb-2", "02:00:00.000001", failing: [])
        #expect(try LogFile(path: try write(text)).invocationIDs() == ["aaaa-1", "bbbb-2"])
        // Rotated mid-invocation: the file starts with that invocation's tail, no header.
        let tail = "01:00:05.000000 [info ] [MainThread]: Done.\n" + Self.invocation("cccc-3", "03:00:00.000001", failing: [])
        #expect(try LogFile(path: try write(tail)).invocationIDs() == ["cccc-3"])
        #expect(try LogFile(path: try write("[2024-06-04T00:00:05.000+0000] {x.py:1} INFO - hi\n")).invocationIDs().isEmpty)
    }

    @Test func anInvocationTheFileDoesNotHoldShowsTheWholeFile() throws {
        let text = Self.invocation("aaaa-1", "01:00:00.000001", failing: [("stg_orders", "boom")])
        let f = try LogFile(path: try write(text), invocation: "rotated-away")
        #expect(f.invocation == nil)
        #expect(f.missingInvocation == "rotated-away")
        #expect(f.size == text.utf8.count)
        #expect(f.linesBefore == 0)
        // The id in a message line is not a header.
        let mention = try LogFile(path: try write(text + "01:00:01.000000 [info ] [MainThread]: see | zzz-9 =====\n"),
                                  invocation: "zzz-9")
        #expect(mention.invocation == nil && mention.missingInvocation == "zzz-9")
    }

    @Test func otherLogsStayWholeAndAreNotSearched() throws {
        let airflow = "[2024-06-04T00:00:05.000+0000] {taskinstance.py:1} ERROR - Task failed\n"
            + "============================== 01:00:00.000001 | run-1 ==============================\n"
        let f = try LogFile(path: try write(airflow), invocation: "run-1")
        #expect(f.invocation == nil && f.missingInvocation == nil)
        #expect(f.size == airflow.utf8.count)
    }

    @Test func theLastInvocationFollowsItsFileButNotTheNextInvocation() throws {
        let first = Self.invocation("aaaa-1", "01:00:00.000001", failing: [])
        let path = try write(first)
        let f = try LogFile(path: path, invocation: "aaaa-1")
        let before = f.size
        let more = "01:00:09.000000 [info ] [MainThread]: still running\n"
        let next = Self.invocation("bbbb-2", "02:00:00.000001", failing: [])
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data((more + next).utf8))
        try handle.close()
        #expect(f.refresh())
        #expect(f.size == before + more.utf8.count + 2)
        #expect(String(decoding: f.bytes, as: UTF8.self).hasSuffix("still running\n\n\n"))
        #expect(!f.refresh())
    }

    @Test func aNodesOwnErrorIsItsRootCause() throws {
        let text = Self.invocation("aaaa-1", "01:00:00.000001",
                                   failing: [("stg_orders", "Binder Error: no column x"), ("stg_payments", "Binder Error: no column y")])
        let f = try LogFile(path: try write(text), invocation: "aaaa-1")
        var scanner = RootCauseScanner()
        scanner.focus = RootCauseScanner.dbtFocus(node: "model.jaffle_shop.stg_payments")
        #expect(scanner.focus == " model stg_payments (")
        var a = scanner.analyze(f)
        #expect(a.focused)
        #expect(a.rootCause?.text == "  Binder Error: no column y")
        // A node the log does not name: the first failure, and the analysis says it is not its.
        scanner.focus = RootCauseScanner.dbtFocus(node: "model.jaffle_shop.customers")
        a = scanner.analyze(f)
        #expect(!a.focused)
        #expect(a.rootCause?.text == "  Binder Error: no column x")
        // Only dbt node ids focus.
        #expect(RootCauseScanner.dbtFocus(node: "test.jaffle_shop.unique_orders_order_id.fed79b3a6e") == " test unique_orders_order_id (")
        #expect(RootCauseScanner.dbtFocus(node: "extract_orders") == nil)
        #expect(RootCauseScanner.dbtFocus(node: "source.jaffle_shop.raw.orders") == nil)
    }
}
