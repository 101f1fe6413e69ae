import Foundation
import Testing

@testable import DossierTUI

@Suite struct DashboardFrameCacheTests {
    @Test func redrawsOnlyWhenDataStateSizeOrSecondChange() {
        var cache = FrameCache()
        var data = DashboardFixtures.data()
        var state = UIState()
        let now = DashboardFixtures.now
        var builds = 0
        func frame(_ at: Date, width: Int = 120) -> Bool {
            cache.frame(data: data, state: &state, width: width, height: 40, now: at) { s, rows in
                builds += 1
                return Renderer.render(data: data, state: s, width: width, height: 40, now: at, rows: rows)
            } != nil
        }
        #expect(frame(now))
        #expect(!frame(now.addingTimeInterval(0.3)))  // same second, nothing changed: no work
        #expect(frame(now.addingTimeInterval(1)))  // ages move each second
        data.events.insert(DashboardFixtures.event(9), at: 0)  // new revision
        #expect(frame(now.addingTimeInterval(1)))
        _ = state.handle(.tab, data: data, layout: Layout(width: 120, height: 40), now: now)
        #expect(frame(now.addingTimeInterval(1)))
        #expect(frame(now.addingTimeInterval(1), width: 100))
        #expect(!frame(now.addingTimeInterval(1), width: 100))
        #expect(builds == 5)
    }
}
