import DossierCore
import Foundation

/// The text of the detail overlay (Enter) for one item, looked up by id in the live data (pure).
public enum DetailView {
    /// Title and lines for the item `id` of `pane`; says so when the item is gone.
    public static func content(pane: Pane, id: String, data: DashboardData, now: Date) -> (
        title: String, lines: [String]
    ) {
        switch pane {
        case .events, .queue:
            guard let e = data.event(id: id) else { return gone("Event", id) }
            return ("Event \(e.shortType) · \(e.key)", event(e, now: now))
        case .deliveries:
            guard let a = data.deliveries.first(where: { $0.id == id }) else { return gone("Delivery attempt", id) }
            return ("Delivery attempt · batch \(a.batchID)", attempt(a, data: data, now: now))
        case .drift:
            guard let d = data.drift.first(where: { $0.featureSlug == id }) else { return gone("Drift", id) }
            let feature = data.features.first { $0.snapshot.featureSlug == d.featureSlug }
            return ("Drift · \(d.featureSlug) · \(d.severity.rawValue.uppercased())", drift(d, feature: feature))
        case .features:
            guard let f = data.features.first(where: { $0.snapshot.featureSlug == id }) else {
                return gone("Feature", id)
            }
            return ("Feature · \(id)", feature(f, drift: data.drift.first { $0.featureSlug == id }))
        case .artifacts:
            for f in data.features {
                let slug = f.snapshot.featureSlug
                if let a = f.artifacts.first(where: { slug + "/" + $0.key == id }) {
                    return ("Artifact · \(a.key)", artifact(a, slug: slug))
                }
                for (i, an) in f.anomalies.enumerated() where slug + "/!\(i)/" + an.relativePath == id {
                    return (
                        "Anomaly · \(an.kind.rawValue)",
                        [
                            "feature   \(slug)", "path      \(an.relativePath)", "kind      \(an.kind.rawValue)",
                            "detail    \(an.detail)",
                        ]
                    )
                }
            }
            return gone("Artifact", id)
        }
    }

    static func gone(_ what: String, _ id: String) -> (String, [String]) {
        (what, ["\(id)", "", "(no longer in the list — it was pruned or the data changed)"])
    }

    static func event(_ e: EventRow, now: Date) -> [String] {
        var lines = [
            "event_id  \(e.id)",
            "type      \(e.eventType)",
            "feature   \(e.featureSlug)",
            "key       \(e.key)",
            "time      \(e.timestamp)",
            "state     \(e.state.label)   attempts \(e.attempts)",
        ]
        if let next = e.nextAttemptAt { lines.append("next try  \(Format.relative(next, now: now))") }
        if let err = e.lastError { lines.append("last error \(err)") }
        lines.append("")
        lines.append("Envelope (as queued, signed and sent; pretty-printed here):")
        lines += e.envelopeJSON.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        return lines
    }

    static func attempt(_ a: AttemptRow, data: DashboardData, now: Date) -> [String] {
        var lines = [
            "attempt   \(a.id)",
            "batch     \(a.batchID)  (\(a.eventIDs.count) events)",
            "started   \(Format.clock(a.startedAt)) UTC (\(Format.relative(a.startedAt, now: now)))",
            "answer    " + (a.statusCode.map { "HTTP \($0)" + (a.succeeded ? " OK" : " ERR") } ?? "no answer"),
        ]
        if let err = a.error { lines.append("error     \(err)") }
        lines.append("latency   " + (a.latencyMs.map { "\($0) ms" } ?? "—"))
        lines.append("outcome   \(a.outcome)")
        if let next = a.nextRetryAt { lines.append("next try  \(Format.relative(next, now: now))") }
        lines.append("")
        lines.append("Events in this batch:")
        for id in a.eventIDs {
            if let e = data.event(id: id) {
                lines.append(
                    "  " + TextWidth.pad(e.state.label, to: 8) + TextWidth.pad(e.shortType, to: 9) + e.key + "  " + id)
            } else {
                lines.append("  " + id)
            }
        }
        return lines
    }

    /// The report with, for added and removed artifacts, the path and hash from the scan and the baseline.
    static func drift(_ d: DriftReport, feature: FeatureSummary? = nil) -> [String] {
        DriftDetails.layout(d, feature: feature).lines
    }

    /// Completeness, counts, anomalies, drift state and parity of one feature.
    static func feature(_ f: FeatureSummary, drift: DriftReport?) -> [String] {
        let s = f.snapshot
        var lines = [
            "feature      \(s.featureSlug)",
            "mission      \(s.missionType)   step \(s.currentStep ?? "—")",
            "completeness \(s.completeness.rawValue.uppercased())   \(s.counts.requiredPresent)/\(s.counts.required) required",
            "parity       \(s.parityHashSHA256)",
        ]
        if let d = drift {
            lines.append(
                "drift        \(d.severity.rawValue.uppercased()): +\(d.missingInBaseline.count) added,"
                    + " -\(d.missingInLocal.count) removed, ~\(d.changed.count) changed (Drift, 4: details)")
        } else {
            lines.append(
                f.baseline == nil ? "drift        no baseline yet (b in Drift accepts one)" : "drift        no drift")
        }
        let anomalies =
            f.anomalies.map { "\($0.relativePath): \($0.kind.rawValue): \($0.detail)" }
            + f.artifacts.compactMap { a in a.anomaly.map { "\(a.relativePath): \($0.kind.rawValue): \($0.detail)" } }
        lines.append("anomalies    \(anomalies.count)")
        lines += anomalies.map { "  ! " + $0 }
        return lines
    }

    static func artifact(_ a: Artifact, slug: String) -> [String] {
        var lines = [
            "feature   \(slug)",
            "key       \(a.key)",
            "path      \(a.relativePath)",
            "class     \(a.artifactClass.rawValue)",
            "required  \(a.requiredStatus.rawValue)",
            "present   \(a.present ? "yes" : "NO")",
            "sha256    \(a.contentHashSHA256 ?? "—")",
            "size      \(a.sizeBytes.map { "\($0) bytes" } ?? "—")",
        ]
        if let wp = a.wpID { lines.append("wp        \(wp)") }
        if let step = a.stepID { lines.append("step      \(step)") }
        if let p = a.pathPattern { lines.append("pattern   \(p)") }
        if let an = a.anomaly { lines.append("anomaly   \(an.kind.rawValue): \(an.detail)") }
        return lines
    }
}
