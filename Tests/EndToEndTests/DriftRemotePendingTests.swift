import Foundation
import Testing

/// `drift --remote` while the receiver waits for a scan's indexed events, with the real binary on both sides: the
/// receiver refuses the scan's `artifact_indexed` events at first (so its snapshot arrives without them), drift
/// says which snapshot it waits for; once they are retried and arrive after their snapshot, the snapshot
/// verifies and drift compares. The receiver reads two secrets from one file (rotation) and the flush signs with
/// the second.
@Suite struct DriftRemotePendingTests {
    @Test func driftExplainsAPendingSnapshotThenComparesOnceItsArtifactsArrive() async throws {
        let repo = try BinaryRunner.demoCopy("drift-pending")
        let dir = (repo as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"
        func secret() -> String {
            "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        }
        let (old, new) = (secret(), secret())
        let secretFile = dir + "/secrets"
        try Data("# old, then new\n\(old)\n\(new)\n".utf8).write(to: URL(fileURLWithPath: secretFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile)
        let store = dir + "/receiver.sqlite"

        let scan = try await BinaryRunner.run(["scan", repo, "--state-dir", state])
        #expect(scan.exitCode == 0, "\(scan.stderr)")
        let refusing = try await DeliveryCLITests.ReceiverProcess.start([
            "--secret-file", secretFile, "--store", store, "--reject-event-type", "mission_dossier_artifact_indexed",
        ])
        let first = try await BinaryRunner.run(
            ["queue", "flush", "--state-dir", state, "--endpoint", refusing.url, "--until-empty"],
            environment: ["DOSSIER_WEBHOOK_SECRET": new])
        #expect(first.exitCode == 0, "\(first.stdoutText)\(first.stderr)")
        let pending = try await BinaryRunner.run(
            ["drift", repo, "--state-dir", state, "--remote", "--endpoint", refusing.url])
        #expect(pending.exitCode == 2, "\(pending.stdoutText)\(pending.stderr)")
        #expect(
            pending.stderr.contains("has no verified snapshot for feature '001-demo-checkout' yet"),
            "\(pending.stderr)")
        #expect(pending.stderr.contains("it waits for snapshot "), "\(pending.stderr)")
        #expect(pending.stderr.contains("artifact(s) still missing"), "\(pending.stderr)")
        _ = refusing.stop()

        let receiver = try await DeliveryCLITests.ReceiverProcess.start(["--secret-file", secretFile, "--store", store])
        defer { receiver.kill() }
        let retry = try await BinaryRunner.run(["queue", "retry", "--all", "--state-dir", state])
        #expect(retry.exitCode == 0, "\(retry.stderr)")
        let second = try await BinaryRunner.run(
            ["queue", "flush", "--state-dir", state, "--endpoint", receiver.url, "--until-empty"],
            environment: ["DOSSIER_WEBHOOK_SECRET": new])
        #expect(second.exitCode == 0, "\(second.stdoutText)\(second.stderr)")
        let compared = try await BinaryRunner.run(
            ["drift", repo, "--state-dir", state, "--remote", "--endpoint", receiver.url])
        #expect(compared.exitCode == 0, "\(compared.stdoutText)\(compared.stderr)")
        #expect(compared.stdoutText.contains("001-demo-checkout: no drift"), "\(compared.stdoutText)")
    }
}
