import Foundation
import StrataCatalog

/// Merges an import plan into a catalog file, all or nothing: the catalog is copied beside
/// itself, the copy is changed in one transaction and renamed over the original only when
/// everything worked and something changed. On any error, or when nothing changed, the
/// original file is left byte-identical. (The copy costs a read and a write of the catalog per
/// import: the price of never leaving a half-imported or re-stamped file.)
public enum CatalogImport {
    @discardableResult
    public static func apply(_ plan: ImportPlan, to path: String,
                             progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let out = URL(fileURLWithPath: path).standardizedFileURL
        let dir = out.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let existed = FileManager.default.fileExists(atPath: out.path)
        let tmp = dir + "/.\(out.lastPathComponent).import-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: tmp)
        do {
            if existed { try FileManager.default.copyItem(atPath: out.path, toPath: tmp) }
            let catalog: Catalog
            do {
                // A catalog that an import creates gets 16 KB pages: a 20,000-model manifest then
                // writes 0.45 s less CPU than with 4 KB pages, and searches stay as fast
                // (BENCHMARKS.md, "Page size"). Builds keep SQLite's 4 KB: generating the
                // 1,000,000-entity catalog with a 16 MB page cache took 224 s instead of 123.
                catalog = try Catalog(path: tmp, create: true, newFilePageSize: 16384)
            } catch CatalogError.notACatalog(_, let reason) {
                throw CatalogError.notACatalog(path: out.path, reason: reason)
            } catch CatalogError.newerSchema(_, let unknown) {
                throw CatalogError.newerSchema(path: out.path, unknown: unknown)
            }
            try catalog.useAsPrivateScratchCopy()
            PhaseClock.lap("copy, open")
            let now = nowTimestamp()
            let summary = try catalog.write { w in try w.apply(plan.batch, now: now, progress: progress) }
            PhaseClock.lap("commit")
            if !summary.isEmpty { try catalog.prepareLineage() }
            try catalog.close()
            PhaseClock.lap("close")
            if existed && summary.isEmpty {
                try? FileManager.default.removeItem(atPath: tmp)
                return summary
            }
            // The copy was written without fsyncs: make it durable before it replaces the catalog.
            let fd = open(tmp, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
            guard rename(tmp, out.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: out.path,
                    NSLocalizedDescriptionKey: "cannot move the new catalog into place: \(String(cString: strerror(errno)))"])
            }
            PhaseClock.lap("fsync, rename")
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            try? FileManager.default.removeItem(atPath: tmp + "-journal")
            throw error
        }
    }
}
