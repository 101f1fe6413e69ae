import Foundation
import Synchronization
import Testing

@testable import DossierCore

#if canImport(Glibc)
    import Glibc
#endif

/// The sender half of key rotation and fast failure, over real loopback HTTP: a real `DeliveryWorker` signs every
/// request with each configured secret, and the independent Python `standardwebhooks` library (installed by
/// `.ci/run`) verifies each signature on its own; a refused connection is an immediate `connectionFailed`.
@Suite struct SenderKeyRotationTests {
    /// A one-file HTTP receiver: verifies every POST with each secret file given, separately, logs the verdicts
    /// as one JSON line each, answers 200.
    static let receiver = #"""
        import sys, json, http.server
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError
        log_path, secret_paths = sys.argv[1], sys.argv[2:]
        hooks = [Webhook(open(p).read().strip()) for p in secret_paths]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verdicts = []
                for hook in hooks:
                    try:
                        hook.verify(body, headers)
                        verdicts.append("valid")
                    except WebhookVerificationError:
                        verdicts.append("invalid")
                with open(log_path, "a") as log:
                    log.write(json.dumps({"signature": headers.get("webhook-signature", ""), "verdicts": verdicts,
                                          "events": len(json.loads(body)["events"])}) + "\n")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_port, flush=True)
        server.serve_forever()
        """#

    /// A started Python process and the first line it printed; waits without blocking the cooperative pool.
    final class PythonProcess: Sendable {
        struct State {
            var exited = false
            var waiter: CheckedContinuation<Void, Never>?
        }
        let process: Process
        let state = Mutex(State())

        init(arguments: [String]) {
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
            process.standardError = FileHandle.standardError
        }

        /// Starts the process and returns the first line it prints (empty if it exits first).
        func firstLine() async throws -> String {
            let pipe = Pipe()
            process.standardOutput = pipe
            process.terminationHandler = { [self] _ in
                let waiter = self.state.withLock { s in
                    s.exited = true
                    defer { s.waiter = nil }
                    return s.waiter
                }
                waiter?.resume()
            }
            try process.run()
            return await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
                let reader = LineReader()
                pipe.fileHandleForReading.readabilityHandler = { handle in
                    let chunk = handle.availableData
                    let line: String? = reader.buffer.withLock { b in
                        guard !b.answered else { return nil }
                        b.data.append(chunk)
                        guard chunk.isEmpty || b.data.contains(0x0A) else { return nil }
                        b.answered = true
                        return String(decoding: b.data.prefix { $0 != 0x0A }, as: UTF8.self)
                    }
                    if let line {
                        handle.readabilityHandler = nil
                        continuation.resume(returning: line)
                    }
                }
            }
        }

        /// Kills the process and waits (suspended, not blocking a thread) until it has exited. SIGKILL: a child
        /// of the test process may inherit a mask that blocks SIGTERM.
        func stop() async {
            kill(process.processIdentifier, SIGKILL)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let exited = state.withLock { s in
                    if !s.exited { s.waiter = continuation }
                    return s.exited
                }
                if exited { continuation.resume() }
            }
        }
    }

    /// What a `readabilityHandler` has read so far, and whether the first line was handed over.
    final class LineReader: Sendable {
        let buffer = Mutex<(data: Data, answered: Bool)>((Data(), false))
    }

    func write(_ text: String, to path: String, mode: Int = 0o600) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test func everySignatureOfARotationVerifiesWithPythonStandardWebhooks() async throws {
        let dir = NSTemporaryDirectory() + "dossier-rotation-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (old, new, other) = (WebhookSecret.generate(), WebhookSecret.generate(), WebhookSecret.generate())
        // The sender's rotation: one secrets file with both keys, one per line.
        try write(old.encoded + "\n" + new.encoded + "\n", to: dir + "/secrets")
        let secrets = try DeliverySettings.readSecretsFile(dir + "/secrets")
        for (name, secret) in [("old", old), ("new", new), ("other", other)] {
            try write(secret.encoded, to: dir + "/" + name)
        }
        try write(Self.receiver, to: dir + "/receiver.py", mode: 0o644)
        let python = PythonProcess(
            arguments: [dir + "/receiver.py", dir + "/log", dir + "/old", dir + "/new", dir + "/other"])
        let summary: FlushSummary
        do {
            summary = try await deliver(secrets: secrets, python: python, dir: dir)
            await python.stop()
        } catch {
            await python.stop()
            throw error
        }
        #expect(summary.delivered == 30 && summary.attempts == 3)

        let lines = try String(contentsOfFile: dir + "/log", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(entry["verdicts"] as? [String] == ["valid", "valid", "invalid"], "each key verifies alone")
            let signature = try #require(entry["signature"] as? String)
            #expect(
                signature.split(separator: " ").count == 2
                    && signature.split(separator: " ").allSatisfy {
                        $0.hasPrefix("v1,")
                    })
        }
    }

    /// Starts the Python receiver and flushes 30 events to it in batches of 10, window 2.
    func deliver(secrets: [WebhookSecret], python: PythonProcess, dir: String) async throws -> FlushSummary {
        let portLine = try await python.firstLine()
        let port = try #require(Int(portLine), "python3 with standardwebhooks must start the receiver: '\(portLine)'")
        let queue = try EventQueue(path: dir + "/state/queue.sqlite")
        try queue.append(QueueTests.events(30))
        var c = DeliveryConfiguration(endpoint: "http://127.0.0.1:\(port)/webhook", secrets: secrets)
        c.maxEvents = 10
        c.window = 2
        let worker = DeliveryWorker(queue: queue, configuration: c)
        do {
            let summary = try await worker.flush(untilEmpty: true)
            await worker.shutdown()
            return summary
        } catch {
            await worker.shutdown()
            throw error
        }
    }

    @Test func signingWithSeveralSecretsListsOneEntryPerSecretInOrder() throws {
        let (a, b) = (WebhookSecret.generate(), WebhookSecret.generate())
        let body = Data(#"{"batch_id":"b","events":[]}"#.utf8)
        let both = StandardWebhooks.sign(id: "msg_1", timestamp: 1_700_000_000, body: body, secrets: [a, b])
        let single = StandardWebhooks.sign(id: "msg_1", timestamp: 1_700_000_000, body: body, secret: a)
        let second = StandardWebhooks.sign(id: "msg_1", timestamp: 1_700_000_000, body: body, secret: b)
        #expect(both.signature == single.signature + " " + second.signature)
        for secret in [a, b] {
            try StandardWebhooks.verify(
                id: "msg_1", timestamp: "1700000000", signature: both.signature, body: body, secret: secret,
                now: 1_700_000_000)
        }
    }

    /// A closed loopback port: bound by us, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// With connection retries on (async-http-client's default) a refused connection would only fail when the
    /// connect timeout ran out, as a timeout; it must come back as a connection failure, without that wait.
    @Test func aRefusedConnectionIsAConnectionFailureNotAConnectTimeout() async throws {
        let port = try Self.closedPort()
        let transport = HTTPWebhookTransport(connectTimeout: 20, requestTimeout: 30)
        let answer = await transport.post(url: "http://127.0.0.1:\(port)/webhook", headers: [], body: Data("{}".utf8))
        await transport.shutdown()
        guard case .connectionFailed(let message) = answer else {
            Issue.record("expected a connection failure, got \(answer)")
            return
        }
        #expect(message == "connection refused", "one clean phrase, not NIO's nested description")
    }
}
