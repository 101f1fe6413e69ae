#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock the scanner compares file timestamps with (the racy-timestamp rules of `StableFileHasher` and
/// `StatCache`). The real one reads `CLOCK_REALTIME`; tests move it to make files look old or new.
public protocol ScanClock: Sendable {
    /// The current wall-clock time, in the same epoch as file timestamps.
    func now() -> FileTime
}

/// `clock_gettime(CLOCK_REALTIME)`.
public struct SystemScanClock: ScanClock {
    public init() {}

    public func now() -> FileTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return FileTime(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }
}

extension FileTime {
    /// How close to "now" a file timestamp may be before it cannot be trusted to reveal a later write: two writes
    /// within one timestamp tick (a jiffy on Linux, up to 2 s on coarse file systems) leave the same mtime/ctime.
    public static let racyWindowSeconds: Int64 = 2

    /// This time minus the racy window (clock values only, never file input: cannot overflow in practice).
    var minusRacyWindow: FileTime {
        FileTime(seconds: seconds &- Self.racyWindowSeconds, nanoseconds: nanoseconds)
    }
}

extension FileStatus {
    /// True when the file was modified or changed so recently before `reference` (a wall-clock time) that a write
    /// after `reference` could leave the same timestamps.
    func isRacy(relativeTo reference: FileTime) -> Bool {
        let limit = reference.minusRacyWindow
        return !(modified < limit) || !(changed < limit)
    }
}
