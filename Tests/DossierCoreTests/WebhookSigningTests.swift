import Foundation
import Testing

@testable import DossierCore

@Suite struct WebhookSigningTests {
    // Published Standard Webhooks test vector (svix / standard-webhooks reference tests).
    let secret = try! WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let ts: Int64 = 1_614_265_330
    let body = Data(#"{"test": 2432232314}"#.utf8)

    @Test func signsTheReferenceVector() {
        let headers = StandardWebhooks.sign(id: id, timestamp: ts, body: body, secret: secret)
        #expect(headers.signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(headers.id == id && headers.timestamp == ts)
    }

    @Test func verifiesAValidSignatureAmongSeveral() throws {
        let good = StandardWebhooks.sign(id: id, timestamp: ts, body: body, secret: secret).signature
        let header = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v2,xyz " + good
        try StandardWebhooks.verify(
            id: id, timestamp: String(ts), signature: header, body: body, secret: secret, now: ts + 299)
    }

    @Test func rejectsTamperedBodyWrongSecretAndStaleTimestamp() throws {
        let sig = StandardWebhooks.sign(id: id, timestamp: ts, body: body, secret: secret).signature
        #expect(throws: WebhookVerificationError.noValidSignature) {
            try StandardWebhooks.verify(
                id: id, timestamp: String(ts), signature: sig, body: Data(#"{"test": 2432232315}"#.utf8),
                secret: secret, now: ts)
        }
        #expect(throws: WebhookVerificationError.noValidSignature) {
            try StandardWebhooks.verify(
                id: id, timestamp: String(ts), signature: sig, body: body, secret: WebhookSecret.generate(), now: ts)
        }
        #expect(throws: WebhookVerificationError.noValidSignature) {
            try StandardWebhooks.verify(
                id: id + "x", timestamp: String(ts), signature: sig, body: body, secret: secret, now: ts)
        }
        #expect(
            throws: WebhookVerificationError.timestampOutOfTolerance(
                timestamp: ts, now: ts + 301, toleranceSeconds: 300)
        ) {
            try StandardWebhooks.verify(
                id: id, timestamp: String(ts), signature: sig, body: body, secret: secret, now: ts + 301)
        }
        #expect(
            throws: WebhookVerificationError.timestampOutOfTolerance(
                timestamp: ts, now: ts - 301, toleranceSeconds: 300)
        ) {
            try StandardWebhooks.verify(
                id: id, timestamp: String(ts), signature: sig, body: body, secret: secret, now: ts - 301)
        }
    }

    @Test func rejectsMissingOrMalformedHeaders() {
        #expect(throws: WebhookVerificationError.missingHeader("webhook-id")) {
            try StandardWebhooks.verify(id: nil, timestamp: "1", signature: "v1,x", body: body, secret: secret, now: 1)
        }
        #expect(throws: WebhookVerificationError.missingHeader("webhook-signature")) {
            try StandardWebhooks.verify(id: "a", timestamp: "1", signature: "", body: body, secret: secret, now: 1)
        }
        #expect(throws: WebhookVerificationError.invalidTimestamp("12a")) {
            try StandardWebhooks.verify(
                id: "a", timestamp: "12a", signature: "v1,x", body: body, secret: secret, now: 1)
        }
    }

    @Test func secretParsingNeverEchoesTheSecret() throws {
        #expect(throws: WebhookSecretError.notBase64) { try WebhookSecret("whsec_!!!not base64!!!") }
        #expect(throws: WebhookSecretError.empty) { try WebhookSecret("whsec_") }
        let s = WebhookSecret.generate()
        #expect("\(s)" == "whsec_<redacted>")
        let round = try WebhookSecret(s.encoded)
        #expect(round.keyBytes == s.keyBytes)
        #expect(!WebhookSecretError.notBase64.description.contains("!!!"))
    }
}
