import ArgumentParser
import DossierCore
import Foundation
import Synchronization

/// `dossier queue flush [--endpoint URL] [--until-empty]`: deliver due events to the webhook endpoint.
struct QueueFlushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flush",
        abstract: "Deliver due events to the webhook endpoint and print a summary.",
        discussion: """
            The endpoint comes from --endpoint, else DOSSIER_WEBHOOK_URL, else url under [delivery] in
            <state dir>/config.toml. The secret (whsec_<base64>) from --secret-file (must not be group/world
            readable), else DOSSIER_WEBHOOK_SECRET, else secret_file / secret under [delivery]. During a key
            rotation, repeat --secret-file (or put one secret per line in the file): every request is signed
            with each secret. Up to --window requests are in flight at once (default 4, else window under
            [delivery]; 1 sends strictly one after another, in queue order).
            A progress line goes to stderr; the summary to stdout (--json: {delivered, retried, dead, attempts,
            released, paused, unreachable, unreachable_reason, leased_elsewhere, leased_until}); when nothing was
            sent, the summary names events leased by another flush and until when. Exit 0 when the flush ran, 2
            when the endpoint is paused (auth/configuration answer) or unreachable, or on errors. SIGINT / SIGTERM
            stop cleanly: nothing more is sent, claims are given back, a line on stderr says how many, and the exit
            status is 130 / 143.
            """)

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "Webhook URL (default: $DOSSIER_WEBHOOK_URL, else config.toml).") var endpoint: String?
    @Option(name: .long, help: "File holding the whsec_ secret(s), one per line (mode 0600); repeatable.")
    var secretFile: [String] = []
    @Option(name: .long, help: "Requests in flight at once, 1-64 (default: config.toml window, else 4).")
    var window: Int?
    @Flag(name: .long, help: "Keep going (waiting for retries to come due) until nothing is pending.")
    var untilEmpty = false
    @Flag(name: .long, help: "Print the summary as JSON.") var json = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Comma-separated retry delays in seconds (default 5,300,1800,7200,18000,36000,36000).", visibility: .hidden)
    )
    var retryDelays: String?
    @Option(name: .long, help: ArgumentHelp("Claim lease in seconds.", visibility: .hidden)) var leaseSeconds: Double?
    @Option(name: .long, help: ArgumentHelp("Total request timeout in seconds.", visibility: .hidden))
    var requestTimeout: Double?
    @Option(name: .long, help: ArgumentHelp("Unanswered requests in a row before giving up.", visibility: .hidden))
    var maxUnreachable: Int?

    struct Output: Encodable {
        var delivered: Int
        var retried: Int
        var dead: Int
        var attempts: Int
        var released: Int
        var paused: String?
        var unreachable: Bool
        var unreachable_reason: String?
        var leased_elsewhere: Int
        /// RFC 3339 UTC, milliseconds (as `queue status --json`).
        var leased_until: String?

        func encode(to encoder: any Encoder) throws {
            enum K: String, CodingKey {
                case delivered, retried, dead, attempts, released, paused, unreachable, unreachable_reason
                case leased_elsewhere, leased_until
            }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(delivered, forKey: .delivered)
            try c.encode(retried, forKey: .retried)
            try c.encode(dead, forKey: .dead)
            try c.encode(attempts, forKey: .attempts)
            try c.encode(released, forKey: .released)
            try c.encode(paused, forKey: .paused)
            try c.encode(unreachable, forKey: .unreachable)
            try c.encode(unreachable_reason, forKey: .unreachable_reason)
            try c.encode(leased_elsewhere, forKey: .leased_elsewhere)
            try c.encode(leased_until, forKey: .leased_until)
        }
    }

    func run() async throws {
        let stateDir = QueueSupport.stateDirectory(state)
        let env = ProcessInfo.processInfo.environment
        var c: DeliveryConfiguration
        do {
            c = try DeliverySettings.configuration(
                endpointFlag: endpoint, secretFiles: secretFile, windowFlag: window, environment: env,
                stateDirectory: stateDir)
        } catch {
            throw QueueSupport.fail(error.description)
        }
        if let retryDelays {
            let delays = retryDelays.split(separator: ",").compactMap {
                Double($0.trimmingCharacters(in: .whitespaces))
            }
            guard !delays.isEmpty, delays.count == retryDelays.split(separator: ",").count,
                delays.allSatisfy({ $0.isFinite && (0...864_000).contains($0) })
            else {
                throw QueueSupport.fail("--retry-delays '\(retryDelays)': expected comma-separated seconds")
            }
            c.schedule = RetrySchedule(delays: delays, jitter: 0.2, retryAfterCap: delays.max() ?? 1)
        }
        for (flag, value) in [("--lease-seconds", leaseSeconds), ("--request-timeout", requestTimeout)] {
            if let value, !(value.isFinite && value > 0 && value <= 86_400) {
                throw QueueSupport.fail("\(flag) \(value): expected seconds in (0, 86400]")
            }
        }
        if let leaseSeconds { c.leaseSeconds = leaseSeconds }
        if let requestTimeout { c.requestTimeout = requestTimeout }
        if let maxUnreachable { c.maxConsecutiveUnreachable = max(1, maxUnreachable) }
        let queue = try QueueSupport.openQueue(state)
        let worker = DeliveryWorker(queue: queue, configuration: c)
        let printer = ProgressLine()
        // SIGINT / SIGTERM cancel the flush: nothing more is sent, claims are given back, answers are committed.
        let signals = ShutdownSignals()
        defer { signals.cancel() }
        let untilEmpty = self.untilEmpty
        let flushing = Task { try await worker.flush(untilEmpty: untilEmpty) { printer.update($0) } }
        signals.watch(flushing)
        let summary: FlushSummary
        do {
            summary = try await flushing.value
        } catch {
            await worker.shutdown()
            printer.finish()
            throw QueueSupport.fail("\(error)")
        }
        await worker.shutdown()
        printer.finish()
        if let number = signals.received {
            // Stopped by a signal: say what was given back, then exit 128 + the signal number (130 / 143).
            let noun = summary.released == 1 ? "event" : "events"
            let line =
                "dossier: flush stopped by \(ShutdownSignals.name(number)): \(summary.released) claimed \(noun) "
                + "released (pending again, nothing left in flight); delivered \(summary.delivered), retried "
                + "\(summary.retried), dead \(summary.dead), attempts \(summary.attempts)\n"
            FileHandle.standardError.write(Data(line.utf8))
            throw ExitCode(128 + number)
        }
        if json {
            QueueSupport.writeOut(
                QueueSupport.json(
                    Output(
                        delivered: summary.delivered, retried: summary.retried, dead: summary.dead,
                        attempts: summary.attempts, released: summary.released, paused: summary.paused,
                        unreachable: summary.unreachable, unreachable_reason: summary.unreachableReason,
                        leased_elsewhere: summary.leasedElsewhere,
                        leased_until: summary.leasedUntil.map { Self.iso8601($0) })))
            QueueSupport.writeOut(Data("\n".utf8))
        } else {
            print(
                "delivered \(summary.delivered), retried \(summary.retried), dead \(summary.dead), attempts \(summary.attempts)"
            )
            // The endpoint and the server's or network's reasons are outside text: escaped for the terminal.
            let endpoint = TerminalText.escape(c.displayEndpoint)
            if let paused = summary.paused { print("endpoint \(endpoint) paused: \(TerminalText.escape(paused))") }
            if summary.unreachable {
                let reason = TerminalText.escape(summary.unreachableReason ?? "no answer")
                print("endpoint \(endpoint) unreachable: \(reason); events stay pending")
            }
            if let note = summary.leaseNote { print(note + "; they are sent once that lease ends") }
        }
        if summary.paused != nil || summary.unreachable { throw ExitCode(2) }
    }

    /// The package's one RFC 3339 writer, as `queue status --json` times are: `2026-12-01T17:52:10.000Z` (whole
    /// seconds, rounded up like the text summary's clock time).
    static func iso8601(_ date: Date) -> String {
        EventTimestamp.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up)))
    }
}

/// A throttled one-line progress display on stderr (`\r`-updated on a terminal, plain lines otherwise).
final class ProgressLine: Sendable {
    private struct State {
        var last = Date.distantPast
        var shown = false
    }
    private let state = Mutex(State())
    private let tty = isatty(2) == 1

    func update(_ s: FlushSummary) {
        let tty = self.tty
        state.withLock { state in
            let now = Date()
            guard now.timeIntervalSince(state.last) >= (tty ? 0.1 : 1.0) else { return }
            state.last = now
            let line = "flush: delivered \(s.delivered), retried \(s.retried), dead \(s.dead), requests \(s.attempts)"
            FileHandle.standardError.write(Data((tty ? "\r" + line + "\u{1B}[K" : line + "\n").utf8))
            state.shown = true
        }
    }

    func finish() {
        let tty = self.tty
        state.withLock { state in
            if state.shown && tty { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
