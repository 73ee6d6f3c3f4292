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
            let n = min(parts, split.entries.count)
            let per = (split.entries.count + n - 1) / n
            final class Results: @unchecked Sendable { var parts: [[(String, Node)]?] = [] }
            let results = Results()
            results.parts = Array(repeating: nil, count: n)
            nonisolated(unsafe) let buffer = bytes
            let entries = split.entries
            DispatchQueue.concurrentPerform(iterations: n) { k in
                var out: [(String, Node)] = []
                var r = ManifestReader(b: buffer)
                for e in entries[min(entries.count, k * per)..<min(entries.count, (k + 1) * per)] {
                    r.i = e.lowerBound
                    guard let key = try? r.entryKey(), let node = try? r.node(), r.i == e.upperBound, !r.duplicateKey else { return }
                    out.append((key, node))
                }
                results.parts[k] = out
            }
            var nodes: [String: Node] = [:]
            nodes.reserveCapacity(entries.count)
            for part in results.parts {
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
        var seen = Set<String>()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "metadata"): try once(&seen, "metadata"); metadata = try self.metadata()
            case key(k, "nodes"):
                try once(&seen, "nodes")
                nodes = try nodesAlreadyRead() ?? dictionary { try $0.node() }
            case key(k, "sources"): try once(&seen, "sources"); sources = try orNull { try $0.dictionary { try $0.node() } }
            case key(k, "exposures"): try once(&seen, "exposures"); exposures = try orNull { try $0.dictionary { try $0.exposure() } }
            case key(k, "groups"): try once(&seen, "groups"); groups = try orNull { try $0.dictionary { try $0.group() } }
            default: try skip()
            }
        }
        ws()
        guard i == b.count, !duplicateKey, let metadata, let nodes else { throw GiveUp() }
        return Manifest(metadata: metadata, nodes: nodes, sources: sources, exposures: exposures, groups: groups,
                        columnsInDocumentOrder: true)
    }

    func once(_ seen: inout Set<String>, _ name: String) throws {
        guard seen.insert(name).inserted else { throw GiveUp() }
    }

    mutating func metadata() throws -> DbtImporter.Metadata {
        var m = DbtImporter.Metadata()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "dbt_schema_version"): m.dbt_schema_version = try optString()
            case key(k, "project_name"): m.project_name = try optString()
            case key(k, "adapter_type"): m.adapter_type = try optString()
            default: try skip()
            }
        }
        return m
    }

    mutating func node() throws -> Node {
        var uniqueID: String?, resourceType: String?, packageName: String?, name: String?
        var n = Node(unique_id: "", resource_type: "", package_name: "", name: "")
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "unique_id"): uniqueID = try string()
            case key(k, "resource_type"): resourceType = try string()
            case key(k, "package_name"): packageName = try string()
            case key(k, "name"): name = try string()
            case key(k, "alias"): n.alias = try optString()
            case key(k, "identifier"): n.identifier = try optString()
            case key(k, "source_name"): n.source_name = try optString()
            case key(k, "database"): n.database = try optString()
            case key(k, "schema"): n.schema = try optString()
            case key(k, "fqn"): n.fqn = try optStrings()
            case key(k, "original_file_path"): n.original_file_path = try optString()
            case key(k, "patch_path"): n.patch_path = try optString()
            case key(k, "description"): n.description = try optString()
            case key(k, "tags"): n.tags = try optStrings()
            case key(k, "meta"): n.meta = try orNull { try $0.meta() }
            case key(k, "config"): n.config = try orNull { try $0.config() }
            case key(k, "columns"): n.columns = try orNull { try $0.columns() }
            case key(k, "depends_on"): n.depends_on = try orNull { try $0.dependsOn() }
            case key(k, "group"): n.group = try optString()
            case key(k, "access"): n.access = try optString()
            case key(k, "column_name"): n.column_name = try optString()
            case key(k, "attached_node"): n.attached_node = try optString()
            case key(k, "test_metadata"): n.test_metadata = try orNull { try $0.testMetadata() }
            default: try skip()
            }
        }
        guard let uniqueID, let resourceType, let packageName, let name else { throw GiveUp() }
        n.unique_id = uniqueID; n.resource_type = resourceType; n.package_name = packageName; n.name = name
        return n
    }

    mutating func exposure() throws -> DbtImporter.Exposure {
        var uniqueID: String?, name: String?, packageName: String?
        var x = DbtImporter.Exposure(unique_id: "", name: "", package_name: "")
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "unique_id"): uniqueID = try string()
            case key(k, "name"): name = try string()
            case key(k, "label"): x.label = try optString()
            case key(k, "package_name"): packageName = try string()
            case key(k, "fqn"): x.fqn = try optStrings()
            case key(k, "original_file_path"): x.original_file_path = try optString()
            case key(k, "type"): x.type = try optString()
            case key(k, "description"): x.description = try optString()
            case key(k, "tags"): x.tags = try optStrings()
            case key(k, "url"): x.url = try optString()
            case key(k, "owner"): x.owner = try orNull { try $0.exposureOwner() }
            case key(k, "depends_on"): x.depends_on = try orNull { try $0.dependsOn() }
            case key(k, "meta"): x.meta = try orNull { try $0.meta() }
            default: try skip()
            }
        }
        guard let uniqueID, let name, let packageName else { throw GiveUp() }
        x.unique_id = uniqueID; x.name = name; x.package_name = packageName
        return x
    }

    mutating func group() throws -> DbtImporter.Group {
        var name: String?
        var owner: DbtImporter.Exposure.ExposureOwner?
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "name"): name = try string()
            case key(k, "owner"): owner = try orNull { try $0.exposureOwner() }
            default: try skip()
            }
        }
        guard let name else { throw GiveUp() }
        return DbtImporter.Group(name: name, owner: owner)
    }

    mutating func exposureOwner() throws -> DbtImporter.Exposure.ExposureOwner {
        var o = DbtImporter.Exposure.ExposureOwner()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "name"): o.name = try optString()
            case key(k, "email"): o.email = try optString()
            default: try skip()
            }
        }
        return o
    }

    mutating func meta() throws -> DbtImporter.Meta {
        var m = DbtImporter.Meta()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "owner") { m.owner = try lenientName() } else { try skip() }
        }
        return m
    }

    mutating func config() throws -> DbtImporter.Config {
        var c = DbtImporter.Config()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "materialized"): c.materialized = try optString()
            case key(k, "meta"): c.meta = try orNull { try $0.meta() }
            case key(k, "group"): c.group = try optString()
            case key(k, "severity"): c.severity = try optString()
            case key(k, "enabled"): c.enabled = try optBool()
            default: try skip()
            }
        }
        return c
    }

    mutating func dependsOn() throws -> DbtImporter.DependsOn {
        var d = DbtImporter.DependsOn()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "nodes") { d.nodes = try optStrings() } else { try skip() }
        }
        return d
    }

    mutating func testMetadata() throws -> DbtImporter.TestMetadata {
        var t = DbtImporter.TestMetadata()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            switch true {
            case key(k, "name"): t.name = try optString()
            case key(k, "kwargs"): t.kwargs = try orNull { try $0.kwargs() }
            default: try skip()
            }
        }
        return t
    }

    mutating func kwargs() throws -> DbtImporter.TestMetadata.Kwargs {
        var k = DbtImporter.TestMetadata.Kwargs()
        try open()
        var first = true
        while let key = try nextKey(&first) {
            switch true {
            case self.key(key, "column_name"): k.column_name = try lenientName()
            case self.key(key, "model"): k.model = try optString()
            default: try skip()
            }
        }
        return k
    }

    /// Columns in the manifest's order.
    mutating func columns() throws -> DbtImporter.OrderedColumns {
        var out = DbtImporter.OrderedColumns()
        var names = Set<String>()
        try open()
        var first = true
        while let k = try nextKey(&first) {
            let name = try text(k)
            var c = DbtImporter.ColumnInfo()
            try open()
            var inner = true
            while let f = try nextKey(&inner) {
                switch true {
                case key(f, "name"): c.name = try optString()
                case key(f, "description"): c.description = try optString()
                case key(f, "data_type"): c.data_type = try optString()
                default: try skip()
                }
            }
            guard names.insert(name).inserted else { throw GiveUp() }
            out.list.append((name, c))
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
            var name: String?, email: String?
            do {
                try open()
                var first = true
                while let k = try nextKey(&first) {
                    switch true {
                    case key(k, "name"): name = try optString()
                    case key(k, "email"): email = try optString()
                    default: try skip()
                    }
                }
                return LenientName(value: name ?? email)
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
        try open()
        var first = true
        while let k = try nextKey(&first) {
            let name = try text(k)
            guard out.updateValue(try value(&self), forKey: name) == nil else { throw GiveUp() }
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
