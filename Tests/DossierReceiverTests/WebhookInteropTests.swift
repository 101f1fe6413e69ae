import DossierCore
import Foundation
import TestSupport
import Testing

/// Our Standard Webhooks signatures against the independent Python implementation (`pip install
/// standardwebhooks`, done by `.ci/run`): Python verifies what we sign, and we verify what Python signs.
@Suite struct WebhookInteropTests {
    static let script = #"""
        import sys, json, datetime
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError
        secret, body_path, headers_path = sys.argv[1], sys.argv[2], sys.argv[3]
        body = open(body_path, "rb").read()
        headers = json.load(open(headers_path))
        wh = Webhook(open(secret).read().strip())
        try:
            wh.verify(body, headers)
            verdict = "valid"
        except WebhookVerificationError as e:
            verdict = "invalid"
        ts = datetime.datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=datetime.timezone.utc)
        print(verdict)
        print(wh.sign(headers["webhook-id"], ts, body.decode("utf-8")))
        """#

    func runPython(secret: WebhookSecret, body: Data, headers: WebhookHeaders, dir: String) async throws -> [String] {
        let secretPath = dir + "/secret"
        let bodyPath = dir + "/body"
        let headersPath = dir + "/headers.json"
        let scriptPath = dir + "/verify.py"
        try Data(secret.encoded.utf8).write(to: URL(fileURLWithPath: secretPath))
        try body.write(to: URL(fileURLWithPath: bodyPath))
        let h = [
            "webhook-id": headers.id, "webhook-timestamp": String(headers.timestamp),
            "webhook-signature": headers.signature,
        ]
        try JSONSerialization.data(withJSONObject: h).write(to: URL(fileURLWithPath: headersPath))
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath, secretPath, bodyPath, headersPath]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        async let outRead = out.readAll()
        async let errRead = err.readAll()
        let (output, errors) = await (outRead, errRead)
        await process.exited()
        try #require(
            process.terminationStatus == 0,
            "python3 with the standardwebhooks package is required (pip install standardwebhooks): \(String(decoding: errors, as: UTF8.self))"
        )
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func pythonStandardWebhooksAgreesWithUs() async throws {
        let dir = NSTemporaryDirectory() + "dossier-interop-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = WebhookSecret.generate()
        let events = EventFactory.events(count: 8)
        let batch = DeliveryBatch(items: events.map { BatchItem(eventID: $0.eventID, body: $0.canonicalJSON()) })
        let now = Int64(Date().timeIntervalSince1970)
        let headers = StandardWebhooks.sign(id: batch.id, timestamp: now, body: batch.body, secret: secret)

        let lines = try await runPython(secret: secret, body: batch.body, headers: headers, dir: dir)
        #expect(lines.first == "valid")
        // Python's own signature of the same message is byte-identical and verifies with our verifier.
        #expect(lines.dropFirst().first == headers.signature)
        try StandardWebhooks.verify(
            id: headers.id, timestamp: String(now), signature: lines[1], body: batch.body, secret: secret, now: now)

        // And Python rejects what it should: a tampered body, another secret.
        var tampered = batch.body
        tampered[10] ^= 0x01
        await #expect(try runPython(secret: secret, body: tampered, headers: headers, dir: dir).first == "invalid")
        await #expect(
            try runPython(secret: .generate(), body: batch.body, headers: headers, dir: dir).first == "invalid")
    }
}
