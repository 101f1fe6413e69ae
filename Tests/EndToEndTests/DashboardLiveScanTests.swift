import Foundation
import Testing

/// End-to-end on the synthetic 412-feature corpus (`scripts/make-corpus.sh`): the start-up scan shows its
/// progress in the header, and `s` during a scan queues exactly one follow-up scan and says so.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardLiveScanTests {
    /// The package root (this file is Tests/EndToEndTests/…).
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// A fresh synthetic corpus of `features` features and an empty state directory.
    /// With `busyFile`, one feature also holds a sparse 16 GiB file (see below) so that a scan runs for a while.
    static func corpus(features: Int = 412, busyFile: Bool = false) async throws -> (
        root: String, repository: String, stateDir: String
    ) {
        let root = NSTemporaryDirectory() + "dossier-live-\(UUID().uuidString.prefix(8))"
        let r = await spawnOffThePool(
            ["/bin/bash", packageRoot + "/scripts/make-corpus.sh", root + "/repo", "--features", "\(features)"],
            environment: TmuxHarness.environment)
        guard r.status == 0 else { throw DashboardScaleError.setup("make-corpus.sh: \(r.stdout)") }
        // The scanner reads the 412 features' 100 MB in well under a second, too fast for a screen poll to see it
        // run. A sparse 16 GiB file (no disk space, but hashed like any other: about 18 s at 1 GB/s) keeps the
        // start-up scan busy far longer than a busy test process can go without polling, so the progress and the
        // `s` keys below meet a running scan by construction, not by luck. The follow-up scan trusts it from the
        // stat cache (unchanged, not racy), so it is quick.
        guard busyFile else { return (root, root + "/repo", root + "/state") }
        let specs = root + "/repo/kitty-specs"
        let feature = try #require(
            try FileManager.default.contentsOfDirectory(atPath: specs).filter { !$0.hasPrefix(".") }.sorted().first {
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: specs + "/" + $0, isDirectory: &isFolder)
                    && isFolder.boolValue
            })
        let big = specs + "/" + feature + "/research/zeros.bin"
        try FileManager.default.createDirectory(
            atPath: specs + "/" + feature + "/research", withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: big, contents: nil), truncate(big, 16 << 30) == 0 else {
            throw DashboardScaleError.setup("cannot make the sparse file \(big)")
        }
        return (root, root + "/repo", root + "/state")
    }

    /// The header's progress: features done/total, files, MB, MB hashed (captured) and their rate, current feature.
    static var progressLine: Regex<(Substring, Substring)> {
        /scanning \[[█░]+\] \d+% \d+\/412 features · \d+ files · [\d.]+ MB · ([\d.]+) MB hashed at [\d.]+ MB\/s · \S+/
    }

    @Test func startUpProgressAndOneFollowUpScan() async throws {
        let c = try await Self.corpus(busyFile: true)
        defer { try? FileManager.default.removeItem(atPath: c.root) }
        // 160 columns: at 120 the endpoint's state keeps its place and the current feature's name gives way (`·…`).
        let t = try TmuxHarness(
            arguments: ["--auto-flush", "0"], directory: c.repository, width: 160,
            environment: ["DOSSIER_STATE_DIR": c.stateDir])
        // The start-up scan: progress in the header (features done/total, files, MB, rate, current feature).
        let progress: String
        do {
            progress = try await t.waitUntil("start-up scan progress", timeout: .seconds(120)) {
                // (Not "first scan running" with it: that shows only until the first features come in.)
                $0.contains(Self.progressLine)
            }
        } catch let TmuxHarnessError.timeout(_, screen) {
            // Name the header and status bar in the failure (the whole screen is long).
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            Issue.record("no start-up progress; header: \(lines.prefix(4)) status: \(lines.suffix(2))")
            return
        }
        let header = progress.split(separator: "\n").prefix(4).joined(separator: "\n")
        #expect(!header.contains("no scan yet"), "\(header)")
        // The bytes hashed move while the large file hashes (no file finishes meanwhile).
        let hashed = try #require(progress.firstMatch(of: Self.progressLine).flatMap { Double($0.1) })
        try await t.waitUntil("more than \(hashed) MB hashed", timeout: .seconds(60)) { screen in
            screen.firstMatch(of: Self.progressLine).flatMap { Double($0.1) }.map { $0 > hashed } ?? false
        }

        // s during the scan: one follow-up queued, said so; a second s does not queue another.
        try t.send("s")
        try await t.waitFor("scan running: one follow-up scan queued", timeout: .seconds(30))
        try t.send("s")
        try await t.waitFor("scan running: a follow-up scan is already queued", timeout: .seconds(30))
        // The follow-up runs after the start-up scan and queues the corpus's events once.
        let done = try await t.waitUntil("the follow-up scan's summary", timeout: .seconds(400)) {
            $0.contains(/scan: 412 features, \d+ events queued/)
        }
        let match = try #require(done.firstMatch(of: /scan: 412 features, (\d+) events queued/))
        let queued = try #require(Int(match.1))
        #expect(queued > 412)
        try await t.waitFor("[1 Events (\(queued))]", timeout: .seconds(30))
        // Exactly one: no second emitting scan follows (the queue holds one scan's events).
        try await Task.sleep(for: .seconds(3))
        let counts = try await queueStatusCounts(stateDir: c.stateDir)
        #expect(counts.values.reduce(0, +) == queued)
        #expect(!(try t.screen()).contains(/│ scanning \[/))
    }
}
