import Dispatch
import Foundation
import Synchronization

/// A bounded pool for blocking file work: `DispatchQueue.concurrentPerform` over at most `workers` threads (never
/// Swift's cooperative pool, which must not block on I/O). Results keep the order of their indices, so output is
/// the same as a serial run whatever the scheduling.
enum ParallelWork {
    /// `(0..<count).map(body)`, with up to `workers` indices running at once.
    static func map<T: Sendable>(_ count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard workers > 1, count > 1 else { return (0..<count).map(body) }
        let state = SharedSlots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: min(workers, count)) { _ in
            while true {
                let i = state.next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < count else { return }
                let value = body(i)
                state.slots.withLock { $0[i] = value }
            }
        }
        return state.slots.withLock { $0.compactMap { $0 } }
    }

    /// The default pool width: the machine's active cores, at most 16.
    static var defaultWorkers: Int { max(1, min(16, ProcessInfo.processInfo.activeProcessorCount)) }
}

private final class SharedSlots<T: Sendable>: Sendable {
    let next = Atomic<Int>(0)
    let slots: Mutex<[T?]>

    init(count: Int) {
        slots = Mutex(Array(repeating: nil, count: count))
    }
}
