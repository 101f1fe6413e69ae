import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// SIGINT and SIGTERM as a request to stop cleanly: dispatch signal sources (not C handlers: the work runs on a
/// queue of their own) cancel the task given to `watch`, whose cancellation handling gives claims back and commits.
/// A second signal while that runs ends the process the default way.
final class ShutdownSignals: Sendable {
    private struct State {
        var received: Int32?
        var onSignal: (@Sendable () -> Void)?
    }
    /// Shared with the signal sources' handlers.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }
    private let shared = Shared()
    /// Kept alive (and cancelled) here; a Mutex makes the non-Sendable sources safe to hold.
    private let sources: Mutex<[any DispatchSourceSignal]>
    private static let signals = [SIGINT, SIGTERM]

    init() {
        let queue = DispatchQueue(label: "dossier.signals")
        let shared = self.shared
        var sources: [any DispatchSourceSignal] = []
        for number in Self.signals {
            // Ignored at the C level so only the source sees it.
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: queue))
        }
        for (number, source) in zip(Self.signals, sources) {
            source.setEventHandler { [shared] in
                let action: (@Sendable () -> Void)? = shared.state.withLock { state in
                    guard state.received == nil else { return nil }
                    state.received = number
                    return state.onSignal ?? {}
                }
                guard let action else {
                    // The second signal: stop now (leases then expire as after a kill).
                    signal(number, SIG_DFL)
                    raise(number)
                    return
                }
                action()
            }
            source.resume()
        }
        self.sources = Mutex(sources)
    }

    /// Cancels `task` on the first signal (at once if one already came).
    func watch<T: Sendable, E: Error>(_ task: Task<T, E>) {
        let already = shared.state.withLock { state in
            state.onSignal = { task.cancel() }
            return state.received != nil
        }
        if already { task.cancel() }
    }

    /// The signal received, if any.
    var received: Int32? { shared.state.withLock { $0.received } }

    /// `SIGTERM`, `SIGINT` or `signal N`.
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }

    /// Stops watching; the default actions come back.
    func cancel() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
        }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
