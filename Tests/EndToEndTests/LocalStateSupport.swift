import DossierCore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for the local-state hardening tests (issue 9): damaged queue files, umask launchers, file modes.
enum LocalState {
    /// Runs the binary under `umask 000` (the launcher is `sh`, which sets the umask and execs the binary).
    static let umask000 = ["/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\""]

    /// Permission bits of `path` (without following a final symlink), or nil when it does not exist.
    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// Every entry under `root` (recursively) with its mode, for "everything is owner-only" checks.
    static func modes(under root: String) -> [String: mode_t] {
        var out: [String: mode_t] = [:]
        guard let names = FileManager.default.subpaths(atPath: root) else { return out }
        for name in names {
            if let m = mode(root + "/" + name) { out[name] = m }
        }
        return out
    }

    /// The names and bytes of every file directly in `folder` (what "left untouched" compares).
    static func contents(of folder: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return out
    }

    /// A queue of `count + 1` synthetic events in `stateDir`, written by the real binary (closed cleanly: no -wal).
    static func filledQueue(stateDir: String, count: Int) async throws -> String {
        let r = try await BinaryRunner.run(
            ["stress-append", "--count", String(count), "--batches", "1", "--state-dir", stateDir],
            executable: BinaryRunner.bench)
        precondition(r.exitCode == 0, "stress-append failed: \(r.stderr)")
        return stateDir + "/queue.sqlite"
    }

    /// The ways a queue file is damaged in the tests.
    enum Damage: String, CaseIterable, Sendable, CustomStringConvertible {
        case zeroedMiddlePage, randomMiddlePage, zeroedLastPage, truncated, notADatabase
        var description: String { rawValue }
    }

    /// Damages the SQLite file at `path` in place.
    static func damage(_ path: String, _ damage: Damage) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let rawPageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        let pages = bytes.count / pageSize
        precondition(pages >= 8, "queue too small to damage meaningfully: \(pages) pages")
        func fill(page: Int, with make: (Int) -> UInt8) {
            for i in 0..<pageSize { bytes[page * pageSize + i] = make(i) }
        }
        switch damage {
        case .zeroedMiddlePage: fill(page: pages / 2) { _ in 0 }
        case .randomMiddlePage:
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            fill(page: pages / 2) { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
        case .zeroedLastPage: fill(page: pages - 1) { _ in 0 }
        case .truncated: bytes.removeLast((pages / 2) * pageSize)
        case .notADatabase: bytes = Array(String(repeating: "this is not a database\n", count: 400).utf8)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// What SQLite itself says about a copy of `path` (the detail the refusal must carry): the first
    /// `quick_check` line (with the count of further ones), or the open error. The original is not touched.
    static func sqliteVerdict(_ path: String) throws -> String {
        let copyDir = try BinaryRunner.tempDirectory("verdict")
        defer { try? FileManager.default.removeItem(atPath: copyDir) }
        let copy = copyDir + "/copy.sqlite"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        var config = Configuration()
        config.readonly = true
        do {
            let db = try DatabaseQueue(path: copy, configuration: config)
            let rows = try db.read { try String.fetchAll($0, sql: "PRAGMA quick_check") }
            if rows == ["ok"] { return "ok" }
            let more = rows.count > 1 ? " (and \(rows.count - 1) more)" : ""
            return "quick_check: " + rows[0].replacingOccurrences(of: "\n", with: " ") + more
        } catch let error as DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
    }

    /// The refusal every command prints for a damaged queue (QueueError.corrupt).
    static func corruptMessage(_ path: String, detail: String) -> String {
        QueueError.corrupt(path: path, message: detail).description
    }

    /// A 0600 secret file in `dir`.
    static func secretFile(in dir: String) throws -> String {
        let path = dir + "/secret"
        try Data(WebhookSecret.generate().encoded.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        return path
    }
}
