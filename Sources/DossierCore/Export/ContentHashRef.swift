/// The contract's `ContentHashRef`: dossier always hashes with SHA-256 and knows the size.
public struct ContentHashRef: Sendable, Equatable {
    /// Lowercase hex SHA-256 of the raw bytes.
    public var hash: String
    public var sizeBytes: Int64

    public init(hash: String, sizeBytes: Int64) {
        self.hash = hash
        self.sizeBytes = sizeBytes
    }

    public var json: JSONValue {
        .object(["hash": .string(hash), "algorithm": .string("sha256"), "size_bytes": .integer(sizeBytes)])
    }
}
