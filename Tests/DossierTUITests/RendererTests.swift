import DossierCore
import Foundation
import Testing

@testable import DossierTUI

@Suite struct DashboardRendererTests {
    let now = DashboardFixtures.now

    func frame(_ data: DashboardData, _ state: UIState = UIState(), width: Int = 120, height: Int = 40) -> [String] {
        var s = state
        s.normalize(data: data, layout: Layout(width: width, height: height), now: now)
        return Renderer.render(data: data, state: s, width: width, height: height, now: now).lines
    }

    @Test func everyLineIsExactlyTheTerminalWidth() {
        for (w, h) in [(120, 40), (80, 24), (200, 60)] {
            let lines = frame(DashboardFixtures.data(), width: w, height: h)
            #expect(lines.count == h)
            for line in lines { #expect(TextWidth.width(line) == w, "\(w)x\(h): \(line)") }
        }
    }

    @Test func aLongEndpointReasonIsCutNeverDropped() {
        var data = DashboardFixtures.data()
        let reason = "connection failed: connection reset by peer (" + String(repeating: "detail ", count: 30) + ")"
        data.endpoint = .offline(endpoint: "http://127.0.0.1:8080/hook", reason: reason, since: now)
        for (w, h) in [(120, 40), (80, 24)] {
            let header = frame(data, width: w, height: h)[2]
            #expect(header.contains("unreachable since ") && header.contains("…"), "\(w)x\(h): \(header)")
        }
    }

    @Test func showsAllPanesHeaderAndStatusBar() {
        let text = frame(DashboardFixtures.data()).joined(separator: "\n")
        for title in ["[1 Events (5)]", " 2 Queue (2) ", " 3 Deliveries (2) ", " 4 Drift (1) ", " 5 Artifacts (3) "] {
            #expect(text.contains(title), "missing \(title)")
        }
        #expect(text.contains("feature 042-login  mission software-dev  step plan  ✗ INCOMPLETE 2/3 required"))
        #expect(text.contains("parity 3fa2b1c4d5e6  endpoint delivering → http://127.0.0.1:8080/hook"))
        #expect(text.contains("pending 1 · sending 0 · sent 3 · DEAD 1"))
        #expect(text.contains("oldest pending 4m12s · next try in 28s"))
        #expect(text.contains("sent/1s ▁▂▃▅█"))
        #expect(text.contains("WARNING 042-login  +1 -1 ~1"))
        #expect(text.contains("503 ERR    1 ev   12ms  retry in 5s  "))
        #expect(text.contains("200 OK     3 ev   34ms  delivered 3  "))
        #expect(text.contains("research-世界.md  optional evidence  ! unreadable"))
        #expect(text.contains("plan.md  required output  ✗ MISSING"))
    }

    @Test func exactEventsPaneLines() {
        let lines = frame(DashboardFixtures.data())
        // Events pane: x 0..<66, list starts at row 5 (header 4 rows + top border).
        let events = lines[5...9].map { String($0.prefix(41)) }
        #expect(
            events == [
                "│›pending 18:03:05 indexed  artifact.file",
                "│ DEAD ✗  18:03:04 indexed  artifact.file",
                "│ sent ✓  18:03:03 indexed  artifact.file",
                "│ sent ✓  18:03:02 indexed  artifact.file",
                "│ sent ✓  18:03:01 indexed  artifact.file",
            ])
        #expect(
            lines[39].hasPrefix(
                " Events: ? help  q quit  s scan  f flush  r retry  R retry all  Enter details  / filter"))
        #expect(lines[39].hasSuffix("120x40 "))
    }

    @Test func selectedRowIsReverseVideoAndMarkedWithoutColor() {
        var state = UIState()
        state.normalize(data: DashboardFixtures.data(), layout: Layout(width: 120, height: 40), now: now)
        let canvas = Renderer.render(data: DashboardFixtures.data(), state: state, width: 120, height: 40, now: now)
        #expect(canvas.style(x: 1, y: 5) == .selected)
        #expect(canvas.lines[5].dropFirst().hasPrefix("›"))  // the marker carries it without color
        #expect(canvas.style(x: 2, y: 6) == .error)
    }

    @Test func tooSmallTerminalSaysSoWithSizeAndMinimum() {
        let lines = frame(DashboardFixtures.data(), width: 79, height: 30)
        #expect(lines[0].hasPrefix("terminal too small (79x30, min 80x24)"))
        #expect(
            frame(DashboardFixtures.data(), width: 100, height: 23)[0].hasPrefix(
                "terminal too small (100x23, min 80x24)"))
    }

    @Test func emptyDataExplainsWhatToDo() {
        let text = frame(DashboardData(source: "demo")).joined(separator: "\n")
        #expect(text.contains("no scan yet — press s to scan"))
        #expect(text.contains("no events in the queue — press s to scan"))
        #expect(text.contains("endpoint no endpoint (events stay queued)"))
        let ro = frame(DashboardData(source: "demo"), UIState(readOnly: true)).joined(separator: "\n")
        #expect(ro.contains("READ-ONLY"))
        #expect(!ro.contains("press s"))
        #expect(!ro.contains("s scan"))
    }

    @Test func helpOverlayIsGeneratedFromTheKeyMap() {
        var state = UIState()
        state.overlay = .help(scroll: 0)
        let text = frame(DashboardFixtures.data(), state).joined(separator: "\n")
        #expect(text.contains("[Help · keys (Esc closes)]"))
        for b in KeyMap.standard.bindings { #expect(text.contains(b.help), "help lacks \(b.help)") }
        #expect(text.contains("R            retry every dead event (asks y/N)"))
    }

    @Test func detailOverlaysShowEnvelopeAttemptAndDriftHashes() {
        let data = DashboardFixtures.data()
        var state = UIState()
        state.overlay = .detail(pane: .events, id: data.events[1].id, scroll: 0)
        var text = frame(data, state).joined(separator: "\n")
        #expect(text.contains("state     DEAD ✗   attempts 8"))
        #expect(text.contains("\"payload\":{}}"))

        state.overlay = .detail(pane: .deliveries, id: "a1", scroll: 0)
        text = frame(data, state).joined(separator: "\n")
        #expect(text.contains("answer    HTTP 200 OK"))
        #expect(text.contains("Events in this batch:"))
        #expect(text.contains("sent ✓  indexed  artifact.file-1  \(data.events[4].id)"))

        state.overlay = .detail(pane: .drift, id: "042-login", scroll: 0)
        text = frame(data, state).joined(separator: "\n")
        #expect(text.contains("  ~ spec  spec.md"))
        #expect(text.contains("old " + DashboardFixtures.hash("b")))
        #expect(text.contains("new " + DashboardFixtures.hash("a")))
        #expect(text.contains("› + research"), "the first artifact is the chosen one")
        #expect(text.contains("  - tasks"))
        state.detailTarget = 2
        text = frame(data, state).joined(separator: "\n")
        #expect(text.contains("› ~ spec  spec.md") && text.contains("  + research"))

        state.overlay = .detail(pane: .drift, id: "gone", scroll: 0)
        #expect(frame(data, state).joined(separator: "\n").contains("no longer in the list"))
    }

    @Test func confirmOverlayAsksYesNo() {
        var state = UIState()
        state.overlay = .confirmRetryAll(count: 3)
        #expect(frame(DashboardFixtures.data(), state).joined().contains("Retry all 3 dead events? y = yes"))
    }

    @Test func longAndWideTextIsClippedInsideTheBorder() {
        let wide = String(repeating: "世界", count: 60)
        let data = DashboardFixtures.data(events: [DashboardFixtures.event(1, key: wide)])
        for (w, h) in [(120, 40), (81, 24)] {
            let lines = frame(data, width: w, height: h)
            let layout = Layout(width: w, height: h)!
            let border = layout.panes[.events]!.width - 1
            let row = lines[5]
            // The pane's right border is still at its column: walk by display width.
            var col = 0
            var found: Character?
            for ch in row {
                if col == border {
                    found = ch
                    break
                }
                col += TextWidth.width(of: ch)
            }
            #expect(found == "│", "\(w)x\(h): \(row)")
        }
    }

    @Test func narrowQueuePaneKeepsEveryCountVisible() {
        var data = DashboardFixtures.data()
        data.queue.delivered = 12_345
        let text = frame(data, width: 80, height: 24).joined(separator: "\n")
        #expect(text.contains("DEAD 1  pend 1  fly 0  sent 12k"))
        #expect(text.contains("oldest 4m12s · next in 28s"))
    }

    @Test func aNewerDataSourceMessageReplacesAnOlderNotice() {
        var data = DashboardFixtures.data()
        var state = UIState()
        state.notice = "retrying artifact.file-4…"
        state.noticeAt = now.addingTimeInterval(-2)
        #expect(frame(data, state)[39].contains("retrying artifact.file-4…"))
        data.message = Message(text: "retry: 1 event back to pending", at: now.addingTimeInterval(-1))
        #expect(frame(data, state)[39].contains(" retry: 1 event back to pending  │  Events:"))
        data.message = Message(text: "flush failed: boom", isError: true, at: now.addingTimeInterval(-1))
        let canvas = Renderer.render(data: data, state: state, width: 120, height: 40, now: now)
        #expect(canvas.lines[39].contains("ERROR: flush failed: boom"))
        #expect(canvas.style(x: 1, y: 39) == .error)
        data.message = Message(text: "old news", at: now.addingTimeInterval(-60))  // expired after 30 s
        #expect(!frame(data, UIState())[39].contains("old news"))
    }
}
