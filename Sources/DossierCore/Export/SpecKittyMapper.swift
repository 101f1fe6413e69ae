import Foundation

/// Maps one feature's dossier events to the spec-kitty-events contract (see `docs/events-export.md`). Pure:
/// no clock, no randomness. Event ids are the dossier events' own; the drift events a single dossier drift event
/// splits into get ids derived from it, so exporting the same queue twice gives the same ids.
///
/// - `artifact_indexed` → `MissionDossierArtifactIndexed` (`artifact_id`, `content_ref`, `step_id`;
///   `artifact_key`, `required_status` in `context_diagnostics`).
/// - `artifact_missing` → `MissionDossierArtifactMissing` (`expected_identity`, `manifest_step` = the manifest step
///   that requires the key or `required_always`, `remediation_hint` = `reason_detail`; `artifact_key`,
///   `reason_code`, `blocking` in `context_diagnostics`).
/// - `snapshot_computed` → `MissionDossierSnapshotComputed` (`snapshot_hash` = parity hash, `algorithm` sha256,
///   `artifact_count` = artifacts indexed by that scan, `anomaly_count` = required artifacts missing).
/// - `parity_drift_detected` → one `MissionDossierParityDriftDetected` per kind: `artifact_added`
///   (`missing_in_baseline`), `artifact_removed` (`missing_in_local`), `artifact_mutated` (changed content,
///   resolved through the baseline); `artifact_ids_changed` resolved through the scan's indexed events and the
///   baseline the drift was measured against.
public enum SpecKittyMapper {
    /// The envelope fields shared by every event of an export.
    public struct Context: Sendable, Equatable {
        public var buildID: String
        public var nodeID: String
        public var correlationID: String

        public init(buildID: String = DossierBuild.buildID, nodeID: String, correlationID: String) {
            self.buildID = buildID
            self.nodeID = nodeID
            self.correlationID = correlationID
        }
    }

    private struct Known {
        var identity: ArtifactIdentity
        var hash: String
    }

    /// The contract events of `feature`, in stream order.
    public static func map(_ feature: ExportFeature, context: Context) throws(ExportError) -> [SpecKittyEnvelope] {
        let ns = feature.namespace
        let nsJSON = ns.json
        var out: [SpecKittyEnvelope] = []
        var scanIndexed: [String: Known] = [:]
        var afterSnapshot = false
        var indexedThisScan = 0
        var lastSnapshotID: String?

        func envelope(
            _ id: String, _ type: SpecKittyEventType, _ source: SequencedEvent, _ cause: String?,
            _ payload: JSONValue
        ) -> SpecKittyEnvelope {
            SpecKittyEnvelope(
                eventID: id, eventType: type, aggregateID: ns.missionSlug, timestamp: source.envelope.timestamp,
                buildID: context.buildID, nodeID: context.nodeID, lamportClock: source.sequence, causationID: cause,
                projectUUID: ns.projectUUID, correlationID: context.correlationID, payload: payload)
        }

        for source in feature.events {
            let event = source.envelope
            guard event.payload.featureSlug == feature.slug else {
                throw .foreignEvent(feature: feature.slug, eventID: event.eventID, eventSlug: event.payload.featureSlug)
            }
            let time = JSONValue.string(event.timestamp)
            switch event.payload {
            case .artifactIndexed(let p):
                if afterSnapshot {
                    scanIndexed = [:]
                    indexedThisScan = 0
                    afterSnapshot = false
                }
                let identity = ArtifactIdentity(
                    missionType: ns.missionType, path: feature.repositoryRelative(p.relativePath),
                    artifactClass: p.artifactClass, wpID: p.wpID)
                scanIndexed[p.artifactKey] = Known(identity: identity, hash: p.contentHashSHA256)
                indexedThisScan += 1
                out.append(
                    envelope(
                        event.eventID, .artifactIndexed, source, nil,
                        ExportJSON.object([
                            ("namespace", nsJSON), ("artifact_id", identity.json),
                            ("content_ref", ContentHashRef(hash: p.contentHashSHA256, sizeBytes: p.sizeBytes).json),
                            ("indexed_at", time), ("step_id", p.stepID.map(JSONValue.string)),
                            (
                                "context_diagnostics",
                                diagnostics([
                                    ("artifact_key", p.artifactKey), ("required_status", p.requiredStatus.rawValue),
                                ])
                            ),
                        ])))
            case .artifactMissing(let p):
                if afterSnapshot {
                    scanIndexed = [:]
                    indexedThisScan = 0
                    afterSnapshot = false
                }
                let identity = ArtifactIdentity(
                    missionType: ns.missionType, path: feature.repositoryRelative(p.expectedPathPattern),
                    artifactClass: p.artifactClass, wpID: nil)
                out.append(
                    envelope(
                        event.eventID, .artifactMissing, source, nil,
                        ExportJSON.object([
                            ("namespace", nsJSON), ("expected_identity", identity.json),
                            ("manifest_step", .string(manifestStep(of: p.artifactKey, in: feature.manifest))),
                            ("checked_at", time),
                            ("remediation_hint", p.reasonDetail.flatMap { $0.isEmpty ? nil : JSONValue.string($0) }),
                            (
                                "context_diagnostics",
                                diagnostics([
                                    ("artifact_key", p.artifactKey), ("reason_code", p.reasonCode.rawValue),
                                    ("blocking", p.blocking ? "true" : "false"),
                                ])
                            ),
                        ])))
            case .snapshotComputed(let p):
                let c = p.artifactCounts
                out.append(
                    envelope(
                        event.eventID, .snapshotComputed, source, nil,
                        ExportJSON.object([
                            ("namespace", nsJSON), ("snapshot_hash", .string(p.parityHashSHA256)),
                            ("algorithm", .string("sha256")), ("artifact_count", .integer(Int64(indexedThisScan))),
                            ("anomaly_count", .integer(Int64(max(0, c.requiredMissing)))), ("computed_at", time),
                            (
                                "context_diagnostics",
                                diagnostics([
                                    ("completeness_status", p.completenessStatus.rawValue),
                                    ("snapshot_id", p.snapshotID), ("total", String(c.total)),
                                    ("required", String(c.required)), ("required_present", String(c.requiredPresent)),
                                    ("required_missing", String(c.requiredMissing)), ("optional", String(c.optional)),
                                    ("optional_present", String(c.optionalPresent)),
                                ])
                            ),
                        ])))
                lastSnapshotID = event.eventID
                afterSnapshot = true
            case .parityDriftDetected(let p):
                for part in driftParts(p, feature: feature, scanIndexed: scanIndexed) {
                    let ids: JSONValue? = part.identities.isEmpty ? nil : .array(part.identities.map(\.json))
                    out.append(
                        envelope(
                            derivedID(event.eventID, part.kind), .parityDriftDetected, source, lastSnapshotID,
                            ExportJSON.object([
                                ("namespace", nsJSON), ("expected_hash", .string(p.baselineParityHash)),
                                ("actual_hash", .string(p.localParityHash)), ("drift_kind", .string(part.kind)),
                                ("detected_at", time), ("artifact_ids_changed", ids),
                                ("rebuild_hint", .string("review the change, then `dossier baseline accept` it")),
                                (
                                    "context_diagnostics",
                                    diagnostics([
                                        ("severity", p.severity.rawValue),
                                        ("artifact_keys", part.keys.joined(separator: ",")),
                                    ])
                                ),
                            ])))
                }
            }
        }
        return out
    }

    private struct DriftPart {
        var kind: String
        var keys: [String]
        var identities: [ArtifactIdentity]
    }

    /// Splits one dossier drift into the contract's kinds. Removed and changed artifacts are resolved through the
    /// baseline only when it is the one the drift was measured against (same parity hash).
    private static func driftParts(
        _ p: ParityDriftDetectedPayload, feature: ExportFeature, scanIndexed: [String: Known]
    ) -> [DriftPart] {
        let baseline = feature.baseline.flatMap { $0.parityHashSHA256 == p.baselineParityHash ? $0 : nil }
        var byKey: [String: BaselineEntry] = [:]
        for e in baseline?.entries ?? [] { byKey[e.key] = e }
        var parts: [DriftPart] = []
        if !p.missingInBaseline.isEmpty {
            parts.append(
                DriftPart(
                    kind: "artifact_added", keys: p.missingInBaseline,
                    identities: p.missingInBaseline.compactMap { scanIndexed[$0]?.identity }))
        }
        if !p.missingInLocal.isEmpty {
            let ids = p.missingInLocal.compactMap { key -> ArtifactIdentity? in
                guard let entry = byKey[key] else { return nil }
                let c = Classification.classify(
                    relativePath: entry.relativePath, manifest: feature.manifest,
                    currentStep: feature.namespace.stepID)
                return ArtifactIdentity(
                    missionType: feature.namespace.missionType, path: feature.repositoryRelative(entry.relativePath),
                    artifactClass: c.artifactClass, wpID: c.wpID)
            }
            parts.append(DriftPart(kind: "artifact_removed", keys: p.missingInLocal, identities: ids))
        }
        if baseline != nil {
            let changed = ByteOrder.sorted(
                byKey.keys.filter { key in scanIndexed[key].map { $0.hash != byKey[key]?.contentHashSHA256 } ?? false })
            if !changed.isEmpty {
                parts.append(
                    DriftPart(
                        kind: "artifact_mutated", keys: changed,
                        identities: changed.compactMap { scanIndexed[$0]?.identity }))
            }
        }
        if parts.isEmpty {
            // Parity differs but nothing resolved as added or removed (or the baseline is gone): content changed.
            parts.append(DriftPart(kind: "artifact_mutated", keys: [], identities: []))
        }
        return parts
    }

    /// The manifest step that requires `key` (wildcard keys `key.<suffix>` match their entry), else
    /// `required_always`, the contract's word for an artifact required at every step.
    static func manifestStep(of key: String, in manifest: Manifest?) -> String {
        guard let manifest else { return "required_always" }
        var best: (length: Int, step: String?)?
        for (entry, step, _) in manifest.orderedEntries {
            let k = entry.artifactKey
            if key == k || key.hasPrefix(k + "."), k.utf8.count > (best?.length ?? -1) {
                best = (k.utf8.count, step)
            }
        }
        guard let step = best?.step, !step.isEmpty else { return "required_always" }
        return step
    }

    private static func diagnostics(_ pairs: [(String, String)]) -> JSONValue {
        .object(Dictionary(pairs.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { a, _ in a }))
    }

    /// A UUID-shaped id derived from a dossier event id and a drift kind (RFC 9562 version 8, SHA-256 based).
    public static func derivedID(_ eventID: String, _ kind: String) -> String {
        var h = Array(StreamingHasher.sha256Hex(Array("dossier-export\n\(eventID)\n\(kind)".utf8)).utf8.prefix(32))
        h[12] = UInt8(ascii: "8")
        let hexDigits = Array("0123456789abcdef".utf8)
        let nibble = hexDigits.firstIndex(of: h[16]) ?? 0
        h[16] = Array("89ab".utf8)[nibble & 3]
        let s = String(decoding: h, as: UTF8.self)
        let a = Array(s)
        return [a[0..<8], a[8..<12], a[12..<16], a[16..<20], a[20..<32]].map { String($0) }.joined(separator: "-")
    }
}
