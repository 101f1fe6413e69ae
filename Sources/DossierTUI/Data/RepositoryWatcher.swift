import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the watcher saw since it last reported.
public enum RepositoryChange: Sendable, Equatable {
    /// Files changed inside these features (folder names directly under `kitty-specs/`).
    case features(Set<String>)
    /// Anything else (a feature folder created, removed or renamed, the kernel's event queue overflowed, a watch
    /// could not be added): only a full (incremental) rescan is sure to be right.
    case everything(reason: String)
}

/// Watches `kitty-specs/` recursively with Linux inotify (through Glibc): one watch per folder, added for new
/// folders as they appear. Blocks in `poll` on a thread of its own, so an idle repository costs no reads and no
/// CPU; reports each batch of events to `onChange` (the data source debounces them).
public final class RepositoryWatcher: @unchecked Sendable {
    /// The folder watched (`…/kitty-specs`).
    public let root: String
    private let fd: Int32
    private let stopPipe: [Int32]
    private let onChange: @Sendable (RepositoryChange) -> Void
    // Touched only on the watcher thread (and in init, before it starts).
    private var folders: [Int32: String] = [:]
    private var thread: Thread?

    /// Errors that keep the watcher from starting (the caller falls back to periodic rescans and says so).
    public enum Failure: Error, CustomStringConvertible {
        case unavailable(String)
        public var description: String {
            switch self {
            case .unavailable(let m): m
            }
        }
    }

    static let mask = UInt32(
        IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF
            | IN_MOVE_SELF)

    /// Starts watching `root` and every folder below it.
    public init(root: String, onChange: @escaping @Sendable (RepositoryChange) -> Void) throws(Failure) {
        self.root = root
        self.onChange = onChange
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .unavailable("inotify_init1: \(String(cString: strerror(errno)))") }
        var p: [Int32] = [-1, -1]
        guard pipe(&p) == 0 else {
            close(fd)
            throw .unavailable("pipe: \(String(cString: strerror(errno)))")
        }
        for end in p { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        stopPipe = p
        if let problem = addTree("") {
            close(fd)
            close(p[0])
            close(p[1])
            throw .unavailable(problem)
        }
        let t = Thread { [self] in run() }
        t.name = "dossier.watch"
        thread = t
        t.start()
    }

    /// Stops the thread (it closes the descriptors on its way out).
    public func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
    }

    /// Adds watches for `relative` (under `root`) and every folder below it; returns a problem, nil when all went in.
    private func addTree(_ relative: String) -> String? {
        let path = relative.isEmpty ? root : root + "/" + relative
        let wd = inotify_add_watch(fd, path, Self.mask | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW))
        guard wd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }  // gone already: its parent's event covers it
            return "inotify_add_watch \(path): \(String(cString: strerror(errno)))"
                + (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : "")
        }
        folders[wd] = relative
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != "..", Int32(entry.pointee.d_type) == Int32(DT_DIR) else { continue }
            if let problem = addTree(relative.isEmpty ? name : relative + "/" + name) { return problem }
        }
        return nil
    }

    private func run() {
        defer {
            close(fd)
            close(stopPipe[0])
            close(stopPipe[1])
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                onChange(.everything(reason: "poll: \(String(cString: strerror(errno)))"))
                return
            }
            if fds[1].revents != 0 { return }
            var features = Set<String>()
            var everything: String?
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                let changes = Self.parse(buffer[0..<n], folders: folders)
                for dir in changes.newFolders where everything == nil {
                    if let problem = addTree(dir) { everything = problem }
                }
                for wd in changes.removedWatches { folders[wd] = nil }
                features.formUnion(changes.features)
                if let reason = changes.everything { everything = reason }
            }
            if let everything {
                onChange(.everything(reason: everything))
            } else if !features.isEmpty {
                onChange(.features(features))
            }
        }
    }

    /// What one buffer of `inotify_event`s means (pure; `folders` maps watch descriptors to folders under the root).
    struct Parsed: Equatable {
        var features = Set<String>()
        var newFolders: [String] = []
        var removedWatches: [Int32] = []
        var everything: String?
    }

    static func parse(_ bytes: ArraySlice<UInt8>, folders: [Int32: String]) -> Parsed {
        var out = Parsed()
        let header = MemoryLayout<inotify_event>.size
        var i = bytes.startIndex
        while i + header <= bytes.endIndex {
            let (wd, mask, len) = bytes[i..<(i + header)].withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: Int32.self),
                 raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
                 Int(raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
            }
            let nameStart = i + header
            let nameEnd = min(bytes.endIndex, nameStart + len)
            let name = String(decoding: bytes[nameStart..<nameEnd].prefix { $0 != 0 }, as: UTF8.self)
            i = nameEnd
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                out.everything = "inotify queue overflowed"
                continue
            }
            if mask & UInt32(IN_IGNORED) != 0 {
                out.removedWatches.append(wd)
                continue
            }
            guard let folder = folders[wd] else { continue }
            let relative = folder.isEmpty ? name : (name.isEmpty ? folder : folder + "/" + name)
            if folder.isEmpty {
                // Directly under kitty-specs/: a feature folder (or a stray file) appeared, went or was renamed.
                if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                    out.everything = "kitty-specs/ itself was removed or moved"
                } else if !name.isEmpty {
                    out.everything = "kitty-specs/\(name) changed"
                    if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        out.newFolders.append(relative)
                    }
                }
                continue
            }
            let feature = String(folder.prefix { $0 != "/" })
            out.features.insert(feature)
            if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                out.newFolders.append(relative)
            }
        }
        return out
    }
}
