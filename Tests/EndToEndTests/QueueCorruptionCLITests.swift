import DossierCore
import Foundation
import Testing

/// A damaged queue file is refused by every command, with a message that names the file and says how to recover,
/// and is left byte-for-byte untouched (no -wal or -shm appears either): the README's "left untouched" promise.
@Suite struct QueueCorruptionCLITests {
    @Test(arguments: LocalState.Damage.allCases)
    func damagedQueueIsRefusedAndLeftUntouched(_ damage: LocalState.Damage) async throws {
        let repo = try BinaryRunner.demoCopy("corrupt-\(damage)")
        let dir = (repo as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"
        let path = try await LocalState.filledQueue(stateDir: state, count: 400)
        try LocalState.damage(path, damage)
        let before = try LocalState.contents(of: state)
        #expect(before.keys.sorted() == ["queue.sqlite"])
        let verdict = try LocalState.sqliteVerdict(path)
        #expect(verdict != "ok", "the damage must be one SQLite can see")
        let refusal = LocalState.corruptMessage(path, detail: verdict)
        #expect(refusal.contains("it was left untouched. To recover, move it aside with its -wal and -shm files"))
        let secret = try LocalState.secretFile(in: dir)
        // Each command with the prefix it puts before the queue's refusal. The dashboard's data source (which needs
        // no terminal under `dossier-bench frames`) opens the queue the way `dossier dashboard` does.
        let commands: [(executable: String, args: [String], prefix: String)] = [
            (BinaryRunner.binary, ["scan", repo], "dossier: scan: "),
            (BinaryRunner.binary, ["scan", repo, "--json"], "dossier: scan: "),
            (BinaryRunner.binary, ["queue", "status"], "dossier: "),
            (BinaryRunner.binary, ["queue", "list"], "dossier: "),
            (
                BinaryRunner.binary,
                ["queue", "flush", "--endpoint", "http://127.0.0.1:9/webhook", "--secret-file", secret], "dossier: "
            ),
            (BinaryRunner.bench, ["frames", repo, "--frames", "1"], "dossier-bench: frames: "),
        ]
        for (executable, command, prefix) in commands {
            let r = try await BinaryRunner.run(command + ["--state-dir", state], executable: executable)
            #expect(r.exitCode == 2, "\(command): exit \(r.exitCode)")
            #expect(r.stderr == prefix + refusal + "\n", "\(command)")
            #expect(try LocalState.contents(of: state) == before, "\(command) changed the state folder")
        }
    }

    @Test func aHealthyQueueStillOpensAndKeepsEveryEvent() async throws {
        let dir = try BinaryRunner.tempDirectory("healthy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try await LocalState.filledQueue(stateDir: dir + "/state", count: 400)
        let r = try await BinaryRunner.run(["queue", "status", "--state-dir", dir + "/state"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("pending   401"))
        #expect(try EventQueue(path: path, readOnly: true).status().counts[.pending] == 401)
    }
}
