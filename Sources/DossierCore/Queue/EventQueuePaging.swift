import Foundation
import GRDB

/// Whole-queue listings for the dashboard: pages of events in a fixed order, found by keyset queries (`seq`
/// bounds on the `events_state_seq` index or the primary key), so a page costs the same wherever it is in a queue
/// of any size, and only the page is ever in memory. Counts are exact `COUNT(*)`s over the same scope.
extension EventQueue {
    /// Which events a listing shows, and in which order: the `groups` one after the other (a group's rank is its
    /// index), each newest first (`seq` descending). `[QueueState.allCases]` is the whole queue, newest first.
    public struct ListingScope: Sendable, Hashable {
        public var groups: [[QueueState]]
        /// Substring (ASCII letters compared case-insensitively) that the feature slug, event type, state, event
        /// id, last error or stored envelope must contain; nil or empty: every event.
        public var contains: String?
        /// Only this feature's events.
        public var featureSlug: String?

        public init(groups: [[QueueState]], contains: String? = nil, featureSlug: String? = nil) {
            self.groups = groups
            self.contains = contains
            self.featureSlug = featureSlug
        }

        /// The rank (group index) an event of `state` has in this listing, nil when the listing leaves it out.
        public func rank(of state: QueueState) -> Int? { groups.firstIndex { $0.contains(state) } }

        /// The position key of `event` in this listing (nil when its state is not listed).
        public func key(for event: QueuedEvent) -> ListingKey? {
            rank(of: event.state).map { ListingKey(rank: $0, seq: event.seq) }
        }
    }

    /// A position in a listing: rank ascending, then `seq` descending (newest first within a group).
    public struct ListingKey: Sendable, Hashable, Comparable {
        public var rank: Int
        public var seq: Int64

        public init(rank: Int, seq: Int64) {
            self.rank = rank
            self.seq = seq
        }

        public static func < (a: ListingKey, b: ListingKey) -> Bool {
            a.rank != b.rank ? a.rank < b.rank : a.seq > b.seq
        }
    }

    /// Events in `scope` (exact).
    public func listingCount(_ scope: ListingScope) throws(QueueError) -> Int {
        try read("count listing") { db in
            var total = 0
            for group in scope.groups.indices {
                total += try Self.count(db, scope, group: group, seqAbove: nil)
            }
            return total
        }
    }

    /// How many events of `scope` come before `key` (the index the event at `key` has, or would have).
    public func listingPosition(of key: ListingKey, in scope: ListingScope) throws(QueueError) -> Int {
        try read("listing position") { db in
            var n = 0
            for group in scope.groups.indices where group <= key.rank {
                n += try Self.count(db, scope, group: group, seqAbove: group == key.rank ? key.seq : nil)
            }
            return n
        }
    }

    /// Up to `limit` events of `scope` from `key` on, in listing order (`inclusive`: the event at `key` too);
    /// nil `key` starts at the beginning.
    public func listing(_ scope: ListingScope, from key: ListingKey?, inclusive: Bool = false, limit: Int)
        throws(QueueError) -> [QueuedEvent]
    {
        try read("list page") { db in try Self.forward(db, scope, from: key, inclusive: inclusive, limit: limit) }
    }

    /// Up to `limit` events of `scope` before `key`, nearest first (the reverse of listing order); nil `key`
    /// starts at the end (the last events of the listing).
    public func listing(_ scope: ListingScope, before key: ListingKey?, limit: Int) throws(QueueError)
        -> [QueuedEvent]
    {
        try read("list page") { db in try Self.backward(db, scope, before: key, limit: limit) }
    }

    /// Where a page starts: the first events, the last ones, or the event at a key.
    public enum ListingAnchor: Sendable, Hashable {
        case first, last
        case key(ListingKey)
    }

    /// One page of a listing read in one transaction: `events` in listing order, the index of `events[0]` in
    /// the whole listing, the index in `events` of the anchor event, and the listing's exact size.
    public struct ListingPage: Sendable, Equatable {
        public var events: [QueuedEvent]
        public var offset: Int
        public var anchorIndex: Int
        public var count: Int
    }

    /// The page around `anchor`: up to `before` events ahead of it and `after` from it on (`.last`: the last
    /// `after` events, with `before` ahead of them). A key past the end reads as `.last`.
    public func listingPage(_ scope: ListingScope, anchor: ListingAnchor, before: Int, after: Int)
        throws(QueueError) -> ListingPage
    {
        try read("list page") { db in
            let count = try scope.groups.indices.reduce(0) { $0 + (try Self.count(db, scope, group: $1, seqAbove: nil)) }
            var anchor = anchor
            if case .key(let key) = anchor, try Self.forward(db, scope, from: key, inclusive: true, limit: 1).isEmpty {
                anchor = .last
            }
            switch anchor {
            case .first:
                let events = try Self.forward(db, scope, from: nil, inclusive: false, limit: after)
                return ListingPage(events: events, offset: 0, anchorIndex: 0, count: count)
            case .last:
                let tail = Array(try Self.backward(db, scope, before: nil, limit: after).reversed())
                let head = try tail.first.flatMap { scope.key(for: $0) }.map {
                    Array(try Self.backward(db, scope, before: $0, limit: before).reversed())
                } ?? []
                return ListingPage(
                    events: head + tail, offset: max(0, count - tail.count - head.count), anchorIndex: head.count,
                    count: count)
            case .key(let key):
                let head = Array(try Self.backward(db, scope, before: key, limit: before).reversed())
                let tail = try Self.forward(db, scope, from: key, inclusive: true, limit: after)
                var position = 0
                for group in scope.groups.indices where group <= key.rank {
                    position += try Self.count(db, scope, group: group, seqAbove: group == key.rank ? key.seq : nil)
                }
                return ListingPage(
                    events: head + tail, offset: max(0, position - head.count), anchorIndex: head.count, count: count)
            }
        }
    }

    // MARK: SQL

    private static func forward(_ db: Database, _ scope: ListingScope, from key: ListingKey?, inclusive: Bool, limit: Int)
        throws -> [QueuedEvent]
    {
        var result: [QueuedEvent] = []
        for group in scope.groups.indices where result.count < limit {
            if let key, group < key.rank { continue }
            var bound: (String, Int64)?
            if let key, group == key.rank { bound = (inclusive ? "<=" : "<", key.seq) }
            result += try page(db, scope, group: group, bound: bound, descending: true, limit: limit - result.count)
        }
        return result
    }

    private static func backward(_ db: Database, _ scope: ListingScope, before key: ListingKey?, limit: Int) throws
        -> [QueuedEvent]
    {
        var result: [QueuedEvent] = []
        for group in scope.groups.indices.reversed() where result.count < limit {
            if let key, group > key.rank { continue }
            var bound: (String, Int64)?
            if let key, group == key.rank { bound = (">", key.seq) }
            result += try page(db, scope, group: group, bound: bound, descending: false, limit: limit - result.count)
        }
        return result
    }


    /// WHERE clause and arguments for one group of `scope` (never empty: `1` when nothing restricts).
    private static func condition(_ scope: ListingScope, group: Int) -> (String, [any DatabaseValueConvertible]) {
        var parts: [String] = []
        var args: [any DatabaseValueConvertible] = []
        let states = scope.groups[group]
        if Set(states) != Set(QueueState.allCases) {
            if states.count == 1 {
                parts.append("state = ?")
            } else {
                parts.append("state IN (" + states.map { _ in "?" }.joined(separator: ",") + ")")
            }
            args += states.map(\.rawValue)
        }
        if let slug = scope.featureSlug {
            parts.append("feature_slug = ?")
            args.append(slug)
        }
        if let text = scope.contains, !text.isEmpty {
            let pattern = "%" + likeEscaped(text) + "%"
            let columns = [
                "feature_slug", "event_type", "state", "event_id", "COALESCE(last_error, '')", "CAST(body AS TEXT)",
            ]
            parts.append("(" + columns.map { "\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            args += Array(repeating: pattern, count: columns.count)
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), args)
    }

    /// `text` with LIKE's wildcards (`%`, `_`) and the escape character taken literally.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch == "%" || ch == "_" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    private static func count(_ db: Database, _ scope: ListingScope, group: Int, seqAbove: Int64?) throws -> Int {
        var (sql, args) = condition(scope, group: group)
        if let seqAbove {
            sql += " AND seq > ?"
            args.append(seqAbove)
        }
        return try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM events WHERE \(sql)", arguments: StatementArguments(args)) ?? 0
    }

    private static func page(
        _ db: Database, _ scope: ListingScope, group: Int, bound: (String, Int64)?, descending: Bool, limit: Int
    ) throws -> [QueuedEvent] {
        guard limit > 0 else { return [] }
        var (sql, args) = condition(scope, group: group)
        if let (op, seq) = bound {
            sql += " AND seq \(op) ?"
            args.append(seq)
        }
        args.append(limit)
        return try Row.fetchAll(
            db,
            sql: "SELECT \(columns) FROM events WHERE \(sql) ORDER BY seq \(descending ? "DESC" : "ASC") LIMIT ?",
            arguments: StatementArguments(args)
        ).map(queuedEvent)
    }
}
