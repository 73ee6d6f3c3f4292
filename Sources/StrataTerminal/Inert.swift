extension String {
    /// This text made safe to show on a terminal: control characters (ESC, BEL, backspace,
    /// carriage return, C1 controls, DEL...) become visible caret or hex notation (`^[`, `\u{9b}`)
    /// so that text from catalogs and logs can never move the cursor, change colours or send a
    /// terminal query. Tabs and newlines are kept only when `keepLayout` (multi-line prose).
    public func inert(keepLayout: Bool = false) -> String {
        guard unicodeScalars.contains(where: { Self.isControl($0) }) else { return self }
        var out = String.UnicodeScalarView()
        for s in unicodeScalars {
            if keepLayout && (s == "\n" || s == "\t") { out.append(s); continue }
            guard Self.isControl(s) else { out.append(s); continue }
            if s.value < 0x20 {
                out.append("^"); out.append(Unicode.Scalar(UInt8(s.value) + 0x40))
            } else if s.value == 0x7F {
                out.append(contentsOf: "^?".unicodeScalars)
            } else {
                out.append(contentsOf: "\\u{\(String(s.value, radix: 16))}".unicodeScalars)
            }
        }
        return String(out)
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value)
            || s.value == 0x2028 || s.value == 0x2029   // line separators some terminals honour
            || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value) // bidi overrides
    }
}

extension String {
    /// The first sentence, on one line: for listings that have room for one line of a
    /// description.
    public var firstSentence: String {
        let flat = split(whereSeparator: \.isNewline).joined(separator: " ")
        if let end = flat.range(of: ". ") { return String(flat[..<end.lowerBound]) + "." }
        return flat
    }
}
