import Testing

@testable import DossierTUI

/// Pure layout: lower-priority text gives way first, every cut shows `…`, numbers and badges are never cut.
@Suite struct DashboardLineFitTests {
    let line = [
        Segment("feature ", priority: 2), Segment("042-login", priority: 8, cuttable: true),
        Segment("  mission software-dev", priority: 1, cuttable: true), Segment("  ✗ INCOMPLETE", priority: 10),
        Segment(" 2/3 required", priority: 9), Segment("  ! 2 anomalies", priority: 9),
    ]

    func text(_ width: Int) -> String { LineFit.text(line, width: width) }

    @Test func everythingFitsUnchanged() {
        #expect(text(200) == "feature 042-login  mission software-dev  ✗ INCOMPLETE 2/3 required  ! 2 anomalies")
    }

    @Test func lowPriorityTextGivesWayFirstWithAnEllipsis() {
        #expect(text(74) == "feature 042-login  mission soft…  ✗ INCOMPLETE 2/3 required  ! 2 anomalies")
        // Mission gone, then the "feature " label; completeness, counts and anomalies stay whole.
        #expect(text(52) == "042-login  ✗ INCOMPLETE 2/3 required  ! 2 anomalies")
        #expect(text(49) == "042-lo…  ✗ INCOMPLETE 2/3 required  ! 2 anomalies")
    }

    @Test func numbersAndBadgesAreDroppedWholeNeverCut() {
        let fitted = text(30)
        #expect(fitted == "✗ INCOMPLETE 2/3 required")  // the separator before it went with the text before it
        for width in 0...90 {
            let t = text(width)
            #expect(TextWidth.width(t) <= width)
            #expect(!t.contains("! 2 anom") || t.contains("! 2 anomalies"), "cut badge at \(width): \(t)")
            #expect(!t.contains("2/") || t.contains("2/3 required"), "cut count at \(width): \(t)")
        }
    }

    @Test func aColumnStaysOrGoesByWidthAloneSoRowsStayAligned() {
        let rows = ["spec", "work_package.wp03-order-confirmation.md"].map { key in
            [
                Segment("sent ✓  ", priority: 10), Segment("18:03:04 ", priority: 7, onlyFrom: 56),
                Segment(key, priority: 5, cuttable: true), Segment("  042-login", priority: 8),
            ]
        }
        let wide = rows.map { LineFit.text($0, width: 60) }
        #expect(
            wide == [
                "sent ✓  18:03:04 spec  042-login", "sent ✓  18:03:04 work_package.wp03-order-confirm…  042-login",
            ])
        let narrow = rows.map { LineFit.text($0, width: 41) }
        #expect(narrow == ["sent ✓  spec  042-login", "sent ✓  work_package.wp03-ord…  042-login"])
    }

    @Test func wrapBreaksAtSpacesAndIndentsContinuations() {
        let lines = LineFit.wrap(
            "last error rejected: artifact_missing tasks.md is required", width: 24, indent: "    ")
        #expect(lines == ["last error rejected:", "    artifact_missing", "    tasks.md is required"])
        #expect(LineFit.wrap("short", width: 24) == ["short"])
        #expect(
            LineFit.wrap(String(repeating: "x", count: 30), width: 12, indent: "  ") == [
                "xxxxxxxxxxxx", "  xxxxxxxxxx", "  xxxxxxxx",
            ])
    }

    @Test func aLabelNeverStaysBehindWithoutItsValue() {
        let grouped = [
            Segment("feature ", priority: 2), Segment("042-login", priority: 8),
            Segment("  mission ", priority: 1, group: 1), Segment("software-dev", priority: 1, cuttable: true, group: 1),
            Segment("  ✗ INCOMPLETE", priority: 10),
        ]
        #expect(LineFit.text(grouped, width: 60) == "feature 042-login  mission software-dev  ✗ INCOMPLETE")
        #expect(LineFit.text(grouped, width: 45) == "feature 042-login  mission sof…  ✗ INCOMPLETE")
        // Too narrow for even a cut value: the label goes with it (no "mission   ✗").
        for width in 0...45 {
            let t = LineFit.text(grouped, width: width)
            #expect(!t.contains("mission") || t.contains("mission s"), "\(width): \(t)")
        }
        #expect(LineFit.text(grouped, width: 40) == "feature 042-login  ✗ INCOMPLETE")
    }

    /// A label less important than its value (`endpoint ` before a long `unreachable since …` state) stays while the
    /// value does: the value is cut, lower-priority text goes first, and the pair never vanishes while it fits cut.
    @Test func aLabelLessImportantThanItsValueStaysWithIt() {
        let line = [
            Segment("parity ", priority: 2, group: 1), Segment("3fa2b1c4", priority: 2, group: 1),
            Segment("  ", priority: 2, group: 1),
            Segment("endpoint ", priority: 4, group: 2),
            Segment("unreachable since 18:10:31 (connection failed: refused)", priority: 7, cuttable: true, group: 2),
            Segment(" → http://127.0.0.1:1/webhook", priority: 1, cuttable: true),
        ]
        #expect(LineFit.text(line, width: 60) == "endpoint unreachable since 18:10:31 (connection failed: ref…")
        #expect(LineFit.text(line, width: 30) == "endpoint unreachable since 18…")
        for width in 13...80 {
            let t = LineFit.text(line, width: width)
            #expect(t.hasPrefix("endpoint u") || t.hasPrefix("parity "), "\(width): \(t)")
        }
    }

    @Test func canvasCutsShowAnEllipsis() {
        var canvas = Canvas(width: 12, height: 1)
        canvas.write("sent 5729 events", x: 0, y: 0)
        #expect(canvas.lines == ["sent 5729 e…"])
    }

    @Test func at80x24TheHeaderKeepsCompletenessAndTheQueueItsCounts() {
        var data = DashboardFixtures.data()
        data.queue = QueueSummary(
            pending: 99_988, inFlight: 0, delivered: 5_729, dead: 3, capacity: 100_000, refused: 12)
        let lines = Renderer.render(data: data, state: UIState(), width: 80, height: 24, now: DashboardFixtures.now)
            .lines
        let screen = lines.joined(separator: "\n")
        #expect(lines[1].contains("✗ INCOMPLETE 2/3 required  ! 1 anomaly"), "\(lines[1])")
        #expect(screen.contains("│ DEAD 3 pend 99k fly 0 sent 5729"), "\(screen)")
        // No leading gap once the sparkline gave way.
        #expect(screen.contains("│ cap 99k/100k  REFUSED 12"), "\(screen)")
        #expect(lines[23].contains("? help"), "\(lines[23])")
    }
}
