import Foundation
import StrataCatalog

/// Compiles a catalog folder into a SQLite catalog file, atomically: the new catalog is written
/// to a temporary file beside the output and renamed over it only when complete, so a failed
/// build leaves an existing output byte-identical.
public enum CatalogBuild {
    /// Builds `folder` into `output`. Throws `InputProblems` (every problem in the folder) or a
    /// catalog error; on any failure `output` is untouched.
    @discardableResult
    public static func build(folder: String, output: String) throws -> CatalogContent {
        let content = try CatalogFolder.loadChecked(folder)
        try writeAtomically(output) { catalog in
            try catalog.write { w in
                try content.write(to: w)
                try w.setMeta("built_from", URL(fileURLWithPath: folder).standardizedFileURL.path)
            }
            try catalog.prepareLineage()
        }
        return content
    }

    /// Creates a fresh catalog in a temporary file, lets `fill` write it, then renames it to `output`.
    public static func writeAtomically(_ output: String, _ fill: (Catalog) throws -> Void) throws {
        let out = URL(fileURLWithPath: output).standardizedFileURL
        let dir = out.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = dir + "/.\(out.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: tmp)
        do {
            do {
                let catalog = try Catalog(path: tmp, create: true)
                try fill(catalog)
                try catalog.close()
            }
            guard rename(tmp, out.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: out.path,
                    NSLocalizedDescriptionKey: "cannot move the new catalog into place: \(String(cString: strerror(errno)))"])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            try? FileManager.default.removeItem(atPath: tmp + "-journal")
            throw error
        }
    }
}
