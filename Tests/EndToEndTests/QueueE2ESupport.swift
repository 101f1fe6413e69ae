import Foundation
import TestSupport

/// Runs the real `dossier` binary for the queue, events and crash tests.
enum QueueE2E {
    static var repositoryRoot: String { BinaryRunner.repositoryRoot }

    /// The `dossier` binary next to the test bundle (located once, by `BinaryRunner`).
    static var binary: String { BinaryRunner.binary }

    /// The `dossier-bench` binary (synthetic queue load).
    static var bench: String { BinaryRunner.bench }

    static func tempDir(_ tag: String) throws -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "dossier-\(tag)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data
    }

    /// Runs `dossier args` (or `launcher + [executable] + args`; `executable` defaults to `dossier`) to completion;
    /// output goes through files, so large outputs cannot deadlock.
    static func run(
        _ args: [String], cwd: String? = nil, stdin: Data? = nil, environment: [String: String] = [:],
        launcher: [String] = [], executable: String = BinaryRunner.binary
    ) async throws -> Result {
        try await blockingCall {
            try runBlocking(
                args, cwd: cwd, stdin: stdin, environment: environment, launcher: launcher, executable: executable)
        }
    }

    private static func runBlocking(
        _ args: [String], cwd: String?, stdin: Data?, environment: [String: String], launcher: [String],
        executable binary: String
    ) throws -> Result {
        let dir = try tempDir("run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outPath = dir + "/out"
        let errPath = dir + "/err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Process()
        if launcher.isEmpty {
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = args
        } else {
            p.executableURL = URL(fileURLWithPath: launcher[0])
            p.arguments = Array(launcher.dropFirst()) + [binary] + args
        }
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DOSSIER_STATE_DIR")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        if let stdin {
            let inPath = dir + "/in"
            _ = FileManager.default.createFile(atPath: inPath, contents: stdin)
            p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        try p.run()
        p.waitUntilExit()
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self), stdoutData: out)
    }
}
