#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the repository that holds a feature folder: the nearest ancestor (the path itself included) that contains a
/// `kitty-specs/` folder or a `.git` entry; when there is none, the feature folder's parent. Symlinks in `path` are
/// resolved first (`realpath`), so the answer is an absolute, canonical path.
public enum RepositoryLocator {
    /// The repository root for `path` (a feature folder, a `kitty-specs/` folder or a repository root).
    public static func root(for path: String) -> String {
        let absolute = canonical(path)
        var current = Array(absolute.utf8)
        while true {
            if isRepository(current) { return String(decoding: current, as: UTF8.self) }
            if current == [UInt8(ascii: "/")] || current.isEmpty { break }
            current = CPath.parent(current)
        }
        return String(decoding: CPath.parent(Array(absolute.utf8)), as: UTF8.self)
    }

    /// Whether `root` is a repository root: it holds a `kitty-specs/` folder or a `.git` entry (the one rule that
    /// `root(for:)`, the state directory's default and the dashboard use).
    public static func isRepository(_ root: String) -> Bool { isRepository(Array(root.utf8)) }

    /// The state directory of a command run in `workingDirectory`: `explicit`, else `DOSSIER_STATE_DIR`, else
    /// `.dossier/` at the repository around the working directory, or in the working directory outside one.
    public static func stateDirectory(
        explicit: String?, environment: [String: String], workingDirectory: String
    ) -> String {
        let root = Self.root(for: workingDirectory)
        return StateDirectory.resolve(
            explicit: explicit, environment: environment,
            repositoryRoot: isRepository(root) ? root : workingDirectory)
    }

    /// Whether `root` holds feature folders (a `kitty-specs/` folder): a git repository without one has no features.
    public static func hasFeatures(_ root: String) -> Bool {
        exists(CPath.join(Array(root.utf8), Array("kitty-specs".utf8)), directory: true)
    }

    private static func isRepository(_ root: [UInt8]) -> Bool {
        exists(CPath.join(root, Array("kitty-specs".utf8)), directory: true)
            || exists(CPath.join(root, Array(".git".utf8)), directory: false)
    }

    /// `realpath(path)`, or `path` made absolute against the working directory when it cannot be resolved.
    public static func canonical(_ path: String) -> String {
        let resolved: String? = CPath.with(Array(path.utf8)) { cPath in
            guard let r = realpath(cPath, nil) else { return nil }
            defer { free(r) }
            return String(cString: r)
        }
        if let resolved { return resolved }
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd == "/" ? "/" + path : cwd + "/" + path
    }

    private static func exists(_ path: [UInt8], directory: Bool) -> Bool {
        var st = stat()
        let rc = CPath.with(path) { stat($0, &st) }
        guard rc == 0 else { return false }
        return !directory || (st.st_mode & S_IFMT) == S_IFDIR
    }
}
