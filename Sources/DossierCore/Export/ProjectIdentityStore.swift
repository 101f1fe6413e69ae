import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The repository's `project_uuid`: a random UUID4 created on first export and kept in `<state>/project-uuid`
/// (0600, created exclusively so two exports racing agree on one value). The state folder is created 0700.
public struct ProjectIdentityStore: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    /// The file holding the UUID.
    public var path: String { stateDirectory + "/project-uuid" }

    /// The stored UUID, created (with `make`) when there is none yet.
    public func projectUUID(make: () -> UUID = { UUID() }) throws(ExportError) -> String {
        if let existing = try read() { return existing }
        do throws(OwnerOnlyError) {
            try OwnerOnlyFiles.makeDirectories(stateDirectory)
        } catch {
            throw .stateFile(path: error.path, problem: error.problem)
        }
        let value = make().uuidString.lowercased()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST, let existing = try read() { return existing }
            throw .stateFile(path: path, problem: "cannot create (\(CPath.errorText(code)))")
        }
        let bytes = Array((value + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let ok = written == bytes.count && fsync(fd) == 0
        close(fd)
        guard ok else {
            unlink(path)
            throw .stateFile(path: path, problem: "cannot write the project UUID")
        }
        return value
    }

    /// The stored UUID, nil when the file does not exist; a malformed file is an error naming it.
    public func read() throws(ExportError) -> String? {
        switch PosixFileSystem().read(file: Array(path.utf8), limit: 4096) {
        case .success(let bytes):
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard SpecKittyValidator.isUUID(text), text.utf8.count == 36 else {
                throw .stateFile(
                    path: path,
                    problem: "expected one UUID (8-4-4-4-12 hex), got \(JSONValue.string(text).excerpt); "
                        + "restore it or delete the file to start a new project identity")
            }
            return text.lowercased()
        case .failure(let e) where e.isGone:
            return nil
        case .failure(let e):
            throw .stateFile(path: path, problem: "cannot read (\(e))")
        }
    }
}
