import DossierCore
import Foundation

/// The drift details of one feature as a list the user moves through: the lines the overlay shows and the
/// artifacts listed in them (pure). Shared by the renderer (what to draw, what to highlight) and `UIState`
/// (what j/k choose and Enter jumps to).
public enum DriftDetails {
    /// An artifact listed in a drift report's details: Enter on it jumps to it (Artifacts) and its events.
    public struct Target: Sendable, Equatable {
        public enum Change: String, Sendable { case added, removed, changed }
        public var featureSlug: String
        public var key: String
        public var change: Change
        /// Its first line in the details (the `+`/`-`/`~` line).
        public var line: Int
    }

    /// The artifacts of the drift details of `featureSlug`, in the order they are listed (empty: no such report).
    public static func targets(featureSlug: String, data: DashboardData) -> [Target] {
        guard let d = data.drift.first(where: { $0.featureSlug == featureSlug }) else { return [] }
        return layout(d, feature: data.features.first { $0.snapshot.featureSlug == featureSlug }).targets
    }

    /// The lines of the details (Render's `DetailView` shows them) and where each artifact's entry starts.
    static func layout(_ d: DriftReport, feature: FeatureSummary?) -> (lines: [String], targets: [Target]) {
        let local = Dictionary((feature?.artifacts ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let base = Dictionary((feature?.baseline?.entries ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var targets: [Target] = []
        var lines = [
            "feature          \(d.featureSlug)",
            "severity         \(d.severity.rawValue.uppercased())",
            "local parity     \(d.localParityHash)",
            "baseline parity  \(d.baselineParityHash)",
            "",
        ]
        if !(d.missingInBaseline.isEmpty && d.missingInLocal.isEmpty && d.changed.isEmpty) {
            lines.append("j/k choose an artifact, Enter: show it in Artifacts and its events in Events")
            lines.append("")
        }
        func target(_ key: String, _ change: Target.Change) {
            targets.append(Target(featureSlug: d.featureSlug, key: key, change: change, line: lines.count))
        }
        lines.append("Added (not in the baseline): \(d.missingInBaseline.count)")
        for key in d.missingInBaseline {
            target(key, .added)
            lines.append("  + \(key)  \(local[key]?.relativePath ?? "")")
            lines.append("      new \(local[key]?.contentHashSHA256 ?? "—")")
        }
        lines.append("Removed (in the baseline, gone now): \(d.missingInLocal.count)")
        for key in d.missingInLocal {
            target(key, .removed)
            lines.append("  - \(key)  \(base[key]?.relativePath ?? "")")
            lines.append("      old \(base[key]?.contentHashSHA256 ?? "—")")
        }
        lines.append("Changed: \(d.changed.count)")
        for c in d.changed {
            target(c.key, .changed)
            lines.append("  ~ \(c.key)  \(c.relativePath)")
            lines.append("      old \(c.baselineHash)")
            lines.append("      new \(c.localHash)")
        }
        return (lines, targets)
    }
}
