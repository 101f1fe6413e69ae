/// A fixed-size grid of cells that the renderer draws into (pure; no terminal).
/// Wide characters occupy two cells: the character and a continuation cell.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major characters; `Canvas.continuation` marks the right half of a wide character.
    private(set) var chars: [Character]
    private(set) var styles: [Style]

    static let continuation: Character = "\u{0}"

    /// A blank canvas of `width` × `height` spaces.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        chars = Array(repeating: " ", count: self.width * self.height)
        styles = Array(repeating: .normal, count: self.width * self.height)
    }

    /// Writes `text` at column `x`, row `y`, clipped to `maxWidth` columns and to the canvas; a cut ends in `…`.
    /// Control characters are escaped (`TextWidth.sanitize`, never sent raw); a wide character that
    /// does not fit is not split. Returns the number of columns written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var text = TextWidth.sanitize(text)
        if x >= 0, TextWidth.width(text) > limit - x { text = TextWidth.truncate(text, to: limit - x) }
        var col = x
        var last = -1  // cell index of the previous character, for combining marks
        // Scalar by scalar (much faster than grapheme breaking): a zero-width scalar (combining mark,
        // joiner, variation selector) joins the previous cell's character.
        for scalar in text.unicodeScalars {
            if TextWidth.isControl(scalar) {
                guard col + 1 <= limit else { break }
                if col >= 0 { put("?", 1, col, y, style) }
                last = col >= 0 ? y * width + col : -1
                col += 1
                continue
            }
            let w = TextWidth.width(of: scalar)
            if w == 0 {
                if last >= 0 { chars[last] = Character(String(chars[last]) + String(scalar)) }
                continue
            }
            if col + w > limit { break }
            if col >= 0 {
                put(Character(scalar), w, col, y, style)
                last = y * width + col
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Sets the style of `count` cells from (x, y) without changing their characters.
    public mutating func restyle(x: Int, y: Int, count: Int, style: Style) {
        guard y >= 0, y < height else { return }
        for c in max(0, x)..<min(width, x + count) { styles[y * width + c] = style }
    }

    /// Fills a rectangle with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: Style = .normal) {
        for row in max(0, rect.y)..<min(height, rect.y + rect.height) {
            for c in max(0, rect.x)..<min(width, rect.x + rect.width) {
                clearWideNeighbour(c, row)
                chars[row * width + c] = " "
                styles[row * width + c] = style
            }
        }
    }

    /// Draws a single-line box around `rect` with `title` in the top border.
    /// `ascii` draws `+-|` for terminals without Unicode.
    public mutating func box(
        _ rect: Rect, title: String, titleStyle: Style, borderStyle: Style = .normal, ascii: Bool = false
    ) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        let (h, v, tl, tr, bl, br) = ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        let horizontal = String(repeating: h, count: rect.width - 2)
        write(tl + horizontal + tr, x: rect.x, y: rect.y, style: borderStyle)
        write(bl + horizontal + br, x: rect.x, y: bottom, style: borderStyle)
        if rect.height > 2 {
            for row in (rect.y + 1)..<bottom {
                write(v, x: rect.x, y: row, style: borderStyle)
                write(v, x: right, y: row, style: borderStyle)
            }
        }
        if !title.isEmpty, rect.width > 6 {
            write(title, x: rect.x + 2, y: rect.y, style: titleStyle, maxWidth: rect.width - 4)
        }
    }

    /// The rows as plain strings (continuation cells dropped, trailing spaces kept).
    public var lines: [String] {
        (0..<height).map { row in
            var s = ""
            for c in 0..<width where chars[row * width + c] != Canvas.continuation { s.append(chars[row * width + c]) }
            return s
        }
    }

    /// One row split into runs of equal style: what the terminal layer draws.
    public func runs(row: Int) -> [(x: Int, text: String, style: Style)] {
        guard row >= 0, row < height, width > 0 else { return [] }
        var result: [(x: Int, text: String, style: Style)] = []
        var start = 0
        var text = ""
        var style = styles[row * width]
        for c in 0..<width {
            let i = row * width + c
            if styles[i] != style {
                result.append((start, text, style))
                start = c
                text = ""
                style = styles[i]
            }
            if chars[i] != Canvas.continuation { text.append(chars[i]) }
        }
        result.append((start, text, style))
        return result
    }

    /// Style of the cell at (x, y) (for tests).
    public func style(x: Int, y: Int) -> Style { styles[y * width + x] }

    private mutating func put(_ ch: Character, _ w: Int, _ x: Int, _ y: Int, _ style: Style) {
        clearWideNeighbour(x, y)
        if w == 2 { clearWideNeighbour(x + 1, y) }
        chars[y * width + x] = ch
        styles[y * width + x] = style
        if w == 2 {
            chars[y * width + x + 1] = Canvas.continuation
            styles[y * width + x + 1] = style
        }
    }

    /// Overwriting one half of a wide character blanks its other half.
    private mutating func clearWideNeighbour(_ x: Int, _ y: Int) {
        let i = y * width + x
        if chars[i] == Canvas.continuation, x > 0 {
            chars[i - 1] = " "
        } else if x + 1 < width, chars[i + 1] == Canvas.continuation {
            chars[i + 1] = " "
        }
    }
}
