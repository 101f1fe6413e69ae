import Foundation
import Testing

@testable import DossierCore

/// Issue 9: every `webhook-*` header edge is refused with a message, never a trap (the reported crash was
/// `abs(now - ts)` overflowing on `webhook-timestamp: -9223372036854775808`), and verification does one HMAC
/// whatever the signature header holds.
@Suite struct WebhookHeaderEdgeTests {
    let secret = WebhookSecret(keyBytes: Data(repeating: 0x2A, count: 24))
    let body = Data(#"{"batch_id":"b","events":[]}"#.utf8)
    let now: Int64 = 1_700_000_000

    func verify(
        id: String? = "msg-1", timestamp: String?, signature: String? = nil, now: Int64? = nil,
        tolerance: Int64 = 300
    ) throws(WebhookVerificationError) {
        let ts = timestamp.flatMap(StandardWebhooks.parseTimestamp) ?? self.now
        let sig = signature ?? StandardWebhooks.sign(id: id ?? "", timestamp: ts, body: body, secret: secret).signature
        try StandardWebhooks.verify(
            id: id, timestamp: timestamp, signature: sig, body: body, secret: secret, now: now ?? self.now,
            toleranceSeconds: tolerance)
    }

    struct Edge: Sendable, CustomTestStringConvertible {
        var value: String
        var message: String
        var testDescription: String { value.count > 40 ? "\(value.prefix(20))… (\(value.count))" : value }
    }

    static let notSeconds = " is not Unix seconds (expected 1 to 19 ASCII digits)"
    static let timestampEdges: [Edge] = [
        Edge(
            value: "-9223372036854775808",
            message: "header 'webhook-timestamp': '-9223372036854775808'" + notSeconds),
        Edge(value: "99999999999999999999", message: "header 'webhook-timestamp': '99999999999999999999'" + notSeconds),
        Edge(value: "9223372036854775808", message: "header 'webhook-timestamp': '9223372036854775808'" + notSeconds),
        Edge(value: "-1", message: "header 'webhook-timestamp': '-1'" + notSeconds),
        Edge(value: "+1700000000", message: "header 'webhook-timestamp': '+1700000000'" + notSeconds),
        Edge(
            value: "１７００００００００", message: "header 'webhook-timestamp': '１７００００００００'" + notSeconds),
        Edge(value: "١٧٠٠٠٠٠٠٠٠", message: "header 'webhook-timestamp': '١٧٠٠٠٠٠٠٠٠'" + notSeconds),
        Edge(value: "17e8", message: "header 'webhook-timestamp': '17e8'" + notSeconds),
        Edge(value: "1700000000.5", message: "header 'webhook-timestamp': '1700000000.5'" + notSeconds),
        Edge(value: "0x10", message: "header 'webhook-timestamp': '0x10'" + notSeconds),
        Edge(value: " ", message: "header 'webhook-timestamp': ' '" + notSeconds),
        Edge(value: "17\u{1B}[2J", message: "header 'webhook-timestamp': '17\\x1B[2J'" + notSeconds),
        Edge(
            value: String(repeating: "9", count: 100_000),
            message: "header 'webhook-timestamp': '" + String(repeating: "9", count: 64) + "…'" + notSeconds),
        Edge(
            value: "9223372036854775807",
            message: "header 'webhook-timestamp': 9223372036854775807 is 9223372035154775807 s away from now "
                + "(1700000000); tolerance is 300 s"),
        Edge(
            value: "0",
            message: "header 'webhook-timestamp': 0 is 1700000000 s away from now (1700000000); "
                + "tolerance is 300 s"),
    ]

    @Test(arguments: timestampEdges)
    func timestampEdgesAreRefusedWithAMessage(_ edge: Edge) {
        do {
            try verify(timestamp: edge.value, signature: "v1,AAAA")
            Issue.record("accepted webhook-timestamp \(edge.value.prefix(30))")
        } catch {
            #expect(error.description == edge.message)
        }
    }

    @Test func extremeClocksAndTolerancesNeverOverflow() throws {
        for ts in ["0", "1", "9223372036854775807", "1700000000"] {
            for clock: Int64 in [.min, .max, 0, -1, now] {
                for tolerance: Int64 in [.min, -1, 0, 300, .max] {
                    _ = try? verify(timestamp: ts, now: clock, tolerance: tolerance)
                }
            }
        }
        // Int64.max away from Int64.min: the distance is computed in UInt64.
        #expect(StandardWebhooks.distance(.min, .max) == UInt64.max)
        #expect(StandardWebhooks.distance(.max, .min) == UInt64.max)
        #expect(
            WebhookVerificationError.timestampOutOfTolerance(timestamp: .max, now: .min, toleranceSeconds: 300)
                .description
                == "header 'webhook-timestamp': 9223372036854775807 is 18446744073709551615 s away from now "
                + "(-9223372036854775808); tolerance is 300 s")
        // A full tolerance accepts any distance; a negative one counts as 0 (only the same second).
        try verify(timestamp: "9223372036854775807", now: 0, tolerance: .max)
        try verify(timestamp: "1700000000", tolerance: -1)
        #expect(throws: WebhookVerificationError.self) { try verify(timestamp: "1699999999", tolerance: -1) }
    }

    @Test func leadingZerosAreSignedAsSent() throws {
        let sig =
            "v1,"
            + Data(
                StandardWebhooks.mac(id: "msg-1", timestamp: "01700000000", body: body, secret: secret)
            ).base64EncodedString()
        try verify(timestamp: "01700000000", signature: sig)
        try verify(timestamp: " 1700000000\t")
    }

    @Test func emptyAndOversizedHeadersAreRefused() {
        #expect(throws: WebhookVerificationError.missingHeader("webhook-id")) { try verify(id: "", timestamp: "1") }
        #expect(throws: WebhookVerificationError.missingHeader("webhook-timestamp")) { try verify(timestamp: "") }
        #expect(throws: WebhookVerificationError.missingHeader("webhook-signature")) {
            try verify(timestamp: "1700000000", signature: "")
        }
        let longID = String(repeating: "i", count: 1025)
        #expect(throws: WebhookVerificationError.headerTooLong(name: "webhook-id", bytes: 1025, limit: 1024)) {
            try verify(id: longID, timestamp: "1700000000")
        }
        #expect(
            WebhookVerificationError.headerTooLong(name: "webhook-id", bytes: 1025, limit: 1024).description
                == "header 'webhook-id' is 1025 bytes long (at most 1024)")
        let longSignature = String(repeating: "v1,AAAA ", count: 600)
        #expect(throws: WebhookVerificationError.headerTooLong(name: "webhook-signature", bytes: 4800, limit: 4096)) {
            try verify(timestamp: "1700000000", signature: longSignature)
        }
    }

    @Test func manySignatureEntriesAreBoundedAndOneValidEntrySuffices() throws {
        let good = StandardWebhooks.sign(id: "msg-1", timestamp: now, body: body, secret: secret).signature
        let junk = Array(repeating: "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", count: 31)
        try verify(timestamp: "1700000000", signature: (junk + [good]).joined(separator: " "))
        #expect(throws: WebhookVerificationError.tooManySignatures(count: 33, limit: 32)) {
            try verify(timestamp: "1700000000", signature: (junk + [good, good]).joined(separator: " "))
        }
        #expect(
            WebhookVerificationError.tooManySignatures(count: 33, limit: 32).description
                == "header 'webhook-signature': 33 entries (at most 32)")
        // Entries that are not base64, far too long, or of another version are skipped, not fatal.
        let odd = ["v1,", "v1,!!!!", "v1," + String(repeating: "A", count: 400), "v2,AAAA", ",", "v1"]
        try verify(timestamp: "1700000000", signature: (odd + [good]).joined(separator: " "))
        #expect(throws: WebhookVerificationError.noValidSignature) {
            try verify(timestamp: "1700000000", signature: odd.joined(separator: " "))
        }
    }
}
