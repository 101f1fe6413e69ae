import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why the delivery settings could not be loaded. Never contains a secret.
public enum DeliverySettingsError: Error, Equatable, CustomStringConvertible {
    case noEndpoint
    case invalidEndpoint(EndpointURLError)
    case noSecret
    case secretFileUnreadable(path: String, reason: String)
    case secretFileTooOpen(path: String, mode: String)
    case invalidSecret(source: String, reason: String)
    case invalidWindow(source: String, value: String)
    case config(ConfigFileError)

    public var description: String {
        switch self {
        case .noEndpoint:
            "no webhook endpoint: pass --endpoint URL, set DOSSIER_WEBHOOK_URL, or put url = \"…\" under [delivery] in config.toml"
        case .invalidEndpoint(let error): "webhook endpoint \(error)"
        case .noSecret:
            "no webhook secret: pass --secret-file PATH, set DOSSIER_WEBHOOK_SECRET, or put secret_file = \"…\" under [delivery] in config.toml"
        case .secretFileUnreadable(let path, let reason): "secret file \(path): \(reason)"
        case .secretFileTooOpen(let path, let mode):
            "secret file \(path) is readable by group or others (mode \(mode)); refusing it. Run: chmod 600 \(path)"
        case .invalidSecret(let source, let reason): "webhook secret from \(source): \(reason)"
        case .invalidWindow(let source, let value):
            "\(source) \(TerminalText.escape(value, limit: 40)): expected requests in flight from 1 to "
                + "\(DeliveryConfiguration.maxWindow)"
        case .config(let error): error.description
        }
    }
}

/// Where the endpoint, secrets and window come from: flags, then environment (`DOSSIER_WEBHOOK_URL`,
/// `DOSSIER_WEBHOOK_SECRET`), then `<state>/config.toml`'s `[delivery]` table (`url`, `secret`, `secret_file`,
/// `window`).
public enum DeliverySettings {
    /// Reads a secret file holding exactly one secret, refusing one that group or others can read.
    public static func readSecretFile(_ path: String) throws(DeliverySettingsError) -> WebhookSecret {
        let text = try readOwnerOnly(path)
        do {
            return try WebhookSecret(text)
        } catch {
            throw .invalidSecret(source: path, reason: error.description)
        }
    }

    /// Reads a secrets file: one `whsec_…` per line (blank lines ignored), for signing during a key rotation.
    /// The error names the line of a bad secret (never the secret).
    public static func readSecretsFile(_ path: String) throws(DeliverySettingsError) -> [WebhookSecret] {
        let text = try readOwnerOnly(path)
        var secrets: [WebhookSecret] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            do {
                secrets.append(try WebhookSecret(trimmed))
            } catch {
                throw .invalidSecret(source: "\(path) line \(index + 1)", reason: error.description)
            }
        }
        guard !secrets.isEmpty else {
            throw .invalidSecret(source: path, reason: WebhookSecretError.empty.description)
        }
        return secrets
    }

    /// The text of a file only its owner may read.
    private static func readOwnerOnly(_ path: String) throws(DeliverySettingsError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .secretFileUnreadable(path: path, reason: CPath.errorText(errno))
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 { throw .secretFileTooOpen(path: path, mode: String(mode, radix: 8)) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .secretFileUnreadable(path: path, reason: "cannot read")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The `[delivery]` table of `<stateDirectory>/config.toml` (empty when the file does not exist).
    public static func readConfig(stateDirectory: String) throws(DeliverySettingsError) -> [String: String] {
        try readConfig((stateDirectory as NSString).appendingPathComponent("config.toml"))
    }

    /// Endpoint, secrets and window from flags, then the environment, then `<stateDirectory>/config.toml`: the
    /// one resolution every command that delivers uses. The endpoint is resolved first, so `.noEndpoint` means
    /// none is set. Several `secretFiles` (or one with several lines) sign every request with each secret.
    public static func configuration(
        endpointFlag: String?, secretFiles: [String] = [], windowFlag: Int? = nil, environment: [String: String],
        stateDirectory: String
    ) throws(DeliverySettingsError) -> DeliveryConfiguration {
        let config = try readConfig(stateDirectory: stateDirectory)
        let url = try endpoint(flag: endpointFlag, environment: environment, config: config)
        let secrets = try secrets(secretFiles: secretFiles, environment: environment, config: config)
        var configuration = DeliveryConfiguration(endpoint: url, secrets: secrets)
        configuration.window = try window(flag: windowFlag, config: config)
        return configuration
    }

    /// The single-secret form of `configuration` (one `--secret-file`).
    public static func configuration(
        endpointFlag: String?, secretFile: String?, environment: [String: String], stateDirectory: String
    ) throws(DeliverySettingsError) -> DeliveryConfiguration {
        try configuration(
            endpointFlag: endpointFlag, secretFiles: secretFile.map { [$0] } ?? [], environment: environment,
            stateDirectory: stateDirectory)
    }

    /// Resolves the window: `--window`, then `window` under `[delivery]`, else the default; 1 to `maxWindow`.
    public static func window(flag: Int?, config: [String: String]) throws(DeliverySettingsError) -> Int {
        if let flag {
            guard (1...DeliveryConfiguration.maxWindow).contains(flag) else {
                throw .invalidWindow(source: "--window", value: String(flag))
            }
            return flag
        }
        guard let text = config["window"] else { return DeliveryConfiguration.defaultWindow }
        guard let value = Int(text), (1...DeliveryConfiguration.maxWindow).contains(value) else {
            throw .invalidWindow(source: "config.toml [delivery] window", value: text)
        }
        return value
    }

    /// Resolves the signing secrets: every `--secret-file` (each one secret per line), then
    /// `DOSSIER_WEBHOOK_SECRET`, then config `secret_file` (one per line) / `secret`.
    public static func secrets(secretFiles: [String], environment: [String: String], config: [String: String])
        throws(DeliverySettingsError) -> [WebhookSecret]
    {
        if !secretFiles.isEmpty {
            var all: [WebhookSecret] = []
            for file in secretFiles { all += try readSecretsFile(file) }
            return all
        }
        if config["secret_file"] != nil, environment["DOSSIER_WEBHOOK_SECRET"].map({ $0.isEmpty }) ?? true {
            return try readSecretsFile(config["secret_file"] ?? "")
        }
        return [try secret(secretFile: nil, environment: environment, config: config)]
    }

    /// The `[delivery]` table of the config file at `path` (see `ConfigFile`); empty when nothing exists there.
    /// An inline `secret` in a file that group or others can read is refused like a loose secret file.
    public static func readConfig(_ path: String) throws(DeliverySettingsError) -> [String: String] {
        let loaded: (file: ConfigFile, mode: mode_t)?
        do throws(ConfigFileError) { loaded = try ConfigFile.load(path: path) } catch { throw .config(error) }
        guard let loaded else { return [:] }
        if loaded.file.delivery["secret"] != nil, loaded.mode & 0o077 != 0 {
            throw .secretFileTooOpen(path: path, mode: String(loaded.mode & 0o777, radix: 8))
        }
        return loaded.file.delivery
    }

    /// Resolves the endpoint URL.
    public static func endpoint(flag: String?, environment: [String: String], config: [String: String])
        throws(DeliverySettingsError) -> String
    {
        // An empty variable counts as unset, like DOSSIER_WEBHOOK_SECRET.
        let fromEnvironment = environment["DOSSIER_WEBHOOK_URL"].flatMap { $0.isEmpty ? nil : $0 }
        guard let url = flag ?? fromEnvironment ?? config["url"], !url.isEmpty else {
            throw .noEndpoint
        }
        do { _ = try EndpointURL(validating: url) } catch { throw .invalidEndpoint(error) }
        return url
    }

    /// Resolves the secret: `--secret-file`, then `DOSSIER_WEBHOOK_SECRET`, then config `secret_file` / `secret`.
    public static func secret(secretFile: String?, environment: [String: String], config: [String: String])
        throws(DeliverySettingsError) -> WebhookSecret
    {
        if let secretFile { return try readSecretFile(secretFile) }
        if let text = environment["DOSSIER_WEBHOOK_SECRET"], !text.isEmpty {
            do { return try WebhookSecret(text) } catch {
                throw .invalidSecret(source: "DOSSIER_WEBHOOK_SECRET", reason: error.description)
            }
        }
        if let file = config["secret_file"] { return try readSecretFile(file) }
        if let text = config["secret"] {
            do { return try WebhookSecret(text) } catch {
                throw .invalidSecret(source: "config.toml [delivery] secret", reason: error.description)
            }
        }
        throw .noSecret
    }
}
