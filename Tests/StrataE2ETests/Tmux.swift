import Foundation
#if canImport(Glibc)
import Glibc
#endif
import StrataTestSupport

/// Drives the real `strata` binary inside a private tmux server, as a person at a terminal
/// would: start it at a size, send keys, read the screen.
final class TmuxSession {
    let socket: String
    let tmpdir: String
    static let available: Bool = (try? TmuxSession.run(["tmux", "-V"]).status) == 0

    /// The strata binary built next to the test bundle.
    static let binary: String = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("strata").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return repositoryRoot + "/.build/debug/strata"
    }()

    /// One cache for the demo catalog across tests, so it is compiled once.
    static let cacheHome: String = try! makeTempDirectory("e2e-cache")

    /// `pipeFrom`: a file whose bytes reach strata through a pipe on its standard input, as in
    /// `cat FILE | strata log -` (keys then come from the terminal).
    init(width: Int, height: Int, arguments: [String] = [], environment: [String: String] = [:],
         unsetLang: Bool = false, pipeFrom: String? = nil) throws {
        socket = "strata-e2e-\(UUID().uuidString.prefix(8))"
        tmpdir = try makeTempDirectory("tmux")
        let conf = repositoryRoot + "/Tests/e2e/tmux.conf"
        try tmux(["-f", conf, "new-session", "-d", "-s", "keep"])
        var env = ["SWIFT_BACKTRACE=enable=no", "XDG_CACHE_HOME=\(Self.cacheHome)",
                   "XDG_CONFIG_HOME=\(tmpdir)/config", "TERM=tmux-256color"]
        env.append(unsetLang ? "LANG=" : "LANG=C.UTF-8")
        env += environment.map { "\($0.key)=\($0.value)" }
        // A clean environment: the test runner's own (swift test sets NO_COLOR when its output
        // is not a terminal, for one) must not leak into the app under test.
        let inherited = ["PATH", "HOME"].compactMap { k in ProcessInfo.processInfo.environment[k].map { "\(k)=\($0)" } }
        env = inherited + env.filter { !(unsetLang && $0 == "LANG=") }
        let command = (pipeFrom.map { "cat \(Self.quote($0)) | " } ?? "") + "env -i " + env.map(Self.quote).joined(separator: " ") + " "
            + ([Self.binary] + arguments).map(Self.quote).joined(separator: " ")
        // The wrapper shell reports the exit status; `trap true INT` keeps Ctrl-C from killing it.
        try tmux(["new-session", "-d", "-s", "app", "-x", "\(width)", "-y", "\(height)",
                  "trap true INT; \(command); echo \"[exit $?]\""])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ args: [String]) throws -> (status: Int32, out: String) {
        try Self.run(["tmux", "-L", socket] + args, env: ["TMUX_TMPDIR": tmpdir])
    }

    /// Sends tmux key names (Enter, Up, C-c...) or, with `literal`, text.
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", "app"] + (literal ? ["-l"] : []) + keys)
    }

    func type(_ text: String) throws { try send(text, literal: true) }

    /// The screen as text (history included, since tmux scrolls a dead pane by a line).
    func screen(colors: Bool = false) throws -> String {
        try tmux(["capture-pane", "-t", "app", "-p", "-S", "-"] + (colors ? ["-e"] : [])).out
    }

    /// Waits until the screen contains `text` (polling, never sleeping blindly).
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw E2EError.timeout(waitingFor: text, screen: last)
    }

    func waitGone(_ text: String, timeout: Double = 5) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !(try screen()).contains(text) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw E2EError.timeout(waitingFor: "no '\(text)'", screen: try screen())
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "app", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Whether the pane is still on the alternate screen (curses mode).
    func alternateScreenOn() throws -> Bool {
        try tmux(["display", "-p", "-t", "app", "#{alternate_on}"]).out.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs a command to completion (posix_spawn and waitpid, see Spawn) with this process's
    /// environment less TMUX, plus `env`.
    static func run(_ argv: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String) {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TMUX")
        for (k, v) in env { environment[k] = v }
        return try Spawn.run(argv, env: environment, capture: true)
    }
}

enum E2EError: Error, CustomStringConvertible {
    case timeout(waitingFor: String, screen: String)
    var description: String {
        switch self {
        case .timeout(let text, let screen): "timed out waiting for '\(text)'; the screen was:\n\(screen)"
        }
    }
}
