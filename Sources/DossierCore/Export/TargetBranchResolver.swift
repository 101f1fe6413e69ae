import Foundation

/// `target_branch` of a feature: `meta.json`'s `target_branch`, else the branch checked out in the repository
/// (read from `.git/HEAD`, following a worktree's `gitdir:` file; a detached HEAD has no branch), else `main`.
public enum TargetBranchResolver {
    /// The fallback when neither meta.json nor git names a branch.
    public static let fallback = "main"

    /// The branch from the sources above, in that order.
    public static func resolve(metaJSON: [UInt8]?, repositoryRoot: String, fileSystem: any ScanFileSystem) -> String {
        if let meta = metaJSON, let branch = branch(inMetaJSON: meta) { return branch }
        if let branch = gitBranch(repositoryRoot: repositoryRoot, fileSystem: fileSystem) { return branch }
        return fallback
    }

    /// `target_branch` of meta.json bytes when it is a non-empty string.
    public static func branch(inMetaJSON bytes: [UInt8]) -> String? {
        guard case .success(.object(let o)) = SpecKittyDocuments.parse(.init(bytes)),
            case .string(let s)? = o["target_branch"], !s.isEmpty
        else { return nil }
        return s
    }

    /// The checked-out branch of the repository at `repositoryRoot`, nil when not a git checkout or detached.
    public static func gitBranch(repositoryRoot: String, fileSystem: any ScanFileSystem) -> String? {
        let dotGit = repositoryRoot + "/.git"
        var headPath = dotGit + "/HEAD"
        if case .success(let bytes) = fileSystem.read(file: Array(dotGit.utf8), limit: 4096) {
            // A worktree or submodule: `.git` is a file `gitdir: <path>` (relative to the repository root).
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.hasPrefix("gitdir:") else { return nil }
            let dir = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            guard !dir.isEmpty else { return nil }
            headPath = (dir.hasPrefix("/") ? dir : repositoryRoot + "/" + dir) + "/HEAD"
        }
        guard case .success(let head) = fileSystem.read(file: Array(headPath.utf8), limit: 4096) else { return nil }
        return branch(inHEAD: head)
    }

    /// `ref: refs/heads/<branch>` → `<branch>`; a detached HEAD (a commit id) or anything else → nil.
    public static func branch(inHEAD bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "ref: refs/heads/"
        guard text.hasPrefix(prefix) else { return nil }
        let name = String(text.dropFirst(prefix.count))
        return name.isEmpty || name.contains("\n") ? nil : name
    }
}
