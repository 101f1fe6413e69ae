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
}

extension Dossier {
    func artifact(_ path: String) -> Artifact? {
        artifacts.first { ByteOrder.equal($0.relativePath, path) && $0.present }
    }
    func anomalies(_ kind: Anomaly.Kind) -> [Anomaly] {
        anomalies.filter { $0.kind == kind } + artifacts.compactMap(\.anomaly).filter { $0.kind == kind }
    }
}

/// Wraps the real file system to inject races and failures at chosen paths.
struct InjectingFileSystem: ScanFileSystem {
    var real = PosixFileSystem()
    /// Listing a directory whose path ends with this fails with this errno.
    var failList: (suffix: String, code: Int32)?
    /// Hashing a file whose path ends with this fails with this errno.
    var failHash: (suffix: String, code: Int32)?
    /// Delete this file (really) just before it is hashed.
    var deleteBeforeHash: String?

    func kind(of path: [UInt8]) -> Result<FileKind, FileSystemError> { real.kind(of: path) }
    func list(directory path: [UInt8]) -> Result<[[UInt8]], FileSystemError> {
        if let f = failList, path.reversed().starts(with: Array(f.suffix.utf8).reversed()) {
            return .failure(FileSystemError(call: "opendir", code: f.code))
        }
        return real.list(directory: path)
    }
    func realPath(_ path: [UInt8]) -> Result<[UInt8], FileSystemError> { real.realPath(path) }
    func hash(file path: [UInt8], validateUTF8: Bool) -> Result<FileDigest, FileSystemError> {
        if let f = failHash, path.reversed().starts(with: Array(f.suffix.utf8).reversed()) {
            return .failure(FileSystemError(call: "open", code: f.code))
        }
        if let d = deleteBeforeHash, path.reversed().starts(with: Array(d.utf8).reversed()) {
            _ = CPath.with(path) { unlink($0) }
        }
        return real.hash(file: path, validateUTF8: validateUTF8)
    }
    func read(file path: [UInt8], limit: Int) -> Result<[UInt8], FileSystemError> {
        real.read(file: path, limit: limit)
    }
}
