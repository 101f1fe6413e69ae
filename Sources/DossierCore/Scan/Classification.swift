/// What classification decides for one present file (pure; no file system).
public struct FileClassification: Sendable, Equatable {
    /// The key before collision resolution.
    public var candidateKey: String
    public var artifactClass: ArtifactClass
    public var wpID: String?
    public var stepID: String?
    public var requiredStatus: RequiredStatus
    /// The manifest pattern that matched, if any.
    public var pathPattern: String?
}

/// Deterministic classification of artifacts: keys, classes, WP ids, steps and required status.
///
/// Keys: a manifest entry whose pattern matches the path gives the key; a wildcard pattern adds a per-file suffix,
/// the slug of the path below the pattern's literal folder (`tasks/WP01-setup.md` with `work_package` /
/// `tasks/WP*.md` → `work_package.wp01-setup.md`). Unmatched files get `artifact.<slug of the relative path>`.
/// Slugs keep `[a-z0-9_-]`, lowercase `A-Z`, turn `.` and `/` into `.`, and write any other byte as `x` + two hex
/// digits (so NFC and NFD spellings get different keys). Collisions get `~2`, `~3`… in byte order of the path.
///
/// Classes without a manifest match, first rule wins (on the lowercased path):
/// 1. `runtime`: `meta.json`, `*.lock`, `*.log`, `*.jsonl`, or under `runtime/`, `logs/`, `status/`
/// 2. `evidence`: under `checklists/`, `reviews/`, `evidence/`, `test-results/`, or a name containing `report`
/// 3. `policy`: under `policy/`, `policies/`, or a name starting with `constitution`, `charter`, `license`
/// 4. `workflow`: `tasks.md`, under `tasks/`, or a name containing `workflow`
/// 5. `input`: under `research/`, `inputs/`, `notes/`, `references/`, `sources/`, or `research.md`, `*.csv`
/// 6. `output`: everything else
public enum Classification {
    /// Classifies one feature-relative path against a manifest at a step (both may be nil).
    public static func classify(relativePath: String, manifest: Manifest?, currentStep: String?) -> FileClassification {
        classify(relativePath: relativePath, rules: ClassificationRules(manifest), currentStep: currentStep)
    }

    /// As above, with the manifest's entries compiled once by the caller (the scanner classifies many files).
    static func classify(relativePath: String, rules: ClassificationRules, currentStep: String?) -> FileClassification {
        var path = relativePath
        return path.withUTF8 { bytes in
            classify(relativePath: relativePath, bytes: bytes, rules: rules, currentStep: currentStep)
        }
    }

    private static func classify(
        relativePath: String, bytes: UnsafeBufferPointer<UInt8>, rules: ClassificationRules, currentStep: String?
    ) -> FileClassification {
        let wp = wpID(bytes)
        if let manifest = rules.manifest {
            for rule in rules.entries where rule.pattern.matches(bytes) {
                let entry = rule.entry
                var key = entry.artifactKey
                if rule.multiple {
                    let prefix = rule.pattern.literalPrefix
                    let tail =
                        bytes.starts(with: prefix) ? UnsafeBufferPointer(rebasing: bytes[prefix.count...]) : bytes
                    key += "." + slug(tail)
                }
                let required =
                    !rule.optional && entry.blocking
                    && (currentStep.map { manifest.isRequired(entryStep: rule.step, at: $0) } ?? false)
                return FileClassification(
                    candidateKey: key, artifactClass: entry.artifactClass, wpID: wp, stepID: rule.step,
                    requiredStatus: required ? .required : .optional, pathPattern: entry.pathPattern)
            }
        }
        let artifactClass = bytes.allSatisfy { $0 < 0x80 } ? asciiPathClass(bytes) : pathClass(relativePath)
        return FileClassification(
            candidateKey: "artifact." + slug(bytes), artifactClass: artifactClass, wpID: wp, stepID: nil,
            requiredStatus: .optional, pathPattern: nil)
    }

    /// The documented path rule class of a path that no manifest entry matches.
    public static func pathClass(_ relativePath: String) -> ArtifactClass {
        let lower = String(decoding: relativePath.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
        let parts = lower.split(separator: "/").map(String.init)
        let name = parts.last ?? lower
        let dirs = Set(parts.dropLast())
        func under(_ names: String...) -> Bool { names.contains { dirs.contains($0) } }
        if name == "meta.json" || name.hasSuffix(".lock") || name.hasSuffix(".log") || name.hasSuffix(".jsonl")
            || under("runtime", "logs", "status")
        {
            return .runtime
        }
        if under("checklists", "reviews", "evidence", "test-results") || name.contains("report") { return .evidence }
        if under("policy", "policies") || name.hasPrefix("constitution") || name.hasPrefix("charter")
            || name.hasPrefix("license")
        {
            return .policy
        }
        if lower == "tasks.md" || parts.first == "tasks" && parts.count > 1 || name.contains("workflow") {
            return .workflow
        }
        if under("research", "inputs", "notes", "references", "sources") || lower == "research.md"
            || name.hasSuffix(".csv")
        {
            return .input
        }
        return .output
    }

    /// `pathClass` of an all-ASCII path, on its bytes without allocating (for ASCII the byte rules and the
    /// `String` rules agree exactly; other paths take `pathClass`).
    static func asciiPathClass(_ path: UnsafeBufferPointer<UInt8>) -> ArtifactClass {
        let lower = AsciiLowered(path)
        // Components, empty ones omitted (as `split(separator:)` does).
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(8)
        var start = 0
        for i in 0...path.count where i == path.count || path[i] == UInt8(ascii: "/") {
            if i > start { ranges.append(start..<i) }
            start = i + 1
        }
        let name = ranges.last ?? 0..<path.count
        let dirs = ranges.dropLast()
        func under(_ names: StaticString...) -> Bool {
            dirs.contains { r in names.contains { lower.equals(r, $0) } }
        }
        if lower.equals(name, "meta.json") || lower.hasSuffix(name, ".lock") || lower.hasSuffix(name, ".log")
            || lower.hasSuffix(name, ".jsonl") || under("runtime", "logs", "status")
        {
            return .runtime
        }
        if under("checklists", "reviews", "evidence", "test-results") || lower.contains(name, "report") {
            return .evidence
        }
        if under("policy", "policies") || lower.hasPrefix(name, "constitution") || lower.hasPrefix(name, "charter")
            || lower.hasPrefix(name, "license")
        {
            return .policy
        }
        if lower.equals(0..<path.count, "tasks.md") || ranges.count > 1 && lower.equals(ranges[0], "tasks")
            || lower.contains(name, "workflow")
        {
            return .workflow
        }
        if under("research", "inputs", "notes", "references", "sources") || lower.equals(0..<path.count, "research.md")
            || lower.hasSuffix(name, ".csv")
        {
            return .input
        }
        return .output
    }

    /// ASCII-case-insensitive comparisons of ranges of a path with lowercase literals.
    private struct AsciiLowered {
        let bytes: UnsafeBufferPointer<UInt8>
        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        @inline(__always) private func at(_ i: Int) -> UInt8 {
            let b = bytes[i]
            return b >= 0x41 && b <= 0x5A ? b + 32 : b
        }

        private func matches(_ at0: Int, _ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            return literal.withUTF8Buffer { l in (0..<n).allSatisfy { at(at0 + $0) == l[$0] } }
        }

        func equals(_ r: Range<Int>, _ literal: StaticString) -> Bool {
            r.count == literal.utf8CodeUnitCount && matches(r.lowerBound, literal)
        }

        func hasPrefix(_ r: Range<Int>, _ literal: StaticString) -> Bool {
            r.count >= literal.utf8CodeUnitCount && matches(r.lowerBound, literal)
        }

        func hasSuffix(_ r: Range<Int>, _ literal: StaticString) -> Bool {
            r.count >= literal.utf8CodeUnitCount && matches(r.upperBound - literal.utf8CodeUnitCount, literal)
        }

        func contains(_ r: Range<Int>, _ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard r.count >= n else { return false }
            return (r.lowerBound...(r.upperBound - n)).contains { matches($0, literal) }
        }
    }

    /// `WPnn` for `tasks/WPnn*.md` (exactly one folder level, two digits), else nil.
    public static func wpID(_ relativePath: String) -> String? {
        var path = relativePath
        return path.withUTF8 { wpID($0) }
    }

    static func wpID(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        let prefix: StaticString = "tasks/WP"
        let n = prefix.utf8CodeUnitCount
        guard b.count >= n + 2 + 3, prefix.withUTF8Buffer({ b.starts(with: $0) }),
            b[b.count - 3] == UInt8(ascii: "."), b[b.count - 2] == UInt8(ascii: "m"),
            b[b.count - 1] == UInt8(ascii: "d")
        else {
            return nil
        }
        let d1 = b[n]
        let d2 = b[n + 1]
        guard (0x30...0x39).contains(d1), (0x30...0x39).contains(d2) else { return nil }
        guard !b[n...].contains(UInt8(ascii: "/")) else { return nil }
        return "WP" + String(decoding: [d1, d2], as: UTF8.self)
    }

    /// The key slug of raw bytes (see the type's documentation).
    public static func slug(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { slug($0) }
    }

    static func slug(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var escapes = 0
        for b in bytes {
            switch b {
            case 0x61...0x7A, 0x30...0x39, 0x41...0x5A, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "/"):
                break
            default: escapes += 1
            }
        }
        return String(unsafeUninitializedCapacity: bytes.count + 2 * escapes) { out in
            let hex: StaticString = "0123456789abcdef"
            var n = 0
            hex.withUTF8Buffer { hex in
                for b in bytes {
                    switch b {
                    case 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"): out[n] = b
                    case 0x41...0x5A: out[n] = b + 32
                    case UInt8(ascii: "."), UInt8(ascii: "/"): out[n] = UInt8(ascii: ".")
                    default:
                        out[n] = UInt8(ascii: "x")
                        out[n + 1] = hex[Int(b >> 4)]
                        out[n + 2] = hex[Int(b & 0x0F)]
                        n += 2
                    }
                    n += 1
                }
            }
            return n
        }
    }

    /// Makes keys unique without dropping anything: `candidates` must be in byte order of their paths; the first
    /// holder keeps a key, later ones get `~2`, `~3`… (skipping any suffix already taken). `reserved` keys (e.g. those
    /// of missing required artifacts) are never handed out.
    public static func uniqueKeys(_ candidates: [String], reserved: Set<ByteString> = []) -> [String] {
        // The common case, decided without building byte strings: keys distinct as `String`s (so distinct as bytes)
        // and none equal to a reserved one keep their keys. Anything else takes the byte-exact rule below.
        var distinct = Set<String>(minimumCapacity: candidates.count)
        if candidates.allSatisfy({ distinct.insert($0).inserted })
            && !reserved.contains(where: { distinct.contains($0.string) })
        {
            return candidates
        }
        var taken = reserved
        var result: [String] = []
        result.reserveCapacity(candidates.count)
        // Exact candidates are claimed first so a literal `x~2` never loses its key to a suffixed duplicate.
        let firstIndex = Dictionary(
            candidates.enumerated().map { (ByteString($0.element), $0.offset) },
            uniquingKeysWith: { a, _ in a })
        for (key, _) in firstIndex where !reserved.contains(key) { taken.insert(key) }
        for (i, key) in candidates.enumerated() {
            let k = ByteString(key)
            if firstIndex[k] == i && !reserved.contains(k) {
                result.append(key)
                continue
            }
            var n = 2
            while taken.contains(ByteString("\(key)~\(n)")) { n += 1 }
            let unique = "\(key)~\(n)"
            taken.insert(ByteString(unique))
            result.append(unique)
        }
        return result
    }
}
