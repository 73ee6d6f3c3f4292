import GRDB
import GRDBSQLite

/// Runs a cached statement with text, integer and null arguments straight through SQLite's C
/// API. GRDB's `execute(arguments:)` first boxes every value into a `StatementArguments` array
/// of existentials; an import of a 20,000-model manifest writes about 600,000 rows, and that
/// boxing and unboxing was about a third of the time spent writing them. Only for the import's
/// hot statements, inside a `Catalog.write` transaction (no GRDB observation is in play there).
struct RowWriter {
    let db: Database

    /// One value to bind.
    enum Value {
        case text(String?)
        case int(Int)
        case bool(Bool)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds `values` to `?1…?N` of the statement for `sql` (prepared once per connection).
    private func prepared(_ sql: String, _ values: [Value]) throws -> OpaquePointer {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch v {
            case .text(let s?):
                // With its byte length: a text may hold NUL characters (JSON's \u0000).
                let length = Int32(s.utf8.count)
                rc = s.withCString { sqlite3_bind_text(handle, index, $0, length, Self.transient) }
            case .text(nil): rc = sqlite3_bind_null(handle, index)
            case .int(let n): rc = sqlite3_bind_int64(handle, index, Int64(n))
            case .bool(let b): rc = sqlite3_bind_int64(handle, index, b ? 1 : 0)
            }
            guard rc == SQLITE_OK else { throw error(rc, sql) }
        }
        return handle
    }

    private func error(_ rc: Int32, _ sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
    }

    /// Executes a statement that returns no rows.
    func execute(_ sql: String, _ values: Value...) throws {
        let handle = try prepared(sql, values)
        defer { sqlite3_reset(handle) }
        var rc = sqlite3_step(handle)
        while rc == SQLITE_ROW { rc = sqlite3_step(handle) }
        guard rc == SQLITE_DONE else { throw error(rc, sql) }
    }

    /// The first column of the first row, as text (nil when there is no row or it is NULL).
    func text(_ sql: String, _ values: Value...) throws -> String? {
        let handle = try prepared(sql, values)
        defer { sqlite3_reset(handle) }
        let rc = sqlite3_step(handle)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw error(rc, sql) }
        guard let p = sqlite3_column_text(handle, 0) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, 0))), as: UTF8.self)
    }
}
