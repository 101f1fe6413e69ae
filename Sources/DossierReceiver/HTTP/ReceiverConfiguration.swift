import DossierCore
import Foundation

/// How to run the reference receiver.
public struct ReceiverConfiguration: Sendable {
    /// Loopback address to bind.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (see `WebhookReceiver.start()`).
    public var port: Int = 0
    /// The accepted signing secrets: a request signed with any of them is genuine (key rotation: the new
    /// secret and the old one side by side until every sender switched). Never empty in practice.
    public var secrets: [WebhookSecret]
    /// Path of the receiver's SQLite store.
    public var storePath: String
    /// Largest accepted request body; bigger gets 413.
    public var maxBodyBytes: Int = 1 << 20
    /// Allowed clock skew of `webhook-timestamp`, in seconds.
    public var toleranceSeconds: Int64 = StandardWebhooks.defaultToleranceSeconds
    public var faults: FaultConfiguration = FaultConfiguration()

    public init(secret: WebhookSecret, storePath: String, port: Int = 0, faults: FaultConfiguration = .init()) {
        self.init(secrets: [secret], storePath: storePath, port: port, faults: faults)
    }

    public init(
        secrets: [WebhookSecret], storePath: String, port: Int = 0, faults: FaultConfiguration = .init()
    ) {
        self.secrets = secrets
        self.storePath = storePath
        self.port = port
        self.faults = faults
    }
}
