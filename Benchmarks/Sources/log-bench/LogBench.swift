import ArgumentParser
import Foundation
import StrataLogs
import StrataTerminal
import StrataUI

/// `make bench-logs`: root cause on a generated 1 GB Airflow-style log against `grep -c ERROR`
/// (same run, warm cache), the viewer's first screen and memory, and lnav opening the same file.
@main
struct LogBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-bench",
        abstract: "Root-cause scan vs grep -c ERROR, viewer first screen and memory, lnav beside it.")

    @Option(help: "Size of the generated log in MB.") var megabytes = 1024
    @Option(help: "Where the generated log goes.") var data = "data"
    @Option(help: "Timed runs per command (the median is reported).") var runs = 5
    @Option(help: "The strata binary (release).") var strata = "../.build/release/strata"
    @Flag(help: "Skip the tmux measurements (strata and lnav opening the file).") var noTmux = false

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
        let inProcess = median((0..<max(1, runs / 2)).map { _ in
            time { let f = try! LogFile(path: path); _ = RootCauseScanner().analyze(f) }
        })
        print("## Root cause vs grep (warm cache, median of \(runs))\n")
        print("| command | time | result |")
        print("| --- | --- | --- |")
        print("| `grep -c ERROR FILE > out` | \(ms(grep)) | \(grepCount) lines |")
        print("| `strata log --root-cause --json FILE > out` | \(ms(scan)) | \(found) |")
        print("| in process (`RootCauseScanner().analyze`) | \(ms(inProcess)) | |")
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
        print("")
        if !noTmux { tmuxComparison(path: path, expected: expected) }
    }

    func tmuxComparison(path: String, expected: Generator.Expected) {
        print("## strata and lnav opening the file in tmux (120x40, warm cache)\n")
        print("Time until the first lines of the file are on screen (tmux polled every 10 ms), then the")
        print("peak resident memory (VmHWM of the process) after the steps listed.\n")
        print("| viewer | first screen | peak RSS after first screen | after `G` | after the whole file is read | notes |")
        print("| --- | --- | --- | --- | --- | --- |")
        let abs = URL(fileURLWithPath: path).standardizedFileURL.path
        // strata: first frame, G, then wait for the background root-cause scan and press r.
        if let s = Tmux.open(command: "env LANG=C.UTF-8 TERM=xterm-256color '\(URL(fileURLWithPath: strata).standardizedFileURL.path)' log '\(abs)'",
                             process: "strata", ready: { $0.contains("│    1  [") || $0.contains("│   1  [") || $0.contains(" 1  [2026") }) {
            let rss1 = s.peakRSS()
            s.keys("G"); s.wait(timeout: 10) { $0.contains("last line of the generated log") }
            let rss2 = s.peakRSS()
            let found = s.wait(timeout: 120) { $0.contains("root cause line \(expected.rootLine)") }
            s.keys("r"); _ = s.wait(timeout: 10) { $0.contains("▶") }
            let rss3 = s.peakRSS()
            print("| strata log | \(ms(s.firstScreen)) | \(mb(rss1)) | \(mb(rss2)) | \(mb(rss3)) | root cause \(found ? "found in the background, `r` lands on it" : "not found within 120 s") |")
            s.close()
        }
        if let s = Tmux.open(command: "env LANG=C.UTF-8 TERM=xterm-256color lnav '\(abs)'", process: "lnav",
                             ready: { $0.contains("INFO - starting task attempt") || $0.contains("{taskinstance.py") }) {
            let rss1 = s.peakRSS()
            s.keys("G"); _ = s.wait(timeout: 120) { $0.contains("last line of the generated log") }
            let rss2 = s.peakRSS()
            // lnav indexes the whole file up front; give it time to finish.
            Thread.sleep(forTimeInterval: 5)
            let rss3 = s.peakRSS()
            print("| lnav \(shell("lnav -V").trimmingCharacters(in: .whitespacesAndNewlines)) | \(ms(s.firstScreen)) | \(mb(rss1)) | \(mb(rss2)) | \(mb(rss3)) | |")
            s.close()
        }
        print("")
    }
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

/// A program in a detached tmux session on its own server socket.
final class Tmux {
    let socket: String
    var firstScreen = 0.0
    var pid: Int32 = 0

    init(socket: String) { self.socket = socket }

    static func open(command: String, process: String, ready: (String) -> Bool) -> Tmux? {
        let t = Tmux(socket: "strata-logbench-\(getpid())-\(process)")
        let start = DispatchTime.now().uptimeNanoseconds
        shell("tmux -L \(t.socket) new-session -d -x 120 -y 40 \"\(command)\"")
        guard t.wait(timeout: 60, ready) else {
            print("| \(process) | did not show the file within 60 s | | | | |")
            t.close(); return nil
        }
        t.firstScreen = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let panePid = shell("tmux -L \(t.socket) display -p '#{pane_pid}'").trimmingCharacters(in: .whitespacesAndNewlines)
        // The pane runs env, which execs the program: the pane's pid is the program's.
        t.pid = Int32(panePid) ?? 0
        return t
    }

    func capture() -> String { shell("tmux -L \(socket) capture-pane -p") }

    @discardableResult
    func wait(timeout: Double, _ cond: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if cond(capture()) { return true }
            usleep(10_000)
        }
        return false
    }

    func keys(_ k: String) { shell("tmux -L \(socket) send-keys \(k)") }

    /// VmHWM of the program, in kB.
    func peakRSS() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
        return nil
    }

    func close() { shell("tmux -L \(socket) kill-server 2>/dev/null") }
}
