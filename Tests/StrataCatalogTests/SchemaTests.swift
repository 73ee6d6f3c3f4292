import Foundation
import GRDB
import StrataCatalog
import StrataTestSupport
import Testing

@Suite struct SchemaTests {
    @Test func freshCatalogHasEveryMigration() throws {
        let dir = try makeTempDirectory("schema")
        let catalog = try Catalog(path: dir + "/c.sqlite", create: true)
        #expect(try catalog.appliedMigrations() == CatalogSchema.migrationIDs)
        #expect(CatalogSchema.migrationIDs.count >= 2)
    }

    @Test func missingFileIsAClearError() throws {
        #expect(throws: CatalogError.missing(path: "/nonexistent/x.sqlite")) {
            try Catalog(path: "/nonexistent/x.sqlite")
        }
    }

    /// A catalog file as an older strata left it: migrated up to `migration` only, then `sql` run
    /// on it (the rows that strata wrote).
    static func olderCatalog(_ label: String, upTo migration: String, _ sql: String,
                             check: (Database) throws -> Void = { _ in }) throws -> String {
        let path = try makeTempDirectory(label) + "/old.sqlite"
        let queue = try DatabaseQueue(path: path)
        try CatalogSchema.migrateForTesting(queue, upTo: migration)
        try queue.write { db in
            try db.execute(sql: sql)
            try check(db)
        }
        try queue.close()
        return path
    }

    /// A catalog written by the first schema version keeps its data and gains the newer tables.
    @Test func olderCatalogIsUpgradedInPlace() throws {
        // Replay only the first migration, as an older strata would have.
        let path = try Self.olderCatalog("upgrade", upTo: CatalogSchema.migrationIDs[0],
                                         "INSERT INTO entity(id, kind, name) VALUES ('raw.orders', 'table', 'raw.orders')") { db throws in
            #expect(try !db.tableExists("entity_source"))
        }

        let catalog = try Catalog(path: path)
        #expect(try catalog.appliedMigrations() == CatalogSchema.migrationIDs)
        #expect(try catalog.read { try $0.entity("raw.orders") }?.kind == .table)
        try catalog.write { w in
            try w.recordSource(entityID: "raw.orders", importer: "dbt", file: "manifest.json", at: "2026-11-23T00:00:00Z")
        }
    }

    /// The migration that adds prefix indexes recreates the full-text index and refills it
    /// from the entities an older strata wrote.
    @Test func searchIndexIsRebuiltWithPrefixIndexes() throws {
        let path = try Self.olderCatalog("prefixes", upTo: "v2-provenance", """
            INSERT INTO entity(id, kind, name, description) VALUES
                ('raw.shop.orders', 'table', 'raw.shop.orders', 'One row per customer order');
            INSERT INTO search(rowid, name, ident, tags, owner, columns, description)
                SELECT num, name, 'raw shop orders', '', '', '', description FROM entity;
            """)

        let catalog = try Catalog(path: path)
        #expect(try catalog.appliedMigrations() == CatalogSchema.migrationIDs)
        let sql = try DatabaseQueue(path: path).read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'search'")
        }
        #expect(sql?.contains("prefix = '1 2 3 4 5 6 7 8'") == true)
        for query in ["orde", "custome", "raw.shop.orders"] {
            #expect(try catalog.read { try $0.search(query) }.map(\.id) == ["raw.shop.orders"])
        }
    }

    @Test func catalogFromNewerStrataIsRefused() throws {
        let path = try makeTempDirectory("newer") + "/new.sqlite"
        _ = try Catalog(path: path, create: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
        #expect(throws: CatalogError.newerSchema(path: path, unknown: ["v99-from-the-future"])) {
            try Catalog(path: path)
        }
    }

    @Test func foreignSQLiteFileIsRefused() throws {
        let path = try makeTempDirectory("foreign") + "/other.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE t(x)") }
        try queue.close()
        let error = #expect(throws: CatalogError.self) { try Catalog(path: path) }
        #expect(error?.description.contains("not a strata catalog") == true)
    }

    @Test func garbageFileIsRefused() throws {
        let path = try makeTempDirectory("garbage") + "/notes.txt"
        try "just some text, not a database at all".padding(toLength: 4096, withPad: "x", startingAt: 0)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: CatalogError.self) { try Catalog(path: path) }
        #expect(error?.description.contains("not a strata catalog") == true)
    }

    @Test func readOnlyOpenWorksAndRefusesWrites() throws {
        let path = try makeTempDirectory("ro") + "/c.sqlite"
        _ = try Catalog(path: path, create: true)
        let ro = try Catalog(path: path, readOnly: true)
        #expect(try ro.read { try $0.count(kind: .table) } == 0)
        #expect(throws: (any Error).self) { try ro.write { try $0.setMeta("k", "v") } }
    }
}
