import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Security checks with the real binary: symlinks out of the repository are never read, loose secret files are
/// refused, secrets never reach any output, the reference receiver refuses unsigned / mis-signed / stale /
/// oversized requests, and state files are owner-only.
@Suite struct SecurityTests {
    // MARK: symlinks

    @Test func symlinksEscapingTheRepositoryAreNotHashed() async throws {
        let w = try await CatalogueWorld("sec-symlink", seed: 0)
        defer { w.cleanup() }
        let outside = w.dir + "/outside-secret.md"
        let marker = "TOP-SECRET-\(UUID().uuidString)"
        try Data(marker.utf8).write(to: URL(fileURLWithPath: outside))
        let outsideHash = try await catalogueSHA256(outside)
        try FileManager.default.createSymbolicLink(atPath: w.feature + "/abs.md", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(
            atPath: w.feature + "/rel.md", withDestinationPath: "../../../outside-secret.md")
        try FileManager.default.createSymbolicLink(atPath: w.feature + "/passwd.md", withDestinationPath: "/etc/passwd")
        // A chain: inside link → inside link → outside.
        try FileManager.default.createSymbolicLink(atPath: w.repo + "/hop.md", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: w.feature + "/chain.md", withDestinationPath: "../../hop.md")
        let (r, f) = try await w.scanFeature()
        #expect(r.status == 0, "\(r.stderr)")
        let arts = f.artifactsByPath
        for name in ["abs.md", "rel.md", "passwd.md", "chain.md"] {
            #expect(arts[name] == nil, "\(name) was indexed")
            #expect(f.anomalyList.contains { $0.kind == "symlink_outside_root" && $0.path == name }, "\(name)")
        }
        #expect(!r.stdout.contains(outsideHash), "the outside file was hashed")
        #expect(!r.stdout.contains(marker))
        let table = try await w.run(["scan", w.repo])
        #expect(!table.stdout.contains(String(outsideHash.prefix(12))))
    }

    // MARK: secret files

    struct LooseMode: Sendable, CustomTestStringConvertible {
        var mode: mode_t
        var command: String
        var testDescription: String { "\(String(mode, radix: 8)) \(command)" }
    }

    static let looseModes: [LooseMode] = [0o644, 0o640, 0o604, 0o660, 0o777].flatMap {
        [LooseMode(mode: $0, command: "flush"), LooseMode(mode: $0, command: "receive")]
    }

    @Test(arguments: looseModes)
    func secretFilesReadableByOthersAreRefused(_ c: LooseMode) async throws {
        let w = try await CatalogueWorld("sec-mode")
        defer { w.cleanup() }
        let secret = try catalogueSecretFile(in: w.dir)
        chmod(secret.path, c.mode)
        let args =
            c.command == "flush"
            ? ["queue", "flush", "--endpoint", "http://127.0.0.1:9/x", "--secret-file", secret.path]
            : ["receive", "--port", "0", "--secret-file", secret.path, "--store", w.dir + "/r.sqlite"]
        let r = try await w.run(args)
        #expect(r.status == 2)
        #expect(r.stderr.contains(secret.path) && r.stderr.contains("chmod 600"), "\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains(secret.secret))
        try await w.expectQueueLostNothing()
    }

    // MARK: secrets never printed

    @Test func secretsNeverAppearInAnyOutput() async throws {
        let w = try await CatalogueWorld("sec-print")
        defer { w.cleanup() }
        let secret = try catalogueSecretFile(in: w.dir)
        let key = String(secret.secret.dropFirst("whsec_".count))
        let password = "pw-\(UUID().uuidString)"
        var outputs: [String] = []
        func record(_ r: QueueE2E.Result) { outputs.append(r.stdout + r.stderr) }

        let receiver = try await SecurityReceiver(["--secret", secret.secret, "--store", w.dir + "/r.sqlite"])
        defer { _ = receiver.stop() }
        let env = ["DOSSIER_WEBHOOK_SECRET": secret.secret]
        record(try await w.run(["queue", "flush", "--endpoint", receiver.url, "--until-empty"], env: env))
        record(try await w.run(["queue", "flush", "--endpoint", receiver.url, "--secret-file", secret.path, "--json"]))
        // Wrong secret → 401 → paused: the answer is shown, never a secret.
        let other = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        _ = try await w.run(["stress-append", "--count", "3"], executable: QueueE2E.bench)
        record(try await w.run(["queue", "flush", "--endpoint", receiver.url], env: ["DOSSIER_WEBHOOK_SECRET": other]))
        // Credentials in the URL are redacted.
        record(
            try await w.run(
                ["queue", "flush", "--endpoint", "http://user:\(password)@127.0.0.1:9/x", "--max-unreachable", "1"],
                env: env))
        record(try await w.run(["queue", "flush", "--endpoint", "ftp://user:\(password)@x/"], env: env))
        try Data("[delivery]\nurl = \"http://127.0.0.1:9/x\"\nsecret = \"\(secret.secret)\"\n".utf8).write(
            to: URL(fileURLWithPath: w.state + "/config.toml"))
        record(try await w.run(["queue", "flush", "--max-unreachable", "1"]))
        record(try await w.run(["queue", "status"]))
        record(try await w.run(["queue", "status", "--json"]))
        record(try await w.run(["queue", "list", "--json"]))
        record(try await w.run(["scan", w.repo, "--json"]))
        record(try await w.run(["receive", "--port", "70000", "--secret", secret.secret]))
        record(try await w.run(["receive", "--port", "0", "--secret", "whsec_***"]))
        outputs.append(receiver.stop().output)
        #expect(outputs.count == 13)
        for (i, text) in outputs.enumerated() {
            #expect(!text.contains(key), "output \(i) holds the secret: \(text.prefix(300))")
            #expect(!text.contains(password), "output \(i) holds the URL password: \(text.prefix(300))")
            #expect(!text.contains(String(other.dropFirst(6))), "output \(i) holds the other secret")
        }
    }

    // MARK: the receiver refuses bad requests

    @Test func receiverRejectsUnsignedMisSignedStaleAndOversizedRequests() async throws {
        let dir = try QueueE2E.tempDir("sec-recv")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = try catalogueSecretFile(in: dir)
        let store = dir + "/r.sqlite"
        let receiver = try await SecurityReceiver([
            "--secret-file", secret.path, "--store", store, "--max-body-bytes", "65536",
        ])
        defer { _ = receiver.stop() }
        let line = try await CatalogueEventsTests.validLine()
        let good = #"{"batch_id":"b-1","events":["# + line + "]}"
        let now = Int(Date().timeIntervalSince1970)
        let wrong = "whsec_" + Data(repeating: 1, count: 32).base64EncodedString()
        let big = #"{"batch_id":"b-big","events":["# + Array(repeating: line, count: 200).joined(separator: ",") + "]}"

        func post(_ body: String, sign: String?, secret s: String, ts: Int, id: String = "msg-1", tamper: Bool = false)
            async
            throws -> (Int, String)
        {
            try await SecurityPoster.post(
                url: receiver.url, body: body, secret: s, id: id, timestamp: ts, mode: sign ?? "none", tamper: tamper)
        }
        let unsigned = try await post(good, sign: nil, secret: secret.secret, ts: now)
        #expect(unsigned.0 == 401 && unsigned.1.contains("missing header"), "\(unsigned)")
        let misSigned = try await post(good, sign: "v1", secret: wrong, ts: now)
        #expect(misSigned.0 == 401 && misSigned.1.contains("no v1 signature"), "\(misSigned)")
        let tampered = try await post(good, sign: "v1", secret: secret.secret, ts: now, tamper: true)
        #expect(tampered.0 == 401, "\(tampered)")
        let stale = try await post(good, sign: "v1", secret: secret.secret, ts: now - 3600)
        #expect(stale.0 == 401 && stale.1.contains("tolerance"), "\(stale)")
        let future = try await post(good, sign: "v1", secret: secret.secret, ts: now + 3600)
        #expect(future.0 == 401 && future.1.contains("tolerance"), "\(future)")
        let wrongScheme = try await post(good, sign: "v2", secret: secret.secret, ts: now)
        #expect(wrongScheme.0 == 401, "\(wrongScheme)")
        #expect(big.utf8.count > 65536)
        let oversized = try await post(big, sign: "v1", secret: secret.secret, ts: now)
        #expect(oversized.0 == 413, "\(oversized)")
        // Nothing was stored so far; a correct request is stored once, its replay is a duplicate.
        await #expect(try SecurityPoster.storedCount(store) == 0)
        let ok = try await post(good, sign: "v1", secret: secret.secret, ts: now)
        #expect(ok.0 == 200 && ok.1.contains("accepted"), "\(ok)")
        let replay = try await post(good, sign: "v1", secret: secret.secret, ts: now)
        #expect(replay.0 == 200 && replay.1.contains("duplicate"), "\(replay)")
        await #expect(try SecurityPoster.storedCount(store) == 1)
    }

    // MARK: owner-only state

    @Test func stateFilesAreOwnerOnlyEvenUnderAPermissiveUmask() async throws {
        let w = try await CatalogueWorld("sec-perms", seed: 0)
        defer { w.cleanup() }
        let state = w.dir + "/fresh-state/nested"
        let secret = try catalogueSecretFile(in: w.dir)
        let umask0 = ["/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\""]
        func run(_ args: [String]) async throws -> QueueE2E.Result {
            try await QueueE2E.run(args, launcher: umask0)
        }
        await #expect(try run(["scan", w.repo, "--state-dir", state]).status == 0)
        await #expect(try run(["baseline", "accept", w.repo, "--state-dir", state]).status == 0)
        let append = try await QueueE2E.run(
            ["stress-append", "--count", "5", "--state-dir", state], launcher: umask0, executable: QueueE2E.bench)
        #expect(append.status == 0, "\(append.stderr)")
        let receiver = try await SecurityReceiver(
            ["--secret-file", secret.path, "--state-dir", state], launcher: umask0)
        let flush = try await run([
            "queue", "flush", "--state-dir", state, "--endpoint", receiver.url, "--secret-file", secret.path,
        ])
        #expect(flush.status == 0, "\(flush.stderr)")
        _ = receiver.stop()
        var checked = 0
        var paths = [state]
        if let e = FileManager.default.enumerator(atPath: state) {
            while let sub = e.nextObject() as? String { paths.append(state + "/" + sub) }
        }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let mode = info.st_mode & 0o777
            let isDir = (info.st_mode & S_IFMT) == S_IFDIR
            #expect(mode & 0o077 == 0, "\(path) has mode \(String(mode, radix: 8))")
            #expect(isDir ? mode == 0o700 : mode == 0o600, "\(path) has mode \(String(mode, radix: 8))")
            checked += 1
        }
        #expect(paths.contains { $0.hasSuffix("queue.sqlite") })
        #expect(paths.contains { $0.hasSuffix("receiver.sqlite") }, "\(paths)")
        #expect(checked >= 3)
    }
}

/// A `dossier receive --port 0` child process; `stop()` returns its exit status and everything it printed.
final class SecurityReceiver {
    let process = Process()
    let url: String
    let outPath: String
    let errPath: String

    init(_ args: [String], launcher: [String] = []) async throws {
        let dir = try QueueE2E.tempDir("secrecv")
        outPath = dir + "/out"
        errPath = dir + "/err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let all = ["receive", "--port", "0"] + args
        if launcher.isEmpty {
            process.executableURL = URL(fileURLWithPath: QueueE2E.binary)
            process.arguments = all
        } else {
            process.executableURL = URL(fileURLWithPath: launcher[0])
            process.arguments = Array(launcher.dropFirst()) + [QueueE2E.binary] + all
        }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DOSSIER_WEBHOOK_SECRET")
        env.removeValue(forKey: "DOSSIER_STATE_DIR")
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        var first = ""
        for _ in 0..<600 {
            let text = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
            if let line = text.split(separator: "\n").first, text.contains("\n") {
                first = String(line)
                break
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard first.hasPrefix("listening on http://") else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let err = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
            throw CatalogueFailure("receiver did not start: \(first) \(err)")
        }
        url = String(first.dropFirst("listening on ".count)) + "/webhook"
    }

    /// SIGINT (graceful; SIGKILL after 10 s), then the exit status and all output.
    @discardableResult
    func stop() -> (status: Int32, output: String) {
        if process.isRunning {
            kill(process.processIdentifier, SIGINT)
            for _ in 0..<200 where process.isRunning { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return (process.terminationStatus, String(decoding: out + err, as: UTF8.self))
    }
}

/// Posts hand-signed Standard Webhooks requests with python3 (an implementation independent of DossierCore).
enum SecurityPoster {
    static let script = #"""
        import base64, hashlib, hmac, sys, urllib.request, urllib.error
        url, secret, msg_id, ts, mode, tamper, body_path = sys.argv[2:9]  # argv[1]: the dossier path QueueE2E adds
        body = open(body_path, "rb").read()
        key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
        sig = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        headers = {"Content-Type": "application/json"}
        if mode != "none":
            headers.update({"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": f"{mode},{sig}"})
        if tamper == "1": body = body.replace(b"batch_id", b"batch_iD", 1)
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r: code, text = r.status, r.read()
        except urllib.error.HTTPError as e: code, text = e.code, e.read()
        print(code); sys.stdout.write(text.decode("utf-8", "replace"))
        """#

    static func post(url: String, body: String, secret: String, id: String, timestamp: Int, mode: String, tamper: Bool)
        async
        throws -> (Int, String)
    {
        let dir = try QueueE2E.tempDir("post")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(script.utf8).write(to: URL(fileURLWithPath: dir + "/post.py"))
        try Data(body.utf8).write(to: URL(fileURLWithPath: dir + "/body"))
        let r = try await QueueE2E.run(
            [url, secret, id, String(timestamp), mode, tamper ? "1" : "0", dir + "/body"],
            launcher: ["/usr/bin/env", "python3", dir + "/post.py"])
        let lines = r.stdout.split(separator: "\n", maxSplits: 1).map(String.init)
        guard r.status == 0, let code = lines.first.flatMap({ Int($0) }) else {
            throw CatalogueFailure("post.py failed: \(r.stdout) \(r.stderr)")
        }
        return (code, lines.count > 1 ? lines[1] : "")
    }

    static func storedCount(_ store: String) async throws -> Int {
        let r = try await QueueE2E.run(
            [store],
            launcher: [
                "/usr/bin/env", "python3", "-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[2]).execute('select count(*) from received_events').fetchone()[0])",
            ])
        return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
