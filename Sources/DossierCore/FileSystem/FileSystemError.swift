#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed file-system call: which call and the `errno` it returned.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var code: Int32

    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    /// The file or folder is gone (ENOENT / ENOTDIR).
    public var isGone: Bool { code == ENOENT || code == ENOTDIR }
    /// The file was replaced by a symlink between listing and opening (O_NOFOLLOW refused it).
    public var isSymlinkRace: Bool { code == ELOOP }
    public var description: String { "\(call): \(CPath.errorText(code))" }
}
