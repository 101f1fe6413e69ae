import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// End-to-end: the dashboard says what is true. Drift without a baseline is "no baseline yet", `b` accepts one
/// after y/N, and drift details carry paths and old/new hashes; the endpoint state is named by what happens.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardTruthTests {
    static func sha256(_ path: String) async -> String {
        let r = await spawnOffThePool(["/usr/bin/sha256sum", path], environment: TmuxHarness.environment)
        return String(r.stdout.prefix(64))
    }

    @Test func noBaselineThenAcceptThenDriftWithPathsAndHashes() async throws {
        let f = try DashboardE2EFixture()
        let feature = f.repository + "/kitty-specs/042-login"
        let t = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await t.waitFor("feature 042-login", "no baseline yet (b to accept)", timeout: .seconds(30))

        // b asks first; anything but y leaves everything as it was.
        try t.send("4", "b")
        try await t.waitFor("Accept the current state of 1 feature as the baseline? y = yes", timeout: .seconds(30))
        try t.send("n")
        try await t.waitFor("baseline: cancelled (nothing changed)", "no baseline yet (b to accept)")
        try t.send("b")
        try await t.waitFor("Accept the current state of 1 feature as the baseline?")
        try t.send("y")
        try await t.waitFor(
            "baseline: accepted the current state of 1 feature", "no drift from the baseline", timeout: .seconds(30))
        #expect(!(try t.screen()).contains("no baseline yet"))

        let oldSpec = await Self.sha256(feature + "/spec.md")
        let oldPlan = await Self.sha256(feature + "/plan.md")
        try "# Spec\nedited by the test\n".write(toFile: feature + "/spec.md", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: feature + "/plan.md")
        let newSpec = await Self.sha256(feature + "/spec.md")
        try await t.waitFor("4 Drift (1)", "042-login  +0 -1 ~1", timeout: .seconds(60))
        try t.send("Enter")
        // Wait for every line of the details, not just the title: tmux can be read between two parts of one frame.
        try await t.waitFor(
            "Drift · 042-login", "Removed (in the baseline, gone now): 1", "- plan  plan.md", "old \(oldPlan)",
            "Changed: 1", "~ spec  spec.md", "old \(oldSpec)", "new \(newSpec)", timeout: .seconds(30))

        // j chooses the next artifact of the details; Enter shows it in Artifacts, its events in Events.
        try await t.waitFor("› - plan  plan.md")
        try t.send("j")
        try await t.waitFor("› ~ spec  spec.md")
        try t.send("Enter")
        let jumped = try await t.waitFor("spec selected in Artifacts (5)", "›spec.md", timeout: .seconds(30))
        #expect(!jumped.contains("Changed: 1"), "the details closed")
        #expect(jumped.contains(#"/"artifact_key":"#), "Events filtered on the artifact's key")
    }

    @Test func readOnlyRefusesBaselineAcceptance() async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: ["--read-only"], directory: f.repository, environment: f.environment)
        let screen = try await t.waitFor("feature 042-login", "no baseline yet", timeout: .seconds(30))
        #expect(!screen.contains("b to accept"))
        try t.send("b")
        try await t.waitFor("read-only: b (accept baseline) is disabled")
    }

    /// A `dossier receive` subprocess on a free loopback port (posix_spawn, so its pid is known); killed by
    /// `stop()` or on deinit.
    final class Receiver: @unchecked Sendable {
        let pid: pid_t
        let port: Int
        private let fd: Int32

        /// Starts the receiver and reads its `listening on http://127.0.0.1:PORT` line (off the cooperative pool).
        /// `port` 0: a free one; else that port (a receiver restarted where the dashboard delivers).
        static func start(arguments: [String], port: Int = 0, stateDir: String) async throws -> Receiver {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(
                        with: Result { try Receiver(arguments: arguments, port: port, stateDir: stateDir) })
                }
            }
        }

        private init(arguments: [String], port: Int, stateDir: String) throws {
            guard let channel = closeOnExecPipe() else { throw DashboardScaleError.setup("pipe failed") }
            let fds = [channel.read, channel.write]
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
            let argv = [TmuxHarness.binary, "receive", "--port", "\(port)"] + arguments
            var cargs = argv.map { strdup($0) } + [nil]
            var cenv = (TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(stateDir)"]).map { strdup($0) } + [nil]
            defer { for p in cargs + cenv { free(p) } }
            var child = pid_t()
            let rc = posix_spawn(&child, argv[0], &actions, nil, &cargs, &cenv)
            close(fds[1])
            guard rc == 0 else {
                close(fds[0])
                throw DashboardScaleError.setup("cannot start the receiver (\(rc))")
            }
            pid = child
            fd = fds[0]
            var line = [UInt8]()
            var byte: UInt8 = 0
            while line.count < 512, read(fd, &byte, 1) == 1, byte != 10 { line.append(byte) }
            let text = String(decoding: line, as: UTF8.self)
            guard let match = text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1)
            else {
                kill(child, SIGKILL)
                throw DashboardScaleError.setup("receiver said: \(text)")
            }
            self.port = port
        }

        /// Kills the receiver and reaps it (its port refuses connections from then on).
        private var stopped = false

        func stop() {
            guard !stopped else { return }
            stopped = true
            guard kill(pid, SIGKILL) == 0 else { return }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }

        deinit {
            stop()
            close(fd)
        }
    }

    static let secret = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let otherSecret = "whsec_" + Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()

    /// Opens a dashboard delivering `f`'s freshly queued events to `port`.
    static func dashboard(_ f: borrowing DashboardE2EFixture, port: Int) async throws -> TmuxHarness {
        let scan = await spawnOffThePool(
            [TmuxHarness.binary, "scan", f.repository],
            environment: TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(f.stateDir)"])
        #expect(scan.status == 0, "\(scan.stdout)")
        return try TmuxHarness(
            arguments: ["--endpoint", "http://127.0.0.1:\(port)/webhook"], directory: f.repository,
            environment: f.environment.merging(["DOSSIER_WEBHOOK_SECRET": secret]) { a, _ in a })
    }

    @Test func serverErrorsReadAsRetryingWithTheNextAttempt() async throws {
        let f = try DashboardE2EFixture()
        let receiver = try await Receiver.start(
            arguments: ["--secret", Self.secret, "--fail-rate", "1"], stateDir: f.stateDir)
        defer { receiver.stop() }
        let t = try await Self.dashboard(f, port: receiver.port)
        let screen = try await t.waitUntil("retrying (HTTP 500), next attempt HH:MM:SS", timeout: .seconds(60)) {
            $0.contains(/retrying \(HTTP 500\), next attempt \d\d:\d\d:\d\d/)
        }
        #expect(!screen.contains("PAUSED"), "\(screen)")
    }

    @Test func aWrongSecretReadsAsPausedCheckTheSecret() async throws {
        let f = try DashboardE2EFixture()
        let receiver = try await Receiver.start(arguments: ["--secret", Self.otherSecret], stateDir: f.stateDir)
        defer { receiver.stop() }
        let t = try await Self.dashboard(f, port: receiver.port)
        try await t.waitFor("paused: 401 check the secret", timeout: .seconds(60))
    }

    @Test func aStoppedReceiverReadsAsUnreachableSince() async throws {
        let f = try DashboardE2EFixture()
        let receiver = try await Receiver.start(arguments: ["--secret", Self.secret], stateDir: f.stateDir)
        let port = receiver.port
        receiver.stop()  // nothing listens on the port any more: connections are refused
        let t = try await Self.dashboard(f, port: port)
        try await t.waitUntil("unreachable since HH:MM:SS", timeout: .seconds(60)) {
            $0.contains(/unreachable since \d\d:\d\d:\d\d \(/)
        }
    }
}
