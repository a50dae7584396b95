/// One `Range: bytes=…` request header against a file of `size` bytes: `a-b`, `a-`
/// or `-n` (the last n bytes). Several ranges in one request are not served.
enum ByteRange {
    case whole
    case part(ClosedRange<Int>)
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count)
        let ends = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard ends.count == 2 else {
            self = .whole
            return
        }
        let first = Int(ends[0])
        let last = Int(ends[1])
        switch (first, last) {
        case (let first?, nil) where ends[1].isEmpty:
            self = first < size ? .part(first...(size - 1)) : .unsatisfiable
        case (let first?, let last?) where first <= last:
            self = first < size ? .part(first...min(last, size - 1)) : .unsatisfiable
        case (nil, let count?) where ends[0].isEmpty && count > 0:
            self = size > 0 ? .part(max(0, size - count)...(size - 1)) : .unsatisfiable
        default:
            self = .whole
        }
    }
}
