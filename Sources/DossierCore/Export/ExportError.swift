/// Why an export could not be produced, naming the file, feature or field concerned.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An event of another feature in a feature's stream.
    case foreignEvent(feature: String, eventID: String, eventSlug: String)
    /// A state file (project UUID, export clock) that cannot be read, written or parsed.
    case stateFile(path: String, problem: String)
    /// A queued body that is not a valid dossier event.
    case invalidQueuedEvent(sequence: Int64, problem: String)
    /// `--feature` names no feature of the scan or queue.
    case unknownFeature(String, known: [String])

    public var description: String {
        switch self {
        case .foreignEvent(let feature, let id, let slug):
            return "export of \(feature): event \(id) has feature_slug '\(slug)' (one namespace per stream)"
        case .stateFile(let path, let problem):
            return "\(path): \(problem)"
        case .invalidQueuedEvent(let seq, let problem):
            return "queue row \(seq): \(problem)"
        case .unknownFeature(let slug, let known):
            let list = known.prefix(10).joined(separator: ", ") + (known.count > 10 ? ", …" : "")
            return "no feature '\(slug)' to export (known: \(known.isEmpty ? "none" : list))"
        }
    }
}
