import CNCursesW
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the dashboard runs (from the command line).
public struct DashboardOptions: Sendable, Equatable {
    /// Refuse the keys that change state (s, f, r, R) and say so.
    public var readOnly: Bool
    /// False for `--no-color` (NO_COLOR in the environment is honoured as well).
    public var color: Bool
    /// False for `--no-mouse`: clicks and the wheel stay with the terminal (its own text selection).
    public var mouse: Bool

    public init(readOnly: Bool = false, color: Bool = true, mouse: Bool = true) {
        self.readOnly = readOnly
        self.color = color
        self.mouse = mouse
    }
}

/// Errors that keep the dashboard from starting.
public enum DashboardError: Error, CustomStringConvertible, Equatable {
    /// stdin or stdout is not a terminal (piped, redirected, CI).
    case notATerminal
    /// The terminal cannot move the cursor (`TERM=dumb`, an unknown `TERM`): a full-screen UI cannot be drawn.
    case noCursorAddressing(term: String)

    public var description: String {
        switch self {
        case .notATerminal:
            "dossier dashboard: stdin and stdout must be a terminal (use `dossier scan`, `dossier queue status` in scripts)"
        case .noCursorAddressing(let term):
            "dossier dashboard: the terminal TERM=\(term.isEmpty ? "(unset)" : term) cannot address the cursor (no"
                + " terminfo `cup`); run it in a full-screen terminal such as TERM=xterm-256color, or use"
                + " `dossier scan`, `dossier queue status`"
        }
    }
}

/// The dashboard's main loop: draw, wait up to 100 ms for a key, handle it.
///
/// Runs on the main thread, which it keeps busy until quit: the data source does its work in
/// detached tasks and publishes into a Mutex, never on the main actor (recipe rule 6).
public enum DashboardApp {
    /// Throws `.notATerminal` unless stdin and stdout are terminals: call it before any set-up
    /// work (demo files, receiver) so scripts fail fast.
    public static func checkTerminal() throws(DashboardError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        guard ncs_terminal_can_address() != 0 else {
            throw .noCursorAddressing(term: ProcessInfo.processInfo.environment["TERM"] ?? "")
        }
    }

    /// Runs until `q`, Ctrl-C, SIGTERM or SIGHUP and returns the process exit code (0, or 128 +
    /// the signal). The terminal is restored on every path before this returns.
    @MainActor
    public static func run(dataSource: any DashboardDataSource, options: DashboardOptions) throws(DashboardError)
        -> Int32
    {
        try checkTerminal()
        Signals.installTerminationHandlers()
        dataSource.start()
        let terminal = Terminal(color: options.color, mouse: options.mouse)
        let renderOptions = RenderOptions(ascii: !terminal.unicode)
        var state = UIState(readOnly: options.readOnly)
        let keyMap = KeyMap.standard
        var exitSignal: Int32 = 0

        var cache = FrameCache()

        loop: while true {
            if let signal = Signals.pending {
                exitSignal = signal
                break
            }
            let data = dataSource.snapshot()
            let now = Date()
            let (width, height) = terminal.size
            let layout = Layout(width: width, height: height)
            if let canvas = cache.frame(
                data: data, state: &state, width: width, height: height, now: now,
                build: {
                    Renderer.render(
                        data: data, state: $0, width: width, height: height, now: now, options: renderOptions,
                        keyMap: keyMap, rows: $1)
                })
            {
                terminal.draw(canvas)
            }

            dataSource.request(pages: state.pageRequests())
            guard let event = terminal.nextEvent() else { continue }
            switch event {
            case .resize:
                terminal.rebuild()
                cache.invalidate()
            case .mouse(let mouse):
                _ = state.handle(mouse: mouse, data: dataSource.snapshot(), layout: layout, now: Date())
                dataSource.request(pages: state.pageRequests())
            case .unknown(let name):
                state.notice = "\(name): no such key (? for help)"
            case .key(let key):
                let commands = state.handle(
                    key, data: dataSource.snapshot(), layout: layout, now: Date(), keyMap: keyMap)
                dataSource.request(pages: state.pageRequests())
                for command in commands {
                    switch command {
                    case .scan: dataSource.scan()
                    case .flush: dataSource.flush()
                    case .sendBackedOffNow: dataSource.sendBackedOffNow()
                    case .retry(let id): dataSource.retry(eventID: id)
                    case .retryAllDead: dataSource.retryAllDead()
                    case .acceptBaselines: dataSource.acceptBaselines()
                    }
                }
                if state.shouldQuit { break loop }
            }
        }

        terminal.shutdown()  // restore the terminal first: nothing below may leave it raw
        dataSource.stop()
        return exitSignal == 0 ? 0 : 128 + exitSignal
    }
}

/// Skips work while nothing changed: each pane's rows are rebuilt only when what they come from changed
/// (`PaneRowCache`: the scan's panes only after a scan), a frame only when the data, the second, the UI state or the
/// size changed.
struct FrameCache {
    private var rows = PaneRowCache()
    private var frameKey: FrameKey?

    private struct FrameKey: Equatable {
        var revision: Int
        var second: Int
        var state: UIState
        var width: Int
        var height: Int
    }

    /// Normalizes `state` and returns a new frame, or nil when the last one is still exact.
    mutating func frame(
        data: DashboardData, state: inout UIState, width: Int, height: Int, now: Date,
        build: (UIState, PaneRowSet) -> Canvas
    ) -> Canvas? {
        let layout = Layout(width: width, height: height)
        rows.update(state: state, data: data, now: now)
        state.normalize(rowSet: rows.rowSet, layout: layout)
        // Normalizing can move a paged pane's anchor: that pane's window again (the others stay cached).
        if !rows.update(state: state, data: data, now: now).isEmpty {
            state.normalize(rowSet: rows.rowSet, layout: layout)
        }
        let frame = FrameKey(
            revision: data.revision, second: Int(now.timeIntervalSince1970.rounded(.down)), state: state,
            width: width, height: height)
        guard frame != frameKey else { return nil }
        frameKey = frame
        return build(state, rows.rowSet)
    }

    /// Forget everything (after a resize the terminal must be redrawn in full).
    mutating func invalidate() {
        rows.invalidate()
        frameKey = nil
    }
}
