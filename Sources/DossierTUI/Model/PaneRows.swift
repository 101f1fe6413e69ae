import DossierCore
import Foundation

/// One selectable row of a list pane. `id` is stable across refreshes (event id, attempt id,
/// feature slug, slug/key), so the selection follows the item while rows move.
public struct ListRow: Sendable, Equatable {
    public var id: String
    public var style: Style
    /// The row's parts by priority, when it has some: a narrow pane drops or cuts the least important first
    /// (`LineFit`), so counts and badges stay whole. `text` is their concatenation.
    public var segments: [Segment]
    /// The text of a row without segments (a row with segments does not keep its text twice: ~11,000 Artifacts
    /// rows on a 412-feature repository).
    private var plain: String

    /// The whole row's text (what `/` filters).
    public var text: String { segments.isEmpty ? plain : segments.map(\.text).joined() }

    public init(id: String, text: String, style: Style = .normal) {
        self.id = id
        self.plain = text
        self.style = style
        self.segments = []
    }

    /// A row made of prioritized parts.
    public init(id: String, segments: [Segment], style: Style = .normal) {
        self.id = id
        self.plain = ""
        self.style = style
        self.segments = segments
    }

    /// The text to draw in `width` columns.
    public func fitted(to width: Int) -> String {
        segments.isEmpty ? TextWidth.truncate(text, to: width) : LineFit.text(segments, width: width)
    }
}

/// Builds the rows of each list pane from the data (pure). Each row's text carries its meaning
/// in words/symbols (`DEAD ✗`, `ERR`, `WARNING`), color only adds emphasis.
public enum PaneRows {
    /// The rows of `pane`, before filtering. For the paged panes (Events, Queue): the rows of their window
    /// (`window(_:data:request:frozen:now:)`).
    /// `scope`: the feature the Features pane scoped to; Drift and Artifacts list only its rows.
    public static func all(
        _ pane: Pane, data: DashboardData, events: [EventRow]? = nil, now: Date, scope: String? = nil
    ) -> [ListRow] {
        switch pane {
        case .events: (events ?? data.pages[.events]?.rows ?? data.events).map(eventRow)
        case .queue: (data.pages[.queue]?.rows ?? queueEvents(data.events)).map { queueRow($0, now: now) }
        case .deliveries: data.deliveries.map { attemptRow($0, now: now) }
        case .drift: data.drift.filter { scope == nil || $0.featureSlug == scope }.map(driftRow)
        case .artifacts: artifactRows(data, scope: scope)
        case .features: featureRows(data, scope: scope)
        }
    }

    /// The window a paged pane shows: the frozen one while the feed is paused (Events), the data source's
    /// page, else one built from the in-memory events (filter applied to the row text here).
    public static func window(
        _ pane: Pane, data: DashboardData, request: PageRequest, frozen: EventWindow?, now: Date
    ) -> EventWindow {
        if pane == .events, let frozen { return frozen }
        if let page = data.pages[pane] { return page }
        let needle = request.filter.lowercased()
        return PagedList.window(pane, events: data.events, request: request) { e in
            row(pane, e, now: now).text.lowercased().contains(needle)
        }
    }

    /// The list row of one event in a paged pane.
    public static func row(_ pane: Pane, _ e: EventRow, now: Date) -> ListRow {
        pane == .queue ? queueRow(e, now: now) : eventRow(e)
    }

    /// The rows of `pane` that match `filter` (case-insensitive substring; empty = all).
    public static func filtered(
        _ pane: Pane, data: DashboardData, events: [EventRow]? = nil, filter: String, now: Date, scope: String? = nil
    ) -> [ListRow] {
        let rows = all(pane, data: data, events: events, now: now, scope: scope)
        return apply(filter: filter, to: rows)
    }

    /// Case-insensitive substring filter over the row text.
    public static func apply(filter: String, to rows: [ListRow]) -> [ListRow] {
        let needle = filter.lowercased()
        guard !needle.isEmpty else { return rows }
        return rows.filter { $0.text.lowercased().contains(needle) }
    }

    /// `  042-login` after the key, unless the key is the feature itself (snapshot and drift events).
    static func featureSuffix(_ e: EventRow) -> String {
        e.key == e.featureSlug || e.featureSlug.isEmpty ? "" : "  " + e.featureSlug
    }

    /// The key and the feature of an event: the feature outlasts the key in a narrow pane.
    static func keyAndFeature(_ e: EventRow) -> [Segment] {
        let suffix = featureSuffix(e)
        var parts = [Segment(e.key, priority: suffix.isEmpty ? 8 : 5, cuttable: true)]
        if !suffix.isEmpty { parts.append(Segment(suffix, priority: 8, cuttable: true)) }
        return parts
    }

    static func eventRow(_ e: EventRow) -> ListRow {
        let segments =
            [
                Segment(TextWidth.pad(e.state.label, to: 8), priority: 10),
                Segment(Format.clock(e.timestamp) + " ", priority: 7, onlyFrom: 56),
                Segment(TextWidth.pad(e.shortType, to: 9), priority: 6),
            ] + keyAndFeature(e)
        return ListRow(id: e.id, segments: segments, style: style(for: e.state))
    }

    static func style(for state: QueueState) -> Style {
        switch state {
        case .pending: .normal
        case .inFlight: .accent
        case .delivered: .ok
        case .dead: .error
        }
    }

    /// Events that still need something: dead first (retry candidates), then in flight, then pending.
    static func queueEvents(_ events: [EventRow]) -> [EventRow] {
        [QueueState.dead, .inFlight, .pending].flatMap { state in events.filter { $0.state == state } }
    }

    /// `DEAD ✗  missing  tasks  042-login  ×8  rejected: …`.
    static func queueRow(_ e: EventRow, now: Date) -> ListRow {
        var segments =
            [
                Segment(TextWidth.pad(e.state.label, to: 8), priority: 10),
                Segment(TextWidth.pad(e.shortType, to: 9), priority: 6),
            ]
            + keyAndFeature(e)
        if e.attempts > 0 { segments.append(Segment("  ×\(e.attempts)", priority: 9)) }
        if let next = e.nextAttemptAt, e.state == .pending {
            segments.append(Segment("  " + Format.due(next, now: now), priority: 9))
        }
        if let err = e.lastError, !err.isEmpty { segments.append(Segment("  " + err, priority: 3, cuttable: true)) }
        return ListRow(id: e.id, segments: segments, style: style(for: e.state))
    }

    /// `503 ERR   1 ev   12ms  retry in 5s  18:03:04`: answer, batch size, latency, outcome and
    /// next retry, error text, then the time (least important, clipped first).
    static func attemptRow(_ a: AttemptRow, now: Date) -> ListRow {
        let status = a.statusCode.map { "\($0)" + (a.succeeded ? " OK" : " ERR") } ?? "NO ANSWER"
        var segments = [
            Segment(TextWidth.pad(status, to: 9), priority: 10),
            Segment(TextWidth.padLeft("\(a.eventIDs.count)", to: 3) + " ev ", priority: 9),
            Segment(TextWidth.padLeft(a.latencyMs.map { "\($0)ms" } ?? "—", to: 6) + "  ", priority: 4),
        ]
        var outcome = a.outcome
        if let next = a.nextRetryAt, !a.succeeded {
            let when = "retry " + Format.relative(next, now: now)
            outcome = outcome == "retry" || outcome.isEmpty ? when : outcome + ", " + when
        }
        segments.append(Segment(outcome, priority: 8, cuttable: true))
        if let err = a.error, !err.isEmpty { segments.append(Segment("  " + err, priority: 3, cuttable: true)) }
        segments.append(Segment("  " + Format.clock(a.startedAt), priority: 2))
        return ListRow(id: a.id, segments: segments, style: a.succeeded ? .ok : .error)
    }

    static func driftRow(_ d: DriftReport) -> ListRow {
        let segments = [
            Segment(TextWidth.pad(d.severity.rawValue.uppercased(), to: 8), priority: 10),
            Segment(d.featureSlug, priority: 8, cuttable: true),
            Segment("  +\(d.missingInBaseline.count) -\(d.missingInLocal.count) ~\(d.changed.count)", priority: 9),
        ]
        let style: Style =
            switch d.severity {
            case .error: .error
            case .warning: .warning
            case .info: .accent
            }
        return ListRow(id: d.featureSlug, segments: segments, style: style)
    }

    /// `✓ 042-login  5/5 req  ! 2 anom  drift WARNING +1 -0 ~2  parity 3f2a…`: completeness, anomalies, drift
    /// state (`no baseline` is not `no drift`) and parity of every feature; `●` marks the scoped one.
    static func featureRows(_ data: DashboardData, scope: String?) -> [ListRow] {
        let drift = Dictionary(data.drift.map { ($0.featureSlug, $0) }, uniquingKeysWith: { a, _ in a })
        return data.features.map { f in
            let s = f.snapshot
            let slug = s.featureSlug
            let (mark, style): (String, Style) =
                switch s.completeness {
                case .complete: ("✓", .normal)
                case .incomplete: ("✗", .error)
                case .unknown: ("?", .warning)
                }
            var parts = [
                Segment((slug == scope ? "●" : " ") + mark + " ", priority: 10),
                Segment(slug, priority: 7, cuttable: true),  // cut before the anomaly badge goes
                Segment("  \(s.counts.requiredPresent)/\(s.counts.required) req", priority: 10),
            ]
            let anomalies = f.anomalies.count + f.artifacts.filter { $0.anomaly != nil }.count
            if anomalies > 0 { parts.append(Segment("  ! \(anomalies) anom", priority: 8)) }
            var rowStyle = style
            if let d = drift[slug] {
                parts.append(Segment("  drift \(d.severity.rawValue.uppercased())", priority: 7))
                parts.append(
                    Segment(
                        " +\(d.missingInBaseline.count) -\(d.missingInLocal.count) ~\(d.changed.count)", priority: 4))
                if rowStyle == .normal { rowStyle = d.severity == .error ? .error : .warning }
            } else {
                parts.append(Segment(f.baseline == nil ? "  no baseline" : "  no drift", priority: 6))
            }
            parts.append(Segment("  parity " + Format.shortHash(s.parityHashSHA256), priority: 2))
            return ListRow(id: slug, segments: parts, style: rowStyle)
        }
    }

    static func artifactRows(_ data: DashboardData, scope: String? = nil) -> [ListRow] {
        let shown = scope.map { slug in data.features.filter { $0.snapshot.featureSlug == slug } } ?? data.features
        let many = shown.count > 1
        return shown.flatMap { f in
            let slug = f.snapshot.featureSlug
            let rows = f.artifacts.map { a -> ListRow in
                let mark: String
                let style: Style
                if !a.present {
                    mark = "✗ MISSING"
                    style = a.requiredStatus == .required ? .error : .dim
                } else if let anomaly = a.anomaly, !a.isValid {
                    mark = "! " + anomaly.kind.rawValue
                    style = .warning
                } else if let anomaly = a.anomaly {
                    mark = "✓ " + anomaly.kind.rawValue
                    style = .normal
                } else {
                    mark = "✓"
                    style = .normal
                }
                let segments = [
                    Segment((many ? slug + "/" : "") + a.relativePath, priority: 8, cuttable: true),
                    Segment("  " + a.requiredStatus.rawValue, priority: 6),
                    Segment(" " + a.artifactClass.rawValue, priority: 3),
                    Segment("  " + mark, priority: 10),
                ]
                return ListRow(id: slug + "/" + a.key, segments: segments, style: style)
            }
            let anomalies = f.anomalies.enumerated().map { i, an in
                ListRow(
                    id: slug + "/!\(i)/" + an.relativePath,
                    segments: [
                        Segment((many ? slug + "/" : "") + an.relativePath, priority: 8, cuttable: true),
                        Segment("  ! " + an.kind.rawValue, priority: 10),
                        Segment(": " + an.detail, priority: 4, cuttable: true),
                    ],
                    style: .warning)
            }
            return rows + anomalies
        }
    }
}
