import DossierCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The receiver's list of accepted secrets (key rotation): each `--secret-file` holds one `whsec_` secret per
/// line (blank lines and lines starting with `#` are ignored), and files may be repeated.
public enum ReceiverSecrets {
    /// Reads every file in order, refusing one that group or others can read, and returns all secrets.
    /// A line that is not a secret is an error naming the file and line (never the line's text).
    public static func read(files: [String]) throws(DeliverySettingsError) -> [WebhookSecret] {
        var secrets: [WebhookSecret] = []
        for path in files { secrets += try read(file: path) }
        return secrets
    }

    static func read(file path: String) throws(DeliverySettingsError) -> [WebhookSecret] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .secretFileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 { throw .secretFileTooOpen(path: path, mode: String(mode, radix: 8)) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .secretFileUnreadable(path: path, reason: "cannot read")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// The secrets of a file's text, one per line (`source` names the file in errors).
    public static func parse(_ text: String, source: String) throws(DeliverySettingsError) -> [WebhookSecret] {
        var secrets: [WebhookSecret] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                secrets.append(try WebhookSecret(trimmed))
            } catch {
                throw .invalidSecret(source: "\(source) line \(index + 1)", reason: error.description)
            }
        }
        if secrets.isEmpty { throw .invalidSecret(source: source, reason: WebhookSecretError.empty.description) }
        return secrets
    }
}
