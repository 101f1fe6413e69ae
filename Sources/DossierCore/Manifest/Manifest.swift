/// Expected artifacts of one mission type: ordered steps and cumulative, step-aware requirements.
public struct Manifest: Sendable, Equatable {
    /// One expected artifact: its key, class, whole-path glob and whether its absence blocks completeness.
    public struct Entry: Sendable, Equatable {
        public var artifactKey: String
        public var artifactClass: ArtifactClass
        /// Matches the whole feature-relative path (`*` within a component, `**` across components, `?` one char).
        public var pathPattern: String
        /// A required entry that is not blocking is advisory: reported, but counted as optional.
        public var blocking: Bool

        public init(artifactKey: String, artifactClass: ArtifactClass, pathPattern: String, blocking: Bool) {
            self.artifactKey = artifactKey
            self.artifactClass = artifactClass
            self.pathPattern = pathPattern
            self.blocking = blocking
        }

        /// True when the pattern has wildcards (it may match many files; each gets a per-file key suffix).
        public var isMultiple: Bool { pathPattern.contains("*") || pathPattern.contains("?") }
    }

    public var missionType: String
    public var manifestVersion: String
    /// Steps in mission order.
    public var steps: [String]
    public var requiredAlways: [Entry]
    /// Entries first required at a step (step id → entries); every key is one of `steps`.
    public var requiredByStep: [String: [Entry]]
    public var optionalAlways: [Entry]

    public init(
        missionType: String, manifestVersion: String, steps: [String], requiredAlways: [Entry],
        requiredByStep: [String: [Entry]], optionalAlways: [Entry]
    ) {
        self.missionType = missionType
        self.manifestVersion = manifestVersion
        self.steps = steps
        self.requiredAlways = requiredAlways
        self.requiredByStep = requiredByStep
        self.optionalAlways = optionalAlways
    }

    /// Every entry with the step that requires it (nil for `required_always` / `optional_always`), in a fixed order:
    /// required_always, then required_by_step in step order, then optional_always. The first match wins.
    public var orderedEntries: [(entry: Entry, step: String?, optional: Bool)] {
        var out: [(entry: Entry, step: String?, optional: Bool)] = requiredAlways.map { ($0, nil, false) }
        for step in steps {
            for entry in requiredByStep[step] ?? [] { out.append((entry, step, false)) }
        }
        out += optionalAlways.map { ($0, nil, true) }
        return out
    }

    /// The index of a step in mission order, or nil if unknown.
    public func stepIndex(_ step: String) -> Int? { steps.firstIndex(of: step) }

    /// True when an entry listed at `entryStep` is required at `currentStep` (cumulative: this step and every
    /// earlier one). `required_always` entries (entryStep nil) are always required.
    public func isRequired(entryStep: String?, at currentStep: String) -> Bool {
        guard let entryStep else { return true }
        guard let e = stepIndex(entryStep), let c = stepIndex(currentStep) else { return false }
        return e <= c
    }
}
