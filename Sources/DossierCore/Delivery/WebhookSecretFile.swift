import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a new secret file could not be written.
public struct WebhookSecretFileError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "secret file \(TerminalText.escape(path)): \(problem)" }
}

/// Writes a fresh `whsec_` secret to a new owner-only (0600) file, for `dossier secret new FILE`: the file that
/// `dossier receive --secret-file` and `dossier queue flush --secret-file` then share. Never overwrites.
public enum WebhookSecretFile {
    public static func create(_ path: String, secret: WebhookSecret) throws(WebhookSecretFileError) {
        let parent = OwnerOnlyFiles.parentPath(path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
            throw WebhookSecretFileError(path: path, problem: "folder '\(parent)' does not exist")
        }
        let created: Bool
        do { created = try OwnerOnlyFiles.createFile(path) } catch {
            throw WebhookSecretFileError(path: path, problem: error.problem)
        }
        guard created else {
            throw WebhookSecretFileError(
                path: path, problem: "already exists; it was left untouched (remove it or choose another path)")
        }
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            let code = errno
            unlink(path)
            throw WebhookSecretFileError(path: path, problem: "cannot open it for writing (\(CPath.errorText(code)))")
        }
        let bytes = Array((secret.encoded + "\n").utf8)
        var written = 0
        var failure: Int32 = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { write(fd, $0 + written, buffer.count - written) } ?? 0
            }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += n
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure != 0 {
            unlink(path)
            throw WebhookSecretFileError(path: path, problem: "cannot write it (\(CPath.errorText(failure)))")
        }
    }
}
