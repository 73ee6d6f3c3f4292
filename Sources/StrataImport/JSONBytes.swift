import Foundation

/// Byte-level helpers for the scanners that find their way through big JSON files without
/// decoding them (column order, splitting a manifest's nodes).
enum JSONBytes {
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    /// The lines of `data` that hold more than white space, as index ranges of `data` (without
    /// the newline) with their 1-based line numbers. Bytes, not Characters: splitting and
    /// trimming a 26 MB NDJSON file as a String took 1.3 s, most of an import.
    static func lines(_ data: Data) -> [(range: Range<Data.Index>, number: Int)] {
        var out: [(range: Range<Data.Index>, number: Int)] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var start = 0, number = 1, blank = true
            for i in 0...b.count {
                if i == b.count || b[i] == 0x0A {
                    if !blank { out.append((data.startIndex + start ..< data.startIndex + i, number)) }
                    start = i + 1; number += 1; blank = true
                } else if blank && !isSpace(b[i]) {
                    blank = false
                }
            }
        }
        return out
    }

    /// Index just past the string that starts at `start` (a quote); the end when unterminated.
    static func skipString(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var j = start + 1
        while j < b.count {
            let c = b[j]
            if c == backslash { j += 2; continue }
            if c == quote { return j + 1 }
            j += 1
        }
        return b.count
    }
}
