import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 9 with the real binary over loopback: a flood of malformed requests (every header edge) leaves
/// `dossier receive` up and still accepting a valid signed batch; unusable endpoint URLs stop `queue flush`,
/// `drift --remote` and the dashboard up front (exit 2, the URL's password redacted, the queue untouched); feature
/// slugs of any spelling round-trip through `drift --remote`.
@Suite struct HostileInputTests {
    // MARK: the receiver stays up

    @Test func receiverSurvivesAFloodOfMalformedRequestsAndStillAcceptsAValidBatch() async throws {
        let dir = try QueueE2E.tempDir("hostile-recv")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = try catalogueSecretFile(in: dir)
        let store = dir + "/r.sqlite"
        let receiver = try await SecurityReceiver(["--secret-file", secret.path, "--store", store])
        defer { _ = receiver.stop() }
        let line = try await CatalogueEventsTests.validLine()
        try Data(#"{"batch_id":"b-good","events":[\#(line)]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/good"))
        let base = String(receiver.url.dropLast("/webhook".count))
        let r = try await QueueE2E.run(
            [base, secret.secret, dir + "/good"], launcher: ["/usr/bin/env", "python3", "-c", HostileFlood.script])
        #expect(r.status == 0, "\(r.stderr)")
        var answers: [String: (status: Int, body: String)] = [:]
        var order: [String] = []
        for row in r.stdout.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                let label = object["label"] as? String, let status = object["status"] as? Int
            else { continue }
            answers[label] = (status, object["body"] as? String ?? "")
            order.append(label)
        }
        #expect(answers.count >= 95, "only \(answers.count) answers: \(r.stderr.prefix(500))")
        #expect(receiver.process.isRunning, "the receiver died during the flood")
        let unauthenticated = "signature verification failed: "
        for label in order where label.hasPrefix("header ") {
            let a = answers[label]!
            // A header too large for the HTTP parser is refused by it (431/400); everything else reaches our check.
            #expect(
                (a.status == 401 && a.body.contains(unauthenticated)) || a.status == 431 || a.status == 400,
                "\(label): \(a.status) \(a.body.prefix(200))")
        }
        func expectError(_ label: String, _ status: Int, _ message: String) {
            let a = answers[label]
            #expect(a?.status == status, "\(label): \(String(describing: a))")
            #expect(a?.body == #"{"error":"\#(message)"}"#, "\(label): \(String(describing: a))")
        }
        let notSeconds = " is not Unix seconds (expected 1 to 19 ASCII digits)"
        expectError(
            "header webhook-timestamp=int64-min", 401,
            unauthenticated + "header 'webhook-timestamp': '-9223372036854775808'" + notSeconds)
        expectError(
            "header webhook-timestamp=overflow", 401,
            unauthenticated + "header 'webhook-timestamp': '99999999999999999999'" + notSeconds)
        expectError(
            "header webhook-timestamp=fullwidth-digits", 401,
            unauthenticated + "header 'webhook-timestamp': '１７００００００００'" + notSeconds)
        expectError("header webhook-timestamp=empty", 401, unauthenticated + "missing header 'webhook-timestamp'")
        #expect(
            answers["header webhook-timestamp=int64-max"]?.body.contains(
                "header 'webhook-timestamp': 9223372036854775807 is ") == true)
        expectError(
            "header webhook-id=huge-4k", 401, unauthenticated + "header 'webhook-id' is 4096 bytes long (at most 1024)")
        expectError(
            "header webhook-signature=many-entries", 401,
            unauthenticated + "header 'webhook-signature': 500 entries (at most 32)")
        for label in order where label.hasPrefix("body ") {
            let a = answers[label]!
            #expect(
                (a.status == 400 && a.body.contains("request body is not a batch"))
                    || (a.status == 200 && !a.body.contains("accepted")) || a.status == 413,
                "\(label): \(a.status) \(a.body.prefix(200))")
        }
        expectError(
            "body duplicate-events", 400, "request body is not a batch: 'events' appears twice (ambiguous) at byte 28")
        for label in order where label.hasPrefix("length ") {
            let a = answers[label]!
            // NIO's HTTP parser refuses these (400, or closes: status 0); none reaches a handler.
            #expect(a.status == 0 || (400..<500).contains(a.status), "\(label): \(a.status) \(a.body.prefix(200))")
        }
        for label in order where label.hasPrefix("path ") {
            #expect(answers[label]!.status == 400 || answers[label]!.status == 404, "\(label)")
        }
        for segment in ["%FF", "%zz", "a%", "%E2%82"] {
            expectError(
                "path \(segment)", 400, "feature slug '\(segment)' in the path is not valid percent-encoded UTF-8")
        }
        // A decoded NUL is looked up (and not found); the message quotes it escaped (JSON-encoded once more).
        #expect(answers["path %00"]?.status == 404)
        #expect(answers["path %00"]?.body == #"{"error":"no snapshot received for feature '\\x00'"}"#)
        // Still up, nothing stored from the flood, and a valid signed batch is accepted and stored once.
        #expect(receiver.process.isRunning, "the receiver died during the flood")
        #expect(answers["healthz after"]?.status == 200)
        #expect(answers["valid batch"]?.status == 200 && answers["valid batch"]?.body.contains("accepted") == true)
        await #expect(try SecurityPoster.storedCount(store) == 1)
        let stopped = receiver.stop()
        #expect(!stopped.output.contains("Fatal error"), "\(stopped.output.suffix(500))")
    }

    // MARK: unusable endpoint URLs

    struct BadURL: Sendable, CustomTestStringConvertible {
        var url: String
        var message: String
        var testDescription: String { url }
    }

    static let range = "is out of range (expected 1–65535)"
    static let badURLs: [BadURL] = [
        BadURL(
            url: "http://127.0.0.1:99999/webhook", message: "'http://127.0.0.1:99999/webhook': port '99999' \(range)"),
        BadURL(
            url: "http://127.0.0.1:70000/webhook", message: "'http://127.0.0.1:70000/webhook': port '70000' \(range)"),
        BadURL(url: "http://127.0.0.1:0/webhook", message: "'http://127.0.0.1:0/webhook': port '0' \(range)"),
        BadURL(
            url: "http://alice:hunter2@127.0.0.1:99999/x",
            message: "'http://***@127.0.0.1:99999/x': port '99999' \(range)"),
        BadURL(url: "http://alice:hunter2@[::1/x", message: "'http://***@[::1/x': an IPv6 host is missing its ']'"),
        BadURL(
            url: "http://127.0.0.1:8787/webhook#x",
            message: "'http://127.0.0.1:8787/webhook#x': has a fragment ('#…'), which is never sent; remove it"),
        BadURL(url: "http:///webhook", message: "'http:///webhook': has no host (expected http://host[:port]/path)"),
        BadURL(url: "ftp://alice:hunter2@host/", message: "'ftp://***@host/': scheme 'ftp' is not http or https"),
    ]

    @Test(arguments: badURLs)
    func flushRefusesAnUnusableEndpointUpFrontAndClaimsNothing(_ c: BadURL) async throws {
        let w = try await CatalogueWorld("hostile-url")
        defer { w.cleanup() }
        let secret = try catalogueSecretFile(in: w.dir)
        let viaFlag = try await w.run(["queue", "flush", "--endpoint", c.url, "--secret-file", secret.path])
        #expect(viaFlag.status == 2)
        #expect(viaFlag.stderr == "dossier: webhook endpoint \(c.message)\n")
        let viaEnv = try await w.run(
            ["queue", "flush", "--until-empty"],
            env: [
                "DOSSIER_WEBHOOK_URL": c.url, "DOSSIER_WEBHOOK_SECRET": secret.secret,
            ])
        #expect(viaEnv.status == 2)
        #expect(viaEnv.stderr == "dossier: webhook endpoint \(c.message)\n")
        for r in [viaFlag, viaEnv] { #expect(!(r.stdout + r.stderr).contains("hunter2")) }
        // Every seeded event is still pending: nothing was claimed, nothing left in flight.
        try await w.expectQueueLostNothing()
    }

    @Test func driftRemoteAndTheDashboardRefuseAnUnusableEndpoint() async throws {
        let w = try await CatalogueWorld("hostile-drift", seed: 0)
        defer { w.cleanup() }
        let secret = try catalogueSecretFile(in: w.dir)
        let drift = try await w.run([
            "drift", w.repo, "--remote", "--endpoint", "http://alice:hunter2@127.0.0.1:99999/x",
        ])
        #expect(drift.status == 2)
        #expect(
            drift.stderr.contains(
                "drift --remote: webhook endpoint 'http://***@127.0.0.1:99999/x': port '99999' \(Self.range)"),
            "\(drift.stderr)")
        // The dashboard wants a terminal: run it on a pseudo-terminal (python's pty), which also carries stderr.
        let dashboard = try await QueueE2E.run(
            [
                "dashboard", w.repo, "--state-dir", w.state, "--endpoint", "http://alice:hunter2@127.0.0.1:70000/x",
                "--secret-file", secret.path,
            ],
            launcher: [
                "/usr/bin/env", "-u", "DOSSIER_WEBHOOK_URL", "python3", "-c",
                "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))",
            ])
        #expect(dashboard.status == 2)
        #expect(
            dashboard.stdout.contains("webhook endpoint 'http://***@127.0.0.1:70000/x': port '70000' \(Self.range)"),
            "\(dashboard.stdout) \(dashboard.stderr)")
        for r in [drift, dashboard] { #expect(!(r.stdout + r.stderr).contains("hunter2")) }
    }

    // MARK: percent-encoding

    @Test func awkwardFeatureNamesRoundTripThroughDriftRemote() async throws {
        let dir = try QueueE2E.tempDir("hostile-slug")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = dir + "/repo"
        let state = dir + "/state"
        let names: [[UInt8]] = [
            Array("042-user login".utf8), Array("043-100%-done".utf8), Array("044-what?".utf8),
            Array("045-issue#9".utf8),
            Array("046-ünïcödé ✓".utf8), Array("047-a+b;c=d&e".utf8),
            Array("048-".utf8) + [0x63, 0x61, 0x66, 0xE9],  // "048-caf\xE9": not UTF-8
        ]
        for name in names {
            let path = Array((repo + "/kitty-specs/").utf8) + name
            try FileManager.default.createDirectory(
                atPath: repo + "/kitty-specs", withIntermediateDirectories: true)
            let c = path + [0]
            _ = c.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: c.count) { mkdir($0, 0o755) }
            }
            let file = path + Array("/spec.md".utf8) + [0]
            let fd = file.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: file.count) {
                    open($0, O_CREAT | O_WRONLY, 0o644)
                }
            }
            #expect(fd >= 0)
            _ = Array("# Spec\n".utf8).withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        let secret = try catalogueSecretFile(in: dir)
        let receiver = try await SecurityReceiver(["--secret-file", secret.path, "--store", dir + "/r.sqlite"])
        defer { _ = receiver.stop() }
        let scan = try await QueueE2E.run(["scan", repo, "--state-dir", state, "--json"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let flush = try await QueueE2E.run([
            "queue", "flush", "--state-dir", state, "--endpoint", receiver.url, "--secret-file", secret.path,
            "--until-empty",
        ])
        #expect(flush.status == 0, "\(flush.stdout) \(flush.stderr)")
        let drift = try await QueueE2E.run([
            "drift", repo, "--state-dir", state, "--remote", "--endpoint", receiver.url, "--json",
        ])
        #expect(drift.status == 0, "\(drift.stdout) \(drift.stderr)")
        let reports = (try? JSONSerialization.jsonObject(with: drift.stdoutData) as? [[String: Any]]) ?? []
        let slugs = Set(reports.compactMap { $0["feature_slug"] as? String })
        #expect(
            slugs == [
                "042-user login", "043-100%-done", "044-what?", "045-issue#9", "046-ünïcödé ✓", "047-a+b;c=d&e",
                "048-caf%E9",
            ],
            "\(drift.stdout.prefix(600))")
        #expect(receiver.process.isRunning)
    }
}

/// The flood: python3 (independent of DossierCore) sends every header edge, odd Content-Length framings, bad
/// bodies (validly signed) and bad paths, then checks health and posts one valid signed batch. One JSON line per
/// request: label, status (0 when the server closed without answering), body.
enum HostileFlood {
    static let script = #"""
        import base64, hashlib, hmac, json, socket, sys, time, http.client, urllib.parse
        base, secret, good_path = sys.argv[2:5]
        u = urllib.parse.urlparse(base)
        host, port = u.hostname, u.port
        key = base64.b64decode(secret[len("whsec_"):])
        good = open(good_path, "rb").read()

        def sign(msg_id, ts, body):
            return "v1," + base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()

        def emit(label, status, body):
            print(json.dumps({"label": label, "status": status, "body": body[:2000]}), flush=True)

        def request(label, method, path, headers, body=b""):
            try:
                c = http.client.HTTPConnection(host, port, timeout=20)
                c.putrequest(method, path, skip_accept_encoding=True)
                for name, value in headers:
                    c.putheader(name, value if isinstance(value, bytes) else value.encode("utf-8"))
                if body or method == "POST":
                    c.putheader("Content-Length", str(len(body)))
                c.endheaders()
                if body: c.send(body)
                r = c.getresponse()
                emit(label, r.status, r.read().decode("utf-8", "replace"))
                c.close()
            except Exception as e:
                emit(label, 0, repr(e))

        def raw(label, data):
            try:
                s = socket.create_connection((host, port), timeout=10)
                s.sendall(data)
                try: s.shutdown(socket.SHUT_WR)
                except OSError: pass
                chunks = b""
                while True:
                    try: b = s.recv(65536)
                    except socket.timeout: break
                    except ConnectionResetError: break
                    if not b: break
                    chunks += b
                s.close()
                if chunks.startswith(b"HTTP/1.1 "):
                    status = int(chunks[9:12])
                    emit(label, status, chunks.split(b"\r\n\r\n", 1)[-1].decode("utf-8", "replace"))
                else:
                    emit(label, 0, chunks.decode("utf-8", "replace"))
            except Exception as e:
                emit(label, 0, repr(e))

        now = str(int(time.time()))
        edges = {
            "empty": "", "space": " ", "int64-max": "9223372036854775807", "int64-min": "-9223372036854775808",
            "int64-max+1": "9223372036854775808", "overflow": "99999999999999999999", "negative": "-1",
            "plus": "+" + now, "fullwidth-digits": "１７００００００００", "arabic-digits": "١٧٠٠٠٠٠٠٠٠",
            "non-digits": "abc", "hex": "0x10", "exponent": "1e9", "fraction": now + ".5", "nul": "1\x00",
            "huge-4k": "9" * 4096, "huge-60k": "9" * 60000, "latin1": b"\xe9\xff", "control": "1\x1b[2J",
            "zero": "0", "leading-zeros": "000" + now,
        }
        for header in ["webhook-id", "webhook-timestamp", "webhook-signature"]:
            for name, value in edges.items():
                headers = {"webhook-id": "msg-good", "webhook-timestamp": now, "webhook-signature": sign("msg-good", now, good)}
                headers[header] = value
                if header == "webhook-timestamp" and name == "leading-zeros":
                    # Validly signed with leading zeros, but the body is not stored twice: a different id, bad body.
                    headers["webhook-signature"] = "v1,AAAA"
                request(f"header {header}={name}", "POST", "/webhook",
                        [("Content-Type", "application/json")] + list(headers.items()), good)
        request("header webhook-signature=many-entries", "POST", "/webhook",
                [("webhook-id", "m"), ("webhook-timestamp", now), ("webhook-signature", " ".join(["v1,AAAA"] * 500))], good)
        request("header none", "POST", "/webhook", [], good)

        def signed(label, body, path="/webhook"):
            mid = "msg-" + label.replace(" ", "-")
            request(label, "POST", path, [("webhook-id", mid), ("webhook-timestamp", now),
                                          ("webhook-signature", sign(mid, now, body))], body)
        bodies = {
            "empty": b"", "not-json": b"hello", "array": b"[]", "string": b'"x"', "nul": b"\x00" * 64,
            "invalid-utf8": b'{"batch_id":"\xff","events":[]}', "duplicate-events": b'{"batch_id":"a","events":[],"events":[{}]}',
            "deep-nesting": b'{"batch_id":"a","events":[' + b"[" * 200000 + b"]" * 200000 + b"]}",
            "deep-object": b'{"batch_id":"a","events":[' + b'{"a":' * 50000 + b"1" + b"}" * 50000 + b"]}",
            "huge-number": b'{"batch_id":"a","events":[' + b"9" * 100000 + b"]}",
            "unterminated": b'{"batch_id":"a","events":["', "mismatched": b'{"batch_id":"a","events":[[}]]}',
            "bad-events": b'{"batch_id":"a","events":[{},1,"x",null,{"event_id":"\\ud800"}]}',
            "batch-id-number": b'{"batch_id":1e999,"events":[]}',
        }
        for name, body in bodies.items():
            signed("body " + name, body)
        for name, cl in {"negative": "-1", "overflow": "99999999999999999999", "int64-max": "9223372036854775807",
                         "non-digits": "abc", "empty": "", "list": "1, 2", "plus": "+5", "spaces": " 5 5"}.items():
            raw("length " + name, f"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: {cl}\r\n\r\nhello".encode())
        raw("length conflicting", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")
        raw("length with chunked", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        raw("length huge chunk", b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nab\r\n")
        raw("length garbage request line", b"\x00\xff GARBAGE\r\n\r\n")
        for seg in ["%FF", "%zz", "a%", "%E2%82", "%00", "x" * 5000, "%2e%2e"]:
            request("path " + seg[:40], "GET", "/dossiers/" + seg + "/baseline", [])
        request("healthz after", "GET", "/healthz", [])
        request("valid batch", "POST", "/webhook", [("Content-Type", "application/json"), ("webhook-id", "msg-valid"),
                ("webhook-timestamp", now), ("webhook-signature", sign("msg-valid", now, good))], good)
        """#
}
