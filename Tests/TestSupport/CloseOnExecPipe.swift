#if canImport(Glibc)
    import Glibc
#endif

/// A one-way byte channel for a child's output whose two ends are close-on-exec from birth (an AF_UNIX socket
/// pair made with SOCK_CLOEXEC; Glibc's Swift module has no `pipe2`). Tests spawn children from many threads at
/// once: a child spawned meanwhile must not inherit another caller's write end, or that caller's read waits for
/// EOF as long as the unrelated child lives. `posix_spawn`'s dup2 onto 0/1/2 clears the flag where it is wanted.
public func closeOnExecPipe() -> (read: Int32, write: Int32)? {
    var fds: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
        return nil
    }
    _ = shutdown(fds[0], Int32(SHUT_WR))
    return (fds[0], fds[1])
}
