import NIOPosix
import Synchronization

/// Group commit: requests that arrive while a transaction commits wait, then share the next one. `submit`
/// suspends (never blocks) its task; one drain loop on a dedicated thread pool runs `commit` over everything that
/// is waiting (up to `maxJobs`), and resumes each request only after `commit` returned, that is after its work is
/// durable. An error of `commit` is every job's answer in that group.
final class GroupCommitter<Job: Sendable, Answer: Sendable>: Sendable {
    typealias Commit = @Sendable ([Job]) throws -> [Answer]

    private struct Waiting: Sendable {
        var job: Job
        var continuation: CheckedContinuation<Answer, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var draining = false
    }

    private let state = Mutex(State())
    private let threadPool: NIOThreadPool
    private let commit: Commit
    private let maxJobs: Int

    init(threadPool: NIOThreadPool, maxJobs: Int, commit: @escaping Commit) {
        self.threadPool = threadPool
        self.maxJobs = max(1, maxJobs)
        self.commit = commit
    }

    /// Queues `job` for the next group and waits for its answer.
    func submit(_ job: Job) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            let startDrain = state.withLock { s in
                s.waiting.append(Waiting(job: job, continuation: continuation))
                if s.draining { return false }
                s.draining = true
                return true
            }
            if startDrain { threadPool.submit { workState in self.drain(workState) } }
        }
    }

    private func drain(_ workState: NIOThreadPool.WorkItemState) {
        while true {
            let group: [Waiting]? = state.withLock { s in
                guard !s.waiting.isEmpty else {
                    s.draining = false
                    return nil
                }
                let taken = Array(s.waiting.prefix(maxJobs))
                s.waiting.removeFirst(taken.count)
                return taken
            }
            guard let group else { return }
            guard case .active = workState else {
                for w in group { w.continuation.resume(throwing: GroupCommitError.stopped) }
                continue
            }
            do {
                let answers = try commit(group.map(\.job))
                guard answers.count == group.count else { throw GroupCommitError.answerCount }
                for (w, answer) in zip(group, answers) { w.continuation.resume(returning: answer) }
            } catch {
                for w in group { w.continuation.resume(throwing: error) }
            }
        }
    }
}

/// Why a group commit gave no answer.
enum GroupCommitError: Error, CustomStringConvertible {
    case stopped
    case answerCount

    var description: String {
        switch self {
        case .stopped: "the receiver store is shutting down"
        case .answerCount: "internal error: the commit returned the wrong number of answers"
        }
    }
}
