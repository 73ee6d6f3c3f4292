import CTextWidth

/// Terminal column arithmetic. Everything that lays text out goes through here, so CJK and
/// emoji take two columns, combining marks none, and nothing spills into the next pane.
public enum TextWidth {
    /// Columns one grapheme takes: the width of its first scalar (glibc's wcwidth, as ncurses
    /// uses), 0 for combining marks and zero-width joiners, controls counted as 1.
    public static func width(of g: Character) -> Int {
        let scalars = g.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F { return 1 }   // ASCII; controls are drawn as visible ^X
        let w = Int(strata_wcwidth(first.value))
        if w < 0 { return 1 }
        return w
    }

    public static func width(of s: String) -> Int {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s.utf8.count }
        return s.reduce(0) { $0 + width(of: $1) }
    }

    public static func width(of s: Substring) -> Int { width(of: String(s)) }

    /// The longest prefix of `s` that fits in `limit` columns.
    public static func clip(_ s: String, to limit: Int) -> String {
        var out = "", used = 0
        for g in s {
            let w = width(of: g)
            if used + w > limit { break }
            out.append(g); used += w
        }
        return out
    }

    /// `s` cut to `limit` columns with a trailing ellipsis when it does not fit.
    public static func truncate(_ s: String, to limit: Int) -> String {
        guard limit > 0 else { return "" }
        if width(of: s) <= limit { return s }
        return clip(s, to: limit - 1) + "…"
    }

    /// `s` padded with spaces (or truncated) to exactly `columns`.
    public static func pad(_ s: String, to columns: Int) -> String {
        let t = truncate(s, to: columns)
        return t + String(repeating: " ", count: max(0, columns - width(of: t)))
    }

    /// Greedy word wrap to `columns`; long words are broken. Newlines in `s` start new lines.
    public static func wrap(_ s: String, to columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        for paragraph in s.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = "", lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                var w = width(of: word)
                if lineWidth > 0 && lineWidth + 1 + w <= columns {
                    line += " " + word; lineWidth += 1 + w
                    continue
                }
                if lineWidth > 0 { lines.append(line); line = ""; lineWidth = 0 }
                while w > columns {
                    let head = clip(word, to: columns)
                    lines.append(head)
                    word = String(word.dropFirst(head.count)); w = width(of: word)
                }
                line = word; lineWidth = w
            }
            lines.append(line)
        }
        return lines
    }
}
