import Foundation

/// Builds the per-feature inputs of an export from the two places dossier events come from: a fresh scan (the
/// events the scan would queue) or the queue itself (stored bodies, in row order).
public enum ExportSources {
    /// From a scan: each feature's events as `EventEmitter` builds them, numbered from `firstSequence` on.
    /// Events the emitter rejects are returned in `rejected` (never exported).
    public static func fromScan(
        _ pipeline: PipelineResult, emitter: EventEmitter, resolver: inout FeatureNamespaceResolver,
        firstSequence: (Int) throws(ExportError) -> Int64
    ) throws -> (features: [ExportFeature], rejected: [EventValidationError]) {
        var emitted: [(FeatureOutcome, EmissionResult)] = []
        var total = 0
        for feature in pipeline.features {
            let emission = emitter.events(for: feature.dossier, snapshot: feature.snapshot, drift: feature.drift)
            emitted.append((feature, emission))
            total += emission.events.count
        }
        var sequence = try firstSequence(total)
        var features: [ExportFeature] = []
        var rejected: [EventValidationError] = []
        for (feature, emission) in emitted {
            let d = feature.dossier
            let manifest = try resolver.manifest(d.missionType)
            let namespace = resolver.namespace(
                slug: d.featureSlug, featureDirectory: d.featureDirectory, missionType: d.missionType,
                currentStep: d.currentStep, manifest: manifest)
            var events: [SequencedEvent] = []
            for envelope in emission.events {
                events.append(SequencedEvent(envelope: envelope, sequence: sequence))
                sequence += 1
            }
            features.append(
                ExportFeature(
                    namespace: namespace,
                    repositoryPath: resolver.repositoryPath(of: d.featureDirectory, slug: d.featureSlug),
                    events: events, manifest: manifest, baseline: feature.baseline))
            rejected += emission.rejected
        }
        return (features, rejected)
    }

    /// From queue rows (any states, in `seq` order): grouped by feature in order of first appearance; each event's
    /// `lamport_clock` is its row's `seq`. The mission type, step and branch come from the feature's `meta.json`
    /// under `<repository>/kitty-specs/<slug>/` (defaults when absent); baselines from `baselines`.
    public static func fromQueue(
        _ rows: [QueuedEvent], repositoryRoot: String, resolver: inout FeatureNamespaceResolver,
        baselines: BaselineStore, fileSystem: any ScanFileSystem = PosixFileSystem()
    ) throws -> [ExportFeature] {
        var order: [String] = []
        var grouped: [String: [SequencedEvent]] = [:]
        for row in rows.sorted(by: { $0.seq < $1.seq }) {
            let envelope: EventEnvelope
            do throws(EventValidationError) {
                envelope = try EventEnvelope(validating: row.body)
            } catch {
                throw ExportError.invalidQueuedEvent(sequence: row.seq, problem: error.description)
            }
            let slug = envelope.payload.featureSlug
            if grouped[slug] == nil { order.append(slug) }
            grouped[slug, default: []].append(SequencedEvent(envelope: envelope, sequence: row.seq))
        }
        var features: [ExportFeature] = []
        for slug in order {
            let directory = repositoryRoot + "/kitty-specs/" + slug
            var missionType = "software-dev"
            var step: String?
            if case .success(let bytes) = fileSystem.read(file: Array((directory + "/meta.json").utf8), limit: 1 << 20),
                case .success(let meta) = MetaJSON.parse(bytes)
            {
                missionType = meta.missionType ?? missionType
                step = meta.step
            }
            let manifest = try resolver.manifest(missionType)
            if manifest == nil { step = nil }
            let namespace = resolver.namespace(
                slug: slug, featureDirectory: directory, missionType: missionType, currentStep: step,
                manifest: manifest)
            let baseline = try baselines.load(featureSlug: slug, missionType: missionType)
            features.append(
                ExportFeature(
                    namespace: namespace, repositoryPath: "kitty-specs/" + slug, events: grouped[slug] ?? [],
                    manifest: manifest, baseline: baseline))
        }
        return features
    }
}
