/// Byte-wise ordering of strings and paths. Swift's `String ==` and `<` compare by canonical equivalence, so an NFC
/// and an NFD spelling of the same name compare equal; file names must not. Everything that sorts or keys
/// by path goes through these helpers instead.
public enum ByteOrder {
    /// True when the UTF-8 bytes of `lhs` sort before those of `rhs` (lexicographic, unsigned).
    public static func less(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// True when both strings have exactly the same UTF-8 bytes (NFC and NFD spellings differ).
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// Sorts strings by their UTF-8 bytes.
    public static func sorted(_ strings: [String]) -> [String] {
        strings.sorted(by: less)
    }
}

/// A string keyed by its exact UTF-8 bytes: use as a dictionary key or set element where `String` would merge
/// canonically equivalent spellings (NFC `é` and NFD `e\u{301}` are different `ByteString`s).
public struct ByteString: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact UTF-8 bytes.
    public let bytes: [UInt8]
    /// The string as given.
    public let string: String

    public init(_ string: String) {
        self.string = string
        self.bytes = Array(string.utf8)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }
    /// Hashes the bytes as one block (element-by-element hashing of `[UInt8]` is several times slower).
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
    public var description: String { string }
}
