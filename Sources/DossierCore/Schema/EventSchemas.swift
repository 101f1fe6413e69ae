/// Access to the event JSON Schemas compiled into the binary (see `EmbeddedSchemas`, generated from `schemas/`).
public enum EventSchemas {
    /// The schema file name of an event type: `<event_type>.schema.json`.
    public static func fileName(for type: EventType) -> String { "\(type.rawValue).schema.json" }

    /// The schema text of an event type, exactly as in `schemas/`.
    public static func schema(for type: EventType) -> String? {
        EmbeddedSchemas.files.first { $0.name == fileName(for: type) }?.contents
    }

    /// Looks a schema up by event type name, accepting the full name, the name without the
    /// `mission_dossier_` prefix, or the file name.
    public static func schema(named name: String) -> (type: EventType, contents: String)? {
        let trimmed = name.hasSuffix(".schema.json") ? String(name.dropLast(".schema.json".count)) : name
        let type = EventType(rawValue: trimmed) ?? EventType(rawValue: "mission_dossier_" + trimmed)
        guard let type, let contents = schema(for: type) else { return nil }
        return (type, contents)
    }
}
