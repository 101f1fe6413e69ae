import Foundation
import Testing

/// `dossier scan` queues its events by default, as a user runs it: the real binary on a copy of the bundled
/// demo, then delivery to the reference receiver and `drift --remote` against what it received.
@Suite struct ScanEmitCLITests {
    /// `queue list --json`: the event ids of every queued event, in queue order.
    static func queuedEventIDs(state: String) async throws -> [String] {
        let list = try await BinaryRunner.run(["queue", "list", "--state-dir", state, "--json"])
        #expect(list.exitCode == 0, "\(list.stderr)")
        let array = try #require(try JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]])
        return try array.map { element in
            let envelope = try #require(element["envelope"] as? [String: Any])
            return try #require(envelope["event_id"] as? String)
        }
    }

    /// `queue status --json` counts per state.
    static func counts(state: String) async throws -> [String: Int] {
        let status = try await BinaryRunner.run(["queue", "status", "--state-dir", state, "--json"])
        #expect(status.exitCode == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: status.stdout) as? [String: Any])
        return try #require(object["counts"] as? [String: Int])
    }

    @Test func scanQueuesEventsThatDeliverAndRemoteDriftCompares() async throws {
        let repo = try BinaryRunner.demoCopy("scan-emit")
        let dir = (repo as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"

        // --no-emit queues nothing (not even a queue file's worth of events).
        let silent = try await BinaryRunner.run(["scan", repo, "--state-dir", state, "--no-emit"])
        #expect(silent.exitCode == 0, "\(silent.stderr)")
        #expect(!silent.stdoutText.contains("queued"))
        await #expect(try Self.queuedEventIDs(state: state).isEmpty)

        // The default: the demo's 14 events are queued, pending.
        let first = try await BinaryRunner.run(["scan", repo, "--state-dir", state])
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdoutText.contains("queued 14 event(s)"), "\(first.stdoutText)")
        let firstIDs = try await Self.queuedEventIDs(state: state)
        #expect(firstIDs.count == 14)
        #expect(Set(firstIDs).count == 14)
        await #expect(try Self.counts(state: state)["pending"] == 14)

        // A second scan of unchanged files is a new observation: 14 more events with new ids (nothing deduplicated).
        let second = try await BinaryRunner.run(["scan", repo, "--state-dir", state])
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(second.stdoutText.contains("queued 14 event(s)"), "\(second.stdoutText)")
        #expect(!second.stdoutText.contains("already queued"))
        let bothIDs = try await Self.queuedEventIDs(state: state)
        #expect(bothIDs.count == 28)
        #expect(Set(bothIDs).count == 28)
        #expect(Set(bothIDs).isSuperset(of: firstIDs))

        let silentAgain = try await BinaryRunner.run(["scan", repo, "--state-dir", state, "--no-emit"])
        #expect(silentAgain.exitCode == 0, "\(silentAgain.stderr)")
        await #expect(try Self.counts(state: state)["pending"] == 28)

        // Deliver everything to the reference receiver, then compare with the baseline it reduced.
        let secret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let secretFile = dir + "/secret"
        try Data(secret.utf8).write(to: URL(fileURLWithPath: secretFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile)
        let receiver = try await DeliveryCLITests.ReceiverProcess.start([
            "--secret-file", secretFile, "--store", dir + "/receiver.sqlite",
        ])
        defer { receiver.kill() }

        let flush = try await BinaryRunner.run(
            ["queue", "flush", "--state-dir", state, "--endpoint", receiver.url, "--until-empty", "--json"],
            environment: ["DOSSIER_WEBHOOK_SECRET": secret])
        #expect(flush.exitCode == 0, "\(flush.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: flush.stdout) as? [String: Any])
        #expect(summary["delivered"] as? Int == 28 && summary["dead"] as? Int == 0, "\(flush.stdoutText)")
        await #expect(try Self.counts(state: state)["delivered"] == 28)

        let noDrift = try await BinaryRunner.run(
            ["drift", repo, "--state-dir", state, "--remote", "--endpoint", receiver.url])
        #expect(noDrift.exitCode == 0, "\(noDrift.stdoutText)\(noDrift.stderr)")
        #expect(noDrift.stdoutText.contains("001-demo-checkout: no drift"), "\(noDrift.stdoutText)")

        let spec = repo + "/kitty-specs/001-demo-checkout/spec.md"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: spec))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\nedited after delivery\n".utf8))
        try handle.close()
        let drift = try await BinaryRunner.run(
            ["drift", repo, "--state-dir", state, "--remote", "--endpoint", receiver.url])
        #expect(drift.exitCode == 1, "\(drift.stdoutText)\(drift.stderr)")
        #expect(drift.stdoutText.contains("~ changed  spec  spec.md"), "\(drift.stdoutText)")
    }
}

extension DeliveryCLITests.ReceiverProcess {
    /// Stops the receiver if it still runs (safe to call twice; used in `defer`, so it runs on failure too).
    func kill() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
