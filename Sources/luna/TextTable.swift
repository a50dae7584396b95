/// Rows of cells in columns that fit the terminal. When they do not, the widest columns
/// give way first; a long cell then wraps at spaces (a detail view, where every word of
/// a value matters) or is cut with "…" (a list, which stays one line per object).
struct TextTable {
    enum Overflow {
        case wrap
        case truncate
    }

    var header: [String]?
    var rows: [[String]]
    var overflow: Overflow

    static let gap = 2
    static let minimum = 6

    func render(width: Int?) -> String {
        let all = (header.map { [$0] } ?? []) + rows
        guard let columnCount = all.map(\.count).max(), columnCount > 0 else { return "" }
        let natural = (0..<columnCount).map { column in
            all.map { row in column < row.count ? Self.lines(row[column]).map(\.count).max() ?? 0 : 0 }.max() ?? 0
        }
        let widths = fitted(natural, into: width.map { $0 - Self.gap * (columnCount - 1) })
        var out: [String] = []
        for row in all {
            let cells = (0..<columnCount).map { column in
                layout(column < row.count ? row[column] : "", width: widths[column])
            }
            for line in 0..<(cells.map(\.count).max() ?? 1) {
                let parts = cells.enumerated().map { column, lines in
                    let text = line < lines.count ? lines[line] : ""
                    return column == columnCount - 1
                        ? text : text + String(repeating: " ", count: max(0, widths[column] - text.count))
                }
                var text = parts.joined(separator: String(repeating: " ", count: Self.gap))
                while text.hasSuffix(" ") { text.removeLast() }
                out.append(text)
            }
        }
        return out.joined(separator: "\n")
    }

    /// Caps the widest columns at one common width, the largest that lets the table fit.
    /// The first column (the name, the field) keeps its width: it is what a reader looks
    /// for. No other shrinks below `minimum` characters, or it says nothing any more.
    private func fitted(_ natural: [Int], into budget: Int?) -> [Int] {
        guard let budget, natural.reduce(0, +) > budget else { return natural }
        func widths(_ cap: Int) -> [Int] {
            natural.enumerated().map { column, width in column == 0 ? width : min(width, max(cap, Self.minimum)) }
        }
        var low = 1
        var high = natural.max() ?? 1
        while low < high {
            let middle = (low + high + 1) / 2
            if widths(middle).reduce(0, +) <= budget { low = middle } else { high = middle - 1 }
        }
        return widths(low)
    }

    private func layout(_ cell: String, width: Int) -> [String] {
        switch overflow {
        case .truncate:
            let line = Self.lines(cell).joined(separator: " ")
            return [line.count > width ? String(line.prefix(max(width - 1, 0))) + "…" : line]
        case .wrap:
            return Self.lines(cell).flatMap { Self.wrap($0, width: width) }
        }
    }

    private static func lines(_ cell: String) -> [String] {
        cell.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Breaks at the last space that fits; a word longer than the column is cut.
    static func wrap(_ line: String, width: Int) -> [String] {
        guard width > 0 else { return [line] }
        var out: [String] = []
        var rest = Substring(line)
        while rest.count > width {
            let window = rest.prefix(width + 1)
            if let space = window.lastIndex(of: " "), space > rest.startIndex {
                out.append(String(rest[..<space]))
                rest = rest[rest.index(after: space)...]
            } else {
                out.append(String(rest.prefix(width)))
                rest = rest.dropFirst(width)
            }
        }
        out.append(String(rest))
        return out
    }
}
