// The fuzz driver: `DOSSIER_FUZZ_TARGET=<name> dossier-fuzz [libFuzzer flags] [corpus dirs]` (see scripts/fuzz.sh).
// Built with -sanitize=fuzzer and -DDOSSIER_LIBFUZZER it runs libFuzzer; otherwise it replays the given files
// or folders through the target once each (a plain corpus replay).
import DossierFuzzTargets
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--list") {
    for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
    exit(0)
}
guard FuzzDriver.selected != nil else {
    let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("dossier-fuzz: set DOSSIER_FUZZ_TARGET to one of: \(names)\n".utf8))
    exit(2)
}

#if DOSSIER_LIBFUZZER
    exit(FuzzDriver.runLibFuzzer())
#else
    var count = 0
    for path in arguments where !path.hasPrefix("-") {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            FileHandle.standardError.write(Data("dossier-fuzz: \(path): no such file or folder\n".utf8))
            exit(2)
        }
        let files =
            isDirectory.boolValue
            ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
            : [path]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            FuzzDriver.selected?.run(data)
            count += 1
        }
    }
    print("replayed \(count) inputs through \(FuzzDriver.selected?.name ?? "")")
#endif
