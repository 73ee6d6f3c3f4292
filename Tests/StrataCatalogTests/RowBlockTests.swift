import GRDB
@testable import StrataCatalog
import Testing

/// `RowBlock` and the `strata_rows` table-valued function: what an import writes a table at a
/// time must arrive exactly as a statement per row would have written it.
@Suite struct RowBlockTests {
    /// Runs `body` in a write transaction of a fresh in-memory catalog with a scratch table.
    private func withScratch<T>(_ body: (Database) throws -> T) throws -> T {
        try Catalog().write { w in
            try w.db.execute(sql: "CREATE TEMP TABLE scratch(k TEXT PRIMARY KEY, n INTEGER, t TEXT)")
            return try body(w.db)
        }
    }

    @Test func textsArriveByteForByteAndNullStaysNull() throws {
        let texts: [String?] = ["", nil, "a\u{0}b", "héllo ✓ 日本 👩‍👩‍👧", String(repeating: "x", count: 100_000), "short"]
        let stored = try withScratch { db in
            var block = RowBlock(width: 3)
            for (i, t) in texts.enumerated() { block.add("k\(i)"); block.add(i * 1_000_000_007); block.add(t) }
            try RowWriter(db: db).insert(block, "INSERT INTO scratch(k, n, t) SELECT c0, c1, c2 FROM strata_rows(?)")
            // hex(): SQLite's text functions stop at a NUL, the stored bytes do not.
            return try Row.fetchAll(db, sql: "SELECT k, n, typeof(n) AS nt, hex(t) AS h, t IS NULL AS missing FROM scratch ORDER BY rowid")
        }
        #expect(stored.count == texts.count)
        for (i, row) in stored.enumerated() {
            #expect(row["k"] as String == "k\(i)")
            #expect(row["n"] as Int == i * 1_000_000_007)
            #expect(row["nt"] as String == "integer")
            #expect(row["missing"] as Bool == (texts[i] == nil))
            let hex = texts[i].map { $0.utf8.map { String(format: "%02X", $0) }.joined() } ?? ""
            #expect(row["h"] as String == hex)
        }
    }

    /// Integers arrive as integers, as a bound integer would: a column without a type keeps
    /// them so (a TEXT column would turn them into text, by its own affinity).
    @Test func integersStayIntegers() throws {
        let rows = try withScratch { db in
            try db.execute(sql: "CREATE TEMP TABLE loose(v)")
            var block = RowBlock(width: 1)
            block.add(-42); block.add(Int.max)
            try RowWriter(db: db).insert(block, "INSERT INTO loose(v) SELECT c0 FROM strata_rows(?)")
            return try Row.fetchAll(db, sql: "SELECT v, typeof(v) AS type FROM loose ORDER BY rowid")
        }
        #expect(rows.map { $0["v"] as Int } == [-42, Int.max])
        #expect(rows.map { $0["type"] as String } == ["integer", "integer"])
    }

    @Test func laterRowsWinAConflictAsTheyWouldOneByOne() throws {
        let rows = try withScratch { db in
            var block = RowBlock(width: 2)
            for (k, t) in [("a", "first"), ("b", "only"), ("a", "second")] { block.add(k); block.add(t) }
            try RowWriter(db: db).insert(block, """
                INSERT INTO scratch(k, t) SELECT c0, c1 FROM strata_rows(?) WHERE true
                ON CONFLICT(k) DO UPDATE SET t = excluded.t
                """)
            return try Row.fetchAll(db, sql: "SELECT k, t FROM scratch ORDER BY k").map { "\($0["k"] as String)=\($0["t"] as String)" }
        }
        #expect(rows == ["a=second", "b=only"])
    }

    @Test func anEmptyBlockWritesNothingAndColumnsPastTheWidthAreNull() throws {
        let (count, beyond) = try withScratch { db in
            try RowWriter(db: db).insert(RowBlock(width: 3), "INSERT INTO scratch(k, n, t) SELECT c0, c1, c2 FROM strata_rows(?)")
            var block = RowBlock(width: 1)
            block.add("only")
            try RowWriter(db: db).insert(block, "INSERT INTO scratch(k, t) SELECT c0, c5 FROM strata_rows(?)")
            return (try Int.fetchOne(db, sql: "SELECT count(*) FROM scratch")!,
                    try Bool.fetchOne(db, sql: "SELECT t IS NULL FROM scratch WHERE k = 'only'")!)
        }
        #expect(count == 1)
        #expect(beyond)
    }

    @Test func theFunctionNeedsItsArgument() throws {
        #expect(throws: DatabaseError.self) {
            try withScratch { db in try Row.fetchAll(db, sql: "SELECT c0 FROM strata_rows") }
        }
        // Bound to something that is not a block: no rows rather than a crash.
        let n = try withScratch { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM strata_rows('not a pointer')") }
        #expect(n == 0)
    }
}
