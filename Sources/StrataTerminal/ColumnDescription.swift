import Foundation

/// A column's description for one row of a column list (the browser's detail, `strata show`).
public enum ColumnDescription {
    /// A column's description for its row: the first sentence, and under it the Markdown
    /// tables and list items the description holds (dbt projects document a status column's
    /// values as a table), laid out for `width` instead of run into the sentence. At most 12
    /// lines of them, then how many more.
    public static func layout(_ text: String, width: Int) -> (summary: String, more: [String]) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let structured = { (l: String) in l.hasPrefix("|") || l.hasPrefix("- ") || l.hasPrefix("* ") }
        let prose = lines.prefix { !structured($0) }.joined(separator: " ")
        var more: [String] = []
        var table: [[String]] = []
        func flushTable() {
            guard !table.isEmpty else { return }
            let columns = table.map(\.count).max() ?? 0
            // Every cell but the last as wide as its widest (at most a third of the width).
            let widths = (0..<columns).map { i in min(max(4, width / 3), table.map { i < $0.count ? TextWidth.width(of: $0[i]) : 0 }.max() ?? 0) }
            for row in table {
                let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : TextWidth.pad(cell, to: widths[i]) }
                more.append(cells.joined(separator: "  "))
            }
            table = []
        }
        for line in lines.dropFirst(lines.prefix { !structured($0) }.count) {
            if line.hasPrefix("|") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                let row = Array(line.hasSuffix("|") ? cells.dropLast() : cells[...])
                // The rule under the header (|---|:--:|) says nothing once the cells are aligned.
                if row.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { continue }
                table.append(row)
            } else {
                flushTable()
                if structured(line) { more.append(line) }
            }
        }
        flushTable()
        if more.count > 12 { more = Array(more.prefix(11)) + ["… \(more.count - 11) more lines"] }
        return (prose.firstSentence, more)
    }
}
