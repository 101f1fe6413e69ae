/// Decides the current step: `--step`, else `meta.json`, else the furthest step in manifest order for
/// which some artifact required at that step is present (the first step when nothing is). Pure.
public enum StepResolver {
    /// The outcome: the step (nil without a manifest), its source, and a problem with the meta.json value if any.
    public struct Resolution: Sendable, Equatable {
        public var step: String?
        public var source: StepSource
        /// Set when meta.json named a step the manifest does not know (then the step is inferred).
        public var metaProblem: String?
    }

    /// Resolves the step. A flag value the manifest does not know is the caller's error (checked before).
    public static func resolve(flag: String?, meta: String?, manifest: Manifest?, presentPaths: [String]) -> Resolution
    {
        guard let manifest else { return Resolution(step: nil, source: .none, metaProblem: nil) }
        if let flag, manifest.stepIndex(flag) != nil { return Resolution(step: flag, source: .flag, metaProblem: nil) }
        var problem: String?
        if let meta {
            if manifest.stepIndex(meta) != nil { return Resolution(step: meta, source: .metaJSON, metaProblem: nil) }
            problem =
                "meta.json: unknown step '\(meta)' for mission '\(manifest.missionType)' "
                + "(expected one of \(manifest.steps.joined(separator: ", "))); the step is inferred instead"
        }
        return Resolution(
            step: infer(manifest: manifest, presentPaths: presentPaths), source: .inferred, metaProblem: problem)
    }

    /// The furthest step whose `required_by_step` entries match a present path; the first step when none do.
    public static func infer(manifest: Manifest, presentPaths: [String]) -> String {
        var best = manifest.steps[0]
        for step in manifest.steps {
            let entries = manifest.requiredByStep[step] ?? []
            if entries.contains(where: { e in presentPaths.contains { PathPattern.matches(e.pathPattern, $0) } }) {
                best = step
            }
        }
        return best
    }
}
