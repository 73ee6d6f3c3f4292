/// Byte-level helpers for the scanners that find their way through big JSON files without
/// decoding them (column order, splitting a manifest's nodes).
enum JSONBytes {
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

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
