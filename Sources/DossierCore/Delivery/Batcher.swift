import Crypto
import Foundation

/// One event as the batcher sees it: its id and its canonical envelope bytes (sent as they are).
public struct BatchItem: Sendable, Equatable {
    public var eventID: String
    public var body: Data

    public init(eventID: String, body: Data) {
        self.eventID = eventID
        self.body = body
    }
}

/// One request's worth of events: `{"batch_id":"…","events":[…]}` with the envelopes spliced in byte for byte.
public struct DeliveryBatch: Sendable, Equatable {
    /// Stable for a given list of events (hash of their ids), so a retry of the same batch keeps its
    /// `webhook-id` and batch id.
    public var id: String
    public var items: [BatchItem]
    public var body: Data

    public var eventIDs: [String] { items.map(\.eventID) }

    /// Builds the batch body from `items`, in order.
    public init(items: [BatchItem]) {
        self.items = items
        self.id = Batcher.batchID(for: items.map(\.eventID))
        self.body = Batcher.body(batchID: id, items: items)
    }

    /// The two halves (for 413 split and 400/422 bisection); nil for a single event.
    public func halves() -> (DeliveryBatch, DeliveryBatch)? {
        guard items.count > 1 else { return nil }
        let mid = items.count / 2
        return (DeliveryBatch(items: Array(items[..<mid])), DeliveryBatch(items: Array(items[mid...])))
    }
}

/// Groups queue-ordered events into batches of at most `maxEvents` events and `maxBytes` body bytes
/// (100 / 256 KB). Order is kept. An event bigger than `maxBytes` on its own travels alone.
public struct Batcher: Sendable, Equatable {
    public var maxEvents: Int
    public var maxBytes: Int

    public init(maxEvents: Int = 100, maxBytes: Int = 256 * 1024) {
        self.maxEvents = max(1, maxEvents)
        self.maxBytes = max(1, maxBytes)
    }

    /// Bytes of the wrapper around the events: `{"batch_id":"<id>","events":[` + `]}`.
    static let idLength = 34
    static let overhead = #"{"batch_id":"","events":[]}"#.utf8.count + idLength

    /// Splits `items` (in queue order) into batches.
    public func batches(_ items: [BatchItem]) -> [DeliveryBatch] {
        var result: [DeliveryBatch] = []
        var current: [BatchItem] = []
        var size = Self.overhead
        for item in items {
            let added = item.body.count + (current.isEmpty ? 0 : 1)
            if !current.isEmpty && (current.count >= maxEvents || size + added > maxBytes) {
                result.append(DeliveryBatch(items: current))
                current = []
                size = Self.overhead
            }
            size += item.body.count + (current.isEmpty ? 0 : 1)
            current.append(item)
        }
        if !current.isEmpty { result.append(DeliveryBatch(items: current)) }
        return result
    }

    /// `b_` + 32 hex digits of SHA-256 over the newline-joined event ids.
    static func batchID(for eventIDs: [String]) -> String {
        let digest = SHA256.hash(data: Data(eventIDs.joined(separator: "\n").utf8))
        return "b_" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static func body(batchID: String, items: [BatchItem]) -> Data {
        var body = Data()
        body.reserveCapacity(overhead + items.reduce(0) { $0 + $1.body.count + 1 })
        body.append(contentsOf: #"{"batch_id":""#.utf8)
        body.append(contentsOf: batchID.utf8)
        body.append(contentsOf: #"","events":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(item.body)
        }
        body.append(contentsOf: "]}".utf8)
        return body
    }
}
