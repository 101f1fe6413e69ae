import GRDB

/// The check every queue open runs before anything can write: `PRAGMA quick_check` on a read-only connection
/// (a read-only connection never writes the database file, not even a checkpoint on close). A file that fails is
/// reported as `.corrupt` and never opened for writing, so it is left exactly as it was found.
enum QueueIntegrity {
    /// Throws `.corrupt` when `path` is not a SQLite database or `quick_check` reports any problem. An empty file
    /// (a queue created but never migrated) passes.
    static func check(_ path: String) throws(QueueError) {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        config.label = "dossier.queue.check"
        let problems: [String]
        do {
            let connection = try DatabaseQueue(path: path, configuration: config)
            problems = try connection.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            try connection.close()
        } catch {
            let classified = QueueError.from(error, path: path, operation: "integrity check")
            if case .busy = classified { throw classified }
            if case .cannotOpen = classified { throw classified }
            throw .corrupt(path: path, message: Self.message(error))
        }
        if problems != ["ok"] {
            throw .corrupt(path: path, message: summary(problems))
        }
    }

    /// `quick_check: <first problem> (and N more)`, on one line.
    static func summary(_ problems: [String]) -> String {
        let first = problems.first.map { $0.replacingOccurrences(of: "\n", with: " ") } ?? "no answer"
        let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
        return "quick_check: \(first)\(more)"
    }

    private static func message(_ error: any Error) -> String {
        if let db = error as? DatabaseError { return db.message ?? "\(db.resultCode)" }
        return "\(error)"
    }
}
