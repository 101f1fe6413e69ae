import GRDB

/// A queue failure, with the database path and what was being done. Nothing already queued is lost or altered
/// when one of these is thrown: every write is one transaction that rolls back on error.
public enum QueueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Appending would exceed the cap (pending + in_flight + dead rows; delivered rows do not count).
    case capacityExceeded(current: Int, incoming: Int, capacity: Int)
    /// An event failed validation; nothing of the batch was appended.
    case invalidEvent(EventValidationError)
    /// The database file is not a valid SQLite database or fails `PRAGMA quick_check`. Nothing wrote to it.
    case corrupt(path: String, message: String)
    /// The database or its folder cannot be written.
    case readOnly(path: String, message: String)
    /// No space left, a file size limit was hit, or another write I/O error.
    case diskFull(path: String, message: String)
    /// Another process held the lock longer than the busy timeout.
    case busy(path: String, message: String)
    /// The state folder or database could not be created or opened.
    case cannotOpen(path: String, message: String)
    /// A row's `state` is none this version knows (written by a newer or a broken writer): the row and the value.
    /// Nothing is guessed or changed.
    case unknownState(path: String, seq: Int64, value: String)
    /// Any other SQLite error, with the operation that failed.
    case database(path: String, operation: String, message: String)

    public var description: String {
        switch self {
        case .capacityExceeded(let current, let incoming, let capacity):
            return "queue full: \(current) undelivered events + \(incoming) new would exceed the cap of \(capacity)"
                + " (deliver, or purge/retry dead events, or raise the cap); nothing was queued"
        case .invalidEvent(let error):
            return "invalid event, nothing was queued: \(error.description)"
        case .corrupt(let path, let message):
            return "queue database \(path) is corrupt or not a SQLite database (\(message)); it was left untouched."
                + " To recover, move it aside with its -wal and -shm files (mv \(path) \(path).corrupt) and rerun"
                + " to start an empty queue, or restore it from a backup"
        case .readOnly(let path, let message):
            return "queue database \(path) is read-only: \(message)"
        case .diskFull(let path, let message):
            return "queue database \(path): write failed (disk full, file size limit or I/O error): \(message);"
                + " nothing was changed"
        case .busy(let path, let message):
            return "queue database \(path) is locked by another process: \(message)"
        case .cannotOpen(let path, let message):
            return "cannot open queue database \(path): \(message)"
        case .unknownState(let path, let seq, let value):
            return "queue database \(path): event seq \(seq) has state '\(TerminalText.escape(value, limit: 80))',"
                + " which this version of dossier does not know (pending, in_flight, delivered, dead);"
                + " nothing was changed"
        case .database(let path, let operation, let message):
            return "queue database \(path): \(operation) failed: \(message)"
        }
    }

    /// Classifies an error thrown by GRDB/SQLite.
    static func from(_ error: any Error, path: String, operation: String) -> QueueError {
        if let queueError = error as? QueueError {
            // Row decoding does not know the path: it is filled in here.
            if case .unknownState("", let seq, let value) = queueError {
                return .unknownState(path: path, seq: seq, value: value)
            }
            return queueError
        }
        guard let db = error as? DatabaseError else {
            return .database(path: path, operation: operation, message: String(describing: error))
        }
        let message = db.message ?? "\(db.resultCode)"
        switch db.resultCode.primaryResultCode {
        case .SQLITE_FULL: return .diskFull(path: path, message: message)
        case .SQLITE_READONLY: return .readOnly(path: path, message: message)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path: path, message: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path, message: message)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: return .cannotOpen(path: path, message: message)
        case .SQLITE_IOERR:
            return .diskFull(path: path, message: "\(message) (SQLite code \(db.extendedResultCode.rawValue))")
        default: return .database(path: path, operation: operation, message: message)
        }
    }
}
