import Foundation
import GRDB
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `dossier queue flush` stopped by SIGTERM / SIGINT mid-flush gives its claims back at once (nothing stays in
/// flight until a lease expires), and a flush that finds only events another flush holds says so. The real binary
/// against a slow `dossier receive` over loopback, real SQLite on both sides.
@Suite(.serialized) struct DeliveryShutdownTests {
    /// 2 synthetic scans of 499 artifacts + 1 snapshot: one claim takes them all.
    static let total = 1000

    struct Setup {
        let dir: String
        let state: String
        let secretFile: String
        let receiver: DeliveryCLITests.ReceiverProcess
    }

    /// Webhooks the held receiver answers before it holds every later one: 2 batches of 100 delivered.
    static let answered = 2

    /// A queue of `total` events and a receiver that answers `answered` webhooks and then holds every later one
    /// unanswered: a flush of window 1 stays mid-course (200 delivered, the rest in flight) until it is stopped,
    /// however slowly a loaded machine polls it (a receiver that was merely slow once let a flush finish unseen).
    static func setUp(_ tag: String) async throws -> Setup {
        let dir = try BinaryRunner.tempDirectory(tag)
        let state = dir + "/state"
        let secretFile = try catalogueSecretFile(in: dir).path
        let append = try await BinaryRunner.run(
            ["stress-append", "--state-dir", state, "--count", "499", "--batches", "2"],
            executable: BinaryRunner.bench)
        #expect(append.exitCode == 0, "\(append.stderr)")
        let receiver = try await startReceiver(dir, secretFile, ["--hold-after", String(answered)])
        return Setup(dir: dir, state: state, secretFile: secretFile, receiver: receiver)
    }

    /// A receiver on the test's store. Its first line comes within milliseconds (as in DeliveryCLITests).
    static func startReceiver(
        _ dir: String, _ secretFile: String, _ extra: [String] = []
    ) async throws -> DeliveryCLITests.ReceiverProcess {
        try await DeliveryCLITests.ReceiverProcess.start(
            ["--secret-file", secretFile, "--store", dir + "/receiver.sqlite"] + extra)
    }

    /// Stops a receiver that may hold a request: SIGKILL (a held request would keep a graceful stop waiting).
    static func kill9(_ receiver: DeliveryCLITests.ReceiverProcess) async {
        guard receiver.process.isRunning else { return }
        kill(receiver.process.processIdentifier, SIGKILL)
        await receiver.process.exited()
    }

    /// `queue status --json` counts.
    static func counts(_ state: String) async throws -> [String: Int] {
        let status = try await BinaryRunner.run(["queue", "status", "--state-dir", state, "--json"])
        #expect(status.exitCode == 0, "\(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: status.stdout) as? [String: Any]
        return object?["counts"] as? [String: Int] ?? [:]
    }

    /// The flush's lease: longer than its request timeout (a request starts only if it ends before the lease).
    static let leaseSeconds = 900

    /// Starts a flush in the background (window 1: one request after another; a held one waits up to 600 s).
    static func startFlush(_ s: Setup, _ dir: String) throws -> (Process, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BinaryRunner.binary)
        p.arguments = [
            "queue", "flush", "--state-dir", s.state, "--endpoint", s.receiver.url, "--secret-file", s.secretFile,
            "--window", "1", "--request-timeout", "600", "--lease-seconds", String(Self.leaseSeconds),
        ]
        let errPath = dir + "/flush.err"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, errPath)
    }

    /// Polls until some events are delivered and the rest are still in flight (a flush in mid-course). Reads
    /// the queue file directly (read-only, WAL): a `queue status` process per poll can take seconds to start
    /// while the whole suite runs on 2 cores, longer than the flush lasts.
    static func waitMidFlush(_ state: String) async throws -> (reached: Bool, seen: [[String: Int]]) {
        let deadline = Date().addingTimeInterval(120)
        let path = state + "/queue.sqlite"
        var seen: [[String: Int]] = []
        while Date() < deadline {
            let counts = try await blockingCall { () throws -> [String: Int] in
                var configuration = Configuration()
                configuration.readonly = true
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                defer { try? queue.close() }
                return try queue.read { db in
                    let rows = try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM events GROUP BY state")
                    return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int) })
                }
            }
            if seen.last != counts { seen.append(counts) }
            if counts["delivered"] == answered * 100, (counts["in_flight"] ?? 0) > 0 { return (true, seen) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (false, seen)
    }

    /// What a failed wait prints: every distinct count the polls saw, and the flush's stderr.
    static func story(_ seen: [[String: Int]], _ errPath: String) -> String {
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return "counts seen: \(seen); flush stderr: \(stderr)"
    }

    /// The receiver's stored events, each stored once however often it arrived (read after it stopped).
    static func receiverEvents(_ dir: String) async throws -> Int? {
        try await blockingCall {
            let store = try DatabaseQueue(path: dir + "/receiver.sqlite")
            defer { try? store.close() }
            return try store.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT event_id) FROM received_events")
            }
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalMidFlushReleasesTheClaimAndTheNextFlushDeliversTheRestOnce(_ number: Int32) async throws {
        let s = try await Self.setUp("flush-signal")
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let (flush, errPath) = try Self.startFlush(s, s.dir)
        let mid = try await Self.waitMidFlush(s.state)
        #expect(mid.reached, "the flush never reached mid-course; \(Self.story(mid.seen, errPath))")
        // The flush is waiting for a held answer: the signal must not wait for it.
        kill(flush.processIdentifier, number)
        await flush.exited()
        await Self.kill9(s.receiver)
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(flush.terminationReason == .exit && flush.terminationStatus == 128 + number, "\(stderr)")
        let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(stderr.contains("flush stopped by \(name): "), "\(stderr)")
        #expect(stderr.contains("released (pending again, nothing left in flight)"), "\(stderr)")

        let after = try await Self.counts(s.state)
        let deliveredFirst = Self.answered * 100
        #expect(after["in_flight"] == 0 && after["delivered"] == deliveredFirst, "\(after)")
        #expect(after["pending"] == Self.total - deliveredFirst, "\(after)")

        // The next flush, to a receiver on the same store that answers everything, finds every remaining event
        // at once (no lease to wait for) and delivers each once.
        let receiver = try await Self.startReceiver(s.dir, s.secretFile)
        let second = try await BinaryRunner.run([
            "queue", "flush", "--state-dir", s.state, "--endpoint", receiver.url, "--secret-file", s.secretFile,
            "--window", "4", "--json",
        ])
        #expect(second.exitCode == 0, "\(second.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: second.stdout) as? [String: Any])
        #expect(summary["delivered"] as? Int == Self.total - deliveredFirst, "\(summary)")
        #expect(summary["dead"] as? Int == 0 && summary["retried"] as? Int == 0)
        let final = try await Self.counts(s.state)
        #expect(final["delivered"] == Self.total && final["in_flight"] == 0 && final["pending"] == 0, "\(final)")
        #expect(receiver.stop() == 0)
        #expect(try await Self.receiverEvents(s.dir) == Self.total, "every event stored")
    }

    @Test func aFlushThatFindsOnlyLeasedEventsNamesThem() async throws {
        let s = try await Self.setUp("flush-leased")
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        // A flush killed outright (no chance to give its claim back) leaves events leased for its lease time.
        let (flush, errPath) = try Self.startFlush(s, s.dir)
        let mid = try await Self.waitMidFlush(s.state)
        #expect(mid.reached, "the flush never reached mid-course; \(Self.story(mid.seen, errPath))")
        kill(flush.processIdentifier, SIGKILL)
        await flush.exited()
        await Self.kill9(s.receiver)
        let leased = try await Self.counts(s.state)["in_flight"] ?? 0
        #expect(leased == Self.total - Self.answered * 100)

        // Nothing is sent, so no receiver needs to listen.
        let args = [
            "queue", "flush", "--state-dir", s.state, "--endpoint", s.receiver.url, "--secret-file", s.secretFile,
        ]
        let text = try await BinaryRunner.run(args)
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdoutText.contains("delivered 0, retried 0, dead 0, attempts 0"), "\(text.stdoutText)")
        let note = try Regex("\(leased) events leased by another flush until [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC")
        #expect(text.stdoutText.contains(note), "\(text.stdoutText)")
        let json = try await BinaryRunner.run(args + ["--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect(summary["leased_elsewhere"] as? Int == leased, "\(summary)")
        let until = try #require(summary["leased_until"] as? String)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let end = try #require(parser.date(from: until), "\(until)")
        let lease = Double(Self.leaseSeconds)
        #expect(end > Date() && end < Date().addingTimeInterval(lease + 10), "the lease of the killed flush")
    }
}
