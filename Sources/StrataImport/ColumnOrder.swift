import Foundation

extension DbtImporter {
    /// The order in which the manifest lists each node's columns (the order of the YAML they
    /// were documented in), keyed by unique_id. Foundation's decoders do not keep key order, so
    /// one byte scan finds it: for every `"columns": {…}` object, the keys directly inside it,
    /// attributed to the `"unique_id"` seen last before it (dbt writes `unique_id` before
    /// `columns` in every node). Nodes it misses keep their columns sorted by name.
    static func columnOrder(_ data: Data) -> [String: [String]] {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [String: [String]] in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            let quote = UInt8(ascii: "\"")
            let openBrace = UInt8(ascii: "{"), openBracket = UInt8(ascii: "["), closeBrace = UInt8(ascii: "}"),
                closeBracket = UInt8(ascii: "]"), colon = UInt8(ascii: ":")
            let isSpace = JSONBytes.isSpace
            /// Index just past the string that starts at `start` (a quote).
            func skipString(_ start: Int) -> Int { JSONBytes.skipString(b, from: start) }
            func equals(_ start: Int, _ end: Int, _ word: StaticString) -> Bool {
                let len = word.utf8CodeUnitCount
                guard end - start - 2 == len else { return false }
                let w = word.utf8Start
                for k in 0..<len where b[start + 1 + k] != w[k] { return false }
                return true
            }
            func text(_ start: Int, _ end: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[(start + 1)..<(end - 1)]), as: UTF8.self)
            }
            /// After a key ending at `end`: the index of its value, when a colon follows.
            func valueAfter(_ end: Int) -> Int? {
                var j = end
                while j < n && isSpace(b[j]) { j += 1 }
                guard j < n && b[j] == colon else { return nil }
                j += 1
                while j < n && isSpace(b[j]) { j += 1 }
                return j < n ? j : nil
            }

            var out: [String: [String]] = [:]
            var lastID: String?
            var i = 0
            while i < n {
                guard b[i] == quote else { i += 1; continue }
                let end = skipString(i)
                if equals(i, end, "unique_id"), let v = valueAfter(end), b[v] == quote {
                    let vEnd = skipString(v)
                    lastID = text(v, vEnd)
                    i = vEnd
                    continue
                }
                if equals(i, end, "columns"), let v = valueAfter(end), b[v] == openBrace, let id = lastID {
                    // Keys at depth 1 of this object, in order.
                    var keys: [String] = []
                    var depth = 0
                    var j = v
                    while j < n {
                        let c = b[j]
                        if c == quote {
                            let e = skipString(j)
                            if depth == 1, valueAfter(e) != nil { keys.append(text(j, e)) }
                            j = e
                            continue
                        }
                        if c == openBrace || c == openBracket { depth += 1 }
                        else if c == closeBrace || c == closeBracket {
                            depth -= 1
                            if depth == 0 { j += 1; break }
                        }
                        j += 1
                    }
                    if !keys.isEmpty && out[id] == nil { out[id] = keys }
                    i = j
                    continue
                }
                i = end
            }
            return out
        }
    }
}
