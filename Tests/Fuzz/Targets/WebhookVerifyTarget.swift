import DossierCore
import Foundation

extension FuzzTarget {
    /// The receiver's check before authentication. Input: `webhook-id`, `webhook-timestamp`, `webhook-signature`
    /// (one line each), then the body.
    public static let webhookVerify = FuzzTarget(
        name: "webhook-verify",
        summary: "Standard Webhooks header parsing and verification (id, timestamp, signature lines, then body)"
    ) { data in
        let f = FuzzInput.fields(data, 4)
        let (id, timestamp, signature, body) = (FuzzInput.text(f[0]), FuzzInput.text(f[1]), FuzzInput.text(f[2]), f[3])
        let secret = WebhookSecret(keyBytes: Data(repeating: 0x2A, count: 24))
        _ = try? WebhookSecret(id)
        for now: Int64 in [1_700_000_000, .min, .max, 0, -1] {
            for tolerance: Int64 in [300, .max, .min] {
                do {
                    try StandardWebhooks.verify(
                        id: id, timestamp: timestamp, signature: signature, body: body, secret: secret, now: now,
                        toleranceSeconds: tolerance)
                } catch {
                    FuzzChecks.printable("\(error)", "verification error")
                }
            }
        }
        // What we sign, we accept.
        if let ts = StandardWebhooks.parseTimestamp(timestamp), !id.isEmpty,
            id.utf8.count <= StandardWebhooks.maxIDBytes
        {
            let signed = StandardWebhooks.sign(id: id, timestamp: ts, body: body, secret: secret)
            do {
                try StandardWebhooks.verify(
                    id: id, timestamp: String(ts), signature: "v0,x " + signed.signature, body: body, secret: secret,
                    now: ts)
            } catch {
                FuzzTarget.check(false, "a correctly signed request was refused: \(error)")
            }
        }
    }
}
