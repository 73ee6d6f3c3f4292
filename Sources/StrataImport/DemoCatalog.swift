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
        if let dir = environmentVariable(override), !dir.isEmpty { return dir }
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
        if let xdg = environmentVariable("XDG_CACHE_HOME"), xdg.hasPrefix("/") { return xdg + "/strata" }
        return (environmentVariable("HOME") ?? NSHomeDirectory()) + "/.cache/strata"
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
    /// the builder version. Cheap (no file is read), and any edit changes it. Every command that
    /// opens the demo pays for it, so it walks with `readdir` and `lstat`: Foundation's
    /// enumerator with resource values took 8 ms for the demo's 55 files and 42 folders.
    public static func fingerprint(_ folder: String) -> String {
        var hash = FNV1a()
        hash.add(CatalogSchema.currentVersion); hash.add(builderVersion)
        let base = URL(fileURLWithPath: folder).standardizedFileURL.path
        hash.add(base)
        var entries: [(path: String, size: Int64, mtime: String)] = []
        regularFiles(under: base, into: &entries)
        for entry in entries.sorted(by: { $0.path < $1.path }) {
            hash.add(entry.path); hash.add(String(entry.size)); hash.add(entry.mtime)
        }
        return String(hash.value, radix: 16)
    }

    /// Every regular file below `dir`, hidden ones included; symbolic links are not followed.
    private static func regularFiles(under dir: String, into entries: inout [(path: String, size: Int64, mtime: String)]) {
        guard let stream = opendir(dir) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let path = dir + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: regularFiles(under: path, into: &entries)
            case S_IFREG: entries.append((path, Int64(info.st_size), "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"))
            default: continue
            }
        }
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
