import DossierCore
import Foundation
import Testing

/// Opening the queue: a page damaged anywhere is caught by `quick_check` before anything writes (the file keeps
/// every byte), and many openers racing on a fresh path all succeed with one schema.
@Suite struct QueueOpenHardeningTests {
    /// A closed queue of `n` events at `<dir>/queue.sqlite`.
    static func filledQueue(_ n: Int) throws -> (dir: String, path: String) {
        let dir = QueueTests.tempDir()
        let path = dir + "/queue.sqlite"
        do {
            let queue = try EventQueue(path: path)
            try queue.append(QueueTests.events(n))
        }
        return (dir, path)
    }

    @Test func aZeroedPageInTheMiddleIsRefusedAndNothingIsWritten() throws {
        let (dir, path) = try Self.filledQueue(400)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        let middle = bytes.count / pageSize / 2
        for i in 0..<pageSize { bytes[middle * pageSize + i] = 0 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for readOnly in [false, true] {
            do {
                _ = try EventQueue(path: path, readOnly: readOnly)
                Issue.record("opened a damaged queue (readOnly \(readOnly))")
            } catch {
                guard case .corrupt(path, let message) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                // SQLite reports it from quick_check or already while reading the schema.
                #expect(message.hasPrefix("quick_check: ") || message == "database disk image is malformed")
                #expect(error.description.contains("it was left untouched. To recover, move it aside"))
            }
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func manyOpenersOnAFreshPathAllSucceed() async throws {
        let dir = QueueTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a/b/queue.sqlite"
        let results = await withTaskGroup(of: String?.self) { group in
            for i in 0..<8 {
                group.addTask {
                    do {
                        let queue = try EventQueue(path: path)
                        try queue.append(QueueTests.events(5, slug: "s\(i)"))
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var failures: [String] = []
            for await r in group { if let r { failures.append(r) } }
            return failures
        }
        #expect(results == [])
        #expect(try EventQueue(path: path, readOnly: true).status().counts[.pending] == 40)
    }
}
