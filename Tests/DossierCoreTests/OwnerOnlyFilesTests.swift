import Foundation
import Testing

@testable import DossierCore

/// The one owner-only creation utility (modes under any umask are checked end to end in OwnerOnlyStateTests).
@Suite struct OwnerOnlyFilesTests {
    @Test func parentPaths() {
        #expect(OwnerOnlyFiles.parentPath("a/b/queue.sqlite") == "a/b")
        #expect(OwnerOnlyFiles.parentPath("/queue.sqlite") == "/")
        #expect(OwnerOnlyFiles.parentPath("queue.sqlite") == ".")
        #expect(OwnerOnlyFiles.parentPath("/a//b//") == "/a")
    }

    @Test func createsMissingLevelsAndRefusesAFileInTheWay() throws {
        let root = NSTemporaryDirectory() + "dossier-owner-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try OwnerOnlyFiles.prepareFile(root + "/x/y/z/file")
        for folder in ["", "/x", "/x/y", "/x/y/z"] {
            let mode = try FileManager.default.attributesOfItem(atPath: root + folder)[.posixPermissions] as? Int
            #expect(mode == 0o700, "\(folder)")
        }
        let fileMode = try FileManager.default.attributesOfItem(atPath: root + "/x/y/z/file")[.posixPermissions]
        #expect(fileMode as? Int == 0o600)
        #expect(try OwnerOnlyFiles.createFile(root + "/x/y/z/file") == false, "an existing file is kept")
        #expect(throws: OwnerOnlyError(path: root + "/x/y/z/file", problem: "exists and is not a folder")) {
            try OwnerOnlyFiles.makeDirectories(root + "/x/y/z/file/deeper")
        }
    }
}
