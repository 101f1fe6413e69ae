/// An incremental, allocation-free UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
/// Feed chunks in order, then ask `isComplete` at the end; a sequence may span chunk boundaries.
public struct UTF8Validator: Sendable {
    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// False once an invalid byte was seen.
    public private(set) var isValidSoFar = true

    public init() {}

    /// Feeds the next bytes. ASCII runs are skipped a machine word at a time (32, then 8 bytes per step); only
    /// non-ASCII bytes go through the byte-wise state machine.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard isValidSoFar, let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        let n = bytes.count
        while i < n {
            if needed == 0 {
                while n - i >= 32 {
                    let w =
                        raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                    if w & highBits != 0 { break }
                    i += 32
                }
                while n - i >= 8 {
                    if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & highBits != 0 { break }
                    i += 8
                }
                guard i < n else { return }
                let b = base[i]
                if b < 0x80 {
                    i += 1
                    continue
                }
                switch b {
                case 0xC2...0xDF:
                    needed = 1
                    lower = 0x80
                    upper = 0xBF
                case 0xE0:
                    needed = 2
                    lower = 0xA0
                    upper = 0xBF
                case 0xE1...0xEC, 0xEE...0xEF:
                    needed = 2
                    lower = 0x80
                    upper = 0xBF
                case 0xED:
                    needed = 2
                    lower = 0x80
                    upper = 0x9F
                case 0xF0:
                    needed = 3
                    lower = 0x90
                    upper = 0xBF
                case 0xF1...0xF3:
                    needed = 3
                    lower = 0x80
                    upper = 0xBF
                case 0xF4:
                    needed = 3
                    lower = 0x80
                    upper = 0x8F
                default:
                    isValidSoFar = false
                    return
                }
            } else {
                let b = base[i]
                guard b >= lower && b <= upper else {
                    isValidSoFar = false
                    return
                }
                lower = 0x80
                upper = 0xBF
                needed -= 1
            }
            i += 1
        }
    }

    /// Feeds an array of bytes.
    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { feed($0) }
    }

    /// True when everything fed so far is valid UTF-8 and no sequence is left open.
    public var isComplete: Bool { isValidSoFar && needed == 0 }

    /// Validates a whole byte array.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        var v = UTF8Validator()
        v.feed(bytes)
        return v.isComplete
    }
}
