import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn + waitpid with stdout (and stderr) sent to files, as `cmd > out 2> err` would.
/// Foundation's `Process.waitUntilExit` polls in 50 ms steps on Linux, which would swamp a
/// 20 ms process, so the benchmark spawns directly. Only spawn + wait is inside a timed run.
enum Proc {
    /// Returns the CPU time (user + system, ms) the child used, from wait4's rusage: on shared
    /// cores the wall time also counts waiting for a core, this does not.
    @discardableResult
    static func run(_ argv: [String], stdout: String, stderr: String = "/dev/null", env: [String: String]) throws -> Double {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var ru = rusage()
        while wait4(pid, &status, 0, &ru) < 0 && errno == EINTR {}
        guard status == 0 else {
            let err = stderr == "/dev/null" ? "" : ((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")
            throw BenchError("\(argv.joined(separator: " ")) failed (wait status \(status))\n\(err.prefix(2000))")
        }
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        return ms(ru.ru_utime) + ms(ru.ru_stime)
    }

    /// Non-empty lines of a file (ids one per line).
    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The real interpreter behind `python3` (pyenv and friends put a shell script in PATH,
    /// whose own start would be billed to networkx).
    static func resolvePython(_ command: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [command, "-c", "import sys; print(sys.executable)"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return command }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let path = out.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? command : path
    }
}
