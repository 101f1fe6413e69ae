import Foundation

/// Lays out the bundled demo mission (a small repository with `kitty-specs/001-demo-checkout/`) on disk so the
/// dashboard can run on it with no set-up. Existing files are kept, so a user's edits survive and show as drift.
public enum DemoMission {
    /// Why the demo could not be written.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot lay out the demo mission at \(path): \(reason)" }
    }

    /// The default place of the demo: `$DOSSIER_DEMO_DIR`, else `$XDG_STATE_HOME/dossier/demo`,
    /// else `~/.local/state/dossier/demo`.
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let explicit = environment["DOSSIER_DEMO_DIR"], !explicit.isEmpty { return explicit }
        let stateHome = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSTemporaryDirectory()) as NSString).appendingPathComponent(".local/state")
        return (stateHome as NSString).appendingPathComponent("dossier/demo")
    }

    /// Writes every embedded demo file that does not exist yet under `directory` and returns the files written.
    @discardableResult
    public static func materialize(into directory: String) throws(WriteError) -> [String] {
        let fm = FileManager.default
        var written: [String] = []
        for file in EmbeddedDemo.files {
            let target = (directory as NSString).appendingPathComponent(file.path)
            if fm.fileExists(atPath: target) { continue }
            guard let bytes = Data(base64Encoded: file.base64) else {
                throw WriteError(path: target, reason: "embedded copy is not valid base64 (rerun scripts/embed-demo.sh)")
            }
            do throws(OwnerOnlyError) {
                try OwnerOnlyFiles.makeDirectories((target as NSString).deletingLastPathComponent)
            } catch {
                throw WriteError(path: error.path, reason: error.problem)
            }
            do {
                try bytes.write(to: URL(fileURLWithPath: target), options: .atomic)
                try fm.setAttributes([.posixPermissions: Int(OwnerOnlyFiles.fileMode)], ofItemAtPath: target)
            } catch {
                throw WriteError(path: target, reason: error.localizedDescription)
            }
            written.append(file.path)
        }
        return written
    }

    /// The file a "teammate" adds to the demo a few seconds after start, so a drift shows within the first half
    /// minute without typing (relative to the demo's root).
    public static let teammateFile = "kitty-specs/001-demo-checkout/notes/review.md"

    /// Adds `teammateFile` under `directory` unless it is there already (kept between runs, like a user's edits:
    /// from the second run on, the drift is there from the start). Returns true when it wrote the file.
    @discardableResult
    public static func teammateEdit(in directory: String) throws(WriteError) -> Bool {
        let target = (directory as NSString).appendingPathComponent(teammateFile)
        guard !FileManager.default.fileExists(atPath: target) else { return false }
        let text = "# Review notes\n\n- Checked the VAT rules against the plan: OK.\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
            try FileManager.default.setAttributes(
                [.posixPermissions: Int(OwnerOnlyFiles.fileMode)], ofItemAtPath: target)
        } catch {
            throw WriteError(path: target, reason: error.localizedDescription)
        }
        return true
    }

    /// The feature folders of the demo, relative to its root.
    public static var featurePaths: [String] {
        var seen: [String] = []
        for file in EmbeddedDemo.files {
            let parts = file.path.split(separator: "/")
            guard parts.count > 2, parts[0] == "kitty-specs" else { continue }
            let feature = "kitty-specs/\(parts[1])"
            if !seen.contains(feature) { seen.append(feature) }
        }
        return seen
    }
}
