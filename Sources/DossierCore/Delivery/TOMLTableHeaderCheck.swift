/// Finds the input shapes known to trip an assertion inside toml++ (TOMLKit's parser), before it is parsed: a table
/// header whose `[` (or `[[`) is followed by something that cannot start a key (`[;x]`, `[#`, `[` at the end of a
/// line), and a bracket in a value that closes the other kind (`l=[}`). toml++ 3 reaches an assertion there and
/// aborts in debug builds (undefined behaviour with NDEBUG); both found by the `config-toml` fuzz target. Both
/// shapes are invalid TOML, so refusing them first never refuses a valid file.
///
/// The scan follows TOML's structure only as far as needed to know where a line starts at the top level: comments,
/// basic and literal strings (single- and multi-line), and the nesting of arrays and inline tables in values. Where
/// the input stops making sense it returns nil and leaves the verdict to the parser, which stops at its own first
/// error (an input is only parsed as far as it is valid, and on a valid prefix this scan agrees with toml++).
enum TOMLTableHeaderCheck {
    /// The first table header that cannot start a key: 1-based line and column (in characters).
    struct Finding: Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    static func firstBadHeader(_ b: [UInt8]) -> Finding? {
        let bom = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // toml++ skips a UTF-8 byte-order mark
        var i = bom
        var line = 1
        var lineStart = bom
        func column(_ at: Int) -> Int { b[lineStart..<at].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
        func skipBlanks(_ j: inout Int) { while j < b.count && (b[j] == 0x20 || b[j] == 0x09) { j += 1 } }
        func newline(at j: Int) {
            line += 1
            lineStart = j + 1
        }
        /// Moves past the end of the current line (the `\n` included).
        func skipLine(_ j: inout Int) {
            while j < b.count && b[j] != 0x0A { j += 1 }
            if j < b.count { newline(at: j) }
            j += 1
        }
        /// Moves past a string starting at `j` (`"`, `'`, `"""` or `'''`); false where it does not end well.
        func skipString(_ j: inout Int) -> Bool {
            let quote = b[j]
            let triple = j + 2 < b.count && b[j + 1] == quote && b[j + 2] == quote
            j += triple ? 3 : 1
            while j < b.count {
                let c = b[j]
                if c == 0x5C && quote == 0x22 {  // a backslash escape in a basic string (or a line-ending one)
                    if j + 1 < b.count && b[j + 1] == 0x0A { newline(at: j + 1) }
                    j += 2
                    continue
                }
                if c == 0x0A {
                    guard triple else { return false }
                    newline(at: j)
                } else if c == quote {
                    if !triple {
                        j += 1
                        return true
                    }
                    if j + 2 < b.count && b[j + 1] == quote && b[j + 2] == quote {
                        j += 3
                        var extra = 0  // `""""` and `"""""` end with one or two quotes of content
                        while extra < 2 && j < b.count && b[j] == quote {
                            j += 1
                            extra += 1
                        }
                        return true
                    }
                }
                j += 1
            }
            return false
        }

        while i < b.count {
            skipBlanks(&i)
            guard i < b.count else { return nil }
            switch b[i] {
            case 0x0A:
                newline(at: i)
                i += 1
            case 0x0D:
                i += 1
            case 0x23:  // a comment line
                skipLine(&i)
            case 0x5B:  // a table header
                var j = i + 1
                if j < b.count && b[j] == 0x5B { j += 1 }
                skipBlanks(&j)
                guard j < b.count else { return nil }
                if !isKeyStart(b[j]) && b[j] != 0x5D {
                    return Finding(
                        line: line, column: column(j), message: "expected a key after '[' in a table header")
                }
                skipLine(&i)
            default:  // `key = value`: the key, then the value up to its line end outside strings and brackets
                while i < b.count && b[i] != 0x3D {
                    if b[i] == 0x0A { return nil }
                    if b[i] == 0x22 || b[i] == 0x27 {
                        guard skipString(&i) else { return nil }
                    } else {
                        i += 1
                    }
                }
                i += 1
                var open: [UInt8] = []  // the brackets of arrays and inline tables not closed yet
                value: while i < b.count {
                    switch b[i] {
                    case 0x22, 0x27:
                        guard skipString(&i) else { return nil }
                    case 0x5B, 0x7B:
                        open.append(b[i])
                        i += 1
                    case 0x5D, 0x7D:
                        guard let last = open.popLast() else { return nil }
                        if (last == 0x5B) != (b[i] == 0x5D) {
                            let (closing, opening) = b[i] == 0x5D ? ("]", "{") : ("}", "[")
                            return Finding(
                                line: line, column: column(i),
                                message: "'\(closing)' does not close the '\(opening)' before it")
                        }
                        i += 1
                    case 0x23:
                        while i < b.count && b[i] != 0x0A { i += 1 }
                    case 0x0A:
                        newline(at: i)
                        i += 1
                        if open.isEmpty { break value }
                    default:
                        i += 1
                    }
                }
            }
        }
        return nil
    }

    /// A bare-key character or a quote (TOML 1.0: `A-Za-z0-9_-`, `"`, `'`).
    private static func isKeyStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
            || c == 0x22 || c == 0x27
    }
}
