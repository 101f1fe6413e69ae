import Foundation
import TestSupport

/// A throwaway repository (kitty-specs/ with one feature) and state directory for one test.
struct DashboardE2EFixture: ~Copyable {
    let root: String
    let repository: String
    let stateDir: String

    init(feature: String = "042-login", files: [String: String] = ["spec.md": "# Spec\n", "plan.md": "# Plan\n"]) throws
    {
        root = NSTemporaryDirectory() + "dossier-dash-\(UUID().uuidString.prefix(8))"
        repository = root + "/repo"
        stateDir = root + "/state"
        let fm = FileManager.default
        let feat = repository + "/kitty-specs/" + feature
        try fm.createDirectory(atPath: feat, withIntermediateDirectories: true)
        for (name, text) in files {
            let path = feat + "/" + name
            try fm.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Environment for the dashboard under test: the state directory, nothing inherited.
    var environment: [String: String] { ["DOSSIER_STATE_DIR": stateDir] }

    /// Runs `dossier <arguments>` (or `executable <arguments>`) as a separate process (another writer of the queue).
    @discardableResult
    func dossier(
        _ arguments: [String], extraEnvironment: [String] = [], executable: String = TmuxHarness.binary
    ) async -> (status: Int32, output: String) {
        let env = TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(stateDir)"] + extraEnvironment
        let r = await blockingCall {
            tmuxSpawnAndWait([executable] + arguments, environment: env, stderrToStdout: true)
        }
        return (r.status, r.stdout)
    }
}
