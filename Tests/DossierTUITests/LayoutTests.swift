import Testing

@testable import DossierTUI

@Suite struct DashboardLayoutTests {
    @Test(arguments: [(80, 24), (120, 40), (81, 25), (300, 100)])
    func panesTileTheBodyWithoutOverlap(width: Int, height: Int) throws {
        let layout = try #require(Layout(width: width, height: height))
        var owner = Array(repeating: Array(repeating: 0, count: width), count: height)
        for rect in [layout.header, layout.statusBar] + layout.panes.values {
            for y in rect.y..<(rect.y + rect.height) {
                for x in rect.x..<(rect.x + rect.width) { owner[y][x] += 1 }
            }
        }
        #expect(owner.allSatisfy { $0.allSatisfy { $0 == 1 } })  // every cell covered exactly once
        for pane in Pane.allCases { #expect(layout.listArea(pane).height >= 1, "\(pane) has no list row") }
    }

    @Test func exactRectsAt80x24() throws {
        let l = try #require(Layout(width: 80, height: 24))
        #expect(l.header == Rect(x: 0, y: 0, width: 80, height: 4))
        #expect(l.panes[.events] == Rect(x: 0, y: 4, width: 44, height: 9))
        #expect(l.panes[.features] == Rect(x: 0, y: 13, width: 44, height: 5))
        #expect(l.panes[.artifacts] == Rect(x: 0, y: 18, width: 44, height: 5))
        #expect(l.panes[.queue] == Rect(x: 44, y: 4, width: 36, height: 7))
        #expect(l.panes[.deliveries] == Rect(x: 44, y: 11, width: 36, height: 6))
        #expect(l.panes[.drift] == Rect(x: 44, y: 17, width: 36, height: 6))
        #expect(l.statusBar == Rect(x: 0, y: 23, width: 80, height: 1))
        #expect(l.listArea(.queue) == Rect(x: 45, y: 8, width: 34, height: 2))
    }

    @Test func belowMinimumThereIsNoLayout() {
        #expect(Layout(width: 79, height: 24) == nil)
        #expect(Layout(width: 80, height: 23) == nil)
    }
}
