/// One piece of a line that may not fit: its text, style, how much it matters, and whether it may be shortened
/// with `…` (names, reasons) or only shown whole or not at all (numbers, badges: a cut `sent 57` for 5,729 lies).
public struct Segment: Sendable, Equatable {
    public var text: String
    public var style: Style
    /// True: may be cut (ending in `…`); false: dropped whole rather than cut.
    public var cuttable: Bool
    // Small storage (24 bytes a segment, not 56): an Artifacts pane holds ~44,000 of them at real scale.
    private var storedPriority: Int16
    private var storedOnlyFrom: Int16
    private var storedGroup: Int16

    /// Higher stays longer: when the line is too long, the lowest priority gives way first (the rightmost of equals).
    public var priority: Int {
        get { Int(storedPriority) }
        set { storedPriority = Int16(clamping: newValue) }
    }
    /// Shown only in lines at least this wide: a column that stays or goes for a whole pane (rows stay aligned),
    /// whatever the length of each row's other text.
    public var onlyFrom: Int {
        get { Int(storedOnlyFrom) }
        set { storedOnlyFrom = Int16(clamping: newValue) }
    }
    /// Segments with the same non-zero group go together: when one is dropped the others are too (a label never
    /// stays behind without its value: `mission ` with no mission type).
    public var group: Int {
        get { Int(storedGroup) }
        set { storedGroup = Int16(clamping: newValue) }
    }

    public init(
        _ text: String, _ style: Style = .normal, priority: Int, cuttable: Bool = false, onlyFrom: Int = 0,
        group: Int = 0
    ) {
        self.text = text
        self.style = style
        self.cuttable = cuttable
        self.storedPriority = Int16(clamping: priority)
        self.storedOnlyFrom = Int16(clamping: onlyFrom)
        self.storedGroup = Int16(clamping: group)
    }

    public var width: Int { TextWidth.width(text) }
}

/// Fits segments into a width (pure): lower-priority text gives way first, a cut always shows `…`, numbers and
/// badges are never cut, and a dropped segment takes its group (label and value) with it.
public enum LineFit {
    /// Fewest columns a cut segment keeps (text plus `…`); below that it is dropped instead.
    static let minimumCut = 4

    /// The segments to draw, in their order, whose widths sum to at most `width`.
    public static func fit(_ segments: [Segment], width: Int) -> [Segment] {
        var out = segments.filter { $0.onlyFrom <= width }
        var total = out.reduce(0) { $0 + $1.width }
        // A group is as important as its most important part: a label never goes (taking its value along) while
        // its value would outlast other text.
        var groupPriority: [Int: Int] = [:]
        for s in out where s.group != 0 {
            groupPriority[s.group] = max(groupPriority[s.group] ?? s.priority, s.priority)
        }
        func rank(_ s: Segment) -> Int { s.group == 0 ? s.priority : groupPriority[s.group] ?? s.priority }
        while total > width, !out.isEmpty {
            // The lowest priority, rightmost among equals.
            var victim = out.count - 1
            for i in out.indices.reversed() where rank(out[i]) < rank(out[victim]) { victim = i }
            let excess = total - width
            // In a group, a part that can be cut gives way before the whole group goes.
            if out[victim].group != 0, !out[victim].cuttable || out[victim].width - excess < minimumCut,
                let part = out.indices.last(where: {
                    out[$0].group == out[victim].group && out[$0].cuttable && out[$0].width - excess >= minimumCut
                })
            {
                victim = part
            }
            let w = out[victim].width
            if out[victim].cuttable, w - excess >= minimumCut {
                out[victim].text = TextWidth.truncate(out[victim].text, to: w - excess)
                total -= w - out[victim].width
            } else if out[victim].group != 0 {
                let group = out[victim].group
                total -= out.filter { $0.group == group }.reduce(0) { $0 + $1.width }
                out.removeAll { $0.group == group }
            } else {
                total -= w
                out.remove(at: victim)
            }
        }
        // A separator that led into something now gone does not open the line.
        if let first = out.first, first != segments.first, first.text.hasPrefix(" ") {
            out[0].text = String(first.text.drop { $0 == " " })
        }
        return out
    }

    /// The fitted segments as one string (for rows drawn in a single style).
    public static func text(_ segments: [Segment], width: Int) -> String {
        fit(segments, width: width).map(\.text).joined()
    }

    /// Wraps `text` into lines of at most `width` columns, at spaces where it can, mid-word where a word is
    /// longer than a line; a continuation line starts with `indent`.
    public static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        guard width > TextWidth.width(indent) + 1, TextWidth.width(text) > width else { return [text] }
        var lines: [String] = []
        var rest = Substring(text)
        var prefix = ""
        while !rest.isEmpty {
            let room = width - TextWidth.width(prefix)
            if TextWidth.width(rest) <= room {
                lines.append(prefix + rest)
                break
            }
            let clipped = TextWidth.clip(String(rest), to: room)
            var cut = clipped.endIndex
            if let space = clipped.lastIndex(of: " "), space > clipped.startIndex { cut = space }
            let head = clipped[..<cut]
            lines.append(prefix + head)
            rest = rest[rest.index(rest.startIndex, offsetBy: head.count)...].drop { $0 == " " }
            prefix = indent
        }
        return lines
    }
}
