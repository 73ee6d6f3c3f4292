import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import StrataCatalog

/// One search a user could make: the text as typed, and the kind filter (`--kind`), if any.
public struct BenchQuery: Sendable, Hashable {
    public var group: String
    public var text: String
    public var kind: EntityKind?
    public init(_ group: String, _ text: String, kind: EntityKind? = nil) {
        self.group = group; self.text = text; self.kind = kind
    }
}

public enum QuerySet {
    /// "orders customer" typed one key at a time (the space adds nothing FTS-wise, so the
    /// keystroke after it is the next one measured), then "churn".
    public static let typed: [String] = [
        "o", "or", "ord", "orde", "order", "orders", "orders c", "orders cu", "orders cus",
        "orders cust", "orders customer",
        "c", "ch", "chu", "churn",
    ]
    public static let rare: [String] = ["zorder", "haversine", "okafor"]
    public static let multiWord: [String] = ["daily revenue by region", "late arriving orders"]
    public static let noMatch: [String] = ["zzyzx", "qqqq rrrr"]
    public static let hostile: [String] = ["\"", "AND", "(", "*", "orders AND (", "NEAR(\"o\"",
                                           "'; DROP TABLE entity; --"]

    /// The full list for one catalog: every query without and with `--kind table`, plus
    /// short prefixes restricted to small kinds (the filter cannot help FTS find fewer rows).
    /// `exactName` / `exactID` name a real table of that catalog (exact-match ranking path).
    public static func all(exactName: String?, exactID: String?) -> [BenchQuery] {
        var texts: [(String, String)] = []
        texts += typed.map { ("typed", $0) }
        texts += rare.map { ("rare word", $0) }
        if let exactName { texts.append(("exact name", exactName)) }
        if let exactID { texts.append(("exact id", exactID)) }
        texts += multiWord.map { ("multi-word", $0) }
        texts += noMatch.map { ("no match", $0) }
        texts += hostile.map { ("hostile", $0) }
        var out: [BenchQuery] = []
        for (g, t) in texts {
            out.append(BenchQuery(g, t))
            out.append(BenchQuery(g, t, kind: .table))
        }
        out.append(BenchQuery("small kind", "o", kind: .owner))
        out.append(BenchQuery("small kind", "o", kind: .dag))
        out.append(BenchQuery("small kind", "or", kind: .term))
        out.append(BenchQuery("small kind", "orders", kind: .dashboard))
        return out
    }
}

/// The search SQL exactly as Search.swift ran it before the short-prefix change: one
/// statement that ranks every FTS match with bm25, then keeps 20. Used as the "before" column
/// and as the query given to the sqlite3 shell.
public enum ReferenceSearch {
    public static func sql(kind: Bool) -> String {
        """
        SELECT e.id, e.kind, e.name, e.stage,
               bm25(search, 10.0, 8.0, 4.0, 3.0, 1.5, 1.0) AS rank,
               (lower(e.name) = :exact OR e.id = :exact) AS is_exact
        FROM search JOIN entity e ON e.num = search.rowid
        WHERE search MATCH :pattern\(kind ? " AND e.kind = :kind" : "")
        ORDER BY is_exact DESC, rank, e.name LIMIT :limit
        """
    }

    public static func pattern(_ query: String) -> String? {
        FTS5Pattern(matchingAllPrefixesIn: query)?.rawPattern
    }

    static func exact(_ query: String) -> String { query.trimmingCharacters(in: .whitespaces).lowercased() }

    /// Ids of the top `limit` hits, best first.
    public static func run(_ db: Database, _ q: BenchQuery, limit: Int = 20) throws -> [String] {
        guard let pattern = pattern(q.text) else { return [] }
        var args: [String: (any DatabaseValueConvertible)?] = ["pattern": pattern, "exact": exact(q.text),
                                                               "limit": limit]
        if let kind = q.kind { args["kind"] = kind.rawValue }
        return try String.fetchAll(db, sql: sql(kind: q.kind != nil), arguments: StatementArguments(args))
    }

    /// How many entities the query matches (what bm25 has to score before LIMIT). CROSS JOIN
    /// keeps FTS5 as the outer loop: with a plain JOIN and a kind filter SQLite prefers the
    /// (kind, name) index outside and asks FTS5 for one rowid at a time, which rebuilds a
    /// 4+ letter prefix's doclist per row (hours at 1M entities).
    public static func matchCount(_ db: Database, _ q: BenchQuery) throws -> Int {
        guard let pattern = pattern(q.text) else { return 0 }
        if let kind = q.kind {
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM search CROSS JOIN entity e ON e.num = search.rowid
                WHERE search MATCH ? AND e.kind = ?
                """, arguments: [pattern, kind.rawValue]) ?? 0
        }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM search WHERE search MATCH ?",
                                arguments: [pattern]) ?? 0
    }

    /// Problems with a result list, or nil: every hit must match the query (FTS5 says so) and
    /// be of the requested kind, and scores must not increase down the list.
    public static func problems(_ db: Database, _ q: BenchQuery, hits: [SearchHit]) throws -> String? {
        if let kind = q.kind, hits.contains(where: { $0.kind != kind }) { return "wrong kind" }
        if zip(hits, hits.dropFirst()).contains(where: { $0.score < $1.score }) { return "scores not descending" }
        guard !hits.isEmpty, let pattern = pattern(q.text) else { return nil }
        // `+rowid` keeps SQLite from handing the IN list to FTS5 as rowid lookups (one doclist
        // read per row); instead the matches are scanned once and filtered.
        let ids = hits.map(\.id)
        let matching = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM search WHERE search MATCH ?
            AND +rowid IN (SELECT num FROM entity WHERE id IN (\(databaseQuestionMarks(count: ids.count))))
            """, arguments: StatementArguments([pattern] + ids)) ?? 0
        return matching == Set(ids).count ? nil : "\(Set(ids).count - matching) hits do not match"
    }

    /// The reference SQL with its parameters inlined as literals, for the sqlite3 shell.
    public static func literalSQL(_ q: BenchQuery, limit: Int = 20) -> String? {
        guard let pattern = pattern(q.text) else { return nil }
        func lit(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        return sql(kind: q.kind != nil)
            .replacingOccurrences(of: ":pattern", with: lit(pattern))
            .replacingOccurrences(of: ":exact", with: lit(exact(q.text)))
            .replacingOccurrences(of: ":kind", with: lit(q.kind?.rawValue ?? ""))
            .replacingOccurrences(of: ":limit", with: String(limit))
            .replacingOccurrences(of: "\n", with: " ") + ";"
    }
}

/// The same query through Debian's `sqlite3` shell, on the same file.
public enum SQLiteShell {
    public static let path: String? = {
        for p in ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
        where FileManager.default.isExecutableFile(atPath: p) { return p }
        return nil
    }()

    public static func version() -> String {
        guard let path, let out = try? run(path, ["--version"], input: nil) else { return "not found" }
        return String(out.split(separator: " ").first ?? "?")
    }

    /// One process per query: process start, opening the file, parsing the schema and the query.
    public static func perProcess(db: String, sql: String, policy: Policy) throws -> Samples {
        guard let path else { return Samples([]) }
        return try measure(policy) { try spawnAndWait(path, ["-readonly", db, sql]) }
    }

    /// posix_spawn + waitpid, output to /dev/null. (Foundation's `Process.waitUntilExit` on
    /// Linux polls its run loop in 50 ms steps, which would swamp a 5 ms process.)
    static func spawnAndWait(_ exe: String, _ args: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
        // No HOME: the shell then reads no ~/.sqliterc, so every run is the same.
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw POSIXError(.ECHILD) }
    }

    /// One process, `.timer on`, the query run `1 + n` times; the first (warm-up) is dropped.
    /// The shell prints "Run Time: real 0.012 ..." with millisecond resolution, and user/sys
    /// CPU seconds with microsecond resolution: both are returned (real, user + sys).
    public static func timer(db: String, sql: String, runs n: Int) throws -> (real: Samples, cpu: Samples) {
        guard let path else { return (Samples([]), Samples([])) }
        let script = ".timer on\n.output /dev/null\n" + String(repeating: sql + "\n", count: n + 1)
        let out = try run(path, ["-readonly", db], input: script)
        var real: [Double] = [], cpu: [Double] = []
        for line in out.split(separator: "\n") where line.hasPrefix("Run Time:") {
            let f = line.split(separator: " ")
            // Run Time: real R user U sys S
            guard f.count >= 8, let r = Double(f[3]), let u = Double(f[5]), let s = Double(f[7]) else { continue }
            real.append(r * 1000); cpu.append((u + s) * 1000)
        }
        return (Samples(Array(real.dropFirst())), Samples(Array(cpu.dropFirst())))
    }

    @discardableResult
    static func run(_ exe: String, _ args: [String], input: String?, discardOutput: Bool = false) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let outPipe = Pipe()
        p.standardOutput = discardOutput ? FileHandle.nullDevice : outPipe
        p.standardError = FileHandle.nullDevice
        let inPipe = input == nil ? nil : Pipe()
        p.standardInput = inPipe ?? FileHandle.nullDevice
        try p.run()
        if let inPipe, let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        var text = ""
        if !discardOutput {
            text = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        p.waitUntilExit()
        return text
    }
}
