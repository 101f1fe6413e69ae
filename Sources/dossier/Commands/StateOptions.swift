import ArgumentParser

/// Where the state directory (queue database, baselines, config) lives: `--state-dir`, else
/// `DOSSIER_STATE_DIR`, else `.dossier/` at the repository root.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (default: $DOSSIER_STATE_DIR, else .dossier/ at the repository root).")
    var stateDir: String?
}
