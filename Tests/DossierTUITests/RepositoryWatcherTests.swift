import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import DossierTUI

/// The pure reading of inotify event buffers, and the watcher on a real folder.
@Suite struct RepositoryWatcherTests {
    /// One `struct inotify_event` with its name padded to 4 bytes.
    static func event(wd: Int32, mask: UInt32, name: String = "") -> [UInt8] {
        var nameBytes = Array(name.utf8)
        if !nameBytes.isEmpty { nameBytes += Array(repeating: 0, count: 4 - nameBytes.count % 4) }
        var out = [UInt8]()
        withUnsafeBytes(of: wd) { out += $0 }
        withUnsafeBytes(of: mask) { out += $0 }
        withUnsafeBytes(of: UInt32(0)) { out += $0 }
        withUnsafeBytes(of: UInt32(nameBytes.count)) { out += $0 }
        return out + nameBytes
    }

    @Test func fileEventsNameTheirFeatureTopLevelAndOverflowMeanEverything() {
        let folders: [Int32: String] = [1: "", 2: "042-login", 3: "042-login/tasks"]
        let inFeature = Self.event(wd: 3, mask: UInt32(IN_CLOSE_WRITE), name: "WP01.md")
            + Self.event(wd: 2, mask: UInt32(IN_CREATE | IN_ISDIR), name: "notes")
        var parsed = RepositoryWatcher.parse(ArraySlice(inFeature), folders: folders)
        #expect(parsed.features == ["042-login"])
        #expect(parsed.newFolders == ["042-login/notes"])
        #expect(parsed.everything == nil)

        parsed = RepositoryWatcher.parse(ArraySlice(Self.event(wd: 1, mask: UInt32(IN_CREATE | IN_ISDIR), name: "043-new")), folders: folders)
        #expect(parsed.everything == "kitty-specs/043-new changed")
        #expect(parsed.newFolders == ["043-new"])

        parsed = RepositoryWatcher.parse(ArraySlice(Self.event(wd: -1, mask: UInt32(IN_Q_OVERFLOW))), folders: folders)
        #expect(parsed.everything == "inotify queue overflowed")
    }

    @Test func watchesNewFoldersRecursively() async throws {
        let root = NSTemporaryDirectory() + "dossier-watch-\(UUID().uuidString.prefix(8))/kitty-specs"
        try FileManager.default.createDirectory(atPath: root + "/042-login", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        let seen = Mutex<[RepositoryChange]>([])
        let watcher = try RepositoryWatcher(root: root) { change in seen.withLock { $0.append(change) } }
        defer { watcher.stop() }
        // A folder created inside a feature is watched too: a file written in it names the feature.
        try FileManager.default.createDirectory(atPath: root + "/042-login/deep/er", withIntermediateDirectories: true)
        let clock = ContinuousClock()
        var deadline = clock.now + .seconds(30)
        while seen.withLock({ $0.isEmpty }) && clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        seen.withLock { $0 = [] }
        try await Task.sleep(for: .milliseconds(200))  // let the watcher add the new folders' watches
        try "x".write(toFile: root + "/042-login/deep/er/file.md", atomically: false, encoding: .utf8)
        deadline = clock.now + .seconds(30)
        while !seen.withLock({ $0.contains(.features(["042-login"])) }) && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seen.withLock { $0.contains(.features(["042-login"])) })
    }
}
