import CNCursesW
import CursesShim
import Foundation
import StrataTerminal

/// What the terminal can show, decided once at start-up.
public enum ColorMode: String, Sendable {
    case truecolor, palette256 = "256", palette8 = "8", none
}

/// The ncurses backend: owns the terminal from `init` to `end()`, draws grids (sending only the
/// cells that changed since the last frame) and turns input into `InputEvent`s. Nothing else in
/// strata calls ncurses. Use from one thread only: ncurses is not thread-safe.
public final class CursesTerminal {
    public private(set) var colorMode: ColorMode = .none
    public private(set) var mouseEnabled = false
    private var previous: Grid?
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var maxPairs: Int32 = 0
    private var lastPress: (x: Int, y: Int, time: Double)?
    private var ended = false

    private struct PairKey: Hashable { var fg: Int32, bg: Int32 }

    /// Takes over the terminal. `noColor` honours NO_COLOR (attributes only).
    public init(mouse: Bool, noColor: Bool) {
        _ = tui_setlocale_utf8()
        tui_install_signal_handlers()
        _ = set_escdelay(25)    // a bare Esc must not stall; 0 would split escape sequences
        Self.chooseTerminalType()
        initscr()
        raw()                   // Ctrl-C arrives as a key: quit cleanly, restore, exit 0
        noecho()
        nonl()
        keypad(tui_stdscr(), true)
        _ = curs_set(0)
        if !noColor && has_colors() {
            start_color()
            use_default_colors()  // keep the terminal's own background
            maxPairs = Int32(tui_color_pairs())
            let colors = tui_colors()
            colorMode = tui_has_rgb() != 0 ? .truecolor : colors >= 256 ? .palette256 : colors >= 8 ? .palette8 : .none
        }
        setMouse(mouse)
    }

    deinit { end() }

    /// Gives the terminal back: leaves the alternate screen, restores modes and the cursor.
    public func end() {
        guard !ended else { return }
        ended = true
        if mouseEnabled { _ = mousemask(0, nil) }
        _ = curs_set(1)
        endwin()
    }

    /// When the user says the terminal takes 24-bit colour (COLORTERM) but TERM's terminfo does
    /// not, use the `-direct` variant of the same family if this machine has it.
    private static func chooseTerminalType() {
        let env = ProcessInfo.processInfo.environment
        guard let term = env["TERM"], ["truecolor", "24bit"].contains(env["COLORTERM"]?.lowercased() ?? ""),
              !term.hasSuffix("-direct") else { return }
        let family = term.split(separator: "-").first.map(String.init) ?? term
        let direct = family + "-direct"
        let dirs = ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", (env["HOME"] ?? "") + "/.terminfo"]
        if dirs.contains(where: { FileManager.default.fileExists(atPath: "\($0)/\(direct.prefix(1))/\(direct)") }) {
            setenv("TERM", direct, 1)
        }
    }

    public func setMouse(_ on: Bool) {
        if on {
            _ = mousemask(tui_all_mouse_events(), nil)
            mouseinterval(0)    // we tell clicks from double-clicks ourselves, with no delay
        } else {
            _ = mousemask(0, nil)
        }
        mouseEnabled = on
    }

    public var size: (width: Int, height: Int) {
        var y: Int32 = 0, x: Int32 = 0
        tui_getmaxyx(tui_stdscr(), &y, &x)
        return (Int(x), Int(y))
    }

    // MARK: Drawing

    /// Shows `grid`, sending only cells that differ from the previous frame.
    public func draw(_ grid: Grid) {
        let (w, h) = size
        let full = previous == nil || previous!.width != grid.width || previous!.height != grid.height
        if full { erase() }
        for y in 0..<min(h, grid.height) {
            var x = 0
            while x < min(w, grid.width) {
                let cell = grid[x, y]
                if cell.isContinuation || (!full && previous![x, y] == cell) { x += 1; continue }
                put(cell, x: x, y: y, maxX: min(w, grid.width))
                x += 1
            }
        }
        previous = grid
        refresh()
    }

    /// Forgets the last frame so the next draw repaints everything (after resize or theme change).
    public func invalidate() {
        previous = nil
        pairs.removeAll(); nextPair = 1
        clearok(tui_stdscr(), true)
    }

    private func put(_ cell: Cell, x: Int, y: Int, maxX: Int) {
        var scalars = Array(cell.text.unicodeScalars.prefix(5)).map { wchar_t(bitPattern: $0.value) }
        if scalars.isEmpty { scalars = [wchar_t(32)] }
        // A wide character in the last column cannot be drawn whole: draw a space instead.
        if TextWidth.width(of: cell.text) == 2 && x + 1 >= maxX { scalars = [wchar_t(32)] }
        scalars.append(0)
        var cc = cchar_t()
        let pair = colorPair(cell.style)
        _ = tui_setcchar(&cc, scalars, attributes(cell.style), pair)
        _ = mvadd_wch(Int32(y), Int32(x), &cc)
    }

    private func attributes(_ s: Style) -> attr_t {
        var a: attr_t = 0
        if s.bold { a |= tui_a_bold() }
        if s.dim { a |= tui_a_dim() }
        if s.italic { a |= tui_a_italic() }
        if s.underline { a |= tui_a_underline() }
        if s.reverse { a |= tui_a_reverse() }
        return a
    }

    private func colorPair(_ s: Style) -> Int32 {
        guard colorMode != .none else { return 0 }
        let key = PairKey(fg: terminalColor(s.fg), bg: terminalColor(s.bg))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let p = pairs[key] { return p }
        if nextPair >= maxPairs {   // out of pairs: start over; the screen repaints with new ones
            pairs.removeAll(); nextPair = 1
        }
        let p = nextPair
        nextPair += 1
        _ = init_extended_pair(p, key.fg, key.bg)
        pairs[key] = p
        return p
    }

    private func terminalColor(_ c: Color) -> Int32 {
        guard case .rgb(let r, let g, let b) = c else { return -1 }
        switch colorMode {
        case .truecolor: return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        case .palette256: return Int32(ColorPalette.nearest256(r, g, b))
        case .palette8: return Int32(ColorPalette.nearest8(r, g, b))
        case .none: return -1
        }
    }

    // MARK: Input

    /// Waits up to `timeoutMs` for input; `.tick` when nothing came.
    public func next(timeoutMs: Int32) -> InputEvent {
        timeout(timeoutMs)
        var wch: wint_t = 0
        let rc = get_wch(&wch)
        if rc == ERR { return .tick }
        if rc == KEY_CODE_YES { return functionKey(Int32(wch)) }
        let code = UInt32(wch)
        if code == 27 {
            // Esc alone, or Alt+key (sent as Esc then the key).
            timeout(0)
            var next: wint_t = 0
            let rc2 = get_wch(&next)
            if rc2 == OK, let s = Unicode.Scalar(UInt32(next)), next >= 32, next != 127 { return .key(.alt(Character(s))) }
            if rc2 == KEY_CODE_YES {
                if Int32(next) == KEY_LEFT { return .key(.altLeft) }
                if Int32(next) == KEY_RIGHT { return .key(.altRight) }
            }
            return .key(.escape)
        }
        switch code {
        case 13, 10: return .key(.enter)
        case 9: return .key(.tab)
        case 127, 8: return .key(.backspace)
        case 1...26: return .key(.ctrl(Character(Unicode.Scalar(code + 96)!)))
        default:
            guard let s = Unicode.Scalar(code) else { return .tick }
            return .key(.char(Character(s)))
        }
    }

    private func functionKey(_ k: Int32) -> InputEvent {
        switch k {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_IC: return .key(.insert)
        case KEY_BTAB: return .key(.backTab)
        case KEY_RESIZE:
            invalidate()
            let (w, h) = size
            return .resize(width: w, height: h)
        case KEY_MOUSE: return mouseEvent()
        default:
            if k >= tui_key_f(1) && k <= tui_key_f(24) { return .key(.function(Int(k - tui_key_f(0)))) }
            // Modified arrows have terminfo names such as kLFT3 (alt-left) and kRIT3.
            if let name = keyname(k).map({ String(cString: $0) }) {
                if name == "kLFT3" { return .key(.altLeft) }
                if name == "kRIT3" { return .key(.altRight) }
            }
            return .tick
        }
    }

    private func mouseEvent() -> InputEvent {
        var ev = MEVENT()
        guard getmouse(&ev) == OK else { return .tick }
        let x = Int(ev.x), y = Int(ev.y)
        if ev.bstate & tui_button4_pressed() != 0 { return .mouse(MouseEvent(x: x, y: y, action: .wheelUp)) }
        if ev.bstate & tui_button5_pressed() != 0 { return .mouse(MouseEvent(x: x, y: y, action: .wheelDown)) }
        if ev.bstate & (tui_button1_pressed() | tui_button1_clicked()) != 0 {
            let now = Date().timeIntervalSince1970
            defer { lastPress = (x, y, now) }
            if let last = lastPress, last.x == x, last.y == y, now - last.time < 0.4 {
                lastPress = nil
                return .mouse(MouseEvent(x: x, y: y, action: .doubleClick))
            }
            return .mouse(MouseEvent(x: x, y: y, action: .click))
        }
        if ev.bstate & tui_button1_double_clicked() != 0 { return .mouse(MouseEvent(x: x, y: y, action: .doubleClick)) }
        return .tick
    }

    // MARK: Clipboard

    /// Copies `text` to the system clipboard through the terminal (OSC 52): works over SSH and
    /// inside tmux (with `set-clipboard on`).
    public func copyToClipboard(_ text: String) {
        let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        tui_write_raw(sequence, Int32(sequence.utf8.count))
    }
}
