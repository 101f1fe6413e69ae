/// Something odd found while scanning. A scan records an anomaly and goes on; it never aborts on one file.
public struct Anomaly: Sendable, Equatable, Hashable {
    /// What kind of problem. Raw values are the stable codes used in `--json` output and events.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// The file exists but could not be opened or read (permissions, I/O error).
        case unreadable
        /// A text artifact (`.md .json .yaml .yml .csv .txt .jsonl`) that is not valid UTF-8, or malformed `meta.json`.
        case invalidFormat = "invalid_format"
        /// The file was listed but was gone (or replaced) by the time it was hashed.
        case deletedAfterScan = "deleted_after_scan"
        /// The file changed while it was hashed, on two reads in a row: no hash is reported.
        case changedDuringScan = "changed_during_scan"
        /// A file symlink whose target leaves the repository: not followed, not hashed.
        case symlinkOutsideRoot = "symlink_outside_root"
        /// A symlink that cannot be resolved (dangling or looping).
        case brokenSymlink = "broken_symlink"
        /// A directory symlink: never traversed (no loops).
        case directorySymlink = "directory_symlink"
        /// A folder below the feature that could not be listed.
        case unreadableDirectory = "unreadable_directory"
        /// A file name that is unusual but kept as is (control characters, tabs, invalid UTF-8 bytes).
        case unusualName = "unusual_name"
        /// A zero-byte artifact (indexed, hashed, but worth flagging).
        case emptyFile = "empty_file"
        /// Not a regular file (FIFO, socket, device): skipped.
        case notRegularFile = "not_regular_file"
        /// `meta.json` missing required fields, of the wrong type, or unparsable.
        case invalidMetadata = "invalid_metadata"
    }

    public var kind: Kind
    /// Feature-relative path with `/` separators ("" for the feature folder itself).
    public var relativePath: String
    /// A human sentence that says what went wrong and where.
    public var detail: String

    public init(kind: Kind, relativePath: String, detail: String) {
        self.kind = kind
        self.relativePath = relativePath
        self.detail = detail
    }
}
