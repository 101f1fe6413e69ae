import Foundation
import Testing

@testable import DossierCore

@Suite struct DeliverySettingsTests {
    func temp(_ name: String, _ text: String, mode: Int) throws -> String {
        let dir = NSTemporaryDirectory() + "dossier-settings-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func secretFileMustBeOwnerOnly() throws {
        let secret = WebhookSecret.generate().encoded
        let ok = try temp("s", secret + "\n", mode: 0o600)
        #expect(try DeliverySettings.readSecretFile(ok).encoded == secret)
        for mode in [0o640, 0o604, 0o644] {
            let open = try temp("s", secret, mode: mode)
            #expect(throws: DeliverySettingsError.secretFileTooOpen(path: open, mode: String(mode, radix: 8))) {
                try DeliverySettings.readSecretFile(open)
            }
        }
        let garbage = try temp("s", "whsec_***", mode: 0o600)
        do {
            _ = try DeliverySettings.readSecretFile(garbage)
            Issue.record("garbage secret accepted")
        } catch {
            #expect(!error.description.contains("***"))
        }
        #expect(throws: DeliverySettingsError.self) { try DeliverySettings.readSecretFile("/nonexistent/secret") }
    }

    @Test func precedenceIsFlagThenEnvironmentThenConfig() throws {
        let config = ["url": "http://config.example/webhook", "secret": WebhookSecret.generate().encoded]
        #expect(
            try DeliverySettings.endpoint(
                flag: "http://flag/", environment: ["DOSSIER_WEBHOOK_URL": "http://env/"], config: config)
                == "http://flag/")
        #expect(
            try DeliverySettings.endpoint(
                flag: nil, environment: ["DOSSIER_WEBHOOK_URL": "http://env/"], config: config) == "http://env/")
        #expect(
            try DeliverySettings.endpoint(flag: nil, environment: [:], config: config)
                == "http://config.example/webhook")
        #expect(throws: DeliverySettingsError.noEndpoint) {
            try DeliverySettings.endpoint(flag: nil, environment: [:], config: [:])
        }
        #expect(
            throws: DeliverySettingsError.invalidEndpoint(
                EndpointURLError(shownURL: "ftp://x", reason: "scheme 'ftp' is not http or https"))
        ) {
            try DeliverySettings.endpoint(flag: "ftp://x", environment: [:], config: [:])
        }
        // Credentials in a URL never show in errors.
        #expect(
            throws: DeliverySettingsError.invalidEndpoint(
                EndpointURLError(shownURL: "ftp://***@host/x", reason: "scheme 'ftp' is not http or https"))
        ) {
            try DeliverySettings.endpoint(flag: "ftp://user:pw@host/x", environment: [:], config: [:])
        }
        let env = WebhookSecret.generate()
        #expect(
            try DeliverySettings.secret(
                secretFile: nil, environment: ["DOSSIER_WEBHOOK_SECRET": env.encoded], config: config
            ).encoded == env.encoded)
        #expect(
            try DeliverySettings.secret(secretFile: nil, environment: [:], config: config).encoded == config["secret"])
        #expect(throws: DeliverySettingsError.noSecret) {
            try DeliverySettings.secret(secretFile: nil, environment: [:], config: [:])
        }
    }

    @Test func readsTheDeliveryTableOfConfigToml() throws {
        let path = try temp(
            "config.toml",
            """
            # dossier settings
            [other]
            url = "http://not-this/"
            [delivery]
            url = "http://127.0.0.1:8787/webhook"  # local receiver
            secret_file = "/home/me/.dossier-secret"
            """, mode: 0o600)
        #expect(
            try DeliverySettings.readConfig(path) == [
                "url": "http://127.0.0.1:8787/webhook", "secret_file": "/home/me/.dossier-secret",
            ])
        #expect(try DeliverySettings.readConfig(path + ".missing") == [:])
        let bad = try temp("config.toml", "[delivery]\nurl = http://unquoted\n", mode: 0o600)
        do throws(DeliverySettingsError) {
            _ = try DeliverySettings.readConfig(bad)
            Issue.record("an unquoted value was accepted")
        } catch {
            guard case .config(.syntax(let path, let line, _, _)) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == bad && line == 2)
        }
    }

    @Test func aSecretsFileHoldsOneSecretPerLineForKeyRotation() throws {
        let (a, b) = (WebhookSecret.generate().encoded, WebhookSecret.generate().encoded)
        let two = try temp("s", a + "\n\n" + b + "\r\n", mode: 0o600)
        #expect(try DeliverySettings.readSecretsFile(two).map(\.encoded) == [a, b])
        let third = try temp("t", WebhookSecret.generate().encoded, mode: 0o600)
        let all = try DeliverySettings.secrets(secretFiles: [two, third], environment: [:], config: [:])
        #expect(all.count == 3 && all[0].encoded == a)
        // The config's secret_file is read the same way; the environment's single secret comes before it.
        #expect(
            try DeliverySettings.secrets(secretFiles: [], environment: [:], config: ["secret_file": two]).count == 2)
        #expect(
            try DeliverySettings.secrets(
                secretFiles: [], environment: ["DOSSIER_WEBHOOK_SECRET": a], config: ["secret_file": two]
            ).map(\.encoded) == [a])
        let bad = try temp("s", a + "\nnot base64!\n", mode: 0o600)
        #expect(
            throws: DeliverySettingsError.invalidSecret(
                source: bad + " line 2", reason: WebhookSecretError.notBase64.description)
        ) {
            try DeliverySettings.readSecretsFile(bad)
        }
        let empty = try temp("s", "\n  \n", mode: 0o600)
        #expect(
            throws: DeliverySettingsError.invalidSecret(source: empty, reason: WebhookSecretError.empty.description)
        ) {
            try DeliverySettings.readSecretsFile(empty)
        }
        let loose = try temp("s", a, mode: 0o644)
        #expect(throws: DeliverySettingsError.secretFileTooOpen(path: loose, mode: "644")) {
            try DeliverySettings.readSecretsFile(loose)
        }
    }

    @Test func windowComesFromTheFlagThenConfigTomlAndIsBounded() throws {
        let path = try temp("config.toml", "[delivery]\nurl = \"http://127.0.0.1:1/w\"\nwindow = 8\n", mode: 0o600)
        let config = try DeliverySettings.readConfig(path)
        #expect(config["window"] == "8")
        #expect(try DeliverySettings.window(flag: nil, config: config) == 8)
        #expect(try DeliverySettings.window(flag: 1, config: config) == 1)
        #expect(try DeliverySettings.window(flag: nil, config: [:]) == DeliveryConfiguration.defaultWindow)
        for bad in [0, -3, DeliveryConfiguration.maxWindow + 1] {
            #expect(throws: DeliverySettingsError.invalidWindow(source: "--window", value: String(bad))) {
                try DeliverySettings.window(flag: bad, config: [:])
            }
        }
        let zero = try temp("config.toml", "[delivery]\nwindow = 0\n", mode: 0o600)
        #expect(throws: DeliverySettingsError.invalidWindow(source: "config.toml [delivery] window", value: "0")) {
            try DeliverySettings.window(flag: nil, config: try DeliverySettings.readConfig(zero))
        }
        let text = try temp("config.toml", "[delivery]\nwindow = \"4\"\n", mode: 0o600)
        #expect(
            throws: DeliverySettingsError.config(
                .wrongType(path: text, key: "[delivery] window", expected: "an integer", found: "a string"))
        ) {
            try DeliverySettings.readConfig(text)
        }
    }
}
