#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on the queue's folder, held while a process checks, opens and migrates the queue. It makes
/// first use safe when several processes start on a fresh state directory at once (GRDB's migrator reads the
/// applied migrations before its write transaction, so two racing migrators would both create the tables).
/// The lock is on the folder itself: no extra file, released by the kernel if the process dies.
final class QueueOpenLock {
    private var fd: Int32

    /// Waits up to `timeout` seconds for the lock on `folder`.
    init(folder: String, queuePath: String, timeout: Double = 30) throws(QueueError) {
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .cannotOpen(
                path: queuePath, message: "cannot open state folder \(folder) (\(CPath.errorText(errno)))")
        }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw .cannotOpen(
                    path: queuePath, message: "cannot lock state folder \(folder) (\(CPath.errorText(code)))")
            }
            guard waited < timeout else {
                close(fd)
                throw .busy(
                    path: queuePath, message: "another process kept the state folder locked for \(Int(timeout))s")
            }
            usleep(5_000)
            waited += 0.005
        }
        self.fd = fd
    }

    /// Releases the lock (idempotent).
    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
