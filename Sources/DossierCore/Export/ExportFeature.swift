/// A dossier event with the sequence number it carries into the export (`lamport_clock`).
public struct SequencedEvent: Sendable, Equatable {
    public var envelope: EventEnvelope
    public var sequence: Int64

    public init(envelope: EventEnvelope, sequence: Int64) {
        self.envelope = envelope
        self.sequence = sequence
    }
}

/// Everything the mapping needs about one feature: its namespace, where it lives in the repository, its dossier
/// events in order (from a scan or from the queue), and the manifest and baseline that resolve what those flat
/// events only name by key (a missing artifact's step, a removed or changed artifact's path).
public struct ExportFeature: Sendable, Equatable {
    public var namespace: DossierNamespace
    /// Repository-relative folder of the feature, e.g. `kitty-specs/001-demo-checkout`.
    public var repositoryPath: String
    public var events: [SequencedEvent]
    /// The mission type's manifest, nil when it has none.
    public var manifest: Manifest?
    /// The accepted local baseline, nil when none.
    public var baseline: Baseline?

    public init(
        namespace: DossierNamespace, repositoryPath: String, events: [SequencedEvent], manifest: Manifest?,
        baseline: Baseline?
    ) {
        self.namespace = namespace
        self.repositoryPath = repositoryPath
        self.events = events
        self.manifest = manifest
        self.baseline = baseline
    }

    /// The feature's slug.
    public var slug: String { namespace.missionSlug }

    /// Repository-relative path of a feature-relative one.
    public func repositoryRelative(_ featureRelative: String) -> String {
        repositoryPath.isEmpty ? featureRelative : repositoryPath + "/" + featureRelative
    }
}
