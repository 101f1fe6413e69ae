import Foundation
import TestSupport
import Testing

/// The Python example receiver of docs/webhooks.md (standardwebhooks), run against a real `dossier queue flush` by
/// `scripts/check-example-receiver.sh`: wrong secret refused, every event delivered once and stored as queued,
/// a replay answered `duplicate`, rotation. "Cannot run" (no python3 / standardwebhooks: exit 2) fails too.
@Suite struct ExampleReceiverTests {
    @Test func exampleReceiverTakesARealFlush() async throws {
        let script = BinaryRunner.repositoryRoot + "/scripts/check-example-receiver.sh"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, BinaryRunner.binary]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: await output.readAll(), as: UTF8.self)
        await process.exited()
        #expect(
            process.terminationStatus == 0, "check-example-receiver.sh exited \(process.terminationStatus):\n\(text)")
        #expect(text.contains("ok: docs/webhooks.md shows docs/examples/receiver.py as it is"), "\(text)")
    }
}
