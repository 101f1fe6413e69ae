import Foundation
import Testing

/// Bad-input catalogue, part 7: bad answers from the webhook endpoint, served by a loopback python3 http.server
/// (`BadHTTPServer`), to the real `dossier queue flush`. Each case checks the exit status, that the message (flush
/// output or the endpoint state in `queue status --json`) names the problem, and where every event ended up: nothing
/// is lost; events only leave `pending` on an answer that accepts them (2xx) or rejects them for good (dead, with
/// the reason kept).
@Suite struct CatalogueHTTPTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var scheme = "http"
        var tls = false
        var exit: Int32
        var expect: [String]
        /// The state every seeded event must be in afterwards.
        var finalState: String
        var endpointState: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "500 with a binary body", path: "garbage500", exit: 0, expect: ["HTTP 500"], finalState: "pending",
            endpointState: "failing"),
        // A 2xx without per-event results accepts every event, whatever the body or content type.
        Case(
            name: "200 with a binary body", path: "garbage200", exit: 0, expect: ["delivered 3"],
            finalState: "delivered"),
        Case(name: "200 text/html", path: "html200", exit: 0, expect: ["delivered 3"], finalState: "delivered"),
        Case(
            name: "200 results not an array", path: "results-wrongtype", exit: 0, expect: ["'results' is not an array"],
            finalState: "pending", endpointState: "failing"),
        Case(
            name: "200 results for other events", path: "results-unknown", exit: 0,
            expect: ["incomplete or malformed per-event results"], finalState: "pending", endpointState: "failing"),
        Case(
            name: "200 results with an unknown status", path: "results-badstatus", exit: 0,
            expect: ["incomplete or malformed per-event results"], finalState: "pending", endpointState: "failing"),
        Case(
            name: "huge 500 body", path: "huge500", exit: 2, expect: ["unreachable", "TooManyBytes"],
            finalState: "pending", endpointState: "unreachable"),
        Case(
            name: "huge 200 body", path: "huge200", exit: 2, expect: ["unreachable", "TooManyBytes"],
            finalState: "pending", endpointState: "unreachable"),
        Case(
            name: "body slower than the timeout", path: "slow", exit: 2, expect: ["no answer within 2 s"],
            finalState: "pending", endpointState: "unreachable"),
        Case(
            name: "connection closed without an answer", path: "close", exit: 2, expect: ["unreachable", "closed the connection before answering"],
            finalState: "pending"),
        Case(
            name: "body shorter than Content-Length", path: "short", exit: 2, expect: ["unreachable", "stream ended"],
            finalState: "pending"),
        Case(
            name: "302 redirect", path: "redirect", exit: 2, expect: ["302", "not followed"], finalState: "pending",
            endpointState: "paused"),
        Case(
            name: "307 redirect", path: "redirect307", exit: 2, expect: ["307", "not followed"], finalState: "pending",
            endpointState: "paused"),
        Case(
            name: "401", path: "e401", exit: 2, expect: ["HTTP 401", "check the secret"], finalState: "pending",
            endpointState: "paused"),
        Case(
            name: "404 text/plain", path: "e404", exit: 2, expect: ["HTTP 404", "check the endpoint"],
            finalState: "pending", endpointState: "paused"),
        Case(name: "410", path: "e410", exit: 2, expect: ["HTTP 410"], finalState: "pending", endpointState: "paused"),
        Case(
            name: "418 unexpected status", path: "e418", exit: 2, expect: ["HTTP 418", "unexpected answer"],
            finalState: "pending", endpointState: "paused"),
        Case(
            name: "429 with an unparsable Retry-After", path: "e429bad", exit: 0, expect: ["HTTP 429"],
            finalState: "pending", endpointState: "failing"),
        Case(name: "413 even for one event", path: "e413", exit: 0, expect: ["dead 3"], finalState: "dead"),
        Case(name: "400 without results", path: "e400", exit: 0, expect: ["dead 3"], finalState: "dead"),
        Case(
            name: "https with an unknown certificate", path: "e401", scheme: "https", tls: true, exit: 2,
            expect: ["unreachable", "CERTIFICATE_VERIFY_FAILED"], finalState: "pending", endpointState: "unreachable"),
        Case(
            name: "https to a plain-http server", path: "e401", scheme: "https", exit: 2,
            expect: ["unreachable", "handshake"], finalState: "pending", endpointState: "unreachable"),
    ]

    @Test(arguments: cases)
    func badAnswerIsReportedAndNothingIsLost(_ c: Case) async throws {
        let w = try await CatalogueWorld("http")
        defer { w.cleanup() }
        let secret = try catalogueSecretFile(in: w.dir)
        let server = try await BadHTTPServer(tls: c.tls)
        defer { server.stop() }
        let url = server.url(c.path, scheme: c.scheme)
        let r = try await w.run([
            "queue", "flush", "--endpoint", url, "--secret-file", secret.path, "--request-timeout", "2",
            "--lease-seconds", "10", "--max-unreachable", "1", "--retry-delays", "60",
        ])
        let status = try await w.run(["queue", "status", "--json"])
        let all = r.stdout + r.stderr + status.stdout
        #expect(r.status == c.exit, "\(c.name): exit \(r.status): \(r.stdout) \(r.stderr)")
        for needle in c.expect { #expect(all.contains(needle), "'\(needle)' not in: \(all)") }
        #expect(!all.contains(secret.secret), "the secret was printed")
        if let endpointState = c.endpointState {
            let doc = try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any]
            let endpoints = doc?["endpoints"] as? [[String: Any]] ?? []
            #expect(endpoints.contains { $0["state"] as? String == endpointState }, "\(endpoints)")
        }
        try await w.expectQueueLostNothing(allowedStates: [c.finalState])
        if c.finalState == "dead" {
            // A dead event keeps the server's reason.
            let list = try await w.run(["queue", "list", "--state", "dead"])
            #expect(list.stdout.contains(c.path == "e413" ? "413" : "400"), "\(list.stdout)")
        }
        if c.path.hasPrefix("redirect") {
            #expect(server.hits()["landed"] == nil, "a redirect was followed")
            #expect(server.hits()[c.path] == 1)
        }
    }
}
