import DossierCore
import Foundation
import GRDB
import Testing

/// File names, feature slugs, dead reasons and endpoint reasons with ESC, CR, LF, other C0/C1 controls, DEL or
/// bidi overrides reach human output escaped (`\x1B`, `\r`, `\n`, `\x7F`, `\u{85}`, `\u{202E}`) and JSON exactly.
@Suite struct TerminalEscapingCLITests {
    /// Raw name → the one spelling every human output must show.
    static let names: [(raw: String, shown: String)] = [
        ("clear\u{1B}[2J\u{1B}[H.md", "clear\\x1B[2J\\x1B[H.md"),
        ("cr\rMISSING  req.md", "cr\\rMISSING  req.md"),
        ("lf\nMISSING  req  output  forged.md", "lf\\nMISSING  req  output  forged.md"),
        ("tab\tdel\u{7F}bell\u{07}.md", "tab\\tdel\\x7Fbell\\x07.md"),
        ("c1\u{85}csi\u{9B}31m.md", "c1\\u{85}csi\\u{9B}31m.md"),
        ("bidi\u{202E}dm.exe.md", "bidi\\u{202E}dm.exe.md"),
        ("back\\slash.md", "back\\slash.md"),
    ]

    /// Only printable text and line breaks.
    static func expectNoControls(_ text: String, _ context: String, layout: Set<Unicode.Scalar> = ["\n"]) {
        let bad = text.unicodeScalars.filter { !layout.contains($0) && TerminalText.needsEscape($0) && $0 != "\\" }
        #expect(bad.isEmpty, "\(context): raw \(bad.map { String($0.value, radix: 16) })")
    }

    @Test func scanTableDriftAndErrorsShowEscapedNamesAndJSONStaysExact() async throws {
        let repo = try BinaryRunner.demoCopy("escape")
        let dir = (repo as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let feature = repo + "/kitty-specs/001-demo-checkout"
        let state = dir + "/state"
        for (raw, _) in Self.names {
            try Data("hostile\n".utf8).write(to: URL(fileURLWithPath: feature + "/notes/" + raw))
        }
        let accept = try await BinaryRunner.run(["baseline", "accept", repo, "--state-dir", state])
        #expect(accept.exitCode == 0, "\(accept.stderr)")
        Self.expectNoControls(accept.stdoutText, "baseline accept")
        let table = try await BinaryRunner.run(["scan", repo, "--state-dir", state, "--no-emit"])
        Self.expectNoControls(table.stdoutText, "scan table")
        // Changed content: drift names each file by its (escaped) path.
        for (raw, _) in Self.names {
            try Data("changed\n".utf8).write(to: URL(fileURLWithPath: feature + "/notes/" + raw))
        }
        let drift = try await BinaryRunner.run(["drift", repo, "--state-dir", state])
        #expect(drift.exitCode == 1, "\(drift.stderr)")
        Self.expectNoControls(drift.stdoutText, "drift")
        for (_, shown) in Self.names {
            #expect(table.stdoutText.contains(" notes/\(shown) "), "scan table lacks \(shown)")
            #expect(drift.stdoutText.contains("  notes/\(shown)\n"), "drift lacks \(shown)")
        }
        // JSON keeps the exact names.
        let json = try await BinaryRunner.run(["scan", repo, "--state-dir", state, "--no-emit", "--json"])
        let paths = Self.relativePaths(json.stdout)
        for (raw, _) in Self.names { #expect(paths.contains("notes/" + raw), "JSON lost \(raw.debugDescription)") }
        // An error naming an input path: one escaped line.
        let missing = try await BinaryRunner.run(["scan", dir + "/no\u{1B}[2Jsuch\nplace", "--state-dir", state])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr == "dossier: scan: \(dir)/no\\x1B[2Jsuch\\nplace: no such file or directory\n")
        Self.expectNoControls(missing.stderr, "error")
    }

    static func relativePaths(_ json: Data) -> Set<String> {
        var out: Set<String> = []
        func walk(_ value: Any) {
            if let d = value as? [String: Any] {
                if let p = d["relative_path"] as? String { out.insert(p) }
                d.values.forEach(walk)
            } else if let a = value as? [Any] {
                a.forEach(walk)
            }
        }
        if let root = try? JSONSerialization.jsonObject(with: json) { walk(root) }
        return out
    }

    @Test func queueListAndStatusEscapeSlugsDeadReasonsAndEndpointReasons() async throws {
        let dir = try BinaryRunner.tempDirectory("escape-queue")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"
        let slug = "007-evil\u{1B}]0;pwned\u{07}"
        let repo = dir + "/repo/kitty-specs/" + slug
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        try Data("# spec\n".utf8).write(to: URL(fileURLWithPath: repo + "/spec.md"))
        let scan = try await BinaryRunner.run(["scan", dir + "/repo", "--state-dir", state])
        #expect(scan.exitCode == 0 || scan.exitCode == 1, "\(scan.stderr)")
        Self.expectNoControls(scan.stdoutText, "scan")
        #expect(scan.stdoutText.contains("feature  007-evil\\x1B]0;pwned\\x07   mission"))
        // A dead letter whose reason came from a server, and an endpoint paused with a hostile reason.
        let queue = try EventQueue(path: state + "/queue.sqlite")
        let claimed = try await queue.claimDue(now: Date(), limit: 1, maxBytes: 1 << 20, leaseSeconds: 60, owner: "t")
        let victim = try #require(claimed.first)
        try await queue.complete(
            [.dead(victim.eventID, reason: "422 \u{1B}[31mforged\r\nline\u{9B}")], owner: "t", now: Date())
        let hostile = "http://127.0.0.1:9/\u{1B}[2J"
        let attempt = DeliveryAttemptLog(
            batchID: "b", endpoint: hostile, startedAt: Date(timeIntervalSince1970: 0), latencyMs: 1, eventIDs: [],
            byteCount: 0, statusCode: 410, error: nil, outcome: "paused", nextRetryAt: nil)
        try await queue.commit(
            DeliveryCommit(
                attempts: [
                    AttemptCompletion(outcomes: [], now: Date(), log: attempt, verdict: .paused("410 gone\u{1B}[H"))
                ],
                releasedAt: Date()),
            owner: "t")
        let before = try queue.status().counts
        let list = try await BinaryRunner.run(["queue", "list", "--state-dir", state])
        #expect(list.exitCode == 0, "\(list.stderr)")
        Self.expectNoControls(list.stdoutText, "queue list", layout: ["\n", "\t"])
        #expect(list.stdoutText.contains("\t007-evil\\x1B]0;pwned\\x07"))
        #expect(list.stdoutText.contains("\terror=422 \\x1B[31mforged\\r\\nline\\u{9B}\n"))
        let status = try await BinaryRunner.run(["queue", "status", "--state-dir", state])
        #expect(status.exitCode == 0, "\(status.stderr)")
        Self.expectNoControls(status.stdoutText, "queue status")
        #expect(status.stdoutText.contains("endpoint  http://127.0.0.1:9/\\x1B[2J: paused (410 gone\\x1B[H)\n"))
        // JSON stays exact.
        let json = try await BinaryRunner.run(["queue", "list", "--json", "--state-dir", state])
        let rows = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(rows.contains { $0["last_error"] as? String == "422 \u{1B}[31mforged\r\nline\u{9B}" })
        #expect(try queue.status().counts == before, "the queue changed")
    }
}
