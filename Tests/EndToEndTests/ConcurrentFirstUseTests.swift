import DossierCore
import Foundation
import TestSupport
import Testing

/// Several processes on a fresh state directory at once: every one succeeds and every event is queued (the queue
/// is checked, opened and migrated under an exclusive lock on its folder).
@Suite struct ConcurrentFirstUseTests {
    /// Starts every command (executable path, then arguments) before waiting for any, so they race on the first open.
    static func runTogether(_ commands: [[String]]) async throws -> [(status: Int32, stdout: String, stderr: String)] {
        try await blockingCall { try runTogetherBlocking(commands) }
    }

    private static func runTogetherBlocking(_ commands: [[String]]) throws -> [(
        status: Int32, stdout: String, stderr: String
    )] {
        let dir = try BinaryRunner.tempDirectory("together")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var processes: [(Process, String, String)] = []
        for (i, args) in commands.enumerated() {
            let out = dir + "/out\(i)"
            let err = dir + "/err\(i)"
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            _ = FileManager.default.createFile(atPath: err, contents: nil)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: args[0])
            p.arguments = Array(args.dropFirst())
            var env = ProcessInfo.processInfo.environment
            env.removeValue(forKey: "DOSSIER_STATE_DIR")
            p.environment = env
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
            p.standardInput = FileHandle.nullDevice
            processes.append((p, out, err))
        }
        for (p, _, _) in processes { try p.run() }
        return processes.map { p, out, err in
            p.waitUntilExit()
            let stdout = FileManager.default.contents(atPath: out) ?? Data()
            let stderr = FileManager.default.contents(atPath: err) ?? Data()
            return (
                p.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
            )
        }
    }

    /// `queued N event(s)` from a scan's output.
    static func queuedCount(_ stdout: String) -> Int? {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("queued ") }) else { return nil }
        return Int(line.split(separator: " ")[1])
    }

    @Test(arguments: [4, 8])
    func scansRacingOnAFreshStateDirectoryAllQueueTheirEvents(_ count: Int) async throws {
        let repo = try BinaryRunner.demoCopy("race")
        let dir = (repo as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // One scan alone tells how many events a scan of the demo queues.
        let alone = try await BinaryRunner.run(["scan", repo, "--state-dir", dir + "/alone"])
        #expect(alone.exitCode == 0 || alone.exitCode == 1, "\(alone.stderr)")
        let perScan = try #require(Self.queuedCount(alone.stdoutText))
        #expect(perScan > 0)
        // Several missing levels, created by the racing processes themselves.
        let state = dir + "/fresh/a/b/state"
        let results = try await Self.runTogether(
            Array(repeating: [BinaryRunner.binary, "scan", repo, "--state-dir", state], count: count))
        for r in results {
            #expect(r.status == alone.exitCode, "\(r.stderr)")
            #expect(r.stderr == "")
            #expect(Self.queuedCount(r.stdout) == perScan, "\(r.stdout)")
        }
        let queue = try EventQueue(path: state + "/queue.sqlite", readOnly: true)
        #expect(try queue.status().counts[.pending] == perScan * count)
        #expect(try queue.integrityCheck() == "ok")
    }

    @Test func mixedCommandsRacingOnAFreshStateDirectoryAllSucceed() async throws {
        let dir = try BinaryRunner.tempDirectory("race-mixed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/s"
        let commands: [[String]] =
            Array(repeating: [BinaryRunner.bench, "stress-append", "--count", "50", "--state-dir", state], count: 4)
            + Array(repeating: [BinaryRunner.binary, "queue", "status", "--state-dir", state], count: 4)
        let results = try await Self.runTogether(commands)
        for (r, c) in zip(results, commands) { #expect(r.status == 0, "\(c): \(r.stderr)") }
        let queue = try EventQueue(path: state + "/queue.sqlite", readOnly: true)
        #expect(try queue.status().counts[.pending] == 4 * 51)
    }
}
