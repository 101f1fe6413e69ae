import DossierFuzzTargets
import Foundation

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
