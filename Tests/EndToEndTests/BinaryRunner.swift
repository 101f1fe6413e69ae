import Foundation
import TestSupport

/// Runs the real `dossier` binary built next to the test bundle and captures what it did.
enum BinaryRunner {
    /// The repository checkout (for `assets/`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The `dossier` executable in the build products folder (SwiftPM builds it first: EndToEndTests depends on it).
    static let binary = product("dossier")

    /// The `dossier-bench` executable (synthetic queue load: `stress-append`, `append`, `frames`), built alongside.
    static let bench = product("dossier-bench")

    /// The executable `name` in the build products folder next to the test bundle.
    private static func product(_ name: String) -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name).path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return repositoryRoot + "/.build/debug/" + name
    }

    /// What one run produced.
    struct Output {
        var exitCode: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `dossier args` (or `executable args`) in `cwd` with `environment` added to (or, with
    /// `replaceEnvironment`, instead of) the current one. Output goes through temp files, so large outputs cannot
    /// deadlock.
    static func run(
        _ args: [String], cwd: String? = nil, environment: [String: String] = [:], replaceEnvironment: Bool = false,
        executable: String = binary
    ) async throws -> Output {
        try await blockingCall {
            try runBlocking(
                args, cwd: cwd, environment: environment, replaceEnvironment: replaceEnvironment,
                executable: executable)
        }
    }

    private static func runBlocking(
        _ args: [String], cwd: String?, environment: [String: String], replaceEnvironment: Bool, executable: String
    ) throws -> Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outPath = dir + "/out"
        let errPath = dir + "/err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var env = replaceEnvironment ? [:] : ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DOSSIER_STATE_DIR")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(
            exitCode: process.terminationStatus,
            stdout: try Data(contentsOf: URL(fileURLWithPath: outPath)),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self))
    }

    /// A fresh temp folder.
    static func tempDirectory(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-\(tag)-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A copy of the bundled demo repository (`assets/demo`) in a temp folder; returns the copy's root.
    static func demoCopy(_ tag: String) throws -> String {
        let dir = try tempDirectory(tag) + "/repo"
        try FileManager.default.copyItem(atPath: repositoryRoot + "/assets/demo", toPath: dir)
        return dir
    }
}
