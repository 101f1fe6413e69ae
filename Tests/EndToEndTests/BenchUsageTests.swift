import Foundation
import Testing

/// `dossier-bench` reads its flags as `dossier` does: a usage error exits 2 naming the flag, not ArgumentParser's 64.
@Suite struct BenchUsageTests {
    @Test(arguments: [
        (["stress-append", "--bogus", "--state-dir"], "Unknown option '--bogus'"),
        (["stress-append", "--count", "many", "--state-dir"], "The value 'many' is invalid for '--count <count>'"),
        (["no-such-command"], "Unexpected argument 'no-such-command'"),
    ])
    func usageErrorsExit2NamingTheFlag(args: [String], needle: String) async throws {
        let state = NSTemporaryDirectory() + "bench-usage-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: state) }
        // A trailing `--state-dir` gets the test's own folder.
        let r = try await BinaryRunner.run(
            args + (args.last == "--state-dir" ? [state] : []), executable: BinaryRunner.bench)
        #expect(r.exitCode == 2, "\(args): \(r.stderr)")
        #expect(r.stderr.contains(needle), "\(r.stderr)")
        // Nothing was created for a command that never ran.
        #expect(!FileManager.default.fileExists(atPath: state + "/queue.sqlite"))
    }
}
