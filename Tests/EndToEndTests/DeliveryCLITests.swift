import Foundation
import TestSupport
import Testing

/// `dossier receive` and `dossier queue flush / retry / purge` as a user runs them: the real binary, real loopback
/// HTTP, real SQLite on both sides.
@Suite(.serialized) struct DeliveryCLITests {
    /// A running `dossier receive` process.
    final class ReceiverProcess: Sendable {
        let process: Process
        let url: String

        /// Starts `dossier receive --port 0 args` and waits (off the cooperative pool) for its "listening on" line.
        static func start(_ args: [String]) async throws -> ReceiverProcess {
            let (process, base, _) = try await blockingCall { try launchReceiver(args, keepErrors: false) }
            return ReceiverProcess(process: process, url: base + "/webhook")
        }

        private init(process: Process, url: String) {
            self.process = process
            self.url = url
        }

        /// SIGTERM, then wait: returns the exit status.
        func stop() -> Int32 {
            process.terminate()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test func flushRetryAndPurgeAgainstTheReferenceReceiver() async throws {
        let dir = try BinaryRunner.tempDirectory("delivery-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"
        let (secretFile, secret) = try catalogueSecretFile(in: dir)

        // 2 synthetic scans of 99 artifacts + 1 snapshot each: 200 events, 2 of them snapshots.
        let append = try await BinaryRunner.run(
            ["stress-append", "--state-dir", state, "--count", "99", "--batches", "2"],
            executable: BinaryRunner.bench)
        #expect(append.exitCode == 0, "\(append.stderr)")

        let poisoned = try await ReceiverProcess.start([
            "--secret-file", secretFile, "--store", dir + "/receiver.sqlite",
            "--reject-event-type", "mission_dossier_snapshot_computed",
        ])
        let flushArgs = ["queue", "flush", "--state-dir", state, "--endpoint", poisoned.url, "--until-empty", "--json"]
        let first = try await BinaryRunner.run(flushArgs + ["--secret-file", secretFile])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: first.stdout) as? [String: Any])
        #expect(summary["delivered"] as? Int == 198 && summary["dead"] as? Int == 2)
        #expect(!first.stdoutText.contains(secret) && !first.stderr.contains(secret))
        #expect(poisoned.stop() == 0)

        // The secret may also come from the environment; a group-readable secret file is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secretFile)
        let refused = try await BinaryRunner.run(flushArgs + ["--secret-file", secretFile])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("chmod 600") && !refused.stderr.contains(secret))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile)
        let noEndpoint = try await BinaryRunner.run(
            ["queue", "flush", "--state-dir", state], environment: ["DOSSIER_WEBHOOK_SECRET": secret])
        #expect(noEndpoint.exitCode == 2 && noEndpoint.stderr.contains("no webhook endpoint"))

        // The receiver is fixed; `queue retry --all` requeues the dead ones and the next flush delivers them.
        let fixed = try await ReceiverProcess.start(["--secret-file", secretFile, "--store", dir + "/receiver.sqlite"])
        let retry = try await BinaryRunner.run(["queue", "retry", "--state-dir", state, "--all"])
        #expect(retry.exitCode == 0 && retry.stdoutText.contains("requeued 2 dead events"))
        let second = try await BinaryRunner.run(
            ["queue", "flush", "--state-dir", state, "--endpoint", fixed.url],
            environment: ["DOSSIER_WEBHOOK_SECRET": secret])
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(second.stdoutText.contains("delivered 2, retried 0, dead 0"))
        #expect(!second.stdoutText.contains(secret) && !second.stderr.contains(secret))

        // A signature with another secret pauses the endpoint (401) with a visible reason; nothing is consumed.
        _ = try await BinaryRunner.run(
            ["stress-append", "--state-dir", state, "--count", "9", "--batches", "1"],
            executable: BinaryRunner.bench)
        let wrong = try await BinaryRunner.run(
            ["queue", "flush", "--state-dir", state, "--endpoint", fixed.url],
            environment: ["DOSSIER_WEBHOOK_SECRET": "whsec_" + Data(repeating: 7, count: 24).base64EncodedString()])
        #expect(wrong.exitCode == 2 && wrong.stdoutText.contains("paused: HTTP 401"))
        #expect(fixed.stop() == 0)

        let keep = try await BinaryRunner.run([
            "queue", "purge", "--state-dir", state, "--delivered", "--older-than", "1h",
        ])
        #expect(keep.exitCode == 0 && keep.stdoutText.contains("purged 0 delivered events"))
        let purge = try await BinaryRunner.run(["queue", "purge", "--state-dir", state, "--delivered"])
        #expect(purge.exitCode == 0 && purge.stdoutText.contains("purged 200 delivered events"))
        let bad = try await BinaryRunner.run([
            "queue", "purge", "--state-dir", state, "--delivered", "--older-than", "soon",
        ])
        #expect(bad.exitCode != 0 && bad.stderr.contains("--older-than"))
    }

    @Test func windowAndRotatedSecretsShowInQueueStatus() async throws {
        let dir = try BinaryRunner.tempDirectory("delivery-window")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"
        func secret() -> String {
            "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        }
        let (current, next) = (secret(), secret())
        // The receiver knows the current key; the sender signs with the next one as well (a rotation under way).
        for (name, text) in [("current", current), ("rotation", next + "\n" + current + "\n")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/" + name)
        }
        let append = try await BinaryRunner.run(
            ["stress-append", "--state-dir", state, "--count", "299", "--batches", "2"],
            executable: BinaryRunner.bench)
        #expect(append.exitCode == 0, "\(append.stderr)")
        let receiver = try await ReceiverProcess.start([
            "--secret-file", dir + "/current", "--store", dir + "/receiver.sqlite",
        ])
        let badWindow = try await BinaryRunner.run([
            "queue", "flush", "--state-dir", state, "--endpoint", receiver.url, "--secret-file", dir + "/current",
            "--window", "0",
        ])
        #expect(badWindow.exitCode == 2 && badWindow.stderr.contains("--window 0: expected requests in flight"))
        let flush = try await BinaryRunner.run([
            "queue", "flush", "--state-dir", state, "--endpoint", receiver.url, "--secret-file", dir + "/rotation",
            "--window", "2", "--until-empty", "--json",
        ])
        #expect(flush.exitCode == 0, "\(flush.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: flush.stdout) as? [String: Any])
        #expect(summary["delivered"] as? Int == 600 && summary["dead"] as? Int == 0)
        #expect(receiver.stop() == 0)
        let status = try await BinaryRunner.run(["queue", "status", "--state-dir", state, "--json"])
        #expect(status.exitCode == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: status.stdout) as? [String: Any])
        let endpoint = try #require((object["endpoints"] as? [[String: Any]])?.first)
        #expect(endpoint["state"] as? String == "active")
        #expect(endpoint["window"] as? Int == 2)
        #expect((endpoint["rate_per_second"] as? Double).map { $0 == 10 } == true, "600 events in the last 60 s")
        #expect(
            endpoint.keys.contains("oldest_pending_age_seconds") && endpoint["oldest_pending_age_seconds"] is NSNull)
        let text = try await BinaryRunner.run(["queue", "status", "--state-dir", state])
        #expect(text.stdoutText.contains("; window 2, 10.0 events/s over the last minute"))
    }
}
