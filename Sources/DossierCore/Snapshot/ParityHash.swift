/// The parity hash: lowercase hex SHA-256 of the UTF-8 string made of one `path\thash` line per present
/// artifact, sorted by the UTF-8 bytes of the path, joined by `\n` (no trailing newline). The empty list hashes the
/// empty string. Order-independent, path-sensitive, locale-independent.
public enum ParityHash {
    /// Computes the parity hash of `(relativePath, contentHash)` pairs, in any order.
    public static func compute(_ entries: [(relativePath: String, contentHash: String)]) -> String {
        let sorted = entries.sorted { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sorted.reduce(0) { $0 + $1.relativePath.utf8.count + $1.contentHash.utf8.count + 2 })
        for (i, entry) in sorted.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: "\n")) }
            bytes.append(contentsOf: entry.relativePath.utf8)
            bytes.append(UInt8(ascii: "\t"))
            bytes.append(contentsOf: entry.contentHash.utf8)
        }
        return StreamingHasher.sha256Hex(bytes)
    }

    /// The SHA-256 of the empty string: the parity hash of an empty dossier.
    public static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
