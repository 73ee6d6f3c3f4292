import GRDB
import GRDBSQLite
import CSQLiteRows

/// Runs a cached statement with text and null arguments straight through SQLite's C API (the
/// import's many rows go through `RowBlock` and `insert` below). GRDB's `execute(arguments:)` first boxes every value into a `StatementArguments` array
/// of existentials; an import of a 20,000-model manifest writes about 600,000 rows, and that
/// boxing and unboxing was about a third of the time spent writing them. Only for the import's
/// hot statements, inside a `Catalog.write` transaction (no GRDB observation is in play there).
struct RowWriter {
    let db: Database

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds `values` to `?1…?N` of the statement for `sql` (prepared once per connection).
    private func prepared(_ sql: String, _ values: [String?]) throws -> OpaquePointer {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            if let s = value {
                // With its byte length: a text may hold NUL characters (JSON's \u0000).
                let length = Int32(s.utf8.count)
                rc = s.withCString { sqlite3_bind_text(handle, index, $0, length, Self.transient) }
            } else {
                rc = sqlite3_bind_null(handle, index)
            }
            guard rc == SQLITE_OK else { throw error(rc, sql) }
        }
        return handle
    }

    func error(_ rc: Int32, _ sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
    }

    /// Executes a statement that returns no rows.
    func execute(_ sql: String, _ values: String?...) throws {
        let handle = try prepared(sql, values)
        defer { sqlite3_reset(handle) }
        var rc = sqlite3_step(handle)
        while rc == SQLITE_ROW { rc = sqlite3_step(handle) }
        guard rc == SQLITE_DONE else { throw error(rc, sql) }
    }

    /// The first two columns of every row, as a dictionary of texts (a later row wins a repeated
    /// key; NULL reads as ""). Read straight from SQLite: a re-import reads 117,000 facts.
    func pairs(_ sql: String, _ values: String?...) throws -> [String: String] {
        let handle = try prepared(sql, values)
        defer { sqlite3_reset(handle) }
        func text(_ column: Int32) -> String {
            guard let p = sqlite3_column_text(handle, column) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
        }
        var out: [String: String] = [:]
        var rc = sqlite3_step(handle)
        while rc == SQLITE_ROW {
            out[text(0)] = text(1)
            rc = sqlite3_step(handle)
        }
        guard rc == SQLITE_DONE else { throw error(rc, sql) }
        return out
    }

    /// The first column of the first row, as text (nil when there is no row or it is NULL).
    func text(_ sql: String, _ values: String?...) throws -> String? {
        let handle = try prepared(sql, values)
        defer { sqlite3_reset(handle) }
        let rc = sqlite3_step(handle)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw error(rc, sql) }
        guard let p = sqlite3_column_text(handle, 0) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, 0))), as: UTF8.self)
    }
}

/// Rows collected in Swift and written by one `INSERT … SELECT c0, c1, … FROM strata_rows(?)`
/// (`RowWriter.insert`). The values are laid out in one byte buffer that SQLite reads in place
/// through the `strata_rows` table-valued function (Sources/CSQLiteRows). A statement per row
/// costs its set-up, its bindings and a copy of every text by SQLite; the 20,000-model
/// benchmark manifest writes about 600,000 rows.
struct RowBlock {
    let width: Int
    /// Starts with one byte, so an empty text still has an address (NULL is a span of -1).
    private(set) var bytes: [UInt8] = [0]
    /// Offset and length of each value, row after row; (-1, 0) is NULL, (-2, n) the integer n.
    private(set) var spans: [Int64] = []

    init(width: Int) {
        precondition(width > 0 && width <= Int(STRATA_ROWS_MAX_WIDTH))
        self.width = width
    }

    var count: Int { spans.count / (2 * width) }
    var isEmpty: Bool { spans.isEmpty }

    mutating func add(_ text: String?) {
        guard var text else { spans += [-1, 0]; return }
        let offset = bytes.count
        text.withUTF8 { bytes.append(contentsOf: $0) }
        spans.append(Int64(offset))
        spans.append(Int64(bytes.count - offset))
    }

    mutating func add(_ number: Int) { spans += [-2, Int64(number)] }

    static func register(_ db: Database) throws {
        let rc = strata_rows_register(UnsafeMutableRawPointer(db.sqliteConnection))
        guard rc == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "cannot register strata_rows")
        }
    }
}

extension RowWriter {
    /// Runs `sql`, an INSERT whose rows come `FROM strata_rows(?)`, over `block`'s rows.
    func insert(_ block: RowBlock, _ sql: String) throws {
        guard !block.isEmpty else { return }
        // A row added with more or fewer values than the block's width would shift every later one.
        precondition(block.spans.count % (2 * block.width) == 0, "a row of the wrong width in a \(block.width)-column block")
        let handle = try db.cachedStatement(sql: sql).sqliteStatement
        try block.bytes.withUnsafeBufferPointer { bytes in
            try block.spans.withUnsafeBufferPointer { spans in
                var rows = strata_rows(bytes: bytes.baseAddress, spans: spans.baseAddress,
                                       width: Int32(block.width), count: Int64(block.count))
                try withUnsafeMutablePointer(to: &rows) { pointer in
                    sqlite3_reset(handle)
                    // Reset and unbound before the buffers go away.
                    defer { sqlite3_reset(handle); sqlite3_clear_bindings(handle) }
                    let bound = sqlite3_bind_pointer(handle, 1, pointer, strata_rows_pointer_type, nil)
                    guard bound == SQLITE_OK else { throw error(bound, sql) }
                    var rc = sqlite3_step(handle)
                    while rc == SQLITE_ROW { rc = sqlite3_step(handle) }
                    guard rc == SQLITE_DONE else { throw error(rc, sql) }
                }
            }
        }
    }
}
