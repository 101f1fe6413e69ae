import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers of the bad-input catalogue and the security tests: a throwaway repository + state directory, a queue
/// seeded with known events, and the "lost nothing" check (every seeded event still there, in the same state).
struct CatalogueWorld {
    let dir: String
    let repo: String
    let feature: String
    let state: String
    /// event_id → state of the events seeded before the bad thing happened.
    var seeded: [String: String] = [:]

    /// A repository with one feature (`kitty-specs/001-cat` holding spec.md and plan.md) and, with `seed > 0`,
    /// a queue holding `seed + 1` synthetic events.
    init(_ tag: String, seed: Int = 2) async throws {
        dir = try QueueE2E.tempDir("cat-\(tag)")
        repo = dir + "/repo"
        feature = repo + "/kitty-specs/001-cat"
        state = dir + "/state"
        try FileManager.default.createDirectory(atPath: feature, withIntermediateDirectories: true)
        try Data("# Spec\n".utf8).write(to: URL(fileURLWithPath: feature + "/spec.md"))
        try Data("# Plan\n".utf8).write(to: URL(fileURLWithPath: feature + "/plan.md"))
        if seed > 0 {
            let r = try await QueueE2E.run(
                ["stress-append", "--state-dir", state, "--count", "\(seed)"], executable: QueueE2E.bench)
            guard r.status == 0 else { throw CatalogueFailure("stress-append failed: \(r.stderr)") }
            seeded = try await Self.queueStates(state)
            guard seeded.count == seed + 1 else { throw CatalogueFailure("seeded \(seeded.count) events") }
        }
    }

    func cleanup() {
        _ = chmodRecursive(dir)
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func chmodRecursive(_ path: String) -> Bool {
        // Undo chmod 000 of permission cases so the folder can be removed.
        let e = FileManager.default.enumerator(atPath: path)
        chmod(path, 0o755)
        while let sub = e?.nextObject() as? String { chmod(path + "/" + sub, 0o755) }
        return true
    }

    /// Runs `dossier args` (or `executable args`) with this world's state directory in the environment.
    func run(
        _ args: [String], cwd: String? = nil, env: [String: String] = [:], stdin: Data? = nil,
        executable: String = QueueE2E.binary
    ) async throws -> QueueE2E.Result {
        // The webhook variables of the caller's environment are removed (`env -u`), then set only when given.
        var e = env
        if e["DOSSIER_STATE_DIR"] == nil { e["DOSSIER_STATE_DIR"] = state }
        var launcher = ["/usr/bin/env", "-u", "DOSSIER_WEBHOOK_URL", "-u", "DOSSIER_WEBHOOK_SECRET"]
        for key in ["DOSSIER_WEBHOOK_URL", "DOSSIER_WEBHOOK_SECRET"] {
            if let v = e.removeValue(forKey: key) { launcher.append("\(key)=\(v)") }
        }
        return try await QueueE2E.run(
            args, cwd: cwd, stdin: stdin, environment: e, launcher: launcher, executable: executable)
    }

    /// event_id → state of every event in the queue of `state`.
    static func queueStates(_ state: String) async throws -> [String: String] {
        let r = try await QueueE2E.run(["queue", "list", "--json", "--limit", "1000000", "--state-dir", state])
        guard r.status == 0 else { throw CatalogueFailure("queue list failed: \(r.stderr)") }
        guard let rows = try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]] else {
            throw CatalogueFailure("queue list --json is not an array: \(r.stdout.prefix(200))")
        }
        var result: [String: String] = [:]
        for row in rows {
            guard let env = row["envelope"] as? [String: Any], let id = env["event_id"] as? String,
                let s = row["state"] as? String
            else { throw CatalogueFailure("queue list row without envelope.event_id/state") }
            result[id] = s
        }
        return result
    }

    /// Every seeded event is still in the queue, and (unless `allowDelivered`) in the state it was seeded in.
    func expectQueueLostNothing(
        allowedStates: Set<String> = ["pending"], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let now = try await Self.queueStates(state)
        for (id, _) in seeded {
            guard let s = now[id] else {
                Issue.record("event \(id) vanished from the queue", sourceLocation: sourceLocation)
                continue
            }
            #expect(allowedStates.contains(s), "event \(id) is \(s)", sourceLocation: sourceLocation)
        }
    }

    /// `dossier scan --json` of the repository: the first (only) feature object.
    func scanFeature(_ extra: [String] = []) async throws -> (QueueE2E.Result, [String: Any]) {
        let r = try await run(["scan", repo, "--json"] + extra)
        guard r.status == 0 else { return (r, [:]) }
        let doc = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any]
        let features = doc?["features"] as? [[String: Any]] ?? []
        return (r, features.first ?? [:])
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let path = relative.hasPrefix("/") ? relative : feature + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func write(_ relative: String, _ text: String) throws { try write(relative, Array(text.utf8)) }

    /// Creates a file whose name is raw bytes (not necessarily UTF-8) inside the feature folder.
    func writeRawName(_ name: [UInt8], contents: [UInt8]) throws {
        let path = Array(feature.utf8) + [UInt8(ascii: "/")] + name + [0]
        let fd = path.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: path.count) {
                open($0, O_CREAT | O_WRONLY, 0o644)
            }
        }
        guard fd >= 0 else { throw CatalogueFailure("open raw name: errno \(errno)") }
        _ = contents.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

struct CatalogueFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Dictionary where Key == String, Value == Any {
    /// Artifacts of a scanned feature object, keyed by relative path.
    var artifactsByPath: [String: [String: Any]] {
        var r: [String: [String: Any]] = [:]
        for a in self["artifacts"] as? [[String: Any]] ?? [] {
            if let p = a["relative_path"] as? String { r[p] = a }
        }
        return r
    }

    /// Dossier-level anomalies as (kind, relative_path, detail).
    var anomalyList: [(kind: String, path: String, detail: String)] {
        (self["anomalies"] as? [[String: Any]] ?? []).map {
            ($0["kind"] as? String ?? "", $0["relative_path"] as? String ?? "", $0["detail"] as? String ?? "")
        }
    }
}

/// Lowercase hex SHA-256 of a file via `sha256sum` (an independent implementation), waited for off the pool.
func catalogueSHA256(_ path: String) async throws -> String {
    try await blockingCall { try catalogueSHA256Blocking(path) }
}

private func catalogueSHA256Blocking(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sha256sum", path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}

/// A loopback HTTP(S) server (python3's http.server) that answers each path with one bad thing: garbage,
/// huge or slow bodies, wrong content types, redirects, odd status codes. Every POST path is logged to `hits.log`.
final class BadHTTPServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let dir: String

    static let script = #"""
        import http.server, socketserver, sys, time, json, ssl, threading, signal
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        lock = threading.Lock()
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a): pass
            def send(self, code, body=b"", ctype="application/json", extra=()):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra: self.send_header(k, v)
                self.end_headers()
                if body: self.wfile.write(body)
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(n)
                path = self.path.strip("/")
                with lock:
                    with open(sys.argv[1], "a") as log: log.write(path + "\n")
                if path == "garbage500": self.send(500, b"\x00\xff<<not json>>", "application/octet-stream")
                elif path == "garbage200": self.send(200, b"\x00\xff<<not json>>", "application/octet-stream")
                elif path == "html200": self.send(200, b"<html><body>ok</body></html>", "text/html")
                elif path == "results-wrongtype": self.send(200, b'{"results": 5}')
                elif path == "results-unknown":
                    self.send(200, json.dumps({"results": [{"event_id": "00000000-0000-4000-8000-000000000000",
                                                            "status": "accepted"}]}).encode())
                elif path == "results-badstatus":
                    ids = [e["event_id"] for e in json.loads(data)["events"]]
                    self.send(200, json.dumps({"results": [{"event_id": i, "status": "maybe"} for i in ids]}).encode())
                elif path == "huge500": self.send(500, b"x" * (16 << 20), "text/plain")
                elif path == "huge200": self.send(200, b"[" * (16 << 20), "application/json")
                elif path == "slow":
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "1000"); self.end_headers()
                    try:
                        for _ in range(40): self.wfile.write(b" "); self.wfile.flush(); time.sleep(0.25)
                    except Exception: pass
                elif path == "close": self.close_connection = True; self.connection.shutdown(2)
                elif path == "short":
                    self.send_response(200); self.send_header("Content-Length", "500"); self.end_headers()
                    self.wfile.write(b'{"res'); self.wfile.flush(); self.connection.shutdown(2)
                elif path == "redirect": self.send(302, b"", extra=[("Location", "/landed")])
                elif path == "redirect307": self.send(307, b"", extra=[("Location", "/landed")])
                elif path == "landed": self.send(200, b"")
                elif path == "e401": self.send(401, b'{"error":"bad signature"}')
                elif path == "e404": self.send(404, b"not here", "text/plain")
                elif path == "e410": self.send(410, b"")
                elif path == "e413": self.send(413, b"too big", "text/plain")
                elif path == "e429bad": self.send(429, b"", extra=[("Retry-After", "soon")])
                elif path == "e400": self.send(400, b'{"error":"nope"}')
                elif path == "e418": self.send(418, b"teapot", "text/plain")
                else: self.send(404, b"")
        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True
        srv = S(("127.0.0.1", 0), H)
        if len(sys.argv) > 3:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[2], sys.argv[3])
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        print(srv.server_address[1], flush=True)
        srv.serve_forever()
        """#

    /// Starts the server (with `tls`, behind a fresh self-signed certificate made by `openssl`).
    init(tls: Bool = false) async throws {
        dir = try QueueE2E.tempDir("badhttp")
        let scriptPath = dir + "/bad_http.py"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        var args = [scriptPath, dir + "/hits.log"]
        if tls {
            let gen = Process()
            gen.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gen.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
            ]
            gen.standardOutput = FileHandle.nullDevice
            gen.standardError = FileHandle.nullDevice
            try gen.run()
            await gen.exited()
            guard gen.terminationStatus == 0 else { throw CatalogueFailure("openssl req failed") }
            args += [dir + "/cert.pem", dir + "/key.pem"]
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = await out.read(until: "\n")
        guard let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CatalogueFailure("bad HTTP server did not start: \(text)")
        }
        port = p
    }

    func url(_ path: String, scheme: String = "http") -> String { "\(scheme)://127.0.0.1:\(port)/\(path)" }

    /// How many POSTs each path got.
    func hits() -> [String: Int] {
        let text = String(decoding: FileManager.default.contents(atPath: dir + "/hits.log") ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").reduce(into: [:]) { $0[String($1), default: 0] += 1 }
    }

    func stop() {
        // SIGKILL: a child of the test runner may inherit an ignored SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// A fresh `whsec_` secret in a 0600 file.
func catalogueSecretFile(in dir: String) throws -> (path: String, secret: String) {
    let secret = "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    let path = dir + "/secret"
    try Data(secret.utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    return (path, secret)
}
