import DossierCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Progress on stderr for large scans, only when stderr is a terminal (never in pipes or tests).
enum ScanProgressPrinter {
    /// Scans print no progress before this many files.
    static let threshold = 200

    static func makeIfTerminal() -> (@Sendable (ScanProgress) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { p in
            guard p.filesDone >= threshold, p.filesDone % 200 == 0 else { return }
            FileHandle.standardError.write(
                Data(
                    "\r\u{1B}[Kscanning: \(p.featuresDone)/\(p.featuresTotal) features, \(p.filesDone) files"
                        .utf8))
        }
    }

    /// The closing line of a multi-feature table: how many features in which state, and how many files were read.
    static func summaryLine(_ result: PipelineResult) -> String? {
        guard result.features.count > 1 else { return nil }
        var byState: [String: Int] = [:]
        for f in result.features { byState[f.snapshot.completeness.rawValue, default: 0] += 1 }
        let states = ["complete", "incomplete", "unknown"].compactMap { k in byState[k].map { "\($0) \(k)" } }
        let s = result.statistics
        return "scanned \(result.features.count) features (\(states.joined(separator: ", "))), "
            + "\(s.filesHashed + s.filesFromCache) files: \(s.filesHashed) read, "
            + "\(s.filesFromCache) unchanged (stat cache)"
    }

    /// The human line for the entries of `kitty-specs/` that were not scanned (nil when there are none).
    static func skippedLine(_ skipped: [SkippedEntry]) -> String? {
        guard !skipped.isEmpty else { return nil }
        let items = skipped.map { entry in
            let reason = entry.reason.rawValue.replacingOccurrences(of: "_", with: " ")
            return "\(TerminalText.escape(entry.name)) (\(reason))"
        }
        return "skipped \(skipped.count) in kitty-specs/: " + items.joined(separator: ", ")
    }

    static func clearLine() {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
