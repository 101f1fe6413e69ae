import Dispatch
import Foundation

/// Runs blocking work (waiting for a child process, `waitpid`, a sleep) on a thread of its own and awaits its
/// result, so no thread of Swift's cooperative pool is held meanwhile.
///
/// `swift test` runs every suite in one process, and on a 2-core machine the pool has two threads: two tests
/// parked in `waitUntilExit()` stall every other suite (an in-process receiver then misses its read deadline).
/// Not Dispatch's global queue either: its width is the core count too, and in a full run it is busy with the
/// scanner's parallel hashing and every other blocked wait (a poll queued behind them missed an 18-s window).
public func blockingCall<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// The non-throwing form of `blockingCall(_:)`.
public func blockingCall<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

extension Process {
    /// `waitUntilExit()` without holding a thread of the cooperative pool (see `blockingCall(_:)`).
    public func exited() async {
        await blockingCall { self.waitUntilExit() }
    }
}

extension Pipe {
    /// Every byte until all writers close the pipe, read on a thread of its own (see `blockingCall(_:)`): a test
    /// waiting for a child's output holds no thread of the cooperative pool.
    public func readAll() async -> Data {
        let handle = fileHandleForReading
        return await blockingCall { handle.readDataToEndOfFile() }
    }

    /// What the pipe gives until the text contains `marker` (or the pipe ends), read on a thread of its own.
    public func read(until marker: String) async -> String {
        let handle = fileHandleForReading
        return await blockingCall {
            var seen = ""
            while !seen.contains(marker) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            return seen
        }
    }
}
