import Foundation

/// Keeps each pane's rows until what they are built from changes. The Features, Artifacts and Drift rows (~11,000
/// on a 412-feature repository) come from a scan's results only, so events arriving, queue counts, the clock or the
/// selection moving rebuild the event panes (a page each) and leave them alone.
public struct PaneRowCache: Sendable {
    /// What one pane's rows depend on, besides the data they are built from.
    struct Inputs: Equatable {
        /// `featuresRevision` for the scan panes, `revision` for the others.
        var revision: Int
        var filter: String
        var scope: String?
        /// The second, for panes that show ages ("due in 5s", "retry in 3s"); 0 for the others.
        var second: Int
        /// Paged panes: what they ask for (an in-memory window is cut from it) and whether the feed is frozen.
        var request: PageRequest?
        var paused: Bool
    }

    private var inputs: [Pane: Inputs] = [:]
    /// The rows of the last `update`.
    public private(set) var rowSet = PaneRowSet()

    public init() {}

    /// The rows of every pane for `state` over `data`, rebuilding only the panes whose inputs changed since the last
    /// call. Returns the panes it rebuilt.
    @discardableResult
    public mutating func update(state: UIState, data: DashboardData, now: Date) -> Set<Pane> {
        let second = Int(now.timeIntervalSince1970.rounded(.down))
        var stale: Set<Pane> = []
        for pane in Pane.allCases {
            let key = Self.inputs(pane, state: state, data: data, second: second)
            if inputs[pane] != key {
                inputs[pane] = key
                stale.insert(pane)
            }
        }
        if !stale.isEmpty { rowSet = state.rowSet(data: data, now: now, panes: stale, reusing: rowSet) }
        return stale
    }

    /// Forgets every pane's rows (the next `update` rebuilds all).
    public mutating func invalidate() {
        inputs = [:]
    }

    static func inputs(_ pane: Pane, state: UIState, data: DashboardData, second: Int) -> Inputs {
        let paged = PagedList.isPaged(pane)
        let fromScan = pane == .features || pane == .artifacts || pane == .drift
        let ages = pane == .queue || pane == .deliveries
        return Inputs(
            revision: fromScan ? data.featuresRevision : data.revision, filter: state.filters[pane] ?? "",
            scope: state.scope, second: ages ? second : 0, request: paged ? state.pageRequest(pane) : nil,
            paused: pane == .events && state.paused)
    }
}
