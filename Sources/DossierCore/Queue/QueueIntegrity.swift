import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The check every queue open runs before anything can write: `PRAGMA quick_check` on a read-only connection
/// (a read-only connection never writes the database file, not even a checkpoint on close). A file that fails is
/// reported as `.corrupt` and never opened for writing, so it is left exactly as it was found.
enum QueueIntegrity {
    /// Throws `.corrupt` when `path` is not a SQLite database or `quick_check` reports any problem. An empty file
    /// (a queue created but never migrated) passes.
    ///
    /// When no `-wal` file exists (the queue was closed cleanly and no process has it open: every open connection
    /// keeps one), the main file is the whole database and it is checked `immutable`, so the check creates no
    /// `-wal`/`-shm` beside a damaged file. Otherwise a read-only connection reads the WAL too.
    static func check(_ path: String) throws(QueueError) {
        var info = stat()
        let walExists = lstat(path + "-wal", &info) == 0
        if !walExists {
            do {
                return try run(immutableURI(path), reportedAs: path)
            } catch .cannotOpen {
                // SQLite built without URI support: fall back to the plain read-only check below.
            }
        }
        try run(path, reportedAs: path)
    }

    private static func run(_ location: String, reportedAs path: String) throws(QueueError) {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        config.label = "dossier.queue.check"
        let problems: [String]
        do {
            let connection = try DatabaseQueue(path: location, configuration: config)
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

    /// `file:<percent-encoded path>?immutable=1` (RFC 3986 unreserved characters and `/` kept).
    static func immutableURI(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = "file:"
        for byte in path.utf8 {
            if isUnreservedOrSlash(byte) {
                out.append(Character(UnicodeScalar(byte)))
            } else {
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return out + "?immutable=1"
    }

    private static func isUnreservedOrSlash(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"):
            return true
        case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
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
