import Testing

@testable import DossierTUI

@Suite struct DashboardKeyMapTests {
    let map = KeyMap.standard

    @Test func everyDocumentedKeyIsBound() {
        let expected: [(KeyInput, Action)] = [
            (.char("s"), .scan), (.char("f"), .flush), (.char("r"), .retrySelected), (.char("R"), .retryAllDead),
            (.tab, .focusNext), (.backTab, .focusPrevious), (.char("1"), .focus(.events)),
            (.char("5"), .focus(.artifacts)), (.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down),
            (.char("g"), .top), (.char("G"), .bottom), (.pageUp, .pageUp), (.pageDown, .pageDown), (.enter, .open),
            (.escape, .back), (.char("/"), .filter), (.char("p"), .pause), (.char("?"), .help), (.char("q"), .quit),
        ]
        for (key, action) in expected { #expect(map.action(for: key) == action, "\(key.label)") }
        #expect(map.action(for: .char("6")) == .focus(.features))
        #expect(map.action(for: .char("a")) == .allFeatures)
        #expect(map.action(for: .char("7")) == nil)
        #expect(map.action(for: .char("x")) == nil)
        #expect(map.action(for: .char("٣")) == nil)  // a non-ASCII digit is not a pane key
    }

    @Test func noKeyIsBoundTwice() {
        let keys = map.bindings.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
    }

    @Test func stateChangingActionsAreExactlyTheFiveCommands() {
        let changing = map.bindings.filter { $0.action.changesState }.map(\.action)
        #expect(changing == [.scan, .flush, .retrySelected, .retryAllDead, .acceptBaseline])
    }

    @Test func hintsDependOnPaneAndReadOnly() {
        #expect(map.hints(for: .events, readOnly: false).contains("p pause"))
        #expect(!map.hints(for: .drift, readOnly: false).contains("p pause"))
        #expect(!map.hints(for: .drift, readOnly: false).contains("r retry"))
        let ro = map.hints(for: .events, readOnly: true)
        #expect(!ro.contains("s scan") && !ro.contains("f flush") && ro.contains("q quit"))
        #expect(map.helpLines(readOnly: true).contains { $0.contains("(disabled: read-only)") })
    }
}
