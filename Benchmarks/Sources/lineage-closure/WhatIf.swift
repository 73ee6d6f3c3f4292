import Foundation
import GRDB
import GRDBSQLite
import StrataCatalog
import StrataTerminal
#if canImport(Glibc)
import Glibc
#endif

/// Prototypes of cheaper ways to answer `+NODE --ids`, timed like `Probe` in a fresh process
/// per run. They live here, not in strata, only to put numbers on the proposals in
/// BENCHMARKS.md; the ids they print are checked against the binary's.
/// - `lean`: the same catalog and lineage_cache, but only the two upstream blobs are read,
///   with `sqlite3_blob_read` straight into the arrays (one copy instead of three, 6.5 of
///   15 MB), a bitmap instead of a per-node stamp array, then the same id lookups.
/// - `mmap`: the upstream arrays in a flat file beside the catalog, mapped read-only: the walk
///   faults in only the pages it touches.
enum WhatIf {
    static func run(mode: String, node: String, path: String, sidecar: String) throws {
        let steps = StepLog()
        func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T { try steps.step(name, body) }
        let catalog = try step("open") { try Catalog(path: path) }
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: path, configuration: config)
        let start = try catalog.read { try $0.lineageNum(ofID: node) }!
        var reached: [Int32] = []
        switch mode {
        case "lean":
            let (offsets, targets) = try step("arrays") {
                try db.read { db in (try blob(db, "up.offsets"), try blob(db, "up.targets")) }
            }
            reached = step("walk") {
                offsets.withUnsafeBufferPointer { o in targets.withUnsafeBufferPointer { t in bfs(start, o, t) } }
            }
        default:
            let mapped = try step("arrays") { try Mapped(sidecar) }
            reached = step("walk") { bfs(start, mapped.offsets, mapped.targets) }
        }
        let ids = try step("nodes") {
            try db.read { db -> [String] in
                let s = try db.cachedStatement(sql: "SELECT id FROM entity WHERE num = ?")
                return try reached.compactMap { try String.fetchOne(s, arguments: [Int64($0)]) }
            }
        }
        step("print") {
            for id in ids.sorted() { print(id.inert(keepLayout: true)) }
            fflush(nil)
        }
        let json = steps.json()
        FileHandle.standardError.write(Data(json.utf8))
    }

    /// One lineage_cache blob read with the incremental-blob API into a new array.
    static func blob(_ db: Database, _ key: String) throws -> [Int32] {
        guard let rowid = try Int64.fetchOne(db, sql: "SELECT rowid FROM lineage_cache WHERE key = ?", arguments: [key])
        else { throw BenchError("lineage_cache has no \(key)") }
        var handle: OpaquePointer?
        guard sqlite3_blob_open(db.sqliteConnection, "main", "lineage_cache", "data", rowid, 0, &handle) == SQLITE_OK
        else { throw BenchError("sqlite3_blob_open failed") }
        defer { sqlite3_blob_close(handle) }
        let bytes = Int(sqlite3_blob_bytes(handle))
        return try [Int32](unsafeUninitializedCapacity: bytes / 4) { buffer, count in
            guard sqlite3_blob_read(handle, buffer.baseAddress, Int32(bytes), 0) == SQLITE_OK
            else { throw BenchError("sqlite3_blob_read failed") }
            count = bytes / 4
        }
    }

    /// Breadth-first upstream closure over CSR rows, with a bitmap of seen nodes.
    static func bfs(_ start: Int32, _ offsets: UnsafeBufferPointer<Int32>, _ targets: UnsafeBufferPointer<Int32>) -> [Int32] {
        var seen = [UInt64](repeating: 0, count: offsets.count / 64 + 1)
        var out: [Int32] = [start]
        seen[Int(start) >> 6] |= 1 << (UInt64(start) & 63)
        var head = 0
        while head < out.count {
            let n = Int(out[head])
            head += 1
            for i in Int(offsets[n])..<Int(offsets[n + 1]) {
                let t = targets[i]
                let bit: UInt64 = 1 << (UInt64(t) & 63)
                if seen[Int(t) >> 6] & bit == 0 {
                    seen[Int(t) >> 6] |= bit
                    out.append(t)
                }
            }
        }
        return out
    }

    /// The flat file: Int64 count of offsets, Int64 count of targets, then both Int32 arrays.
    final class Mapped {
        let base: UnsafeMutableRawPointer
        let size: Int
        let offsets: UnsafeBufferPointer<Int32>
        let targets: UnsafeBufferPointer<Int32>

        init(_ file: String) throws {
            let fd = open(file, O_RDONLY)
            guard fd >= 0 else { throw BenchError("cannot open \(file)") }
            defer { close(fd) }
            var st = stat()
            fstat(fd, &st)
            size = Int(st.st_size)
            guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
                throw BenchError("mmap failed")
            }
            base = p
            let counts = p.assumingMemoryBound(to: Int64.self)
            let no = Int(counts[0]), nt = Int(counts[1])
            let ints = (p + 16).assumingMemoryBound(to: Int32.self)
            offsets = UnsafeBufferPointer(start: ints, count: no)
            targets = UnsafeBufferPointer(start: ints + no, count: nt)
        }

        deinit { munmap(base, size) }

        static func write(_ file: String, offsets: [Int32], targets: [Int32]) throws {
            var data = Data()
            withUnsafeBytes(of: Int64(offsets.count)) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: Int64(targets.count)) { data.append(contentsOf: $0) }
            offsets.withUnsafeBytes { data.append(contentsOf: $0) }
            targets.withUnsafeBytes { data.append(contentsOf: $0) }
            try data.write(to: URL(fileURLWithPath: file))
        }
    }
}
