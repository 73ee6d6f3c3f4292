import Foundation
import StrataCatalog

/// The bundled demo stack: where its folder is, and its compiled copy in the user's cache,
/// rebuilt whenever anything in the folder (or the catalog schema) changes.
public enum DemoCatalog {
    /// Bumped when the folder-to-catalog translation changes, so caches are rebuilt.
    static let builderVersion = "1"

    /// The demo folder: `$STRATA_DEMO_CATALOG`, else a `catalog/` beside (or above) the running
    /// executable, else the one in the source tree this binary was built from.
    public static func locateFolder(executable: String, sourceTree: String) -> String? {
        locateBundled("catalog", marker: "stages.yaml", override: "STRATA_DEMO_CATALOG", executable: executable,
                      sourceTree: sourceTree)
    }

    /// A folder shipped with strata (`catalog`, `themes`): `$override` when set, else the first
    /// `folder` containing `marker` beside the executable or up to five levels above it, else the
    /// one in the source tree the binary was built from.
    public static func locateBundled(_ folder: String, marker: String, override: String, executable: String,
                                     sourceTree: String) -> String? {
        let env = ProcessInfo.processInfo.environment
        if let dir = env[override], !dir.isEmpty { return dir }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent(folder).path
            if FileManager.default.fileExists(atPath: candidate + "/" + marker) { return candidate }
            dir.deleteLastPathComponent()
        }
        let fromSource = URL(fileURLWithPath: sourceTree).appendingPathComponent(folder).path
        return FileManager.default.fileExists(atPath: fromSource + "/" + marker) ? fromSource : nil
    }

    /// `$XDG_CACHE_HOME/strata`, or `~/.cache/strata`.
    public static func cacheDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/strata" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.cache/strata"
    }

    /// The compiled demo catalog for `folder`, building it first when the cache has no copy of
    /// this exact folder content. Older copies are removed.
    public static func cachedCatalog(folder: String, cacheDir: String = cacheDirectory()) throws -> String {
        let path = cacheDir + "/demo-" + fingerprint(folder) + ".sqlite"
        if FileManager.default.fileExists(atPath: path) { return path }
        try CatalogBuild.build(folder: folder, output: path)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cacheDir)) ?? []
        where name.hasPrefix("demo-") && name.hasSuffix(".sqlite") && cacheDir + "/" + name != path {
            try? FileManager.default.removeItem(atPath: cacheDir + "/" + name)
        }
        return path
    }

    /// A hash of the folder's file names, sizes and modification times, the schema version and
    /// the builder version. Cheap (no file is read), and any edit changes it.
    public static func fingerprint(_ folder: String) -> String {
        var hash = FNV1a()
        hash.add(CatalogSchema.currentVersion); hash.add(builderVersion)
        hash.add(URL(fileURLWithPath: folder).standardizedFileURL.path)
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]
        let base = URL(fileURLWithPath: folder)
        var entries: [(String, Int, Double)] = []
        if let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: keys) {
            for case let url as URL in walker {
                guard let v = try? url.resourceValues(forKeys: Set(keys)), v.isRegularFile == true else { continue }
                entries.append((url.path, v.fileSize ?? 0, v.contentModificationDate?.timeIntervalSince1970 ?? 0))
            }
        }
        for (path, size, mtime) in entries.sorted(by: { $0.0 < $1.0 }) {
            hash.add(path); hash.add(String(size)); hash.add(String(mtime))
        }
        return String(hash.value, radix: 16)
    }
}

/// 64-bit FNV-1a: a small, stable, non-cryptographic hash for cache keys.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ s: String) {
        for byte in s.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = (value ^ 0xff) &* 0x100_0000_01b3   // separator, so ("ab","c") != ("a","bc")
    }
}
