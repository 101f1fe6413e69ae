import DossierCore

/// Where a paged list (Events, Queue) is scrolled to: its top visible row.
public enum PageAnchor: Sendable, Hashable {
    /// The first rows (newest events): new events appear at the top and stay in view.
    case head
    /// The last rows (`G`/End): the oldest events.
    case tail
    /// The row at `key` (by listing key in SQLite; `id` finds it in rows already loaded).
    case at(key: EventQueue.ListingKey, id: String)
}

/// What the UI asks the data source to load for one paged pane.
public struct PageRequest: Sendable, Hashable {
    public var anchor: PageAnchor
    /// The pane's `/` filter (empty: none), applied in SQL to the whole queue.
    public var filter: String
    /// Rows visible in the pane; the window loads as many again before and after, so moving by a page needs
    /// no round trip.
    public var visible: Int
    /// Only this feature's events (the Features pane's scope), in SQL; nil: every feature.
    public var feature: String?

    public init(anchor: PageAnchor = .head, filter: String = "", visible: Int = 20, feature: String? = nil) {
        self.anchor = anchor
        self.filter = filter
        self.visible = visible
        self.feature = feature
    }
}

/// A slice of a paged pane's whole list, as loaded for a `PageRequest`: consecutive rows of the (filtered)
/// list starting at index `offset`, with the exact sizes of the list.
public struct EventWindow: Sendable, Equatable {
    /// The request this window answers.
    public var request: PageRequest
    public var rows: [EventRow]
    /// Index of `rows[0]` in the whole (filtered) list.
    public var offset: Int
    /// Index in `rows` of the anchor row (the top visible row).
    public var anchorIndex: Int
    /// Rows in the whole list with the filter applied.
    public var count: Int
    /// Rows in the whole list without the filter.
    public var total: Int

    public init(request: PageRequest, rows: [EventRow], offset: Int, anchorIndex: Int, count: Int, total: Int) {
        self.request = request
        self.rows = rows
        self.offset = offset
        self.anchorIndex = anchorIndex
        self.count = count
        self.total = total
    }
}

/// The two panes that page through the queue, and what each lists.
public enum PagedList {
    /// True for the panes whose rows come from SQLite pages.
    public static func isPaged(_ pane: Pane) -> Bool { pane == .events || pane == .queue }

    /// The Events pane lists the whole queue newest first; the Queue pane what still needs something: dead
    /// first (retry candidates), then sending, then pending, each newest first.
    public static func groups(_ pane: Pane) -> [[QueueState]] {
        pane == .queue ? [[.dead], [.inFlight], [.pending]] : [QueueState.allCases]
    }

    /// The SQL scope of a pane with a filter, limited to one feature's events when `feature` is set.
    public static func scope(_ pane: Pane, filter: String, feature: String? = nil) -> EventQueue.ListingScope {
        EventQueue.ListingScope(groups: groups(pane), contains: filter.isEmpty ? nil : filter, featureSlug: feature)
    }

    /// The listing key of an event row in a pane (nil when the pane does not list its state).
    public static func key(_ row: EventRow, pane: Pane) -> EventQueue.ListingKey? {
        EventQueue.ListingScope(groups: groups(pane)).rank(of: row.state).map {
            EventQueue.ListingKey(rank: $0, seq: row.seq)
        }
    }

    /// A window over rows already in memory (data sources that hold every event, and tests): the filter is
    /// applied here, the anchor resolved by id.
    public static func window(
        _ pane: Pane, events: [EventRow], request: PageRequest, matches: (EventRow) -> Bool
    ) -> EventWindow {
        let listed = events.filter { e in
            key(e, pane: pane) != nil && (request.feature.map { $0 == e.featureSlug } ?? true)
        }
        let sorted =
            pane == .queue
            ? listed.enumerated().sorted { a, b in
                let ra = key(a.element, pane: pane)?.rank ?? 0
                let rb = key(b.element, pane: pane)?.rank ?? 0
                return ra != rb ? ra < rb : a.offset < b.offset
            }.map(\.element) : listed
        let rows = request.filter.isEmpty ? sorted : sorted.filter(matches)
        let anchorIndex: Int
        switch request.anchor {
        case .head: anchorIndex = 0
        case .tail: anchorIndex = max(0, rows.count - request.visible)
        case .at(_, let id): anchorIndex = rows.firstIndex { $0.id == id } ?? 0
        }
        return EventWindow(
            request: request, rows: rows, offset: 0, anchorIndex: anchorIndex, count: rows.count, total: sorted.count)
    }
}
