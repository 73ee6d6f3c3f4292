import Foundation
import StrataLogs
import StrataTerminal
import StrataTestSupport
import Testing

@Suite struct LogFileTests {
    func write(_ bytes: [UInt8], _ name: String = "t.log") throws -> String {
        let dir = try makeTempDirectory("logs")
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test func lazyIndexAndOffsets() throws {
        let path = try write(Array("one\ntwo\nthree\n".utf8))
        let f = try LogFile(path: path)
        #expect(f.offset(ofLine: 0) == 0)
        #expect(f.offset(ofLine: 2) == 8)
        #expect(f.offset(ofLine: 3) == nil)
        #expect(f.indexedLineCount == 3)
        #expect(f.text(at: 8) == "three")
        #expect(f.lastLineStart == 8)
        #expect(f.previousLine(before: 8) == 4)
        #expect(f.nextLine(after: 8) == nil)
        #expect(f.lineNumber(ofOffset: 4) == 1)
    }

    /// Byte search against a naive one, on 2.5 MB of a small alphabet (so needles recur, and
    /// some matches cross the 1 MB windows of the backward search).
    @Test func findAndFindLastAgreeWithANaiveSearch() throws {
        var rng = UInt64(7)
        func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }
        let alphabet = Array("ab E\n".utf8)
        let bytes = (0..<(5 << 19)).map { _ in alphabet[next(alphabet.count)] }
        let f = try LogFile(path: try write(bytes, "find.log"))
        func naive(_ n: [UInt8], _ from: Int, _ to: Int, last: Bool) -> Int? {
            guard to - from >= n.count else { return nil }
            let starts = stride(from: from, through: to - n.count, by: 1)
            return last ? starts.reversed().first { Array(bytes[$0..<($0 + n.count)]) == n }
                        : starts.first { Array(bytes[$0..<($0 + n.count)]) == n }
        }
        for needle in ["E a", "bbEa", "a", " E E", "aEbE b"].map({ Array($0.utf8) }) {
            for (from, to) in [(0, bytes.count), (1000, 5000), (1 << 20 - 3, 1 << 20 + 3), (0, 7), (2_500_000, bytes.count)] {
                #expect(f.find(needle, from: from, to: to) == naive(needle, from, to, last: false), "\(needle) \(from) \(to)")
            }
            for to in [bytes.count, 1 << 20 + 2, 2 << 20 + 1, 900] {
                #expect(f.findLast(needle, from: 0, to: to) == naive(needle, max(0, to - (3 << 20)), to, last: true), "\(needle) \(to)")
            }
        }
    }

    @Test func endOfAFileWithoutIndexingIt() throws {
        let line = String(repeating: "x", count: 99) + "\n"
        let path = try write(Array(String(repeating: line, count: 200_000).utf8) + Array("last line".utf8))
        let f = try LogFile(path: path)
        #expect(f.text(at: f.lastLineStart) == "last line")
        #expect(!f.fullyIndexed)
        #expect(f.lineNumber(ofOffset: f.lastLineStart) == nil)
    }

    @Test func hostileBytesAreInertAndReplaced() throws {
        let bytes: [UInt8] = Array("[2024-05-01T10:00:00.000+0000] {x.py:1} ERROR - boom \u{1b}[2J\u{1b}]52;c;aGk=\u{07} ".utf8) + [0xFF, 0xFE, 0x41, 0x0A]
        let path = try write(bytes)
        let f = try LogFile(path: path)
        let text = f.text(at: 0)
        #expect(text.contains("\u{FFFD}"))
        let shown = text.inert()
        #expect(!shown.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(shown.contains("^[[2J"))
        let a = RootCauseScanner().analyze(f)
        #expect(a.rootCause?.line == 1)
    }

    @Test func fiftyMegabyteLineAndNoNewlineAtAll() throws {
        var bytes = [UInt8](repeating: 0x61, count: 50 << 20)
        bytes.append(contentsOf: Array("\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nValueError: after the long line".utf8))
        let path = try write(bytes)
        let f = try LogFile(path: path)
        let clock = ContinuousClock()
        let t = clock.measure {
            let a = RootCauseScanner().analyze(f)
            #expect(a.lines == 4)
            #expect(a.rootCause?.line == 4)
        }
        #expect(t < .seconds(10))
        #expect(f.text(at: 0, limit: 1000).count == 1000)
        #expect(f.length(at: 0) == 50 << 20)
        let none = try LogFile(path: try write([UInt8](repeating: 0x62, count: 3 << 20), "flat.log"))
        #expect(RootCauseScanner().analyze(none).lines == 1)
        #expect(none.lastLineStart == 0)
        #expect(none.offset(ofLine: 1) == nil)
    }

    @Test func gzipIsInflated() throws {
        let dir = try makeTempDirectory("gz")
        let plain = dir + "/a.log"
        try "hello\nValueError: x\n".write(toFile: plain, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-k", plain]
        try p.run(); p.waitUntilExit()
        let f = try LogFile(path: plain + ".gz")
        #expect(f.text(at: 0) == "hello")
        #expect(f.indexedLineCount >= 0)
        #expect(f.offset(ofLine: 1) == 6)
    }

    @Test func levelsPerFormat() {
        func level(_ s: String) -> LogLevel? {
            Array(s.utf8).withUnsafeBytes { LineParser.header($0)?.level }
        }
        #expect(level("[2024-05-01T10:00:00.000+0000] {x.py:1} WARNING - w") == .warning)
        #expect(level("[2024-05-01 10:00:00,000] {x.py:1} ERROR - e") == .error)
        #expect(level("[2024-05-01, 10:00:00 UTC] {x.py:1} INFO - i") == .info)
        #expect(level("05:39:13.696950 [debug] [Thread-4 (]: m") == .debug)
        #expect(level("24/05/01 10:00:05 ERROR Executor: e") == .error)
        #expect(level("2024-05-01 10:00:05,123 WARN  [main] org.acme.X: w") == .warning)
        #expect(level("2024-05-01 10:00:05,123 - etl - CRITICAL - c") == .critical)
        #expect(level("ERROR:root:failed") == .error)
        #expect(level("E0501 10:00:05.000000       1 main.go:12] boom") == .error)
        #expect(level("{\"timestamp\":\"2025-01-01\",\"level\":\"warning\",\"event\":\"x\"}") == .warning)
        #expect(level("just text") == nil)
    }
}
