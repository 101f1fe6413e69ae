import DossierCore
import Foundation
import Testing

/// The dashboard's keyset listings over a real SQLite queue: order, pages from both ends and around a key,
/// exact counts and positions, and the SQL filter.
@Suite struct EventQueuePagingTests {
    /// 40 events (seq 1...40); the 5 oldest delivered, the next 3 dead, the next 2 in flight.
    func withQueue(_ body: (EventQueue, [QueuedEvent]) throws -> Void) async throws {
        let dir = QueueTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try EventQueue(path: dir + "/state/queue.sqlite")
        try queue.append(QueueTests.events(40, slug: "042-login"))
        let now = Date()
        let claimed = try await queue.claimDue(now: now, limit: 10, maxBytes: 1 << 30, leaseSeconds: 600, owner: "t")
        var outcomes: [DeliveryOutcome] = claimed.prefix(5).map { .delivered($0.eventID) }
        outcomes += claimed.dropFirst(5).prefix(3).map { .dead($0.eventID, reason: "rejected: test") }
        _ = try await queue.complete(outcomes, owner: "t", now: now)
        let all = try queue.list(limit: 100, newestFirst: true)
        try body(queue, all)
    }

    static let whole = EventQueue.ListingScope(groups: [QueueState.allCases])
    static let undelivered = EventQueue.ListingScope(groups: [[.dead], [.inFlight], [.pending]])

    @Test func wholeQueueNewestFirstFromBothEnds() async throws {
        try await withQueue { queue, all in
            #expect(try queue.listingCount(Self.whole) == 40)
            let head = try queue.listingPage(Self.whole, anchor: .first, before: 5, after: 7)
            #expect(head.events.map(\.seq) == Array(all.prefix(7)).map(\.seq))
            #expect(head.offset == 0 && head.anchorIndex == 0 && head.count == 40)
            let tail = try queue.listingPage(Self.whole, anchor: .last, before: 3, after: 4)
            #expect(tail.events.map(\.seq) == [7, 6, 5, 4, 3, 2, 1])
            #expect(tail.offset == 33 && tail.anchorIndex == 3)
            // Around a key: three before it, the key and what follows; the offset is the exact position.
            let key = try #require(Self.whole.key(for: all[20]))
            let mid = try queue.listingPage(Self.whole, anchor: .key(key), before: 3, after: 2)
            #expect(mid.events.map(\.seq) == all[17...21].map(\.seq))
            #expect(mid.offset == 17 && mid.anchorIndex == 3)
            #expect(try queue.listingPosition(of: key, in: Self.whole) == 20)
        }
    }

    @Test func queueListingGroupsDeadThenInFlightThenPending() async throws {
        try await withQueue { queue, _ in
            #expect(try queue.listingCount(Self.undelivered) == 35)
            let rows = try queue.listing(Self.undelivered, from: nil, limit: 100)
            #expect(
                rows.map(\.state) == Array(repeating: .dead, count: 3) + Array(repeating: .inFlight, count: 2)
                    + Array(repeating: .pending, count: 30))
            #expect(rows.prefix(3).map(\.seq) == [8, 7, 6])
            // Paging forward from a key crosses the group boundary without gaps or repeats.
            let key = try #require(Self.undelivered.key(for: rows[3]))
            let next = try queue.listing(Self.undelivered, from: key, limit: 4)
            #expect(next.map(\.seq) == rows[4...7].map(\.seq))
            let back = try queue.listing(Self.undelivered, before: key, limit: 10)
            #expect(back.map(\.seq) == rows[0...2].reversed().map(\.seq))
        }
    }

    @Test func filterRunsInSQLOverTheWholeQueue() async throws {
        try await withQueue { queue, _ in
            var scope = Self.whole
            scope.contains = "\"K3"  // the envelope's artifact key "k3" and "k30"..."k39" (ASCII case-insensitive)
            let hits = try queue.listing(scope, from: nil, limit: 100)
            #expect(hits.count == 11)
            #expect(try queue.listingCount(scope) == 11)
            scope.contains = "rejected: test"
            #expect(try queue.listingCount(scope) == 3)
            scope.contains = "100%"  // LIKE wildcards are literal
            #expect(try queue.listingCount(scope) == 0)
            scope.contains = nil
            scope.featureSlug = "other"
            #expect(try queue.listingCount(scope) == 0)
        }
    }
}
