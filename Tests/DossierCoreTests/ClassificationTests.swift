import Testing

@testable import DossierCore

@Suite struct ClassificationTests {
    static let manifest: Manifest = {
        let entry = { (k: String, c: ArtifactClass, p: String) in
            Manifest.Entry(artifactKey: k, artifactClass: c, pathPattern: p, blocking: true)
        }
        return Manifest(
            missionType: "software-dev", manifestVersion: "1", steps: ["specify", "plan", "tasks_packages", "done"],
            requiredAlways: [],
            requiredByStep: [
                "specify": [entry("spec", .output, "spec.md")], "plan": [entry("plan", .output, "plan.md")],
                "tasks_packages": [entry("work_package", .workflow, "tasks/WP*.md")],
            ],
            optionalAlways: [
                entry("contract", .output, "contracts/**"),
                Manifest.Entry(artifactKey: "meta", artifactClass: .runtime, pathPattern: "meta.json", blocking: false),
            ])
    }()

    @Test func manifestMatchGivesKeyClassStepAndRequiredness() {
        let c = Classification.classify(relativePath: "plan.md", manifest: Self.manifest, currentStep: "plan")
        #expect(
            c.candidateKey == "plan" && c.artifactClass == .output && c.stepID == "plan"
                && c.requiredStatus == .required)
        let early = Classification.classify(relativePath: "plan.md", manifest: Self.manifest, currentStep: "specify")
        #expect(early.requiredStatus == .optional)  // required only from the plan step on
    }

    @Test func wildcardPatternGetsPerFileSuffixAndWpID() {
        let c = Classification.classify(
            relativePath: "tasks/WP01-Setup.md", manifest: Self.manifest, currentStep: "done")
        #expect(c.candidateKey == "work_package.wp01-setup.md")
        #expect(c.wpID == "WP01" && c.stepID == "tasks_packages" && c.requiredStatus == .required)
        let deep = Classification.classify(
            relativePath: "contracts/v1/api.yaml", manifest: Self.manifest, currentStep: "done")
        #expect(deep.candidateKey == "contract.v1.api.yaml" && deep.requiredStatus == .optional)
    }

    @Test func wpIDRules() {
        #expect(Classification.wpID("tasks/WP12.md") == "WP12")
        #expect(Classification.wpID("tasks/WP1-x.md") == nil)
        #expect(Classification.wpID("tasks/sub/WP12.md") == nil)
        #expect(Classification.wpID("WP12.md") == nil)
        #expect(Classification.wpID("tasks/WP12.txt") == nil)
    }

    @Test func unmatchedFilesUsePathRulesAndSlugKeys() {
        let c = Classification.classify(relativePath: "notes/Café.txt", manifest: Self.manifest, currentStep: "done")
        #expect(c.candidateKey == "artifact.notes.cafxc3xa9.txt")
        #expect(c.artifactClass == .input && c.requiredStatus == .optional && c.pathPattern == nil)
        #expect(Classification.pathClass("meta.json") == .runtime)
        #expect(Classification.pathClass("logs/run.txt") == .runtime)
        #expect(Classification.pathClass("checklists/a.md") == .evidence)
        #expect(Classification.pathClass("lint-report.json") == .evidence)
        #expect(Classification.pathClass("policies/x.md") == .policy)
        #expect(Classification.pathClass("tasks.md") == .workflow)
        #expect(Classification.pathClass("tasks/README.md") == .workflow)
        #expect(Classification.pathClass("data.csv") == .input)
        #expect(Classification.pathClass("design.md") == .output)
    }

    @Test func nfcAndNfdGetDistinctKeys() {
        let nfc = Classification.classify(relativePath: "caf\u{E9}.md", manifest: nil, currentStep: nil).candidateKey
        let nfd = Classification.classify(relativePath: "cafe\u{301}.md", manifest: nil, currentStep: nil).candidateKey
        #expect(nfc == "artifact.cafxc3xa9.md" && nfd == "artifact.cafexccx81.md")
    }

    @Test func collisionsGetDeterministicSuffixesNeverDropped() {
        // "A.md" and "a.md" slug to the same key; byte order decides who keeps it.
        #expect(
            Classification.uniqueKeys(["artifact.a.md", "artifact.a.md", "artifact.a.md~2"])
                == ["artifact.a.md", "artifact.a.md~3", "artifact.a.md~2"])
        #expect(Classification.uniqueKeys(["spec"], reserved: [ByteString("spec")]) == ["spec~2"])
    }

    @Test func patternMatching() {
        #expect(PathPattern.matches("tasks/WP*.md", "tasks/WP01-x.md"))
        #expect(!PathPattern.matches("tasks/WP*.md", "tasks/sub/WP01.md"))
        #expect(PathPattern.matches("docs/**/*.md", "docs/a.md"))
        #expect(PathPattern.matches("docs/**/*.md", "docs/x/y/a.md"))
        #expect(!PathPattern.matches("docs/**/*.md", "docs/a.txt"))
        #expect(PathPattern.matches("a?.md", "ab.md") && !PathPattern.matches("a?.md", "a/.md"))
        #expect(!PathPattern.matches("caf\u{E9}.md", "cafe\u{301}.md"))  // bytes, not canonical equivalence
    }

    @Test func stepInferenceAndCumulativeRequirements() {
        let m = Self.manifest
        #expect(StepResolver.infer(manifest: m, presentPaths: []) == "specify")
        #expect(StepResolver.infer(manifest: m, presentPaths: ["spec.md", "tasks/WP01.md"]) == "tasks_packages")
        #expect(
            m.isRequired(entryStep: "specify", at: "plan") && !m.isRequired(entryStep: "tasks_packages", at: "plan"))
        #expect(m.isRequired(entryStep: nil, at: "specify"))
        let r = StepResolver.resolve(flag: nil, meta: "bogus", manifest: m, presentPaths: ["plan.md"])
        #expect(r.step == "plan" && r.source == .inferred && r.metaProblem?.contains("bogus") == true)
        #expect(StepResolver.resolve(flag: "done", meta: "plan", manifest: m, presentPaths: []).source == .flag)
        #expect(StepResolver.resolve(flag: nil, meta: "plan", manifest: m, presentPaths: []).step == "plan")
        #expect(StepResolver.resolve(flag: nil, meta: nil, manifest: nil, presentPaths: []).step == nil)
    }

    @Test func rawNamesAreEscapedLosslesslyWhenNotUTF8() {
        // `%XX` always means one byte: a `%` the name follows with two hex digits is `%25`, any other `%` stays.
        #expect(RawName.string(from: Array("caf".utf8) + [0xE9] + Array("%.txt".utf8)) == "caf%E9%.txt")
        #expect(RawName.string(from: Array("caf".utf8) + [0xE9] + Array("%41.txt".utf8)) == "caf%E9%2541.txt")
        #expect(RawName.string(from: Array("ok é".utf8)) == "ok é")
        #expect(RawName.unusualReason(Array("a\tb".utf8)) != nil)
        #expect(RawName.unusualReason([0xFF]) != nil)
        #expect(RawName.unusualReason(Array("é".utf8)) == nil)
    }

    @Test func utf8Validator() {
        #expect(UTF8Validator.isValid(Array("héllo ✓ 😀".utf8)))
        #expect(!UTF8Validator.isValid([0xC0, 0xAF]))  // overlong
        #expect(!UTF8Validator.isValid([0xED, 0xA0, 0x80]))  // surrogate
        #expect(!UTF8Validator.isValid([0xF4, 0x90, 0x80, 0x80]))  // > U+10FFFF
        #expect(!UTF8Validator.isValid([0xE2, 0x9C]))  // truncated
        var v = UTF8Validator()  // split across chunks
        v.feed([0xE2])
        v.feed([0x9C, 0x93])
        #expect(v.isComplete)
    }
}
