import DossierCore
import Foundation

extension FuzzTarget {
    /// Endpoint URL validation and redaction (flags, environment, config.toml all come through here).
    public static let endpointURL = FuzzTarget(
        name: "endpoint-url", summary: "endpoint URL validation, redaction and the receiver URL built from it"
    ) { data in
        let text = FuzzInput.text(data)
        let redacted = EndpointURL.redact(text)
        FuzzChecks.printable(redacted, "redacted URL")
        // Userinfo never shows: whatever sits between `://` and the last `@` is gone from the redacted text.
        if let separator = text.range(of: "://"), let at = text.range(of: "@", options: .backwards),
            separator.upperBound < at.lowerBound
        {
            let userinfo = String(text[separator.upperBound..<at.lowerBound])
            let elsewhere = String(text[..<separator.upperBound]) + String(text[at.lowerBound...])
            // Escaping control characters adds `\u{…}` text, so a short userinfo may appear by accident; its
            // own place (`://userinfo@`) must never survive, and a long alphanumeric one nowhere.
            if userinfo != "***" {
                FuzzTarget.check(!redacted.contains("://" + userinfo + "@"), "userinfo shown in \(redacted)")
            }
            if userinfo.count >= 8, userinfo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                !elsewhere.contains(userinfo)
            {
                FuzzTarget.check(!redacted.contains(userinfo), "userinfo shown in \(redacted)")
            }
        }
        do {
            let url = try EndpointURL(validating: text)
            FuzzTarget.check(url.scheme == "http" || url.scheme == "https", "scheme \(url.scheme)")
            FuzzTarget.check(url.port.map { (1...65535).contains($0) } ?? true, "port \(String(describing: url.port))")
            let again = try? EndpointURL(validating: url.requestURL)
            FuzzTarget.check(again?.host == url.host && again?.port == url.port, "requestURL does not round-trip")
            FuzzChecks.printable(url.redacted, "redacted URL")
            let baseline = url.replacingPath(
                url.path + "/dossiers/" + RemoteBaselineClient.encodePathSegment(text) + "/baseline")
            if baseline.requestURL.utf8.count <= EndpointURL.maxLength {
                FuzzTarget.check(
                    (try? EndpointURL(validating: baseline.requestURL)) != nil, "baseline URL is not valid")
            }
        } catch {
            FuzzChecks.printable("\(error)", "URL error")
        }
    }
}
