import DossierCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `<state>/config.toml` as the real binary reads it: a valid CRLF file delivers; a folder, FIFO (no hang), device,
/// unreadable path, duplicate key or table, wrong type, unknown key or an inline secret in a loose file is an
/// error naming the file, exit 2, and the queue keeps every event.
@Suite struct ConfigFileCLITests {
    struct World {
        let dir: String
        let state: String
        var config: String { state + "/config.toml" }
        var queue: String { state + "/queue.sqlite" }

        init(_ tag: String) async throws {
            dir = try BinaryRunner.tempDirectory(tag)
            state = dir + "/state"
            _ = try await LocalState.filledQueue(stateDir: state, count: 10)
        }

        func write(_ text: String, mode: mode_t = 0o600) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            chmod(config, mode)
        }

        /// `queue flush` with everything from the config, bounded by `timeout` so a hang fails instead of waiting.
        func flush() async throws -> QueueE2E.Result {
            try await QueueE2E.run(["queue", "flush", "--state-dir", state], launcher: ["/usr/bin/timeout", "60"])
        }

        func pending() throws -> Int? { try EventQueue(path: queue, readOnly: true).status().counts[.pending] }
        func cleanup() { try? FileManager.default.removeItem(atPath: dir) }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var toml: String
        var mode: mode_t = 0o600
        /// The message after `dossier: `, with `CONFIG` for the config path.
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "duplicate key", toml: "[delivery]\nurl = \"http://a/\"\nurl = \"http://b/\"\n",
            message: "CONFIG:3:7: Error while parsing key-value pair: cannot redefine existing string 'url'"),
        Case(
            name: "duplicate table", toml: "[delivery]\nurl = \"http://a/\"\n[delivery]\nsecret_file = \"/s\"\n",
            message: "CONFIG:3:1: Error while parsing table header: cannot redefine existing table 'delivery'"),
        Case(
            name: "wrong type", toml: "[delivery]\nurl = 8787\n",
            message: "config file CONFIG: [delivery] url must be a string, found an integer"),
        Case(
            name: "unknown key", toml: "[delivery]\nsecretfile = \"/s\"\n",
            message: "config file CONFIG: unknown key [delivery] secretfile (known: secret, secret_file, url, window)"),
        Case(
            name: "top-level key", toml: "url = \"http://a/\"\n",
            message: "config file CONFIG: unknown key url (known: [delivery])"),
        Case(
            name: "inline secret in a group-readable file",
            toml: "[delivery]\nurl = \"http://127.0.0.1:9/webhook\"\n"
                + "secret = \"\(WebhookSecret.generate().encoded)\"\n",
            mode: 0o640,
            message:
                "secret file CONFIG is readable by group or others (mode 640); refusing it. Run: chmod 600 CONFIG"),
    ]

    @Test(arguments: cases)
    func badConfigIsRefusedNamingTheFile(_ c: Case) async throws {
        let w = try await World("config-\(c.name.replacingOccurrences(of: " ", with: "-"))")
        defer { w.cleanup() }
        try w.write(c.toml, mode: c.mode)
        let r = try await w.flush()
        #expect(r.status == 2)
        #expect(r.stderr == "dossier: " + c.message.replacingOccurrences(of: "CONFIG", with: w.config) + "\n")
        #expect(try w.pending() == 11, "the queue lost events")
    }

    enum Special: String, CaseIterable, Sendable { case folder, fifo, device, unreadable }

    @Test(arguments: Special.allCases)
    func configThatIsNotARegularFileIsAnErrorNotSilence(_ kind: Special) async throws {
        let w = try await World("config-\(kind.rawValue)")
        defer { w.cleanup() }
        let expected: String
        switch kind {
        case .folder:
            try FileManager.default.createDirectory(atPath: w.config, withIntermediateDirectories: false)
            expected = "config file \(w.config) is a folder, not a regular file"
        case .fifo:
            #expect(mkfifo(w.config, 0o600) == 0)
            expected = "config file \(w.config) is a FIFO, not a regular file"
        case .device:
            try FileManager.default.createSymbolicLink(atPath: w.config, withDestinationPath: "/dev/null")
            expected = "config file \(w.config) is a device, not a regular file"
        case .unreadable:
            // A symlink loop: unreadable even for root, who ignores permission bits.
            try FileManager.default.createSymbolicLink(atPath: w.config, withDestinationPath: "config.toml")
            expected = "config file \(w.config): cannot read it (Too many levels of symbolic links)"
        }
        let r = try await w.flush()
        #expect(r.status == 2, "exit \(r.status) (124 means it hung)")
        #expect(r.stderr == "dossier: \(expected)\n")
        #expect(try w.pending() == 11)
    }

    @Test func crlfConfigDeliversEverything() async throws {
        let w = try await World("config-crlf")
        defer { w.cleanup() }
        let secret = try LocalState.secretFile(in: w.dir)
        let receiver = try await DeliveryCLITests.ReceiverProcess.start([
            "--secret-file", secret, "--store", w.dir + "/recv.sqlite",
        ])
        defer { _ = receiver.stop() }
        try w.write(
            "# dossier\r\n[delivery]\r\nurl = \"\(receiver.url)\"\r\nsecret_file = \"\(secret)\"  # 0600\r\n")
        let r = try await w.flush()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("delivered 11, retried 0, dead 0"), "\(r.stdout)")
        #expect(try EventQueue(path: w.queue, readOnly: true).status().counts[.delivered] == 11)
    }
}
