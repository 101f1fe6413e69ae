import Foundation

@testable import DossierCore

// The `Codable` conformances of events exist only as the reference the hand-written canonical writer and the
// validating reader are tested against (`EventModelTests`): they live here, in the test target, not in the product.

extension EventEnvelope: Codable {
    enum CodingKeys: String, CodingKey {
        case eventType = "event_type"
        case eventID = "event_id"
        case timestamp
        case actor
        case payload
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventType, forKey: .eventType)
        try c.encode(eventID, forKey: .eventID)
        try c.encode(timestamp, forKey: .timestamp)
        try c.encode(actor, forKey: .actor)
        try c.encode(payload, forKey: .payload)
    }

    /// Decoding validates exactly like `init(validating:)`.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        do {
            try self.init(validating: value)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: error.description,
                    underlyingError: error))
        }
    }
}

extension EventEnvelope {
    /// The same bytes through `JSONEncoder` (slower); kept as the reference the fast writer is tested against.
    public func canonicalJSONViaEncoder() -> Data {
        // Encoding plain strings, integers, booleans and enums cannot fail.
        try! Self.encoder.encode(self)
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}

extension EventPayload: Encodable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .artifactIndexed(let p): try p.encode(to: encoder)
        case .artifactMissing(let p): try p.encode(to: encoder)
        case .snapshotComputed(let p): try p.encode(to: encoder)
        case .parityDriftDetected(let p): try p.encode(to: encoder)
        }
    }
}

extension ArtifactIndexedPayload: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(featureSlug, forKey: .featureSlug)
        try c.encode(artifactKey, forKey: .artifactKey)
        try c.encode(artifactClass, forKey: .artifactClass)
        try c.encode(relativePath, forKey: .relativePath)
        try c.encode(contentHashSHA256, forKey: .contentHashSHA256)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(wpID, forKey: .wpID)
        try c.encode(stepID, forKey: .stepID)
        try c.encode(requiredStatus, forKey: .requiredStatus)
    }
}

extension ArtifactMissingPayload: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(featureSlug, forKey: .featureSlug)
        try c.encode(artifactKey, forKey: .artifactKey)
        try c.encode(artifactClass, forKey: .artifactClass)
        try c.encode(expectedPathPattern, forKey: .expectedPathPattern)
        try c.encode(reasonCode, forKey: .reasonCode)
        try c.encode(reasonDetail, forKey: .reasonDetail)
        try c.encode(blocking, forKey: .blocking)
    }
}

extension SnapshotComputedPayload: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(featureSlug, forKey: .featureSlug)
        try c.encode(parityHashSHA256, forKey: .parityHashSHA256)
        try c.encode(artifactCounts, forKey: .artifactCounts)
        try c.encode(completenessStatus, forKey: .completenessStatus)
        try c.encode(snapshotID, forKey: .snapshotID)
    }
}

extension ParityDriftDetectedPayload: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(featureSlug, forKey: .featureSlug)
        try c.encode(localParityHash, forKey: .localParityHash)
        try c.encode(baselineParityHash, forKey: .baselineParityHash)
        try c.encode(missingInLocal, forKey: .missingInLocal)
        try c.encode(missingInBaseline, forKey: .missingInBaseline)
        try c.encode(severity, forKey: .severity)
    }
}

extension ArtifactCounts: Encodable {
    enum CodingKeys: String, CodingKey {
        case total, required, optional
        case requiredPresent = "required_present"
        case requiredMissing = "required_missing"
        case optionalPresent = "optional_present"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(total, forKey: .total)
        try c.encode(required, forKey: .required)
        try c.encode(requiredPresent, forKey: .requiredPresent)
        try c.encode(requiredMissing, forKey: .requiredMissing)
        try c.encode(optional, forKey: .optional)
        try c.encode(optionalPresent, forKey: .optionalPresent)
    }
}
