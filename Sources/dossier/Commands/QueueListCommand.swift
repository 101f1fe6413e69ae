import ArgumentParser
import DossierCore
import Foundation

/// `dossier queue list [--state S] [--limit N] [--json|--raw]`: events in queue order, with the exact stored bytes.
struct QueueListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List queued events in queue order.",
        discussion: """
            Default: one line per event (seq, state, attempts, type, id, feature, next attempt, last error).
            --json: a JSON array; each element has seq, state, attempts, next_attempt_at, enqueued_at,
            delivered_at, last_error and "envelope", the exact stored envelope bytes spliced in verbatim.
            --raw: the exact stored envelopes as JSON lines (feed them to `dossier events validate -`).
            """)

    @OptionGroup var state: StateOptions
    @Option(name: .customLong("state"), help: "Only this state: pending, in_flight, delivered, dead.")
    var only: QueueState?
    @Option(name: .long, help: "At most N events.") var limit: Int = 100
    @Flag(name: .long, help: "Print a JSON array with the exact stored envelopes.") var json = false
    @Flag(name: .long, help: "Print the exact stored envelopes as JSON lines.") var raw = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be >= 0, got \(limit)") }
        if json && raw { throw ValidationError("--json and --raw are exclusive") }
    }

    func run() async throws {
        let queue = try QueueSupport.openQueue(state)
        let events: [QueuedEvent]
        do {
            events = try queue.list(state: only, limit: limit)
        } catch {
            throw QueueSupport.fail(error.description)
        }
        if raw {
            var out = Data()
            for e in events {
                out.append(e.body)
                out.append(0x0A)
            }
            QueueSupport.writeOut(out)
        } else if json {
            QueueSupport.writeOut(Self.jsonArray(events))
        } else {
            if events.isEmpty { print("no events\(only.map { " in state \($0.rawValue)" } ?? "")") }
            for e in events {
                var line =
                    "\(e.seq)\t\(e.state.rawValue)\tattempts=\(e.attempts)\t\(esc(e.eventType))\t\(esc(e.eventID))\t"
                    + esc(e.featureSlug)
                if e.state == .pending || e.state == .inFlight {
                    line += "\tnext=\(QueueSupport.time(e.nextAttemptAt))"
                }
                if e.state == .delivered { line += "\tdelivered=\(QueueSupport.time(e.deliveredAt))" }
                if let err = e.lastError { line += "\terror=\(esc(err))" }
                print(line)
            }
        }
    }

    /// Input-derived text in the human listing goes through the one terminal escaper; JSON stays exact.
    private func esc(_ text: String) -> String { TerminalText.escape(text) }

    /// Builds the `--json` array by hand so the stored envelope bytes appear verbatim.
    static func jsonArray(_ events: [QueuedEvent]) -> Data {
        struct Meta: Encodable {
            var seq: Int64
            var state: String
            var attempts: Int
            var next_attempt_at: String
            var enqueued_at: String
            var delivered_at: String?
            var last_error: String?
            func encode(to encoder: any Encoder) throws {
                enum K: String, CodingKey {
                    case seq, state, attempts, next_attempt_at, enqueued_at, delivered_at, last_error
                }
                var c = encoder.container(keyedBy: K.self)
                try c.encode(seq, forKey: .seq)
                try c.encode(state, forKey: .state)
                try c.encode(attempts, forKey: .attempts)
                try c.encode(next_attempt_at, forKey: .next_attempt_at)
                try c.encode(enqueued_at, forKey: .enqueued_at)
                try c.encode(delivered_at, forKey: .delivered_at)
                try c.encode(last_error, forKey: .last_error)
            }
        }
        var out = Data("[".utf8)
        for (i, e) in events.enumerated() {
            if i > 0 { out.append(contentsOf: Array(",".utf8)) }
            out.append(contentsOf: Array("\n  ".utf8))
            let meta = Meta(
                seq: e.seq, state: e.state.rawValue, attempts: e.attempts,
                next_attempt_at: EventTimestamp.string(from: e.nextAttemptAt),
                enqueued_at: EventTimestamp.string(from: e.enqueuedAt),
                delivered_at: e.deliveredAt.map(EventTimestamp.string(from:)), last_error: e.lastError)
            // The metadata object with its closing brace removed, then `"envelope":<stored bytes>}` appended last.
            var metaBytes = QueueSupport.json(meta, pretty: false)
            metaBytes.removeLast()  // the closing brace
            out.append(metaBytes)
            out.append(contentsOf: Array(",\"envelope\":".utf8))
            out.append(e.body)
            out.append(contentsOf: Array("}".utf8))
        }
        out.append(contentsOf: Array((events.isEmpty ? "]\n" : "\n]\n").utf8))
        return out
    }
}
