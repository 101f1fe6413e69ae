import Foundation
import TestSupport
import Testing

/// A 2 GiB file is hashed in bounded memory: the real binary's peak RSS, measured by GNU time on that process alone.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs GNU time (/usr/bin/time)"))
struct ScanMemoryTests {
    @Test func twoGigabyteFileIsHashedInBoundedMemory() async throws {
        let root = try BinaryRunner.tempDirectory("scanmem")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let feature = root + "/kitty-specs/001-big"
        try FileManager.default.createDirectory(atPath: feature, withIntermediateDirectories: true)
        let path = feature + "/big.bin"
        let fd = open(path, O_WRONLY | O_CREAT, 0o644)
        #expect(fd >= 0)
        #expect(ftruncate(fd, 2 << 30) == 0)  // sparse: 2 GiB of zeros without using the disk
        close(fd)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        let report = root + "/time.txt"
        process.arguments = ["-f", "%M", "-o", report, BinaryRunner.binary, "scan", "--no-emit", "--json", feature]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let json = await out.readAll()
        await process.exited()
        #expect(process.terminationStatus == 0)
        // head -c 2147483648 /dev/zero | sha256sum
        #expect(
            String(decoding: json, as: UTF8.self).contains(
                "a7c744c13cc101ed66c29f672f92455547889cc586ce6d44fe76ae824958ea51"))
        let peakKiB =
            Int(
                try String(contentsOfFile: report, encoding: .utf8)
                    .split(separator: "\n").last.map(String.init) ?? "") ?? Int.max
        // Reading the file whole would need 2 GiB; streaming needs a chunk plus the process itself.
        #expect(peakKiB < 128 * 1024, "peak RSS \(peakKiB) KiB")
    }
}
