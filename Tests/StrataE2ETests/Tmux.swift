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

    init(width: Int, height: Int, arguments: [String] = [], environment: [String: String] = [:],
         unsetLang: Bool = false) throws {
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
        let command = "env -i " + env.map(Self.quote).joined(separator: " ") + " "
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

    /// Runs a command to completion with posix_spawn and waitpid. (Foundation's Process did not
    /// notice the tmux client exit here once the client had forked its server.) Output goes to
    /// a file, not a pipe: the server keeps inherited descriptors open, so a pipe never ends.
    static func run(_ argv: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String) {
        let outPath = NSTemporaryDirectory() + "strata-e2e-out-\(UUID().uuidString)"
        defer { unlink(outPath) }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TMUX")
        for (k, v) in env { environment[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        // The test runner's threads block some signals, and a spawned child inherits the mask:
        // start the command with none blocked and default handlers, as a shell would.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none); sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, cArgs, cEnv)
        guard rc == 0 else { throw E2EError.spawn(argv[0], rc) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, String(decoding: data, as: UTF8.self))
    }
}

enum E2EError: Error, CustomStringConvertible {
    case timeout(waitingFor: String, screen: String)
    case spawn(String, Int32)
    var description: String {
        switch self {
        case .timeout(let text, let screen): "timed out waiting for '\(text)'; the screen was:\n\(screen)"
        case .spawn(let cmd, let rc): "cannot run \(cmd): error \(rc)"
        }
    }
}
