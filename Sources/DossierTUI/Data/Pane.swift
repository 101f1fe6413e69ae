/// The six focusable panes, in Tab order; the raw value is the digit key that focuses it.
public enum Pane: Int, Sendable, CaseIterable, Hashable {
    case events = 1
    case queue, deliveries, drift, artifacts, features

    public var title: String {
        switch self {
        case .events: "Events"
        case .queue: "Queue"
        case .deliveries: "Deliveries"
        case .drift: "Drift"
        case .artifacts: "Artifacts"
        case .features: "Features"
        }
    }

    var next: Pane { Pane(rawValue: rawValue % Pane.allCases.count + 1)! }
    var previous: Pane { Pane(rawValue: (rawValue + Pane.allCases.count - 2) % Pane.allCases.count + 1)! }
}
