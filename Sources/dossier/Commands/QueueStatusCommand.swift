import ArgumentParser
import DossierCore
import Foundation

/// `dossier queue status [--json]`: counts per state, oldest pending age, cap, endpoint states.
struct QueueStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show counts per state, the oldest pending age, the cap and endpoint states.",
        discussion: """
            --json prints one object with sorted keys: path, capacity, counts {pending, in_flight, delivered, dead},
            undelivered, refused_count, oldest_pending_age_seconds (or null), next_attempt_at (or null),
            synchronous, endpoints [{endpoint, state, reason, updated_at, last_success_at, window, rate_per_second,
            oldest_pending_age_seconds}]: window is the requests in flight of the last flush to that endpoint (null
            before one), rate_per_second the events it accepted per second over the last 60 s, and the oldest
            pending age is the queue's (the queue is not split by endpoint).
            """)

    @OptionGroup var state: StateOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    struct Output: Encodable {
        struct Endpoint: Encodable {
            var endpoint: String
            var state: String
            var reason: String?
            var updated_at: String
            var last_success_at: String?
            var window: Int?
            var rate_per_second: Double
            var oldest_pending_age_seconds: Double?

            func encode(to encoder: any Encoder) throws {
                enum K: String, CodingKey {
                    case endpoint, state, reason, updated_at, last_success_at, window, rate_per_second,
                        oldest_pending_age_seconds
                }
                var c = encoder.container(keyedBy: K.self)
                try c.encode(endpoint, forKey: .endpoint)
                try c.encode(state, forKey: .state)
                try c.encode(reason, forKey: .reason)
                try c.encode(updated_at, forKey: .updated_at)
                try c.encode(last_success_at, forKey: .last_success_at)
                try c.encode(window, forKey: .window)
                try c.encode(rate_per_second, forKey: .rate_per_second)
                try c.encode(oldest_pending_age_seconds, forKey: .oldest_pending_age_seconds)
            }
        }
        var path: String
        var capacity: Int
        var counts: [String: Int]
        var undelivered: Int
        var refused_count: Int
        var oldest_pending_age_seconds: Double?
        var next_attempt_at: String?
        var synchronous: String
        var endpoints: [Endpoint]

        func encode(to encoder: any Encoder) throws {
            enum K: String, CodingKey {
                case path, capacity, counts, undelivered, refused_count, oldest_pending_age_seconds, next_attempt_at,
                    synchronous, endpoints
            }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(path, forKey: .path)
            try c.encode(capacity, forKey: .capacity)
            try c.encode(counts, forKey: .counts)
            try c.encode(undelivered, forKey: .undelivered)
            try c.encode(refused_count, forKey: .refused_count)
            try c.encode(oldest_pending_age_seconds, forKey: .oldest_pending_age_seconds)
            try c.encode(next_attempt_at, forKey: .next_attempt_at)
            try c.encode(synchronous, forKey: .synchronous)
            try c.encode(endpoints, forKey: .endpoints)
        }
    }

    func run() async throws {
        let queue = try QueueSupport.openQueue(state)
        let now = Date()
        let status: QueueStatus
        let sync: Int
        do {
            status = try queue.status(now: now)
            sync = try queue.writerSynchronous()
        } catch {
            throw QueueSupport.fail(error.description)
        }
        let syncName = [0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"][sync] ?? String(sync)
        let oldest = status.oldestPendingAge.map { ($0 * 1000).rounded() / 1000 }
        if json {
            let out = Output(
                path: queue.path, capacity: status.capacity,
                counts: Dictionary(uniqueKeysWithValues: status.counts.map { ($0.key.rawValue, $0.value) }),
                undelivered: status.undelivered, refused_count: status.refusedCount,
                oldest_pending_age_seconds: oldest,
                next_attempt_at: status.nextAttemptAt.map(EventTimestamp.string(from:)), synchronous: syncName,
                endpoints: status.endpoints.map {
                    .init(
                        endpoint: $0.endpoint, state: $0.state, reason: $0.reason,
                        updated_at: EventTimestamp.string(from: $0.updatedAt),
                        last_success_at: $0.lastSuccessAt.map(EventTimestamp.string(from:)), window: $0.window,
                        rate_per_second: ($0.ratePerSecond * 1000).rounded() / 1000,
                        oldest_pending_age_seconds: oldest)
                })
            QueueSupport.writeOut(QueueSupport.json(out) + Data("\n".utf8))
            return
        }
        print("queue \(TerminalText.escape(queue.path)) (synchronous=\(syncName))")
        for s in QueueState.allCases {
            let n = status.counts[s] ?? 0
            var line = s.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + String(n)
            if s == .pending, let age = status.oldestPendingAge {
                line += "  (oldest \(QueueSupport.duration(age)) old"
                if let next = status.nextAttemptAt {
                    line +=
                        next <= now
                        ? ", due now)" : ", next attempt in \(QueueSupport.duration(next.timeIntervalSince(now))))"
                } else {
                    line += ")"
                }
            }
            print(line)
        }
        print(
            "cap       \(status.undelivered)/\(status.capacity) undelivered; refused at cap so far: \(status.refusedCount)"
        )
        if status.endpoints.isEmpty {
            print("endpoint  none recorded yet")
        }
        for e in status.endpoints {
            var line = "endpoint  \(TerminalText.escape(e.endpoint)): \(TerminalText.escape(e.state))"
            if let reason = e.reason { line += " (\(TerminalText.escape(reason)))" }
            if let ok = e.lastSuccessAt { line += "; last success \(EventTimestamp.string(from: ok))" }
            if let window = e.window {
                line += "; window \(window), \(String(format: "%.1f", e.ratePerSecond)) events/s over the last minute"
            }
            print(line)
        }
    }
}
