import Foundation
import StrataCatalog
import StrataTerminal

/// Prints a value as pretty JSON with snake_case keys, sorted for stable output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Text for the terminal: every piece of catalog text goes through here on its way out.
func say(_ text: String = "") {
    print(text.inert(keepLayout: true))
}

/// Many lines at once (a closure of a quarter million ids): one write, and only lines with
/// control bytes (C0, DEL, or a C2 lead byte that may start a C1 control) go through `inert`.
func sayLines(_ lines: [String]) {
    var out = ""
    out.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
    for line in lines {
        out += line.utf8.contains { $0 < 0x20 || $0 == 0x7f || $0 == 0xC2 } ? line.inert(keepLayout: true) : line
        out += "\n"
    }
    FileHandle.standardOutput.write(Data(out.utf8))
}

/// Lays out rows as aligned columns (the last column is not padded).
func columns(_ rows: [[String]], indent: String = "") -> [String] {
    guard let width = rows.map(\.count).max() else { return [] }
    // Terminal columns, not characters: CJK names line up too. (Foundation's padding, used
    // before, was most of the time of printing a 260,000-node lineage.)
    let cellWidths = rows.map { $0.map { TextWidth.width(of: $0) } }
    var widths = Array(repeating: 0, count: width)
    for row in cellWidths { for (i, w) in row.enumerated() { widths[i] = max(widths[i], w) } }
    return zip(rows, cellWidths).map { row, ws in
        var line = indent
        for (i, cell) in row.enumerated() {
            if i > 0 { line += "  " }
            line += cell
            if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - ws[i]) }
        }
        return line
    }
}

/// The first sentence of a description, cut to `max` columns, for one-line listings.
func firstSentence(_ text: String, max: Int = 100) -> String {
    TextWidth.truncate(text.firstSentence, to: max)
}
