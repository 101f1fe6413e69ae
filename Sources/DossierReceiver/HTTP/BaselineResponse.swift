import DossierCore
import Foundation

/// The answers of `GET /dossiers/<slug>/baseline` (docs/webhooks.md):
/// - 200: the latest verified snapshot as a `Baseline`, plus `snapshot_id` and, when a newer snapshot is still
///   awaited, `pending` (a `PendingSnapshot`);
/// - 409: snapshots received but none verified yet: `error` (a sentence) and `pending`;
/// - 404: no snapshot received for the feature.
enum BaselineResponse {
    private struct Served: Encodable {
        var baseline: Baseline
        var snapshotID: String
        var pending: PendingSnapshot?

        enum Keys: String, CodingKey {
            case snapshotID = "snapshot_id"
            case pending
        }

        func encode(to encoder: any Encoder) throws {
            try baseline.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(snapshotID, forKey: .snapshotID)
            try c.encodeIfPresent(pending, forKey: .pending)
        }
    }

    private struct Waiting: Encodable {
        var error: String
        var pending: PendingSnapshot
    }

    private struct Missing: Encodable {
        var error: String
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// The status and JSON body for `answer`.
    static func encode(_ answer: BaselineAnswer, featureSlug: String) throws -> (Int, Data) {
        let shown = TerminalText.escape(featureSlug, limit: 200)
        switch answer {
        case .verified(let baseline, let snapshotID, let pending):
            return (200, try encoder.encode(Served(baseline: baseline, snapshotID: snapshotID, pending: pending)))
        case .pending(let pending):
            let message =
                "feature '\(shown)' has no verified snapshot yet: waiting for snapshot "
                + "\(TerminalText.escape(pending.snapshotID, limit: 200)) "
                + "(\(pending.missingArtifacts) artifact(s) still missing, \(pending.receivedArtifacts) received)"
            return (409, try encoder.encode(Waiting(error: message, pending: pending)))
        case .unknown:
            return (404, try encoder.encode(Missing(error: "no snapshot received for feature '\(shown)'")))
        }
    }
}
