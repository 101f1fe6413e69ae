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

    /// Why the header shows the feature it shows (said in the header: it never follows a selection silently).
    enum HeaderReason: Equatable { case scope, selection, first }

    /// The feature the header describes: the scoped one, else the one of the selected Features/Artifacts/Drift
    /// row, else the first.
    static func headerFeature(_ data: DashboardData, _ state: UIState) -> (FeatureSummary, Int)? {
        headerChoice(data, state).map { ($0.0, $0.1) }
    }

    static func headerChoice(_ data: DashboardData, _ state: UIState) -> (FeatureSummary, Int, HeaderReason)? {
        if let scope = state.scope, let i = data.features.firstIndex(where: { $0.snapshot.featureSlug == scope }) {
            return (data.features[i], i, .scope)
        }
        var slug: String?
        if let id = state.selectedID[.artifacts], state.focus == .artifacts { slug = String(id.prefix { $0 != "/" }) }
        if let id = state.selectedID[.drift], state.focus == .drift { slug = id }
        if let id = state.selectedID[.features], state.focus == .features { slug = id }
        if let slug, let i = data.features.firstIndex(where: { $0.snapshot.featureSlug == slug }) {
            return (data.features[i], i, .selection)
        }
        return data.features.first.map { ($0, 0, .first) }
    }

    static func header(
        _ c: inout Canvas, _ layout: Layout, _ data: DashboardData, _ state: UIState, _ now: Date,
        _ options: RenderOptions
    ) {
        let rect = layout.header
        c.box(rect, title: " dossier · \(data.source) ", titleStyle: .title, ascii: options.ascii)
        let inner = rect.inner
        let width = inner.width - 2
        draw(&c, headerFeatureLine(data, state), x: inner.x + 1, y: inner.y, width: width)

        // Flags at the right end of row 2: always in words, never given up for other text.
        var flags: [String] = []
        if state.paused { flags.append("FEED PAUSED") }
        if state.readOnly { flags.append("READ-ONLY") }
        let flagText = flags.isEmpty ? "" : " " + flags.joined(separator: " · ") + " "
        let flagWidth = TextWidth.width(flagText)
        draw(
            &c, headerStatusLine(data, state, options), x: inner.x + 1, y: inner.y + 1,
            width: width - flagWidth - (flags.isEmpty ? 0 : 1))
        if !flags.isEmpty {
            c.write(flagText, x: inner.x + inner.width - flagWidth, y: inner.y + 1, style: .focusedTitle)
        }
    }

    /// Draws fitted segments from `x`.
    static func draw(_ c: inout Canvas, _ segments: [Segment], x: Int, y: Int, width: Int) {
        var col = x
        for seg in LineFit.fit(segments, width: max(0, width)) {
            col += c.write(seg.text, x: col, y: y, style: seg.style)
        }
    }

    /// Header row 1: the feature, why it is shown, mission and step, then completeness, counts and anomalies (these
    /// stay whole; mission and step give way first).
    static func headerFeatureLine(_ data: DashboardData, _ state: UIState) -> [Segment] {
        guard let (f, index, reason) = headerChoice(data, state) else {
            if let a = data.activity, a.title.hasSuffix("scanning") {
                return [
                    Segment("first scan running", .bold, priority: 9), Segment(" — progress below", .dim, priority: 1),
                ]
            }
            return [
                Segment("no scan yet", .bold, priority: 9),
                Segment(
                    state.readOnly ? " (read-only: run `dossier scan`)" : " — press s to scan", .dim, priority: 8,
                    cuttable: true),
            ]
        }
        let s = f.snapshot
        var line = [Segment("feature ", .dim, priority: 2), Segment(s.featureSlug, .bold, priority: 8, cuttable: true)]
        switch reason {
        case .scope: line.append(Segment(" (scope · a: all)", .accent, priority: 7))
        case .selection: line.append(Segment(" (selected)", .dim, priority: 6))
        case .first: break
        }
        if data.features.count > 1 {
            line.append(Segment(" (\(index + 1) of \(data.features.count))", .dim, priority: 5))
        }
        if data.skipped > 0 { line.append(Segment(" \(data.skipped) skipped", .warning, priority: 6)) }
        line += [
            Segment("  mission ", .dim, priority: 1, group: 1),
            Segment(s.missionType, priority: 1, cuttable: true, group: 1),
            Segment("  step ", .dim, priority: 0, group: 2),
            Segment(s.currentStep ?? "—", priority: 0, cuttable: true, group: 2),
            Segment("  ", priority: 10),
        ]
        switch s.completeness {
        case .complete: line.append(Segment("✓ COMPLETE", .ok, priority: 10))
        case .incomplete: line.append(Segment("✗ INCOMPLETE", .error, priority: 10))
        case .unknown: line.append(Segment("? UNKNOWN (no manifest)", .warning, priority: 10))
        }
        line.append(Segment(" \(s.counts.requiredPresent)/\(s.counts.required) required", priority: 9))
        let anomalies = f.anomalies.count + f.artifacts.filter { $0.anomaly != nil }.count
        if anomalies > 0 {
            line.append(Segment("  ! \(anomalies) anomal\(anomalies == 1 ? "y" : "ies")", .warning, priority: 9))
        }
        return line
    }

    /// Header row 2: work in progress first (it is what changes), parity, then the endpoint state.
    static func headerStatusLine(_ data: DashboardData, _ state: UIState, _ options: RenderOptions) -> [Segment] {
        var line: [Segment] = []
        if let a = data.activity {
            line.append(Segment(a.title, .warning, priority: 9))
            if let fr = a.fraction {
                line.append(
                    Segment(
                        " " + Format.progressBar(fraction: fr, width: 12, ascii: options.ascii), .warning, priority: 6))
                line.append(Segment(" \(Int(fr * 100))%", .warning, priority: 8))
            }
            if !a.detail.isEmpty { line.append(Segment(" " + a.detail, .dim, priority: 5, cuttable: true)) }
            line.append(Segment("  ", priority: 9))
        }
        if let (f, _) = headerFeature(data, state) {
            line.append(Segment("parity ", .dim, priority: 2, group: 1))
            line.append(Segment(Format.shortHash(f.snapshot.parityHashSHA256), .accent, priority: 2, group: 1))
            line.append(Segment("  ", priority: 2, group: 1))
        }
        line.append(Segment("endpoint ", .dim, priority: 4, group: 2))
        let endpointStyle: Style =
            switch data.endpoint {
            case .delivering: .ok
            case .idle, .unconfigured: .normal
            case .paused, .retrying: .warning
            case .offline: .error
            }
        line.append(Segment(data.endpoint.summary, endpointStyle, priority: 7, cuttable: true, group: 2))
        if let e = data.endpoint.endpoint {
            line.append(Segment(" → " + e, endpointStyle, priority: 1, cuttable: true))
        }
        return line
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
        if let scope = state.scope, [.events, .artifacts, .drift].contains(pane) { title += " · \(scope)" }
        if pane == .features, let scope = state.scope { title += " · scope \(scope)" }
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
                state.filters[pane].map { "no rows match /\($0)" }
                ?? emptyText(pane, data: data, readOnly: state.readOnly, scope: state.scope)
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
            c.write(row.fitted(to: area.width - 1), x: area.x + 1, y: y, style: isSelected ? .selected : row.style)
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

    static func emptyText(
        _ pane: Pane, data: DashboardData = DashboardData(), readOnly: Bool, scope: String? = nil
    ) -> String {
        switch pane {
        case .drift:
            // "No drift" only where a baseline exists to compare with (of the scoped feature, when scoped).
            let features = data.features.filter { scope == nil || $0.snapshot.featureSlug == scope }
            let without = features.filter { $0.baseline == nil }.count
            let accept = readOnly ? "" : " (b to accept)"
            if features.isEmpty { return "no scan yet" }
            if without == features.count { return "no baseline yet" + accept }
            if without > 0 { return "no drift from the baseline · \(without) without a baseline" + accept }
            return "no drift from the baseline"
        case .events: return readOnly ? "no events in the queue" : "no events in the queue — press s to scan"
        case .queue: return "nothing pending, sending or dead"
        case .deliveries: return readOnly ? "no delivery attempts yet" : "no delivery attempts yet — f flushes"
        case .artifacts: return "no dossier scanned yet"
        case .features: return readOnly ? "no features yet" : "no features yet — press s to scan"
        }
    }

    static func queueSummary(
        _ c: inout Canvas, _ inner: Rect, _ data: DashboardData, _ now: Date, _ options: RenderOptions
    ) {
        let x = inner.x + 1
        let w = inner.width - 2
        for (i, line) in queueSummaryLines(data.queue, width: w, now: now, options).enumerated() {
            draw(&c, line, x: x, y: inner.y + i, width: w)
        }
    }

    /// The Queue pane's three summary rows: counts (exact when they fit, else abbreviated: 12k), ages, throughput
    /// and the cap. Numbers are never cut: a count that does not fit is left out whole.
    static func queueSummaryLines(_ q: QueueSummary, width w: Int, now: Date, _ options: RenderOptions) -> [[Segment]] {
        func counts(_ n: (Int) -> String, _ labels: [String], _ sep: String) -> [Segment] {
            [
                Segment(labels[0] + " \(n(q.pending))", q.pending > 0 ? .bold : .normal, priority: 9),
                Segment(sep + labels[1] + " \(n(q.inFlight))", q.inFlight > 0 ? .accent : .normal, priority: 7),
                Segment(sep + labels[2] + " \(n(q.delivered))", .ok, priority: 6),
                Segment(sep + labels[3] + " \(n(q.dead))", q.dead > 0 ? .error : .normal, priority: 10),
            ]
        }
        var first = counts({ "\($0)" }, ["pending", "sending", "sent", "DEAD"], " · ")
        // Narrow: the actionable count first, big numbers abbreviated (12k), sent last; one space apart if need be.
        for sep in ["  ", " "] where first.reduce(0, { $0 + $1.width }) > w {
            let short = counts(Format.count, ["pend", "fly", "sent", "DEAD"], sep)
            first = [
                Segment("DEAD \(Format.count(q.dead))", short[3].style, priority: 10),
                Segment(sep + "pend \(Format.count(q.pending))", short[0].style, priority: 9),
                Segment(sep + "fly \(Format.count(q.inFlight))", short[1].style, priority: 7),
                Segment(sep + "sent \(Format.count(q.delivered))", .ok, priority: 6),
            ]
        }
        let compact = w < 44
        var second: [Segment] = []
        if let oldest = q.oldestPendingAt {
            let age = Format.duration(now.timeIntervalSince(oldest))
            second.append(Segment((compact ? "oldest " : "oldest pending ") + age, priority: 8))
        } else {
            second.append(Segment("no pending events", .dim, priority: 8))
        }
        if let next = q.nextTryAt, q.pending > 0 {
            second.append(Segment((compact ? " · next " : " · next try ") + Format.due(next, now: now), priority: 7))
        }
        var third = [Segment("sent/\(q.throughputInterval)s ", .dim, priority: 2)]
        let sparkWidth = max(0, min(30, w - 28))
        if sparkWidth > 0 {
            third.append(
                Segment(
                    TextWidth.pad(
                        Format.sparkline(q.throughput, width: sparkWidth, ascii: options.ascii), to: sparkWidth),
                    .accent, priority: 1))
        }
        if let cap = q.capacity {
            let used = q.pending + q.inFlight + q.dead  // delivered rows do not count against the cap
            third.append(
                Segment("  cap \(Format.count(used))/\(Format.count(cap))", used >= cap ? .error : .dim, priority: 6))
        }
        if q.refused > 0 { third.append(Segment("  REFUSED \(Format.count(q.refused))", .error, priority: 9)) }
        return [first, second, third]
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
                + keyMap.hints(for: state.focus, readOnly: state.readOnly, scoped: state.scope != nil)
                .joined(separator: "  ")
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
            let targets = pane == .drift ? DriftDetails.targets(featureSlug: id, data: data) : []
            let chosen = targets.isEmpty ? nil : targets[min(max(0, state.detailTarget), targets.count - 1)].line
            textBox(
                &c, layout.overlay, title: content.title + " (Esc closes)", lines: content.lines, scroll: scroll,
                options, highlight: chosen)
        case .confirmRetryAll, .confirmAcceptBaseline, .confirmSendBackedOff:
            let text: String
            switch overlay {
            case .confirmRetryAll(let count):
                text = "Retry all \(count) dead event\(count == 1 ? "" : "s")? y = yes, N/any other key = no"
            case .confirmAcceptBaseline(let count):
                text =
                    "Accept the current state of \(count) feature\(count == 1 ? "" : "s") as the baseline?"
                    + " y = yes, N/any other key = no"
            case .confirmSendBackedOff(let count):
                text =
                    "Nothing is due. Send \(count) event\(count == 1 ? "" : "s") waiting for back-off now? (y/N)"
            default: text = ""
            }
            let w = min(layout.width - 4, TextWidth.width(text) + 4)
            let rect = Rect(x: (layout.width - w) / 2, y: layout.height / 2 - 2, width: w, height: 3)
            c.fill(rect, style: .overlay)
            c.box(rect, title: " Confirm ", titleStyle: .focusedTitle, borderStyle: .bold, ascii: options.ascii)
            c.write(text, x: rect.x + 2, y: rect.y + 1, style: .overlay, maxWidth: rect.width - 4)
        }
    }

    /// A bordered box of `lines` from `scroll`; `highlight` (a line of `lines`) is drawn selected and kept in view.
    static func textBox(
        _ c: inout Canvas, _ rect: Rect, title: String, lines: [String], scroll: Int, _ options: RenderOptions,
        highlight: Int? = nil
    ) {
        c.fill(rect, style: .overlay)
        c.box(rect, title: "[\(title)]", titleStyle: .focusedTitle, borderStyle: .bold, ascii: options.ascii)
        let inner = rect.inner
        // Long lines (dead reasons, errors, paths) wrap, continuing under their text.
        var source: [Int] = []  // the line of `lines` each wrapped line comes from
        let wrapped = lines.enumerated().flatMap { index, line in
            let lead = String(repeating: " ", count: line.prefix { $0 == " " }.count)
            let parts = LineFit.wrap(TextWidth.sanitize(line), width: inner.width - 2, indent: lead + "    ")
            source += Array(repeating: index, count: parts.count)
            return parts
        }
        let lines = wrapped
        var top = min(scroll, max(0, lines.count - inner.height))
        if let highlight, let first = source.firstIndex(of: highlight) {
            let last = source.lastIndex(of: highlight) ?? first
            if first < top { top = first }
            if last >= top + inner.height { top = max(0, last - inner.height + 1) }
        }
        for (i, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            let selected = highlight != nil && source[top + i] == highlight
            if selected { c.fill(Rect(x: inner.x, y: inner.y + i, width: inner.width, height: 1), style: .selected) }
            let text = selected ? (options.ascii ? ">" : "›") + line.dropFirst() : line
            c.write(
                String(text), x: inner.x + 1, y: inner.y + i, style: selected ? .selected : .overlay,
                maxWidth: inner.width - 2)
        }
        if lines.count > inner.height {
            let more = " \(top + 1)-\(min(lines.count, top + inner.height))/\(lines.count) j/k scroll "
            let w = TextWidth.width(more)
            c.write(more, x: rect.x + rect.width - 1 - w, y: rect.y + rect.height - 1, style: .dim)
        }
    }
}
