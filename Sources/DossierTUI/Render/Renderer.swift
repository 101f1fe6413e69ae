import DossierCore
import Foundation

/// How to draw, beyond the data: decided once at startup by the terminal layer.
public struct RenderOptions: Sendable, Equatable {
    /// ASCII box lines, sparkline and progress bar (non-UTF-8 locale).
    public var ascii: Bool

    public init(ascii: Bool = false) { self.ascii = ascii }
}

/// Turns data + UI state into a frame for a terminal size. Pure: same inputs, same cells.
public enum Renderer {
    /// The whole screen as a canvas of `width` × `height` cells.
    public static func render(
        data: DashboardData, state: UIState, width: Int, height: Int, now: Date,
        options: RenderOptions = RenderOptions(), keyMap: KeyMap = .standard, rows: PaneRowSet? = nil
    ) -> Canvas {
        let rowSet = rows ?? state.rowSet(data: data, now: now)
        var canvas = Canvas(width: width, height: height)
        guard let layout = Layout(width: width, height: height) else {
            canvas.write(
                "terminal too small (\(width)x\(height), min \(Layout.minWidth)x\(Layout.minHeight))", x: 0, y: 0,
                style: .bold)
            return canvas
        }
        header(&canvas, layout, data, state, now, options)
        for pane in Pane.allCases { self.pane(pane, &canvas, layout, data, state, now, options, rowSet) }
        statusBar(&canvas, layout, data, state, now, keyMap)
        if let overlay = state.overlay { self.overlay(overlay, &canvas, layout, data, state, now, options, keyMap) }
        return canvas
    }

    // MARK: header

    /// The feature the header describes: the one of the selected Artifacts/Drift row, else the first.
    static func headerFeature(_ data: DashboardData, _ state: UIState) -> (FeatureSummary, Int)? {
        var slug: String?
        if let id = state.selectedID[.artifacts], state.focus == .artifacts { slug = String(id.prefix { $0 != "/" }) }
        if let id = state.selectedID[.drift], state.focus == .drift { slug = id }
        if let slug, let i = data.features.firstIndex(where: { $0.snapshot.featureSlug == slug }) {
            return (data.features[i], i)
        }
        return data.features.first.map { ($0, 0) }
    }

    static func header(
        _ c: inout Canvas, _ layout: Layout, _ data: DashboardData, _ state: UIState, _ now: Date,
        _ options: RenderOptions
    ) {
        let rect = layout.header
        c.box(rect, title: " dossier · \(data.source) ", titleStyle: .title, ascii: options.ascii)
        let inner = rect.inner
        var x = inner.x + 1
        let limit = inner.x + inner.width - 1
        func put(_ text: String, _ style: Style = .normal, row: Int) {
            guard x < limit else { return }
            x += c.write(text, x: x, y: row, style: style, maxWidth: limit - x)
        }
        let row1 = inner.y
        if let (f, index) = headerFeature(data, state) {
            let s = f.snapshot
            put("feature ", .dim, row: row1)
            put(s.featureSlug, .bold, row: row1)
            if data.features.count > 1 { put(" (\(index + 1) of \(data.features.count))", .dim, row: row1) }
            if data.skipped > 0 { put(" \(data.skipped) skipped", .warning, row: row1) }
            put("  mission ", .dim, row: row1)
            put(s.missionType, row: row1)
            put("  step ", .dim, row: row1)
            put(s.currentStep ?? "—", row: row1)
            put("  ", row: row1)
            let required = "\(s.counts.requiredPresent)/\(s.counts.required) required"
            switch s.completeness {
            case .complete: put("✓ COMPLETE", .ok, row: row1)
            case .incomplete: put("✗ INCOMPLETE", .error, row: row1)
            case .unknown: put("? UNKNOWN (no manifest)", .warning, row: row1)
            }
            put(" " + required, row: row1)
            let anomalies = f.anomalies.count + f.artifacts.filter { $0.anomaly != nil }.count
            if anomalies > 0 { put("  ! \(anomalies) anomal\(anomalies == 1 ? "y" : "ies")", .warning, row: row1) }
        } else if let a = data.activity, a.title.hasSuffix("scanning") {
            put("first scan running", .bold, row: row1)
            put(" — progress below", .dim, row: row1)
        } else {
            put("no scan yet", .bold, row: row1)
            put(state.readOnly ? " (read-only: run `dossier scan`)" : " — press s to scan", .dim, row: row1)
        }

        x = inner.x + 1
        let row2 = inner.y + 1
        // Work in progress first: it is what changes.
        if let a = data.activity {
            put(a.title, .warning, row: row2)
            if let fr = a.fraction {
                put(
                    " " + Format.progressBar(fraction: fr, width: 12, ascii: options.ascii) + " \(Int(fr * 100))%",
                    .warning, row: row2)
            }
            if !a.detail.isEmpty { put(" " + a.detail, .dim, row: row2) }
            put("  ", row: row2)
        }
        if let (f, _) = headerFeature(data, state) {
            put("parity ", .dim, row: row2)
            put(Format.shortHash(f.snapshot.parityHashSHA256), .accent, row: row2)
            put("  ", row: row2)
        }
        put("endpoint ", .dim, row: row2)
        let endpointStyle: Style =
            switch data.endpoint {
            case .delivering: .ok
            case .idle, .unconfigured: .normal
            case .paused, .retrying: .warning
            case .offline: .error
            }
        put(data.endpoint.label, endpointStyle, row: row2)
        // Flags at the right end of row 2: always in words.
        var flags: [String] = []
        if state.paused { flags.append("FEED PAUSED") }
        if state.readOnly { flags.append("READ-ONLY") }
        if !flags.isEmpty {
            let text = " " + flags.joined(separator: " · ") + " "
            let w = TextWidth.width(text)
            if inner.width - w > x - inner.x {
                c.write(text, x: inner.x + inner.width - w, y: row2, style: .focusedTitle)
            }
        }
    }

    // MARK: panes

    static func pane(
        _ pane: Pane, _ c: inout Canvas, _ layout: Layout, _ data: DashboardData, _ state: UIState, _ now: Date,
        _ options: RenderOptions, _ rowSet: PaneRowSet
    ) {
        guard let rect = layout.panes[pane] else { return }
        let focused = state.focus == pane
        let rows = rowSet.rows[pane] ?? []
        let window = rowSet.windows[pane]
        // Paged panes count their whole list (exact, from SQL); a window holds only some of its rows.
        let count = window?.count ?? rows.count
        let offset = window?.offset ?? 0
        let total = rowSet.totals[pane] ?? rows.count
        var title = "\(pane.rawValue) \(pane.title)"
        if let filter = state.filters[pane] {
            title += " /\(filter)\(focused && state.editingFilter ? "▏" : "") \(count) of \(total)"
        } else {
            title += " (\(count))"
        }
        if pane == .events && state.paused { title += " PAUSED" }
        c.box(
            rect, title: focused ? "[\(title)]" : " \(title) ", titleStyle: focused ? .focusedTitle : .title,
            borderStyle: focused ? .bold : .dim, ascii: options.ascii)

        if pane == .queue { queueSummary(&c, rect.inner, data, now, options) }
        let area = layout.listArea(pane)
        guard area.height > 0 else { return }
        if rows.isEmpty {
            let empty =
                state.filters[pane].map { "no rows match /\($0)" } ?? emptyText(pane, data: data, readOnly: state.readOnly)
            c.write(empty, x: area.x + 1, y: area.y, style: .dim, maxWidth: area.width - 2)
            return
        }
        let selected = state.selection(pane, in: rows)
        let top =
            window == nil
            ? min(max(0, state.scrollTop[pane] ?? 0), max(0, rows.count - area.height))
            : min(max(0, state.scrollTop[pane] ?? 0), max(0, rows.count - 1))
        for (offset, row) in rows[top..<min(rows.count, top + area.height)].enumerated() {
            let index = top + offset
            let y = area.y + offset
            let isSelected = focused && index == selected
            let marker = isSelected ? (options.ascii ? ">" : "›") : " "
            c.write(marker, x: area.x, y: y, style: isSelected ? .selected : .normal)
            c.write(row.text, x: area.x + 1, y: y, style: isSelected ? .selected : row.style, maxWidth: area.width - 1)
            if isSelected { c.restyle(x: area.x, y: y, count: area.width, style: .selected) }
        }
        if count > area.height {
            let first = offset + top + 1
            let last = offset + min(rows.count, top + area.height)
            let more = " \(first)-\(last)/\(count) "
            let w = TextWidth.width(more)
            c.write(more, x: rect.x + rect.width - 1 - w, y: rect.y + rect.height - 1, style: .dim)
        }
    }

    static func emptyText(_ pane: Pane, data: DashboardData = DashboardData(), readOnly: Bool) -> String {
        switch pane {
        case .drift:
            // "No drift" only where a baseline exists to compare with.
            let without = data.features.filter { $0.baseline == nil }.count
            let accept = readOnly ? "" : " (b to accept)"
            if data.features.isEmpty { return "no scan yet" }
            if without == data.features.count { return "no baseline yet" + accept }
            if without > 0 { return "no drift from the baseline · \(without) without a baseline" + accept }
            return "no drift from the baseline"
        case .events: return readOnly ? "no events in the queue" : "no events in the queue — press s to scan"
        case .queue: return "nothing pending, sending or dead"
        case .deliveries: return readOnly ? "no delivery attempts yet" : "no delivery attempts yet — f flushes"
        case .artifacts: return "no dossier scanned yet"
        }
    }

    static func queueSummary(
        _ c: inout Canvas, _ inner: Rect, _ data: DashboardData, _ now: Date, _ options: RenderOptions
    ) {
        let q = data.queue
        let x = inner.x + 1
        let w = inner.width - 2
        var col = x
        func put(_ text: String, _ style: Style = .normal, _ row: Int) {
            col += c.write(text, x: col, y: row, style: style, maxWidth: x + w - col)
        }
        let compact = w < 44
        if compact {
            // Narrow: the actionable count first, big numbers abbreviated (12k), sent last.
            put("DEAD \(Format.count(q.dead))", q.dead > 0 ? .error : .normal, inner.y)
            put("  pend \(Format.count(q.pending))", q.pending > 0 ? .bold : .normal, inner.y)
            put("  fly \(Format.count(q.inFlight))", q.inFlight > 0 ? .accent : .normal, inner.y)
            put("  sent \(Format.count(q.delivered))", .ok, inner.y)
        } else {
            put("pending \(q.pending)", q.pending > 0 ? .bold : .normal, inner.y)
            put(" · sending \(q.inFlight)", q.inFlight > 0 ? .accent : .normal, inner.y)
            put(" · sent \(q.delivered)", .ok, inner.y)
            put(" · DEAD \(q.dead)", q.dead > 0 ? .error : .normal, inner.y)
        }

        col = x
        if let oldest = q.oldestPendingAt {
            put(
                (compact ? "oldest " : "oldest pending ") + Format.duration(now.timeIntervalSince(oldest)), .normal,
                inner.y + 1)
        } else {
            put("no pending events", .dim, inner.y + 1)
        }
        if let next = q.nextRetryAt, q.pending > 0 {
            put((compact ? " · next " : " · next try ") + Format.due(next, now: now), .normal, inner.y + 1)
        }

        col = x
        put("sent/\(q.throughputInterval)s ", .dim, inner.y + 2)
        let sparkWidth = max(0, min(30, w - 28))
        put(
            TextWidth.pad(Format.sparkline(q.throughput, width: sparkWidth, ascii: options.ascii), to: sparkWidth),
            .accent, inner.y + 2)
        if let cap = q.capacity {
            let used = q.pending + q.inFlight + q.dead  // delivered rows do not count against the cap
            put("  cap \(Format.count(used))/\(Format.count(cap))", used >= cap ? .error : .dim, inner.y + 2)
        }
        if q.refused > 0 { put("  REFUSED \(q.refused)", .error, inner.y + 2) }
    }

    // MARK: status bar

    static func statusBar(
        _ c: inout Canvas, _ layout: Layout, _ data: DashboardData, _ state: UIState, _ now: Date, _ keyMap: KeyMap
    ) {
        let rect = layout.statusBar
        c.fill(rect, style: .statusBar)
        var right = "\(layout.width)x\(layout.height) "
        if state.readOnly { right = "READ-ONLY  " + right }
        let rightWidth = TextWidth.width(right)
        let room = rect.width - rightWidth - 2
        var left: String
        var style = Style.statusBar
        if state.editingFilter {
            left = "/" + (state.filters[state.focus] ?? "") + "▏  Enter keep  Esc clear  (\(state.focus.title))"
        } else {
            left =
                "\(state.focus.title): "
                + keyMap.hints(for: state.focus, readOnly: state.readOnly).joined(separator: "  ")
            let message = data.message.flatMap { now.timeIntervalSince($0.at) < 30 ? $0 : nil }
            if let notice = state.notice, message.map({ $0.at <= (state.noticeAt ?? .distantFuture) }) ?? true {
                left = notice + "  │  " + left
            } else if let m = message {
                left = (m.isError ? "ERROR: " : "") + m.text + "  │  " + left
                if m.isError { style = .error }
            }
        }
        c.write(TextWidth.truncate(left, to: room), x: rect.x + 1, y: rect.y, style: .statusBar)
        if style == .error {
            let w = min(room, TextWidth.width(data.message.map { "ERROR: " + $0.text } ?? ""))
            c.restyle(x: rect.x + 1, y: rect.y, count: w, style: .error)
        }
        c.write(right, x: rect.x + rect.width - rightWidth, y: rect.y, style: .statusBar)
    }

    // MARK: overlays

    static func overlay(
        _ overlay: Overlay, _ c: inout Canvas, _ layout: Layout, _ data: DashboardData, _ state: UIState, _ now: Date,
        _ options: RenderOptions, _ keyMap: KeyMap
    ) {
        switch overlay {
        case .help(let scroll):
            var lines = keyMap.helpLines(readOnly: state.readOnly)
            if state.readOnly {
                lines.insert("READ-ONLY: s, f, r, R and b are disabled; the dashboard only watches.", at: 0)
                lines.insert("", at: 1)
            }
            textBox(&c, layout.overlay, title: "Help · keys (Esc closes)", lines: lines, scroll: scroll, options)
        case .detail(let pane, let id, let scroll):
            let content = DetailView.content(pane: pane, id: id, data: data, now: now)
            textBox(
                &c, layout.overlay, title: content.title + " (Esc closes)", lines: content.lines, scroll: scroll,
                options)
        case .confirmRetryAll, .confirmAcceptBaseline:
            let text: String
            switch overlay {
            case .confirmRetryAll(let count):
                text = "Retry all \(count) dead event\(count == 1 ? "" : "s")? y = yes, N/any other key = no"
            case .confirmAcceptBaseline(let count):
                text =
                    "Accept the current state of \(count) feature\(count == 1 ? "" : "s") as the baseline?"
                    + " y = yes, N/any other key = no"
            default: text = ""
            }
            let w = min(layout.width - 4, TextWidth.width(text) + 4)
            let rect = Rect(x: (layout.width - w) / 2, y: layout.height / 2 - 2, width: w, height: 3)
            c.fill(rect, style: .overlay)
            c.box(rect, title: " Confirm ", titleStyle: .focusedTitle, borderStyle: .bold, ascii: options.ascii)
            c.write(text, x: rect.x + 2, y: rect.y + 1, style: .overlay, maxWidth: rect.width - 4)
        }
    }

    static func textBox(
        _ c: inout Canvas, _ rect: Rect, title: String, lines: [String], scroll: Int, _ options: RenderOptions
    ) {
        c.fill(rect, style: .overlay)
        c.box(rect, title: "[\(title)]", titleStyle: .focusedTitle, borderStyle: .bold, ascii: options.ascii)
        let inner = rect.inner
        let top = min(scroll, max(0, lines.count - inner.height))
        for (i, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            c.write(line, x: inner.x + 1, y: inner.y + i, style: .overlay, maxWidth: inner.width - 2)
        }
        if lines.count > inner.height {
            let more = " \(top + 1)-\(min(lines.count, top + inner.height))/\(lines.count) j/k scroll "
            let w = TextWidth.width(more)
            c.write(more, x: rect.x + rect.width - 1 - w, y: rect.y + rect.height - 1, style: .dim)
        }
    }
}
