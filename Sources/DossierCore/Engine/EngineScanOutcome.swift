/// What one engine scan did: the computed features and what was queued (scan → snapshot → drift → emit).
public struct EngineScanOutcome: Sendable {
    /// Dossiers, snapshots and drift per feature.
    public var pipeline: PipelineResult
    /// Every valid event built for this scan, in emission order (empty with `emit == false`).
    public var events: [EventEnvelope]
    /// Events that failed validation: logged, never queued.
    public var rejected: [EventValidationError]
    /// What the queue stored (nil when emission is off).
    public var appended: AppendResult?

    public init(pipeline: PipelineResult, events: [EventEnvelope], rejected: [EventValidationError], appended: AppendResult?) {
        self.pipeline = pipeline
        self.events = events
        self.rejected = rejected
        self.appended = appended
    }
}
