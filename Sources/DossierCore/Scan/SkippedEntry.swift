/// An entry directly under `kitty-specs/` that is not scanned as a feature, and why. Every one is reported (`skipped`
/// in `--json`, a line in the table, a count in the dashboard): nothing is left out silently.
public struct SkippedEntry: Sendable, Equatable, Hashable {
    /// Why an entry is not a feature.
    public enum Reason: String, Sendable, CaseIterable {
        /// The name starts with `.` (`.archive/`, `.DS_Store`).
        case hidden
        /// A plain file (or FIFO, socket, device), not a folder.
        case notADirectory = "not_a_directory"
        /// A symlink: folder symlinks are never followed.
        case symlink
        /// A folder that cannot be opened or listed (permissions, vanished while listing).
        case unreadable
    }

    /// The entry's name, spelled as relative paths are (`RawName`).
    public var name: String
    public var reason: Reason
    /// A sentence naming the entry and the reason.
    public var detail: String

    public init(name: String, reason: Reason, detail: String) {
        self.name = name
        self.reason = reason
        self.detail = detail
    }
}
