/// Resolves the state directory (queue database, baselines, config): the explicit `--state-dir`,
/// else `DOSSIER_STATE_DIR` from the environment (when non-empty), else `<repository root>/.dossier`.
public enum StateDirectory {
    /// The environment variable that overrides the default location.
    public static let environmentKey = "DOSSIER_STATE_DIR"

    /// The state directory to use. Pure: no file-system access.
    public static func resolve(explicit: String?, environment: [String: String], repositoryRoot: String) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnv = environment[environmentKey], !fromEnv.isEmpty { return fromEnv }
        return repositoryRoot.hasSuffix("/") ? repositoryRoot + ".dossier" : repositoryRoot + "/.dossier"
    }
}
