import TOMLKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why `<state>/config.toml` was refused. Every case names the file; none contains a value (a value may be secret).
public enum ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// The path is a folder, FIFO, device or socket, not a regular file.
    case notARegularFile(path: String, kind: String)
    /// Larger than `ConfigFile.maximumBytes`.
    case tooLarge(path: String, bytes: Int)
    /// Not valid UTF-8 or not valid TOML (duplicate keys and tables included), with the position.
    case syntax(path: String, line: Int, column: Int, message: String)
    /// A known key with a value of the wrong type.
    case wrongType(path: String, key: String, expected: String, found: String)
    /// A key dossier does not know (a typo would otherwise silently fall back to defaults).
    case unknownKey(path: String, key: String, known: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "config file \(path): cannot read it (\(reason))"
        case .notARegularFile(let path, let kind): "config file \(path) is \(kind), not a regular file"
        case .tooLarge(let path, let bytes):
            "config file \(path) is \(bytes) bytes; the limit is \(ConfigFile.maximumBytes)"
        case .syntax(let path, let line, let column, let message): "\(path):\(line):\(column): \(message)"
        case .wrongType(let path, let key, let expected, let found):
            "config file \(path): \(key) must be \(expected), found \(found)"
        case .unknownKey(let path, let key, let known):
            "config file \(path): unknown key \(key) (known: \(known.joined(separator: ", ")))"
        }
    }
}

/// `<state>/config.toml`, read with a real TOML parser (TOMLKit, over toml++): CRLF line ends are fine, duplicate
/// keys and tables are refused, as TOML requires. Only the `[delivery]` table is dossier's: its keys must be known
/// (`url`, `secret`, `secret_file`: strings; `window`: an integer, kept here in decimal). A top-level key outside any table is refused; other tables are
/// left to their owners.
public struct ConfigFile: Sendable, Equatable {
    /// Keys of the `[delivery]` table.
    public static let deliveryKeys = ["secret", "secret_file", "url", "window"]
    /// Keys of the `[delivery]` table whose value is an integer.
    static let integerKeys: Set<String> = ["window"]
    /// Larger files are refused before parsing.
    public static let maximumBytes = 1 << 20

    /// The `[delivery]` table's string values by key (empty when the table is absent).
    public var delivery: [String: String]

    public init(delivery: [String: String] = [:]) {
        self.delivery = delivery
    }

    /// Parses a config file's bytes; `path` only names the file in errors. Pure: no file-system access.
    public static func parse(contents: [UInt8], path: String) throws(ConfigFileError) -> ConfigFile {
        let text = try decodeText(contents, path: path)
        if let bad = TOMLTableHeaderCheck.firstBadHeader(contents) {
            throw .syntax(path: path, line: bad.line, column: bad.column, message: bad.message)
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(
                path: path, line: error.source.begin.line, column: error.source.begin.column,
                message: error.description)
        } catch {
            throw .syntax(path: path, line: 1, column: 1, message: "\(error)")
        }
        var delivery: [String: String] = [:]
        for key in root.keys.sorted() {
            guard let value = root[key] else { continue }
            guard value.type == .table else {
                throw .unknownKey(path: path, key: key, known: ["[delivery]"])
            }
            guard key == "delivery", let table = value.table else { continue }
            for inner in table.keys.sorted() {
                let name = "[delivery] " + inner
                guard deliveryKeys.contains(inner) else {
                    throw .unknownKey(path: path, key: name, known: deliveryKeys)
                }
                if integerKeys.contains(inner) {
                    guard let entry = table[inner], entry.type == .int, let number = entry.int else {
                        throw .wrongType(
                            path: path, key: name, expected: "an integer",
                            found: table[inner].map { describe($0.type) } ?? "nothing")
                    }
                    delivery[inner] = String(number)
                    continue
                }
                guard let entry = table[inner], entry.type == .string, let string = entry.string else {
                    throw .wrongType(
                        path: path, key: name, expected: "a string",
                        found: table[inner].map { describe($0.type) } ?? "nothing")
                }
                delivery[inner] = string
            }
        }
        return ConfigFile(delivery: delivery)
    }

    /// Reads and parses the file at `path`; nil when nothing exists there. The open never blocks (a FIFO is
    /// refused, not waited on). Also returns the file's permission bits, for the inline-secret check.
    public static func load(path: String) throws(ConfigFileError) -> (file: ConfigFile, mode: mode_t)? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw .unreadable(path: path, reason: CPath.errorText(code))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: CPath.errorText(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notARegularFile(path: path, kind: "a folder")
        case S_IFIFO: throw .notARegularFile(path: path, kind: "a FIFO")
        case S_IFCHR, S_IFBLK: throw .notARegularFile(path: path, kind: "a device")
        case S_IFSOCK: throw .notARegularFile(path: path, kind: "a socket")
        default: throw .notARegularFile(path: path, kind: "not a file")
        }
        if info.st_size > maximumBytes { throw .tooLarge(path: path, bytes: Int(info.st_size)) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: CPath.errorText(errno))
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > maximumBytes { throw .tooLarge(path: path, bytes: bytes.count) }
        }
        return (try parse(contents: bytes, path: path), info.st_mode & 0o7777)
    }

    private static func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        read(fd, buffer, count)
    }

    /// UTF-8 text without NUL (toml++ reads a C string, so a NUL would silently end the document).
    private static func decodeText(_ bytes: [UInt8], path: String) throws(ConfigFileError) -> String {
        var line = 1
        var column = 1
        for byte in bytes {
            if byte == 0 {
                throw .syntax(path: path, line: line, column: column, message: "NUL byte (TOML forbids it)")
            }
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let at = firstInvalidUTF8Line(bytes)
            throw .syntax(path: path, line: at, column: 1, message: "not valid UTF-8 (TOML files are UTF-8)")
        }
        return text
    }

    private static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1
        for chunk in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: chunk, as: UTF8.self) == nil { return line }
            line += 1
        }
        return line
    }

    private static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}
