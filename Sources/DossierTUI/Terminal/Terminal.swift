import CNCursesW

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `WINDOW *` (Debian builds ncurses with NCURSES_OPAQUE=0: a typed pointer).
typealias Window = UnsafeMutablePointer<WINDOW>

/// What the terminal reports each tick.
enum TerminalEvent: Equatable {
    case key(KeyInput)
    case resize
    /// A click or a wheel step (only with the mouse on).
    case mouse(MouseInput)
    /// A key the dashboard does not know (F-keys, mouse...): shown as a notice, otherwise ignored.
    case unknown(String)
}

/// Owns the curses session. ncurses is not thread-safe, so this type is pinned to the main actor
/// and the UI loop runs on the main thread; background work never calls curses.
///
/// Everything is drawn into one full-screen window; keys are read through `stdscr`, which is
/// kept untouched (recipe rule 8: every `wget_wch(stdscr)` would otherwise repaint stdscr over
/// the window).
@MainActor
final class Terminal {
    private(set) var colorEnabled = false
    /// False when the locale is not UTF-8: draw ASCII boxes and bars.
    let unicode: Bool
    private var window: Window?
    private var last: Canvas?
    private var active = false

    private enum Pair: Int16 {
        case ok = 1
        case warning, error, accent
    }

    /// Enters curses mode. `color`: false for `--no-color`; NO_COLOR and `has_colors()` are checked too.
    /// `mouse`: report clicks and the wheel (false for `--no-mouse`: the terminal keeps its own selection).
    init(color: Bool, mouse: Bool = true) {
        setlocale(LC_ALL, "")  // before initscr, or UTF-8 comes out as garbage (P7)
        unicode = ncs_locale_is_utf8() != 0
        initscr()
        active = true
        cbreak()  // ^C still raises SIGINT (raw() would swallow it)
        noecho()
        nonl()
        keypad(ncs_stdscr(), true)
        curs_set(0)
        set_escdelay(25)  // a bare Esc otherwise waits 1 s (P10)
        wtimeout(ncs_stdscr(), 100)  // the UI tick: wget_wch returns ERR after 100 ms
        if mouse {
            // Presses, not clicks: no wait for the release (mouseinterval 0), the wheel is buttons 4 and 5.
            mouseinterval(0)
            _ = mousemask(ncs_BUTTON1_PRESSED | ncs_BUTTON1_CLICKED | ncs_BUTTON4_PRESSED | ncs_BUTTON5_PRESSED, nil)
        }

        let noColorEnv = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        if color && !noColorEnv && has_colors() {
            start_color()
            use_default_colors()
            init_pair(Pair.ok.rawValue, Int16(COLOR_GREEN), -1)
            init_pair(Pair.warning.rawValue, Int16(COLOR_YELLOW), -1)
            init_pair(Pair.error.rawValue, Int16(COLOR_RED), -1)
            init_pair(Pair.accent.rawValue, Int16(COLOR_CYAN), -1)
            colorEnabled = true
        }
        rebuild()
    }

    /// Terminal size in cells.
    var size: (width: Int, height: Int) {
        let scr: Window = ncs_stdscr()
        return (Int(getmaxx(scr)), Int(getmaxy(scr)))
    }

    /// Recreates the drawing window for the current size (at start and after KEY_RESIZE:
    /// ncurses has resized stdscr, not our window).
    func rebuild() {
        if let window { delwin(window) }
        let scr: Window = ncs_stdscr()
        werase(scr)
        wnoutrefresh(scr)  // leave stdscr untouched (P8)
        let (w, h) = size
        window = newwin(Int32(max(1, h)), Int32(max(1, w)), 0, 0)
        if let window { leaveok(window, true) }
        last = nil
    }

    /// Restores the terminal (cooked mode, echo, cursor, main screen). Safe to call twice.
    func shutdown() {
        guard active else { return }
        active = false
        if let window { delwin(window) }
        window = nil
        if !isendwin() { endwin() }
    }

    /// The next key, a resize, or nil after the 100 ms timeout (or a signal).
    func nextEvent() -> TerminalEvent? {
        var code: wint_t = 0
        switch wget_wch(ncs_stdscr(), &code) {
        case OK:
            switch code {
            case 9: return .key(.tab)
            case 10, 13: return .key(.enter)
            case 27: return .key(.escape)
            case 8, 127: return .key(.backspace)
            default:
                guard let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
                if scalar.value < 0x20 { return .unknown("^" + String(UnicodeScalar(UInt8(scalar.value) + 64))) }
                return .key(.char(Character(scalar)))
            }
        case KEY_CODE_YES:
            switch Int32(code) {
            case KEY_RESIZE: return .resize
            case KEY_MOUSE: return mouseEvent()
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_ENTER: return .key(.enter)
            case KEY_BTAB: return .key(.backTab)
            case KEY_BACKSPACE: return .key(.backspace)
            default: return .unknown(keyname(Int32(code)).map { String(cString: $0) } ?? "key \(code)")
            }
        default:
            return nil  // ERR: timeout or EINTR
        }
    }

    /// The pending mouse event: a press of button 1, or a wheel step; nil for anything else (releases, moves).
    private func mouseEvent() -> TerminalEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let x = Int(event.x)
        let y = Int(event.y)
        if event.bstate & (ncs_BUTTON4_PRESSED) != 0 { return .mouse(.wheel(up: true, x: x, y: y)) }
        if event.bstate & (ncs_BUTTON5_PRESSED) != 0 { return .mouse(.wheel(up: false, x: x, y: y)) }
        if event.bstate & (ncs_BUTTON1_PRESSED | ncs_BUTTON1_CLICKED) != 0 { return .mouse(.click(x: x, y: y)) }
        return nil
    }

    /// Draws a frame: only when it differs from the last one (ncurses then sends only the diff).
    func draw(_ canvas: Canvas) {
        guard let window, canvas != last else { return }
        last = canvas
        werase(window)
        for row in 0..<canvas.height {
            for run in canvas.runs(row: row) where !(run.style == .normal && run.text.allSatisfy { $0 == " " }) {
                let attrs = attributes(run.style)
                wattr_on(window, attrs, nil)
                // Not UTF-8 (LANG=C): ASCII only, whatever the text (file names, server answers, symbols).
                let text = unicode ? run.text : ASCIIFallback.ascii(run.text)
                mvwaddstr(window, Int32(row), Int32(run.x), text)  // may return ERR at the last cell: drawn anyway
                wattr_off(window, attrs, nil)
            }
        }
        wnoutrefresh(window)
        doupdate()
    }

    private func attributes(_ style: Style) -> attr_t {
        func color(_ pair: Pair, _ extra: attr_t = ncs_A_NORMAL, fallback: attr_t = ncs_A_NORMAL) -> attr_t {
            colorEnabled ? attr_t(COLOR_PAIR(Int32(pair.rawValue))) | extra : fallback | extra
        }
        switch style {
        case .normal, .overlay: return ncs_A_NORMAL
        case .bold, .title: return ncs_A_BOLD
        case .dim: return ncs_A_DIM
        case .focusedTitle: return ncs_A_REVERSE | ncs_A_BOLD
        case .selected, .statusBar: return ncs_A_REVERSE
        case .ok: return color(.ok)
        case .warning: return color(.warning, ncs_A_BOLD)
        case .error: return color(.error, ncs_A_BOLD)
        case .accent: return color(.accent)
        }
    }
}
