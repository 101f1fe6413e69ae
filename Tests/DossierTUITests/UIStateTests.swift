import DossierCore
import Foundation
import Testing

@testable import DossierTUI

@Suite struct DashboardUIStateTests {
    let now = DashboardFixtures.now
    let layout = Layout(width: 120, height: 40)

    mutating func press(_ state: inout UIState, _ keys: KeyInput..., data: DashboardData) -> [UICommand] {
        keys.flatMap { state.handle($0, data: data, layout: layout, now: now) }
    }

    @Test func selectionFollowsItsItemWhenRowsAreInsertedAbove() {
        var data = DashboardFixtures.data()
        var state = UIState()
        _ = state.handle(.down, data: data, layout: layout, now: now)
        _ = state.handle(.down, data: data, layout: layout, now: now)
        let chosen = data.events[2].id
        #expect(state.selectedRow(.events, data: data, now: now)?.id == chosen)
        // Three new events arrive at the top (newest first): the selection stays on the same event.
        data.events.insert(contentsOf: [8, 7, 6].map { DashboardFixtures.event($0) }, at: 0)
        state.normalize(data: data, layout: layout, now: now)
        #expect(state.selectedRow(.events, data: data, now: now)?.id == chosen)
        #expect(state.selectedIndex[.events] == 5)
    }

    @Test func untouchedSelectionFollowsTheNewestRow() {
        var data = DashboardFixtures.data()
        var state = UIState()
        state.normalize(data: data, layout: layout, now: now)
        data.events.insert(DashboardFixtures.event(9), at: 0)
        state.normalize(data: data, layout: layout, now: now)
        #expect(state.selectedRow(.events, data: data, now: now)?.id == data.events[0].id)
    }

    @Test func whenTheSelectedItemDisappearsTheSameIndexIsSelected() {
        var data = DashboardFixtures.data()
        var state = UIState()
        for _ in 0..<3 { _ = state.handle(.down, data: data, layout: layout, now: now) }
        data.events.remove(at: 3)
        state.normalize(data: data, layout: layout, now: now)
        #expect(state.selectedRow(.events, data: data, now: now)?.id == data.events[3].id)
        data.events.removeLast(2)
        state.normalize(data: data, layout: layout, now: now)
        #expect(state.selectedRow(.events, data: data, now: now)?.id == data.events.last?.id)
    }

    @Test func scrollKeepsTheSelectionVisible() {
        let data = DashboardFixtures.data(events: (1...200).reversed().map { DashboardFixtures.event($0) })
        var state = UIState()
        let height = layout!.listArea(.events).height
        _ = state.handle(.pageDown, data: data, layout: layout, now: now)
        _ = state.handle(.pageDown, data: data, layout: layout, now: now)
        let index = state.selectedIndex[.events]!
        #expect(index == 2 * (height - 1))
        #expect((state.scrollTop[.events]!..<(state.scrollTop[.events]! + height)).contains(index))
        _ = state.handle(.char("G"), data: data, layout: layout, now: now)
        #expect(state.selectedIndex[.events] == 199)
        #expect(state.scrollTop[.events] == 200 - height)
        _ = state.handle(.char("g"), data: data, layout: layout, now: now)
        #expect(state.selectedIndex[.events] == 0 && state.scrollTop[.events] == 0)
    }

    @Test func focusCyclesWithTabAndDigits() {
        let data = DashboardFixtures.data()
        var state = UIState()
        _ = state.handle(.tab, data: data, layout: layout, now: now)
        #expect(state.focus == .queue)
        _ = state.handle(.backTab, data: data, layout: layout, now: now)
        _ = state.handle(.backTab, data: data, layout: layout, now: now)
        #expect(state.focus == .features)
        _ = state.handle(.backTab, data: data, layout: layout, now: now)
        #expect(state.focus == .artifacts)
        _ = state.handle(.char("3"), data: data, layout: layout, now: now)
        #expect(state.focus == .deliveries)
    }

    @Test func filterNarrowsTheFocusedListAndEscClearsIt() {
        let data = DashboardFixtures.data()
        var state = UIState()
        _ = state.handle(.char("/"), data: data, layout: layout, now: now)
        for c in "dead" { _ = state.handle(.char(c), data: data, layout: layout, now: now) }
        #expect(state.rows(.events, data: data, now: now).map(\.id) == [data.events[1].id])
        #expect(state.selectedRow(.events, data: data, now: now)?.id == data.events[1].id)
        _ = state.handle(.backspace, data: data, layout: layout, now: now)
        #expect(state.filters[.events] == "dea")
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        #expect(!state.editingFilter)
        #expect(state.rows(.deliveries, data: data, now: now).count == 2)  // other panes unfiltered
        _ = state.handle(.char("q"), data: data, layout: layout, now: now)  // not typing any more: q quits
        #expect(state.shouldQuit)
        var s2 = UIState()
        _ = s2.handle(.char("/"), data: data, layout: layout, now: now)
        _ = s2.handle(.char("q"), data: data, layout: layout, now: now)  // typing: q is text
        #expect(!s2.shouldQuit && s2.filters[.events] == "q")
        _ = s2.handle(.escape, data: data, layout: layout, now: now)
        #expect(s2.filters[.events] == nil && !s2.editingFilter)
    }

    @Test func commandsAndReadOnly() {
        var data = DashboardFixtures.data()
        data.queue.nextRetryAt = now  // an event is due: f flushes without asking
        var state = UIState()
        #expect(state.handle(.char("s"), data: data, layout: layout, now: now) == [.scan])
        #expect(state.handle(.char("f"), data: data, layout: layout, now: now) == [.flush])
        // r on a delivered event refuses, on the dead one retries it.
        #expect(state.handle(.char("r"), data: data, layout: layout, now: now) == [])
        #expect(state.notice?.contains("not DEAD") == true)
        _ = state.handle(.down, data: data, layout: layout, now: now)
        #expect(state.handle(.char("r"), data: data, layout: layout, now: now) == [.retry(eventID: data.events[1].id)])
        // R asks first; only y confirms.
        #expect(state.handle(.char("R"), data: data, layout: layout, now: now) == [])
        #expect(state.overlay == .confirmRetryAll(count: 1))
        #expect(state.handle(.char("n"), data: data, layout: layout, now: now) == [])
        #expect(state.overlay == nil && state.notice == "retry all: cancelled")
        _ = state.handle(.char("R"), data: data, layout: layout, now: now)
        #expect(state.handle(.char("y"), data: data, layout: layout, now: now) == [.retryAllDead])

        var ro = UIState(readOnly: true)
        for key in ["s", "f", "r", "R"] {
            #expect(ro.handle(.char(Character(key)), data: data, layout: layout, now: now) == [])
            #expect(ro.notice?.hasPrefix("read-only: \(key) (") == true)
        }
        #expect(ro.overlay == nil)
    }

    @Test func queuePaneListsDeadFirstAndRetriesFromThere() {
        let data = DashboardFixtures.data()
        var state = UIState()
        _ = state.handle(.char("2"), data: data, layout: layout, now: now)
        #expect(state.rows(.queue, data: data, now: now).map(\.id) == [data.events[1].id, data.events[0].id])
        #expect(state.handle(.char("r"), data: data, layout: layout, now: now) == [.retry(eventID: data.events[1].id)])
    }

    @Test func pauseFreezesTheEventsFeed() {
        var data = DashboardFixtures.data()
        var state = UIState()
        _ = state.handle(.char("p"), data: data, layout: layout, now: now)
        data.events.insert(DashboardFixtures.event(42), at: 0)
        #expect(state.rows(.events, data: data, now: now).count == 5)
        _ = state.handle(.char("p"), data: data, layout: layout, now: now)
        #expect(state.rows(.events, data: data, now: now).count == 6)
    }

    /// Drift details: j/k choose an added, removed or changed artifact; Enter jumps to it in Artifacts, scoped to
    /// its feature, with its events in Events (filtered on its key); a removed one goes to its events only.
    @Test func enterOnADriftArtifactJumpsToItAndItsEvents() {
        let data = DashboardFixtures.data()
        var state = UIState()
        _ = state.handle(.char("4"), data: data, layout: layout, now: now)
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        let targets = DriftDetails.targets(featureSlug: "042-login", data: data)
        #expect(targets.map(\.key) == ["research", "tasks", "spec"])
        #expect(targets.map(\.change) == [.added, .removed, .changed])
        _ = state.handle(.char("j"), data: data, layout: layout, now: now)
        _ = state.handle(.char("j"), data: data, layout: layout, now: now)
        _ = state.handle(.char("j"), data: data, layout: layout, now: now)
        #expect(state.detailTarget == 2, "stops at the last one")
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        #expect(state.overlay == nil && state.focus == .artifacts && state.scope == "042-login")
        #expect(state.selectedID[.artifacts] == "042-login/spec")
        #expect(state.filters[.events] == #""artifact_key":"spec""#)
        #expect(state.notice?.contains("spec selected in Artifacts") == true)

        _ = state.handle(.char("4"), data: data, layout: layout, now: now)
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        #expect(state.detailTarget == 0, "details open on their first artifact")
        _ = state.handle(.char("j"), data: data, layout: layout, now: now)
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        #expect(state.overlay == nil && state.focus == .events)
        #expect(state.filters[.events] == #""artifact_key":"tasks""#)
        #expect(state.notice?.contains("tasks was removed") == true)
    }

    @Test func enterOpensDetailsEscClosesAndOverlayScrolls() {
        let data = DashboardFixtures.data()
        var state = UIState()
        _ = state.handle(.char("4"), data: data, layout: layout, now: now)
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        #expect(state.overlay == .detail(pane: .drift, id: "042-login", scroll: 0))
        _ = state.handle(.char("j"), data: data, layout: layout, now: now)
        #expect(state.detailTarget == 1, "in drift details j chooses the next artifact")
        state.overlay = .detail(pane: .events, id: data.events[0].id, scroll: 0)
        _ = state.handle(.char("j"), data: data, layout: layout, now: now)
        #expect(state.overlay == .detail(pane: .events, id: data.events[0].id, scroll: 1))
        _ = state.handle(.char("s"), data: data, layout: layout, now: now)  // no commands under an overlay
        #expect(state.notice == "Esc closes the overlay")
        _ = state.handle(.escape, data: data, layout: layout, now: now)
        #expect(state.overlay == nil)
        _ = state.handle(.char("?"), data: data, layout: layout, now: now)
        #expect(state.overlay == .help(scroll: 0))
        _ = state.handle(.char("?"), data: data, layout: layout, now: now)
        #expect(state.overlay == nil)
        var empty = UIState()
        _ = empty.handle(.enter, data: DashboardData(), layout: layout, now: now)
        #expect(empty.overlay == nil && empty.notice == "Events: nothing to show")
    }
}
