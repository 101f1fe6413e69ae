/// One event in the spec-kitty-events envelope (`spec_kitty_events.models.Event`): identity, causal metadata and the
/// namespaced dossier payload. `line()` gives the exported JSON-lines bytes (keys sorted, nulls omitted).
public struct SpecKittyEnvelope: Sendable, Equatable {
    /// The envelope version the contract's `Event` defaults to (both 6.x and 11.x).
    public static let schemaVersion = "3.0.0"

    public var eventID: String
    public var eventType: SpecKittyEventType
    /// The mission the event is about (its slug).
    public var aggregateID: String
    /// RFC 3339 UTC producer time of the dossier event.
    public var timestamp: String
    public var buildID: String
    public var nodeID: String
    /// The per-queue monotonic sequence (see `docs/events-export.md`).
    public var lamportClock: Int64
    /// For drift events: the snapshot event they were measured on.
    public var causationID: String?
    public var projectUUID: String
    /// One per exported stream.
    public var correlationID: String
    public var payload: JSONValue

    public init(
        eventID: String, eventType: SpecKittyEventType, aggregateID: String, timestamp: String, buildID: String,
        nodeID: String, lamportClock: Int64, causationID: String?, projectUUID: String, correlationID: String,
        payload: JSONValue
    ) {
        self.eventID = eventID
        self.eventType = eventType
        self.aggregateID = aggregateID
        self.timestamp = timestamp
        self.buildID = buildID
        self.nodeID = nodeID
        self.lamportClock = lamportClock
        self.causationID = causationID
        self.projectUUID = projectUUID
        self.correlationID = correlationID
        self.payload = payload
    }

    /// The envelope as a JSON object.
    public var json: JSONValue {
        ExportJSON.object([
            ("event_id", .string(eventID)), ("event_type", .string(eventType.rawValue)),
            ("aggregate_id", .string(aggregateID)), ("timestamp", .string(timestamp)), ("build_id", .string(buildID)),
            ("node_id", .string(nodeID)), ("lamport_clock", .integer(lamportClock)),
            ("causation_id", causationID.map(JSONValue.string)), ("project_uuid", .string(projectUUID)),
            ("correlation_id", .string(correlationID)), ("schema_version", .string(Self.schemaVersion)),
            ("payload", payload),
        ])
    }

    /// The exported bytes of this event (one line, without the newline).
    public func line() -> [UInt8] { ExportJSON.bytes(json) }
}
