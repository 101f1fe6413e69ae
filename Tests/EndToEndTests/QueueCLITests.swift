import DossierCore
import Foundation
import Testing

/// `dossier queue status|list` on a real queue written by another `dossier` process.
@Suite struct QueueCLITests {
    @Test func statusAndListShowWhatWasQueued() async throws {
        let dir = try QueueE2E.tempDir("qcli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"
        let append = try await QueueE2E.run(
            ["stress-append", "--count", "4", "--batches", "2", "--state-dir", state], executable: QueueE2E.bench)
        #expect(append.status == 0, "\(append.stderr)")
        #expect(append.stdout.contains("committed 2 5"))

        let status = try await QueueE2E.run(["queue", "status", "--json", "--state-dir", state])
        #expect(status.status == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any])
        let counts = try #require(object["counts"] as? [String: Int])
        #expect(counts == ["pending": 10, "in_flight": 0, "delivered": 0, "dead": 0])
        #expect(object["capacity"] as? Int == 100_000)
        #expect(object["synchronous"] as? String == "FULL")
        #expect(object["refused_count"] as? Int == 0)

        let text = try await QueueE2E.run(["queue", "status", "--state-dir", state])
        #expect(text.stdout.contains("pending   10"))

        // --json embeds the exact stored envelopes; they match the database bytes.
        let list = try await QueueE2E.run(["queue", "list", "--json", "--limit", "3", "--state-dir", state])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]])
        #expect(rows.count == 3)
        let queue = try EventQueue(path: state + "/queue.sqlite")
        let stored = try queue.list(limit: 3)
        for (row, event) in zip(rows, stored) {
            #expect(row["seq"] as? Int == Int(event.seq))
            #expect(list.stdout.contains("\"envelope\":" + String(decoding: event.body, as: UTF8.self)))
        }

        // --raw prints the stored bytes as JSON lines, which `events validate -` accepts.
        let raw = try await QueueE2E.run(["queue", "list", "--raw", "--limit", "1000", "--state-dir", state])
        #expect(raw.stdoutData == Data(try queue.list(limit: 1000).flatMap { Array($0.body) + [0x0A] }))
        let validate = try await QueueE2E.run(["events", "validate", "-"], stdin: raw.stdoutData)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("10 events valid"))

        let filtered = try await QueueE2E.run(["queue", "list", "--state", "dead", "--state-dir", state])
        #expect(filtered.status == 0)
        #expect(filtered.stdout.contains("no events in state dead"))
    }

    @Test func stateDirectoryFromEnvironment() async throws {
        let dir = try QueueE2E.tempDir("qenv")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await QueueE2E.run(
            ["queue", "status", "--json"], cwd: dir, environment: ["DOSSIER_STATE_DIR": dir + "/s"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/s/queue.sqlite"))
    }

    @Test func corruptQueueGivesClearErrorAndExit2() async throws {
        let dir = try QueueE2E.tempDir("qbad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let garbage = Data("this is not a database".utf8) + Data(repeating: 7, count: 4096)
        #expect(FileManager.default.createFile(atPath: dir + "/queue.sqlite", contents: garbage))
        let r = try await QueueE2E.run(["queue", "status", "--state-dir", dir])
        #expect(r.status == 2)
        #expect(r.stderr.contains("is corrupt or not a SQLite database"), "\(r.stderr)")
        #expect(r.stderr.contains(dir + "/queue.sqlite"))
        #expect(FileManager.default.contents(atPath: dir + "/queue.sqlite") == garbage)
    }
}
