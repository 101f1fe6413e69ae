import DossierCore
import Foundation
import Testing

/// `dossier secret new [FILE]`: a valid `whsec_` secret, written owner-only and never over an existing file.
@Suite struct SecretCLITests {
    @Test func newSecretFileIsOwnerOnlyValidAndNeverOverwritten() async throws {
        let dir = try BinaryRunner.tempDirectory("secret")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/webhook.secret"
        let made = try await BinaryRunner.run(["secret", "new", file])
        #expect(made.exitCode == 0, "\(made.stderr)")
        #expect(made.stdoutText.contains("wrote a new webhook secret to \(file) (mode 0600)"))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!made.stdoutText.contains(text.trimmingCharacters(in: .newlines)), "the secret is never printed")
        let secret = try WebhookSecret(text)
        #expect(secret.encoded.hasPrefix("whsec_") && secret.encoded + "\n" == text)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)

        let again = try await BinaryRunner.run(["secret", "new", file])
        #expect(again.exitCode == 2)
        #expect(again.stderr.contains("secret file \(file): already exists; it was left untouched"), "\(again.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)

        let missing = try await BinaryRunner.run(["secret", "new", dir + "/no/such/folder/s"])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("folder '\(dir)/no/such/folder' does not exist"), "\(missing.stderr)")
    }

    @Test func withoutAFileTheSecretIsPrintedAndEachOneDiffers() async throws {
        let first = try await BinaryRunner.run(["secret", "new"])
        let second = try await BinaryRunner.run(["secret", "new"])
        #expect(first.exitCode == 0 && second.exitCode == 0)
        let a = first.stdoutText.trimmingCharacters(in: .newlines)
        let b = second.stdoutText.trimmingCharacters(in: .newlines)
        #expect(try WebhookSecret(a).encoded == a)
        #expect(a != b)
    }
}
