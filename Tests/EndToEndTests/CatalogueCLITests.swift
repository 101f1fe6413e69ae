import Foundation
import Testing

/// Bad-input catalogue, part 4: `<state>/config.toml`. Every malformed config stops `queue flush` with exit 2 and a
/// message naming the file and line (or the bad value); the queue keeps every pending event.
@Suite struct CatalogueConfigTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var expect: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unterminated table header", bytes: Array("[delivery\n".utf8),
            expect: ["config.toml:1:10: Error while parsing table header: expected ']', saw '\\n'"]),
        Case(
            name: "line without =", bytes: Array("[delivery]\nurl\n".utf8),
            expect: ["config.toml:2:4: Error while parsing key-value pair: expected '=', saw '\\n'"]),
        Case(
            name: "unquoted value", bytes: Array("[delivery]\nurl = http://x\n".utf8),
            expect: ["config.toml:2:7: Error while parsing value: could not determine value type"]),
        Case(
            name: "text after the value", bytes: Array("[delivery]\nurl = \"http://127.0.0.1:9/x\" junk\n".utf8),
            expect: ["config.toml:2:30: Error while parsing key-value pair: expected a comment or whitespace, saw 'j'"]
        ),
        Case(
            name: "not an http URL", bytes: Array("[delivery]\nurl = \"ftp://x/y\"\nsecret = \"whsec_AAAA\"\n".utf8),
            expect: ["'ftp://x/y'", "scheme 'ftp' is not http or https"]),
        Case(
            name: "secret not base64",
            bytes: Array("[delivery]\nurl = \"http://127.0.0.1:9/x\"\nsecret = \"whsec_***\"\n".utf8),
            expect: ["config.toml [delivery] secret", "not valid base64"]),
        Case(
            name: "secret_file missing",
            bytes: Array("[delivery]\nurl = \"http://127.0.0.1:9/x\"\nsecret_file = \"/nonexistent/s\"\n".utf8),
            expect: ["secret file /nonexistent/s", "No such file"]),
        Case(name: "binary garbage", bytes: [0xFF, 0xFE, 0x00, 0x5B], expect: ["config.toml:1:"]),
        Case(
            name: "no endpoint anywhere", bytes: Array("[other]\nurl = \"http://x\"\n".utf8),
            expect: ["no webhook endpoint"]),
    ]

    @Test(arguments: cases)
    func malformedConfigIsExit2NamingTheProblem(_ c: Case) async throws {
        let w = try await CatalogueWorld("config")
        defer { w.cleanup() }
        try Data(c.bytes).write(to: URL(fileURLWithPath: w.state + "/config.toml"))
        // Owner-only, as a config holding an inline secret must be.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: w.state + "/config.toml")
        let r = try await w.run(["queue", "flush", "--state-dir", w.state], env: [:])
        #expect(r.status == 2, "\(c.name): \(r.stdout) \(r.stderr)")
        for needle in c.expect { #expect(r.stderr.contains(needle), "'\(needle)' not in: \(r.stderr)") }
        try await w.expectQueueLostNothing()
    }
}

/// Bad-input catalogue, part 5: flags and environment. Usage errors exit 2 naming the flag and value; the queue
/// keeps everything.
@Suite struct CatalogueFlagTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var args: [String]
        var env: [String: String] = [:]
        var expect: [String]
        var testDescription: String { name }
    }

    /// `STATE` and `SECRET` in args/env are replaced by the world's state folder and a 0600 secret file.
    static let cases: [Case] = [
        Case(name: "unknown flag", args: ["scan", "--bogus"], expect: ["Unknown option '--bogus'"]),
        Case(name: "bad --state value", args: ["queue", "list", "--state", "bogus"], expect: ["'bogus'", "--state"]),
        Case(name: "negative --limit", args: ["queue", "list", "--limit", "-1"], expect: ["--limit"]),
        Case(name: "purge without --delivered", args: ["queue", "purge"], expect: ["--delivered is required"]),
        Case(
            name: "bad --older-than", args: ["queue", "purge", "--delivered", "--older-than", "3x"],
            expect: ["--older-than '3x'"]),
        Case(name: "retry unknown id", args: ["queue", "retry", "nope"], expect: ["no such event: nope"]),
        Case(name: "retry without ids", args: ["queue", "retry"], expect: ["--all"]),
        Case(
            name: "bad --retry-delays",
            args: [
                "queue", "flush", "--endpoint", "http://127.0.0.1:9/x", "--secret-file", "SECRET", "--retry-delays",
                "abc",
            ],
            expect: ["--retry-delays 'abc'"]),
        Case(
            name: "DOSSIER_WEBHOOK_URL not a URL", args: ["queue", "flush", "--secret-file", "SECRET"],
            env: ["DOSSIER_WEBHOOK_URL": "not a url"],
            expect: ["'not a url'", "contains a space or control character"]),
        Case(
            name: "DOSSIER_WEBHOOK_SECRET not base64", args: ["queue", "flush", "--endpoint", "http://127.0.0.1:9/x"],
            env: ["DOSSIER_WEBHOOK_SECRET": "whsec_***"], expect: ["DOSSIER_WEBHOOK_SECRET", "not valid base64"]),
        Case(name: "no secret anywhere", args: ["receive", "--port", "0"], expect: ["no webhook secret"]),
        Case(
            name: "port out of range", args: ["receive", "--port", "70000", "--secret-file", "SECRET"],
            expect: ["--port 70000"]),
        Case(
            name: "fail rate out of range",
            args: ["receive", "--port", "0", "--fail-rate", "2", "--secret-file", "SECRET"], expect: ["--fail-rate"]),
        Case(
            name: "bad status sequence",
            args: ["receive", "--port", "0", "--status-sequence", "abc", "--secret-file", "SECRET"],
            expect: ["--status-sequence 'abc'"]),
        Case(
            name: "endpoint unreachable",
            args: [
                "queue", "flush", "--endpoint", "http://127.0.0.1:9/x", "--secret-file", "SECRET", "--max-unreachable",
                "1",
            ],
            expect: ["unreachable", "events stay pending"]),
    ]

    @Test(arguments: cases)
    func badFlagOrEnvironmentIsExit2NamingIt(_ c: Case) async throws {
        let w = try await CatalogueWorld("flags")
        defer { w.cleanup() }
        let secret = try catalogueSecretFile(in: w.dir)
        let args = c.args.map { $0 == "SECRET" ? secret.path : $0 }
        let r = try await w.run(args, env: c.env)
        #expect(r.status == 2, "\(c.name): exit \(r.status): \(r.stdout) \(r.stderr)")
        let all = r.stdout + r.stderr
        for needle in c.expect { #expect(all.contains(needle), "'\(needle)' not in: \(all)") }
        try await w.expectQueueLostNothing()
    }

    /// `DOSSIER_WEBHOOK_SECRET=` (empty) counts as unset; `DOSSIER_WEBHOOK_URL=` (empty) should too, so that
    /// config.toml's url is used.
    @Test
    func emptyEndpointVariableFallsBackToConfig() async throws {
        let w = try await CatalogueWorld("empty-url")
        defer { w.cleanup() }
        let secret = try catalogueSecretFile(in: w.dir)
        try Data("[delivery]\nurl = \"http://127.0.0.1:9/x\"\n".utf8).write(
            to: URL(fileURLWithPath: w.state + "/config.toml"))
        let r = try await w.run(
            ["queue", "flush", "--secret-file", secret.path, "--max-unreachable", "1"], env: ["DOSSIER_WEBHOOK_URL": ""]
        )
        #expect(r.stdout.contains("127.0.0.1:9"), "\(r.stderr)")
        try await w.expectQueueLostNothing()
    }

    @Test func stateDirThatIsAFileIsExit2NamingIt() async throws {
        let w = try await CatalogueWorld("state-file")
        defer { w.cleanup() }
        let file = w.dir + "/plainfile"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let r = try await w.run(["queue", "status"], env: ["DOSSIER_STATE_DIR": file])
        #expect(r.status == 2)
        #expect(r.stderr.contains(file) && r.stderr.contains("not a folder"))
        try await w.expectQueueLostNothing()
    }

    @Test func corruptQueueDatabaseIsExit2AndLeftAlone() async throws {
        let w = try await CatalogueWorld("corrupt", seed: 0)
        defer { w.cleanup() }
        try FileManager.default.createDirectory(atPath: w.state, withIntermediateDirectories: true)
        let garbage = Data(repeating: 0x5A, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: w.state + "/queue.sqlite"))
        let r = try await w.run(["queue", "status"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("queue.sqlite") && r.stderr.contains("not a SQLite database"))
        #expect(FileManager.default.contents(atPath: w.state + "/queue.sqlite") == garbage, "never overwritten")
    }
}

/// Bad-input catalogue, part 6: `dossier events validate`. Exit 2 with one line per invalid event naming the
/// line/index and field; a summary line.
@Suite struct CatalogueEventsTests {
    static func validLine() async throws -> String {
        let dir = try QueueE2E.tempDir("catev")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try await QueueE2E.run(
            ["stress-append", "--count", "1", "--state-dir", dir], executable: QueueE2E.bench)
        let raw = try await QueueE2E.run(["queue", "list", "--raw", "--limit", "1", "--state-dir", dir])
        return String(raw.stdout.split(separator: "\n")[0])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var make: @Sendable (String) -> [UInt8]
        var expect: [String]
        var testDescription: String { name }
    }

    static func replacing(_ a: String, _ b: String) -> @Sendable (String) -> [UInt8] {
        { Array($0.replacingOccurrences(of: a, with: b).utf8) }
    }

    static let cases: [Case] = [
        Case(name: "empty file", make: { _ in [] }, expect: ["no events found"]),
        Case(name: "a bare number", make: { _ in Array("5".utf8) }, expect: ["line 1", "expected an object"]),
        Case(name: "array of numbers", make: { _ in Array("[1,2]".utf8) }, expect: ["index 0", "index 1", "2 of 2"]),
        Case(name: "binary garbage", make: { _ in [0x00, 0xFF, 0xFE] }, expect: ["malformed JSON"]),
        Case(
            name: "nesting bomb", make: { _ in Array(String(repeating: "[", count: 100_000).utf8) },
            expect: ["malformed JSON"]),
        Case(
            name: "unknown event_type", make: replacing("mission_dossier_artifact_indexed", "mission_dossier_bogus"),
            expect: ["event_type", "mission_dossier_bogus"]),
        Case(
            name: "uppercase event_id",
            make: { line in
                let i = line.range(of: "\"event_id\":\"")!.upperBound
                let id = line[i...].prefix(36)
                return Array(line.replacingOccurrences(of: String(id), with: id.uppercased()).utf8)
            }, expect: ["event_id", "lowercase UUID"]),
        Case(name: "timestamp not UTC", make: replacing("Z\"", "+01:00\""), expect: ["timestamp", "ending in Z"]),
        Case(
            name: "negative size",
            make: { line in
                Array(
                    line.replacingOccurrences(
                        of: #""size_bytes":\d+"#, with: "\"size_bytes\":-1", options: .regularExpression
                    ).utf8)
            }, expect: ["payload.size_bytes", "-1"]),
        Case(
            name: "missing required field",
            make: { line in
                Array(
                    line.replacingOccurrences(of: #""relative_path":"[^"]*","#, with: "", options: .regularExpression)
                        .utf8)
            }, expect: ["payload.relative_path", "missing"]),
        Case(
            name: "unknown payload field", make: replacing("\"payload\":{", "\"payload\":{\"colour\":\"red\","),
            expect: ["colour"]),
        Case(
            name: "bad hash", make: replacing("\"content_hash_sha256\":\"", "\"content_hash_sha256\":\"Z"),
            expect: ["content_hash_sha256"]),
        Case(name: "truncated line", make: { Array($0.prefix(30).utf8) }, expect: ["line 1", "malformed JSON"]),
    ]

    @Test(arguments: cases)
    func invalidEventsAreExit2NamingLineAndField(_ c: Case) async throws {
        let dir = try QueueE2E.tempDir("catevc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/events.json"
        try await Data(c.make(try Self.validLine())).write(to: URL(fileURLWithPath: path))
        let r = try await QueueE2E.run(["events", "validate", path])
        #expect(r.status == 2, "\(c.name): \(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("events.json"))
        for needle in c.expect { #expect(r.stderr.contains(needle), "'\(needle)' not in: \(r.stderr)") }
        // The same bytes on stdin give the same verdict.
        let viaStdin = try await QueueE2E.run(["events", "validate", "-"], stdin: Data(c.make(try Self.validLine())))
        #expect(viaStdin.status == 2)
    }

    @Test func missingFileIsExit2NamingIt() async throws {
        let r = try await QueueE2E.run(["events", "validate", "/nonexistent/events.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent/events.json"))
    }

    /// Duplicate keys make an event ambiguous (parsers disagree which value wins); the bytes are queued and signed
    /// verbatim, so the receiver could read a different value than the validator did.
    @Test
    func duplicateKeysAreRejected() async throws {
        let dir = try QueueE2E.tempDir("catdup")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/dup.json"
        let line = try await Self.validLine().replacingOccurrences(of: "{\"actor\"", with: "{\"actor\":\"a\",\"actor\"")
        try Data(line.utf8).write(to: URL(fileURLWithPath: path))
        let r = try await QueueE2E.run(["events", "validate", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("actor"))
    }
}
