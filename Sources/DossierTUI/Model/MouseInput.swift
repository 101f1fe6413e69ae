import Foundation

/// A mouse event in terminal cells (the terminal layer decodes ncurses' `MEVENT`s into these).
public enum MouseInput: Sendable, Hashable {
    /// Button 1 pressed at column `x`, row `y`: focuses the pane there and selects the row under the pointer.
    case click(x: Int, y: Int)
    /// The wheel turned over (x, y): scrolls that pane (`up`: towards the first row).
    case wheel(up: Bool, x: Int, y: Int)
}

extension UIState {
    /// Rows one wheel step moves.
    static let wheelStep = 3

    /// Applies one mouse event: a click focuses the pane under the pointer and selects the row clicked; the wheel
    /// focuses and scrolls it (over an overlay: scrolls the overlay). Returns the commands (none: the mouse only
    /// looks and selects).
    public mutating func handle(mouse: MouseInput, data: DashboardData, layout: Layout?, now: Date) -> [UICommand] {
        notice = nil
        noticeAt = nil
        defer { normalize(data: data, layout: layout, now: now) }
        guard let layout else { return [] }
        let (x, y): (Int, Int) =
            switch mouse {
            case .click(let x, let y), .wheel(_, let x, let y): (x, y)
            }
        switch overlay {
        case .help, .detail:
            // The wheel scrolls the text, a click closes it.
            if case .wheel(let up, _, _) = mouse {
                _ = handle(up ? .up : .down, data: data, layout: layout, now: now)
            } else {
                overlay = nil
            }
            return []
        case .confirmRetryAll, .confirmAcceptBaseline, .confirmSendBackedOff:
            return []  // a question waits for y or another key, never for the mouse
        case nil:
            break
        }
        guard let pane = Pane.allCases.first(where: { layout.panes[$0]?.contains(x: x, y: y) ?? false }) else {
            return []
        }
        focus = pane
        switch mouse {
        case .wheel(let up, _, _):
            _ = handle(up ? .up : .down, data: data, layout: layout, now: now, repeating: Self.wheelStep)
        case .click:
            let area = layout.listArea(pane)
            guard area.contains(x: x, y: y) else { return [] }
            let rows = rows(pane, data: data, now: now)
            let top = max(0, scrollTop[pane] ?? 0)
            let index = top + (y - area.y)
            guard index >= 0, index < rows.count else { return [] }
            selectedID[pane] = rows[index].id
            selectedIndex[pane] = index
        }
        return []
    }

    /// A movement key `count` times (the wheel's steps).
    private mutating func handle(_ key: KeyInput, data: DashboardData, layout: Layout, now: Date, repeating count: Int)
        -> [UICommand]
    {
        (0..<count).flatMap { _ in handle(key, data: data, layout: layout, now: now) }
    }
}

extension Rect {
    /// True when the cell (x, y) lies inside.
    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < x + width && py >= y && py < y + height
    }
}
