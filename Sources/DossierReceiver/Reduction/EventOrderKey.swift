/// A sortable form of a validated event timestamp (`YYYY-MM-DDTHH:MM:SS[.f…]Z`, 0–9 fraction digits): the
/// fraction is padded to nine digits and the `Z` dropped, so plain string (byte) order is time order whatever
/// precision the producer wrote (`…:00Z` sorts before `…:00.5Z`, which raw strings get wrong). Pure.
public enum EventOrderKey {
    /// The key of `timestamp`; a string that is not of the validated shape is returned unchanged.
    public static func key(_ timestamp: String) -> String {
        let bytes = Array(timestamp.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return timestamp }
        var out = Array(bytes[0..<19])
        out.append(UInt8(ascii: "."))
        var fraction = 0
        if bytes[19] == UInt8(ascii: ".") {
            for b in bytes[20..<(bytes.count - 1)] {
                guard fraction < 9 else { return timestamp }
                out.append(b)
                fraction += 1
            }
        } else if bytes.count != 20 {
            return timestamp
        }
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 9 - fraction))
        return String(decoding: out, as: UTF8.self)
    }
}
