import Foundation

/// One fuzz target: a name (its corpus is `Tests/Fuzz/corpus/<name>/`) and a function that must return for every
/// input. A trap, a hang or a broken invariant (checked with `FuzzTarget.check`) is a finding.
public struct FuzzTarget: Sendable {
    public let name: String
    /// What is exercised, one line (`dossier-fuzz --list`).
    public let summary: String
    public let run: @Sendable (Data) -> Void

    public init(name: String, summary: String, run: @escaping @Sendable (Data) -> Void) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// Every target. Adding one: a file with `static let` in an extension of `FuzzTarget`, and a line here.
    public static let all: [FuzzTarget] = [
        .webhookVerify,
        .batchBody,
        .eventsValidate,
        .deliveryAnswer,
        .endpointURL,
        .slugPath,
        .configTOML,
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// Traps (a finding for libFuzzer, a failure in a test) when an invariant does not hold.
    public static func check(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #file,
        line: UInt = #line
    ) {
        if !condition() { fatalError("invariant broken: \(message())", file: file, line: line) }
    }
}

/// Splits fuzz input into `count - 1` newline-terminated fields and the rest, so one byte string can drive
/// several parameters (headers, then a body).
enum FuzzInput {
    static func fields(_ data: Data, _ count: Int) -> [Data] {
        var parts: [Data] = []
        var rest = data[...]
        while parts.count < count - 1, let newline = rest.firstIndex(of: 0x0A) {
            parts.append(Data(rest[..<newline]))
            rest = rest[rest.index(after: newline)...]
        }
        while parts.count < count - 1 { parts.append(Data()) }
        parts.append(Data(rest))
        return parts
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
}
