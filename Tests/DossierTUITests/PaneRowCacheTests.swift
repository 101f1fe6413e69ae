import DossierCore
import Foundation
import Testing

@testable import DossierTUI

@Suite struct DashboardPaneRowCacheTests {
    /// Events arriving rebuild the event panes only; a scan's new results rebuild the scan's panes.
    @Test func rebuildsOnlyThePanesWhoseSourcesChanged() {
        var cache = PaneRowCache()
        var data = DashboardFixtures.data()
        let state = UIState()
        let now = DashboardFixtures.now
        #expect(cache.update(state: state, data: data, now: now) == Set(Pane.allCases))
        #expect(cache.update(state: state, data: data, now: now.addingTimeInterval(0.5)).isEmpty)

        data.events.insert(DashboardFixtures.event(9, state: .pending), at: 0)
        data.queue.pending += 1
        #expect(cache.update(state: state, data: data, now: now) == [.events, .queue, .deliveries])
        #expect(cache.rowSet.rows[.events]?.first?.id == DashboardFixtures.event(9).id)

        #expect(cache.update(state: state, data: data, now: now.addingTimeInterval(1)) == [.queue, .deliveries])

        data.features[0].artifacts.removeLast()
        #expect(Set(cache.update(state: state, data: data, now: now.addingTimeInterval(1))).isSuperset(of: [
            .features, .artifacts, .drift,
        ]))
        #expect(cache.rowSet.rows[.artifacts]?.count == 2)
        #expect(cache.rowSet == state.rowSet(data: data, now: now.addingTimeInterval(1)))
    }

    /// A filter or the scope changes the rows they apply to, and the cached rows equal freshly built ones.
    @Test func filterAndScopeRebuildTheirPanes() {
        var cache = PaneRowCache()
        let data = DashboardFixtures.data()
        var state = UIState()
        let now = DashboardFixtures.now
        cache.update(state: state, data: data, now: now)
        state.filters[.artifacts] = "spec"
        #expect(cache.update(state: state, data: data, now: now) == [.artifacts])
        #expect(cache.rowSet.rows[.artifacts]?.map(\.id) == ["042-login/spec"])
        state.scope = "042-login"
        #expect(cache.update(state: state, data: data, now: now).isSuperset(of: [.features, .artifacts, .drift]))
        #expect(cache.rowSet == state.rowSet(data: data, now: now))
        cache.invalidate()
        #expect(cache.update(state: state, data: data, now: now) == Set(Pane.allCases))
    }
}
