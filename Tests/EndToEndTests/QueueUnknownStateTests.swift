import Foundation
import GRDB
import Testing

/// A stored queue state this version does not know (a newer writer's, or a damaged row) is an error that names the
/// row and the value, never read as `pending`: `queue status` and `queue list` refuse with a
/// non-zero exit and leave the row as it is.
@Suite struct QueueUnknownStateTests {
    @Test func unknownStateIsAnErrorNamingTheRowNeverPending() async throws {
        let dir = NSTemporaryDirectory() + "dossier-unknown-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queuePath = try await LocalState.filledQueue(stateDir: dir, count: 2)
        // The schema's CHECK forbids it, as a newer schema may not: write it with checks off.
        let db = try DatabaseQueue(path: queuePath)
        let seq = try await db.write { db -> Int64 in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE events SET state = 'archived' WHERE seq = (SELECT MIN(seq) FROM events)")
            return try Int64.fetchOne(db, sql: "SELECT seq FROM events WHERE state = 'archived'") ?? -1
        }
        try db.close()
        let expected = "event seq \(seq) has state 'archived', which this version of dossier does not know"
        for command in [["queue", "status"], ["queue", "list"]] {
            let r = try await BinaryRunner.run(command + ["--state-dir", dir])
            #expect(r.exitCode != 0, "\(command) exited 0: \(r.stdoutText)")
            #expect(r.stderr.contains(expected), "\(command): \(r.stderr)")
            #expect(r.stderr.contains(queuePath), "\(command) does not name the database: \(r.stderr)")
        }
        let check = try DatabaseQueue(path: queuePath)
        let states = try await check.read { db in
            try String.fetchAll(db, sql: "SELECT state FROM events ORDER BY seq")
        }
        #expect(states.first == "archived", "the row was changed: \(states)")
    }
}
