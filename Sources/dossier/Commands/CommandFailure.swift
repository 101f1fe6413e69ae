/// A command could not do its job (bad input, unusable state, a server that refused): the only error type the
/// command layer turns into an exit status. `DossierCommand.main` prints `dossier: <message>` (terminal-escaped, one
/// line) to stderr and exits 2; helpers throw it instead of exiting, so `defer`s and cleanups still run.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
