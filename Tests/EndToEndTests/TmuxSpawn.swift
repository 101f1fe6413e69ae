import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `argv` to completion and returns its exit status and stdout (stderr goes to /dev/null
/// unless `stderrToStdout`).
///
/// Not Foundation.Process (recipe P13/P14): swift-testing runs tests on libdispatch worker
/// threads whose signal mask blocks SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGWINCH; Process passes
/// that mask on, so a tmux server started from a test (and the dashboard inside it) would ignore
/// ^C, resize and kill-server; and the daemonizing tmux server kept the stdout pipe open, so
/// reading to EOF hung. posix_spawn with an empty mask, default dispositions and fds >= 3
/// closed avoids both.
func tmuxSpawnAndWait(_ argv: [String], environment: [String], stderrToStdout: Bool = false) -> (
    status: Int32, stdout: String
) {
    // Close-on-exec: a child another thread spawns meanwhile must not inherit the write end (it would hold off
    // our EOF for as long as it lives, and the capture would come back late and stale).
    guard let channel = closeOnExecPipe() else { return (-1, "") }
    let fds = [channel.read, channel.write]

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    if stderrToStdout {
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
    } else {
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    for fd in Int32(3)..<1024 { posix_spawn_file_actions_addclose(&actions, fd) }

    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var empty = sigset_t()
    var all = sigset_t()
    sigemptyset(&empty)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attr, &empty)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var cargs = argv.map { strdup($0) } + [nil]
    var cenv = environment.map { strdup($0) } + [nil]
    defer { for p in cargs + cenv { free(p) } }
    var pid = pid_t()
    let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cargs, &cenv)
    close(fds[1])
    guard rc == 0 else {
        close(fds[0])
        return (-1, "")
    }

    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fds[0], &buffer, buffer.count)
        if n > 0 {
            output += buffer[0..<n]
        } else if n == 0 || errno != EINTR {
            break
        }
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exitStatus, String(decoding: output, as: UTF8.self))
}
