import Foundation
import StrataLogs
import StrataTestSupport
import Testing

/// The parallel root-cause scan (worker threads classify slices, the state machine merges them)
/// must give exactly the answer of the line-by-line scan: same root cause, chain, errors, line
/// count and format, wherever the slices happen to be cut. Tiny windows put a cut inside every
/// traceback, Java trace, dbt error and command output of the inputs; a tiny `maxCandidates`
/// drives the line-by-line fallback for dense slices.
@Suite struct ParallelScanTests {
    /// Every log of the demo catalog, and of the shared corpus when it is present.
    static func realLogs() -> [(String, [UInt8])] {
        var roots = [repositoryRoot + "/catalog/logs"]
        if let corpus = sharedCorpus { roots.append(corpus) } else {
            print("ParallelScanTests: ../shared/corpus is not present beside the repository; demo logs only")
        }
        var out: [(String, [UInt8])] = []
        for root in roots {
            let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
            for rel in files.sorted() where rel.hasSuffix(".log") {
                if let data = FileManager.default.contents(atPath: root + "/" + rel) { out.append((rel, [UInt8](data))) }
            }
        }
        return out
    }

    static func scan(_ bytes: [UInt8], threads: Int, window: Int = 32 << 20, maxCandidates: Int = 1 << 16, maxErrors: Int = 200) -> LogAnalysis {
        var s = RootCauseScanner()
        s.threads = threads
        s.parallelAbove = 0
        s.window = window
        s.maxCandidates = maxCandidates
        s.maxErrors = maxErrors
        return bytes.withUnsafeBytes { s.analyze(bytes: $0, name: "x.log") }
    }

    static func describe(_ a: LogAnalysis) -> String {
        let r = a.rootCause.map { "\($0.line) \($0.kind) \($0.chain.map(\.line))" } ?? "none"
        return "lines \(a.lines) format \(a.format) root \(r) errors \(a.errors.count)"
    }

    @Test func everyRealLogAtEveryCut() {
        let logs = Self.realLogs()
        #expect(logs.count >= 10)
        for (name, bytes) in logs {
            let reference = Self.scan(bytes, threads: 1)
            for window in [1, 50, 333, 4096] {
                for (threads, cap) in [(2, 1 << 16), (3, 1), (2, 3)] {
                    let got = Self.scan(bytes, threads: threads, window: window, maxCandidates: cap)
                    #expect(got == reference, "\(name) window \(window) threads \(threads) cap \(cap): \(Self.describe(got)) vs \(Self.describe(reference))")
                }
            }
        }
    }

    /// All the real logs one after another, with runs of plain INFO records between them, so
    /// that the merge skips long inert stretches between failures of every family.
    @Test func concatenatedLogsWithInertStretches() {
        var all: [UInt8] = []
        var k = 0
        for (_, bytes) in Self.realLogs() {
            all += bytes
            if all.last != 0x0A { all.append(0x0A) }
            for _ in 0..<(40 + k % 70) {
                all += Array("[2024-06-04T10:00:\(String(format: "%02d", k % 60)).000+0000] {s3.py:212} INFO - Processing batch \(k): 100 rows\n".utf8)
                k += 1
            }
        }
        all += Array("[2024-06-04T11:00:00.000+0000] {base.py:84} INFO - last line without a newline".utf8)
        let reference = Self.scan(all, threads: 1)
        #expect(reference.rootCause != nil)
        for window in [700, 5000, 65536] {
            for (threads, cap, maxErrors) in [(2, 1 << 16, 200), (2, 2, 200), (4, 50, 3)] {
                let ref = maxErrors == 200 ? reference : Self.scan(all, threads: 1, maxErrors: maxErrors)
                let got = Self.scan(all, threads: threads, window: window, maxCandidates: cap, maxErrors: maxErrors)
                #expect(got == ref, "window \(window) threads \(threads) cap \(cap): \(Self.describe(got)) vs \(Self.describe(ref))")
            }
        }
    }

    /// Inputs with nothing inert in them: no header at all, empty lines, no newline.
    @Test func oddShapes() {
        let shapes: [String] = [
            "", "\n", "\n\n\n", "no newline at all", String(repeating: "x", count: 5000),
            String(repeating: "plain text line\n", count: 300),
            String(repeating: "[2024-06-04T10:00:00.000+0000] {a.py:1} INFO - fine\n", count: 200) + "Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: bad\n",
        ]
        for text in shapes {
            let bytes = Array(text.utf8)
            let reference = Self.scan(bytes, threads: 1)
            for window in [1, 64, 1000] {
                let got = Self.scan(bytes, threads: 2, window: window, maxCandidates: 2)
                #expect(got == reference, "\(text.prefix(30).debugDescription) window \(window)")
            }
        }
    }

    /// Pieces whose meaning depends on plain INFO records around them: a recovered error (the
    /// recovery is an inert line), command output relayed as INFO records, a WARNING record
    /// continued by relayed frames, a Java head and its frames, and an error whose recovery
    /// comes too late. Shuffled with inert padding, many times over.
    static let pieces: [[String]] = [
        ["{s3.py:80} ERROR - Connection reset by peer; retrying (1/3)", "{s3.py:80} INFO - Processing partition 3", "{s3.py:95} INFO - read of part-1 succeeded after 1 retry"],
        ["{subprocess.py:75} INFO - Output:", "{subprocess.py:93} INFO - loading rows", "{subprocess.py:93} INFO - input file is missing", "{subprocess.py:93} INFO - done", "{subprocess.py:97} INFO - Command exited with return code 2"],
        ["{subprocess.py:75} INFO - Output:", "{subprocess.py:93} INFO - loading rows", "{subprocess.py:97} INFO - Command exited with return code 1"],
        ["{taskinstance.py:3313} WARNING - Something odd", "{taskinstance.py:3313} INFO -   File \"x.py\", line 3, in f", "{taskinstance.py:3313} INFO - Processing more"],
        ["{spark.py:1} INFO - org.apache.spark.SparkException: Job aborted", "{spark.py:1} INFO - \tat org.apache.spark.Foo.bar(Foo.scala:1)", "{spark.py:1} INFO - Caused by: java.io.IOException: disk full", "{spark.py:1} INFO - Uploaded part"],
        ["{http.py:120} ERROR - Request failed", "Traceback (most recent call last):", "  File \"h.py\", line 1, in get", "requests.exceptions.ConnectionError: timed out", "{http.py:131} INFO - request succeeded after 2 retries"],
        ["{task.py:1} ERROR - Task failed for real: boom"],
        ["{dbt.py:1} INFO - Database Error in model orders (models/orders.sql)", "{dbt.py:1} INFO -   column x does not exist", "{dbt.py:1} INFO - Processing next"],
        ["{local_task_job_runner.py:266} INFO - Task exited with return code -9"],
        ["{sql.py:1} ERROR - psycopg2.errors.UndefinedColumn: column \"amount\" does not exist", "LINE 3: select amount from payments", "{sql.py:1} INFO - Running statement"],
    ]

    @Test func shuffledPiecesWithPadding() {
        for seed in UInt64(1)...12 {
            var rng = seed &* 0x9E3779B97F4A7C15
            func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }
            var text = ""
            var k = 0
            func ts() -> String { k += 1; return "[2024-06-04T10:\(String(format: "%02d:%02d", (k / 60) % 60, k % 60)).000+0000] " }
            for _ in 0..<(8 + next(10)) {
                for _ in 0..<next(500) { text += ts() + "{s3.py:212} INFO - Processing batch \(k): 100 rows\n" }
                for l in Self.pieces[next(Self.pieces.count)] { text += (l.hasPrefix("{") ? ts() : "") + l + "\n" }
            }
            let bytes = Array(text.utf8)
            let reference = Self.scan(bytes, threads: 1)
            for window in [1, 200, 3000, 20000] {
                for (threads, cap) in [(2, 1 << 16), (3, 2)] {
                    let got = Self.scan(bytes, threads: threads, window: window, maxCandidates: cap)
                    #expect(got == reference, "seed \(seed) window \(window) threads \(threads) cap \(cap): \(Self.describe(got)) vs \(Self.describe(reference))")
                }
            }
        }
    }
}
