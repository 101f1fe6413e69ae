#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One file the walk found, and what hashing it gave.
struct WalkedFile: Sendable {
    /// What reading the file gave.
    enum Result: Sendable {
        case digest(FileDigest)
        case failed(FileSystemError)
        /// Changed during two reads in a row (`StableFileHasher`): no hash is reported.
        case changing
    }

    var relative: [UInt8]
    /// `RawName.string(from: relative)`.
    var relativeString: String
    var nameProblem: String?
    var result: Result
}

/// Everything the walk of one feature folder produced.
struct WalkOutput: Sendable {
    var files: [WalkedFile] = []
    var anomalies: [Anomaly] = []
    /// Stat-cache entries for the files read (or trusted) in this walk (one per path).
    var fresh: [(PathKey, StatCacheEntry)] = []
    var statistics = ScanStatistics()
}

/// The race-proof walk of one feature folder: every folder is opened relative to its parent's descriptor with
/// `O_NOFOLLOW | O_DIRECTORY`, every file with `O_NOFOLLOW | O_NONBLOCK`, and `fstat` on the descriptor must say
/// regular file before it is read, so an entry swapped for a symlink or a FIFO after listing is an anomaly, never
/// followed and never blocking. Dot-components are skipped; file symlinks are followed only to regular files inside
/// the repository, opened component by component from the repository's descriptor. Files of a folder are hashed
/// on up to `workers` threads; descriptors open at once stay bounded by the depth.
struct FeatureWalker: Sendable {
    let fileSystem: any ScanFileSystem
    let clock: any ScanClock
    /// Absolute raw path of the feature folder (cache keys, symlink resolution, messages).
    let featurePath: [UInt8]
    /// The repository root and its descriptor (symlink targets are opened beneath it).
    let rootPath: [UInt8]
    let rootFD: Int32
    let cache: StatCache?
    let rehash: Bool
    let scanStarted: FileTime
    let workers: Int
    /// Called once per file with the bytes it holds (0 when it could not be read).
    let onFile: @Sendable (Int64) -> Void
    /// Called after every read while hashing, with its size (progress inside a large file).
    var onRead: (@Sendable (Int) -> Void)? = nil

    private enum Source: Sendable {
        case entry
        /// An in-repository symlink target, as components below the repository root.
        case beneathRoot([[UInt8]], display: String)
    }

    private struct Job: Sendable {
        var name: [UInt8]
        var relative: [UInt8]
        var relativeString: String
        var nameProblem: String?
        var source: Source
    }

    private struct JobResult: Sendable {
        var file: WalkedFile?
        var anomaly: Anomaly?
        var fresh: (PathKey, StatCacheEntry)?
        var fromCache = false
        var hashed = false
        var mismatch = false
    }

    /// Walks the open folder `fd` (at `relative` below the feature) into `out`.
    func walk(_ fd: Int32, relative: [UInt8], into out: inout WalkOutput) {
        let relString = RawName.string(from: relative)
        let entries: [DirectoryEntry]
        switch fileSystem.list(directory: fd) {
        case .success(let e): entries = e
        case .failure(let e):
            let what = relative.isEmpty ? "feature folder \(RawName.string(from: featurePath))" : "folder \(relString)"
            let detail = e.isGone ? "\(what) vanished during the scan (\(e))" : "\(what) cannot be listed (\(e))"
            out.anomalies.append(Anomaly(kind: .unreadableDirectory, relativePath: relString, detail: detail))
            return
        }
        var jobs: [Job] = []
        var folders: [(name: [UInt8], relative: [UInt8])] = []
        for entry in entries.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) })
        where entry.name.first != UInt8(ascii: ".") {
            let name = entry.name
            let rel = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
            let relS = RawName.string(from: rel)
            var kind = entry.kind
            if kind == nil {
                switch fileSystem.status(in: fd, name: name) {
                case .success(let s): kind = s.kind
                case .failure(let e) where e.isGone:
                    out.anomalies.append(
                        Anomaly(
                            kind: .deletedAfterScan, relativePath: relS,
                            detail: "\(relS): vanished while listing (\(e))"))
                    continue
                case .failure(let e):
                    out.anomalies.append(
                        Anomaly(kind: .unreadable, relativePath: relS, detail: "\(relS): cannot stat (\(e))"))
                    continue
                }
            }
            switch kind ?? .other {
            case .directory:
                folders.append((name, rel))
            case .regular:
                jobs.append(
                    Job(
                        name: name, relative: rel, relativeString: relS, nameProblem: RawName.unusualReason(name),
                        source: .entry))
            case .other:
                out.anomalies.append(
                    Anomaly(
                        kind: .notRegularFile, relativePath: relS,
                        detail: "\(relS): not a regular file (FIFO, socket or device); skipped"))
            case .symlink:
                switch symlinkTarget(rel, relS) {
                case .success(let (components, display)):
                    jobs.append(
                        Job(
                            name: name, relative: rel, relativeString: relS,
                            nameProblem: RawName.unusualReason(name),
                            source: .beneathRoot(components, display: display)))
                case .failure(let problem):
                    out.anomalies.append(problem.anomaly)
                }
            }
        }

        let work = jobs
        let results = ParallelWork.map(work.count, workers: workers) { i in run(work[i], in: fd) }
        for r in results {
            if let file = r.file { out.files.append(file) }
            if let anomaly = r.anomaly { out.anomalies.append(anomaly) }
            if let fresh = r.fresh { out.fresh.append(fresh) }
            if r.fromCache { out.statistics.filesFromCache += 1 }
            if r.hashed { out.statistics.filesHashed += 1 }
            if r.mismatch { out.statistics.cacheMismatches += 1 }
        }

        for folder in folders {
            let relS = RawName.string(from: folder.relative)
            switch fileSystem.openDirectory(in: fd, name: folder.name) {
            case .success(let sub):
                walk(sub, relative: folder.relative, into: &out)
                fileSystem.close(sub)
            case .failure(let e):
                let detail: String
                if e.code == ELOOP || e.code == ENOTDIR {
                    detail = "folder \(relS) was replaced (by a symlink or a file) after it was listed; not followed"
                } else if e.isGone {
                    detail = "folder \(relS) vanished during the scan (\(e))"
                } else {
                    detail = "folder \(relS) cannot be opened (\(e))"
                }
                out.anomalies.append(Anomaly(kind: .unreadableDirectory, relativePath: relS, detail: detail))
            }
        }
    }

    // MARK: - Symlinks

    /// Resolves a listed file symlink: the target's components below the repository root, or the anomaly.
    private func symlinkTarget(_ rel: [UInt8], _ relS: String) -> Result<([[UInt8]], String), SymlinkProblem> {
        let absolute = CPath.join(featurePath, rel)
        switch fileSystem.realPath(absolute) {
        case .failure(let e):
            let why = e.code == ELOOP ? "symlink loop" : "dangling symlink"
            return .failure(
                SymlinkProblem(
                    Anomaly(kind: .brokenSymlink, relativePath: relS, detail: "\(relS): \(why) (\(e)); skipped")))
        case .success(let target):
            let targetS = RawName.string(from: target)
            let prefix = rootPath == [UInt8(ascii: "/")] ? rootPath : rootPath + [UInt8(ascii: "/")]
            guard target.starts(with: prefix), target.count > prefix.count else {
                if target == rootPath {
                    return .failure(
                        SymlinkProblem(
                            Anomaly(
                                kind: .directorySymlink, relativePath: relS,
                                detail: "\(relS): symlink to folder \(targetS); folder symlinks are never traversed")))
                }
                return .failure(
                    SymlinkProblem(
                        Anomaly(
                            kind: .symlinkOutsideRoot, relativePath: relS,
                            detail: "\(relS): symlink to \(targetS), outside the repository; not followed")))
            }
            let components = target[prefix.count...].split(separator: UInt8(ascii: "/")).map { Array($0) }
            return .success((components, targetS))
        }
    }

    private struct SymlinkProblem: Error {
        let anomaly: Anomaly
        init(_ anomaly: Anomaly) { self.anomaly = anomaly }
    }

    /// Opens `components` below the repository descriptor, every step `O_NOFOLLOW`.
    private func openBeneathRoot(_ components: [[UInt8]]) -> Result<Int32, FileSystemError> {
        var current = rootFD
        defer { if current != rootFD { fileSystem.close(current) } }
        for component in components.dropLast() {
            switch fileSystem.openDirectory(in: current, name: component) {
            case .success(let next):
                if current != rootFD { fileSystem.close(current) }
                current = next
            case .failure(let e): return .failure(e)
            }
        }
        guard let last = components.last else { return .failure(FileSystemError(call: "openat", code: EISDIR)) }
        return fileSystem.openFile(in: current, name: last)
    }

    // MARK: - One file

    private func run(_ job: Job, in dirFD: Int32) -> JobResult {
        var result = JobResult()
        defer {
            if case .digest(let d) = result.file?.result { onFile(d.size) } else { onFile(0) }
        }
        let rel = job.relativeString
        let validate = Scanner.isTextPath(job.relative)
        let fd: Int32
        var key: PathKey?
        var cached: FileDigest?
        switch job.source {
        case .entry:
            let k = PathKey(CPath.join(featurePath, job.relative))
            key = k
            if let cache, let entry = cache.entries[k],
                case .success(let st) = fileSystem.status(in: dirFD, name: job.name),
                let digest = cache.digest(of: entry, status: st, validateUTF8: validate)
            {
                if !rehash {
                    result.fromCache = true
                    result.fresh = (k, entry)
                    result.file = WalkedFile(
                        relative: job.relative, relativeString: rel, nameProblem: job.nameProblem,
                        result: .digest(digest))
                    return result
                }
                cached = digest
            }
            switch fileSystem.openFile(in: dirFD, name: job.name) {
            case .success(let opened): fd = opened
            case .failure(let e):
                result.file = WalkedFile(
                    relative: job.relative, relativeString: rel, nameProblem: job.nameProblem, result: .failed(e))
                return result
            }
        case .beneathRoot(let components, _):
            switch openBeneathRoot(components) {
            case .success(let opened): fd = opened
            case .failure(let e):
                result.file = WalkedFile(
                    relative: job.relative, relativeString: rel, nameProblem: job.nameProblem, result: .failed(e))
                return result
            }
        }
        defer { fileSystem.close(fd) }
        switch StableFileHasher.hash(fd, fileSystem: fileSystem, validateUTF8: validate, clock: clock, onRead: onRead) {
        case .hashed(let digest, let status):
            result.hashed = true
            result.file = WalkedFile(
                relative: job.relative, relativeString: rel, nameProblem: job.nameProblem, result: .digest(digest))
            if let key, StatCache.isCacheable(status, scanStarted: scanStarted) {
                result.fresh = (key, StatCacheEntry(digest: digest, status: status))
            }
            if let cached, cached.sha256 != digest.sha256 { result.mismatch = true }
        case .notRegular(let status):
            if case .beneathRoot(_, let display) = job.source {
                result.anomaly =
                    status.kind == .directory
                    ? Anomaly(
                        kind: .directorySymlink, relativePath: rel,
                        detail: "\(rel): symlink to folder \(display); folder symlinks are never traversed")
                    : Anomaly(
                        kind: .notRegularFile, relativePath: rel,
                        detail: "\(rel): symlink to something that is not a regular file; skipped")
            } else {
                result.anomaly = Anomaly(
                    kind: .notRegularFile, relativePath: rel,
                    detail: "\(rel): not a regular file when opened (replaced by a FIFO, socket, device or folder "
                        + "after listing); skipped")
            }
        case .changing:
            result.hashed = true
            result.file = WalkedFile(
                relative: job.relative, relativeString: rel, nameProblem: job.nameProblem, result: .changing)
        case .failed(let e):
            result.file = WalkedFile(
                relative: job.relative, relativeString: rel, nameProblem: job.nameProblem, result: .failed(e))
        }
        return result
    }
}
