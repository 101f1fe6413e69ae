import ArgumentParser
import DossierCore
import Foundation

/// `dossier baseline accept|show [PATH]`: record or show the local baseline drift is measured against.
struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record or show the accepted baseline of features.",
        subcommands: [BaselineAcceptCommand.self, BaselineShowCommand.self])
}

struct BaselineAcceptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept", abstract: "Store the current snapshot of each feature as its baseline (exit 2 on error)."
    )

    @Argument(help: "Feature folder, kitty-specs/ folder or repository root (default: current directory).")
    var path: String?

    @OptionGroup var state: StateOptions

    func run() async throws {
        let request = ScanRequest(path: path ?? FileManager.default.currentDirectoryPath)
        do {
            let result = try ScanPipeline.run(request, explicitStateDirectory: state.stateDir)
            let store = BaselineStore(stateDirectory: result.stateDirectory)
            let now = EventTimestamp.string(from: Date())
            for f in result.features {
                let baseline = BaselineStore.baseline(
                    from: f.dossier, snapshot: f.snapshot, acceptedAt: now, source: "local")
                try store.save(baseline)
                CLIOutput.out(
                    "accepted \(esc(f.dossier.featureSlug)) (\(esc(f.dossier.missionType))): "
                        + "parity \(baseline.parityHashSHA256), "
                        + "\(baseline.entries.count) artifacts → "
                        + esc(store.path(featureSlug: baseline.featureSlug, missionType: baseline.missionType))
                )
            }
        } catch {
            CLIOutput.error("baseline accept: \(error)")
            throw ExitCode(2)
        }
    }
}

struct BaselineShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the stored baseline of each feature (exit 2 when one has none).")

    @Argument(help: "Feature folder, kitty-specs/ folder or repository root (default: current directory).")
    var path: String?

    @Flag(help: "Print the stored baselines as a JSON array.")
    var json = false

    @OptionGroup var state: StateOptions

    func run() async throws {
        let request = ScanRequest(path: path ?? FileManager.default.currentDirectoryPath)
        let result: PipelineResult
        do {
            result = try ScanPipeline.run(request, explicitStateDirectory: state.stateDir)
        } catch {
            CLIOutput.error("baseline show: \(error)")
            throw ExitCode(2)
        }
        var missing: [String] = []
        var baselines: [Baseline] = []
        for f in result.features {
            if let b = f.baseline { baselines.append(b) } else { missing.append(f.dossier.featureSlug) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var data = try encoder.encode(baselines)
            data.append(0x0A)
            FileHandle.standardOutput.write(data)
        } else {
            for b in baselines {
                CLIOutput.out(
                    "\(esc(b.featureSlug)) (\(esc(b.missionType))) accepted \(esc(b.acceptedAt))"
                        + " from \(esc(b.source))\n"
                        + "parity \(b.parityHashSHA256)"
                )
                CLIOutput.out(
                    ScanTable.table(
                        header: ["req", "key", "path", "sha256"],
                        rows: b.entries.map {
                            [
                                $0.requiredStatus == .required ? "req" : "opt", esc($0.key), esc($0.relativePath),
                                String($0.contentHashSHA256.prefix(12)),
                            ]
                        }
                    ).joined(separator: "\n"))
            }
        }
        if !missing.isEmpty {
            CLIOutput.error(
                "baseline show: no baseline for \(missing.joined(separator: ", ")) "
                    + "in \(result.stateDirectory)/baselines"
            )
            throw ExitCode(2)
        }
    }
}

/// The terminal escaper for input-derived text in baseline output (slugs, keys, paths).
private func esc(_ text: String) -> String { TerminalText.escape(text) }
