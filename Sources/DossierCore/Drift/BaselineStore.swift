import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A baseline file that cannot be read or written, with the path and the problem.
public struct BaselineStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String
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
    public func load(featureSlug: String, missionType: String) throws -> Baseline? {
        let file = path(featureSlug: featureSlug, missionType: missionType)
        let bytes: [UInt8]
        switch PosixFileSystem().read(file: Array(file.utf8), limit: 256 << 20) {
        case .success(let b): bytes = b
        case .failure(let e) where e.isGone: return nil
        case .failure(let e): throw BaselineStoreError(path: file, problem: "cannot read (\(e))")
        }
        do {
            return try JSONDecoder().decode(Baseline.self, from: Data(bytes))
        } catch {
            throw BaselineStoreError(
                path: file, problem: "malformed baseline file (\(Self.describe(error))); accept a new one")
        }
    }

    /// Writes `baseline` atomically with owner-only permissions.
    public func save(_ baseline: Baseline) throws {
        try Self.makeDirectory(stateDirectory)
        try Self.makeDirectory(directory)
        let file = path(featureSlug: baseline.featureSlug, missionType: baseline.missionType)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(baseline)
        data.append(0x0A)
        let tmp = file + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw BaselineStoreError(path: tmp, problem: "cannot create (\(CPath.errorText(errno)))") }
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
            throw BaselineStoreError(path: file, problem: "cannot write (\(CPath.errorText(code)))")
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
    static func makeDirectory(_ path: String) throws {
        do throws(OwnerOnlyError) { try OwnerOnlyFiles.makeDirectories(path) } catch {
            throw BaselineStoreError(path: path, problem: "cannot create state folder (\(error.problem))")
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
