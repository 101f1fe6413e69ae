import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A baseline file that cannot be read or written, with the path and the problem.
public struct BaselineStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong with the file at `path`.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The file exists but could not be read.
        case unreadable(FileSystemError)
        /// The bytes are not a baseline: the decoder's complaint (field and reason).
        case malformed(String)
        /// The baseline could not be encoded (the decoder's complaint).
        case unencodable(String)
        /// The temporary file could not be created (`errno`).
        case cannotCreate(errno: Int32)
        /// Writing, syncing or renaming the file failed (`errno`).
        case cannotWrite(errno: Int32)
        /// The state folder could not be created.
        case stateFolder(String)

        public var description: String {
            switch self {
            case .unreadable(let e): "cannot read (\(e))"
            case .malformed(let detail): "malformed baseline file (\(detail)); accept a new one"
            case .unencodable(let detail): "cannot encode (\(detail))"
            case .cannotCreate(let code): "cannot create (\(CPath.errorText(code)))"
            case .cannotWrite(let code): "cannot write (\(CPath.errorText(code)))"
            case .stateFolder(let problem): "cannot create state folder (\(problem))"
            }
        }
    }

    public var path: String
    public var problem: Problem
    public var description: String { "baseline \(path): \(problem)" }
}

/// Local baselines under `<state>/baselines/<feature_slug>--<mission_type>.json` (names percent-encoded outside
/// `[A-Za-z0-9._-]`). Directories are created 0700, files 0600, written atomically (temp file, fsync, rename).
public struct BaselineStore: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    /// The folder holding baseline files.
    public var directory: String { stateDirectory + "/baselines" }

    /// The file of one feature and mission type.
    public func path(featureSlug: String, missionType: String) -> String {
        directory + "/" + Self.fileName(featureSlug) + "--" + Self.fileName(missionType) + ".json"
    }

    /// The stored baseline, or nil when none was accepted.
    public func load(featureSlug: String, missionType: String) throws(BaselineStoreError) -> Baseline? {
        let file = path(featureSlug: featureSlug, missionType: missionType)
        let bytes: [UInt8]
        switch PosixFileSystem().read(file: Array(file.utf8), limit: 256 << 20) {
        case .success(let b): bytes = b
        case .failure(let e) where e.isGone: return nil
        case .failure(let e): throw BaselineStoreError(path: file, problem: .unreadable(e))
        }
        do {
            return try JSONDecoder().decode(Baseline.self, from: Data(bytes))
        } catch {
            throw BaselineStoreError(path: file, problem: .malformed(Self.describe(error)))
        }
    }

    /// Writes `baseline` atomically with owner-only permissions.
    public func save(_ baseline: Baseline) throws(BaselineStoreError) {
        try Self.makeDirectory(stateDirectory)
        try Self.makeDirectory(directory)
        let file = path(featureSlug: baseline.featureSlug, missionType: baseline.missionType)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data: Data
        do { data = try encoder.encode(baseline) } catch {
            throw BaselineStoreError(path: file, problem: .unencodable(Self.describe(error)))
        }
        data.append(0x0A)
        let tmp = file + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw BaselineStoreError(path: tmp, problem: .cannotCreate(errno: errno)) }
        var ok = fchmod(fd, 0o600) == 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while ok && offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno != EINTR { ok = false } } else { offset += n }
            }
        }
        let writeErrno = errno
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, file) == 0 else {
            let code = ok ? errno : writeErrno
            unlink(tmp)
            throw BaselineStoreError(path: file, problem: .cannotWrite(errno: code))
        }
    }

    /// The baseline a dossier would record: its parity hash and every present, hashed artifact in byte order.
    public static func baseline(from dossier: Dossier, snapshot: Snapshot, acceptedAt: String, source: String)
        -> Baseline
    {
        let entries = dossier.artifacts.compactMap { a -> BaselineEntry? in
            guard a.present, let hash = a.contentHashSHA256 else { return nil }
            return BaselineEntry(
                key: a.key, relativePath: a.relativePath, contentHashSHA256: hash,
                requiredStatus: a.requiredStatus)
        }.sorted { ByteOrder.less($0.relativePath, $1.relativePath) }
        return Baseline(
            featureSlug: dossier.featureSlug, missionType: dossier.missionType,
            parityHashSHA256: snapshot.parityHashSHA256, entries: entries, acceptedAt: acceptedAt,
            source: source)
    }

    static func fileName(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let safe =
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
            out += safe ? String(UnicodeScalar(b)) : String(format: "%%%02X", b)
        }
        return out == "." || out == ".." ? "%2E" + out.dropFirst() : out
    }

    /// `mkdir -p` with 0700 for every folder it creates (`OwnerOnlyFiles`).
    static func makeDirectory(_ path: String) throws(BaselineStoreError) {
        do throws(OwnerOnlyError) { try OwnerOnlyFiles.makeDirectories(path) } catch {
            throw BaselineStoreError(path: path, problem: .stateFolder(error.problem))
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "field '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))': \(ctx.debugDescription)"
        case DecodingError.dataCorrupted(let ctx): return ctx.debugDescription
        default: return "\(error)"
        }
    }
}
