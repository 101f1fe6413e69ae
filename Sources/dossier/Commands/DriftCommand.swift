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

    @Flag(help: "Compare with the baseline the receiver reduced from delivered events, not the local one.")
    var remote = false

    @Option(help: "Receiver URL for --remote (default: $DOSSIER_WEBHOOK_URL, else [delivery] url in config.toml).")
    var endpoint: String?

    @OptionGroup var state: StateOptions

    func run() async throws {
        let request = ScanRequest(path: path ?? FileManager.default.currentDirectoryPath)
        var result: PipelineResult
        do {
            result = try ScanPipeline.run(request, explicitStateDirectory: state.stateDir)
        } catch {
            CLIOutput.error("drift: \(error)")
            throw ExitCode(2)
        }
        if remote { result = try await withRemoteBaselines(result) }
        let noBaseline = result.features.filter { $0.drift == nil }.map(\.dossier.featureSlug)
        guard noBaseline.isEmpty else {
            CLIOutput.error(
                remote
                    ? "drift: the receiver has no verified snapshot for \(noBaseline.joined(separator: ", ")); "
                        + "deliver first "
                        + "(`dossier scan` then `dossier queue flush`)"
                    : "drift: no baseline for \(noBaseline.joined(separator: ", ")) in \(result.stateDirectory)/baselines; "
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
            // Slugs, keys and paths come from the file system: the one terminal escaper keeps them inert.
            let esc: (String) -> String = TerminalText.escape
            var lines: [String] = []
            for r in reports {
                guard r.hasDrift else {
                    lines.append("\(esc(r.featureSlug)): no drift (parity \(r.localParityHash))")
                    continue
                }
                lines.append("\(esc(r.featureSlug)): drift, severity \(r.severity.rawValue)")
                lines.append("  baseline parity \(r.baselineParityHash)")
                lines.append("  local parity    \(r.localParityHash)")
                for k in r.missingInLocal { lines.append("  - removed  \(esc(k))") }
                for k in r.missingInBaseline { lines.append("  + added    \(esc(k))") }
                for c in r.changed { lines.append("  ~ changed  \(esc(c.key))  \(esc(c.relativePath))") }
            }
            CLIOutput.out(lines.joined(separator: "\n"))
        }
        if reports.contains(where: \.hasDrift) { throw ExitCode(1) }
    }

    /// Replaces each feature's local baseline and drift with the receiver's (`GET /dossiers/<slug>/baseline`).
    private func withRemoteBaselines(_ local: PipelineResult) async throws -> PipelineResult {
        let url: String
        do {
            let config = try DeliverySettings.readConfig(stateDirectory: local.stateDirectory)
            url = try DeliverySettings.endpoint(
                flag: endpoint, environment: ProcessInfo.processInfo.environment, config: config)
        } catch {
            CLIOutput.error("drift --remote: \(error)")
            throw ExitCode(2)
        }
        var result = local
        let client = RemoteBaselineClient()
        for index in result.features.indices {
            let feature = result.features[index]
            do {
                let baseline = try await client.fetch(endpoint: url, featureSlug: feature.dossier.featureSlug)
                result.features[index].baseline = baseline
                result.features[index].drift = DriftDetector.compare(
                    baseline: baseline, dossier: feature.dossier, snapshot: feature.snapshot)
            } catch .notFound {
                result.features[index].baseline = nil
                result.features[index].drift = nil
            } catch .pending(let url, let slug, let snapshot, let missing) {
                // Not an error: the receiver is still collecting the scan's events. No baseline to compare with yet.
                CLIOutput.error(
                    "drift --remote: "
                        + RemoteBaselineError.pending(
                            url: url, featureSlug: slug, snapshotID: snapshot, missingArtifacts: missing
                        ).description)
                result.features[index].baseline = nil
                result.features[index].drift = nil
            } catch {
                CLIOutput.error("drift --remote: \(error)")
                throw ExitCode(2)
            }
        }
        return result
    }
}
