import DossierCore
import Foundation
import Testing

@testable import DossierTUI

/// The Features pane (6): every feature with completeness, anomalies, drift state and parity; Enter scopes Events,
/// Artifacts and Drift to one feature and the titles say so; `a` goes back to all features.
@Suite struct DashboardFeatureScopeTests {
    let now = DashboardFixtures.now
    let layout = Layout(width: 120, height: 40)

    /// Two features: 042-login (incomplete, drift) and 043-signup (complete, no baseline), events of both.
    func twoFeatures() -> DashboardData {
        var data = DashboardFixtures.data()
        var other = DashboardFixtures.snapshot
        other.featureSlug = "043-signup"
        other.completeness = .complete
        data.features.append(
            FeatureSummary(snapshot: other, artifacts: [DashboardFixtures.artifacts[0]], anomalies: []))
        data.features[0].baseline = Baseline(
            featureSlug: "042-login", missionType: "software-dev", parityHashSHA256: DashboardFixtures.hash("2"),
            entries: [], acceptedAt: "2026-11-24T18:00:00Z", source: "local")
        var e = DashboardFixtures.event(6, state: .pending, key: "artifact.signup")
        e.featureSlug = "043-signup"
        data.events.insert(e, at: 0)
        return data
    }

    func screen(_ data: DashboardData, _ state: UIState, width: Int = 120, height: Int = 40) -> String {
        Renderer.render(data: data, state: state, width: width, height: height, now: now).lines.joined(separator: "\n")
    }

    @Test func featureRowsShowCompletenessAnomaliesDriftAndParity() {
        let rows = PaneRows.all(.features, data: twoFeatures(), now: now)
        #expect(rows.map(\.id) == ["042-login", "043-signup"])
        #expect(rows[0].text.contains("✗ 042-login  2/3 req  ! 1 anom  drift WARNING +1 -1 ~1  parity 3fa2b1c4d5e6"))
        #expect(rows[1].text.contains("✓ 043-signup  2/3 req  no baseline  parity"))
        #expect(rows[0].style == .error)
        // At 80x24 (41 columns): drift and parity give way, then the slug is cut; completeness, counts and the
        // anomaly badge stay whole.
        #expect(rows[0].fitted(to: 41) == " ✗ 042-login  2/3 req  ! 1 anom")
        var long = twoFeatures()
        long.features[0].snapshot.featureSlug = "002-lightweight-pypi-release"
        let row = PaneRows.all(.features, data: long, now: now)[0]
        #expect(row.fitted(to: 41) == " ✗ 002-lightweight-py…  2/3 req  ! 1 anom")
    }

    @Test func enterScopesEventsArtifactsAndDriftAndSaysSo() {
        let data = twoFeatures()
        var state = UIState()
        _ = state.handle(.char("6"), data: data, layout: layout, now: now)
        _ = state.handle(.down, data: data, layout: layout, now: now)
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        #expect(state.scope == "043-signup")
        #expect(state.overlay == nil)
        #expect(state.notice?.contains("scope 043-signup") == true)
        #expect(state.pageRequest(.events).feature == "043-signup")
        #expect(state.pageRequest(.queue).feature == nil)  // the Queue pane stays the whole queue
        let events = state.rows(.events, data: data, now: now)
        #expect(events.count == 1 && events[0].text.contains("artifact.signup  043-signup"))
        #expect(state.rows(.artifacts, data: data, now: now).map(\.id) == ["043-signup/spec"])
        #expect(state.rows(.drift, data: data, now: now).isEmpty)
        let text = screen(data, state)
        #expect(text.contains("1 Events · 043-signup (1)"))
        #expect(text.contains("5 Artifacts · 043-signup (1)"))
        #expect(text.contains("4 Drift · 043-signup (0)"))
        #expect(text.contains("[6 Features · scope 043-signup (2)]"))
        #expect(text.contains("feature 043-signup (scope · a: all)"))
        // Enter again on the scoped feature: its details.
        _ = state.handle(.enter, data: data, layout: layout, now: now)
        #expect(state.overlay == .detail(pane: .features, id: "043-signup", scroll: 0))
        _ = state.handle(.escape, data: data, layout: layout, now: now)
        #expect(screen(data, state).contains("a all features"))  // the hint, once no notice takes the room
        #expect(screen(data, state).contains("4 Drift · 043-signup (0)"))
        #expect(screen(data, state).contains("no baseline yet (b to accept)"))  // of the scoped feature
        // `a`: all features again, one keystroke.
        _ = state.handle(.char("a"), data: data, layout: layout, now: now)
        #expect(state.scope == nil)
        #expect(state.rows(.events, data: data, now: now).count == data.events.count)
        #expect(screen(data, state).contains("1 Events (\(data.events.count))"))
        _ = state.handle(.char("a"), data: data, layout: layout, now: now)
        #expect(state.notice == "a: already showing all features")
    }

    @Test func eventRowsKeepTheirFeatureInANarrowPane() {
        let row = PaneRows.eventRow(DashboardFixtures.event(7, key: "artifact.a-very-long-artifact-key-that-is-cut"))
        let fitted = row.fitted(to: 41)
        #expect(TextWidth.width(fitted) <= 41)
        #expect(fitted.hasSuffix("  042-login"), "\(fitted)")
        #expect(fitted.contains("…"), "\(fitted)")
    }

    @Test func fWithOnlyBackedOffEventsAsksBeforeSendingThemNow() {
        var data = DashboardFixtures.data()
        data.queue.pending = 405
        data.queue.nextRetryAt = now.addingTimeInterval(1190)
        var state = UIState()
        #expect(state.handle(.char("f"), data: data, layout: layout, now: now).isEmpty)
        #expect(state.overlay == .confirmSendBackedOff(count: 405))
        #expect(screen(data, state).contains("Send 405 events waiting for back-off now? (y/N)"))
        #expect(state.handle(.char("y"), data: data, layout: layout, now: now) == [.sendBackedOffNow])
        #expect(state.handle(.char("f"), data: data, layout: layout, now: now).isEmpty)
        #expect(state.handle(.char("n"), data: data, layout: layout, now: now).isEmpty)
        #expect(state.notice?.contains("cancelled") == true)
        // Something due: a plain flush, no question.
        data.queue.nextRetryAt = now.addingTimeInterval(-1)
        #expect(state.handle(.char("f"), data: data, layout: layout, now: now) == [.flush])
        // No endpoint: a plain flush (it says what to configure).
        data.queue.nextRetryAt = now.addingTimeInterval(1190)
        data.endpoint = .unconfigured
        #expect(state.handle(.char("f"), data: data, layout: layout, now: now) == [.flush])
    }
}

/// Mouse events on the pure state: a click focuses and selects, the wheel scrolls, a question ignores the mouse.
@Suite struct DashboardMouseStateTests {
    let now = DashboardFixtures.now
    let layout = Layout(width: 120, height: 40)

    @Test func clickFocusesAndSelectsWheelScrollsQuestionsIgnoreIt() throws {
        let data = DashboardFixtures.data()
        let l = try #require(layout)
        var state = UIState()
        let artifacts = l.listArea(.artifacts)
        _ = state.handle(mouse: .click(x: artifacts.x + 3, y: artifacts.y + 1), data: data, layout: l, now: now)
        #expect(state.focus == .artifacts)
        #expect(state.selectedRow(.artifacts, data: data, now: now)?.id == "042-login/plan")
        let events = l.listArea(.events)
        _ = state.handle(mouse: .wheel(up: false, x: events.x + 3, y: events.y), data: data, layout: l, now: now)
        #expect(state.focus == .events)
        #expect(state.selectedIndex[.events] == UIState.wheelStep)
        state.overlay = .confirmRetryAll(count: 1)
        _ = state.handle(mouse: .wheel(up: true, x: events.x + 3, y: events.y), data: data, layout: l, now: now)
        #expect(state.overlay == .confirmRetryAll(count: 1))
        // A click on a border or the header selects nothing.
        state.overlay = nil
        _ = state.handle(mouse: .click(x: 0, y: 0), data: data, layout: l, now: now)
        #expect(state.focus == .events)
    }
}
