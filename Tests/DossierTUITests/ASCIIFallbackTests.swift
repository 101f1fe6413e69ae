import Testing

@testable import DossierTUI

@Suite struct DashboardASCIIFallbackTests {
    @Test func everyCharacterBecomesASCIIOfTheSameWidth() {
        let samples = ["sent ✓  DEAD ✗", "┌─[1 Events]─┐ │›", "[████░░░░] ▁▂▃▄▅▆▇", "notes/世界-é.md", "a…b → c — d"]
        for text in samples {
            let out = ASCIIFallback.ascii(text)
            #expect(out.unicodeScalars.allSatisfy { $0.isASCII }, "\(out)")
            #expect(TextWidth.width(out) == TextWidth.width(text), "\(text) → \(out)")
        }
        #expect(ASCIIFallback.ascii("sent ✓  DEAD ✗") == "sent +  DEAD x")
        #expect(ASCIIFallback.ascii("plain") == "plain")
    }
}
