import DossierFuzzTargets
import Foundation

#if DOSSIER_LIBFUZZER
    import CLibFuzzer
#endif

/// The target chosen by `DOSSIER_FUZZ_TARGET` (an environment variable, not an argument: libFuzzer re-runs the
/// binary with its own arguments when it minimises a crash).
enum FuzzDriver {
    static let selected: FuzzTarget? = ProcessInfo.processInfo.environment["DOSSIER_FUZZ_TARGET"].flatMap {
        FuzzTarget.named($0)
    }
}

/// libFuzzer's per-input callback (also the symbol its runtime references).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let target = FuzzDriver.selected else { return 0 }
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    target.run(data)
    return 0
}

#if DOSSIER_LIBFUZZER
    extension FuzzDriver {
        /// Hands the process to libFuzzer with `fuzzOneInput` as the callback (in this file, next to its
        /// `@_cdecl`, so the C entry point is emitted once).
        static func runLibFuzzer() -> CInt {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            return withUnsafeMutablePointer(to: &argv) { LLVMFuzzerRunDriver(&argc, $0, fuzzOneInput) }
        }
    }
#endif
