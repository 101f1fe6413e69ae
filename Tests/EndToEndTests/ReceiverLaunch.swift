import Foundation

/// A `dossier receive` that did not print its "listening on" line: what it printed, stdout and stderr.
struct ReceiverLaunchFailure: Error, CustomStringConvertible {
    var description: String
}

/// Starts `dossier receive --port 0 args` and reads its first line, `listening on http://127.0.0.1:PORT`; returns
/// the process, that base URL and, with `keepErrors`, its stderr pipe (for a test that reads it after stopping the
/// receiver: nothing drains it meanwhile, so only for receivers that say little). Blocking: call it through
/// `blockingCall`. On failure the process is stopped and the error says what it printed.
func launchReceiver(_ args: [String], keepErrors: Bool) throws -> (process: Process, base: String, errors: Pipe?) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: BinaryRunner.binary)
    process.arguments = ["receive", "--port", "0"] + args
    let out = Pipe()
    let err = keepErrors ? Pipe() : nil
    process.standardOutput = out
    process.standardError = err ?? FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    var text = ""
    while !text.contains("\n") {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        text += String(decoding: chunk, as: UTF8.self)
    }
    let first = text.split(separator: "\n").first.map(String.init) ?? ""
    guard first.hasPrefix("listening on http://127.0.0.1:") else {
        process.terminate()
        process.waitUntilExit()
        let reason = err.map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        throw ReceiverLaunchFailure(description: "receiver did not start: \(text)\(reason)")
    }
    return (process, String(first.dropFirst("listening on ".count)), err)
}
