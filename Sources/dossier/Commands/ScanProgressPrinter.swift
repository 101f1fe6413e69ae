import DossierCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Progress on stderr for large scans, only when stderr is a terminal (never in pipes or tests).
enum ScanProgressPrinter {
    /// Scans with fewer files than this print no progress.
    static let threshold = 200

    static func makeIfTerminal() -> (@Sendable (ScanProgress) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { p in
            guard p.filesTotal >= threshold, p.filesDone % 50 == 0 || p.filesDone == p.filesTotal else { return }
            FileHandle.standardError.write(
                Data("\r\u{1B}[Kscanning \(TerminalText.escape(p.featureSlug)): \(p.filesDone)/\(p.filesTotal) files".utf8))
        }
    }

    static func clearLine() {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
