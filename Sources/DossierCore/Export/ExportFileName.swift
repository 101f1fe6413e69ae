/// File names of exported streams: `<slug>.jsonl`, with bytes outside `[A-Za-z0-9._-]` percent-encoded (the same
/// rule as baseline files), so any slug gives one safe name.
public enum ExportFileName {
    public static func forFeature(_ slug: String) -> String { BaselineStore.fileName(slug) + ".jsonl" }
}
