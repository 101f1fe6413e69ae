import ArgumentParser
import DossierCore
import Foundation

/// `dossier drift [PATH] [--json]`: compare each feature with its accepted local baseline.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare features with their accepted baselines.",
        discussion: """
            Exit status: 0 no drift, 1 drift in at least one feature, 2 error (bad path, malformed baseline, \
            or a feature with no accepted baseline: run `dossier baseline accept` first).
            """)

    @Argument(help: "Feature folder, kitty-specs/ folder or repository root (default: current directory).")
    var path: String?

    @Flag(help: "Print a JSON array of drift reports.")
    var json = false

    @OptionGroup var state: StateOptions

    func run() async throws {
        let request = ScanRequest(path: path ?? FileManager.default.currentDirectoryPath)
        let result: PipelineResult
        do {
            result = try ScanPipeline.run(request, explicitStateDirectory: state.stateDir)
        } catch {
            CLIOutput.error("drift: \(error)")
            throw ExitCode(2)
        }
        let noBaseline = result.features.filter { $0.drift == nil }.map(\.dossier.featureSlug)
        guard noBaseline.isEmpty else {
            CLIOutput.error(
                "drift: no baseline for \(noBaseline.joined(separator: ", ")) in \(result.stateDirectory)/baselines; "
                    + "run `dossier baseline accept` first")
            throw ExitCode(2)
        }
        let reports = result.features.compactMap(\.drift)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var data = try encoder.encode(reports)
            data.append(0x0A)
            FileHandle.standardOutput.write(data)
        } else {
            var lines: [String] = []
            for r in reports {
                guard r.hasDrift else {
                    lines.append("\(r.featureSlug): no drift (parity \(r.localParityHash))")
                    continue
                }
                lines.append("\(r.featureSlug): drift, severity \(r.severity.rawValue)")
                lines.append("  baseline parity \(r.baselineParityHash)")
                lines.append("  local parity    \(r.localParityHash)")
                for k in r.missingInLocal { lines.append("  - removed  \(k)") }
                for k in r.missingInBaseline { lines.append("  + added    \(k)") }
                for c in r.changed { lines.append("  ~ changed  \(c.key)  \(c.relativePath)") }
            }
            CLIOutput.out(lines.joined(separator: "\n"))
        }
        if reports.contains(where: \.hasDrift) { throw ExitCode(1) }
    }
}
