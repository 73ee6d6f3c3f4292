import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs commands with posix_spawn + waitpid, for the tmux end-to-end tests and the UI benchmark: Foundation's `Process` did not notice the tmux client exit once the client had
/// forked a server (and on Linux `waitUntilExit` polls in 50 ms steps), and a spawned child
/// inherits the parent's blocked signals, so the mask is cleared and handlers reset.
public enum Spawn {
    /// Runs `argv` to completion. Output goes to a file (not a pipe: a tmux server keeps
    /// inherited descriptors open, so a pipe would never end), which is returned when `capture`.
    @discardableResult
    public static func run(_ argv: [String], env: [String: String], capture: Bool = false) throws -> (status: Int32, out: String) {
        let outPath = capture ? NSTemporaryDirectory() + "strata-spawn-\(getpid())-\(UUID().uuidString)" : "/dev/null"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
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
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard capture else { return (exit, "") }
        defer { unlink(outPath) }
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        return (exit, String(decoding: data, as: UTF8.self))
    }
}

