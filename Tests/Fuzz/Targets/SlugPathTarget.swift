import DossierCore
import DossierReceiver
import Foundation

extension FuzzTarget {
    /// A feature slug through `GET /dossiers/<slug>/baseline`: encoded by the client, decoded by the receiver.
    public static let slugPath = FuzzTarget(
        name: "slug-path", summary: "feature slug percent-encoding (client) and decoding (receiver) round trip"
    ) { data in
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%")
        for slug in [FuzzInput.text(data), RawName.string(from: [UInt8](data))] {
            let encoded = RemoteBaselineClient.encodePathSegment(slug)
            FuzzTarget.check(encoded.allSatisfy { unreserved.contains($0) }, "unencoded character in \(encoded)")
            FuzzTarget.check(WebhookReceiver.decodePathSegment(encoded) == slug, "slug does not round-trip")
        }
        _ = WebhookReceiver.decodePathSegment(FuzzInput.text(data))
    }
}
