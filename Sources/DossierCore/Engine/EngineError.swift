/// Why an engine command failed. Each case reads as one terminal line naming what and where.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    case pipeline(PipelineError)
    case queue(QueueError)
    case delivery(DeliveryError)
    case deliveryNotConfigured(String)

    public var description: String {
        switch self {
        case .pipeline(let error): return error.description
        case .queue(let error): return error.description
        case .delivery(let error): return error.description
        case .deliveryNotConfigured(let reason): return "delivery is not configured: \(reason)"
        }
    }
}
