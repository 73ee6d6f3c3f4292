import Foundation

/// A colour as the UI asks for it; the terminal backend maps it to what the terminal can show
/// (24-bit, the nearest of 256, or the nearest of 8).
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case terminal
    case rgb(UInt8, UInt8, UInt8)

    /// Parses `#rrggbb` (or `#rgb`).
    public init?(hex: String) {
        var s = Substring(hex)
        if s.hasPrefix("#") { s = s.dropFirst() }
        if s.count == 3 { s = Substring(s.map { "\($0)\($0)" }.joined()) }
        guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
        self = .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
    }

    public var hex: String? {
        guard case .rgb(let r, let g, let b) = self else { return nil }
        return "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// How one cell is drawn.
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var bold: Bool
    public var dim: Bool
    public var italic: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(fg: Color = .terminal, bg: Color = .terminal, bold: Bool = false, dim: Bool = false,
                italic: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.dim = dim; self.italic = italic
        self.underline = underline; self.reverse = reverse
    }

    public static let plain = Style()

    public func with(fg: Color? = nil, bg: Color? = nil, bold: Bool? = nil, underline: Bool? = nil,
                     reverse: Bool? = nil, dim: Bool? = nil) -> Style {
        var s = self
        if let fg { s.fg = fg }
        if let bg { s.bg = bg }
        if let bold { s.bold = bold }
        if let underline { s.underline = underline }
        if let reverse { s.reverse = reverse }
        if let dim { s.dim = dim }
        return s
    }
}

/// One terminal cell: a grapheme and its style. A wide grapheme (CJK, most emoji) sits in the
/// left cell of two; the right one is a continuation with empty text.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String = " ", _ style: Style = .plain) { self.text = text; self.style = style }

    public var isContinuation: Bool { text.isEmpty }
}

public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
    /// This rectangle less `n` cells on each side.
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }
}

/// A frame: the whole screen as cells. The UI draws into it; the terminal backend shows it; tests
/// compare it as text.
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = Cell()) {
        self.width = max(0, width); self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Fills `rect` (clipped to the grid) with blank cells of `style`.
    public mutating func fill(_ rect: Rect, _ style: Style, with text: String = " ") {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX), y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 { for x in x0..<x1 { cells[y * width + x] = Cell(text, style) } }
    }

    /// Changes the style of the cells in `rect`, keeping their text.
    public mutating func restyle(_ rect: Rect, _ change: (Style) -> Style) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX), y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 { for x in x0..<x1 { cells[y * width + x].style = change(cells[y * width + x].style) } }
    }

    /// Writes `text` at (x, y), at most `maxWidth` columns (and never past the grid's edge or
    /// `clip`), made inert first. Too long, it ends in an ellipsis. A wide character that would
    /// straddle the limit becomes a space. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, _ style: Style, maxWidth: Int? = nil,
                             ellipsis: Bool = true) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? Int.max, width - x)
        guard limit > 0 else { return 0 }
        // Tabs become spaces (a cell grid has no tab stops), then controls are made visible.
        let safe = (text.contains("\t") ? text.replacingOccurrences(of: "\t", with: "    ") : text).inert()
        let fitted = TextWidth.width(of: safe) <= limit ? safe : (ellipsis ? TextWidth.truncate(safe, to: limit)
                                                                           : TextWidth.clip(safe, to: limit))
        var col = x
        for g in fitted {
            let w = TextWidth.width(of: g)
            if w == 0 {
                // A stray zero-width grapheme joins the previous cell.
                if col > x, col - 1 < width, col - 1 >= 0 { self[col - 1, y].text += String(g) }
                continue
            }
            if col + w > x + limit { break }
            if col >= 0 {
                self[col, y] = Cell(String(g), style)
                if w == 2 { self[col + 1, y] = Cell("", style) }
            }
            col += w
        }
        return col - x
    }

    /// The grid as plain text, one line per row, trailing spaces trimmed: what a person would
    /// read, and what screen tests compare.
    public var text: String {
        (0..<height).map { row($0) }.joined(separator: "\n")
    }

    public func row(_ y: Int) -> String {
        var line = ""
        for x in 0..<width {
            let c = cells[y * width + x]
            if !c.isContinuation { line += c.text }
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}
