import DossierCore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Under `umask 000`, every folder the product creates is 0700 and every file 0600: fresh `--state-dir` paths with
/// several missing levels, the queue and its -wal/-shm, baselines, and `dossier receive --store newdir/sub/…`.
@Suite struct OwnerOnlyStateTests {
    /// Starts `executable args` (default `dossier`) under `umask 000` and returns the process and a reader of its
    /// stdout.
    static func start(_ args: [String], executable: String = BinaryRunner.binary) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LocalState.umask000[0])
        p.arguments = Array(LocalState.umask000.dropFirst()) + [executable] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    /// Reads stdout until it contains `marker` (or ends), off the cooperative pool.
    static func read(_ pipe: Pipe, until marker: String) async -> String {
        await pipe.read(until: marker)
    }

    /// Every entry under `root` must be a 0700 folder or a 0600 file.
    static func expectOwnerOnly(under root: String, _ context: String) {
        let modes = LocalState.modes(under: root)
        #expect(!modes.isEmpty)
        for (name, mode) in modes.sorted(by: { $0.key < $1.key }) {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDir)
            let expected: mode_t = isDir.boolValue ? 0o700 : 0o600
            #expect(mode == expected, "\(context): \(name) has mode \(String(mode, radix: 8))")
        }
    }

    @Test func scanAndBaselineUnderUmask000CreateOwnerOnlyState() async throws {
        let repo = try BinaryRunner.demoCopy("umask-scan")
        let dir = (repo as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/new/levels/of/state"
        let scan = try await QueueE2E.run(["scan", repo, "--state-dir", state], launcher: LocalState.umask000)
        #expect(scan.status == 0 || scan.status == 1, "\(scan.stderr)")
        let accept = try await QueueE2E.run(
            ["baseline", "accept", repo, "--state-dir", state], launcher: LocalState.umask000)
        #expect(accept.status == 0, "\(accept.stderr)")
        #expect(LocalState.mode(state + "/baselines") == 0o700)
        #expect(LocalState.mode(state + "/queue.sqlite") == 0o600)
        Self.expectOwnerOnly(under: dir + "/new", "scan + baseline accept")
    }

    @Test func queueWalAndShmUnderUmask000AreOwnerOnly() async throws {
        let dir = try BinaryRunner.tempDirectory("umask-wal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/fresh/state"
        // Killed mid-append, the process leaves its -wal and -shm behind, with the modes it created them with.
        let (p, out) = try Self.start(
            ["stress-append", "--count", "20000", "--batches", "40", "--state-dir", state],
            executable: BinaryRunner.bench)
        let seen = await Self.read(out, until: "committed 1 ")
        kill(p.processIdentifier, SIGKILL)
        await p.exited()
        #expect(seen.contains("committed 1 "))
        #expect(LocalState.mode(state + "/queue.sqlite-wal") == 0o600)
        #expect(LocalState.mode(state + "/queue.sqlite-shm") == 0o600)
        Self.expectOwnerOnly(under: dir + "/fresh", "stress-append")
    }

    @Test func receiverStoreUnderUmask000IsOwnerOnly() async throws {
        let dir = try BinaryRunner.tempDirectory("umask-recv")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = try LocalState.secretFile(in: dir)
        let store = dir + "/newdir/sub/recv.sqlite"
        let (p, out) = try Self.start([
            "receive", "--port", "0", "--secret-file", secret, "--store", store, "--state-dir", dir + "/state",
        ])
        defer {
            p.terminate()
            p.waitUntilExit()  // just terminated: returns at once
        }
        let seen = await Self.read(out, until: "\n")
        #expect(seen.hasPrefix("listening on http://127.0.0.1:"), "\(seen)")
        #expect(LocalState.mode(dir + "/newdir") == 0o700)
        #expect(LocalState.mode(dir + "/newdir/sub") == 0o700)
        #expect(LocalState.mode(store) == 0o600)
        #expect(LocalState.mode(store + "-wal") == 0o600)
        #expect(LocalState.mode(store + "-shm") == 0o600)
        Self.expectOwnerOnly(under: dir + "/newdir", "receive --store")
    }
}
