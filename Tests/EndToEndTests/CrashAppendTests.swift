import DossierCore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Durability under failure: SIGKILL mid-append, a full disk (file size limit). The queue keeps all or none of
/// each scan, passes `PRAGMA integrity_check`, and nothing already queued is lost.
@Suite(.serialized) struct CrashAppendTests {
    /// Per-feature-slug counts of the queue.
    static func countsBySlug(_ queue: EventQueue) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for e in try queue.list(limit: 10_000_000) { counts[e.featureSlug, default: 0] += 1 }
        return counts
    }

    @Test(arguments: [50, 200, 350, 500, 900])
    func sigkillMidAppendLeavesWholeScansOnly(delayMs: Int) async throws {
        let dir = try QueueE2E.tempDir("crash")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let perScan = 20_000
        let p = Process()
        p.executableURL = URL(fileURLWithPath: QueueE2E.bench)
        p.arguments = ["stress-append", "--count", String(perScan), "--batches", "40", "--state-dir", dir]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until the second scan is being appended, then kill after a delay.
        _ = await out.read(until: "appending 2 ")
        try await Task.sleep(for: .milliseconds(delayMs))
        kill(p.processIdentifier, SIGKILL)
        await p.exited()
        #expect(p.terminationReason == .uncaughtSignal)

        let queue = try EventQueue(path: dir + "/queue.sqlite", capacity: Int.max)
        #expect(try queue.integrityCheck() == "ok")
        let counts = try Self.countsBySlug(queue)
        #expect(counts["stress-1"] == perScan + 1, "the first scan committed before the kill")
        for (slug, n) in counts {
            #expect(n == perScan + 1, "\(slug) has \(n) events: a partial scan survived the crash")
        }
        // The queue is still usable and the new batch lands whole.
        let more = try await QueueE2E.run(
            ["stress-append", "--count", "10", "--state-dir", dir], executable: QueueE2E.bench)
        #expect(more.status == 0, "\(more.stderr)")
        #expect(try queue.integrityCheck() == "ok")
    }

    @Test func fullDiskRefusesTheBatchWithAClearErrorAndKeepsTheRest() async throws {
        let dir = try QueueE2E.tempDir("full")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try await QueueE2E.run(
            ["stress-append", "--count", "10", "--state-dir", dir], executable: QueueE2E.bench)
        #expect(first.status == 0, "\(first.stderr)")
        let queue = try EventQueue(path: dir + "/queue.sqlite")
        let before = try queue.list(limit: 1000)
        #expect(before.count == 11)

        // A 1 MB file size limit (RLIMIT_FSIZE) stands in for a full disk: a 20,001-event scan needs ~8 MB.
        let limited = try await QueueE2E.run(
            ["stress-append", "--count", "20000", "--state-dir", dir],
            launcher: ["/bin/bash", "-c", "ulimit -f 1024; exec \"$@\"", "bash"], executable: QueueE2E.bench)
        #expect(limited.status == 2, "stdout: \(limited.stdout) stderr: \(limited.stderr)")
        #expect(limited.stderr.contains("write failed (disk full, file size limit or I/O error)"), "\(limited.stderr)")
        #expect(!limited.stdout.contains("committed"))

        let reopened = try EventQueue(path: dir + "/queue.sqlite")
        #expect(try reopened.integrityCheck() == "ok")
        let after = try reopened.list(limit: 100_000)
        #expect(after == before, "nothing already queued was lost or altered, and nothing partial was added")
    }
}
