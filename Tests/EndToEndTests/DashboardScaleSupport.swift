import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A 100,000-event queue (10 synthetic scans of 10,000 events through the real emitter, `dossier-bench stress-append`),
/// built once per test process and copied into each test's state directory.
actor DashboardBigQueue {
    static let shared = DashboardBigQueue()
    private var template: String?

    /// A fresh state directory holding a copy of the 100k-event queue.
    func stateDirectory() async throws -> String {
        let source = try await build()
        let dir = NSTemporaryDirectory() + "dossier-big-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o700)
        for name in try fm.contentsOfDirectory(atPath: source) where name.hasPrefix("queue.sqlite") {
            try fm.copyItem(atPath: source + "/" + name, toPath: dir + "/" + name)
        }
        return dir
    }

    private func build() async throws -> String {
        if let template { return template }
        let dir = NSTemporaryDirectory() + "dossier-big-template-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        let r = await spawnOffThePool(
            [BinaryRunner.bench, "stress-append", "--count", "9999", "--batches", "10"],
            environment: TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(dir)"])
        guard r.status == 0, r.stdout.contains("committed 10 10000") else {
            throw DashboardScaleError.setup("stress-append exited \(r.status): \(r.stdout.suffix(400))")
        }
        template = dir
        return dir
    }
}

enum DashboardScaleError: Error, CustomStringConvertible {
    case setup(String)
    var description: String {
        switch self {
        case .setup(let m): "test setup: \(m)"
        }
    }
}

/// `tmuxSpawnAndWait` off the cooperative pool (`blockingCall`): a long subprocess never holds one of its threads.
func spawnOffThePool(_ argv: [String], environment: [String]) async -> (status: Int32, stdout: String) {
    await blockingCall { tmuxSpawnAndWait(argv, environment: environment, stderrToStdout: true) }
}

/// Counts per state from `dossier queue status --json`.
func queueStatusCounts(stateDir: String) async throws -> [String: Int] {
    let r = await spawnOffThePool(
        [TmuxHarness.binary, "queue", "status", "--json"],
        environment: TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(stateDir)"])
    guard r.status == 0, let json = r.stdout.data(using: .utf8),
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any],
        let counts = object["counts"] as? [String: Int]
    else { throw DashboardScaleError.setup("queue status --json: \(r.status) \(r.stdout)") }
    return counts
}

/// The selected row of the focused list (the line with the `›` marker).
func selectedListRow(_ screen: String) -> String {
    screen.split(separator: "\n").first { $0.contains("│›") }.map(String.init) ?? ""
}
