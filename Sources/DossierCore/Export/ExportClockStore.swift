import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Lamport clock of exports made from a scan: a monotonic counter in `<state>/export-clock` (0600), advanced
/// under an exclusive `flock` so concurrent exports never hand out the same value. (Exports from the queue use the
/// queue's own row sequence instead.)
public struct ExportClockStore: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    public var path: String { stateDirectory + "/export-clock" }

    /// Reserves `count` consecutive values and returns the first (values start at 1).
    public func reserve(_ count: Int) throws(ExportError) -> Int64 {
        do throws(OwnerOnlyError) {
            try OwnerOnlyFiles.makeDirectories(stateDirectory)
        } catch {
            throw .stateFile(path: error.path, problem: error.problem)
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .stateFile(path: path, problem: "cannot open (\(CPath.errorText(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw .stateFile(path: path, problem: "cannot lock (\(CPath.errorText(errno)))")
        }
        defer { flock(fd, LOCK_UN) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw .stateFile(path: path, problem: "cannot read (\(CPath.errorText(errno)))") }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let current: Int64
        if text.isEmpty {
            current = 0
        } else if let value = Int64(text), value >= 0 {
            current = value
        } else {
            throw .stateFile(
                path: path, problem: "expected a non-negative integer, got \(JSONValue.string(text).excerpt)")
        }
        let (next, overflow) = current.addingReportingOverflow(Int64(max(0, count)))
        guard !overflow else { throw .stateFile(path: path, problem: "the clock would overflow") }
        let bytes = Array("\(next)\n".utf8)
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count, ftruncate(fd, off_t(bytes.count)) == 0, fsync(fd) == 0 else {
            throw .stateFile(path: path, problem: "cannot write (\(CPath.errorText(errno)))")
        }
        return current + 1
    }
}
