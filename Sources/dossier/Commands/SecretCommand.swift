import ArgumentParser
import DossierCore
import Foundation

/// `dossier secret new [FILE]`: make a Standard Webhooks signing secret for a sender and its receiver.
struct SecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: "Make webhook signing secrets.", subcommands: [SecretNewCommand.self])
}

/// Writes a new random `whsec_` secret (24 bytes) to FILE, owner-only and never over an existing file, or prints
/// it when no FILE is given (for a secrets manager).
struct SecretNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a new random whsec_ secret to FILE (mode 0600, never overwritten), or print it.",
        discussion: """
            Give the same file to both sides: `dossier receive --secret-file FILE` and \
            `dossier queue flush --secret-file FILE` (or `secret_file = "FILE"` in config.toml).
            """)

    @Argument(help: "The file to create (its folder must exist). Without it the secret is printed.")
    var file: String?

    func run() throws {
        let secret = WebhookSecret.generate()
        guard let file else {
            print(secret.encoded)
            return
        }
        do {
            try WebhookSecretFile.create(file, secret: secret)
        } catch {
            FileHandle.standardError.write(Data("dossier: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        print("wrote a new webhook secret to \(TerminalText.escape(file)) (mode 0600)")
        let shown = TerminalText.escape(file)
        print("use it on both sides: dossier receive --secret-file \(shown) / dossier queue flush --secret-file \(shown)")
    }
}
