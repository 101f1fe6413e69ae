import DossierCore

/// The compact human output of `dossier scan`: per feature, a header, the artifact table, anomalies, completeness
/// and parity hash. Every input-derived text (slugs, steps, paths, anomaly details) goes through `TerminalText`.
enum ScanTable {
    static func render(_ result: PipelineResult) -> String {
        let esc: (String) -> String = TerminalText.escape
        var out: [String] = []
        for (i, f) in result.features.enumerated() {
            if i > 0 { out.append("") }
            let d = f.dossier
            let s = f.snapshot
            out.append(
                "feature  \(esc(d.featureSlug))   mission \(esc(d.missionType))   step \(esc(d.currentStep ?? "-"))"
                    + " (\(esc(d.stepSource.rawValue)))")
            let rows = d.artifacts.map { a -> [String] in
                [
                    a.present ? (a.anomaly == nil ? "ok" : "!") : "MISSING",
                    a.requiredStatus == .required ? "req" : "opt",
                    a.artifactClass.rawValue, esc(a.relativePath), esc(a.wpID ?? ""),
                    a.sizeBytes.map(String.init) ?? "-",
                    a.contentHashSHA256.map { String($0.prefix(12)) } ?? "-", a.anomaly?.kind.rawValue ?? "",
                ]
            }
            out += table(header: ["", "req", "class", "path", "wp", "bytes", "sha256", "anomaly"], rows: rows)
            let others = d.anomalies
            let onArtifacts = d.artifacts.compactMap(\.anomaly)
            if !(onArtifacts.isEmpty && others.isEmpty) {
                out.append("anomalies:")
                for a in onArtifacts + others { out.append("  \(a.kind.rawValue): \(esc(a.detail))") }
            }
            let c = s.counts
            out.append(
                "completeness \(s.completeness.rawValue)   required \(c.requiredPresent)/\(c.required)   "
                    + "optional \(c.optionalPresent)/\(c.optional)   total \(c.total)")
            out.append("parity \(s.parityHashSHA256)")
            if let drift = f.drift {
                out.append(
                    drift.hasDrift
                        ? "drift \(drift.severity.rawValue): \(drift.missingInLocal.count) removed, "
                            + "\(drift.missingInBaseline.count) added, \(drift.changed.count) changed (dossier drift)"
                        : "drift none (matches the baseline)")
            } else {
                out.append("drift no baseline (dossier baseline accept)")
            }
        }
        return out.joined(separator: "\n")
    }

    static func table(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, cell) in cells.enumerated() {
                s += i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        return [line(header)] + rows.map(line)
    }
}
