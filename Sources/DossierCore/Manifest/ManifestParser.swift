import Yams

/// Parses manifest YAML into a `Manifest`, checking every field; errors carry file, line and field.
public enum ManifestParser {
    /// Parses `yaml`; `file` is used in error messages only.
    public static func parse(_ yaml: String, file: String) throws(ManifestError) -> Manifest {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ManifestError(file: file, line: nil, field: nil, problem: "the file is empty")
            }
            root = node
        } catch let error as ManifestError {
            throw error
        } catch let error as YamlError {
            throw ManifestError(
                file: file, line: yamlLine(error), field: nil, problem: "invalid YAML: \(yamlProblem(error))")
        } catch {
            throw ManifestError(file: file, line: nil, field: nil, problem: "invalid YAML: \(error)")
        }
        let reader = Reader(file: file)
        guard let mapping = root.mapping else {
            throw ManifestError(
                file: file, line: root.mark?.line, field: nil, problem: "expected a mapping at top level")
        }
        let known: Set<String> = [
            "mission_type", "manifest_version", "steps", "required_always", "required_by_step", "optional_always",
        ]
        for (key, _) in mapping {
            guard let name = key.string, known.contains(name) else {
                throw ManifestError(
                    file: file, line: key.mark?.line, field: key.string ?? "?", problem: "unknown field")
            }
        }
        let mission = try reader.string(mapping, "mission_type", at: root)
        let version = try reader.scalarString(mapping, "manifest_version", at: root)
        guard let stepsNode = mapping["steps"] else {
            throw ManifestError(file: file, line: root.mark?.line, field: "steps", problem: "missing required field")
        }
        guard let stepSeq = stepsNode.sequence, !stepSeq.isEmpty else {
            throw ManifestError(
                file: file, line: stepsNode.mark?.line, field: "steps", problem: "expected a non-empty list of step ids"
            )
        }
        var steps: [String] = []
        for (i, node) in stepSeq.enumerated() {
            guard let s = node.scalar?.string, !s.isEmpty, node.scalar?.tag.rawValue != Tag.Name.null.rawValue else {
                throw ManifestError(
                    file: file, line: node.mark?.line, field: "steps[\(i)]", problem: "expected a step id string")
            }
            if steps.contains(s) {
                throw ManifestError(
                    file: file, line: node.mark?.line, field: "steps[\(i)]", problem: "duplicate step '\(s)'")
            }
            steps.append(s)
        }
        let requiredAlways = try reader.entries(mapping["required_always"], field: "required_always")
        let optionalAlways = try reader.entries(mapping["optional_always"], field: "optional_always")
        var byStep: [String: [Manifest.Entry]] = [:]
        if let node = mapping["required_by_step"], !reader.isNull(node) {
            guard let m = node.mapping else {
                throw ManifestError(
                    file: file, line: node.mark?.line, field: "required_by_step",
                    problem: "expected a mapping of step id to entries")
            }
            for (key, value) in m {
                guard let step = key.string, steps.contains(step) else {
                    throw ManifestError(
                        file: file, line: key.mark?.line, field: "required_by_step.\(key.string ?? "?")",
                        problem: "unknown step (not listed in 'steps')")
                }
                byStep[step] = try reader.entries(value, field: "required_by_step.\(step)")
            }
        }
        var seenKeys: Set<String> = []
        for entry in requiredAlways + steps.flatMap({ byStep[$0] ?? [] }) + optionalAlways {
            if !seenKeys.insert(entry.artifactKey).inserted {
                throw ManifestError(
                    file: file, line: nil, field: "artifact_key",
                    problem: "duplicate artifact_key '\(entry.artifactKey)'")
            }
        }
        return Manifest(
            missionType: mission, manifestVersion: version, steps: steps, requiredAlways: requiredAlways,
            requiredByStep: byStep, optionalAlways: optionalAlways)
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }

    private struct Reader {
        let file: String

        func isNull(_ node: Node) -> Bool {
            if let s = node.scalar {
                return s.tag.rawValue == Tag.Name.null.rawValue || (s.string.isEmpty && s.style == .plain)
                    || s.string == "~" || s.string == "null"
            }
            return false
        }

        func string(_ m: Node.Mapping, _ key: String, at parent: Node, prefix: String = "") throws(ManifestError)
            -> String
        {
            let field = prefix + key
            guard let node = m[key] else {
                throw ManifestError(
                    file: file, line: parent.mark?.line, field: field, problem: "missing required field")
            }
            guard let s = node.scalar, !isNull(node), !s.string.isEmpty else {
                throw ManifestError(
                    file: file, line: node.mark?.line, field: field, problem: "expected a non-empty string")
            }
            return s.string
        }

        func scalarString(_ m: Node.Mapping, _ key: String, at parent: Node) throws(ManifestError) -> String {
            try string(m, key, at: parent)
        }

        func entries(_ node: Node?, field: String) throws(ManifestError) -> [Manifest.Entry] {
            guard let node, !isNull(node) else { return [] }
            guard let seq = node.sequence else {
                throw ManifestError(
                    file: file, line: node.mark?.line, field: field, problem: "expected a list of entries")
            }
            var out: [Manifest.Entry] = []
            for (i, item) in seq.enumerated() {
                let prefix = "\(field)[\(i)]."
                guard let m = item.mapping else {
                    throw ManifestError(
                        file: file, line: item.mark?.line, field: "\(field)[\(i)]", problem: "expected a mapping")
                }
                let known: Set<String> = ["artifact_key", "artifact_class", "path_pattern", "blocking"]
                for (key, _) in m {
                    guard let name = key.string, known.contains(name) else {
                        throw ManifestError(
                            file: file, line: key.mark?.line, field: prefix + (key.string ?? "?"),
                            problem: "unknown field")
                    }
                }
                let key = try string(m, "artifact_key", at: item, prefix: prefix)
                let classText = try string(m, "artifact_class", at: item, prefix: prefix)
                guard let cls = ArtifactClass(rawValue: classText) else {
                    throw ManifestError(
                        file: file, line: m["artifact_class"]?.mark?.line, field: prefix + "artifact_class",
                        problem:
                            "expected one of \(ArtifactClass.allCases.map(\.rawValue).joined(separator: " ")), "
                                + "got '\(classText)'"
                    )
                }
                let pattern = try string(m, "path_pattern", at: item, prefix: prefix)
                if pattern.hasPrefix("/") || pattern.split(separator: "/").contains("..") {
                    throw ManifestError(
                        file: file, line: m["path_pattern"]?.mark?.line, field: prefix + "path_pattern",
                        problem: "must be feature-relative (no leading '/' or '..'), got '\(pattern)'")
                }
                guard let blockingNode = m["blocking"] else {
                    throw ManifestError(
                        file: file, line: item.mark?.line, field: prefix + "blocking", problem: "missing required field"
                    )
                }
                guard let blocking = blockingNode.scalar.flatMap({ Bool.construct(from: $0) }) else {
                    throw ManifestError(
                        file: file, line: blockingNode.mark?.line, field: prefix + "blocking",
                        problem: "expected a bool, got '\(blockingNode.scalar?.string ?? "non-scalar")'")
                }
                out.append(
                    Manifest.Entry(artifactKey: key, artifactClass: cls, pathPattern: pattern, blocking: blocking))
            }
            return out
        }
    }
}
