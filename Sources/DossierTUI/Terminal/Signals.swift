import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Last termination signal received (0 = none). Written by the C signal handler, polled by the
/// UI loop every tick. A lock-free atomic store is async-signal-safe; calling `endwin()` from the
/// handler is not, so the handler only records the signal and the loop does the cleanup.
let pendingSignal = Atomic<Int32>(0)

enum Signals {
    /// Call on the main thread before `initscr()` and before any task starts.
    /// - Unblocks the signals the UI depends on: a process started from a libdispatch worker
    ///   thread (a Swift test, a Swift server spawning us) inherits a mask that blocks SIGINT,
    ///   SIGTERM, SIGHUP, SIGWINCH, SIGTSTP...; then ^C, kill and resize would do nothing.
    /// - Installs SIGINT/SIGTERM/SIGHUP handlers before `initscr()` (ncurses installs its own only
    ///   where the disposition is still SIG_DFL). SIGWINCH and SIGTSTP/SIGCONT stay with ncurses.
    static func installTerminationHandlers() {
        var wanted = sigset_t()
        sigemptyset(&wanted)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT] { sigaddset(&wanted, sig) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)

        _ = pendingSignal.load(ordering: .relaxed)  // force lazy global init outside the handler
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in pendingSignal.store(received, ordering: .relaxed) }
        }
    }

    /// The signal that asked us to stop, or nil.
    static var pending: Int32? {
        let s = pendingSignal.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
