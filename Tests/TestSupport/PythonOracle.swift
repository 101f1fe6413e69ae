import Foundation

/// Independent Python implementations the tests compare against (jsonschema, standardwebhooks).
///
/// A suite that needs one is `.enabled(if: PythonOracle.usable(…))`: skipped, and reported as skipped, on a
/// developer machine without the module; under `CI=true` it always runs, so a missing oracle fails, never passes.
public enum PythonOracle {
    /// True when CI runs the tests (`.ci/run` exports `CI=true` and installs every oracle).
    public static var requiredByCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether a suite needing `modules` should run: under CI always, elsewhere when `python3` imports them.
    public static func usable(_ modules: String...) -> Bool {
        requiredByCI || canImport(modules)
    }

    /// Whether `python3 -c "import …"` succeeds (run once per call, at suite setup).
    public static func canImport(_ modules: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import " + modules.joined(separator: ", ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
