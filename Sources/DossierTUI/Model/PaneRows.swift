import DossierCore
import Foundation

/// One selectable row of a list pane. `id` is stable across refreshes (event id, attempt id,
/// feature slug, slug/key), so the selection follows the item while rows move.
public struct ListRow: Sendable, Equatable {
    public var id: String
    public var text: String
    public var style: Style

    public init(id: String, text: String, style: Style = .normal) {
        self.id = id
        self.text = text
        self.style = style
    }
}

/// Builds the rows of each list pane from the data (pure). Each row's text carries its meaning
/// in words/symbols (`DEAD ✗`, `ERR`, `WARNING`), color only adds emphasis.
public enum PaneRows {
    /// The rows of `pane`, before filtering. For the paged panes (Events, Queue): the rows of their window
    /// (`window(_:data:request:frozen:now:)`).
    public static func all(_ pane: Pane, data: DashboardData, events: [EventRow]? = nil, now: Date) -> [ListRow] {
        switch pane {
        case .events: (events ?? data.pages[.events]?.rows ?? data.events).map(eventRow)
        case .queue: (data.pages[.queue]?.rows ?? queueEvents(data.events)).map { queueRow($0, now: now) }
        case .deliveries: data.deliveries.map { attemptRow($0, now: now) }
        case .drift: data.drift.map(driftRow)
        case .artifacts: artifactRows(data)
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
        _ pane: Pane, data: DashboardData, events: [EventRow]? = nil, filter: String, now: Date
    ) -> [ListRow] {
        let rows = all(pane, data: data, events: events, now: now)
        return apply(filter: filter, to: rows)
    }

    /// Case-insensitive substring filter over the row text.
    public static func apply(filter: String, to rows: [ListRow]) -> [ListRow] {
        let needle = filter.lowercased()
        guard !needle.isEmpty else { return rows }
        return rows.filter { $0.text.lowercased().contains(needle) }
    }

    /// ` · 042-login` after the key, unless the key is the feature itself (snapshot and drift events).
    static func featureSuffix(_ e: EventRow) -> String {
        e.key == e.featureSlug || e.featureSlug.isEmpty ? "" : "  " + e.featureSlug
    }

    static func eventRow(_ e: EventRow) -> ListRow {
        let text =
            TextWidth.pad(e.state.label, to: 8) + Format.clock(e.timestamp) + " "
            + TextWidth.pad(e.shortType, to: 9) + e.key + featureSuffix(e)
        return ListRow(id: e.id, text: text, style: style(for: e.state))
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
        var text = TextWidth.pad(e.state.label, to: 8) + TextWidth.pad(e.shortType, to: 9) + e.key + featureSuffix(e)
        if e.attempts > 0 { text += "  ×\(e.attempts)" }
        if let next = e.nextAttemptAt, e.state == .pending { text += "  " + Format.due(next, now: now) }
        if let err = e.lastError, !err.isEmpty { text += "  " + err }
        return ListRow(id: e.id, text: text, style: style(for: e.state))
    }

    /// `503 ERR   1 ev   12ms  retry in 5s  18:03:04`: answer, batch size, latency, outcome and
    /// next retry, error text, then the time (least important, clipped first).
    static func attemptRow(_ a: AttemptRow, now: Date) -> ListRow {
        let status = a.statusCode.map { "\($0)" + (a.succeeded ? " OK" : " ERR") } ?? "NO ANSWER"
        var text =
            TextWidth.pad(status, to: 9) + TextWidth.padLeft("\(a.eventIDs.count)", to: 3) + " ev "
            + TextWidth.padLeft(a.latencyMs.map { "\($0)ms" } ?? "—", to: 6) + "  "
        var outcome = a.outcome
        if let next = a.nextRetryAt, !a.succeeded {
            let when = "retry " + Format.relative(next, now: now)
            outcome = outcome == "retry" || outcome.isEmpty ? when : outcome + ", " + when
        }
        text += outcome
        if let err = a.error, !err.isEmpty { text += "  " + err }
        text += "  " + Format.clock(a.startedAt)
        return ListRow(id: a.id, text: text, style: a.succeeded ? .ok : .error)
    }

    static func driftRow(_ d: DriftReport) -> ListRow {
        let text =
            TextWidth.pad(d.severity.rawValue.uppercased(), to: 8) + d.featureSlug + "  +\(d.missingInBaseline.count)"
            + " -\(d.missingInLocal.count) ~\(d.changed.count)"
        let style: Style =
            switch d.severity {
            case .error: .error
            case .warning: .warning
            case .info: .accent
            }
        return ListRow(id: d.featureSlug, text: text, style: style)
    }

    static func artifactRows(_ data: DashboardData) -> [ListRow] {
        let many = data.features.count > 1
        return data.features.flatMap { f in
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
                let text =
                    (many ? slug + "/" : "") + a.relativePath + "  " + a.requiredStatus.rawValue + " "
                    + a.artifactClass.rawValue + "  " + mark
                return ListRow(id: slug + "/" + a.key, text: text, style: style)
            }
            let anomalies = f.anomalies.enumerated().map { i, an in
                ListRow(
                    id: slug + "/!\(i)/" + an.relativePath,
                    text: (many ? slug + "/" : "") + an.relativePath + "  ! " + an.kind.rawValue + ": " + an.detail,
                    style: .warning)
            }
            return rows + anomalies
        }
    }
}
