import DossierCore
import Foundation

extension FuzzTarget {
    /// The `config.toml` reader (TOMLKit over toml++, then dossier's `[delivery]` rules).
    public static let configTOML = FuzzTarget(
        name: "config-toml", summary: "config.toml parsing: TOML syntax, [delivery] keys and types, error messages"
    ) { data in
        let bytes = [UInt8](data)
        let first = Result { () throws(ConfigFileError) in try ConfigFile.parse(contents: bytes, path: "config.toml") }
        let second = Result { () throws(ConfigFileError) in try ConfigFile.parse(contents: bytes, path: "config.toml") }
        switch (first, second) {
        case (.success(let a), .success(let b)):
            FuzzTarget.check(a == b, "two parses of the same bytes differ")
            FuzzTarget.check(
                a.delivery.keys.allSatisfy { ConfigFile.deliveryKeys.contains($0) }, "an unknown key was accepted")
        case (.failure(let a), .failure(let b)):
            FuzzTarget.check(a == b, "two parses of the same bytes fail differently")
            FuzzTarget.check(a.description.hasPrefix("config"), "error does not name the file: \(a)")
            FuzzChecks.printable(TerminalText.escape(a.description), "config error as printed")
        default:
            FuzzTarget.check(false, "two parses of the same bytes disagree")
        }
    }
}
