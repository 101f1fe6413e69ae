import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Drives the real `dossier` binary in a real terminal: a private tmux server (own socket, so
/// tests run in parallel and never touch the user's tmux; `-f /dev/null` ignores ~/.tmux.conf)
/// with one detached session. `deinit` kills the server.
struct TmuxHarness: ~Copyable {
    let socket = "dossier-e2e-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    let target = "t"

    /// The `dossier` binary: $DOSSIER_BIN, else next to the test bundle in .build/<triple>/debug/.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["DOSSIER_BIN"], !path.isEmpty { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") || dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("dossier").path
    }

    /// The server (and so every pane) gets this environment, not the test runner's (P15): the
    /// runner may have NO_COLOR, DOSSIER_* or a non-UTF-8 LANG set.
    static let environment = [
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "HOME=" + (ProcessInfo.processInfo.environment["HOME"] ?? "/tmp"),
        "LANG=C.UTF-8",
        "TERM=xterm-256color",
    ]

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
            && FileManager.default.isExecutableFile(atPath: binary)
    }

    /// Starts `dossier <arguments>` in `directory` inside `bash -c` (not sh: dash dies from the
    /// same ^C the app handles, P12). After it exits the pane shows `EXIT=<status>` and the tty
    /// modes (`icanon echo` once the terminal is restored).
    init(
        arguments: [String], directory: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]
    ) throws {
        let command = ([Self.binary] + arguments).map(Self.quote).joined(separator: " ")
        let script =
            "cd \(Self.quote(directory)) && \(command); echo EXIT=$?; "
            + "stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | paste -sd' '; sleep 600"
        var args = ["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)"]
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(k)=\(v)"] }
        try tmux(args + ["bash", "-c", script])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let result = tmuxSpawnAndWait(
            ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + args, environment: Self.environment)
        guard result.status == 0 else {
            // stdout only holds the answer; run once more with stderr to say why it failed.
            let again = tmuxSpawnAndWait(
                ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + args, environment: Self.environment,
                stderrToStdout: true)
            if again.status == 0 { return again.stdout }
            throw TmuxHarnessError.tmuxFailed(args, status: result.status, output: again.stdout)
        }
        return result.stdout
    }

    /// Plain text of the visible pane; `escapes: true` keeps SGR color/attribute sequences.
    /// (Read-only, so a failed capture on a busy machine is simply retried.)
    func screen(escapes: Bool = false) throws -> String {
        var attempt = 0
        while true {
            do {
                return try tmux(["capture-pane", "-p", "-t", target] + (escapes ? ["-e"] : []))
            } catch  where attempt < 3 {
                attempt += 1
                usleep(100_000)
            }
        }
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", target] + keys) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls until the screen contains every one of `texts` (never sleep-then-assert, P16); throws
    /// with the last screen attached.
    @discardableResult
    func waitFor(_ texts: String..., timeout: Duration = .seconds(15)) async throws -> String {
        try await waitUntil("\(texts)", timeout: timeout) { screen in texts.allSatisfy { screen.contains($0) } }
    }

    /// Polls until `condition(screen)` holds.
    @discardableResult
    func waitUntil(_ what: String, timeout: Duration = .seconds(15), _ condition: (String) -> Bool) async throws
        -> String
    {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last = ""
        // Always look once more after the deadline: when other suites block the test pool's threads, this task
        // may resume only after the deadline, and the app (another process) has drawn in the meantime.
        while true {
            last = try screen()
            if condition(last) { return try await settled(last, condition) }
            if clock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TmuxHarnessError.timeout(waitingFor: what, screen: last)
    }
}

extension TmuxHarness {
    /// The screen once two captures 50 ms apart agree (at most 10 tries), still satisfying `condition`: a capture
    /// can land between two parts of one frame, and callers go on to check lines drawn after the ones awaited.
    fileprivate func settled(_ first: String, _ condition: (String) -> Bool) async throws -> String {
        var previous = first
        for _ in 0..<10 {
            try await Task.sleep(for: .milliseconds(50))
            let next = try screen()
            guard condition(next) else { return previous }
            if next == previous { return next }
            previous = next
        }
        return previous
    }
}

enum TmuxHarnessError: Error, CustomStringConvertible {
    case timeout(waitingFor: String, screen: String)
    case tmuxFailed([String], status: Int32, output: String)
    var description: String {
        switch self {
        case .timeout(let text, let screen): "timed out waiting for \(text); screen was:\n\(screen)"
        case .tmuxFailed(let args, let status, let output):
            "tmux \(args.joined(separator: " ")) exited with \(status): \(output)"
        }
    }
}
