import Foundation
import Testing

@testable import DossierCore

/// `ConfigFile.parse(contents:path:)`: the pure TOML reading of `<state>/config.toml` (TOMLKit).
@Suite struct ConfigFileTests {
    let path = "/state/config.toml"

    func parse(_ text: String) throws(ConfigFileError) -> ConfigFile {
        try ConfigFile.parse(contents: Array(text.utf8), path: path)
    }

    func error(_ text: String) -> ConfigFileError? {
        do throws(ConfigFileError) {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsTheDeliveryTableWithLFOrCRLF() throws {
        let lf = "# settings\n[delivery]\nurl = \"http://127.0.0.1:8787/webhook\"  # local\nsecret_file = '/s'\n"
        let expected = ConfigFile(delivery: ["url": "http://127.0.0.1:8787/webhook", "secret_file": "/s"])
        #expect(try parse(lf) == expected)
        #expect(try parse(lf.replacingOccurrences(of: "\n", with: "\r\n")) == expected)
        // Other tables belong to others; an empty file or no [delivery] is no settings.
        #expect(try parse("[other]\nurl = 1\n[other.deeper]\nx = true\n") == ConfigFile())
        #expect(try parse("") == ConfigFile())
        #expect(try parse("delivery = { url = \"http://a/\" }\n") == ConfigFile(delivery: ["url": "http://a/"]))
    }

    @Test func duplicateKeysAndTablesAreRefused() {
        #expect(
            error("[delivery]\nurl = \"http://a/\"\nurl = \"http://b/\"\n")
                == .syntax(
                    path: path, line: 3, column: 7,
                    message: "Error while parsing key-value pair: cannot redefine existing string 'url'"))
        #expect(
            error("[delivery]\nurl = \"http://a/\"\n[delivery]\nsecret_file = \"/s\"\n")
                == .syntax(
                    path: path, line: 3, column: 1,
                    message: "Error while parsing table header: cannot redefine existing table 'delivery'"))
    }

    @Test func wrongTypesAndUnknownKeysNameTheKey() {
        #expect(
            error("[delivery]\nurl = 8787\n")
                == .wrongType(path: path, key: "[delivery] url", expected: "a string", found: "an integer"))
        #expect(
            error("[delivery]\nsecret = [\"whsec_x\"]\n")
                == .wrongType(path: path, key: "[delivery] secret", expected: "a string", found: "an array"))
        #expect(
            error("[delivery]\nsecretfile = \"/s\"\n")
                == .unknownKey(
                    path: path, key: "[delivery] secretfile", known: ["secret", "secret_file", "url", "window"]))
        #expect(error("url = \"http://a/\"\n") == .unknownKey(path: path, key: "url", known: ["[delivery]"]))
        #expect(
            error("delivery = \"http://a/\"\n") == .unknownKey(path: path, key: "delivery", known: ["[delivery]"]))
    }

    @Test func bytesThatAreNotTOMLTextAreRefusedWithThePosition() {
        #expect(
            (try? ConfigFile.parse(contents: Array("[delivery]\nurl = \"a\u{0}b\"\n".utf8), path: path)) == nil)
        do throws(ConfigFileError) {
            _ = try ConfigFile.parse(contents: [0x5B, 0x0A, 0xFF, 0x0A], path: path)
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect(error == .syntax(path: path, line: 2, column: 1, message: "not valid UTF-8 (TOML files are UTF-8)"))
        }
        do throws(ConfigFileError) {
            _ = try ConfigFile.parse(contents: Array("[delivery]\nurl = \"a\u{0}b\"\n".utf8), path: path)
            Issue.record("NUL accepted")
        } catch {
            #expect(error == .syntax(path: path, line: 2, column: 9, message: "NUL byte (TOML forbids it)"))
        }
        guard case .syntax(_, 2, _, _) = error("[delivery]\nurl = http://unquoted\n") else {
            Issue.record("unquoted value")
            return
        }
    }

    /// Fuzz findings config-toml/crash-21f899c3… (`[;deld6e`) and crash-78c77eed… (`[[;…` after a byte-order
    /// mark) aborted the process inside toml++ (an assertion in its key parser, reached from a table header whose `[`
    /// is not followed by a key). Refused before toml++ sees them.
    @Test func tableHeadersThatCannotStartAKeyAreRefusedBeforeTOMLKit() throws {
        let expected = "expected a key after '[' in a table header"
        for (text, line, column) in [
            ("[;deld6e", 1, 2), ("[#", 1, 2), ("[", 1, 2), ("[[ ;x]]", 1, 4), ("a = 1\r\n[\r\n", 2, 2),
            ("[delivery]\n  [ +x]\n", 2, 5), ("# é\n[é]", 2, 2), ("\u{FEFF}[[;ddle6e", 1, 3),
        ] as [(String, Int, Int)] {
            if text == "[" {
                #expect(error(text) != nil, "\(text)")  // the end of the input: toml++'s own error
                continue
            }
            #expect(error(text) == .syntax(path: path, line: line, column: column, message: expected), "\(text)")
        }
        // crash-8e5aa31e… (`l=[}`): a bracket in a value that closes the other kind hit an assertion too.
        let mismatched = "'}' does not close the '[' before it"
        #expect(error("l=[}") == .syntax(path: path, line: 1, column: 4, message: mismatched))
        #expect(
            error("a = 1\nl = { x = [1 }\n")
                == .syntax(path: path, line: 2, column: 14, message: mismatched))
        #expect(
            error("l = [{ a = 1 ]")
                == .syntax(path: path, line: 1, column: 14, message: "']' does not close the '{' before it"))
        // Valid TOML whose lines start with `[` inside values, strings or comments is not mistaken for a header.
        let valid = """
            [other]
            nested = [
              [ [1], [2] ],
              [{ a = 1 }],
              [+1],
            ]
            text = \"\"\"
            [;not a header
            \"\"\"
            lit = '''
            [#still text'''
            esc = "a\\"b" # [; comment
            [delivery]
            url = "http://127.0.0.1:1/x"

            """
        #expect(try parse(valid) == ConfigFile(delivery: ["url": "http://127.0.0.1:1/x"]))
    }

    @Test func messagesNameTheFileAndNeverTheValue() {
        let secret = "whsec_" + String(repeating: "A", count: 32)
        let e = error("[delivery]\nsecret = \"\(secret)\"\nsecret = \"\(secret)\"\n")
        #expect(e != nil)
        #expect(e?.description.hasPrefix(path + ":3:") == true)
        #expect(e?.description.contains(secret) == false)
        #expect(
            ConfigFileError.notARegularFile(path: path, kind: "a FIFO").description
                == "config file /state/config.toml is a FIFO, not a regular file")
    }
}
