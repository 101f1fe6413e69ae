/// A manifest's entries prepared for classifying many files: in `Manifest.orderedEntries` order (first match wins),
/// each with its compiled path pattern. Built once per mission type and scan.
struct ClassificationRules: Sendable {
    /// One entry (a class, so looping over the rules for every file copies one reference, not five fields).
    final class Rule: Sendable {
        let entry: Manifest.Entry
        let step: String?
        let optional: Bool
        let pattern: PathPattern.Compiled
        /// `entry.isMultiple`: the key gets a per-file suffix.
        let multiple: Bool

        init(entry: Manifest.Entry, step: String?, optional: Bool, pattern: PathPattern.Compiled, multiple: Bool) {
            self.entry = entry
            self.step = step
            self.optional = optional
            self.pattern = pattern
            self.multiple = multiple
        }
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
