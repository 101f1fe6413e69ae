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

    /// A queue of `total` events and a receiver that answers every webhook 2 s late: a flush of window 1 is
    /// mid-course (some delivered, the rest in flight) for 18 s, long enough for a poll to see it while the whole
    /// suite loads 2 cores (at 1 s late, a full run under load once saw the flush finish between two polls).
    static func setUp(_ tag: String) async throws -> Setup {
        let dir = try BinaryRunner.tempDirectory(tag)
        let state = dir + "/state"
        let secretFile = try catalogueSecretFile(in: dir).path
        let append = try await BinaryRunner.run(
            ["stress-append", "--state-dir", state, "--count", "499", "--batches", "2"],
            executable: BinaryRunner.bench)
        #expect(append.exitCode == 0, "\(append.stderr)")
        // Its first line comes within milliseconds (as in DeliveryCLITests).
        let receiver = try await DeliveryCLITests.ReceiverProcess.start([
            "--secret-file", secretFile, "--store", dir + "/receiver.sqlite", "--latency-ms", "2000",
        ])
        return Setup(dir: dir, state: state, secretFile: secretFile, receiver: receiver)
    }

    /// `queue status --json` counts.
    static func counts(_ state: String) async throws -> [String: Int] {
        let status = try await BinaryRunner.run(["queue", "status", "--state-dir", state, "--json"])
        #expect(status.exitCode == 0, "\(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: status.stdout) as? [String: Any]
        return object?["counts"] as? [String: Int] ?? [:]
    }

    /// Starts a flush in the background (window 1: one slow request after another).
    static func startFlush(_ s: Setup, _ dir: String) throws -> (Process, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BinaryRunner.binary)
        p.arguments = [
            "queue", "flush", "--state-dir", s.state, "--endpoint", s.receiver.url, "--secret-file", s.secretFile,
            "--window", "1",
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
    static func waitMidFlush(_ state: String) async throws -> Bool {
        let deadline = Date().addingTimeInterval(60)
        let path = state + "/queue.sqlite"
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
            if (counts["delivered"] ?? 0) >= 100, (counts["in_flight"] ?? 0) > 0 { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
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
        defer {
            if s.receiver.process.isRunning { _ = s.receiver.stop() }
            try? FileManager.default.removeItem(atPath: s.dir)
        }
        let (flush, errPath) = try Self.startFlush(s, s.dir)
        let mid = try await Self.waitMidFlush(s.state)
        #expect(mid, "the flush never reached mid-course")
        kill(flush.processIdentifier, number)
        await flush.exited()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(flush.terminationReason == .exit && flush.terminationStatus == 128 + number, "\(stderr)")
        let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(stderr.contains("flush stopped by \(name): "), "\(stderr)")
        #expect(stderr.contains("released (pending again, nothing left in flight)"), "\(stderr)")

        let after = try await Self.counts(s.state)
        #expect(after["in_flight"] == 0, "\(after)")
        let deliveredFirst = after["delivered"] ?? 0
        #expect(deliveredFirst >= 100 && deliveredFirst < Self.total)
        #expect((after["pending"] ?? 0) == Self.total - deliveredFirst)

        // The next flush finds every remaining event at once (no lease to wait for) and delivers each once.
        let second = try await BinaryRunner.run([
            "queue", "flush", "--state-dir", s.state, "--endpoint", s.receiver.url, "--secret-file", s.secretFile,
            "--window", "4", "--json",
        ])
        #expect(second.exitCode == 0, "\(second.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: second.stdout) as? [String: Any])
        #expect(summary["delivered"] as? Int == Self.total - deliveredFirst, "\(summary)")
        #expect(summary["dead"] as? Int == 0 && summary["retried"] as? Int == 0)
        let final = try await Self.counts(s.state)
        #expect(final["delivered"] == Self.total && final["in_flight"] == 0 && final["pending"] == 0, "\(final)")
        #expect(s.receiver.stop() == 0)
        #expect(try await Self.receiverEvents(s.dir) == Self.total, "every event stored")
    }

    @Test func aFlushThatFindsOnlyLeasedEventsNamesThem() async throws {
        let s = try await Self.setUp("flush-leased")
        defer {
            if s.receiver.process.isRunning { _ = s.receiver.stop() }
            try? FileManager.default.removeItem(atPath: s.dir)
        }
        // A flush killed outright (no chance to give its claim back) leaves events leased for its lease time.
        let (flush, _) = try Self.startFlush(s, s.dir)
        let mid = try await Self.waitMidFlush(s.state)
        #expect(mid, "the flush never reached mid-course")
        kill(flush.processIdentifier, SIGKILL)
        await flush.exited()
        let leased = try await Self.counts(s.state)["in_flight"] ?? 0
        #expect(leased > 0)

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
        #expect(end > Date() && end < Date().addingTimeInterval(130), "the 120 s lease of the killed flush")
    }
}
