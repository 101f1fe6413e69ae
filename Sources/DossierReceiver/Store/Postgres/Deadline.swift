import Synchronization

/// Runs `operation` in its own task and answers with whichever comes first: its result, or `onTimeout()` thrown
/// after `timeout`. Unlike a task group it never waits for an operation that ignores cancellation (a query on a
/// dead connection): the loser is cancelled and left to finish on its own.
enum Deadline {
    static func run<T: Sendable>(
        _ timeout: Duration, onTimeout: @escaping @Sendable () -> any Error,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let gate = Mutex<CheckedContinuation<T, any Error>?>(nil)
        let tasks = Mutex<[Task<Void, Never>]>([])
        let finish: @Sendable (Result<T, any Error>) -> Void = { result in
            guard let continuation = gate.withLock({ c -> CheckedContinuation<T, any Error>? in
                defer { c = nil }
                return c
            }) else { return }
            for task in tasks.withLock({ $0 }) { task.cancel() }
            continuation.resume(with: result)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                gate.withLock { $0 = continuation }
                let work = Task {
                    do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
                }
                let timer = Task {
                    do {
                        try await Task.sleep(for: timeout)
                        finish(.failure(onTimeout()))
                    } catch {}
                }
                tasks.withLock { $0 = [work, timer] }
                // Finished before the tasks were registered: stop the timer now rather than at the timeout.
                if gate.withLock({ $0 == nil }) { timer.cancel() }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }
}
