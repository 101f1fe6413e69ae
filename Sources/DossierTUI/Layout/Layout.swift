/// Where everything goes for a terminal size (pure).
///
/// ```
/// ┌ header (4 rows) ───────────────────────────────────────────┐
/// ├ 1 Events (55 %, 1/2 of body) ─┐┌ 2 Queue (7–9 rows) ────────┐
/// ├ 6 Features ───────────────────┤│ 3 Deliveries               │
/// ├ 5 Artifacts ──────────────────┤│ 4 Drift                    │
/// status bar (1 row)
/// ```
public struct Layout: Sendable, Equatable {
    /// Below this the dashboard shows only "terminal too small (WxH, min 80x24)".
    public static let minWidth = 80
    public static let minHeight = 24
    /// Rows of the Queue pane's summary above its list.
    static let queueSummaryRows = 3

    public let width: Int
    public let height: Int
    public let header: Rect
    public let panes: [Pane: Rect]
    public let statusBar: Rect

    /// nil when the terminal is smaller than `minWidth` × `minHeight`.
    public init?(width: Int, height: Int) {
        guard width >= Self.minWidth, height >= Self.minHeight else { return nil }
        self.width = width
        self.height = height
        header = Rect(x: 0, y: 0, width: width, height: 4)
        statusBar = Rect(x: 0, y: height - 1, width: width, height: 1)
        let top = 4
        let body = height - 5
        let leftWidth = width * 11 / 20
        let rightWidth = width - leftWidth
        let eventsHeight = body / 2
        let featuresHeight = (body - eventsHeight) / 2
        let queueHeight = min(9, max(7, body / 3))
        let deliveriesHeight = (body - queueHeight) / 2
        panes = [
            .events: Rect(x: 0, y: top, width: leftWidth, height: eventsHeight),
            .features: Rect(x: 0, y: top + eventsHeight, width: leftWidth, height: featuresHeight),
            .artifacts: Rect(
                x: 0, y: top + eventsHeight + featuresHeight, width: leftWidth,
                height: body - eventsHeight - featuresHeight),
            .queue: Rect(x: leftWidth, y: top, width: rightWidth, height: queueHeight),
            .deliveries: Rect(x: leftWidth, y: top + queueHeight, width: rightWidth, height: deliveriesHeight),
            .drift: Rect(
                x: leftWidth, y: top + queueHeight + deliveriesHeight, width: rightWidth,
                height: body - queueHeight - deliveriesHeight),
        ]
    }

    /// The part of a pane that shows list rows (inside the border, below the Queue summary).
    public func listArea(_ pane: Pane) -> Rect {
        guard let rect = panes[pane] else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        var inner = rect.inner
        if pane == .queue {
            inner.y += Self.queueSummaryRows
            inner.height = max(0, inner.height - Self.queueSummaryRows)
        }
        return inner
    }

    /// How many rows PgUp/PgDn move in a pane.
    public func pageSize(_ pane: Pane) -> Int { max(1, listArea(pane).height - 1) }

    /// The overlay box: centered, at most 100 columns wide, leaving a margin.
    public var overlay: Rect {
        let w = min(width - 4, 100)
        let h = height - 4
        return Rect(x: (width - w) / 2, y: 2, width: w, height: h)
    }
}
