/// A key press, decoded by the terminal backend into a name the keymap understands.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)           // ctrl-a ... ctrl-z, lower case
    case alt(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, tab, backTab, backspace, delete, escape, insert
    case altLeft, altRight
    case function(Int)

    /// The name used in keys.yaml and the help: `j`, `G`, `ctrl-d`, `alt-left`, `pgdn`, `enter`.
    public var description: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "ctrl-\(c)"
        case .alt(let c): return "alt-\(c)"
        case .up: return "up"
        case .down: return "down"
        case .left: return "left"
        case .right: return "right"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .enter: return "enter"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .backspace: return "backspace"
        case .delete: return "delete"
        case .escape: return "esc"
        case .insert: return "insert"
        case .altLeft: return "alt-left"
        case .altRight: return "alt-right"
        case .function(let n): return "f\(n)"
        }
    }

    /// Parses a key name as written by `description` (case matters for letters: `g` vs `G`).
    public init?(name: String) {
        let lower = name.lowercased()
        let named: [String: Key] = [
            "space": .char(" "), "up": .up, "down": .down, "left": .left, "right": .right, "home": .home,
            "end": .end, "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
            "enter": .enter, "return": .enter, "tab": .tab, "shift-tab": .backTab, "backtab": .backTab,
            "backspace": .backspace, "bs": .backspace, "delete": .delete, "del": .delete, "esc": .escape,
            "escape": .escape, "insert": .insert, "alt-left": .altLeft, "alt-right": .altRight,
        ]
        if name.count == 1, let c = name.first { self = .char(c); return }
        if let k = named[lower] { self = k; return }
        if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last { self = .ctrl(c); return }
        if lower.hasPrefix("alt-"), name.count == 5, let c = name.last { self = .alt(c); return }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n) { self = .function(n); return }
        return nil
    }
}

public enum MouseAction: Hashable, Sendable { case press, click, doubleClick, wheelUp, wheelDown }

public struct MouseEvent: Hashable, Sendable {
    public var x: Int, y: Int
    public var action: MouseAction
    public init(x: Int, y: Int, action: MouseAction) { self.x = x; self.y = y; self.action = action }
}

/// Everything the UI reacts to.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// Printable text typed while a prompt has focus (pasted text may be several characters).
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// Nothing happened for a while: lets follow mode and toasts move on.
    case tick
}
