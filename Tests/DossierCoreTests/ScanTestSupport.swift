import Foundation

@testable import DossierCore

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway repository in a temp dir: `<root>/kitty-specs/<slug>/…`, written with raw byte names.
struct ScanFixture {
    let root: String
    let feature: String

    init(slug: String = "001-test", meta: String? = #"{"mission_type": "software-dev"}"#) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)").path
        feature = root + "/kitty-specs/" + slug
        try FileManager.default.createDirectory(atPath: feature, withIntermediateDirectories: true)
        if let meta { try write("meta.json", meta) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func write(_ relative: String, _ text: String) throws { try write(Array(relative.utf8), Array(text.utf8)) }

    /// Writes raw bytes under a raw byte relative path (parents created).
    func write(_ relative: [UInt8], _ bytes: [UInt8]) throws {
        let full = Array(feature.utf8) + [UInt8(ascii: "/")] + relative
        let parent = String(decoding: CPath.parent(full), as: UTF8.self)
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let fd = CPath.with(full) { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: feature + "/" + relative, withDestinationPath: target)
    }

    func scan(_ mission: String? = nil, step: String? = nil, fileSystem: any ScanFileSystem = PosixFileSystem())
        throws -> Dossier
    {
        let result = try Scanner(fileSystem: fileSystem).scan(
            ScanRequest(path: feature, missionOverride: mission, stepOverride: step))
        return result.dossiers[0]
    }

    /// Makes a folder (parents included) under the repository root.
    func mkdir(_ relativeToRoot: String) throws {
        try FileManager.default.createDirectory(
            atPath: root + "/" + relativeToRoot, withIntermediateDirectories: true)
    }
}

extension Dossier {
    func artifact(_ path: String) -> Artifact? {
        artifacts.first { ByteOrder.equal($0.relativePath, path) && $0.present }
    }
    func anomalies(_ kind: Anomaly.Kind) -> [Anomaly] {
        anomalies.filter { $0.kind == kind } + artifacts.compactMap(\.anomaly).filter { $0.kind == kind }
    }
}

/// Wraps the real file system to inject races and failures at chosen paths, deterministically: the hooks run at the
/// exact call (listing, opening, `fstat`) where a real race would strike, no sleeps involved.
final class InjectingFileSystem: ScanFileSystem, @unchecked Sendable {
    let real = PosixFileSystem()
    /// Listing a directory whose path ends with this fails with this errno.
    var failList: (suffix: String, code: Int32)?
    /// Opening a file or folder whose path ends with this fails with this errno.
    var failOpen: (suffix: String, code: Int32)?
    /// Delete this file (really) just before it is opened.
    var deleteBeforeOpen: String?
    /// Runs `swap` on the real path of the entry ending with `suffix` just before it is opened (after listing).
    var swapBeforeOpen: (suffix: String, swap: (String) -> Void)?
    /// After each read of the file ending with `suffix`, before the `fstat` that checks it, append a byte to it
    /// (as a writer would), `times` times in all.
    var changeWhileHashing: (suffix: String, times: Int)?
    /// Report timestamps with whole seconds only, as a file system with coarse timestamps does.
    var coarseTimestamps = false
    /// How many files were opened for reading.
    private(set) var filesOpened = 0

    private let lock = NSLock()
    private var paths: [Int32: [UInt8]] = [:]
    private var readsFromStart: [[UInt8]: Int] = [:]

    /// How many times a file whose path ends with `suffix` was read from its first byte (one per hashing pass).
    func passes(_ suffix: String) -> Int {
        lock.withLock { readsFromStart.filter { matches($0.key, suffix) }.values.reduce(0, +) }
    }
    private var statusCalls: [Int32: Int] = [:]

    init() {}

    private func matches(_ path: [UInt8], _ suffix: String) -> Bool {
        path.reversed().starts(with: Array(suffix.utf8).reversed())
    }

    private func path(_ parent: Int32, _ name: [UInt8]) -> [UInt8] {
        lock.withLock { CPath.join(paths[parent] ?? [], name) }
    }

    private func remember(_ result: Result<Int32, FileSystemError>, _ path: [UInt8]) -> Result<Int32, FileSystemError> {
        if case .success(let fd) = result { lock.withLock { paths[fd] = path } }
        return result
    }

    private func coarse(_ r: Result<FileStatus, FileSystemError>) -> Result<FileStatus, FileSystemError> {
        guard coarseTimestamps, case .success(var s) = r else { return r }
        s.modified.nanoseconds = 0
        s.changed.nanoseconds = 0
        return .success(s)
    }

    private func beforeOpen(_ full: [UInt8]) -> FileSystemError? {
        if let f = failOpen, matches(full, f.suffix) { return FileSystemError(call: "openat", code: f.code) }
        if let d = deleteBeforeOpen, matches(full, d) { _ = CPath.with(full) { unlink($0) } }
        if let s = swapBeforeOpen, matches(full, s.suffix) { s.swap(String(decoding: full, as: UTF8.self)) }
        return nil
    }

    func openDirectory(path: [UInt8]) -> Result<Int32, FileSystemError> {
        remember(real.openDirectory(path: path), path)
    }

    func openDirectory(in parent: Int32, name: [UInt8]) -> Result<Int32, FileSystemError> {
        let full = path(parent, name)
        if let e = beforeOpen(full) { return .failure(e) }
        return remember(real.openDirectory(in: parent, name: name), full)
    }

    func openFile(in parent: Int32, name: [UInt8]) -> Result<Int32, FileSystemError> {
        let full = path(parent, name)
        if let e = beforeOpen(full) { return .failure(e) }
        lock.withLock { filesOpened += 1 }
        return remember(real.openFile(in: parent, name: name), full)
    }

    func status(in parent: Int32, name: [UInt8]) -> Result<FileStatus, FileSystemError> {
        coarse(real.status(in: parent, name: name))
    }

    func status(of fd: Int32) -> Result<FileStatus, FileSystemError> {
        let change: [UInt8]? = lock.withLock {
            statusCalls[fd, default: 0] += 1
            guard (statusCalls[fd] ?? 0) >= 2, let full = paths[fd], let c = changeWhileHashing, c.times > 0,
                matches(full, c.suffix)
            else { return nil }
            changeWhileHashing = (c.suffix, c.times - 1)
            return full
        }
        if let change {
            let w = CPath.with(change) { open($0, O_WRONLY | O_APPEND) }
            _ = Glibc.write(w, "+", 1)
            Glibc.close(w)
        }
        return coarse(real.status(of: fd))
    }

    func list(directory fd: Int32) -> Result<[DirectoryEntry], FileSystemError> {
        if let f = failList, let p = lock.withLock({ paths[fd] }), matches(p, f.suffix) {
            return .failure(FileSystemError(call: "readdir", code: f.code))
        }
        return real.list(directory: fd)
    }

    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64)
        -> Result<Int, FileSystemError>
    {
        if offset == 0 { lock.withLock { if let p = paths[fd] { readsFromStart[p, default: 0] += 1 } } }
        return real.read(fd, into: buffer, at: offset)
    }

    func close(_ fd: Int32) {
        lock.withLock {
            paths[fd] = nil
            statusCalls[fd] = nil
        }
        real.close(fd)
    }

    func kind(of path: [UInt8]) -> Result<FileKind, FileSystemError> { real.kind(of: path) }
    func realPath(_ path: [UInt8]) -> Result<[UInt8], FileSystemError> { real.realPath(path) }
    func read(file path: [UInt8], limit: Int) -> Result<[UInt8], FileSystemError> {
        real.read(file: path, limit: limit)
    }
}

/// A clock set off the real one by `offset` seconds (files look that much older, or newer).
struct ShiftedClock: ScanClock {
    var offset: Int64
    func now() -> FileTime {
        let t = SystemScanClock().now()
        return FileTime(seconds: t.seconds + offset, nanoseconds: t.nanoseconds)
    }
}
