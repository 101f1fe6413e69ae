/// Where the current step came from (the `step_source` of a dossier).
public enum StepSource: String, Sendable, Equatable {
    case flag
    case metaJSON = "meta.json"
    case inferred, none
}
