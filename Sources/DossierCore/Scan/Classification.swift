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

/// Deterministic classification of artifacts (DESIGN §3): keys, classes, WP ids, steps and required status.
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
        classify(
            relativePath: relativePath, manifest: manifest, entries: manifest?.orderedEntries ?? [],
            currentStep: currentStep)
    }

    /// As above, with `manifest.orderedEntries` computed once by the caller (the scanner classifies many files).
    static func classify(
        relativePath: String, manifest: Manifest?, entries: [(entry: Manifest.Entry, step: String?, optional: Bool)],
        currentStep: String?
    ) -> FileClassification {
        let wp = wpID(relativePath)
        if let manifest {
            for (entry, step, optional) in entries
            where PathPattern.matches(entry.pathPattern, relativePath) {
                var key = entry.artifactKey
                if entry.isMultiple {
                    let prefix = PathPattern.literalDirectoryPrefix(entry.pathPattern)
                    var tail = Array(relativePath.utf8)
                    if tail.starts(with: prefix.utf8) { tail.removeFirst(prefix.utf8.count) }
                    key += "." + slug(tail)
                }
                let required =
                    !optional && entry.blocking
                    && (currentStep.map { manifest.isRequired(entryStep: step, at: $0) } ?? false)
                return FileClassification(
                    candidateKey: key, artifactClass: entry.artifactClass, wpID: wp, stepID: step,
                    requiredStatus: required ? .required : .optional, pathPattern: entry.pathPattern)
            }
        }
        return FileClassification(
            candidateKey: "artifact." + slug(Array(relativePath.utf8)), artifactClass: pathClass(relativePath),
            wpID: wp, stepID: nil, requiredStatus: .optional, pathPattern: nil)
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

    /// `WPnn` for `tasks/WPnn*.md` (exactly one folder level, two digits), else nil.
    public static func wpID(_ relativePath: String) -> String? {
        let b = Array(relativePath.utf8)
        let prefix = Array("tasks/WP".utf8)
        guard b.count >= prefix.count + 2 + 3, b.starts(with: prefix), b.suffix(3) == Array(".md".utf8)[...] else {
            return nil
        }
        let d1 = b[prefix.count]
        let d2 = b[prefix.count + 1]
        guard (0x30...0x39).contains(d1), (0x30...0x39).contains(d2) else { return nil }
        guard !b[prefix.count...].contains(UInt8(ascii: "/")) else { return nil }
        return "WP" + String(decoding: [d1, d2], as: UTF8.self)
    }

    /// The key slug of raw bytes (see the type's documentation).
    public static func slug(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            switch b {
            case 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"): out.append(b)
            case 0x41...0x5A: out.append(b + 32)
            case UInt8(ascii: "."), UInt8(ascii: "/"): out.append(UInt8(ascii: "."))
            default: out += [UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Makes keys unique without dropping anything: `candidates` must be in byte order of their paths; the first
    /// holder keeps a key, later ones get `~2`, `~3`… (skipping any suffix already taken). `reserved` keys (e.g. those
    /// of missing required artifacts) are never handed out.
    public static func uniqueKeys(_ candidates: [String], reserved: Set<ByteString> = []) -> [String] {
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
