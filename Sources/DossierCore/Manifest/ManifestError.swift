/// A manifest that cannot be used, with the file, line and field that failed
/// (`manifest assets/manifests/x.yaml:12: field 'blocking': expected a bool, got 'maybe'`).
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manifest file (or `<embedded>/<mission>.yaml`).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// The field path, e.g. `required_by_step.plan[0].blocking`.
    public var field: String?
    public var problem: String

    public init(file: String, line: Int?, field: String?, problem: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var s = "manifest \(file)"
        if let line { s += ":\(line)" }
        s += ":"
        if let field { s += " field '\(field)':" }
        return s + " " + problem
    }
}
