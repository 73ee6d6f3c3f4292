import Foundation
import GRDB

public enum CatalogError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case notACatalog(path: String, reason: String)
    case newerSchema(path: String, unknown: [String])
    case readOnlyNeedsUpgrade(path: String)
    case unknownEntity(id: String, suggestions: [String])

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path): no catalog here (build one with `strata build DIR -o \(path)`)"
        case .notACatalog(let path, let reason):
            return "\(path): not a strata catalog (\(reason))"
        case .newerSchema(let path, let unknown):
            return "\(path): this catalog was written by a newer strata (schema "
                + unknown.joined(separator: ", ") + "); upgrade strata to open it"
        case .readOnlyNeedsUpgrade(let path):
            return "\(path): this catalog needs a schema upgrade, but it was opened read-only"
        case .unknownEntity(let id, let suggestions):
            let hint = suggestions.isEmpty ? "" : "; did you mean " + suggestions.joined(separator: ", ") + "?"
            return "no entity with id '\(id)'\(hint)"
        }
    }
}

/// An open catalog database. All reads and writes of the catalog go through here.
public final class Catalog: Sendable {
    public let path: String
    let db: DatabaseQueue

    /// Opens (and upgrades, when older) an existing catalog file, or creates one when `create`.
    /// `newFilePageSize`: the page size of a catalog this call creates (SQLite's default, 4 KB,
    /// when nil).
    public init(path: String, create: Bool = false, readOnly: Bool = false, newFilePageSize: Int? = nil) throws {
        self.path = path
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw CatalogError.missing(path: path)
        }
        var config = Configuration()
        config.readonly = readOnly
        config.foreignKeysEnabled = true
        // Another strata may be writing (an import, or a reader storing the lineage arrays):
        // wait for it rather than failing at once.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try RowBlock.register(db)
            // A catalog is read far more than written; this keeps opening and paging cheap.
            try db.execute(sql: "PRAGMA cache_size = -16000")
            // Reads straight from the mapped file: loading the lineage arrays (MBs of blobs)
            // then costs one copy instead of two, and no page cache fills up with them.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            // Only takes effect on a file that is still empty (an existing catalog keeps its own).
            if let newFilePageSize { try db.execute(sql: "PRAGMA page_size = \(newFilePageSize)") }
        }
        do {
            db = try DatabaseQueue(path: path, configuration: config)
            try Self.migrate(db, path: path, readOnly: readOnly)
        } catch let error as DatabaseError {
            throw CatalogError.notACatalog(path: path, reason: error.message ?? "\(error)")
        }
    }

    /// An empty in-memory catalog, for tests and scratch work.
    public init() throws {
        path = ":memory:"
        var config = Configuration()
        config.prepareDatabase { db in try RowBlock.register(db) }
        db = try DatabaseQueue(configuration: config)
        try Self.migrate(db, path: path, readOnly: false)
    }

    private static func migrate(_ db: DatabaseQueue, path: String, readOnly: Bool) throws {
        let migrator = CatalogSchema.migrator
        let (superseded, complete, isEmpty) = try db.read { db in
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            return (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db),
                    tables == 0)
        }
        if superseded {
            let known = Set(migrator.migrations)
            let applied = try db.read { try migrator.appliedIdentifiers($0) }
            throw CatalogError.newerSchema(path: path, unknown: applied.subtracting(known).sorted())
        }
        if complete { return }
        if !isEmpty {
            // A non-empty database with none of our migrations is somebody else's SQLite file.
            let hasOurs = try db.read { try $0.tableExists("grdb_migrations") }
            if !hasOurs {
                throw CatalogError.notACatalog(path: path, reason: "it has tables but no strata schema")
            }
        }
        if readOnly { throw CatalogError.readOnlyNeedsUpgrade(path: path) }
        try migrator.migrate(db)
    }

    /// Migrations applied to this catalog, oldest first.
    public func appliedMigrations() throws -> [String] {
        try db.read { try CatalogSchema.migrator.appliedMigrations($0) }
    }

    /// Runs `body` in one transaction: everything it writes lands, or nothing does.
    public func write<T>(_ body: (CatalogWriter) throws -> T) throws -> T {
        try db.write { db in try body(CatalogWriter(db: db)) }
    }

    /// Runs `body` with a read-only view of the catalog.
    public func read<T>(_ body: (CatalogReader) throws -> T) throws -> T {
        try db.read { db in try body(CatalogReader(db: db)) }
    }

    /// A value stored in the catalog's meta table.
    public func meta(_ key: String) throws -> String? {
        try db.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }
}

extension Catalog {
    /// For a catalog file that is a private temporary copy (an import renames it into place only
    /// when complete): no rollback journal, no fsync per commit, a 256 MB page cache. A crash or
    /// an error leaves a broken temporary file, which the caller deletes; never use this on a
    /// file someone else can read.
    public func useAsPrivateScratchCopy() throws {
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -262144")
        }
    }

    /// Closes the database file now (rather than when the last reference goes away), so it can be
    /// renamed or read by another process with everything flushed.
    public func close() throws { try db.close() }
}
