/// A key press, decoded from the terminal (the terminal layer maps curses codes to these).
public enum KeyInput: Sendable, Hashable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace

    /// How the key is written in help and hints.
    public var label: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        }
    }
}

/// What a key does.
public enum Action: Sendable, Hashable {
    case scan, flush, retrySelected, retryAllDead, acceptBaseline
    /// Drop the feature scope: every pane lists all features again.
    case allFeatures
    case focusNext, focusPrevious
    case focus(Pane)
    case up, down, top, bottom, pageUp, pageDown
    case open, back, filter, pause, help, quit

    /// True for the actions `--read-only` disables.
    public var changesState: Bool {
        switch self {
        case .scan, .flush, .retrySelected, .retryAllDead, .acceptBaseline: true
        default: false
        }
    }
}

/// One line of the key map: keys, the action, and the words shown in help and hints.
public struct KeyBinding: Sendable, Equatable {
    public var keys: [KeyInput]
    public var action: Action
    /// Short verb for the status bar ("scan").
    public var hint: String
    /// Sentence for the help overlay.
    public var help: String
    /// Panes where the hint is shown in the status bar (nil: everywhere).
    public var panes: Set<Pane>?

    public init(keys: [KeyInput], action: Action, hint: String, help: String, panes: Set<Pane>? = nil) {
        self.keys = keys
        self.action = action
        self.hint = hint
        self.help = help
        self.panes = panes
    }

    /// "j/↓".
    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }
}

/// The one table of keys: dispatch, the help overlay and the status-bar hints all come from it.
public struct KeyMap: Sendable {
    public var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    /// The dashboard's keys.
    public static let standard = KeyMap(bindings: [
        KeyBinding(
            keys: [.char("s")], action: .scan, hint: "scan", help: "scan the features now (progress in the header)"),
        KeyBinding(keys: [.char("f")], action: .flush, hint: "flush", help: "deliver the due events now"),
        KeyBinding(
            keys: [.char("r")], action: .retrySelected, hint: "retry", help: "retry the selected dead event",
            panes: [.events, .queue]),
        KeyBinding(
            keys: [.char("R")], action: .retryAllDead, hint: "retry all",
            help: "retry every dead event (asks y/N)", panes: [.events, .queue]),
        KeyBinding(
            keys: [.char("b")], action: .acceptBaseline, hint: "accept baseline",
            help: "accept the current state of the features as their baseline (asks y/N)", panes: [.drift]),
        KeyBinding(keys: [.tab], action: .focusNext, hint: "next pane", help: "focus the next pane"),
        KeyBinding(keys: [.backTab], action: .focusPrevious, hint: "prev pane", help: "focus the previous pane"),
        KeyBinding(
            keys: Pane.allCases.map { .char(Character(String($0.rawValue))) }, action: .focus(.events),
            hint: "pane", help: "focus pane 1 Events, 2 Queue, 3 Deliveries, 4 Drift, 5 Artifacts, 6 Features"),
        KeyBinding(
            keys: [.char("a")], action: .allFeatures, hint: "all features",
            help: "all features: drop the scope chosen with Enter in Features (6)"),
        KeyBinding(keys: [.char("k"), .up], action: .up, hint: "up", help: "select the previous row"),
        KeyBinding(keys: [.char("j"), .down], action: .down, hint: "move", help: "select the next row"),
        KeyBinding(keys: [.char("g"), .home], action: .top, hint: "top", help: "first row"),
        KeyBinding(keys: [.char("G"), .end], action: .bottom, hint: "bottom", help: "last row"),
        KeyBinding(keys: [.pageUp], action: .pageUp, hint: "page up", help: "one page up"),
        KeyBinding(keys: [.pageDown], action: .pageDown, hint: "page down", help: "one page down"),
        KeyBinding(
            keys: [.enter], action: .open, hint: "details",
            help: "details of the row (Features: scope to it; drift details: go to the artifact)"),
        KeyBinding(keys: [.escape], action: .back, hint: "back", help: "close the overlay, clear the filter"),
        KeyBinding(
            keys: [.char("/")], action: .filter, hint: "filter",
            help: "filter the focused list (Enter keeps, Esc clears)"),
        KeyBinding(
            keys: [.char("p")], action: .pause, hint: "pause", help: "pause / resume the live event feed",
            panes: [.events]),
        KeyBinding(keys: [.char("?")], action: .help, hint: "help", help: "show / hide this help"),
        KeyBinding(keys: [.char("q")], action: .quit, hint: "quit", help: "quit (Ctrl-C also restores the terminal)"),
    ])

    /// The action bound to `key`, if any.
    public func action(for key: KeyInput) -> Action? {
        if case .char(let c) = key, let digit = c.wholeNumberValue, let pane = Pane(rawValue: digit),
            c.isASCII
        {
            return .focus(pane)
        }
        return bindings.first { $0.keys.contains(key) }?.action
    }

    /// The binding for an action (for hints and messages).
    public func binding(for action: Action) -> KeyBinding? {
        if case .focus = action { return bindings.first { if case .focus = $0.action { true } else { false } } }
        return bindings.first { $0.action == action }
    }

    /// Help overlay lines: "  key        what it does", one per binding; state-changing keys
    /// are marked when `readOnly`.
    public func helpLines(readOnly: Bool) -> [String] {
        let width = bindings.map { TextWidth.width($0.keyLabel) }.max() ?? 0
        var lines = bindings.map { b in
            let disabled = readOnly && b.action.changesState ? " (disabled: read-only)" : ""
            return TextWidth.pad(b.keyLabel, to: width + 2) + b.help + disabled
        }
        lines.append("")
        lines.append("In a filter: type to narrow the list, Backspace deletes, Enter keeps, Esc clears.")
        lines.append("Row labels: sent ✓ = delivered, DEAD ✗ = gave up (r retries), pending, sending.")
        return lines
    }

    /// Status-bar hints for the focused pane: "s scan  f flush  j/↓ move  Enter details ...".
    /// `scoped`: a feature scope is set (then `a all features` is offered).
    public func hints(for pane: Pane, readOnly: Bool, scoped: Bool = false) -> [String] {
        let shown: [Action] = [
            .help, .quit, .scan, .flush, .retrySelected, .retryAllDead, .open, .allFeatures, .filter, .pause,
            .focusNext, .down,
        ]
        return shown.compactMap { action in
            guard let b = binding(for: action) else { return nil }
            if action == .open && pane == .features { return "\(b.keyLabel) scope" }
            if action == .allFeatures && !scoped { return nil }
            if let panes = b.panes, !panes.contains(pane) { return nil }
            if readOnly && action.changesState { return nil }
            return "\(b.keyLabel) \(b.hint)"
        }
    }
}
