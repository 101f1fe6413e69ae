import Foundation

/// A box drawn over the panes.
public enum Overlay: Sendable, Equatable {
    /// The key map (`?`).
    case help(scroll: Int)
    /// Details of one row (Enter): the item is looked up by id in the live data each frame.
    case detail(pane: Pane, id: String, scroll: Int)
    /// "Retry all N dead events? y/N" (`R`).
    case confirmRetryAll(count: Int)
    /// "Accept the current state of N features as the baseline? y/N" (`b`).
    case confirmAcceptBaseline(features: Int)
    /// "Nothing is due: send N events waiting for back-off now? y/N" (`f`).
    case confirmSendBackedOff(count: Int)
}

/// The rows of all panes for one frame (filter applied) and the unfiltered counts.
public struct PaneRowSet: Sendable, Equatable {
    public var rows: [Pane: [ListRow]] = [:]
    public var totals: [Pane: Int] = [:]
    /// Paged panes (Events, Queue): the window their rows come from (offset and exact counts of the whole list).
    public var windows: [Pane: EventWindow] = [:]
    public init() {}
}

/// What the UI asks the data source to do.
public enum UICommand: Sendable, Equatable {
    case scan, flush
    /// Make the backed-off events due now, then flush.
    case sendBackedOffNow
    case retry(eventID: String)
    case retryAllDead
    /// Record the current state of every scanned feature as its baseline.
    case acceptBaselines
}

/// Everything the user controls: a value type, mutated only by `handle(_:...)` on the UI thread.
public struct UIState: Sendable, Equatable {
    public var focus: Pane = .events
    /// The selected item per pane, by id. No entry: the selection follows the first row
    /// (so new events at the top of a newest-first list stay in view).
    public var selectedID: [Pane: String] = [:]
    /// Last known index of the selection, used when the selected item disappears.
    public var selectedIndex: [Pane: Int] = [:]
    /// First visible row per pane.
    public var scrollTop: [Pane: Int] = [:]
    public var filters: [Pane: String] = [:]
    /// The feature Events, Artifacts and Drift are scoped to (Enter in Features); nil: all features (`a`).
    public var scope: String?
    /// True while typing a filter after `/`.
    public var editingFilter = false
    public var overlay: Overlay?
    /// The chosen artifact in open drift details (an index into `DriftDetails.targets`; Enter jumps to it).
    public var detailTarget = 0
    /// The Events pane is frozen on `frozenEvents` while paused (`p`).
    public var paused = false
    public var frozenEvents: EventWindow?
    /// Paged panes: the top visible row (`.head` follows the newest events).
    public var anchors: [Pane: PageAnchor] = [:]
    /// Paged panes where `G`/End waits for the last page to select its last row.
    public var wantLast: Set<Pane> = []
    /// Rows visible per pane at the last layout (the page size asked of the data source).
    public var visibleRows: [Pane: Int] = [:]
    /// `--read-only`: state-changing keys are refused with a notice.
    public let readOnly: Bool
    /// A one-shot line for the status bar (refusals, "nothing selected", ...); cleared by the next key.
    public var notice: String?
    /// When `notice` was set: a data-source message newer than it replaces it in the status bar.
    public var noticeAt: Date?
    public var shouldQuit = false

    public init(readOnly: Bool = false) { self.readOnly = readOnly }

    /// What a paged pane asks the data source for: its anchor, filter and page size.
    public func pageRequest(_ pane: Pane) -> PageRequest {
        PageRequest(
            anchor: anchors[pane] ?? .head, filter: filters[pane] ?? "", visible: visibleRows[pane] ?? 20,
            feature: pane == .events ? scope : nil)
    }

    /// The requests of every paged pane (the Events pane's is left out while the feed is paused).
    public func pageRequests() -> [Pane: PageRequest] {
        var out: [Pane: PageRequest] = [:]
        for pane in Pane.allCases where PagedList.isPaged(pane) && !(pane == .events && paused) {
            out[pane] = pageRequest(pane)
        }
        return out
    }

    /// The window of a paged pane now.
    func window(_ pane: Pane, data: DashboardData, now: Date) -> EventWindow {
        PaneRows.window(pane, data: data, request: pageRequest(pane), frozen: frozenEvents, now: now)
    }

    /// The rows a pane shows now: paused events, filter applied (paged panes: their window's rows).
    public func rows(_ pane: Pane, data: DashboardData, now: Date) -> [ListRow] {
        if PagedList.isPaged(pane) {
            return window(pane, data: data, now: now).rows.map { PaneRows.row(pane, $0, now: now) }
        }
        return PaneRows.filtered(pane, data: data, filter: filters[pane] ?? "", now: now, scope: scope)
    }

    /// The rows of every pane for one frame, built once and shared by `normalize` and the renderer.
    public func rowSet(data: DashboardData, now: Date) -> PaneRowSet {
        rowSet(data: data, now: now, panes: Set(Pane.allCases), reusing: PaneRowSet())
    }

    /// `rowSet` rebuilding only `panes`, the others taken from `base` (when only the clock moved, only the panes
    /// that show ages need new rows).
    func rowSet(data: DashboardData, now: Date, panes: Set<Pane>, reusing base: PaneRowSet) -> PaneRowSet {
        var set = base
        for pane in Pane.allCases where panes.contains(pane) {
            if PagedList.isPaged(pane) {
                let w = window(pane, data: data, now: now)
                set.windows[pane] = w
                set.rows[pane] = w.rows.map { PaneRows.row(pane, $0, now: now) }
                set.totals[pane] = w.total
                continue
            }
            let all = PaneRows.all(pane, data: data, now: now, scope: scope)
            set.totals[pane] = all.count
            set.rows[pane] = PaneRows.apply(filter: filters[pane] ?? "", to: all)
        }
        return set
    }

    /// Index of the selection in `rows` (nil for an empty list): by id, else the last known
    /// index clamped to the list, else the first row.
    public func selection(_ pane: Pane, in rows: [ListRow]) -> Int? {
        guard !rows.isEmpty else { return nil }
        if let id = selectedID[pane], let i = rows.firstIndex(where: { $0.id == id }) { return i }
        guard selectedID[pane] != nil else {
            // Paged panes follow their top visible row, other lists their first row.
            return PagedList.isPaged(pane) ? min(max(0, scrollTop[pane] ?? 0), rows.count - 1) : 0
        }
        return min(max(0, selectedIndex[pane] ?? 0), rows.count - 1)
    }

    /// The selected row of a pane, if any.
    public func selectedRow(_ pane: Pane, data: DashboardData, now: Date) -> ListRow? {
        let rows = rows(pane, data: data, now: now)
        return selection(pane, in: rows).map { rows[$0] }
    }

    /// Re-anchors every pane after the data changed: keeps the selection on its item (by id),
    /// or on the same index when the item left the list, and scrolls it into view.
    public mutating func normalize(data: DashboardData, layout: Layout?, now: Date) {
        normalize(rowSet: rowSet(data: data, now: now), layout: layout)
    }

    /// `normalize` over rows already built for this frame.
    public mutating func normalize(rowSet: PaneRowSet, layout: Layout?) {
        for pane in Pane.allCases {
            if let w = rowSet.windows[pane] {
                normalizePaged(pane, rows: rowSet.rows[pane] ?? [], window: w, layout: layout)
                continue
            }
            let rows = rowSet.rows[pane] ?? []
            guard let index = selection(pane, in: rows) else {
                scrollTop[pane] = 0
                continue
            }
            if selectedID[pane] != nil {
                selectedID[pane] = rows[index].id
            }
            selectedIndex[pane] = index
            let height = max(1, layout?.listArea(pane).height ?? 1)
            var top = scrollTop[pane] ?? 0
            if index < top { top = index }
            if index >= top + height { top = index - height + 1 }
            top = min(top, max(0, rows.count - height))
            scrollTop[pane] = max(0, top)
        }
    }

    /// Re-anchors a paged pane: finds the anchor row in the window, keeps the selection in view (scrolling the
    /// anchor with it) and asks for the window around the new anchor (`anchors`).
    private mutating func normalizePaged(_ pane: Pane, rows: [ListRow], window w: EventWindow, layout: Layout?) {
        let height = max(1, layout?.listArea(pane).height ?? visibleRows[pane] ?? 1)
        if layout != nil { visibleRows[pane] = height }
        guard !rows.isEmpty else {
            scrollTop[pane] = 0
            return
        }
        let anchor = anchors[pane] ?? .head
        let answered = w.request.anchor == anchor
        var top: Int
        var resolved = answered  // false while the data source has not answered a new anchor yet
        switch anchor {
        case .head, .tail: top = answered ? w.anchorIndex : (scrollTop[pane] ?? 0)
        case .at(_, let id):
            if let i = rows.firstIndex(where: { $0.id == id }) {
                top = i
                resolved = true
            } else {
                top = answered ? w.anchorIndex : (scrollTop[pane] ?? 0)
            }
        }
        top = min(max(0, top), rows.count - 1)
        if wantLast.contains(pane), w.request.anchor == .tail {
            selectedID[pane] = rows[rows.count - 1].id
            wantLast.remove(pane)
        }
        let index: Int
        if let id = selectedID[pane], let i = rows.firstIndex(where: { $0.id == id }) {
            index = i
        } else if selectedID[pane] != nil {
            index = min(max(0, selectedIndex[pane] ?? top), rows.count - 1)
            selectedID[pane] = rows[index].id
        } else {
            index = top
        }
        selectedIndex[pane] = index
        if index < top { top = index }
        if index >= top + height { top = index - height + 1 }
        if w.offset + rows.count >= w.count { top = min(top, max(0, rows.count - height)) }  // no blank end
        top = max(0, top)
        scrollTop[pane] = top
        guard resolved else { return }  // keep asking for the new anchor
        if w.offset + top == 0 {
            anchors[pane] = .head
        } else if case .tail = anchor, answered, top == w.anchorIndex {
            return  // still on the last page
        } else if let key = PagedList.key(w.rows[top], pane: pane) {
            anchors[pane] = .at(key: key, id: w.rows[top].id)
        }
    }

    /// Applies one key and returns the commands for the data source. `layout` gives page sizes.
    public mutating func handle(
        _ key: KeyInput, data: DashboardData, layout: Layout?, now: Date, keyMap: KeyMap = .standard
    ) -> [UICommand] {
        notice = nil
        defer {
            noticeAt = notice == nil ? nil : now
            normalize(data: data, layout: layout, now: now)
        }

        if case .confirmRetryAll(let count) = overlay {
            overlay = nil
            if key == .char("y") || key == .char("Y") {
                notice = "retrying \(count) dead event\(count == 1 ? "" : "s")…"
                return [.retryAllDead]
            }
            notice = "retry all: cancelled"
            return []
        }
        if case .confirmAcceptBaseline(let count) = overlay {
            overlay = nil
            if key == .char("y") || key == .char("Y") {
                notice = "accepting the baseline of \(count) feature\(count == 1 ? "" : "s")…"
                return [.acceptBaselines]
            }
            notice = "baseline: cancelled (nothing changed)"
            return []
        }

        if case .confirmSendBackedOff(let count) = overlay {
            overlay = nil
            if key == .char("y") || key == .char("Y") {
                notice = "sending \(count) backed-off event\(count == 1 ? "" : "s") now…"
                return [.sendBackedOffNow]
            }
            notice = "flush: cancelled (the events wait for their next attempt)"
            return []
        }

        if editingFilter, editFilter(key) { return [] }

        if let overlay { return handleOverlay(overlay, key, data: data, layout: layout, keyMap: keyMap) }

        guard let action = keyMap.action(for: key) else {
            notice = "\(key.label): no such key (? for help)"
            return []
        }
        if readOnly && action.changesState {
            let hint = keyMap.binding(for: action).map { "\($0.keyLabel) (\($0.hint))" } ?? "that key"
            notice = "read-only: \(hint) is disabled"
            return []
        }
        return perform(action, data: data, layout: layout, now: now)
    }

    /// Filter typing. Returns true when the key was consumed.
    private mutating func editFilter(_ key: KeyInput) -> Bool {
        switch key {
        case .char(let c) where !c.isNewline && c.unicodeScalars.allSatisfy({ !TextWidth.isControl($0) }):
            filters[focus, default: ""].append(c)
            resetSelection(focus)
        case .backspace:
            if !(filters[focus] ?? "").isEmpty { filters[focus]!.removeLast() }
            resetSelection(focus)
        case .enter:
            editingFilter = false
        case .escape:
            filters[focus] = nil
            editingFilter = false
            resetSelection(focus)
        default:
            return false  // arrows etc. still move the selection
        }
        return true
    }

    private mutating func handleOverlay(
        _ current: Overlay, _ key: KeyInput, data: DashboardData, layout: Layout?, keyMap: KeyMap
    ) -> [UICommand] {
        let page = max(1, (layout?.overlay.height ?? 10) - 3)
        if case .detail(.drift, let slug, let scroll) = current {
            let targets = DriftDetails.targets(featureSlug: slug, data: data)
            if !targets.isEmpty, handleDriftDetail(key, targets, scroll: scroll, page: page, keyMap: keyMap) {
                return []
            }
        }
        var delta = 0
        switch keyMap.action(for: key) {
        case .up: delta = -1
        case .down: delta = 1
        case .pageUp: delta = -page
        case .pageDown: delta = page
        case .top: delta = -1_000_000
        case .bottom: delta = 1_000_000
        case .help:
            if case .help = current { overlay = nil } else { overlay = .help(scroll: 0) }
            return []
        case .back, .quit, .open:
            overlay = nil
            return []
        default:
            notice = "Esc closes the overlay"
            return []
        }
        switch current {
        case .help(let s): overlay = .help(scroll: max(0, s + delta))
        case .detail(let p, let id, let s): overlay = .detail(pane: p, id: id, scroll: max(0, s + delta))
        case .confirmRetryAll, .confirmAcceptBaseline, .confirmSendBackedOff: break
        }
        return []
    }

    /// Drift details with artifacts listed: j/k choose one (the view follows it), Enter jumps to it. False: the
    /// key is handled as in any other overlay.
    private mutating func handleDriftDetail(
        _ key: KeyInput, _ targets: [DriftDetails.Target], scroll: Int, page: Int, keyMap: KeyMap
    ) -> Bool {
        let current = min(max(0, detailTarget), targets.count - 1)
        let next: Int
        switch keyMap.action(for: key) {
        case .up: next = max(0, current - 1)
        case .down: next = min(targets.count - 1, current + 1)
        case .open:
            jump(to: targets[current])
            return true
        default: return false
        }
        detailTarget = next
        // Keep the chosen entry (its two or three lines) in view; the renderer corrects for wrapped lines.
        let line = targets[next].line
        var top = scroll
        if line < top + 1 { top = max(0, line - 1) }
        if line + 3 > top + page { top = line + 3 - page }
        overlay = .detail(pane: .drift, id: targets[next].featureSlug, scroll: max(0, top))
        return true
    }

    /// Closes the drift details and shows the artifact: scoped to its feature, selected in Artifacts (when the scan
    /// still has it) and its events in Events, filtered on its key.
    private mutating func jump(to target: DriftDetails.Target) {
        overlay = nil
        if scope != target.featureSlug { setScope(target.featureSlug) }
        filters[.events] = "\"artifact_key\":\"\(target.key)\""
        resetSelection(.events)
        if target.change == .removed {
            focus = .events
            notice = "\(target.key) was removed (not in Artifacts); Events (1) filtered to its events (Esc clears)"
            return
        }
        filters[.artifacts] = nil
        focus = .artifacts
        selectedID[.artifacts] = target.featureSlug + "/" + target.key
        notice =
            "\(target.key) selected in Artifacts (\(Pane.artifacts.rawValue)); Events (\(Pane.events.rawValue)) "
            + "filtered to its events (Esc there clears)"
    }

    private mutating func perform(_ action: Action, data: DashboardData, layout: Layout?, now: Date) -> [UICommand] {
        switch action {
        case .scan:
            return [.scan]
        case .flush:
            if let count = Self.backedOffOnly(data, now: now) {
                overlay = .confirmSendBackedOff(count: count)
                return []
            }
            return [.flush]
        case .retrySelected:
            guard focus == .events || focus == .queue, let row = selectedRow(focus, data: data, now: now),
                let event = data.event(id: row.id) ?? frozenEvents?.rows.first(where: { $0.id == row.id })
            else {
                notice = "r: select a DEAD event in Events (1) or Queue (2)"
                return []
            }
            let live = data.event(id: event.id) ?? event
            guard live.state == .dead else {
                notice = "r: the selected event is \(live.state.label), not DEAD"
                return []
            }
            notice = "retrying \(live.key)…"
            return [.retry(eventID: live.id)]
        case .retryAllDead:
            guard data.queue.dead > 0 else {
                notice = "R: no dead events"
                return []
            }
            overlay = .confirmRetryAll(count: data.queue.dead)
        case .acceptBaseline:
            guard !data.features.isEmpty else {
                notice = "b: no scan yet (s scans)"
                return []
            }
            overlay = .confirmAcceptBaseline(features: data.features.count)
        case .focusNext:
            focus = focus.next
        case .focusPrevious:
            focus = focus.previous
        case .focus(let pane):
            focus = pane
        case .up: move(by: -1, data: data, now: now)
        case .down: move(by: 1, data: data, now: now)
        case .pageUp: move(by: -(layout?.pageSize(focus) ?? 10), data: data, now: now)
        case .pageDown: move(by: layout?.pageSize(focus) ?? 10, data: data, now: now)
        case .top: resetSelection(focus)
        case .bottom:
            if PagedList.isPaged(focus) && !(focus == .events && paused) {
                // The last page comes from the data source; its last row is selected when it arrives.
                anchors[focus] = .tail
                wantLast.insert(focus)
            } else {
                move(by: Int.max / 2, data: data, now: now)
            }
        case .open:
            guard let row = selectedRow(focus, data: data, now: now) else {
                notice = "\(focus.title): nothing to show"
                return []
            }
            if focus == .features && scope != row.id {
                setScope(row.id)
                notice = "scope \(row.id): Events, Artifacts and Drift show only it (Enter again: details, a: all)"
                return []
            }
            overlay = .detail(pane: focus, id: row.id, scroll: 0)
            detailTarget = 0
        case .allFeatures:
            guard scope != nil else {
                notice = "a: already showing all features"
                return []
            }
            setScope(nil)
            notice = "scope: all features"
        case .back:
            if filters[focus] != nil {
                filters[focus] = nil
                resetSelection(focus)
            }
        case .filter:
            editingFilter = true
        case .pause:
            paused.toggle()
            frozenEvents = paused ? window(.events, data: data, now: now) : nil
            notice = paused ? "live feed paused (p resumes)" : "live feed resumed"
        case .help:
            overlay = .help(scroll: 0)
        case .quit:
            shouldQuit = true
        }
        return []
    }

    /// The number of pending events when none is due yet (all wait for their back-off) and an endpoint is set:
    /// then `f` asks before sending them early. nil: a plain flush.
    static func backedOffOnly(_ data: DashboardData, now: Date) -> Int? {
        let q = data.queue
        guard data.endpoint != .unconfigured, q.pending > 0, let next = q.nextRetryAt, next > now else { return nil }
        return q.pending
    }

    /// Moves the selection of the focused pane; reaching the first row goes back to following it.
    private mutating func move(by delta: Int, data: DashboardData, now: Date) {
        let rows = rows(focus, data: data, now: now)
        guard let current = selection(focus, in: rows) else { return }
        let target = min(max(0, current + delta), rows.count - 1)
        let offset = PagedList.isPaged(focus) ? window(focus, data: data, now: now).offset : 0
        if target == 0 && offset == 0 {
            resetSelection(focus)
        } else {
            selectedID[focus] = rows[target].id
            selectedIndex[focus] = target
        }
    }

    /// Scopes Events, Artifacts and Drift to `feature` (nil: all), their selections back to the top.
    private mutating func setScope(_ feature: String?) {
        scope = feature
        for pane in [Pane.events, .artifacts, .drift] { resetSelection(pane) }
        if paused {
            paused = false  // the frozen feed belongs to the old scope
            frozenEvents = nil
        }
    }

    private mutating func resetSelection(_ pane: Pane) {
        selectedID[pane] = nil
        selectedIndex[pane] = 0
        scrollTop[pane] = 0
        anchors[pane] = nil
        wantLast.remove(pane)
    }
}
