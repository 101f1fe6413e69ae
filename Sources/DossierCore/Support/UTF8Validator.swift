/// An incremental, allocation-free UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
/// Feed chunks in order, then ask `isComplete` at the end; a sequence may span chunk boundaries.
public struct UTF8Validator: Sendable {
    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// False once an invalid byte was seen.
    public private(set) var isValidSoFar = true

    public init() {}

    /// Feeds the next bytes.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard isValidSoFar else { return }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if needed == 0 {
                // Fast path over ASCII runs.
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
