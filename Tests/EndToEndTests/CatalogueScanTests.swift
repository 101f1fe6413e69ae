import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Bad-input catalogue, part 1: odd files, manifests and meta.json given to the real `dossier scan`. A scan never
/// aborts on one odd file: it exits 0, records the problem on the artifact or as a dossier anomaly naming the path,
/// and the queue keeps every event it held.
@Suite struct CatalogueFileTests {
    enum FileCase: String, CaseIterable, Sendable {
        case latin1Markdown, invalidUTF8Json, invalidUTF8Yaml, invalidUTF8Jsonl, invalidUTF8Txt, binaryIsNotText
        case nonUTF8Name, newlineInName, nfcAndNfdTwins, longName255, leadingDashAndSpaces, emptyFile
        case bomAndCRLFKeptRaw, fifoDoesNotHang, danglingSymlink, symlinkLoop, directorySymlinkNotTraversed
        case symlinkInsideIsHashed, hiddenFilesSkipped, deepNesting, sparseLargeFile, directoryNamedLikeFile
    }

    @Test(arguments: FileCase.allCases)
    func oddFileIsRecordedAndTheScanGoesOn(_ c: FileCase) async throws {
        let w = try await CatalogueWorld("file-\(c.rawValue)")
        defer { w.cleanup() }
        switch c {
        case .latin1Markdown: try w.write("notes.md", [0x63, 0x61, 0x66, 0xE9])
        case .invalidUTF8Json: try w.write("data.json", [0x7B, 0xFF, 0x7D])
        case .invalidUTF8Yaml: try w.write("c.yaml", [0xE9, 0x74, 0xE9])
        case .invalidUTF8Jsonl: try w.write("e.jsonl", [0xC3, 0x28])
        case .invalidUTF8Txt: try w.write("t.txt", [0xF8, 0x88, 0x80, 0x80, 0x80])
        case .binaryIsNotText: try w.write("blob.bin", [0x00, 0xFF, 0xFE, 0x80])
        case .nonUTF8Name: try w.writeRawName(Array("bad".utf8) + [0xFF] + Array("name.md".utf8), contents: [0x61])
        case .newlineInName: try w.write("new\nline.md", "x")
        case .nfcAndNfdTwins:
            try w.write("caf\u{E9}.md", "nfc")
            try w.write("cafe\u{301}.md", "nfd")
        case .longName255: try w.write(String(repeating: "a", count: 252) + ".md", "long")
        case .leadingDashAndSpaces:
            try w.write("-rf.md", "dash")
            try w.write(" sp ace .md", "space")
        case .emptyFile: try w.write("empty.md", [])
        case .bomAndCRLFKeptRaw: try w.write("bom.md", [0xEF, 0xBB, 0xBF, 0x23, 0x0D, 0x0A])
        case .fifoDoesNotHang: #expect(mkfifo(w.feature + "/pipe.md", 0o644) == 0)
        case .danglingSymlink:
            try FileManager.default.createSymbolicLink(atPath: w.feature + "/d.md", withDestinationPath: "nowhere")
        case .symlinkLoop:
            try FileManager.default.createSymbolicLink(atPath: w.feature + "/a.md", withDestinationPath: "b.md")
            try FileManager.default.createSymbolicLink(atPath: w.feature + "/b.md", withDestinationPath: "a.md")
        case .directorySymlinkNotTraversed:
            try FileManager.default.createSymbolicLink(atPath: w.feature + "/up", withDestinationPath: "..")
        case .symlinkInsideIsHashed:
            try FileManager.default.createSymbolicLink(atPath: w.feature + "/alias.md", withDestinationPath: "spec.md")
        case .hiddenFilesSkipped:
            try w.write(".hidden.md", "h")
            try w.write(".git/config.md", "g")
        case .deepNesting: try w.write(Array(repeating: "d", count: 60).joined(separator: "/") + "/deep.md", "deep")
        case .sparseLargeFile:
            let path = w.feature + "/big.bin"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            #expect(truncate(path, 24 << 20) == 0)
        case .directoryNamedLikeFile:
            try FileManager.default.createDirectory(atPath: w.feature + "/dir.md", withIntermediateDirectories: true)
            try w.write("dir.md/inner.md", "inner")
        }
        let (r, f) = try await w.scanFeature()
        #expect(r.status == 0, "scan aborted: \(r.stderr)")
        let arts = f.artifactsByPath
        let anomalies = f.anomalyList
        func anomaly(_ path: String) -> String? { arts[path]?["anomaly"] as? String }
        switch c {
        case .latin1Markdown:
            #expect(anomaly("notes.md") == "invalid_format")
            let detail = arts["notes.md"]?["anomaly_detail"] as? String
            #expect(detail?.contains("notes.md") == true)
        case .invalidUTF8Json: #expect(anomaly("data.json") == "invalid_format")
        case .invalidUTF8Yaml: #expect(anomaly("c.yaml") == "invalid_format")
        case .invalidUTF8Jsonl: #expect(anomaly("e.jsonl") == "invalid_format")
        case .invalidUTF8Txt: #expect(anomaly("t.txt") == "invalid_format")
        case .binaryIsNotText:
            #expect(arts["blob.bin"] != nil)
            #expect(anomaly("blob.bin") == nil)
        case .nonUTF8Name:
            let odd = arts.keys.first { $0.hasPrefix("bad") }
            #expect(odd != nil, "\(arts.keys)")
            #expect(odd.flatMap(anomaly) == "unusual_name")
        case .newlineInName: #expect(anomaly("new\nline.md") == "unusual_name")
        case .nfcAndNfdTwins:
            let twins = (f["artifacts"] as? [[String: Any]] ?? []).filter {
                ($0["relative_path"] as? String)?.unicodeScalars.first == "c"
            }
            #expect(twins.count == 2, "NFC and NFD names must both be kept: \(twins.count)")
        case .longName255: #expect(arts[String(repeating: "a", count: 252) + ".md"] != nil)
        case .leadingDashAndSpaces:
            #expect(arts["-rf.md"] != nil)
            #expect(arts[" sp ace .md"] != nil)
        case .emptyFile:
            #expect(anomaly("empty.md") == "empty_file")
            #expect(
                arts["empty.md"]?["content_hash_sha256"] as? String
                    == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        case .bomAndCRLFKeptRaw:
            #expect(arts["bom.md"]?["size_bytes"] as? Int == 6)
            #expect(
                arts["bom.md"]?["content_hash_sha256"] as? String == (try await catalogueSHA256(w.feature + "/bom.md")))
        case .fifoDoesNotHang:
            #expect(anomalies.contains { $0.kind == "not_regular_file" && $0.path == "pipe.md" })
            #expect(arts["pipe.md"] == nil)
        case .danglingSymlink:
            #expect(anomalies.contains { $0.kind == "broken_symlink" && $0.detail.contains("d.md") })
        case .symlinkLoop: #expect(anomalies.filter { $0.kind == "broken_symlink" }.count == 2)
        case .directorySymlinkNotTraversed:
            #expect(anomalies.contains { $0.kind == "directory_symlink" && $0.path == "up" })
            #expect(!arts.keys.contains { $0.hasPrefix("up/") })
        case .symlinkInsideIsHashed:
            #expect(
                arts["alias.md"]?["content_hash_sha256"] as? String == arts["spec.md"]?["content_hash_sha256"]
                    as? String)
        case .hiddenFilesSkipped:
            #expect(!arts.keys.contains { $0.contains(".hidden") || $0.hasPrefix(".git") })
        case .deepNesting:
            #expect(arts.keys.contains { $0.hasSuffix("/deep.md") })
        case .sparseLargeFile:
            #expect(arts["big.bin"]?["size_bytes"] as? Int == 24 << 20)
            #expect(
                arts["big.bin"]?["content_hash_sha256"] as? String
                    == (try await catalogueSHA256(w.feature + "/big.bin")))
        case .directoryNamedLikeFile:
            #expect(arts["dir.md/inner.md"] != nil)
            #expect(arts["dir.md"] == nil)
        }
        try await w.expectQueueLostNothing()
    }

    /// Unreadable files need a non-root user (root reads through mode 000).
    @Test(.enabled(if: getuid() != 0, "root reads files of mode 000"))
    func unreadableFileIsAnAnomalyNotAnAbort() async throws {
        let w = try await CatalogueWorld("unreadable")
        defer { w.cleanup() }
        try w.write("secret.md", "x")
        chmod(w.feature + "/secret.md", 0)
        let (r, f) = try await w.scanFeature()
        #expect(r.status == 0)
        #expect(f.artifactsByPath["secret.md"]?["anomaly"] as? String == "unreadable")
        try await w.expectQueueLostNothing()
    }

    /// Files appear, vanish, grow and turn into folders while the scan runs: it never aborts or crashes.
    @Test func filesChangingDuringTheScanNeverAbortIt() async throws {
        let w = try await CatalogueWorld("race")
        defer { w.cleanup() }
        for i in 0..<300 { try w.write("docs/f\(i).md", String(repeating: "x", count: i)) }
        let stop = CatalogueFlag()
        let churn = Thread {
            var n = 0
            while !stop.isSet {
                let p = w.feature + "/docs/f\(n % 300).md"
                unlink(p)
                if n % 3 == 0 {
                    mkdir(p, 0o755)
                    rmdir(p)
                }
                _ = FileManager.default.createFile(atPath: p, contents: Data(repeating: 0x61, count: n % 5000))
                n += 1
            }
        }
        churn.start()
        defer { stop.set() }
        for _ in 0..<4 {
            let (r, f) = try await w.scanFeature()
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!f.isEmpty)
        }
        stop.set()
        try await w.expectQueueLostNothing()
    }

    @Test func missingPathIsExit2NamingIt() async throws {
        let w = try await CatalogueWorld("nopath")
        defer { w.cleanup() }
        let r = try await w.run(["scan", w.dir + "/no-such-folder"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no-such-folder") && r.stderr.contains("no such file"))
        try await w.expectQueueLostNothing()
    }

    @Test func fileGivenAsPathIsExit2NamingIt() async throws {
        let w = try await CatalogueWorld("filepath")
        defer { w.cleanup() }
        let r = try await w.run(["scan", w.feature + "/spec.md"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("spec.md") && r.stderr.contains("not a directory"))
        try await w.expectQueueLostNothing()
    }
}

final class CatalogueFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// Bad-input catalogue, part 2: repository manifest overrides (`.dossier/manifests/<mission>.yaml`). A malformed
/// manifest stops the scan with exit 2 and one line naming the file, the line and the field.
@Suite struct CatalogueManifestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var expect: [String]
        var testDescription: String { name }
    }

    static let header = "mission_type: software-dev\nmanifest_version: 1\nsteps: [a]\n"
    static func entry(_ klass: String = "input", blocking: String = "true", key: String = "x") -> String {
        "  - artifact_key: \(key)\n    artifact_class: \(klass)\n    path_pattern: x.md\n    blocking: \(blocking)\n"
    }

    static let cases: [Case] = [
        Case(name: "not YAML", bytes: Array(": : :\n".utf8), expect: ["invalid YAML"]),
        Case(name: "empty", bytes: [], expect: ["empty"]),
        Case(name: "invalid UTF-8", bytes: [0x6D, 0xFF, 0x3A], expect: ["UTF-8"]),
        Case(
            name: "mission_type mismatch",
            bytes: Array((header.replacingOccurrences(of: "software-dev", with: "research")).utf8),
            expect: ["mission_type", "research"]),
        Case(
            name: "manifest_version missing", bytes: Array("mission_type: software-dev\n".utf8),
            expect: ["manifest_version"]),
        Case(
            name: "unknown artifact_class", bytes: Array((header + "required_always:\n" + entry("other")).utf8),
            expect: [":6:", "artifact_class", "other"]),
        Case(
            name: "blocking not a bool", bytes: Array((header + "required_always:\n" + entry(blocking: "maybe")).utf8),
            expect: [":8:", "blocking", "maybe"]),
        Case(
            name: "a list where a map is expected", bytes: Array((header + "required_always: 7\n").utf8),
            expect: ["required_always"]),
        Case(name: "a top-level list", bytes: Array("- a\n- b\n".utf8), expect: ["software-dev.yaml"]),
        Case(
            name: "too large (over 1 MiB)", bytes: Array(("# " + String(repeating: "x", count: 1 << 20) + "\n").utf8),
            expect: ["software-dev.yaml"]),
    ]

    @Test(arguments: cases)
    func malformedManifestIsExit2NamingFileAndField(_ c: Case) async throws {
        let w = try await CatalogueWorld("manifest")
        defer { w.cleanup() }
        try FileManager.default.createDirectory(
            atPath: w.repo + "/.dossier/manifests", withIntermediateDirectories: true)
        try Data(c.bytes).write(to: URL(fileURLWithPath: w.repo + "/.dossier/manifests/software-dev.yaml"))
        let r = try await w.run(["scan", w.repo])
        #expect(r.status == 2, "\(c.name): exit \(r.status), \(r.stdout.prefix(200))")
        #expect(r.stderr.contains(".dossier/manifests/software-dev.yaml"), "\(r.stderr)")
        for needle in c.expect { #expect(r.stderr.contains(needle), "'\(needle)' not in: \(r.stderr)") }
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        try await w.expectQueueLostNothing()
    }

    @Test func manifestThatIsAFolderIsExit2() async throws {
        let w = try await CatalogueWorld("manifest-dir")
        defer { w.cleanup() }
        try FileManager.default.createDirectory(
            atPath: w.repo + "/.dossier/manifests/software-dev.yaml", withIntermediateDirectories: true)
        let r = try await w.run(["scan", w.repo])
        #expect(r.status == 2)
        #expect(r.stderr.contains("software-dev.yaml") && r.stderr.contains("directory"))
        try await w.expectQueueLostNothing()
    }
}

/// Bad-input catalogue, part 3: `meta.json`. A bad meta.json is an `invalid_metadata` anomaly naming the field;
/// the scan goes on with defaults (exit 0).
@Suite struct CatalogueMetaTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var expect: String
        var mission: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "not JSON", bytes: Array("{bad".utf8), expect: "not valid JSON", mission: "software-dev"),
        Case(
            name: "mission_type a number", bytes: Array(#"{"mission_type": 5}"#.utf8), expect: "mission_type",
            mission: "software-dev"),
        Case(
            name: "unknown step", bytes: Array(#"{"current_step": "nope"}"#.utf8), expect: "nope",
            mission: "software-dev"),
        Case(name: "a JSON array", bytes: Array("[1,2]".utf8), expect: "meta.json", mission: "software-dev"),
        Case(
            name: "invalid UTF-8", bytes: [0x7B, 0x22, 0xFF, 0x22, 0x7D], expect: "meta.json", mission: "software-dev"),
        Case(name: "empty", bytes: [], expect: "meta.json", mission: "software-dev"),
    ]

    @Test(arguments: cases)
    func badMetaJSONIsAnAnomalyAndTheScanGoesOn(_ c: Case) async throws {
        let w = try await CatalogueWorld("meta")
        defer { w.cleanup() }
        try w.write("meta.json", c.bytes)
        let (r, f) = try await w.scanFeature()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(f["mission_type"] as? String == c.mission)
        let meta = f.anomalyList.filter { $0.kind == "invalid_metadata" }
        #expect(meta.contains { $0.detail.contains(c.expect) }, "\(f.anomalyList)")
        try await w.expectQueueLostNothing()
    }

    /// A mission type that looks like a path never reaches the file system: completeness is `unknown`.
    @Test func pathTraversalMissionTypeIsUnknownNotRead() async throws {
        let w = try await CatalogueWorld("meta-traversal")
        defer { w.cleanup() }
        try w.write("meta.json", #"{"mission_type": "../../../../etc/passwd"}"#)
        let (r, f) = try await w.scanFeature()
        #expect(r.status == 0)
        #expect(f["completeness"] as? String == "unknown")
        try await w.expectQueueLostNothing()
    }

    @Test func unknownStepFlagIsExit2ListingTheSteps() async throws {
        let w = try await CatalogueWorld("step-flag")
        defer { w.cleanup() }
        let r = try await w.run(["scan", w.repo, "--step", "bogus"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--step 'bogus'") && r.stderr.contains("specify"))
        try await w.expectQueueLostNothing()
    }
}
