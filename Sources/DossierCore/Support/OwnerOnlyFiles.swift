#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A folder or file that could not be created owner-only, with the path and the system's reason.
public struct OwnerOnlyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}

/// The one way the product creates state: every folder it makes is 0700 and every file 0600, whatever the umask
/// (`mkdir`/`open` modes are masked by the umask, so each new entry is also `chmod`ed to exactly that mode).
/// Entries that already exist are used as they are: their modes are the user's choice.
public enum OwnerOnlyFiles {
    /// Owner-only folder mode.
    public static let folderMode: mode_t = 0o700
    /// Owner-only file mode.
    public static let fileMode: mode_t = 0o600

    /// `mkdir -p path`: every missing level is created 0700. An existing non-folder on the way is an error.
    public static func makeDirectories(_ path: String) throws(OwnerOnlyError) {
        if path.isEmpty { return }
        if mkdir(path, folderMode) == 0 {
            chmod(path, folderMode)
            return
        }
        var code = errno
        if code == ENOENT {
            let parent = parentPath(path)
            if parent != path && !parent.isEmpty {
                try makeDirectories(parent)
                if mkdir(path, folderMode) == 0 {
                    chmod(path, folderMode)
                    return
                }
                code = errno
            }
        }
        var st = stat()
        if code == EEXIST && stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { return }
            throw OwnerOnlyError(path: path, problem: "exists and is not a folder")
        }
        if code == ENOTDIR {
            // Name the level that is in the way: the nearest existing ancestor that is not a folder.
            var level = parentPath(path)
            while level != "/" && level != "." {
                if stat(level, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR {
                    throw OwnerOnlyError(path: level, problem: "exists and is not a folder")
                }
                level = parentPath(level)
            }
        }
        throw OwnerOnlyError(path: path, problem: "cannot create folder (\(CPath.errorText(code)))")
    }

    /// Creates `path` as an empty 0600 file unless it exists (never follows a symlink at `path` when creating).
    /// Returns true when this call created it.
    @discardableResult
    public static func createFile(_ path: String) throws(OwnerOnlyError) -> Bool {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, fileMode)
        if fd < 0 {
            let code = errno
            if code == EEXIST { return false }
            throw OwnerOnlyError(path: path, problem: "cannot create file (\(CPath.errorText(code)))")
        }
        fchmod(fd, fileMode)
        close(fd)
        return true
    }

    /// Creates the parent folders of `file` (0700) and the file itself (0600) when missing.
    public static func prepareFile(_ file: String) throws(OwnerOnlyError) {
        let parent = parentPath(file)
        if parent != "." { try makeDirectories(parent) }
        try createFile(file)
    }

    /// The parent of a path: `a/b` → `a`, `/a` → `/`, `a` → `.` (trailing slashes ignored).
    static func parentPath(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        var parent = p[..<slash]
        while parent.count > 1 && parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }
}
