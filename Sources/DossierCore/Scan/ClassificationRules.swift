/// A manifest's entries prepared for classifying many files: in `Manifest.orderedEntries` order (first match wins),
/// each with its compiled path pattern. Built once per mission type and scan.
struct ClassificationRules: Sendable {
    struct Rule: Sendable {
        var entry: Manifest.Entry
        var step: String?
        var optional: Bool
        var pattern: PathPattern.Compiled
        /// `entry.isMultiple`: the key gets a per-file suffix.
        var multiple: Bool
    }

    let manifest: Manifest?
    let entries: [Rule]

    init(_ manifest: Manifest?) {
        self.manifest = manifest
        entries = (manifest?.orderedEntries ?? []).map { e in
            Rule(entry: e.entry, step: e.step, optional: e.optional, pattern: PathPattern.Compiled(e.entry.pathPattern),
                multiple: e.entry.isMultiple)
        }
    }
}
