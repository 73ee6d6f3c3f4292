import CZlib
import Foundation
import StrataYAML

/// Reading importer inputs: files (optionally gzipped), JSON with errors that name the file and
/// the JSON path or line, and directory walks.
enum ImportInput {
    /// The absolute, standardized path: the identity of a source in the catalog.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func problem(_ file: String, _ message: String, line: Int = 0) -> InputProblems {
        InputProblems([Diagnostic(file: file, line: line, message: message)])
    }

    /// The file's bytes, gunzipped when it is gzip (by its magic bytes, whatever its name).
    static func read(_ path: String) throws -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw problem(path, "no such file")
        }
        if isDir.boolValue { throw problem(path, "is a directory, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw problem(path, "cannot read this file") }
        if data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b {
            guard let plain = gunzip(data) else { throw problem(path, "not a valid gzip file (truncated or corrupt)") }
            return plain
        }
        if path.hasSuffix(".gz") { throw problem(path, "is named .gz but is not gzip data") }
        return data
    }

    static func gunzip(_ data: Data) -> Data? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        out.reserveCapacity(data.count * 8)
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                buffer.withUnsafeMutableBufferPointer { buf in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    out.append(buf.baseAddress!, count: chunk - Int(stream.avail_out))
                }
            } while status == Z_OK
        }
        return status == Z_STREAM_END ? out : nil
    }

    /// Decodes `data` as `T`, turning decoding errors into a diagnostic on `file` with the JSON
    /// path of the bad value, or the line of a syntax error.
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, file: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let ctx) = error, ctx.codingPath.isEmpty {
                // A syntax error: JSONSerialization says where it is.
                _ = try jsonObject(data, file: file)
            }
            throw problem(file, describe(error), line: line(of: error, in: data))
        }
    }

    /// `nodes["model.x"].columns`: the JSON path of a coding path.
    static func jsonPath(_ path: [CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue { out += "[\(i)]" } else if key.stringValue.contains(".") || key.stringValue.contains(" ") {
                out += "[\"\(key.stringValue)\"]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out.isEmpty ? "(top level)" : out
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let ctx):
            let at = jsonPath(ctx.codingPath)
            return "missing required key '\(key.stringValue)'" + (ctx.codingPath.isEmpty ? "" : " at \(at)")
        case .typeMismatch(let type, let ctx):
            return "at \(jsonPath(ctx.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let ctx):
            return "at \(jsonPath(ctx.codingPath)): expected \(typeName(type)), found null"
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty {
                let detail = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return "not valid JSON" + (detail.map { " (\($0))" } ?? "") + "; is the file truncated?"
            }
            return "at \(jsonPath(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") { return "an object" }
        if name.contains("String") { return "a string" }
        if name.contains("Int") || name.contains("Double") { return "a number" }
        if name.contains("Bool") { return "true or false" }
        return "an object"
    }

    /// The line of a syntax error, when Foundation tells where it is (by line or byte offset).
    static func line(of error: DecodingError, in data: Data) -> Int {
        guard case .dataCorrupted(let ctx) = error, let ns = ctx.underlyingError as NSError? else { return 0 }
        let text = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
        if let r = text.range(of: #"line (\d+)"#, options: .regularExpression),
           let n = Int(text[r].dropFirst(5)) { return n }
        if let idx = ns.userInfo["NSJSONSerializationErrorIndex"] as? Int { return lineAt(offset: idx, in: data) }
        if text.contains("end of file") || text.contains("Unexpected end") { return lineAt(offset: data.count, in: data) }
        return 0
    }

    static func lineAt(offset: Int, in data: Data) -> Int {
        var line = 1
        for b in data.prefix(offset) where b == 0x0A { line += 1 }
        return line
    }

    /// JSON through JSONSerialization (for inputs whose facets are free-form).
    static func jsonObject(_ data: Data, file: String, line: Int = 0) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let ns = error as NSError
            let detail = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
            var at = line
            if at == 0 {
                if let r = detail.range(of: #"line (\d+)"#, options: .regularExpression), let n = Int(detail[r].dropFirst(5)) {
                    at = n
                } else if let r = detail.range(of: #"character (\d+)"#, options: .regularExpression),
                          let n = Int(detail[r].dropFirst(10)) {
                    at = lineAt(offset: n, in: data)
                } else if let idx = ns.userInfo["NSJSONSerializationErrorIndex"] as? Int {
                    at = lineAt(offset: idx, in: data)
                } else {
                    at = lineAt(offset: data.count, in: data)
                }
            }
            if let ndjson = ndjsonHint(data) { throw problem(file, ndjson) }
            throw problem(file, "not valid JSON" + (detail.isEmpty ? "" : " (\(detail))") + "; is the file truncated?", line: at)
        }
    }

    /// A file of one JSON object per line given where one JSON document belongs: says so, and
    /// names the importer that reads OpenLineage events.
    static func ndjsonHint(_ data: Data) -> String? {
        let lines = data.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: true)
        guard lines.count >= 2, let first = try? JSONSerialization.jsonObject(with: Data(lines[0])) as? [String: Any] else {
            return nil
        }
        return "holds one JSON object per line (NDJSON), not one JSON document"
            + (first["eventType"] != nil && first["run"] != nil ? ": OpenLineage events? strata import openlineage FILE" : "")
    }

    /// Every regular file under `dir`, sorted, as absolute paths.
    static func walk(_ dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = dir + "/" + rel
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { out.append(path) }
        }
        return out.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

/// Any JSON value decoded back into compact JSON text, object keys sorted (the decoder hands them
/// over in no fixed order, and the text goes into an import's digest): what the decoder keeps of a
/// dbt node's config (the manifest reader keeps the bytes as they are).
struct JSONText: Decodable {
    var text: String

    init(from decoder: Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            text = "{" + (try keyed.allKeys.sorted { $0.stringValue < $1.stringValue }.map { key in
                Self.quoted(key.stringValue) + ":" + (try keyed.decode(JSONText.self, forKey: key).text)
            }.joined(separator: ",")) + "}"
            return
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [String] = []
            while !list.isAtEnd { items.append(try list.decode(JSONText.self).text) }
            text = "[" + items.joined(separator: ",") + "]"
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { text = "null" }
        else if let b = try? c.decode(Bool.self) { text = b ? "true" : "false" }
        else if let i = try? c.decode(Int.self) { text = String(i) }
        else if let d = try? c.decode(Double.self) { text = String(d) }
        else { text = Self.quoted(try c.decode(String.self)) }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}

/// A dbt model version as the manifest writes it (`2`, `2.5` or `"v2"`), kept as its text.
struct LenientVersion: Decodable, Equatable {
    var text: String
    init(text: String) { self.text = text }
    /// A JSON number's text as JSONDecoder would give it back: integral values (`2.0`, `1e2`)
    /// as integers, the rest as Double writes them.
    init(number: String) {
        if let i = Int(number) { text = String(i); return }
        guard let d = Double(number) else { text = number; return }
        text = d == d.rounded() && abs(d) < 9e15 ? String(Int(d)) : String(d)
    }
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { text = String(i); return }
        if let d = try? c.decode(Double.self) { text = String(d); return }
        text = try c.decode(String.self)
    }
}

/// A JSON value decoded leniently: a string, or the first string of a list, or the `name` of an
/// object (owners are written all three ways); anything else is nil.
struct LenientName: Decodable, Equatable {
    var value: String?
    init(value: String?) { self.value = value }
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { value = s; return }
        if let l = try? c.decode([String].self) { value = l.first; return }
        struct Named: Decodable { var name: String?; var email: String? }
        if let n = try? c.decode(Named.self) { value = n.name ?? n.email; return }
        value = nil
    }
}
