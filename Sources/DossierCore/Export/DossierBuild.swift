/// This build of dossier, as named in exported envelopes (`build_id`).
public enum DossierBuild {
    /// The release version.
    public static let version = "0.1.0"
    /// `build_id` of exported spec-kitty-events envelopes.
    public static var buildID: String { "dossier/\(version)" }
}
