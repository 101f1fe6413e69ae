import Foundation
import TestSupport
import Testing

/// The Python interpreters (virtual environments with `spec-kitty-events` and `jsonschema`) the spec-kitty-events
/// tests check dossier's export with: `DOSSIER_SPEC_KITTY_PYTHONS`, colon-separated (`.ci/run` sets it to a 11.0.0
/// and a 6.1.0 venv). Under `CI=true` the tests run and FAIL when it is unset or a package is missing; elsewhere they
/// are disabled with that reason.
enum SpecKittyPythons {
    static let variable = "DOSSIER_SPEC_KITTY_PYTHONS"
    static let script = BinaryRunner.repositoryRoot + "/Tests/SpecKittyEvents/check_spec_kitty_events.py"

    static var configured: [String] {
        (ProcessInfo.processInfo.environment[variable] ?? "").split(separator: ":").map(String.init)
            .filter { !$0.isEmpty }
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether the tests run: always under CI (where a missing package is a failure), else when configured.
    static var enabled: Bool { isCI || !configured.isEmpty }

    static let disabledReason: Comment =
        "set DOSSIER_SPEC_KITTY_PYTHONS to venv pythons with spec-kitty-events (see .ci/run); required under CI=true"

    /// The interpreters, each checked to import the package; records a failure (never a skip) when none is usable.
    static func interpreters() async -> [String] {
        let list = configured
        if list.isEmpty {
            Issue.record("\(variable) is not set: CI must install spec-kitty-events 11.0.0 and 6.1.0 (see .ci/run)")
            return []
        }
        var usable: [String] = []
        for python in list {
            guard let r = try? await run(python, ["-c", "import spec_kitty_events, jsonschema"]), r.status == 0 else {
                Issue.record("\(python) cannot import spec_kitty_events and jsonschema")
                continue
            }
            usable.append(python)
        }
        return usable
    }

    /// Runs `python args` to completion.
    static func run(_ python: String, _ args: [String]) async throws -> QueueE2E.Result {
        try await blockingCall { try runBlocking(python, args) }
    }

    private static func runBlocking(_ python: String, _ args: [String]) throws -> QueueE2E.Result {
        let dir = try QueueE2E.tempDir("py")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outPath = dir + "/out"
        let errPath = dir + "/err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = args
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return QueueE2E.Result(
            status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self), stdoutData: out)
    }

    /// `check_spec_kitty_events.py args` with `python`.
    static func check(_ python: String, _ args: [String]) async throws -> QueueE2E.Result {
        try await run(python, [script] + args)
    }

    /// Parses one JSON document.
    static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// Equality of two parsed JSON documents (object key order ignored).
    static func sameJSON(_ a: Any?, _ b: Any?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return NSDictionary(dictionary: ["v": a]).isEqual(to: ["v": b])
    }
}
