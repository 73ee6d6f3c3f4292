import Foundation

/// A byte-level reader for dbt manifests. It reads the fields `DbtImporter.Manifest` declares
/// and steps over everything else (raw and compiled SQL, macros, docs, parent and child maps)
/// without building values, which makes it several times faster than `JSONDecoder` building
/// the same structs (Foundation has no streaming JSON reader, and the package mirror offers no
/// faster JSON library).
///
/// It is strict in one direction only: whenever the document is not a well-formed manifest of
/// exactly the expected shape (a syntax error, invalid UTF-8, a value of an unexpected type, a
/// duplicate entry, an escaped key, nesting deeper than 512) it answers nil, and the importer
/// decodes the bytes with `JSONDecoder`, whose answer is the reference and whose errors name
/// the JSON path. `ManifestReaderTests` holds the two to the same answer on every corpus
/// manifest and on thousands of damaged ones. Unlike the decoder, it keeps columns in the
/// manifest's order.
struct ManifestReader {
    typealias Manifest = DbtImporter.Manifest
    typealias Node = DbtImporter.Node

    /// Thrown inside the reader to give up; never escapes `read`.
    struct GiveUp: Error {}

    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    /// The known fields met so far in each object being read, innermost last: a field given
    /// twice makes the reader give up (JSONDecoder keeps the first, and agreeing on such input
    /// is not worth the bookkeeping).
    var seenKeys: [UnsafeRawPointer] = []
    /// Where each open object's fields start in `seenKeys` (no allocation per object).
    var frames: [Int] = []
    var duplicateKey = false

    /// Where the entries of `nodes` lie, when they were read ahead on several cores.
    var nodesReadAhead: (start: Int, end: Int, entries: [Range<Int>], nodes: [String: Node])?

    static func read(_ data: Data) -> Manifest? {
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        if data.count >= DbtImporter.parallelThreshold && cores > 1, let m = readInParallel(data, parts: cores * 4) { return m }
        return data.withUnsafeBytes { raw in
            var r = ManifestReader(b: raw.bindMemory(to: UInt8.self))
            return try? r.manifest()
        }
    }

    /// The entries of `nodes` (nearly all of a manifest) found by a byte scan and read on every
    /// core, then the rest of the document here, checking the separators between the entries.
    /// nil when anything does not fit (the caller then reads on one core, which decides).
    static func readInParallel(_ data: Data, parts: Int) -> Manifest? {
        guard let split = DbtImporter.splitNodes(data), !split.entries.isEmpty else { return nil }
        return data.withUnsafeBytes { raw -> Manifest? in
            let bytes = raw.bindMemory(to: UInt8.self)
            nonisolated(unsafe) let buffer = bytes
            let entries = split.entries
            let parts = Parallel.slices(entries, runs: min(parts, entries.count)) { slice -> [(String, Node)]? in
                var out: [(String, Node)] = []
                var r = ManifestReader(b: buffer)
                for e in slice {
                    r.i = e.lowerBound
                    guard let key = try? r.entryKey(), let node = try? r.node(), r.i == e.upperBound, !r.duplicateKey else { return nil }
                    out.append((key, node))
                }
                return out
            }
            var nodes: [String: Node] = [:]
            nodes.reserveCapacity(entries.count)
            for part in parts {
                guard let part else { return nil }
                for (key, node) in part where nodes.updateValue(node, forKey: key) != nil { return nil }
            }
            var r = ManifestReader(b: bytes)
            r.nodesReadAhead = (split.valueStart, split.valueEnd, entries, nodes)
            return try? r.manifest()
        }
    }

    /// `"key":` of an object entry, `i` past the colon.
    mutating func entryKey() throws -> String {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw GiveUp() }
        let r = try stringBody()
        ws()
        guard i < b.count, b[i] == UInt8(ascii: ":") else { throw GiveUp() }
        i += 1
        return try text(r)
    }

    /// The value of `nodes` when its entries were read ahead: only the separators between them
    /// are left to check.
    mutating func nodesAlreadyRead() throws -> [String: Node]? {
        guard let ahead = nodesReadAhead else { return nil }
        ws()
        guard i == ahead.start, b[i] == UInt8(ascii: "{") else { throw GiveUp() }
        i += 1
        for (k, e) in ahead.entries.enumerated() {
            ws()
            if k > 0 {
                guard i < b.count, b[i] == UInt8(ascii: ",") else { throw GiveUp() }
                i += 1
                ws()
            }
            guard i == e.lowerBound else { throw GiveUp() }
            i = e.upperBound
        }
        ws()
        guard i == ahead.end - 1, b[i] == UInt8(ascii: "}") else { throw GiveUp() }
        i += 1
        return ahead.nodes
    }

    // MARK: The manifest's shape

    mutating func manifest() throws -> Manifest {
        var metadata: DbtImporter.Metadata?
        var nodes: [String: Node]?
        var sources: [String: Node]?, exposures: [String: DbtImporter.Exposure]?, groups: [String: DbtImporter.Group]?
        // A key given twice (two "nodes") sets duplicateKey, checked below.
        try fields { r, k in
            switch true {
            case r.key(k, "metadata"): metadata = try r.metadata()
            case r.key(k, "nodes"): nodes = try r.nodesAlreadyRead() ?? r.dictionary { try $0.node() }
            case r.key(k, "sources"): sources = try r.orNull { try $0.dictionary { try $0.node() } }
            case r.key(k, "exposures"): exposures = try r.orNull { try $0.dictionary { try $0.exposure() } }
            case r.key(k, "groups"): groups = try r.orNull { try $0.dictionary { try $0.group() } }
            default: return false
            }
            return true
        }
        ws()
        guard i == b.count, !duplicateKey, let metadata, let nodes else { throw GiveUp() }
        return Manifest(metadata: metadata, nodes: nodes, sources: sources, exposures: exposures, groups: groups,
                        columnsInDocumentOrder: true)
    }

    /// Reads an object, handing each key to `field`; a key it does not take (it answers false)
    /// is stepped over.
    @inline(__always)
    mutating func fields(_ field: (inout ManifestReader, Range<Int>) throws -> Bool) throws {
        try open()
        var first = true
        while let k = try nextKey(&first) {
            if try !field(&self, k) { try skip() }
        }
    }

    mutating func metadata() throws -> DbtImporter.Metadata {
        var m = DbtImporter.Metadata()
        try fields { r, k in
            switch true {
            case r.key(k, "dbt_schema_version"): m.dbt_schema_version = try r.optString()
            case r.key(k, "project_name"): m.project_name = try r.optString()
            case r.key(k, "adapter_type"): m.adapter_type = try r.optString()
            default: return false
            }
            return true
        }
        return m
    }

    mutating func node() throws -> Node {
        var uniqueID: String?, resourceType: String?, packageName: String?, name: String?
        var n = Node(unique_id: "", resource_type: "", package_name: "", name: "")
        try fields { r, k in
            switch true {
            case r.key(k, "unique_id"): uniqueID = try r.string()
            case r.key(k, "resource_type"): resourceType = try r.string()
            case r.key(k, "package_name"): packageName = try r.string()
            case r.key(k, "name"): name = try r.string()
            case r.key(k, "alias"): n.alias = try r.optString()
            case r.key(k, "identifier"): n.identifier = try r.optString()
            case r.key(k, "source_name"): n.source_name = try r.optString()
            case r.key(k, "database"): n.database = try r.optString()
            case r.key(k, "schema"): n.schema = try r.optString()
            case r.key(k, "fqn"): n.fqn = try r.optStrings()
            case r.key(k, "original_file_path"): n.original_file_path = try r.optString()
            case r.key(k, "patch_path"): n.patch_path = try r.optString()
            case r.key(k, "description"): n.description = try r.optString()
            case r.key(k, "tags"): n.tags = try r.optStrings()
            case r.key(k, "meta"): n.meta = try r.orNull { try $0.meta() }
            case r.key(k, "config"): n.config = try r.orNull { try $0.config() }
            case r.key(k, "columns"): n.columns = try r.orNull { try $0.columns() }
            case r.key(k, "depends_on"): n.depends_on = try r.orNull { try $0.dependsOn() }
            case r.key(k, "group"): n.group = try r.optString()
            case r.key(k, "access"): n.access = try r.optString()
            case r.key(k, "version"): n.version = try r.optVersion()
            case r.key(k, "latest_version"): n.latest_version = try r.optVersion()
            case r.key(k, "column_name"): n.column_name = try r.optString()
            case r.key(k, "attached_node"): n.attached_node = try r.optString()
            case r.key(k, "test_metadata"): n.test_metadata = try r.orNull { try $0.testMetadata() }
            default: return false
            }
            return true
        }
        guard let uniqueID, let resourceType, let packageName, let name else { throw GiveUp() }
        n.unique_id = uniqueID; n.resource_type = resourceType; n.package_name = packageName; n.name = name
        return n
    }

    mutating func exposure() throws -> DbtImporter.Exposure {
        var uniqueID: String?, name: String?, packageName: String?
        var x = DbtImporter.Exposure(unique_id: "", name: "", package_name: "")
        try fields { r, k in
            switch true {
            case r.key(k, "unique_id"): uniqueID = try r.string()
            case r.key(k, "name"): name = try r.string()
            case r.key(k, "label"): x.label = try r.optString()
            case r.key(k, "package_name"): packageName = try r.string()
            case r.key(k, "fqn"): x.fqn = try r.optStrings()
            case r.key(k, "original_file_path"): x.original_file_path = try r.optString()
            case r.key(k, "type"): x.type = try r.optString()
            case r.key(k, "description"): x.description = try r.optString()
            case r.key(k, "tags"): x.tags = try r.optStrings()
            case r.key(k, "url"): x.url = try r.optString()
            case r.key(k, "owner"): x.owner = try r.orNull { try $0.exposureOwner() }
            case r.key(k, "depends_on"): x.depends_on = try r.orNull { try $0.dependsOn() }
            case r.key(k, "meta"): x.meta = try r.orNull { try $0.meta() }
            default: return false
            }
            return true
        }
        guard let uniqueID, let name, let packageName else { throw GiveUp() }
        x.unique_id = uniqueID; x.name = name; x.package_name = packageName
        return x
    }

    mutating func group() throws -> DbtImporter.Group {
        var name: String?
        var owner: DbtImporter.Exposure.ExposureOwner?
        try fields { r, k in
            switch true {
            case r.key(k, "name"): name = try r.string()
            case r.key(k, "owner"): owner = try r.orNull { try $0.exposureOwner() }
            default: return false
            }
            return true
        }
        guard let name else { throw GiveUp() }
        return DbtImporter.Group(name: name, owner: owner)
    }

    mutating func exposureOwner() throws -> DbtImporter.Exposure.ExposureOwner {
        var o = DbtImporter.Exposure.ExposureOwner()
        try fields { r, k in
            switch true {
            case r.key(k, "name"): o.name = try r.optString()
            case r.key(k, "email"): o.email = try r.optString()
            default: return false
            }
            return true
        }
        return o
    }

    mutating func meta() throws -> DbtImporter.Meta {
        var m = DbtImporter.Meta()
        try fields { r, k in
            guard r.key(k, "owner") else { return false }
            m.owner = try r.lenientName()
            return true
        }
        return m
    }

    mutating func config() throws -> DbtImporter.Config {
        var c = DbtImporter.Config()
        ws()
        let start = i
        try fields { r, k in
            switch true {
            case r.key(k, "materialized"): c.materialized = try r.optString()
            case r.key(k, "meta"): c.meta = try r.orNull { try $0.meta() }
            case r.key(k, "group"): c.group = try r.optString()
            case r.key(k, "severity"): c.severity = try r.optString()
            case r.key(k, "enabled"): c.enabled = try r.optBool()
            default: return false
            }
            return true
        }
        // The object as written: dbt's `config.KEY:` selectors read any key of it.
        c.json = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        return c
    }

    mutating func dependsOn() throws -> DbtImporter.DependsOn {
        var d = DbtImporter.DependsOn()
        try fields { r, k in
            guard r.key(k, "nodes") else { return false }
            d.nodes = try r.optStrings()
            return true
        }
        return d
    }

    mutating func testMetadata() throws -> DbtImporter.TestMetadata {
        var t = DbtImporter.TestMetadata()
        try fields { r, k in
            switch true {
            case r.key(k, "name"): t.name = try r.optString()
            case r.key(k, "kwargs"): t.kwargs = try r.orNull { try $0.kwargs() }
            default: return false
            }
            return true
        }
        return t
    }

    mutating func kwargs() throws -> DbtImporter.TestMetadata.Kwargs {
        var kw = DbtImporter.TestMetadata.Kwargs()
        try fields { r, k in
            switch true {
            case r.key(k, "column_name"): kw.column_name = try r.lenientName()
            case r.key(k, "model"): kw.model = try r.optString()
            default: return false
            }
            return true
        }
        return kw
    }

    /// Columns in the manifest's order.
    mutating func columns() throws -> DbtImporter.OrderedColumns {
        var out = DbtImporter.OrderedColumns()
        var names = Set<String>()
        try fields { r, k in
            let name = try r.text(k)
            var c = DbtImporter.ColumnInfo()
            try r.fields { r, f in
                switch true {
                case r.key(f, "name"): c.name = try r.optString()
                case r.key(f, "description"): c.description = try r.optString()
                case r.key(f, "data_type"): c.data_type = try r.optString()
                default: return false
                }
                return true
            }
            guard names.insert(name).inserted else { throw GiveUp() }
            out.list.append((name, c))
            return true
        }
        return out
    }

    /// `LenientName`: a string, the first of a list of strings, or an object's name or email;
    /// anything else (including a value of the wrong type inside) is no name.
    mutating func lenientName() throws -> LenientName? {
        ws()
        guard i < b.count else { throw GiveUp() }
        switch b[i] {
        case UInt8(ascii: "n"): try literal("null"); return nil
        case UInt8(ascii: "\""): return LenientName(value: try string())
        case UInt8(ascii: "["):
            let start = i
            if let list = try? strings() { return LenientName(value: list.first) }
            i = start
            try skip()
            return LenientName(value: nil)
        case UInt8(ascii: "{"):
            let start = i
            let (openFrames, openKeys) = (frames.count, seenKeys.count)
            do {
                let named = try exposureOwner()   // the same two fields
                return LenientName(value: named.name ?? named.email)
            } catch {
                i = start
                frames.removeLast(frames.count - openFrames)
                seenKeys.removeLast(seenKeys.count - openKeys)
                try skip()
                return LenientName(value: nil)
            }
        default:
            try skip()
            return LenientName(value: nil)
        }
    }

    // MARK: Values

    mutating func dictionary<T>(_ value: (inout ManifestReader) throws -> T) throws -> [String: T] {
        var out: [String: T] = [:]
        try fields { r, k in
            let name = try r.text(k)
            guard out.updateValue(try value(&r), forKey: name) == nil else { throw GiveUp() }
            return true
        }
        return out
    }

    mutating func orNull<T>(_ value: (inout ManifestReader) throws -> T) throws -> T? {
        ws()
        if i < b.count && b[i] == UInt8(ascii: "n") { try literal("null"); return nil }
        return try value(&self)
    }

    mutating func optString() throws -> String? { try orNull { try $0.string() } }
    mutating func optStrings() throws -> [String]? { try orNull { try $0.strings() } }

    /// A model version: a string, or a number kept as written (`2`, `2.5`).
    mutating func optVersion() throws -> LenientVersion? {
        try orNull { r in
            r.ws()
            guard r.i < r.b.count else { throw GiveUp() }
            if r.b[r.i] == UInt8(ascii: "\"") { return LenientVersion(text: try r.string()) }
            let start = r.i
            try r.number()
            let text = String(decoding: UnsafeBufferPointer(rebasing: r.b[start..<r.i]), as: UTF8.self)
            return LenientVersion(number: text)
        }
    }

    mutating func optBool() throws -> Bool? {
        ws()
        guard i < b.count else { throw GiveUp() }
        switch b[i] {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        case UInt8(ascii: "n"): try literal("null"); return nil
        default: throw GiveUp()
        }
    }

    mutating func strings() throws -> [String] {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "[") else { throw GiveUp() }
        i += 1
        var out: [String] = []
        ws()
        if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; return out }
        while true {
            out.append(try string())
            ws()
            guard i < b.count else { throw GiveUp() }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return out }
            throw GiveUp()
        }
    }

    mutating func string() throws -> String {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw GiveUp() }
        let r = try stringBody()
        return try text(r)
    }

    /// The raw bytes between the quotes of the string at `i` (a quote), after checking them;
    /// `i` moves past the closing quote.
    mutating func stringBody() throws -> Range<Int> {
        let start = i + 1
        var j = start
        var high: UInt8 = 0
        while true {
            guard j < b.count else { throw GiveUp() }
            let c = b[j]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                guard j + 1 < b.count else { throw GiveUp() }
                switch b[j + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): j += 2
                case UInt8(ascii: "u"):
                    guard j + 5 < b.count, (2...5).allSatisfy({ Self.hex(b[j + $0]) != nil }) else { throw GiveUp() }
                    j += 6
                default: throw GiveUp()
                }
                continue
            }
            if c < 0x20 { throw GiveUp() }
            high |= c
            j += 1
        }
        i = j + 1
        if high >= 0x80 {
            guard String(validating: UnsafeBufferPointer(rebasing: b[start..<j]), as: UTF8.self) != nil else { throw GiveUp() }
        }
        return start..<j
    }

    /// The text of a checked string body, escapes decoded.
    func text(_ r: Range<Int>) throws -> String {
        let raw = UnsafeBufferPointer(rebasing: b[r])
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var j = 0
        while j < raw.count {
            let c = raw[j]
            guard c == UInt8(ascii: "\\") else { out.append(c); j += 1; continue }
            let e = raw[j + 1]
            j += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = Self.hex4(raw, j)
                j += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard j + 5 < raw.count, raw[j] == UInt8(ascii: "\\"), raw[j + 1] == UInt8(ascii: "u") else { throw GiveUp() }
                    let low = Self.hex4(raw, j + 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw GiveUp() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    j += 6
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw GiveUp()
                }
                guard let u = Unicode.Scalar(scalar) else { throw GiveUp() }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: out.append(e)   // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        default: nil
        }
    }

    static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 4 | (hex(raw[at + $1]) ?? 0) }
    }

    // MARK: Structure

    mutating func ws() { while i < b.count && JSONBytes.isSpace(b[i]) { i += 1 } }

    mutating func open() throws {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "{") else { throw GiveUp() }
        i += 1
    }

    /// The raw bytes of the next key of the object being read, `i` past its colon; nil (and `i`
    /// past the closing brace) at the end. Escaped keys are given up on: the decoder would
    /// unescape them before matching.
    mutating func nextKey(_ first: inout Bool) throws -> Range<Int>? {
        ws()
        guard i < b.count else { throw GiveUp() }
        if first {
            first = false
            frames.append(seenKeys.count)
            if b[i] == UInt8(ascii: "}") { i += 1; closeFrame(); return nil }
        } else {
            if b[i] == UInt8(ascii: "}") { i += 1; closeFrame(); return nil }
            guard b[i] == UInt8(ascii: ",") else { throw GiveUp() }
            i += 1
            ws()
        }
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw GiveUp() }
        let r = try stringBody()
        ws()
        guard i < b.count, b[i] == UInt8(ascii: ":") else { throw GiveUp() }
        i += 1
        return r
    }

    /// Whether the key is `name`; a known field met twice in one object is noted.
    mutating func key(_ r: Range<Int>, _ name: StaticString) -> Bool {
        guard r.count == name.utf8CodeUnitCount, memcmp(b.baseAddress! + r.lowerBound, name.utf8Start, r.count) == 0 else {
            return false
        }
        let id = UnsafeRawPointer(name.utf8Start)
        guard let start = frames.last else { return true }
        if seenKeys[start...].contains(id) { duplicateKey = true } else { seenKeys.append(id) }
        return true
    }

    mutating func closeFrame() {
        seenKeys.removeLast(seenKeys.count - frames.removeLast())
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count, memcmp(b.baseAddress! + i, word.utf8Start, n) == 0 else { throw GiveUp() }
        i += n
    }

    /// Steps over one value, checking its syntax as a decoder would (without building it).
    mutating func skip() throws {
        // Open containers, innermost last: true for an object.
        var stack: [Bool] = []
        while true {
            ws()
            guard i < b.count else { throw GiveUp() }
            // A value.
            switch b[i] {
            case UInt8(ascii: "{"):
                i += 1
                ws()
                if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; break }
                guard stack.count < 512 else { throw GiveUp() }
                stack.append(true)
                try objectKey()
                continue
            case UInt8(ascii: "["):
                i += 1
                ws()
                if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; break }
                guard stack.count < 512 else { throw GiveUp() }
                stack.append(false)
                continue
            case UInt8(ascii: "\""): _ = try stringBody()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
            // After a value: a comma, or the end of one or more containers.
            while true {
                guard let isObject = stack.last else { return }
                ws()
                guard i < b.count else { throw GiveUp() }
                let c = b[i]
                if c == UInt8(ascii: ",") {
                    i += 1
                    if isObject { try objectKey() }
                    break
                }
                guard c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { throw GiveUp() }
                i += 1
                stack.removeLast()
            }
        }
    }

    /// `"key":` inside an object being skipped.
    mutating func objectKey() throws {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw GiveUp() }
        _ = try stringBody()
        ws()
        guard i < b.count, b[i] == UInt8(ascii: ":") else { throw GiveUp() }
        i += 1
    }

    /// A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    mutating func number() throws {
        func digits(_ r: inout ManifestReader) -> Int {
            let s = r.i
            while r.i < r.b.count && r.b[r.i] >= 0x30 && r.b[r.i] <= 0x39 { r.i += 1 }
            return r.i - s
        }
        if i < b.count && b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { throw GiveUp() }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits(&self) == 0 { throw GiveUp() }
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&self) > 0 else { throw GiveUp() }
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits(&self) > 0 else { throw GiveUp() }
        }
    }
}
