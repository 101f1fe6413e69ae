/// What a cell means visually. The terminal layer maps each style to color + attributes;
/// without color (NO_COLOR, `--no-color`, monochrome terminals) only the attributes remain,
/// so the renderer always puts the meaning in text as well (labels like `DEAD`, `ERR`, `✓`).
public enum Style: UInt8, Sendable, Equatable, CaseIterable {
    case normal, bold, dim, title, focusedTitle, selected, statusBar, ok, warning, error, accent, overlay
}
