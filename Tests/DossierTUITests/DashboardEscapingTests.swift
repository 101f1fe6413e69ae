import DossierCore
import Foundation
import Testing

@testable import DossierTUI

/// The dashboard draws input-derived text (paths, slugs, dead reasons) through the product's one terminal escaper:
/// no control character reaches the screen, and it reads exactly as in the CLI.
@Suite struct DashboardEscapingTests {
    static let hostile = "x\u{1B}[2J\r\n\u{7F}\u{85}\u{202E}y.md"
    static let escaped = "x\\x1B[2J\\r\\n\\x7F\\u{85}\\u{202E}y.md"

    @Test func canvasWritesTheEscapedSpelling() {
        var canvas = Canvas(width: 60, height: 1)
        canvas.write(Self.hostile, x: 0, y: 0)
        #expect(canvas.lines[0].hasPrefix(Self.escaped))
        #expect(!canvas.lines[0].unicodeScalars.contains { TerminalText.needsEscape($0) && $0 != "\\" })
    }

    @Test func hostileArtifactPathAndDeadReasonRenderEscaped() {
        var data = DashboardFixtures.data()
        data.features[0].artifacts[0].relativePath = Self.hostile
        data.events[1].lastError = "rejected: \u{1B}]0;pwned\u{07}"
        var state = UIState()
        let layout = Layout(width: 160, height: 50)
        state.normalize(data: data, layout: layout, now: DashboardFixtures.now)
        let lines = Renderer.render(data: data, state: state, width: 160, height: 50, now: DashboardFixtures.now).lines
        let text = lines.joined(separator: "\n")
        #expect(text.contains(Self.escaped))
        for line in lines {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(line)")
        }
    }
}
