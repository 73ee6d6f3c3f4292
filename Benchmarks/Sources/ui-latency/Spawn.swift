import Foundation
import StrataTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A private tmux server (its own socket name and TMUX_TMPDIR), kept alive by an idle session
/// so that each measured run starts a session on a running server, not a new server.
final class TmuxServer {
    let socket = "strata-ui-bench-\(getpid())"
    let tmpdir: String
    let conf: String
    var env: [String: String]

    init(conf: String) throws {
        tmpdir = NSTemporaryDirectory() + "strata-ui-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: tmpdir, withIntermediateDirectories: true)
        self.conf = conf
        env = ["PATH": "/usr/bin:/bin:/usr/local/bin", "TMUX_TMPDIR": tmpdir, "TERM": "xterm-256color",
               "LANG": "C.UTF-8", "HOME": tmpdir]
        let r = try tmux(["-f", conf, "new-session", "-d", "-s", "keep", "-x", "80", "-y", "24"])
        guard r.status == 0 else { throw BenchError("tmux did not start: \(r.out)") }
    }

    func close() {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: tmpdir)
    }

    @discardableResult
    func tmux(_ args: [String], capture: Bool = true) throws -> (status: Int32, out: String) {
        try Spawn.run(["tmux", "-L", socket] + args, env: env, capture: capture)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    struct Run {
        var firstFrame: Double        // ms from spawning `tmux new-session` to the first capture showing every marker
        var newSession: Double        // ms the `tmux new-session -d` client took to return
        var polls: Int
        var pollInterval: Double      // mean ms per capture-pane round trip during this run
    }

    /// Starts `command` in a new session of `width`x`height`, polls `capture-pane -p` until
    /// every marker is on screen, then kills the session.
    func timeToText(_ command: String, markers: [String], width: Int, height: Int, name: String,
                    pollEveryMs: Double = 2, timeout: Double = 20) throws -> Run {
        let clock = ContinuousClock()
        let t0 = clock.now
        let r = try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command], capture: false)
        let created = clock.now
        guard r.status == 0 else { throw BenchError("tmux new-session failed (\(r.status))") }
        defer { _ = try? tmux(["kill-session", "-t", name], capture: false) }
        var polls = 0
        var last = ""
        while (clock.now - t0).seconds < timeout {
            let p0 = clock.now
            last = try tmux(["capture-pane", "-p", "-t", name]).out
            polls += 1
            if markers.allSatisfy({ last.contains($0) }) {
                let total = (clock.now - t0).milliseconds
                return Run(firstFrame: total, newSession: (created - t0).milliseconds, polls: polls,
                           pollInterval: (clock.now - created).milliseconds / Double(polls))
            }
            let spent = (clock.now - p0).milliseconds
            if spent < pollEveryMs { usleep(useconds_t((pollEveryMs - spent) * 1000)) }
        }
        throw BenchError("timed out after \(timeout) s waiting for \(markers); the screen was:\n\(last)")
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
