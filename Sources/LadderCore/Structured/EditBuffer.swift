/// A stretch of the original file that a rewrite replaced, and where its replacement sits in
/// the output. An insertion has an empty `original` range.
public struct ReplacedSpan: Sendable, Hashable {
    /// Byte range in the original file.
    public let original: Range<Int>
    /// Byte range of the new text in the output.
    public let replacement: Range<Int>

    /// A span from its parts.
    public init(original: Range<Int>, replacement: Range<Int>) {
        self.original = original
        self.replacement = replacement
    }

    /// Checks the promise of a byte-preserving rewrite: `output` is `original` with only the
    /// given spans replaced, every other byte identical and in the same order. Spans must be
    /// sorted and disjoint; a fuzz target can call this on any rewrite result.
    public static func onlySpansChanged(original: [UInt8], output: [UInt8], spans: [ReplacedSpan]) -> Bool {
        var originalCursor = 0
        var outputCursor = 0
        for span in spans {
            guard span.original.lowerBound >= originalCursor, span.replacement.lowerBound >= outputCursor,
                span.original.upperBound <= original.count, span.replacement.upperBound <= output.count
            else { return false }
            let keptLength = span.original.lowerBound - originalCursor
            guard span.replacement.lowerBound - outputCursor == keptLength,
                original[originalCursor..<span.original.lowerBound].elementsEqual(output[outputCursor..<span.replacement.lowerBound])
            else { return false }
            originalCursor = span.original.upperBound
            outputCursor = span.replacement.upperBound
        }
        return original.count - originalCursor == output.count - outputCursor
            && original[originalCursor...].elementsEqual(output[outputCursor...])
    }
}

/// The target file as a list of kept original stretches and inserted bytes, so that successive
/// edits can still be described in terms of the original bytes.
struct EditBuffer {
    enum Piece {
        case original(Range<Int>)
        case inserted([UInt8])

        var count: Int {
            switch self {
            case .original(let range): return range.count
            case .inserted(let bytes): return bytes.count
            }
        }
    }

    let original: [UInt8]
    private(set) var pieces: [Piece]

    init(_ original: [UInt8]) {
        self.original = original
        pieces = original.isEmpty ? [] : [.original(0..<original.count)]
    }

    var current: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(original.count)
        for piece in pieces {
            switch piece {
            case .original(let range): output.append(contentsOf: original[range])
            case .inserted(let bytes): output.append(contentsOf: bytes)
            }
        }
        return output
    }

    /// Replaces `range` of the current bytes.
    mutating func replace(_ range: Range<Int>, with replacement: [UInt8]) {
        var before: [Piece] = []
        var after: [Piece] = []
        var offset = 0
        for piece in pieces {
            let start = offset
            let end = offset + piece.count
            offset = end
            if start < range.lowerBound {
                let keep = min(end, range.lowerBound) - start
                switch piece {
                case .original(let stretch): before.append(.original(stretch.lowerBound..<stretch.lowerBound + keep))
                case .inserted(let bytes): before.append(.inserted(Array(bytes[0..<keep])))
                }
            }
            if end > range.upperBound {
                let skip = max(range.upperBound, start) - start
                switch piece {
                case .original(let stretch): after.append(.original(stretch.lowerBound + skip..<stretch.upperBound))
                case .inserted(let bytes): after.append(.inserted(Array(bytes[skip...])))
                }
            }
        }
        pieces = before + (replacement.isEmpty ? [] : [.inserted(replacement)]) + after
    }

    /// The replaced stretches in original coordinates, merged where they touch.
    var spans: [ReplacedSpan] {
        var spans: [ReplacedSpan] = []
        var originalCursor = 0
        var outputCursor = 0
        var pending: (original: Int, output: Int)?
        for piece in pieces {
            switch piece {
            case .original(let range):
                if range.lowerBound != originalCursor || pending != nil {
                    let start = pending ?? (originalCursor, outputCursor)
                    spans.append(ReplacedSpan(original: start.original..<range.lowerBound, replacement: start.output..<outputCursor))
                    pending = nil
                }
                originalCursor = range.upperBound
                outputCursor += range.count
            case .inserted(let bytes):
                if pending == nil { pending = (originalCursor, outputCursor) }
                outputCursor += bytes.count
            }
        }
        if originalCursor != original.count || pending != nil {
            let start = pending ?? (originalCursor, outputCursor)
            spans.append(ReplacedSpan(original: start.original..<original.count, replacement: start.output..<outputCursor))
        }
        return spans
    }
}
