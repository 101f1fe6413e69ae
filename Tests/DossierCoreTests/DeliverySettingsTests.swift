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
}
