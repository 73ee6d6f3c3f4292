import ArgumentParser
import Foundation
import StrataLogs
import StrataTerminal
import StrataUI

/// `make bench-logs`: root cause on a generated 1 GB Airflow-style log against `grep -c ERROR`
/// (same run, warm cache) and the viewer in process; `log-tmux.sh` then times strata and lnav
/// opening the same file in tmux.
@main
struct LogBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-bench",
        abstract: "Root-cause scan vs grep -c ERROR, viewer first screen and memory, lnav beside it.")

    @Option(help: "Size of the generated log in MB.") var megabytes = 1024
    @Option(help: "Where the generated log goes.") var data = "data"
    @Option(help: "Timed runs per command (the median is reported).") var runs = 5
    @Option(help: "The strata binary (release).") var strata = "../.build/release/strata"

    mutating func run() throws {
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let path = (data as NSString).appendingPathComponent("airflow-\(megabytes)mb.log")
        let expected = try Generator.ensure(path: path, bytes: megabytes << 20)
        print("# Log benchmark\n")
        print("File: `\(path)`, \(megabytes) MB, \(expected.lines) lines; planted root cause at line \(expected.rootLine) "
              + "(a chained traceback near the end, printed twice as Airflow 2.10 does), \(expected.decoys) recovered decoy errors earlier.\n")
        // Warm the page cache.
        _ = shell("cat '\(path)' > /dev/null")
        let out = (data as NSString).appendingPathComponent("out.txt")

        let grep = median((0..<runs).map { _ in time { _ = shell("grep -c ERROR '\(path)' > '\(out)'") } })
        let grepCount = (try? String(contentsOfFile: out, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        var found = ""
        let strataTimes = (0..<runs).map { _ in
            time { _ = shell("'\(strata)' log --root-cause --json '\(path)' > '\(out)'") }
        }
        if let d = FileManager.default.contents(atPath: out),
           let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any],
           let rc = o["root_cause"] as? [String: Any] {
            found = "line \(rc["line"] ?? "?") (\(rc["kind"] ?? "?")): \(rc["text"] ?? "")"
            let ok = rc["line"] as? Int == expected.rootLine
            found += ok ? " — correct" : " — WRONG (expected line \(expected.rootLine))"
        }
        let scan = median(strataTimes)
        var parallelAnswer: LogAnalysis?
        let inProcess = median((0..<max(1, runs / 2)).map { _ in
            time { let f = try! LogFile(path: path); parallelAnswer = RootCauseScanner().analyze(f) }
        })
        // The same scan on one thread: the reference the parallel scan must agree with.
        var oneThread = RootCauseScanner()
        oneThread.threads = 1
        var sequentialAnswer: LogAnalysis?
        let sequential = time { let f = try! LogFile(path: path); sequentialAnswer = oneThread.analyze(f) }
        let same = parallelAnswer == sequentialAnswer && parallelAnswer != nil
        print("## Root cause vs grep (warm cache, median of \(runs))\n")
        print("| command | time | result |")
        print("| --- | --- | --- |")
        print("| `grep -c ERROR FILE > out` | \(ms(grep)) | \(grepCount) lines |")
        print("| `strata log --root-cause --json FILE > out` | \(ms(scan)) | \(found) |")
        print("| in process (`RootCauseScanner().analyze`, \(RootCauseScanner().threads) threads) | \(ms(inProcess)) | |")
        print("| in process, one thread (`threads = 1`) | \(ms(sequential)) | \(same ? "same answer as the parallel scan (root cause, chain, errors, lines)" : "DIFFERENT answer from the parallel scan") |")
        print("\nratio strata / grep: **\(String(format: "%.2f", scan / grep))x** (goal ≤ 1.5x)\n")

        // The viewer in process: open, first frame, G, r.
        let ctx = RenderContext(styles: Theme.fallback.styles(noColor: false), stagePositions: [:])
        var grid = Grid(width: 120, height: 40, fill: Cell(" ", .plain))
        var screen: LogScreen!
        let first = time {
            screen = LogScreen(file: try! LogFile(path: path), title: "bench")
            screen.render(into: &grid, area: Rect(x: 0, y: 1, width: 120, height: 38), context: ctx)
        }
        let bottom = time {
            _ = screen.perform("move.bottom", pageSize: 38)
            screen.render(into: &grid, area: Rect(x: 0, y: 1, width: 120, height: 38), context: ctx)
        }
        let top = time {
            _ = screen.perform("move.top", pageSize: 38)
            screen.render(into: &grid, area: Rect(x: 0, y: 1, width: 120, height: 38), context: ctx)
        }
        print("## Viewer (in process, 120x40)\n")
        print("| step | time |")
        print("| --- | --- |")
        print("| open + first frame | \(ms(first)) |")
        print("| `G` (end of file) + frame | \(ms(bottom)) |")
        print("| `g` (back to the top) + frame | \(ms(top)) |")
        // Search from the top for the planted exception: plain text (the file's bytes) against a
        // regular expression (2,000,000 lines per key press).
        _ = screen.perform("move.top", pageSize: 38)
        var landed = ""
        let plain = time {
            _ = screen.submit("log.search.forward", text: "could not convert string to float")
            landed = screen.cursorLine.map { "line \($0)" } ?? "line not indexed yet"
        }
        _ = screen.perform("move.top", pageSize: 38)
        var said = ""
        let regex = time {
            if case .message(let m)? = screen.submit("log.search.forward", text: "could not convert string to floa[t]") { said = m }
        }
        print("| `/could not convert string to float` from the top (plain text: the file's bytes) | \(ms(plain)) (\(landed)) |")
        print("| `/could not convert string to floa[t]` from the top (a regular expression, one key press) | \(ms(regex)) (\(said.isEmpty ? "found" : said)) |")
        print("")
        // strata and lnav opening the file in tmux: Benchmarks/log-tmux.sh (make bench-logs runs it).
    }
}

/// print, flushed at once (the report is piped into tee; a stuck step must not hide the rest).
func print(_ s: String = "") {
    FileHandle.standardOutput.write(Data((s + "\n").utf8))
}

func time(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
func ms(_ s: Double) -> String { s >= 1 ? String(format: "%.2f s", s) : String(format: "%.1f ms", s * 1000) }
func mb(_ kb: Int?) -> String { kb.map { String(format: "%.0f MB", Double($0) / 1024) } ?? "?" }

@discardableResult
func shell(_ command: String) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", command]
    let pipe = Pipe()
    p.standardOutput = pipe
    try? p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
