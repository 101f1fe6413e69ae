import DossierCore
import Foundation
import Testing

@testable import DossierReceiver

/// Key rotation on the receiving side: the receiver holds several secrets and accepts a request signed with any
/// of them. Signatures come from the independent Python `standardwebhooks` library (installed by `.ci/run`).
@Suite struct ReceiverKeyRotationTests {
    static let signScript = #"""
        import sys, datetime
        from standardwebhooks.webhooks import Webhook
        secret, msg_id, ts, body_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
        body = open(body_path, "rb").read().decode("utf-8")
        when = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
        print(Webhook(open(secret).read().strip()).sign(msg_id, when, body))
        """#

    /// Python's `v1,<sig>` for the message, waiting for the interpreter without blocking a thread.
    static func pythonSignature(secret: WebhookSecret, id: String, timestamp: Int64, body: Data, dir: String)
        async throws -> String
    {
        let secretPath = dir + "/secret-" + UUID().uuidString
        let bodyPath = dir + "/body"
        let scriptPath = dir + "/sign.py"
        try Data(secret.encoded.utf8).write(to: URL(fileURLWithPath: secretPath))
        try body.write(to: URL(fileURLWithPath: bodyPath))
        try Data(signScript.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath, secretPath, id, String(timestamp), bodyPath]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(
            status == 0,
            "python3 with the standardwebhooks package is required (pip install standardwebhooks): \(errors)")
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: StoreKind.testable)
    func requestsSignedByPythonWithAnyAcceptedSecretPassOthersAre401(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let old = WebhookSecret.generate()
        let new = WebhookSecret.generate()
        let unknown = WebhookSecret.generate()
        let (receiver, port) = try await h.startReceiver(secrets: [new, old], kind: kind)
        let dir = h.directory
        let transport = HTTPWebhookTransport(requestTimeout: 10)
        let url = "http://127.0.0.1:\(port)/webhook"
        let now = Int64(Date().timeIntervalSince1970)

        func post(_ batch: DeliveryBatch, signature: String) async -> Int {
            let headers = [
                ("webhook-id", batch.id), ("webhook-timestamp", String(now)), ("webhook-signature", signature),
            ]
            guard case .http(let status, _, _, _) = await transport.post(url: url, headers: headers, body: batch.body)
            else { return 0 }
            return status
        }
        func batch(_ slug: String) -> DeliveryBatch {
            let events = ScanFixtures.scan(slug: slug, files: [("spec.md", ScanFixtures.hash(slug))], start: Date())
            return DeliveryBatch(items: events.map { BatchItem(eventID: $0.eventID, body: $0.canonicalJSON()) })
        }

        let signedOld = batch("signed-old")
        let signedNew = batch("signed-new")
        let signedBoth = batch("signed-both")
        let signedUnknown = batch("signed-unknown")
        let sign = { (b: DeliveryBatch, s: WebhookSecret) in
            try await Self.pythonSignature(secret: s, id: b.id, timestamp: now, body: b.body, dir: dir)
        }
        #expect(await post(signedOld, signature: try await sign(signedOld, old)) == 200)
        #expect(await post(signedNew, signature: try await sign(signedNew, new)) == 200)
        // A sender mid-rotation sends both signatures (space-separated); one matching entry suffices.
        let both = try await sign(signedBoth, unknown) + " " + (try await sign(signedBoth, old))
        #expect(await post(signedBoth, signature: both) == 200)
        #expect(await post(signedUnknown, signature: try await sign(signedUnknown, unknown)) == 401)
        #expect(try await receiver.store.eventCount() == 6)
        await transport.shutdown()
        await receiver.stop()

        // Our verifier agrees on the same Python signatures.
        let pythonSigned = try await sign(signedOld, old)
        try StandardWebhooks.verify(
            id: signedOld.id, timestamp: String(now), signature: pythonSigned, body: signedOld.body,
            secrets: [unknown, old], now: now)
        #expect(throws: WebhookVerificationError.noValidSignature) {
            try StandardWebhooks.verify(
                id: signedOld.id, timestamp: String(now), signature: pythonSigned, body: signedOld.body,
                secrets: [unknown, new], now: now)
        }
        #expect(throws: WebhookVerificationError.noValidSignature) {
            try StandardWebhooks.verify(
                id: signedOld.id, timestamp: String(now), signature: pythonSigned, body: signedOld.body,
                secrets: [], now: now)
        }
    }

    @Test func secretFilesHoldOneSecretPerLine() throws {
        let a = WebhookSecret.generate()
        let b = WebhookSecret.generate()
        let parsed = try ReceiverSecrets.parse("# rotation 2026-12\n\(a.encoded)\n\n  \(b.encoded)  \n", source: "f")
        #expect(parsed.map(\.encoded) == [a.encoded, b.encoded])
        let badLine = DeliverySettingsError.invalidSecret(
            source: "f line 2", reason: WebhookSecretError.notBase64.description)
        #expect(throws: badLine) {
            try ReceiverSecrets.parse("\(a.encoded)\nwhsec_***not base64***\n", source: "f")
        }
        #expect(throws: DeliverySettingsError.self) { try ReceiverSecrets.parse("# only a comment\n", source: "f") }

        let dir = NSTemporaryDirectory() + "dossier-secrets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = dir + "/one"
        let second = dir + "/two"
        try Data((a.encoded + "\n").utf8).write(to: URL(fileURLWithPath: first))
        try Data((b.encoded + "\n").utf8).write(to: URL(fileURLWithPath: second))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: first)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: second)
        #expect(try ReceiverSecrets.read(files: [first]).map(\.encoded) == [a.encoded])
        #expect(throws: DeliverySettingsError.secretFileTooOpen(path: second, mode: "644")) {
            try ReceiverSecrets.read(files: [first, second])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: second)
        #expect(try ReceiverSecrets.read(files: [first, second]).map(\.encoded) == [a.encoded, b.encoded])
    }
}
